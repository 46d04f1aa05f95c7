"""A hand-driven SIP caller on a UDP socket, for exchanges that sipp can't time exactly."""

import socket
import time
from dataclasses import dataclass, field

from callfloor.core.sip.message import Request, Response
from callfloor.core.sip.parser import parse_datagram

HOST = "127.0.0.1"


@dataclass
class RawCaller:
    """A caller that sends what the test says and reads every message that comes back."""

    server_port: int
    call_id: str
    number: str = "3900"  # the demo's number straight to the queue accueil
    sip: socket.socket = field(init=False)
    rtp: socket.socket = field(init=False)

    def __post_init__(self) -> None:
        self.sip = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sip.bind((HOST, 0))
        self.rtp.bind((HOST, 0))
        self.sip.settimeout(5)

    @property
    def port(self) -> int:
        return int(self.sip.getsockname()[1])

    def close(self) -> None:
        self.sip.close()
        self.rtp.close()

    def __enter__(self) -> "RawCaller":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def invite_bytes(self, branch: str = "z9hG4bKraw1") -> bytes:
        media = self.rtp.getsockname()[1]
        body = f"v=0\r\no=- 1 1 IN IP4 {HOST}\r\ns=-\r\nc=IN IP4 {HOST}\r\nt=0 0\r\nm=audio {media} RTP/AVP 8\r\n"
        return (
            f"INVITE sip:{self.number}@{HOST}:{self.server_port} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP {HOST}:{self.port};branch={branch}\r\nMax-Forwards: 70\r\n"
            f"From: <sip:0612345678@{HOST}>;tag=caller\r\nTo: <sip:{self.number}@{HOST}>\r\n"
            f"Call-ID: {self.call_id}\r\nCSeq: 1 INVITE\r\nContact: <sip:caller@{HOST}:{self.port}>\r\n"
            f"Content-Type: application/sdp\r\nContent-Length: {len(body)}\r\n\r\n{body}"
        ).encode()

    def cancel_bytes(self, branch: str = "z9hG4bKraw1") -> bytes:
        return (
            f"CANCEL sip:{self.number}@{HOST}:{self.server_port} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP {HOST}:{self.port};branch={branch}\r\nMax-Forwards: 70\r\n"
            f"From: <sip:0612345678@{HOST}>;tag=caller\r\nTo: <sip:{self.number}@{HOST}>\r\n"
            f"Call-ID: {self.call_id}\r\nCSeq: 1 CANCEL\r\nContent-Length: 0\r\n\r\n"
        ).encode()

    def ack_bytes(self, to_tag: str, branch: str = "z9hG4bKrawack") -> bytes:
        """The ACK of a 2xx (a new branch) or, with the INVITE's branch, of an error response."""
        return (
            f"ACK sip:{self.number}@{HOST}:{self.server_port} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP {HOST}:{self.port};branch={branch}\r\nMax-Forwards: 70\r\n"
            f"From: <sip:0612345678@{HOST}>;tag=caller\r\nTo: <sip:{self.number}@{HOST}>;tag={to_tag}\r\n"
            f"Call-ID: {self.call_id}\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n"
        ).encode()

    def send(self, data: bytes) -> None:
        self.sip.sendto(data, (HOST, self.server_port))

    def receive(self) -> Request | Response:
        message = parse_datagram(self.sip.recv(65535))
        assert isinstance(message, Request | Response)
        return message

    def receive_all(self, seconds: float) -> list[Request | Response]:
        """Every message that comes within the next ``seconds``."""
        deadline = time.monotonic() + seconds
        messages: list[Request | Response] = []
        try:
            while (left := deadline - time.monotonic()) > 0:
                self.sip.settimeout(left)
                messages.append(self.receive())
        except TimeoutError:
            pass
        finally:
            self.sip.settimeout(5)
        return messages


def summary(message: Request | Response) -> str:
    """``"200 INVITE"`` for a response, ``"BYE"`` for a request."""
    if isinstance(message, Response):
        return f"{message.status} {message.cseq().method}"
    return message.method
