"""SIP dialogs (RFC 3261 §12): identity, sequence numbers, route set and remote target.

A dialog is created by a 1xx/2xx with a To tag (UAC side) or by our answer to an INVITE (UAS
side); it is *early* until a 2xx, *confirmed* after, *terminated* by BYE or a failure. Its
state changes go through one transition table. The dialog builds our in-dialog requests (BYE,
re-INVITE for hold, ACK for a 2xx, REFER, INFO) with the right Call-ID, tags, CSeq, Request-URI
and Route set (§12.2.1.1), and checks the peer's (§12.2.2: a lower CSeq gets a 500).
"""

from dataclasses import dataclass, field
from enum import StrEnum

from callfloor.core.sip import SipError
from callfloor.core.sip.message import Request, Response
from callfloor.core.sip.uri import NameAddr, parse_name_addr


class DialogState(StrEnum):
    """Where a dialog is."""

    EARLY = "early"
    CONFIRMED = "confirmed"
    TERMINATED = "terminated"


TRANSITIONS: dict[DialogState, frozenset[DialogState]] = {
    DialogState.EARLY: frozenset({DialogState.EARLY, DialogState.CONFIRMED, DialogState.TERMINATED}),
    DialogState.CONFIRMED: frozenset({DialogState.CONFIRMED, DialogState.TERMINATED}),
    DialogState.TERMINATED: frozenset(),
}


class DialogError(SipError):
    """A dialog was asked for something its state or the peer's message does not allow."""

    def __init__(self, reason: str, status: int = 400) -> None:
        super().__init__(reason)
        self.status = status


@dataclass
class Dialog:
    """One dialog, from our side."""

    call_id: str
    local_tag: str
    remote_tag: str
    local: NameAddr  # our From (UAC) or To (UAS) value
    remote: NameAddr
    remote_target: str  # the peer's Contact URI: where in-dialog requests go
    route_set: list[str] = field(default_factory=list)
    local_seq: int = 0
    remote_seq: int | None = None
    state: DialogState = DialogState.EARLY
    secure: bool = False

    @property
    def id(self) -> tuple[str, str, str]:
        """Call-ID, local tag, remote tag (§12)."""
        return (self.call_id, self.local_tag, self.remote_tag)

    def move(self, state: DialogState) -> None:
        """Change state through the table."""
        if state not in TRANSITIONS[self.state]:
            raise DialogError(f"dialog {self.call_id}: {self.state} -> {state}")
        self.state = state

    def request(
        self, method: str, *, via: str, body: bytes = b"", content_type: str | None = None
    ) -> Request:
        """An in-dialog request (§12.2.1.1); ACK reuses the INVITE's CSeq number, others take the next."""
        if self.state is DialogState.TERMINATED:
            raise DialogError(f"dialog {self.call_id} is terminated")
        if method not in ("ACK", "CANCEL"):
            self.local_seq += 1
        request = Request(method=method, uri=self.remote_target, body=body)
        headers = request.headers
        headers.add("Via", via)
        headers.add("Max-Forwards", "70")
        for route in self.route_set:
            headers.add("Route", route)
        headers.add("From", str(self.local))
        headers.add("To", str(self.remote))
        headers.add("Call-ID", self.call_id)
        headers.add("CSeq", f"{self.local_seq} {method}")
        if content_type is not None:
            headers.add("Content-Type", content_type)
        return request

    def check_incoming(self, request: Request) -> None:
        """Accept the peer's in-dialog request or raise with the status to answer (§12.2.2)."""
        if self.state is DialogState.TERMINATED:
            raise DialogError("call/transaction does not exist", 481)
        number = request.cseq().number
        if request.method != "ACK":
            if self.remote_seq is not None and number <= self.remote_seq:
                raise DialogError(f"CSeq {number} is not above {self.remote_seq}", 500)
            self.remote_seq = number
        if request.method in ("INVITE", "UPDATE") and (contacts := request.contacts()):
            self.remote_target = str(contacts[0].uri)  # a target refresh (§12.2.2)

    def confirm(self, response: Response) -> None:
        """Our INVITE or re-INVITE got a 2xx: confirmed, remote target refreshed (§12.2.1.2)."""
        self.move(DialogState.CONFIRMED)
        if contacts := response.contacts():
            self.remote_target = str(contacts[0].uri)


def uac_dialog(invite: Request, response: Response) -> Dialog:
    """The dialog our INVITE created, from a 1xx (with To tag) or 2xx (§12.1.2)."""
    remote = response.to()
    if remote.tag is None:
        raise DialogError("a response without To tag creates no dialog")
    contacts = response.contacts() or []
    local = invite.from_()
    dialog = Dialog(
        call_id=invite.call_id,
        local_tag=local.tag or "",
        remote_tag=remote.tag,
        local=local,
        remote=remote,
        remote_target=str(contacts[0].uri) if contacts else invite.uri,
        route_set=list(reversed(response.headers.values("Record-Route"))),  # reversed for the UAC
        local_seq=invite.cseq().number,
        secure=invite.uri.lower().startswith("sips:"),
    )
    if 200 <= response.status < 300:
        dialog.move(DialogState.CONFIRMED)
    return dialog


def uas_dialog(invite: Request, local_tag: str) -> Dialog:
    """The dialog we create by answering ``invite`` with a To tag of ours (§12.1.1)."""
    contacts = invite.contacts() or []
    if not contacts:
        raise DialogError("an INVITE without Contact cannot create a dialog")
    local = invite.to()
    remote = invite.from_()
    return Dialog(
        call_id=invite.call_id,
        local_tag=local_tag,
        remote_tag=remote.tag or "",
        local=NameAddr(local.uri, local.display, {**local.params, "tag": local_tag}),
        remote=remote,
        remote_target=str(contacts[0].uri),
        route_set=invite.headers.values("Record-Route"),
        remote_seq=invite.cseq().number,
    )


def with_tag(value: str, tag: str) -> str:
    """A To header value with our tag added (for the responses that create the dialog)."""
    address = parse_name_addr(value)
    return str(NameAddr(address.uri, address.display, {**address.params, "tag": tag}))
