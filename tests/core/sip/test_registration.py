"""A trunk's registration against callfloor's own registrar: challenge, refresh, failure, stop."""

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callfloor.core.sip.auth import Challenger
from callfloor.core.sip.digest import DigestAlgorithm, ha1
from callfloor.core.sip.message import Request
from callfloor.core.sip.registrar import Registrar
from callfloor.core.sip.registration import FIRST_RETRY_S, Registration, RegistrationState
from callfloor.core.sip.responses import make_response

REALM = "sip.provider.example"
USER, PASSWORD = "0972000000", "trunk-secret"
CONTACT = "<sip:0972000000@203.0.113.5:5060>"
PEER = ("udp", "203.0.113.5", 5060)


def provider(**options: int) -> Registrar:
    """A registrar that knows our trunk's account (it plays the provider)."""
    stored = {a: ha1(USER, REALM, PASSWORD, a) for a in DigestAlgorithm}
    challenger = Challenger(b"provider-secret-16-bytes", random.Random(3))
    return Registrar(REALM, challenger, lambda user: stored if user == USER else None, **options)


def trunk(password: str = PASSWORD, expires: int = 3600) -> Registration:
    return Registration(
        f"sip:{REALM}", f"sip:{USER}@{REALM}", CONTACT, USER, password, random.Random(5), expires=expires
    )


def send(request: Request, branch: int) -> Request:
    """What the driver does: a Via with a fresh branch."""
    request.headers.add("Via", f"SIP/2.0/UDP 203.0.113.5:5060;branch=z9hG4bK{branch}")
    return request


def exchange(registration: Registration, registrar: Registrar, request: Request | None, now: float) -> int:
    """Run requests and responses until the registration has nothing more to send; how many went out."""
    sent = 0
    while request is not None:
        sent += 1
        response = registrar.register(send(request, sent + int(now * 1000)), PEER, now)
        request = registration.on_response(response, now)
    return sent


def test_registers_through_a_digest_challenge_and_refreshes_before_expiry() -> None:
    registrar, registration = provider(), trunk(expires=600)
    assert exchange(registration, registrar, registration.start(0), 0) == 2  # 401, then 200
    assert registration.state is RegistrationState.REGISTERED and registration.granted == 600
    assert [b.contact for b in registrar.contacts(USER, 1)] == ["sip:0972000000@203.0.113.5:5060"]
    refresh_at = registration.next_deadline()
    assert refresh_at == pytest.approx(510)  # 85 % of 600 s
    assert registration.on_deadline(500) is None
    request = registration.on_deadline(510)
    assert (
        request is not None
        and request.cseq().number == 3
        and request.call_id == registrar.contacts(USER, 1)[0].call_id
    )
    exchange(registration, registrar, request, 510)  # the provider's nonce is stale by now: answered again
    assert registration.state is RegistrationState.REGISTERED
    assert registrar.contacts(USER, 1000)  # still there past the first expiry


def test_a_wrong_password_fails_and_retries_later_and_later() -> None:
    registrar, registration = provider(), trunk(password="not-it")
    assert exchange(registration, registrar, registration.start(0), 0) == 2  # no third try on that nonce
    assert registration.state is RegistrationState.FAILED
    assert "authentication refused" in registration.reason
    assert registration.next_deadline() == FIRST_RETRY_S
    exchange(registration, registrar, registration.on_deadline(FIRST_RETRY_S), FIRST_RETRY_S)
    assert registration.next_deadline() == FIRST_RETRY_S + 2 * FIRST_RETRY_S
    assert not registrar.contacts(USER, 100)


def test_interval_too_brief_asks_again_with_the_minimum() -> None:
    registrar, registration = provider(min_expires=300), trunk(expires=60)
    exchange(registration, registrar, registration.start(0), 0)
    assert registration.state is RegistrationState.REGISTERED and registration.granted == 300


def test_stop_unregisters() -> None:
    registrar, registration = provider(), trunk()
    exchange(registration, registrar, registration.start(0), 0)
    exchange(registration, registrar, registration.stop(10), 10)
    assert registration.state is RegistrationState.IDLE and registration.next_deadline() is None
    assert registrar.contacts(USER, 11) == []


def test_no_answer_and_stale_responses() -> None:
    registration = trunk()
    first = registration.start(0)
    registration.on_timeout(32)
    assert (
        registration.state is RegistrationState.FAILED and registration.next_deadline() == 32 + FIRST_RETRY_S
    )
    second = registration.on_deadline(32 + FIRST_RETRY_S)
    assert second is not None
    late = make_response(send(first, 1), 200)  # the first REGISTER's answer, arriving late
    assert registration.on_response(late, 63) is None
    assert registration.state is RegistrationState.REGISTERING  # ignored: not the request out now


@given(st.lists(st.sampled_from([100, 200, 401, 403, 407, 423, 480, 500, 503]), max_size=12))
def test_any_sequence_of_answers_leaves_a_consistent_state(statuses: list[int]) -> None:
    registration = trunk()
    request: Request | None = registration.start(0)
    now = 0.0
    for number, status in enumerate(statuses):
        now += 1
        if request is None:
            request = registration.on_deadline(registration.next_deadline() or now) or registration.start(now)
        response = make_response(send(request, number), status, to_tag="t")
        if status in (401, 407):
            name = "WWW-Authenticate" if status == 401 else "Proxy-Authenticate"
            response.headers.add(name, f'Digest realm="{REALM}", nonce="n{number % 3}", qop="auth"')
        if status == 423:
            response.headers.add("Min-Expires", "1800")
        request = registration.on_response(response, now)
        state = registration.state
        if state is RegistrationState.REGISTERED:
            assert registration.granted is not None and registration.next_deadline() is not None
        if state is RegistrationState.FAILED:
            assert registration.next_deadline() is not None and registration.reason
        if request is not None:
            assert request.method == "REGISTER" and request.cseq().number == registration._cseq
