"""Issue #5: the highest call rate callfloor sustains, next to sippy's B2BUA and a sipp UAS.

sipp, as the callers, dials the demo tenant's 3900 (straight to its queue accueil, no IVR menu)
with ``bench/data/cps_uac.xml``: INVITE with SDP, 200, ACK, a hold of ``--hold`` seconds (the
welcome prompt plays), BYE, 200.
The rate goes up in steps, each a bounded number of calls (``--seconds`` worth), against three
systems started one after the other, each in its own process on 127.0.0.1:

- **callfloor** (``callfloor up`` on a throwaway data dir): answers itself, as a B2BUA's first
  leg, and streams the welcome prompt (RTP, 50 packets/s) to the caller's media port;
- **sippy's B2BUA** (``b2bua_simple`` from the ``sippy`` package): it cannot answer a call by
  itself, it relays it to a next hop, so a sipp UAS stands behind it as the far end. It relays
  signalling only: no media, no prompt;
- **a sipp UAS** (``sipp -sn uas``, C++) answering directly: the upper bound of this machine
  with this load generator.

A step passes when fewer than ``--max-failed`` % of its calls failed (sipp's failed-call counter,
plus calls that never finished; behind sippy, calls its far end failed too) and sipp placed them
at ≥ 95 % of the target rate. The max sustained rate of a system is its highest passing step
below its first failing one; it is printed a second time with answer p99 < 500 ms required too
(T1: past it callers retransmit their INVITE, the sign of a server falling behind). A system's
ramp stops after a step with ≥ 1 % failed calls or a median answer time ≥ 1 s. Each system
first takes 20 warm-up calls, not counted. callfloor's log, the calls left in its queue and its
CPU once the load has stopped are printed after its ramp.

    .venv/bin/python bench/sip_cps.py                    # 10 → 600 calls/s, 10 s steps (~13 min)
    .venv/bin/python bench/sip_cps.py --quick            # 10 and 25 calls/s, 3 s steps (~75 s)
    .venv/bin/python bench/sip_cps.py --targets callfloor --direction sendonly   # no RTP sent
    .venv/bin/python bench/sip_cps.py --targets callfloor --rates 300 --py-spy 300 --keep
"""

import argparse
import collections
import contextlib
import csv
import errno
import math
import os
import platform
import re
import resource
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

HOST = "127.0.0.1"
NUMBER = "3900"  # the demo tenant's short number: the welcome, then queue "accueil" (no menu)
SCENARIO = Path(__file__).parent / "data" / "cps_uac.xml"
BIN = Path(sys.executable).parent
SIPP = shutil.which("sipp") or "sipp"  # Debian's sip-tester
TIMEOUT = shutil.which("timeout") or "timeout"  # coreutils
TARGETS = ("callfloor", "sippy", "sipp-uas")
TITLES = {
    "callfloor": "callfloor (Python, asyncio; answers, plays the welcome prompt over RTP)",
    "sippy": "sippy B2BUA (b2bua_simple, Python) relaying to a sipp UAS; signalling only",
    "sipp-uas": "sipp UAS (-sn uas, C++) answering directly: the upper bound",
}
RECV_TIMEOUT_MS = 10_000  # a response not received within this fails the call
STOP_RAMP = 1.0  # % failed: the system is past its limit, higher steps are not run
STOP_ANSWER_MS = 1000  # median answer time past which the system is past its limit too
MIN_ACHIEVED = 0.95  # of the target rate, for a step to count
CLEAN_P99_MS = 500  # answer p99 under T1: no INVITE needed retransmitting (secondary figure)
TICK = os.sysconf("SC_CLK_TCK")


@dataclass
class Step:
    """One step of the ramp against one system."""

    rate: int
    calls: int
    successful: int = 0
    retransmissions: int = 0
    far_failed: int = 0  # calls the far end behind a relay counted as failed (sippy's)
    achieved: float = math.nan
    answer_ms: list[int] = field(default_factory=list)
    sut_cpu: float = 0.0  # share of one core, over the step
    sut_cpus: list[float] = field(default_factory=list)  # the same per process (callfloor's media process)
    load_cpu: float = 0.0  # the sipp processes (callers, and sippy's far end)
    wall: float = 0.0
    udp_out: int = 0  # UDP datagrams this machine sent during the step (SIP and RTP, all processes)
    causes: dict[str, int] = field(default_factory=dict)

    @property
    def failed(self) -> float:
        """Calls that did not succeed, in % of those asked for (timeouts and unfinished included).

        Behind a relay, a call also failed when its far leg failed though the caller's succeeded.
        """
        return 100.0 * max(self.calls - self.successful, self.far_failed) / self.calls

    @property
    def passed(self) -> bool:
        """Sustained: few enough failures, at (about) the rate asked for."""
        return self.failed < ARGS.max_failed and self.achieved >= MIN_ACHIEVED * self.rate

    def percentile(self, q: float) -> float:
        """Answer time (INVITE sent to 200 received) at quantile ``q``, in ms."""
        if not self.answer_ms:
            return math.nan
        ordered = sorted(self.answer_ms)
        return float(ordered[min(len(ordered) - 1, int(q * len(ordered)))])


@dataclass
class System:
    """A system under test, running: where to call it and which processes to watch."""

    address: tuple[str, int]
    sut: list[int]  # pids whose CPU is the system's
    load: list[int] = field(default_factory=list)  # long-lived load processes (sippy's far end)
    logs: list[Path] = field(default_factory=list)
    far_stats: Path | None = None  # sipp's statistics file of the far end behind a relay
    after: Callable[[], list[str]] = lambda: []  # notes once the ramp is over, before it stops


# -- processes, ports ---------------------------------------------------------------------------


def free_port(tcp_too: bool = False) -> int:
    """A port free for UDP (and TCP) on 127.0.0.1, outside the RTP range callfloor uses."""
    for _ in range(200):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.bind((HOST, 0))
            port = udp.getsockname()[1]
            if not tcp_too:
                return int(port)
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
                try:
                    tcp.bind((HOST, port))
                except OSError:
                    continue
                return int(port)
    raise RuntimeError("no free port")


def udp_bound(port: int) -> bool:
    """Whether some process listens on UDP ``port`` of 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.bind((HOST, port))
        except OSError as exc:
            return exc.errno == errno.EADDRINUSE
        return False


def wait_until(
    condition: Callable[[], bool], seconds: float, what: str, proc: subprocess.Popen[bytes]
) -> None:
    """Poll ``condition`` until it holds; fail if ``proc`` exits or time runs out."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what}: the process exited with {proc.returncode}")
        if condition():
            return
        time.sleep(0.2)
    raise RuntimeError(f"{what}: not ready after {seconds:.0f} s")


def bounded(command: list[str]) -> list[str]:
    """``command`` under coreutils' timeout: it ends by itself even if this script is killed."""
    return [TIMEOUT, "--kill-after=10", f"{ARGS.time_limit}s", *command]


def child_of(wrapper: subprocess.Popen[bytes]) -> int:
    """The pid of the command a :func:`bounded` wrapper runs."""
    path = Path(f"/proc/{wrapper.pid}/task/{wrapper.pid}/children")
    for _ in range(100):
        with contextlib.suppress(OSError):
            children = path.read_text().split()
            if children:
                return int(children[0])
        time.sleep(0.05)
    raise RuntimeError(f"no child under pid {wrapper.pid}")


def children(pid: int) -> list[int]:
    """The pids of ``pid``'s child processes (those its threads started)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += map(int, (task / "children").read_text().split())
    return found


@contextlib.contextmanager
def started(
    command: list[str], log: Path, cwd: Path, env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``command`` (bounded in time) with its output in ``log``; stop it by its pid on exit."""
    with log.open("wb") as out:
        proc = subprocess.Popen(bounded(command), cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()  # timeout(1) passes SIGTERM on to the command
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


def udp_datagrams_sent() -> int:
    """The kernel's count of UDP datagrams sent (``Udp: OutDatagrams``, /proc/net/snmp).

    Per call it tells whether the prompt really went out: a 2 s call is about 6 SIP messages
    and, when the welcome plays, 100 RTP packets.
    """
    rows = [
        line.split() for line in Path("/proc/net/snmp").read_text().splitlines() if line.startswith("Udp:")
    ]
    return int(rows[1][rows[0].index("OutDatagrams")])


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a live process (all its threads), 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


# -- the three systems --------------------------------------------------------------------------


@contextlib.contextmanager
def callfloor(work: Path) -> Iterator[System]:
    """``callfloor up`` on a fresh data dir, cheap argon2 (the demo users are hashed at seeding)."""
    sip, http = free_port(tcp_too=True), free_port(tcp_too=True)
    data = work / "callfloor-data"
    env = dict(os.environ)
    env.update(
        CALLFLOOR_DATA_DIR=str(data), CALLFLOOR_HTTP_PORT=str(http), CALLFLOOR_SIP_PORT=str(sip),
        CALLFLOOR_ARGON2_TIME_COST="1", CALLFLOOR_ARGON2_MEMORY_KIB="8", CALLFLOOR_ARGON2_PARALLELISM="1",
    )  # fmt: skip
    log = work / "callfloor.log"
    with started([str(BIN / "callfloor"), "up"], log, work, env) as proc:

        def healthy() -> bool:
            try:
                with urllib.request.urlopen(f"http://{HOST}:{http}/api/health", timeout=2) as answer:
                    return bool(answer.status == 200)
            except OSError:
                return False

        wait_until(healthy, 90, "callfloor", proc)
        wait_until(lambda: udp_bound(sip), 10, "callfloor SIP", proc)
        pid = child_of(proc)
        # The media process (CALLFLOOR_MEDIA_PROCESS, on by default) is callfloor's CPU too.
        pids = [pid, *children(pid)]

        def after() -> list[str]:
            idle = sum(map(cpu_seconds, pids))
            time.sleep(3)
            used = sum(map(cpu_seconds, pids)) - idle
            notes = [f"callfloor's CPU 3 s after the last step: {used / 3:.0%} of a core"]
            return notes + callfloor_log_entries(data / "callfloor.db")

        yield System((HOST, sip), pids, logs=[log], after=after)


def callfloor_log_entries(database: Path) -> list[str]:
    """What reached the floor: the interaction log by type (the demo's queue has no agent)."""
    try:
        with contextlib.closing(sqlite3.connect(database)) as db:
            rows = db.execute(
                "SELECT type, count(*) FROM interaction_events WHERE interaction_id IS NOT NULL"
                " GROUP BY type ORDER BY type"
            ).fetchall()
    except sqlite3.Error as exc:
        return [f"(interaction log not read: {exc})"]
    counts = dict(rows)
    line = ", ".join(f"{kind} {count:,}" for kind, count in rows) or "nothing"
    notes = [f"callfloor's interaction log: {line}"]
    left = counts.get("enqueued", 0) - sum(counts.get(k, 0) for k in ("abandoned", "completed", "dropped"))
    if left > 0:
        notes.append(f"  {left:,} enqueued calls never ended: no BYE reached callfloor, they are still up")
    return notes


def far_end_scenario(work: Path) -> Path:
    """sipp's built-in UAS with a plain Contact: sippy 2.5 compares ``transport=`` case-sensitively
    and cannot send the BYE to ``;transport=UDP``, the Contact sipp writes."""
    builtin = subprocess.run([SIPP, "-sd", "uas"], capture_output=True, text=True, check=False, timeout=10)  # noqa: S603
    if "<scenario" not in builtin.stdout:  # sipp -sd exits with 99 after dumping
        raise RuntimeError(f"sipp -sd uas printed no scenario: {builtin.stderr[:200]}")
    path = work / "far_end_uas.xml"
    path.write_text(builtin.stdout.replace(";transport=[transport]", ""))
    return path


@contextlib.contextmanager
def sippy(work: Path) -> Iterator[System]:
    """b2bua_simple relaying every call to a sipp UAS; it logs warnings only (not every message)."""
    far, port = free_port(), free_port()
    far_end = [
        SIPP, "-sf", str(far_end_scenario(work)), "-i", HOST, "-p", str(far), "-mi", HOST, "-mp", "0",
        "-nostdin", "-l", "100000", "-timeout", f"{ARGS.time_limit}s", "-trace_stat", "-stf",
        str(work / "far_end.csv"), "-fd", "1",
    ]  # fmt: skip
    env = dict(os.environ, SIPLOG_LVL="WARN")
    relay = [str(BIN / "b2bua_simple"), "-f", "-l", HOST, "-p", str(port), "-n", f"{HOST}:{far}"]
    with (
        started(far_end, work / "far_end.log", work) as uas,
        started(relay, work / "sippy.log", work, env) as b2bua,
    ):
        wait_until(lambda: udp_bound(far), 10, "sipp far end", uas)
        wait_until(lambda: udp_bound(port), 30, "sippy", b2bua)
        time.sleep(0.5)

        def after() -> list[str]:
            row = last_row(work / "far_end.csv")
            if not row:
                return []
            total, done = int(row["IncomingCall(C)"]), int(row["SuccessfulCall(C)"])
            failed, current = int(row["FailedCall(C)"]), int(row["CurrentCall"])
            relayed = f"sippy's far end: {total:,} calls relayed to it, {done:,} ended by BYE"
            return [f"{relayed}, {failed:,} failed, {current:,} still up"]

        pids = [child_of(b2bua)], [child_of(uas)]
        yield System((HOST, port), *pids, [work / "sippy.log"], work / "far_end.csv", after)


@contextlib.contextmanager
def sipp_uas(work: Path) -> Iterator[System]:
    """``sipp -sn uas``."""
    port = free_port()
    command = [SIPP, "-sn", "uas", "-i", HOST, "-p", str(port), "-mi", HOST, "-mp", "0", "-nostdin",
               "-l", "100000", "-timeout", f"{ARGS.time_limit}s"]  # fmt: skip
    with started(command, work / "uas.log", work) as uas:
        wait_until(lambda: udp_bound(port), 10, "sipp UAS", uas)
        yield System((HOST, port), [child_of(uas)])


STARTERS = {"callfloor": callfloor, "sippy": sippy, "sipp-uas": sipp_uas}


# -- one step -----------------------------------------------------------------------------------


def last_row(path: Path) -> dict[str, str]:
    """The last line of a sipp statistics file (``-trace_stat``, ``;``-separated)."""
    try:
        rows = list(csv.DictReader(path.read_text(errors="replace").splitlines(), delimiter=";"))
    except OSError:
        return {}
    return rows[-1] if rows else {}


def place_calls(system: System, rate: int, folder: Path, profile: Path | None, calls: int = 0) -> Step:
    """sipp calls ``system`` at ``rate`` calls/s for ``--seconds``; its statistics and call log read."""
    calls = calls or max(10, round(rate * ARGS.seconds))
    folder.mkdir(parents=True)
    hold_ms = round(ARGS.hold * 1000)
    budget = calls / rate + ARGS.hold + RECV_TIMEOUT_MS / 1000 + 45  # the slowest call's whole life
    command = [
        SIPP, f"{system.address[0]}:{system.address[1]}", "-sf", str(SCENARIO), "-s", NUMBER,
        "-i", HOST, "-p", str(free_port()), "-mi", HOST, "-mp", "0",
        "-r", str(rate), "-m", str(calls), "-l", str(calls), "-d", str(hold_ms),
        "-key", "direction", ARGS.direction,
        "-recv_timeout", str(RECV_TIMEOUT_MS), "-timeout", f"{budget:.0f}s", "-timeout_error",
        "-default_behaviors", "all,-abortunexp",  # a 180 overtaken by its 200 is not a failure
        "-nostdin", "-trace_stat", "-stf", "stats.csv", "-fd", "1",
        "-trace_logs", "-log_file", "calls.log", "-trace_err", "-error_file", "errors.log",
    ]  # fmt: skip
    step = Step(rate, calls)
    far_before = int(last_row(system.far_stats).get("FailedCall(C)", 0)) if system.far_stats else 0
    watched = system.sut + system.load
    before = [cpu_seconds(pid) for pid in watched]
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    udp_before = udp_datagrams_sent()
    start = time.monotonic()
    spy = None
    with (folder / "sipp.out").open("wb") as out:
        caller = subprocess.Popen(command, cwd=folder, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
        if profile is not None:
            spy = py_spy(system.sut[0], profile, calls / rate)
        try:
            caller.wait(timeout=budget + 30)
        except subprocess.TimeoutExpired:
            caller.kill()
            caller.wait(timeout=10)
        if spy is not None:
            spy.wait(timeout=60)
    step.wall = time.monotonic() - start
    step.udp_out = udp_datagrams_sent() - udp_before
    after = [cpu_seconds(pid) for pid in watched]
    used = [b - a for a, b in zip(before, after, strict=True)]
    ended = resource.getrusage(resource.RUSAGE_CHILDREN)
    uac = ended.ru_utime + ended.ru_stime - children.ru_utime - children.ru_stime
    step.sut_cpus = [cpu / step.wall for cpu in used[: len(system.sut)]]
    step.sut_cpu = sum(step.sut_cpus)
    step.load_cpu = (uac + sum(used[len(system.sut) :])) / step.wall
    row = last_row(folder / "stats.csv")
    if row:
        step.successful = int(row["SuccessfulCall(C)"])
        step.retransmissions = int(row["Retransmissions(C)"])
        step.causes = {
            name[6:-3]: int(value)
            for name, value in row.items()
            if name.startswith("Failed")
            and name.endswith("(C)")
            and name != "FailedCall(C)"
            and value not in ("", "0")
        }
    read_call_log(folder / "calls.log", step)
    if system.far_stats is not None:
        time.sleep(6)  # the far end keeps each call 4 s after its BYE (timewait), writes its file each 1 s
        step.far_failed = int(last_row(system.far_stats).get("FailedCall(C)", 0)) - far_before
        if step.far_failed:
            step.causes["far end"] = step.far_failed
    return step


def read_call_log(path: Path, step: Step) -> None:
    """Achieved rate from when calls started, answer times from when they were answered."""
    started_at: dict[str, int] = {}
    answered_at: dict[str, int] = {}
    with contextlib.suppress(OSError), path.open(errors="replace") as lines:
        for line in lines:
            words = line.split()
            if len(words) == 3 and words[2].isdigit():
                (started_at if words[0] == "start" else answered_at)[words[1]] = int(words[2])
    if len(started_at) > 1:
        span = (max(started_at.values()) - min(started_at.values())) / 1000
        step.achieved = (len(started_at) - 1) / span if span > 0 else math.nan
    step.answer_ms = [answered_at[n] - started_at[n] for n in answered_at if n in started_at]


def py_spy(pid: int, output: Path, seconds: float) -> subprocess.Popen[bytes] | None:
    """py-spy sampling ``pid`` without pausing it (``--nonblocking``) for ``seconds``."""
    tool = shutil.which("py-spy", path=f"{BIN}:{os.environ.get('PATH', '')}")
    if tool is None:
        print("  (py-spy not found: pip install py-spy into the venv)")
        return None
    command = [tool, "record", "--nonblocking", "--pid", str(pid), "--rate", "200", "--duration",
               str(max(1, round(seconds))), "--format", "raw", "--output", str(output)]  # fmt: skip
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603


def print_profile(path: Path, top: int = 18) -> None:
    """Where the sampled time went: by function, on its own and with what it calls."""
    own: collections.Counter[str] = collections.Counter()
    within: collections.Counter[str] = collections.Counter()
    total = 0
    try:
        text = path.read_text()
    except OSError:
        print("  (no profile was written)")
        return
    for line in text.splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        samples, total = int(count), total + int(count)
        frames = [re.sub(r":\d+\)$", ")", frame) or "(no Python frame)" for frame in stack.split(";")]
        own[frames[-1]] += samples
        for frame in set(frames):
            within[frame] += samples
    if not total:
        print("  (empty profile)")
        return
    print(f"  py-spy, {total:,} samples of busy threads, by function:")
    print("    own time:")
    for frame, samples in own.most_common(top):
        print(f"      {samples / total:6.1%}  {frame}")
    print("    with what it calls (callfloor's frames and the event loop's sendto):")
    shown = [(f, n) for f, n in within.most_common() if "callfloor/" in f or "sendto" in f]
    for frame, samples in shown[: top + 8]:
        print(f"      {samples / total:6.1%}  {frame}")


# -- the run ------------------------------------------------------------------------------------


def processes(step: Step) -> str:
    """Each process's CPU when the system has several (callfloor's calls, then its media)."""
    if len(step.sut_cpus) < 2:
        return ""
    return "(" + " + ".join(f"{cpu:.0%}" for cpu in step.sut_cpus) + ") "


def ramp(name: str, work: Path, rates: list[int]) -> tuple[list[Step], list[str]]:
    """Start one system, call it at each rate, stop it."""
    steps: list[Step] = []
    print(f"\n{TITLES[name]}")
    print(f"  {'target':>6} {'calls':>6} {'achieved':>8} {'failed':>7} {'retrans':>7} {'answer p50':>10}"
          f" {'p99 ms':>7} {'SUT cpu':>7} {'sipp cpu':>8} {'udp/call':>8}  failures")  # fmt: skip
    with STARTERS[name](work) as system:
        warm = place_calls(system, 10, work / "warm-up", None, calls=20)
        print(f"  (warm-up, not counted: {warm.calls} calls at 10/s, {warm.successful} succeeded)")
        time.sleep(ARGS.settle)
        for rate in rates:
            profile = work / f"py-spy-{rate}.txt" if name == "callfloor" and rate == ARGS.py_spy else None
            step = place_calls(system, rate, work / f"{rate:04d}", profile)
            steps.append(step)
            causes = ", ".join(f"{k} {v}" for k, v in step.causes.items())
            verdict = "" if step.passed else "  <- not sustained"
            line = (
                f"  {rate:>6} {step.calls:>6,} {step.achieved:>8.1f} {step.failed:>6.2f}%"
                f" {step.retransmissions:>7,} {step.percentile(0.5):>10.0f} {step.percentile(0.99):>7.0f}"
                f" {step.sut_cpu:>7.0%} {step.load_cpu:>8.0%} {step.udp_out / step.calls:>8.0f}"
                f"  {processes(step)}{causes}{verdict}"
            )
            print(line.rstrip(), flush=True)
            if profile is not None:
                print_profile(profile)
            if step.failed >= STOP_RAMP or step.percentile(0.5) >= STOP_ANSWER_MS:
                break
            time.sleep(ARGS.settle)
        notes = system.after()
        notes += log_anomalies(system.logs)
    for note in notes:
        print(f"  {note}")
    return steps, notes


def log_anomalies(logs: list[Path]) -> list[str]:
    """Warnings, errors and tracebacks in a system's own output, counted, a few shown."""
    notes = []
    pattern = re.compile(r"WARNING|ERROR|CRITICAL|Traceback|[Ee]xception|unparsable")
    for log in logs:
        try:
            lines = log.read_text(errors="replace").splitlines()
        except OSError:
            continue
        bad = [line for line in lines if pattern.search(line)]
        kinds = collections.Counter(re.sub(r"\d+", "N", line)[:150] for line in bad)
        notes.append(f"{log.name}: {len(lines):,} lines, {len(bad):,} warnings or errors")
        notes += [f"  {count:>6,} × {kind}" for kind, count in kinds.most_common(6)]
    return notes


def sustained(steps: list[Step], passes: Callable[[Step], bool]) -> tuple[int, bool]:
    """The highest passing rate below the first failing step; and whether the ramp ran out first."""
    best = 0
    for step in steps:
        if not passes(step):
            return best, False
        best = step.rate
    return best, True


def context(rates: list[int]) -> None:
    """What ran where: the machine is shared with the load generator."""
    offer = ": nobody sends RTP, callfloor's prompt included" if ARGS.direction == "sendonly" else ""
    model = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    sipp = subprocess.run([SIPP, "-v"], capture_output=True, text=True, timeout=10, check=False)  # noqa: S603
    version = re.search(r"SIPp v[\w.\-]+", sipp.stdout)
    print(
        f"machine: {os.cpu_count()} CPU(s) ({model}), load average "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}; Python {platform.python_version()}; "
        f"{version.group(0) if version else 'sipp'}; callfloor {metadata.version('callfloor')}; "
        f"sippy {metadata.version('sippy')}"
    )
    print(
        "the load generator (sipp, one process), sippy's far end and the system under test share these "
        "cores; callfloor and sippy run their work on one core each (one event loop / the GIL)"
    )
    print(
        f"each call: INVITE (PCMA offer, a={ARGS.direction}{offer}), 200, ACK, {ARGS.hold:g} s hold, "
        "BYE, 200; steps of "
        f"{ARGS.seconds:g} s at {', '.join(map(str, rates))} calls/s; a step is sustained with < "
        f"{ARGS.max_failed:g} % failed calls, placed at >= {MIN_ACHIEVED:.0%} of the target rate"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--rates", default="10,25,50,100,150,200,250,300,350,400,500,600", help="calls/s, comma-separated"
    )
    parser.add_argument(
        "--seconds", type=float, default=10.0, help="length of each step (calls = rate × seconds)"
    )
    parser.add_argument("--hold", type=float, default=2.0, help="seconds between ACK and BYE")
    parser.add_argument(
        "--direction", choices=["sendrecv", "sendonly"], default="sendrecv",
        help="the caller's SDP direction; sendonly: answerers send no RTP (signalling only, as sippy)",
    )  # fmt: skip
    parser.add_argument("--targets", default=",".join(TARGETS), help=f"among {', '.join(TARGETS)}")
    parser.add_argument(
        "--max-failed", type=float, default=0.1, help="%% of failed calls a sustained step may have"
    )
    parser.add_argument("--settle", type=float, default=3.0, help="seconds of rest between steps")
    parser.add_argument(
        "--quick", action="store_true", help="10 and 25 calls/s, 3 s steps: checks the script works"
    )
    parser.add_argument(
        "--py-spy", type=int, metavar="RATE", help="profile callfloor during its step at RATE"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the work dir (logs, sipp's files, profiles)"
    )
    parser.add_argument("--time-limit", type=int, default=3600, help="seconds after which every process ends")
    global ARGS  # noqa: PLW0603 - the options, read by the helpers above
    ARGS = parser.parse_args()
    if ARGS.quick:
        ARGS.rates, ARGS.seconds, ARGS.settle = "10,25", 3.0, 1.0
    rates = sorted({int(r) for r in ARGS.rates.split(",")})
    names = [n.strip() for n in ARGS.targets.split(",") if n.strip()]
    if unknown := set(names) - set(TARGETS):
        parser.error(f"unknown target(s): {', '.join(sorted(unknown))}")
    if shutil.which(SIPP) is None:
        parser.error("sipp is not installed: apt-get install sip-tester")
    if "sippy" in names and not (BIN / "b2bua_simple").exists():
        parser.error("sippy is not installed: .venv/bin/pip install -e '.[bench]'")
    context(rates)
    work = Path(tempfile.mkdtemp(prefix="sip_cps-"))
    results: dict[str, list[Step]] = {}
    try:
        for name in names:
            (work / name).mkdir()
            results[name] = ramp(name, work / name, rates)[0]
    finally:
        if ARGS.keep:
            print(f"\nwork dir kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    summary(results, rates)
    print(f"(load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())})")


def summary(results: dict[str, list[Step]], rates: list[int]) -> None:
    """The three systems side by side, their max sustained rates, the ratios and the goals."""
    names = list(results)
    print("\ncalls/s  " + "".join(f"{n:>22}" for n in names))
    print("target   " + "".join(f"{'achieved':>13} {'failed':>8}" for _ in names))
    for rate in rates:
        cells = []
        for name in names:
            step = next((s for s in results[name] if s.rate == rate), None)
            cells.append(
                f"{'not run':>22}" if step is None else f"{step.achieved:>13.1f} {step.failed:>7.2f}%"
            )
        print(f"{rate:>6}   " + "".join(cells))
    criteria = {
        f"< {ARGS.max_failed:g} % failed": lambda s: s.passed,
        f"... and answer p99 < {CLEAN_P99_MS} ms": lambda s: s.passed and s.percentile(0.99) < CLEAN_P99_MS,
    }
    others = [n for n in ("sippy", "sipp-uas") if n in names and "callfloor" in names]
    print(
        f"\n{'max sustained calls/s':<32}" + "".join(f"{n:>10}" for n in names)
        + "".join(f"{'callfloor/' + n:>20}" for n in others)
    )  # fmt: skip
    found: dict[str, dict[str, tuple[int, bool]]] = {}
    for label, passes in criteria.items():
        found[label] = best = {n: sustained(results[n], passes) for n in names}
        cells = "".join(f"{_rate(*best[n]):>10}" for n in names)
        print(f"{label:<32}{cells}" + "".join(f"{_ratio(best['callfloor'], best[n]):>20}" for n in others))
    if "callfloor" not in names:
        return
    print("goals (issue #5), with the issue's criterion (first line; the second line's in brackets):")
    first, second = found.values()
    rate, strict = first["callfloor"][0], second["callfloor"][0]
    print(f"  >= 300 calls/s            {rate:>5} ({strict})        {_verdict(rate >= 300, strict >= 300)}")
    if "sippy" in names:
        ratio, strict_ratio = (_ratio(f["callfloor"], f["sippy"]) for f in (first, second))
        met = [_value(f["callfloor"], f["sippy"]) >= 2 for f in (first, second)]
        print(f"  >= 2x sippy's B2BUA     {ratio:>7} ({strict_ratio})   {_verdict(*met)}")


def _rate(value: int, ran_out: bool) -> str:
    return f">={value}" if ran_out and value else str(value)


def _value(ours: tuple[int, bool], theirs: tuple[int, bool]) -> float:
    return ours[0] / theirs[0] if theirs[0] else math.inf


def _ratio(ours: tuple[int, bool], theirs: tuple[int, bool]) -> str:
    """callfloor's rate over another's; bounded when a ramp ended before the system's limit."""
    if not theirs[0]:
        return "-"
    if ours[1] and theirs[1]:
        return "?"
    prefix = "<=" if theirs[1] else ">=" if ours[1] else ""
    return f"{prefix}{ours[0] / theirs[0]:.2f}"


def _verdict(met: bool, strict: bool) -> str:
    return ("met" if met else "NOT MET") + (" (met)" if strict else " (NOT MET)")


ARGS = argparse.Namespace()

if __name__ == "__main__":
    main()
