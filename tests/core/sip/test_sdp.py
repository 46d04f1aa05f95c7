"""SDP as phones really send it, as RFC 3264 §10 writes it, and as a fuzzer throws it."""

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callfloor.core.sip import SipError
from callfloor.core.sip.sdp import (
    Attribute,
    Bandwidth,
    Connection,
    Direction,
    Format,
    MediaDescription,
    Origin,
    RtpMap,
    SdpError,
    SessionDescription,
    Timing,
)
from callfloor.core.sip.sdp_parser import parse_sdp


def crlf(text: str) -> bytes:
    """An SDP written one line per line, as it travels: CRLF line ends."""
    return text.strip().replace("\n", "\r\n").encode() + b"\r\n"


# baresip 3.x with its default modules: opus, G.722, G.711, telephone-event and rtcp-mux.
BARESIP = crlf("""
v=0
o=- 1960873563 1128397128 IN IP4 192.168.1.20
s=-
c=IN IP4 192.168.1.20
t=0 0
a=tool:baresip 3.10.1
m=audio 10714 RTP/AVP 96 9 0 8 101
b=AS:101
a=rtpmap:96 opus/48000/2
a=fmtp:96 stereo=1;sprop-stereo=1
a=rtpmap:9 G722/8000
a=rtpmap:0 PCMU/8000
a=rtpmap:8 PCMA/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-15
a=rtcp-mux
a=sendrecv
a=label:1
a=ssrc:3412281416 cname:e5c2c2a2-9ab0-4bd6-a8f4-6b2b0a9e1f53
a=ptime:20
""")

# Linphone 5: telephone-event at three clock rates, G.729 fmtp without an rtpmap, a video stream.
LINPHONE = crlf("""
v=0
o=agent1 2142 2563 IN IP4 10.0.0.34
s=Talk
c=IN IP4 10.0.0.34
t=0 0
a=rtcp-xr:rcvr-rtt=all:10000 stat-summary=loss,dup,jitt,TTL voip-metrics
a=record:off
m=audio 7078 RTP/AVP 96 97 98 0 8 18 101 99 100
a=rtpmap:96 opus/48000/2
a=fmtp:96 useinbandfec=1
a=rtpmap:97 speex/16000
a=fmtp:97 vbr=on
a=rtpmap:98 speex/8000
a=fmtp:98 vbr=on
a=fmtp:18 annexb=yes
a=rtpmap:101 telephone-event/48000
a=rtpmap:99 telephone-event/16000
a=rtpmap:100 telephone-event/8000
a=rtcp:7079
a=rtcp-fb:* trr-int 1000
m=video 9078 RTP/AVP 96 97
a=rtpmap:96 VP8/90000
a=rtpmap:97 H264/90000
a=fmtp:97 profile-level-id=42801F
a=rtcp:9079
a=rtcp-fb:* trr-int 1000
a=rtcp-fb:96 nack pli
""")

# Zoiper 5: a millisecond clock as session id, opus first, telephone-event at 48 and 8 kHz.
ZOIPER = crlf("""
v=0
o=Z 1700130551738 1 IN IP4 192.168.1.50
s=Z
c=IN IP4 192.168.1.50
t=0 0
m=audio 8000 RTP/AVP 106 9 98 101 0 8 3
a=rtpmap:106 opus/48000/2
a=fmtp:106 sprop-maxcapturerate=16000; minptime=20; useinbandfec=1
a=rtpmap:98 telephone-event/48000
a=fmtp:98 0-16
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-16
a=sendrecv
a=rtcp-mux
""")

# Asterisk 20 (chan_pjsip) on a trunk: A-law first.
ASTERISK = crlf("""
v=0
o=- 1432352011 1432352013 IN IP4 203.0.113.10
s=Asterisk
c=IN IP4 203.0.113.10
t=0 0
m=audio 17924 RTP/AVP 8 0 101
a=rtpmap:8 PCMA/8000
a=rtpmap:0 PCMU/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-16
a=ptime:20
a=maxptime:150
a=sendrecv
""")

# sipp's built-in uac scenario: the least an offer can be, LF line ends.
SIPP = b"""v=0
o=user1 53655765 2353687637 IN IP4 127.0.0.1
s=-
c=IN IP4 127.0.0.1
t=0 0
m=audio 6000 RTP/AVP 0
a=rtpmap:0 PCMU/8000
"""

# RFC 3264 §10.1, Alice's offer: host names, an empty s=, audio and video.
RFC3264_ALICE = crlf("""
v=0
o=alice 2890844526 2890844526 IN IP4 host.atlanta.example.com
s=
c=IN IP4 host.atlanta.example.com
t=0 0
m=audio 49170 RTP/AVP 0 8 97
a=rtpmap:0 PCMU/8000
a=rtpmap:8 PCMA/8000
a=rtpmap:97 iLBC/8000
m=video 51372 RTP/AVP 31 32
a=rtpmap:31 H261/90000
a=rtpmap:32 MPV/90000
""")

IPV6 = crlf("""
v=0
o=- 20518 0 IN IP6 2001:db8::10
s=-
c=IN IP6 2001:db8::10
t=0 0
m=audio 40000 RTP/AVP 8 101
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-16
""")

REAL_WORLD = [BARESIP, LINPHONE, ZOIPER, ASTERISK, SIPP, RFC3264_ALICE, IPV6]


@pytest.mark.parametrize(
    "body", REAL_WORLD, ids=["baresip", "linphone", "zoiper", "asterisk", "sipp", "rfc3264", "ipv6"]
)
def test_real_world_bodies_round_trip(body: bytes) -> None:
    description = parse_sdp(body)
    assert parse_sdp(description.to_bytes()) == description
    assert parse_sdp(body.decode()) == description


def test_baresip_offer() -> None:
    d = parse_sdp(BARESIP)
    assert d.origin == Origin("-", 1960873563, 1128397128, "IN", "IP4", "192.168.1.20")
    assert d.attributes == (Attribute("tool", "baresip 3.10.1"),)
    (audio,) = d.media
    assert [f.name for f in audio.formats] == ["96", "9", "0", "8", "101"]
    assert audio.formats[0] == Format("96", RtpMap("opus", 48000, 2), "stereo=1;sprop-stereo=1")
    assert audio.formats[4] == Format("101", RtpMap("telephone-event", 8000), "0-15")
    assert (audio.ptime, audio.direction, audio.bandwidths) == (
        20,
        Direction.SENDRECV,
        (Bandwidth("AS", 101),),
    )
    assert [a.name for a in audio.attributes] == ["rtcp-mux", "label", "ssrc"]


def test_linphone_fmtp_without_rtpmap_and_video() -> None:
    d = parse_sdp(LINPHONE)
    audio, video = d.media
    g729 = audio.formats[5]
    assert g729 == Format("18", None, "annexb=yes")
    assert g729.encoding() == RtpMap("G729", 8000)
    assert video.formats[1] == Format("97", RtpMap("H264", 90000), "profile-level-id=42801F")
    assert Attribute("rtcp-fb", "96 nack pli") in video.attributes
    assert d.direction_for(audio) == Direction.SENDRECV


def test_line_ends_and_trailing_white_space_do_not_matter() -> None:
    sloppy = SIPP.replace(b"\n", b"  \n").replace(b"t=0 0  \n", b"t=0 0\t\r\n") + b"\r\n\n"
    assert parse_sdp(sloppy) == parse_sdp(SIPP) == parse_sdp(SIPP.replace(b"\n", b"\r\n"))


def test_rfc3264_offer_with_empty_session_name_and_host_names() -> None:
    d = parse_sdp(RFC3264_ALICE)
    assert d.session_name == ""
    assert d.connection == Connection("IN", "IP4", "host.atlanta.example.com")
    assert b"\r\ns= \r\n" in d.to_bytes()  # RFC 8866 §5.3


def test_ipv6() -> None:
    d = parse_sdp(IPV6)
    assert d.origin.addr_type == "IP6"
    assert d.connection_for(d.media[0]) == Connection("IN", "IP6", "2001:db8::10")
    assert d.media[0].formats[0].encoding() == RtpMap("PCMA", 8000)


HOLD = "0.0.0.0"  # noqa: S104 - the RFC 2543 hold address, not a bind


def offer(session: str = "", media: str = "", address: str = "127.0.0.1") -> str:
    """sipp's offer with attributes added at session and media level."""
    head = f"v=0\no=user1 1 1 IN IP4 127.0.0.1\ns=-\nc=IN IP4 {address}\nt=0 0\n{session}"
    return f"{head}m=audio 6000 RTP/AVP 0\n{media}"


@pytest.mark.parametrize(
    ("session", "media", "address", "expected"),
    [
        ("", "", "127.0.0.1", Direction.SENDRECV),
        ("", "", HOLD, Direction.SENDONLY),  # RFC 2543 hold: send nothing to me
        ("", "a=sendonly\n", HOLD, Direction.SENDONLY),
        ("", "a=recvonly\n", HOLD, Direction.INACTIVE),
        ("", "a=recvonly\n", "127.0.0.1", Direction.RECVONLY),
        ("a=inactive\n", "", "127.0.0.1", Direction.INACTIVE),
        ("a=sendonly\n", "a=sendrecv\n", "127.0.0.1", Direction.SENDRECV),  # media level wins
    ],
)
def test_direction_for(session: str, media: str, address: str, expected: Direction) -> None:
    d = parse_sdp(offer(session, media, address))
    assert d.direction_for(d.media[0]) == expected


def test_media_connection_overrides_session_and_port_zero_needs_none() -> None:
    body = crlf("""
v=0
o=- 1 1 IN IP4 198.51.100.1
s=-
t=0 0
m=audio 5004 RTP/AVP 0
c=IN IP4 198.51.100.7
m=video 0 RTP/AVP 31
""")
    d = parse_sdp(body)
    audio, video = d.media
    assert d.connection is None
    assert d.connection_for(audio) == Connection("IN", "IP4", "198.51.100.7")
    assert video.rejected and d.connection_for(video) is None
    assert not audio.rejected


def test_rtpmap_or_fmtp_for_an_unlisted_format_is_kept_as_written() -> None:
    d = parse_sdp(SIPP + b"a=rtpmap:101 telephone-event/8000\na=fmtp:101 0-16\n")
    assert d.media[0].formats == (Format("0", RtpMap("PCMU", 8000)),)
    assert d.media[0].attributes == (
        Attribute("rtpmap", "101 telephone-event/8000"),
        Attribute("fmtp", "101 0-16"),
    )


def test_other_session_lines_are_kept() -> None:
    body = crlf("""
v=0
o=jdoe 3724394400 3724394405 IN IP4 198.51.100.1
s=Call to John Smith
i=SDP Offer #1
u=http://www.jdoe.example.com/home.html
e=Jane Doe <jane@jdoe.example.com>
p=+1 617 555-6011
c=IN IP4 198.51.100.1
b=CT:384
t=2873397496 2873404696
r=604800 3600 0 90000
t=0 0
z=2882844526 -1h 2898848070 0
k=prompt
a=recvonly
m=audio 49170/2 RTP/AVP 0
i=main audio
b=AS:64
k=prompt
m=application 32416 udp wb
a=orient:portrait
""")
    d = parse_sdp(body)
    assert d.timing == (Timing(2873397496, 2873404696, ("604800 3600 0 90000",)), Timing(0, 0))
    assert (d.information, d.emails, d.phones, d.zone) == (
        "SDP Offer #1",
        ("Jane Doe <jane@jdoe.example.com>",),
        ("+1 617 555-6011",),
        "2882844526 -1h 2898848070 0",
    )
    assert d.media[0].port_count == 2
    assert d.media[1].formats == (Format("wb"),)
    assert d.to_bytes() == body


def test_to_bytes_is_crlf_in_rfc_order() -> None:
    d = SessionDescription(
        origin=Origin("callfloor", 7, 8, "IN", "IP4", "192.0.2.5"),
        session_name="callfloor",
        connection=Connection("IN", "IP4", "192.0.2.5"),
        media=(
            MediaDescription(
                media="audio",
                port=30000,
                proto="RTP/AVP",
                formats=(
                    Format("0", RtpMap("PCMU", 8000)),
                    Format("101", RtpMap("telephone-event", 8000), "0-16"),
                ),
                ptime=20,
                direction=Direction.SENDONLY,
                attributes=(Attribute("maxptime", "60"),),
            ),
        ),
    )
    assert d.to_bytes() == crlf("""
v=0
o=callfloor 7 8 IN IP4 192.0.2.5
s=callfloor
c=IN IP4 192.0.2.5
t=0 0
m=audio 30000 RTP/AVP 0 101
a=rtpmap:0 PCMU/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-16
a=ptime:20
a=maxptime:60
a=sendonly
""")


BAD = {
    "empty": b"",
    "missing v=": SIPP.replace(b"v=0\n", b""),
    "v= not first": SIPP.replace(b"v=0\no=", b"o=").replace(b"s=-", b"v=0\ns=-"),
    "version 1": SIPP.replace(b"v=0", b"v=1"),
    "missing o=": SIPP.replace(b"o=user1 53655765 2353687637 IN IP4 127.0.0.1\n", b""),
    "missing s=": SIPP.replace(b"s=-\n", b""),
    "missing t=": SIPP.replace(b"t=0 0\n", b""),
    "garbage line": SIPP.replace(b"t=0 0\n", b"t=0 0\nhello world\n"),
    "unknown type": SIPP.replace(b"t=0 0\n", b"t=0 0\nx=1\n"),
    "upper case type": SIPP.replace(b"t=0 0", b"T=0 0"),
    "space before =": SIPP.replace(b"t=0 0", b"t =0 0"),
    "blank line inside": SIPP.replace(b"t=0 0\n", b"t=0 0\n\n"),
    "out of order": SIPP.replace(b"s=-\nc=IN IP4 127.0.0.1", b"c=IN IP4 127.0.0.1\ns=-"),
    "two c= lines": SIPP.replace(b"t=0 0", b"c=IN IP4 127.0.0.2\nt=0 0"),
    "repeat without time": SIPP.replace(
        b"c=IN IP4 127.0.0.1\nt=0 0", b"r=7d 1h 0\nc=IN IP4 127.0.0.1\nt=0 0"
    ),
    "short origin": SIPP.replace(b"user1 ", b""),
    "bad session id": SIPP.replace(b"53655765", b"5365x765"),
    "port too big": SIPP.replace(b"6000", b"70000"),
    "port not a number": SIPP.replace(b"6000", b"six"),
    "port count 0": SIPP.replace(b"6000", b"6000/0"),
    "no format": SIPP.replace(b"RTP/AVP 0", b"RTP/AVP"),
    "payload type 128": SIPP.replace(b"RTP/AVP 0", b"RTP/AVP 128"),
    "format twice": SIPP.replace(b"RTP/AVP 0", b"RTP/AVP 0 0"),
    "rtpmap without rate": SIPP.replace(b"PCMU/8000", b"PCMU"),
    "rtpmap rate 0": SIPP.replace(b"PCMU/8000", b"PCMU/0"),
    "rtpmap payload type": SIPP.replace(b"rtpmap:0", b"rtpmap:zero"),
    "rtpmap twice": SIPP + b"a=rtpmap:0 PCMU/8000\n",
    "fmtp without parameters": SIPP + b"a=fmtp:0\n",
    "bad ptime": SIPP + b"a=ptime:twenty\n",
    "two ptimes": SIPP + b"a=ptime:20\na=ptime:30\n",
    "two directions": SIPP + b"a=sendonly\na=recvonly\n",
    "direction with a value": SIPP + b"a=sendonly:yes\n",
    "bad attribute name": SIPP + b"a=:x\n",
    "bad bandwidth": SIPP.replace(b"t=0 0", b"b=AS\nt=0 0"),
    "IPv6 address as IP4": SIPP.replace(b"c=IN IP4 127.0.0.1", b"c=IN IP4 2001:db8::1"),
    "IPv4 address as IP6": SIPP.replace(b"c=IN IP4 127.0.0.1", b"c=IN IP6 127.0.0.1"),
    "bad IPv4": SIPP.replace(b"c=IN IP4 127.0.0.1", b"c=IN IP4 300.0.0.1"),
    "unknown network": SIPP.replace(b"c=IN IP4", b"c=ATM NSAP"),
    "no connection": SIPP.replace(b"c=IN IP4 127.0.0.1\n", b""),
    "not UTF-8": SIPP.replace(b"s=-", b"s=\xff"),
    "NUL": SIPP.replace(b"s=-", b"s=\x00"),
    "bare CR": SIPP.replace(b"\n", b"\r"),
}


@pytest.mark.parametrize("body", BAD.values(), ids=BAD.keys())
def test_malformed_is_400(body: bytes) -> None:
    with pytest.raises(SdpError) as caught:
        parse_sdp(body)
    assert caught.value.status == 400
    assert isinstance(caught.value, SipError)


# -- property tests ------------------------------------------------------------------------------

TOKEN_CHARS = string.ascii_letters + string.digits + "!#$%&'*+-.^_`{|}~"
tokens = st.text(TOKEN_CHARS, min_size=1, max_size=8)
SPECIAL = {"rtpmap", "fmtp", "ptime", *Direction}
attribute_names = tokens.filter(lambda name: name not in SPECIAL)
# Free text survives a round trip unless it ends in white space, which the parser forgives.
texts = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\r\n\0"), max_size=12).filter(
    lambda s: s == s.rstrip()
)
parameters = texts.filter(lambda s: s != "" and s == s.strip())
numbers = st.integers(0, 10**20 - 1)
addresses = st.one_of(
    st.ip_addresses(v=4).map(lambda a: ("IP4", str(a))),
    st.ip_addresses(v=6).map(lambda a: ("IP6", str(a))),
    st.sampled_from([("IP4", "pbx.example.com"), ("IP6", "media-1.example.net"), ("IP4", "224.2.1.1/127/3")]),
)
connections = addresses.map(lambda a: Connection("IN", *a))
origins = st.builds(lambda u, i, v, a: Origin(u, i, v, "IN", *a), tokens, numbers, numbers, addresses)
attributes = st.builds(Attribute, attribute_names, st.none() | texts)
bandwidths = st.builds(Bandwidth, tokens, st.integers(0, 10**9))
directions = st.none() | st.sampled_from(Direction)
rtpmaps = st.builds(RtpMap, tokens, st.integers(1, 10**9 - 1), st.none() | st.integers(1, 999))


@st.composite
def media_descriptions(draw: st.DrawFn, connected: bool) -> MediaDescription:
    proto = draw(st.sampled_from(["RTP/AVP", "RTP/SAVP", "UDP/TLS/RTP/SAVPF", "udptl", "TCP/BFCP"]))
    rtp = "RTP" in proto.split("/")
    names = draw(
        st.lists(st.integers(0, 127).map(str) if rtp else tokens, min_size=1, max_size=5, unique=True)
    )
    formats = tuple(
        Format(name, draw(st.none() | rtpmaps) if rtp else None, draw(st.none() | parameters))
        for name in names
    )
    port = draw(st.integers(0, 65535))
    return MediaDescription(
        media=draw(tokens),
        port=port,
        proto=proto,
        formats=formats,
        port_count=draw(st.none() | st.integers(1, 65535)),
        title=draw(st.none() | texts),
        connection=draw(connections if port and not connected else st.none() | connections),
        bandwidths=tuple(draw(st.lists(bandwidths, max_size=2))),
        key=draw(st.none() | texts),
        ptime=draw(st.none() | st.integers(1, 999999)),
        direction=draw(directions),
        attributes=tuple(draw(st.lists(attributes, max_size=3))),
    )


@st.composite
def descriptions(draw: st.DrawFn) -> SessionDescription:
    connection = draw(st.none() | connections)
    repeats = st.lists(st.sampled_from(["604800 3600 0 90000", "7d 1h 0 25h"]), max_size=2).map(tuple)
    return SessionDescription(
        origin=draw(origins),
        session_name=draw(texts),
        information=draw(st.none() | texts),
        uri=draw(st.none() | texts),
        emails=tuple(draw(st.lists(texts, max_size=2))),
        phones=tuple(draw(st.lists(texts, max_size=2))),
        connection=connection,
        bandwidths=tuple(draw(st.lists(bandwidths, max_size=2))),
        timing=tuple(draw(st.lists(st.builds(Timing, numbers, numbers, repeats), min_size=1, max_size=2))),
        zone=draw(st.none() | st.just("2882844526 -1h 2898848070 0")),
        key=draw(st.none() | texts),
        direction=draw(directions),
        attributes=tuple(draw(st.lists(attributes, max_size=3))),
        media=tuple(draw(st.lists(media_descriptions(connection is not None), max_size=3))),
    )


@given(descriptions())
def test_round_trip(description: SessionDescription) -> None:
    assert parse_sdp(description.to_bytes()) == description


def parsed_or_refused(data: bytes | str) -> SessionDescription | None:
    """The description, or None when it was refused the one allowed way: SdpError, 400."""
    try:
        return parse_sdp(data)
    except SdpError as error:
        status = error.status
    assert status == 400
    return None


@given(st.binary(max_size=400))
def test_arbitrary_bytes_raise_only_sdp_errors(data: bytes) -> None:
    parsed_or_refused(data)


LINES = sorted(
    {line for body in REAL_WORLD for line in body.decode().splitlines()} | {"r=7d 1h 0", "a=sendonly"}
)
edits = st.tuples(
    st.sampled_from(["insert", "replace", "delete", "splice"]),
    st.integers(0, 40),
    st.sampled_from(LINES) | st.text(max_size=12),
)


def edited(body: bytes, changes: list[tuple[str, int, str]]) -> str:
    """``body`` with lines inserted, replaced, deleted, or text spliced into one."""
    lines = body.decode().splitlines()
    for kind, where, text in changes:
        at = where % (len(lines) + 1)
        if kind == "insert":
            lines.insert(at, text)
        elif at < len(lines):
            middle = len(lines[at]) // 2
            spliced = lines[at][:middle] + text + lines[at][middle:]
            lines[at : at + 1] = {"replace": [text], "delete": [], "splice": [spliced]}[kind]
    return "\n".join(lines)


@given(st.sampled_from(REAL_WORLD), st.lists(edits, min_size=1, max_size=3))
def test_edited_real_bodies_raise_only_sdp_errors(body: bytes, changes: list[tuple[str, int, str]]) -> None:
    description = parsed_or_refused(edited(body, changes))
    if description is not None:
        assert parse_sdp(description.to_bytes()) == description
