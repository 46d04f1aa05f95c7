"""Agents' desk phones played by sipp (a UAS scenario of ``tests/data/sipp``), registered for an
extension the way a phone listening on its own port registers (``register_contact.xml``)."""

import subprocess

from tests.server.sip.phones import Floor
from tests.server.sip.test_calls import DATA, wait_for
from tests.server.sip.test_outbound import _free_port
from tests.server.sip.test_trunks import listening


def sipp_phone(floor: Floor, extension: str, scenario: str) -> subprocess.Popen[bytes]:
    """sipp playing ``scenario`` as the phone of ``extension``, registered (so logged in, ready)."""
    port = _free_port()
    phone = subprocess.Popen(
        ["sipp", "-i", "127.0.0.1", "-p", str(port), "-mi", "127.0.0.1", "-mp", "0", "-m", "1",
         "-sf", str(DATA / "sipp" / scenario), "-timeout", "40s", "-timeout_error", "-nostdin",
         "-trace_err", "-trace_msg"],
        cwd=floor.tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    floor.processes.append(phone)
    assert wait_for(lambda: listening(port, "udp"), 10), "sipp does not listen"
    live = floor.live
    register = [
        "sipp", f"127.0.0.1:{live.port}", "-i", "127.0.0.1", "-p", "0", "-m", "1", "-s", extension,
        "-au", extension, "-ap", live.passwords[extension], "-set", "contact_port", str(port),
        "-sf", str(DATA / "sipp" / "register_contact.xml"), "-timeout", "15s", "-timeout_error", "-nostdin",
    ]  # fmt: skip
    registered = subprocess.run(register, cwd=floor.tmp_path, capture_output=True, timeout=30, check=False)
    assert registered.returncode == 0, registered.stdout
    assert live.call(lambda: bool(live.endpoint.bindings(1, extension)))
    return phone


def messages(floor: Floor, scenario: str) -> str:
    """The messages one sipp scenario exchanged (the phones trace theirs)."""
    stem = scenario.removesuffix(".xml")
    return "".join(p.read_text(errors="replace") for p in floor.tmp_path.glob(f"{stem}_*messages.log"))
