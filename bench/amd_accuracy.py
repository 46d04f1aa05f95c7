"""How well answering-machine detection tells people from voicemail, on the recorded samples.

Every WAV of tests/data/amd (synthetic calls: espeak-ng voices through G.711, with line noise,
music and beeps; tests/data/amd/README.md) is decoded with ``callfloor.core.media.g711`` and
fed 20 ms at a time to :class:`~callfloor.core.media.amd.AnsweringMachineDetector`, as the
live server feeds it. The file name holds the truth: ``human_*`` or ``machine_*``.

Four detectors in the same run:

- **callfloor**: the detector with its default settings;
- **naive**: "more than 2 s of voice in the window is a machine, anything else a person once the
  window is over", with the detector's own voice detection (adaptive noise floor, range under
  the loudest voice), then with a fixed threshold (Asterisk's mean amplitude of 256, -40 dBFS);
- **app_amd rules**: the same cadence with Asterisk's word rules and level (50 ms between
  words, 3 words, a fixed -40 dBFS threshold), without the adaptive noise floor nor the
  loudness rules for the room. Not Asterisk itself: its "initial silence is a machine" rule
  is left out, which could only add false machines.

A NOTSURE goes to an agent, as a person would: *accuracy* counts it right for a person and
wrong for a machine; *exact* counts only HUMAN for a person and MACHINE for a machine. The
*false-machine rate* (people taken for machines, the costly error: a person hung up on or
played a message) is over the people; *missed machines* over the machines.

    .venv/bin/python bench/amd_accuracy.py              # ~2 s
    .venv/bin/python bench/amd_accuracy.py --verbose    # one line per sample and detector
    scripts/make-amd-samples --seed 2 --out /tmp/amd2        # a fresh set drawn with another seed
    .venv/bin/python bench/amd_accuracy.py --samples /tmp/amd2
"""

import argparse
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from statistics import fmean

from callfloor.core.media.amd import AmdSettings, AmdVerdict, AnsweringMachineDetector
from callfloor.core.media.amd_signal import VoiceActivity, level_dbfs, samples
from callfloor.core.media.g711 import ulaw_decode
from callfloor.testing.ulaw_wav import read_ulaw_wav

SAMPLES = Path(__file__).resolve().parent.parent / "tests" / "data" / "amd"
FRAME = 160  # 20 ms at 8 kHz
WINDOW_S = AmdSettings().analysis_window_s
NAIVE_GREETING_S = 2.0
FIXED_THRESHOLD_DBFS = -40.0  # app_amd's silence_threshold, mean amplitude 256 of 32768
APP_AMD = AmdSettings(
    between_words_s=0.05,
    max_words=3,
    noise_ceiling_dbfs=FIXED_THRESHOLD_DBFS - 60.0,  # floor + margin never above the fixed threshold
    min_voice_dbfs=FIXED_THRESHOLD_DBFS,
    voice_range_db=200.0,  # no judging the room by loudness
    restart_db=200.0,
)
VERDICTS = (AmdVerdict.HUMAN, AmdVerdict.MACHINE, AmdVerdict.NOTSURE)


@dataclass(frozen=True)
class Outcome:
    """One detector on one sample."""

    name: str
    machine: bool  # the truth
    verdict: AmdVerdict
    reason: str
    after_s: float


def frames(pcm: bytes) -> Iterator[tuple[bytes, float]]:
    """20 ms frames and their timestamps, from 0."""
    for i in range(0, len(pcm), 2 * FRAME):
        yield pcm[i : i + 2 * FRAME], i / 2 / 8000


def detect(pcm: bytes, settings: AmdSettings) -> tuple[AmdVerdict, str, float]:
    """The verdict of the detector fed the whole sample, NOTSURE if the sample ends first."""
    detector = AnsweringMachineDetector(settings, start=0.0)
    for frame, at in frames(pcm):
        detector.feed(frame, at)
    result = detector.on_deadline(WINDOW_S)
    return result.verdict, str(result.reason), result.after_s or WINDOW_S


def naive(pcm: bytes, adaptive: bool) -> tuple[AmdVerdict, str, float]:
    """More than 2 s of voice within the window is a machine; anything else a person, at its end.

    Voice is either what the detector hears as voice (``adaptive``: its noise floor and range),
    or every frame over a fixed threshold.
    """
    s = AmdSettings()
    activity = VoiceActivity(
        s.noise_window_s, s.voice_margin_db, s.noise_ceiling_dbfs, s.min_voice_dbfs, s.voice_range_db
    )
    voiced = 0.0
    for frame, at in frames(pcm):
        if at >= WINDOW_S:
            break
        dbfs = level_dbfs(samples(frame))
        if activity.is_voice(at + 0.02, dbfs) if adaptive else dbfs >= FIXED_THRESHOLD_DBFS:
            voiced += 0.02
        if voiced > NAIVE_GREETING_S:
            return AmdVerdict.MACHINE, "voice > 2 s", at + 0.02
    return AmdVerdict.HUMAN, "voice <= 2 s", WINDOW_S


DETECTORS: dict[str, Callable[[bytes], tuple[AmdVerdict, str, float]]] = {
    "callfloor": lambda pcm: detect(pcm, AmdSettings()),
    "naive: voice > 2 s, same voice detection": lambda pcm: naive(pcm, adaptive=True),
    "naive: voice > 2 s, fixed -40 dBFS threshold": lambda pcm: naive(pcm, adaptive=False),
    "app_amd rules": lambda pcm: detect(pcm, APP_AMD),
}


def report(label: str, outcomes: list[Outcome], seconds: float) -> None:
    """Confusion matrix and rates of one detector."""
    people = [o for o in outcomes if not o.machine]
    machines = [o for o in outcomes if o.machine]
    print(f"\n{label}  ({seconds * 1000 / len(outcomes):.1f} ms of CPU per 4 s sample)")
    print(f"  {'truth':<10}{'HUMAN':>8}{'MACHINE':>9}{'NOTSURE':>9}   mean decision time")
    for group, rows in (("human", people), ("machine", machines)):
        counts = "".join(
            f"{sum(o.verdict is v for o in rows):>{w}}" for v, w in zip(VERDICTS, (8, 9, 9), strict=True)
        )
        print(f"  {group:<10}{counts}   {fmean(o.after_s for o in rows):.2f} s")
    false_machine = sum(o.verdict is AmdVerdict.MACHINE for o in people)
    missed = sum(o.verdict is not AmdVerdict.MACHINE for o in machines)
    exact = sum(o.verdict is AmdVerdict.HUMAN for o in people) + len(machines) - missed
    print(
        f"  accuracy {(len(outcomes) - false_machine - missed) / len(outcomes):.1%}"
        f" (NOTSURE as a person), exact {exact / len(outcomes):.1%};"
        f" false-machine {false_machine}/{len(people)} = {false_machine / len(people):.1%},"
        f" missed machines {missed}/{len(machines)} = {missed / len(machines):.1%}"
    )


def details(outcomes: list[Outcome]) -> None:
    """One line per sample, a cross on the wrong ones."""
    for o in outcomes:
        mark = "x" if (o.verdict is AmdVerdict.MACHINE) != o.machine else " "
        print(f"    {mark} {o.name:<55} {o.verdict:<8} {o.reason:<24} {o.after_s:.2f} s")


def main() -> None:
    """Run the three detectors over every sample and print their figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--verbose", action="store_true", help="one line per sample and detector")
    parser.add_argument(
        "--samples", type=Path, default=SAMPLES, help="a folder of samples (scripts/make-amd-samples --out)"
    )
    args = parser.parse_args()
    wavs = sorted(args.samples.glob("*.wav"))
    decoded = {wav.stem: ulaw_decode(read_ulaw_wav(wav)) for wav in wavs}
    print(f"{len(wavs)} samples in {args.samples}: {sum(n.startswith('human') for n in decoded)} people,"
          f" {sum(n.startswith('machine') for n in decoded)} machines; window {WINDOW_S} s")  # fmt: skip
    for label, detector in DETECTORS.items():
        outcomes, started = [], time.process_time()
        for name, pcm in decoded.items():
            verdict, reason, after = detector(pcm)
            outcomes.append(Outcome(name, name.startswith("machine"), verdict, reason, after))
        report(label, outcomes, time.process_time() - started)
        if args.verbose:
            details(outcomes)


if __name__ == "__main__":
    main()
