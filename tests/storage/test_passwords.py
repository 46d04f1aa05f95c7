"""Passwords are argon2id; production parameters follow RFC 9106, tests use cheap ones."""

from callfloor.settings import Settings
from callfloor.storage.passwords import Passwords


def test_hash_is_argon2id_and_verifies(passwords: Passwords) -> None:
    hashed = passwords.hash("correct horse")
    assert hashed.startswith("$argon2id$")
    assert "correct horse" not in hashed
    assert passwords.verify(hashed, "correct horse")
    assert not passwords.verify(hashed, "Correct horse")
    assert not passwords.verify(None, "")
    assert not passwords.verify("not-a-hash", "x")


def test_production_defaults_are_rfc9106_and_tests_are_cheaper(passwords: Passwords) -> None:
    production = Passwords.from_settings(Settings(_env_file=None))  # type: ignore[call-arg]
    hashed = production.hash("x")
    assert "$m=65536,t=3,p=4$" in hashed
    assert passwords.needs_rehash(hashed)
    assert production.needs_rehash(passwords.hash("x"))
