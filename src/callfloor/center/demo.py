"""The demo tenant ("Démo", slug ``demo``) that ``callfloor up`` seeds into an empty database.

Its passwords are generated at seeding, never shipped: they are written once to
``<data dir>/demo-logins.txt`` (mode 0600) so that ``callfloor up`` can print them on every
start.
"""

from importlib.resources import files
from pathlib import Path

from sqlalchemy.orm import Session

from callfloor.center.apply import IssuedSecret, new_password
from callfloor.center.transfer import ImportReport, import_center
from callfloor.storage.passwords import Passwords
from callfloor.storage.platform import Platform
from callfloor.storage.repositories import audit
from callfloor.yamlfile import parse_yaml

DEMO_SLUG = "demo"
SUPERADMIN_EMAIL = "root@callfloor.example"
LOGINS_FILE = "demo-logins.txt"


def demo_yaml() -> str:
    """The demo center's YAML text."""
    return files("callfloor.center").joinpath("demo.yaml").read_text(encoding="utf-8")


def seed_demo(session: Session, passwords: Passwords) -> ImportReport:
    """Create the demo tenant and a platform superadmin, inside the caller's transaction."""
    report = import_center(session, DEMO_SLUG, parse_yaml(demo_yaml(), "demo.yaml"), passwords)
    secret = IssuedSecret(SUPERADMIN_EMAIL, "login", new_password())
    Platform(session).save_superadmin(SUPERADMIN_EMAIL, "Superadmin", passwords.hash(secret.secret))
    audit(session, "user.create", tenant_id=None, target=SUPERADMIN_EMAIL, details={"role": "superadmin"})
    report.secrets.insert(0, secret)
    return report


def save_logins(data_dir: Path, secrets: list[IssuedSecret]) -> Path:
    """Write the demo's generated passwords to the data dir, readable by its owner only."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / LOGINS_FILE
    path.touch(mode=0o600)
    path.chmod(0o600)
    path.write_text("".join(f"{s.kind}\t{s.who}\t{s.secret}\n" for s in secrets), encoding="utf-8")
    return path


def read_logins(data_dir: Path) -> list[IssuedSecret]:
    """The demo's passwords saved at seeding, or none."""
    path = data_dir / LOGINS_FILE
    if not path.exists():
        return []
    rows = (line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if line)
    return [IssuedSecret(who=who, kind=kind, secret=secret) for kind, who, secret in rows]
