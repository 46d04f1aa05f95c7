"""The voice prompts that ship with callfloor, in French and English.

What a French inbound call center's serveur vocal interactif (SVI) and its queues say:
welcome, menus, closures, the recording notice, queue position and estimated wait, callback,
survey, music on hold. ``catalog.yaml`` lists every prompt id with its text in each language;
the audio sits beside it as 8 kHz mono 16-bit PCM WAV, what G.711 carries:

- ``fr/<id>.wav`` and ``en/<id>.wav``: speech, one recording per language;
- ``common/<id>.wav``: what every language shares: the beep, the music on hold, and the
  language choice, said in both languages before the caller has picked one.

Some prompts are pieces that a flow plays in a row, such as ``queue_position_intro`` +
``number_3`` + ``queue_position_outro``; ``catalog.yaml`` says how each sentence is put together.

The WAVs are generated once by ``scripts/make-prompts`` with espeak-ng (speech) and sox
(trimming, resampling, normalising, and the sounds), and committed, so neither tool is needed
to install or run callfloor. espeak-ng is licensed under the GPL-3.0; as far as the project
knows, the audio it generates is not covered by that licence (the GPL covers a program, not in
general what the program outputs). Change ``catalog.yaml``, run the script, commit both.

Tenants' own recordings, uploaded through the API, go under the data directory (``DATA_DIR``),
one folder per tenant, never into the package; a tenant's recording takes precedence over the
default of the same id (:mod:`.tenants`).

Errors::

    UnknownPrompt (KeyError)  no WAV for that prompt id in that language, nor in common/
"""

import atexit
import functools
from contextlib import ExitStack
from importlib.resources import as_file, files
from pathlib import Path

import yaml

LANGUAGES = ("fr", "en")
COMMON = "common"

# Where the package is not a plain directory (a zip), as_file() extracts a copy that must
# outlive the call; the copies are removed when the interpreter exits.
_extracted = ExitStack()
atexit.register(_extracted.close)


class UnknownPrompt(KeyError):  # noqa: N818 - a KeyError: a missing key, named as the API promises
    """No WAV for this prompt id in this language, nor in ``common/``."""

    def __init__(self, prompt_id: str, lang: str) -> None:
        super().__init__(prompt_id, lang)
        self.prompt_id = prompt_id
        self.lang = lang

    def __str__(self) -> str:
        # KeyError's own __str__ would show the repr of its arguments.
        if self.lang not in LANGUAGES:
            return f"no prompts in language {self.lang!r}; there are {', '.join(LANGUAGES)}"
        return (
            f"no prompt {self.prompt_id!r} in {self.lang}/ nor in {COMMON}/ "
            "(callfloor/prompts/catalog.yaml lists them)"
        )


def prompt_path(prompt_id: str, lang: str) -> Path:
    """The WAV of ``prompt_id`` in ``lang``, or the language-free one in ``common/``."""
    # Only catalogue ids: an id from a tenant's flow never walks the file system.
    if lang not in LANGUAGES or prompt_id not in _catalog():
        raise UnknownPrompt(prompt_id, lang)
    return _path(prompt_id, lang)


@functools.cache  # bounded by the catalogue; as_file() is entered once per WAV
def _path(prompt_id: str, lang: str) -> Path:
    package = files(__name__)
    for folder in (lang, COMMON):
        wav = package / folder / f"{prompt_id}.wav"
        if wav.is_file():
            return _extracted.enter_context(as_file(wav))
    raise UnknownPrompt(prompt_id, lang)


def catalog() -> dict[str, dict[str, str]]:
    """Every prompt id and its text by language (a sound's text is what a transcript shows)."""
    return {prompt_id: dict(texts) for prompt_id, texts in _catalog().items()}


@functools.cache
def _catalog() -> dict[str, dict[str, str]]:
    data = yaml.safe_load(files(__name__).joinpath("catalog.yaml").read_text(encoding="utf-8"))
    return {
        str(prompt_id): {lang: str(entry[lang]) for lang in LANGUAGES} for prompt_id, entry in data.items()
    }
