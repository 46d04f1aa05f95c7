"""Tenants' own recordings of the prompts: a client company's voice instead of the default one.

A tenant uploads a WAV for a catalogue id and a language; it is kept under the data directory,
``<DATA_DIR>/prompts/<tenant id>/<lang>/<id>.wav``, never in the package, and takes precedence
over the default of the same id for that tenant's calls. Uploads are checked to be what G.711
carries and the players read (8 kHz, mono, 16-bit PCM): converting is the studio's job, and a
file in another format would play as noise on every call.

Errors::

    UnknownPrompt (KeyError)      not a catalogue id, or not one of our languages
    PromptFormatError (ValueError) the upload is not such a WAV, or is too long
"""

import io
import wave
from pathlib import Path

from callfloor.prompts import LANGUAGES, UnknownPrompt, catalog, prompt_path

MAX_SECONDS = 600  # a prompt, even music on hold, is not an hour-long file
RATE, CHANNELS, WIDTH = 8000, 1, 2


class PromptFormatError(ValueError):
    """An upload that is not an 8 kHz mono 16-bit PCM WAV of at most ``MAX_SECONDS``."""


def check_wav(data: bytes) -> float:
    """The duration of ``data`` in seconds, if it is a WAV the players can use."""
    try:
        with wave.open(io.BytesIO(data)) as wav:
            rate, channels, width = wav.getframerate(), wav.getnchannels(), wav.getsampwidth()
            frames = wav.getnframes()
    except (wave.Error, EOFError) as exc:
        raise PromptFormatError(f"not a PCM WAV file ({exc})") from None
    if (rate, channels, width) != (RATE, CHANNELS, WIDTH):
        raise PromptFormatError(
            f"a prompt must be 8000 Hz, mono, 16-bit; this one is {rate} Hz, {channels} channel(s), "
            f"{8 * width}-bit (e.g. sox in.wav -r 8000 -c 1 -b 16 out.wav)"
        )
    seconds = float(frames) / RATE
    if not 0 < seconds <= MAX_SECONDS:
        raise PromptFormatError(f"a prompt lasts between 0 and {MAX_SECONDS} s, not {seconds:.1f} s")
    return seconds


class TenantPrompts:
    """The prompts of every tenant: theirs where they uploaded one, the default otherwise."""

    def __init__(self, data_dir: Path) -> None:
        self.root = data_dir / "prompts"

    def path(self, tenant_id: int, prompt_id: str, lang: str) -> Path:
        """The WAV to play for the tenant."""
        default = prompt_path(prompt_id, lang)  # checks the id and the language first
        own = self._file(tenant_id, prompt_id, lang)
        return own if own.is_file() else default

    def save(self, tenant_id: int, prompt_id: str, lang: str, data: bytes) -> float:
        """Keep the tenant's recording (checked first); its duration in seconds."""
        self._check(prompt_id, lang)
        seconds = check_wav(data)
        target = self._file(tenant_id, prompt_id, lang)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".part")
        partial.write_bytes(data)
        partial.replace(target)  # a call never plays half a file
        return seconds

    def delete(self, tenant_id: int, prompt_id: str, lang: str) -> bool:
        """Back to the default; False when the tenant had no recording of its own."""
        self._check(prompt_id, lang)
        own = self._file(tenant_id, prompt_id, lang)
        if not own.is_file():
            return False
        own.unlink()
        return True

    def own(self, tenant_id: int) -> set[tuple[str, str]]:
        """The (prompt id, language) pairs the tenant recorded."""
        ids = catalog()
        return {
            (wav.stem, lang)
            for lang in LANGUAGES
            for wav in (self.root / str(tenant_id) / lang).glob("*.wav")
            if wav.stem in ids
        }

    def _file(self, tenant_id: int, prompt_id: str, lang: str) -> Path:
        return self.root / str(tenant_id) / lang / f"{prompt_id}.wav"

    @staticmethod
    def _check(prompt_id: str, lang: str) -> None:
        # Only catalogue ids and our languages: what a client sends never names a path.
        if lang not in LANGUAGES or prompt_id not in catalog():
            raise UnknownPrompt(prompt_id, lang)
