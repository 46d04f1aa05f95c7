"""The shipped prompts: one WAV per catalogue id and language, in the format the media path plays."""

import math
import sys
import wave
from array import array
from pathlib import Path

import pytest

from callfloor.prompts import LANGUAGES, UnknownPrompt, catalog, prompt_path

PROMPTS = prompt_path("welcome", "fr").parent.parent
WAVS = sorted(PROMPTS.glob("*/*.wav"))
SPEECH_IDS = sorted(wav.stem for wav in PROMPTS.glob("fr/*.wav"))
MIN_RMS = 0.02 * 32768  # about -34 dBFS: speech and music sit well above, silence at 0


def samples(path: Path) -> "array[int]":
    """The 16-bit samples of a mono WAV."""
    with wave.open(str(path), "rb") as wav:
        pcm = array("h", wav.readframes(wav.getnframes()))
    if sys.byteorder == "big":
        pcm.byteswap()  # WAV is little-endian
    return pcm


def rms(pcm: "array[int]") -> float:
    """Root mean square of the samples."""
    return math.sqrt(sum(s * s for s in pcm) / len(pcm)) if pcm else 0.0


def test_every_entry_has_a_text_in_every_language() -> None:
    for prompt_id, texts in catalog().items():
        assert set(texts) == set(LANGUAGES), prompt_id
        assert all(text.strip() for text in texts.values()), prompt_id


def test_every_catalogue_id_has_a_wav_in_every_language() -> None:
    for prompt_id in catalog():
        for lang in LANGUAGES:
            assert prompt_path(prompt_id, lang).is_file()


def test_every_wav_is_in_the_catalogue_and_in_one_place() -> None:
    ids = catalog()
    for wav in WAVS:
        assert wav.parent.name in (*LANGUAGES, "common"), wav
        assert wav.stem in ids, wav
        if wav.parent.name == "common":
            assert not any((PROMPTS / lang / wav.name).exists() for lang in LANGUAGES), wav


def test_the_catalogue_has_what_an_inbound_center_needs() -> None:
    ids = catalog()
    needed = {"welcome", "language_choice", "main_menu", "recording_notice", "beep", "music_on_hold"}
    assert needed <= set(ids)
    assert {f"number_{n}" for n in range(1, 31)} <= set(ids)
    assert "9" in ids["recording_notice"]["fr"]  # the key that objects to the recording


@pytest.mark.parametrize("path", WAVS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_wav_is_8khz_mono_16bit_and_not_silent(path: Path) -> None:
    with wave.open(str(path), "rb") as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (8000, 1, 2)
        assert wav.getcomptype() == "NONE"
        assert 0.2 <= wav.getnframes() / 8000 <= 25
    assert rms(samples(path)) > MIN_RMS


@pytest.mark.parametrize("prompt_id", SPEECH_IDS)
def test_speech_differs_between_french_and_english(prompt_id: str) -> None:
    assert prompt_path(prompt_id, "fr").read_bytes() != prompt_path(prompt_id, "en").read_bytes()


def test_speech_ids_are_the_same_in_every_language() -> None:
    assert SPEECH_IDS
    for lang in LANGUAGES:
        assert sorted(wav.stem for wav in PROMPTS.glob(f"{lang}/*.wav")) == SPEECH_IDS


def test_language_free_prompts_come_from_common() -> None:
    for lang in LANGUAGES:
        assert prompt_path("beep", lang) == PROMPTS / "common" / "beep.wav"
        assert prompt_path("music_on_hold", lang).parent.name == "common"
    assert prompt_path("welcome", "fr").parent.name == "fr"


def test_unknown_prompt_raises_a_key_error_that_names_it() -> None:
    with pytest.raises(UnknownPrompt, match="no_such_prompt") as raised:
        prompt_path("no_such_prompt", "fr")
    assert isinstance(raised.value, KeyError)
    assert raised.value.prompt_id == "no_such_prompt"


def test_unknown_language_raises() -> None:
    with pytest.raises(UnknownPrompt, match="'de'"):
        prompt_path("welcome", "de")


def test_an_id_cannot_reach_outside_the_catalogue() -> None:
    with pytest.raises(UnknownPrompt):
        prompt_path("../fr/welcome", "en")


def test_catalog_returns_a_copy() -> None:
    catalog()["welcome"]["fr"] = "changed"
    assert catalog()["welcome"]["fr"] != "changed"


def test_music_on_hold_loops_without_a_click() -> None:
    pcm = samples(prompt_path("music_on_hold", "fr"))
    edge = 160  # 20 ms at 8 kHz
    assert 15 <= len(pcm) / 8000 <= 25
    # Where the loop joins, the end meets the start: both must be near silence.
    assert max(abs(s) for s in pcm[:edge]) < 0.01 * 32768
    assert max(abs(s) for s in pcm[-edge:]) < 0.01 * 32768
    assert rms(pcm) > MIN_RMS
