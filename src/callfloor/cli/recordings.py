"""``callfloor recordings purge``: delete the recordings past their retention date."""

import typer

from callfloor.cli.base import app, console
from callfloor.server.recordings import RecordingStore
from callfloor.settings import Settings
from callfloor.storage.db import make_engine, session_factory
from callfloor.storage.migrate import upgrade
from callfloor.storage.types import utcnow

recordings_app = typer.Typer(help="Manage call recordings.", no_args_is_help=True)
app.add_typer(recordings_app, name="recordings")


@recordings_app.command("purge")
def purge() -> None:
    """Delete every recording whose retention date is past: its audio file, then its row."""
    settings = Settings()
    engine = make_engine(settings.resolved_database_url)
    upgrade(engine)
    removed = RecordingStore(session_factory(engine), settings.data_dir).purge(utcnow())
    console.print(f"{removed} recording(s) removed.", highlight=False)
