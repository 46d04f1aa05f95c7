"""RFC 3264 offer/answer on callfloor's legs: real phones' offers, the RFC's own examples, hold."""

from collections.abc import Sequence

import pytest

from callfloor.core.sip.offer_answer import (
    PCMA,
    PCMU,
    Codec,
    Negotiated,
    accept_answer,
    answer,
    hold_offer,
    offer,
    resume_offer,
)
from callfloor.core.sip.sdp import (
    Attribute,
    Direction,
    Format,
    MediaDescription,
    RtpMap,
    SdpError,
    SessionDescription,
    Timing,
)
from callfloor.core.sip.sdp_parser import parse_sdp
from tests.core.sip.test_sdp import ASTERISK, BARESIP, HOLD, IPV6, LINPHONE, RFC3264_ALICE, SIPP, ZOIPER, crlf


def answered(
    body: bytes,
    *,
    supported: Sequence[Codec] = (PCMU, PCMA),
    telephone_event: bool = True,
    local_address: str = "192.0.2.5",
) -> tuple[SessionDescription, Negotiated]:
    """Our answer to ``body``, checked to be an SDP we parse back as written."""
    ours, negotiated = answer(
        parse_sdp(body),
        local_address=local_address,
        local_port=30000,
        supported=supported,
        telephone_event=telephone_event,
        session_id=7,
        session_version=1,
    )
    assert parse_sdp(ours.to_bytes()) == ours
    return ours, negotiated


def our_offer(codecs: Sequence[Codec] = (PCMU, PCMA)) -> SessionDescription:
    """callfloor's offer to an agent's phone."""
    return offer(local_address="192.0.2.5", local_port=30000, codecs=codecs, session_id=7, session_version=1)


def test_baresip_gets_pcmu_and_its_telephone_event() -> None:
    ours, negotiated = answered(BARESIP)
    assert negotiated == Negotiated(
        remote_address="192.168.1.20",
        remote_port=10714,
        payload_type=0,
        codec=PCMU,
        telephone_event=101,
        ptime=20,
        direction=Direction.SENDRECV,
    )
    assert ours.to_bytes() == crlf("""
v=0
o=callfloor 7 1 IN IP4 192.0.2.5
s=callfloor
c=IN IP4 192.0.2.5
t=0 0
m=audio 30000 RTP/AVP 0 101
a=rtpmap:0 PCMU/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-15
a=ptime:20
a=sendrecv
""")  # no a=rtcp-mux: RTP and RTCP stay on their own ports (RFC 5761 §5.1.1)


def test_asterisk_gets_its_first_choice_alaw() -> None:
    ours, negotiated = answered(ASTERISK)
    assert (negotiated.codec, negotiated.payload_type, negotiated.telephone_event) == (PCMA, 8, 101)
    assert [f.name for f in ours.media[0].formats] == ["8", "101"]
    assert ours.media[0].formats[1].fmtp == "0-16"


def test_zoiper_telephone_event_at_the_audio_clock_rate() -> None:
    ours, negotiated = answered(ZOIPER)
    assert (negotiated.payload_type, negotiated.telephone_event) == (0, 101)
    assert ours.media[0].formats[1] == Format("101", RtpMap("telephone-event", 8000), "0-16")


def test_linphone_video_is_declined_with_port_zero() -> None:
    ours, negotiated = answered(LINPHONE)
    audio, video = ours.media
    assert (negotiated.payload_type, negotiated.telephone_event, negotiated.remote_port) == (0, 100, 7078)
    assert audio.formats[1] == Format("100", RtpMap("telephone-event", 8000))
    assert video == MediaDescription(
        media="video", port=0, proto="RTP/AVP", formats=(Format("96"), Format("97"))
    )


def test_sipp_minimal_offer() -> None:
    ours, negotiated = answered(SIPP)
    assert [f.name for f in ours.media[0].formats] == ["0"]
    assert (negotiated.remote_address, negotiated.remote_port, negotiated.telephone_event) == (
        "127.0.0.1",
        6000,
        None,
    )


def test_no_common_codec_is_488() -> None:
    with pytest.raises(SdpError) as caught:
        answered(SIPP, supported=(PCMA,))
    assert caught.value.status == 488


def test_telephone_event_can_be_left_out() -> None:
    ours, negotiated = answered(BARESIP, telephone_event=False)
    assert negotiated.telephone_event is None
    assert [f.name for f in ours.media[0].formats] == ["0"]


def test_ipv6() -> None:
    ours, negotiated = answered(IPV6, local_address="2001:db8::5")
    assert (negotiated.remote_address, negotiated.codec) == ("2001:db8::10", PCMA)
    assert b"c=IN IP6 2001:db8::5\r\n" in ours.to_bytes()
    assert ours.origin.addr_type == "IP6"


def test_rfc3264_10_1_basic_exchange() -> None:
    # Alice offers PCMU, PCMA and iLBC with video: we take PCMU and decline the video.
    ours, negotiated = answered(RFC3264_ALICE)
    assert (negotiated.remote_address, negotiated.remote_port) == ("host.atlanta.example.com", 49170)
    assert [(m.media, m.port, [f.name for f in m.formats]) for m in ours.media] == [
        ("audio", 30000, ["0"]),
        ("video", 0, ["31", "32"]),
    ]


# RFC 3264 §10.1, second exchange: Bob's re-offer and Alice's answer.
BOB_REOFFER = crlf("""
v=0
o=bob 2808844564 2808844565 IN IP4 host.biloxi.example.com
s=
c=IN IP4 host.biloxi.example.com
t=0 0
m=audio 65422 RTP/AVP 0
a=rtpmap:0 PCMU/8000
m=video 0 RTP/AVP 32
a=rtpmap:32 MPV/90000
m=audio 51434 RTP/AVP 110
a=rtpmap:110 telephone-events/8000
a=recvonly
""")
ALICE_ANSWER = crlf("""
v=0
o=alice 2890844526 2890844527 IN IP4 host.atlanta.example.com
s=
c=IN IP4 host.atlanta.example.com
t=0 0
m=audio 49170 RTP/AVP 0
a=rtpmap:0 PCMU/8000
m=video 0 RTP/AVP 31
a=rtpmap:31 H261/90000
m=audio 53000 RTP/AVP 110
a=rtpmap:110 telephone-events/8000
a=sendonly
""")


def test_rfc3264_10_1_reoffer() -> None:
    # As answerer we keep one audio stream: the second one (events only) is declined.
    ours, _ = answered(BOB_REOFFER)
    assert [m.port for m in ours.media] == [30000, 0, 0]
    # As offerer, Alice's answer settles the first stream.
    negotiated = accept_answer(parse_sdp(BOB_REOFFER), parse_sdp(ALICE_ANSWER))
    assert (negotiated.remote_address, negotiated.remote_port, negotiated.codec) == (
        "host.atlanta.example.com",
        49170,
        PCMU,
    )
    assert negotiated.direction == Direction.SENDRECV


# RFC 3264 §10.2: an inactive offer, then a re-offer of G.723 alone.
ONE_OF_N = crlf("""
v=0
o=alice 2890844526 2890844526 IN IP4 host.atlanta.example.com
s=
c=IN IP4 host.atlanta.example.com
t=0 0
m=audio 62986 RTP/AVP 0 4 18
a=rtpmap:0 PCMU/8000
a=rtpmap:4 G723/8000
a=rtpmap:18 G729/8000
a=inactive
""")


def test_rfc3264_10_2_inactive_then_only_g723() -> None:
    ours, negotiated = answered(ONE_OF_N)
    assert ours.media[0].direction == negotiated.direction == Direction.INACTIVE
    assert not negotiated.sends and not negotiated.receives
    g723 = ONE_OF_N.replace(b"RTP/AVP 0 4 18", b"RTP/AVP 4").replace(b"a=inactive", b"a=sendrecv")
    with pytest.raises(SdpError) as caught:
        answered(g723)
    assert caught.value.status == 488


@pytest.mark.parametrize(
    ("offered", "answered_with"),
    [
        ("sendrecv", Direction.SENDRECV),
        ("sendonly", Direction.RECVONLY),
        ("recvonly", Direction.SENDONLY),
        ("inactive", Direction.INACTIVE),
    ],
)
def test_direction_is_answered_per_rfc3264_6_1(offered: str, answered_with: Direction) -> None:
    ours, negotiated = answered(SIPP + f"a={offered}\n".encode())
    assert ours.media[0].direction == negotiated.direction == answered_with


def test_rfc2543_hold_is_answered_recvonly() -> None:
    held = SIPP.replace(b"c=IN IP4 127.0.0.1", f"c=IN IP4 {HOLD}".encode())
    _, negotiated = answered(held)
    assert negotiated.direction == Direction.RECVONLY
    assert not negotiated.sends and negotiated.receives


def test_the_offered_ptime_is_what_we_send() -> None:
    _, negotiated = answered(SIPP + b"a=ptime:30\n")
    assert negotiated.ptime == 30


def test_port_zero_and_unsupported_profiles_are_declined() -> None:
    body = SIPP.replace(b"m=audio 6000 RTP/AVP 0", b"m=audio 0 RTP/AVP 0")
    body += b"m=audio 6002 RTP/SAVP 0\nm=audio 6004 RTP/AVP 8\nm=audio 6006 RTP/AVP 0\n"
    ours, negotiated = answered(body)
    assert [m.port for m in ours.media] == [0, 0, 30000, 0]  # one audio stream per leg
    assert (negotiated.stream, negotiated.codec, negotiated.remote_port) == (2, PCMA, 6004)
    with pytest.raises(SdpError) as caught:
        answered(SIPP.replace(b"m=audio 6000", b"m=audio 0"))
    assert caught.value.status == 488


def test_time_is_echoed_from_the_offer() -> None:
    ours, _ = answered(SIPP.replace(b"t=0 0", b"t=3034423619 3042462419"))
    assert ours.timing == (Timing(3034423619, 3042462419),)


def test_our_offer() -> None:
    ours = our_offer()
    assert parse_sdp(ours.to_bytes()) == ours
    assert ours.to_bytes() == crlf("""
v=0
o=callfloor 7 1 IN IP4 192.0.2.5
s=callfloor
c=IN IP4 192.0.2.5
t=0 0
m=audio 30000 RTP/AVP 0 8 101
a=rtpmap:0 PCMU/8000
a=rtpmap:8 PCMA/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-16
a=ptime:20
a=sendrecv
""")


def test_two_callfloor_legs_agree() -> None:
    ours = our_offer((PCMA, PCMU))
    theirs, answerer_view = answer(
        ours, local_address="198.51.100.9", local_port=40000, session_id=1, session_version=1
    )
    offerer_view = accept_answer(ours, theirs)
    assert (offerer_view.remote_address, offerer_view.remote_port) == ("198.51.100.9", 40000)
    assert (answerer_view.remote_address, answerer_view.remote_port) == ("192.0.2.5", 30000)
    assert offerer_view.codec == answerer_view.codec == PCMA
    assert offerer_view.telephone_event == answerer_view.telephone_event == 101


def test_accept_answer_from_an_agent_phone() -> None:
    ours = our_offer()
    phone = crlf("""
v=0
o=- 3860392467 3860392467 IN IP4 10.0.0.34
s=Talk
c=IN IP4 10.0.0.34
t=0 0
m=audio 7078 RTP/AVP 8 101
a=rtpmap:8 PCMA/8000
a=rtpmap:101 telephone-event/8000
a=recvonly
""")
    negotiated = accept_answer(ours, parse_sdp(phone))
    assert (negotiated.payload_type, negotiated.telephone_event) == (8, 101)
    assert negotiated.direction == Direction.SENDONLY  # the phone only listens


def test_accept_answer_refusals() -> None:
    ours = our_offer()
    declined = parse_sdp(SIPP.replace(b"m=audio 6000", b"m=audio 0"))
    other_codec = parse_sdp(
        SIPP.replace(b"RTP/AVP 0", b"RTP/AVP 18").replace(b"rtpmap:0 PCMU", b"rtpmap:18 G729")
    )
    with pytest.raises(SdpError) as caught:
        accept_answer(ours, parse_sdp(RFC3264_ALICE))  # two m= lines for one
    assert caught.value.status == 400
    for answer_sdp in (declined, other_codec):
        with pytest.raises(SdpError) as caught:
            accept_answer(ours, answer_sdp)
        assert caught.value.status == 488


def test_hold_and_resume() -> None:
    ours = our_offer()
    held = hold_offer(ours)
    assert (held.media[0].direction, held.origin.session_version) == (Direction.SENDONLY, 2)
    assert hold_offer(held) is held  # nothing changed, the version stays (RFC 3264 §8)
    resumed = resume_offer(held)
    assert (resumed.media[0].direction, resumed.origin.session_version) == (Direction.SENDRECV, 3)
    assert resume_offer(resumed) is resumed
    assert resumed.media == ours.media


def test_hold_while_held_and_with_declined_streams() -> None:
    # The caller put us on hold (sendonly), so our answer was recvonly; holding them makes it inactive.
    ours, _ = answered(LINPHONE.replace(b"a=record:off", b"a=record:off\r\na=sendonly"))
    assert ours.media[0].direction == Direction.RECVONLY
    held = hold_offer(ours)
    assert [m.direction for m in held.media] == [Direction.INACTIVE, None]
    assert held.media[1] == ours.media[1]
    assert resume_offer(held).media[0].direction == Direction.RECVONLY


def test_hold_moves_a_session_level_direction_to_the_media() -> None:
    previous = parse_sdp(SIPP.replace(b"t=0 0\n", b"t=0 0\na=sendrecv\na=tool:x\n"))
    held = hold_offer(previous)
    assert (held.direction, held.media[0].direction) == (None, Direction.SENDONLY)
    assert held.attributes == (Attribute("tool", "x"),)
