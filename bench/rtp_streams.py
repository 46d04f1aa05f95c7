"""Issue #5: how many prompt players can one event loop (one core) keep on time?

Each of N players has its own ``RtpSession`` (its own UDP socket, as a call leg has) and plays a
looping 3 s prompt (music on hold) to a sink socket on 127.0.0.1 for ``--seconds``. Every
packet's lateness is taken as it is handed to the socket: ``loop.time()`` minus the time its
slot was due on the player's clock (start + n × 20 ms). A packet more than 20 ms late is
"late": the phone's jitter buffer would have had to hold a whole extra frame. Slots the clock
skipped after a stall (the player then carries on later, re-anchored) are counted apart.

The sink runs in another process, so that receiving does not eat the senders' core; it
counts what arrived and the interarrival jitter of each stream (RFC 3550 A.8), the figure a
phone would report in RTCP.

    .venv/bin/python bench/rtp_streams.py                      # N = 100, 250, 500; 10 s each
    .venv/bin/python bench/rtp_streams.py --clock per-player   # a timer per player instead
    .venv/bin/python bench/rtp_streams.py --phases 1           # one shared tick, one burst
    .venv/bin/python bench/rtp_streams.py --streams 50 --seconds 3
"""

import argparse
import asyncio
import functools
import math
import multiprocessing
import socket
import struct
import tempfile
import time
import wave
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Event
from pathlib import Path

from callfloor.core.media.rtp import RtpReceptionStats, parse_rtp
from callfloor.core.sip.offer_answer import PCMA, PCMU, Negotiated
from callfloor.core.sip.sdp import Direction
from callfloor.server.media.player import FrameClock, PromptPlayer
from callfloor.server.media.ports import PortAllocator
from callfloor.server.media.session import RtpSession

HOST = "127.0.0.1"
LATE = 0.020  # s
SinkFigures = tuple[int, int, int, list[float]]  # packets, streams, lost, jitter of each stream in ms


class TimedSession(RtpSession):
    """A session that notes how late each frame leaves, against its player's clock."""

    clock: FrameClock
    lateness: list[float]

    def send_audio(self, payload: bytes) -> None:
        self.lateness.append(self._loop.time() - self.clock.due)
        super().send_audio(payload)


def write_prompt(path: Path, seconds: float = 3.0) -> Path:
    """A tone that glides from 300 to 900 Hz: speech-like enough, and never silent."""
    count = round(seconds * 8000)
    phase, samples = 0.0, []
    for n in range(count):
        phase += 2 * math.pi * (300 + 600 * n / count) / 8000
        samples.append(round(6000 * math.sin(phase)))
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(8000)
        wav.writeframes(struct.pack(f"<{count}h", *samples))
    return path


def sink(sock: socket.socket, stop: Event, results: Connection) -> None:
    """Count packets per stream and their interarrival jitter until told to stop."""
    sock.settimeout(0.1)
    streams: dict[int, RtpReceptionStats] = {}
    received = 0
    while not stop.is_set():
        try:
            data = sock.recv(2048)
        except TimeoutError:
            continue
        packet = parse_rtp(data)
        stats = streams.setdefault(packet.ssrc, RtpReceptionStats())
        stats.on_packet(packet.sequence, packet.timestamp, time.monotonic())
        received += 1
    jitter_ms = sorted(s.jitter / 8 for s in streams.values())  # timestamp units at 8 kHz → ms
    lost = sum(max(0, s.lost) for s in streams.values())
    results.send((received, len(streams), lost, jitter_ms))
    sock.close()


async def drive(count: int, seconds: float, prompt: Path, sink_port: int, phases: int) -> dict[str, float]:
    """Run ``count`` players for ``seconds``; the lateness figures and the CPU used.

    ``phases`` 0 gives each player a clock of its own (a timer each), else all share one.
    """
    ports, lateness = PortAllocator(), list[float]()
    shared = FrameClock(phases=phases) if phases else None
    sessions = [await TimedSession.open(HOST, ports) for _ in range(count)]
    players = []
    for index, session in enumerate(sessions):
        codec = (PCMU, PCMA)[index % 2]
        session.set_remote(
            Negotiated(HOST, sink_port, codec.payload_type, codec, 101, 20, Direction.SENDRECV)
        )
        session.lateness = lateness
        session.clock = shared or FrameClock(phases=1)
        players.append(PromptPlayer(session, clock=session.clock))
    loop = asyncio.get_running_loop()
    cpu = time.process_time()
    for index, player in enumerate(players):  # calls do not all start on the same 20 ms boundary
        loop.call_later((index % 20) / 1000, functools.partial(player.play, [prompt], loop=True))
    await asyncio.sleep(seconds)
    cpu = time.process_time() - cpu
    skipped = sum({id(s.clock): s.clock.skipped for s in sessions}.values())
    for player in players:
        player.stop()
        player.session.close()
    await asyncio.sleep(0.05)
    lateness.sort()
    late = sum(1 for value in lateness if value > LATE)
    return {
        "sent": len(lateness),
        "late": late / len(lateness),
        "p50": lateness[len(lateness) // 2] * 1000,
        "p99": lateness[int(len(lateness) * 0.99)] * 1000,
        "max": lateness[-1] * 1000,
        "skipped": skipped,
        "cpu": cpu / seconds,
    }


def run(count: int, seconds: float, prompt: Path, phases: int) -> tuple[dict[str, float], SinkFigures]:
    """One measurement: the sink in a child process, the players in this one."""
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    receiver.bind((HOST, 0))
    processes = multiprocessing.get_context("fork")  # the child inherits the bound socket
    stop, (ours, theirs) = processes.Event(), processes.Pipe()
    child = processes.Process(target=sink, args=(receiver, stop, theirs))
    child.start()
    try:
        figures = asyncio.run(drive(count, seconds, prompt, receiver.getsockname()[1], phases))
    finally:
        time.sleep(0.2)
        stop.set()
        received = ours.recv()
        child.join(5)
        receiver.close()
    return figures, received


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--streams", default="100,250,500", help="comma-separated counts of players")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clock", choices=["shared", "per-player"], default="shared")
    parser.add_argument("--phases", type=int, default=4, help="groups of the shared clock (1: one burst)")
    args = parser.parse_args()
    counts = [int(n) for n in args.streams.split(",")]
    clock = "a timer per player" if args.clock == "per-player" else f"shared, {args.phases} phase(s)"
    print(f"{args.seconds:.0f} s per run, clock: {clock}; lateness = send time - slot due time")
    header = f"{'streams':>7} {'packets':>9} {'late>20ms':>9} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7}"
    print(f"{header} {'skipped':>7} {'CPU':>5}  {'sink got':>9} {'lost':>5} {'jitter p99 ms':>13}")
    verdict = {}
    with tempfile.TemporaryDirectory() as folder:
        prompt = write_prompt(Path(folder) / "moh.wav")
        for count in counts:
            phases = 0 if args.clock == "per-player" else args.phases
            figures, (received, streams, lost, jitter) = run(count, args.seconds, prompt, phases)
            verdict[count] = figures["late"]
            print(
                f"{count:>7} {figures['sent']:>9,.0f} {figures['late']:>9.3%} {figures['p50']:>7.2f}"
                f" {figures['p99']:>7.2f} {figures['max']:>7.1f} {figures['skipped']:>7.0f}"
                f" {figures['cpu']:>5.0%}  {received:>9,} {lost:>5} {jitter[int(len(jitter) * 0.99)]:>13.2f}"
                + ("" if streams == count else f"  ({streams} streams seen)")
            )
    if 500 in verdict:
        met = "met" if verdict[500] < 0.01 else "NOT MET"
        print(f"goal (issue #5): 500 streams with < 1 % late: {verdict[500]:.3%}  {met}")


if __name__ == "__main__":
    main()
