"""Sealed secrets open with the same key only, and any change to a token is caught."""

import base64
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callfloor.settings import Settings
from callfloor.storage import StorageError
from callfloor.storage.secretbox import SecretBox, SecretBoxError

KEY = b"test-secret-key-not-for-production"


@given(text=st.text(max_size=200))
def test_round_trip(text: str) -> None:
    box = SecretBox(KEY)
    assert box.open(box.seal(text)) == text
    assert SecretBox(KEY).open(box.seal(text)) == text  # the key is derived, not random


def test_a_token_shows_nothing_and_differs_at_each_seal() -> None:
    box = SecretBox(KEY)
    first, second = box.seal("trunk-secret"), box.seal("trunk-secret")
    assert first != second
    assert "trunk-secret" not in first
    assert b"trunk-secret" not in base64.urlsafe_b64decode(first)
    assert first.isascii()


def test_tampered_tokens_do_not_open() -> None:
    box = SecretBox(KEY)
    token = box.seal("trunk-secret")
    raw = bytearray(base64.urlsafe_b64decode(token))
    for position in (0, 9, 30, len(raw) - 1):  # version, timestamp, ciphertext, MAC
        altered = bytearray(raw)
        altered[position] ^= 0x01
        with pytest.raises(SecretBoxError, match="altered"):
            box.open(base64.urlsafe_b64encode(bytes(altered)).decode())
    for garbage in (token[:-4], "", "not a token", "é" * 10):
        with pytest.raises(SecretBoxError):
            box.open(garbage)


def test_another_key_does_not_open() -> None:
    token = SecretBox(KEY).seal("trunk-secret")
    with pytest.raises(SecretBoxError, match="another secret key") as info:
        SecretBox(KEY + b"!").open(token)
    assert isinstance(info.value, StorageError)


def test_from_settings_uses_the_generated_key_file(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, secret_key=None, _env_file=None)  # type: ignore[call-arg]
    token = SecretBox.from_settings(settings).seal("trunk-secret")
    again = Settings(data_dir=tmp_path, secret_key=None, _env_file=None)  # type: ignore[call-arg]
    assert (tmp_path / "secret_key").exists()
    assert SecretBox.from_settings(again).open(token) == "trunk-secret"
    other = Settings(data_dir=tmp_path / "elsewhere", secret_key=None, _env_file=None)  # type: ignore[call-arg]
    with pytest.raises(SecretBoxError):
        SecretBox.from_settings(other).open(token)


def test_an_empty_key_is_refused() -> None:
    with pytest.raises(ValueError, match="non-empty"):
        SecretBox(b"")
