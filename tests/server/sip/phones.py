"""The phones of a test call: sipp as the caller, baresip as agents, commands on the call.

The commands are the CallManager's methods that the API calls, run on the server's loop.
"""

import subprocess
from collections.abc import Callable
from pathlib import Path

from callfloor.server.sip.calls import Call
from tests.server.conftest import LiveSip
from tests.server.sip.test_calls import DATA, start_agent, wait_for


class Floor:
    """The phones of one test, stopped at the end."""

    def __init__(self, live: LiveSip, tmp_path: Path) -> None:
        self.live, self.tmp_path = live, tmp_path
        self.processes: list[subprocess.Popen[bytes]] = []

    def agent(self, extension: str) -> None:
        """A baresip phone for ``extension``, registered (hence logged in, ready)."""
        self.processes.append(start_agent(self.live, extension, self.tmp_path))
        registered = lambda: self.live.call(lambda: bool(self.live.endpoint.bindings(1, extension)))  # noqa: E731
        assert wait_for(registered, 15), f"baresip {extension} did not register"

    def caller(self, seconds: float) -> subprocess.Popen[bytes]:
        """sipp dialing 3900 (straight to the queue accueil), hanging up after ``seconds`` of call."""
        command = [
            "sipp", f"127.0.0.1:{self.live.port}", "-i", "127.0.0.1", "-p", "0", "-mi", "127.0.0.1", "-mp", "0",
            "-m", "1", "-s", "3900", "-d", str(int(seconds * 1000)), "-sf", str(DATA / "sipp" / "call.xml"),
            "-timeout", "60s", "-timeout_error", "-nostdin", "-trace_err",
        ]  # fmt: skip
        process = subprocess.Popen(
            command, cwd=self.tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self.processes.append(process)
        return process

    def call(self) -> Call:
        """The one call in progress."""
        calls = self.live.call(lambda: list(self.live.endpoint.calls.calls.values()))
        assert isinstance(calls, list) and len(calls) == 1, calls
        call = calls[0]
        assert isinstance(call, Call)
        return call

    def until(self, condition: Callable[[Call], bool], seconds: float = 15) -> Call:
        """Wait until the call meets ``condition`` (checked on the server's loop)."""

        def check() -> bool:
            calls = list(self.live.endpoint.calls.calls.values())
            return len(calls) == 1 and condition(calls[0])

        assert wait_for(lambda: self.live.call(check), seconds), self.live.call(
            lambda: [(c.state, c.agent, c.consulted) for c in self.live.endpoint.calls.calls.values()]
        )
        return self.call()

    def command(self, name: str, *args: object, **kwargs: object) -> None:
        """One of the CallManager's commands on the call, on the server's loop."""
        manager = self.live.endpoint.calls
        call = self.call()
        self.live.call(lambda: getattr(manager, name)(call, *args, **kwargs))

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=15)
