"""Answering an agent's ringing phone from the desk: the ``talk`` event of BroadSoft's remote
control, and the auto-answer headers of our INVITE.

Theory of operation. The agent's phone is a SIP phone that we INVITE (:mod:`.calls`); the desk
cannot take its handset off hook, but most desk phones (Yealink, Polycom, Snom, Grandstream)
answer a ringing call when their registrar sends them a ``NOTIFY`` with ``Event: talk`` (the
"remote control" of BroadSoft's access-side extensions, which Asterisk's ``sip_notify.conf``
and FreeSWITCH's ``auto_answer`` also speak). We send it to the phone we rang:

- in the *early dialog* its provisional response made (RFC 3261 §12.1.2: the INVITE's Call-ID,
  our From tag, the To tag of its 180, its Contact as the Request-URI), as BroadSoft does: the
  phone knows which of its calls to answer, and our CSeq goes on from the INVITE's; once the
  phone answers, the confirmed dialog's next request (the BYE) takes the CSeq after the NOTIFY's
  (:func:`after_early`), since the phone counted it (§12.2.2);
- to the registered contact, out of any dialog, when the phone has said nothing with a To tag
  yet (a phone that sends no 180): the binding the REGISTER left is where the INVITE went.

The phone's 2xx to the NOTIFY means it will answer: the INVITE's 200 follows and the call is
connected as any answered call. A refusal (a phone that does not do remote control says 481,
489 or 501; one that wants credentials says 401) or silence within :data:`TALK_WAIT_S` is an
error for the desk: the agent picks the handset up.

Auto-answer. An agent who works with a headset may have their phone answer our INVITEs at once,
as an intercom call: the INVITE then carries ``Call-Info: <sip:host>;answer-after=0`` (BroadSoft,
Yealink, Polycom, Grandstream, SIP.js, newer baresip) and ``Alert-Info: <http://127.0.0.1>;
info=alert-autoanswer`` (Snom, Cisco SPA). Debian's baresip 1.0 reads neither: it answers by its
account's own ``answermode=auto``.
"""

import asyncio
import secrets
from collections.abc import Hashable
from typing import TYPE_CHECKING

from callfloor.core.sip.dialog import Dialog, DialogError, DialogState, uac_dialog
from callfloor.core.sip.layer import Key
from callfloor.core.sip.message import Request, Response

if TYPE_CHECKING:
    from callfloor.server.sip.calls import Leg, Signalling

TALK_WAIT_S = 4.0  # how long the desk waits for the phone's answer to our NOTIFY
NO_ANSWER = 408  # the status of a NOTIFY the phone never answered


def early_dialog(invite: Request, response: Response) -> Dialog | None:
    """The early dialog a provisional response with a To tag makes (§12.1.2), else None."""
    if not 100 < response.status < 200 or response.to().tag is None:
        return None
    try:
        return uac_dialog(invite, response)
    except DialogError:
        return None


def after_early(dialog: Dialog, early: Dialog | None) -> None:
    """The confirmed dialog goes on from the early one's CSeq when it is the same dialog (a NOTIFY
    sent in it counted, §12.2.1.1); call it after the ACK, which keeps the INVITE's number."""
    if early is not None and early.remote_tag == dialog.remote_tag:
        dialog.local_seq = max(dialog.local_seq, early.local_seq)


def talk_notify(endpoint: "Signalling", leg: "Leg", host: str) -> Request:
    """Our ``NOTIFY`` with ``Event: talk`` to the phone ringing on ``leg``; not sent."""
    early = leg.early
    if early is not None and early.state is DialogState.EARLY:
        notify = early.request("NOTIFY", via=endpoint.via(leg.peer))
    else:
        notify = _out_of_dialog(endpoint, leg, host)
    notify.headers.add("Contact", endpoint.contact())
    notify.headers.add("Event", "talk")
    notify.headers.add("Subscription-State", "active")
    return notify


def _out_of_dialog(endpoint: "Signalling", leg: "Leg", host: str) -> Request:
    """The NOTIFY to the registered contact (the INVITE's Request-URI), in no dialog."""
    invite = leg.invite
    if invite is None:
        raise ValueError("a leg is rung with its INVITE")
    agent = leg.agent or "agent"
    notify = Request(method="NOTIFY", uri=invite.uri)
    headers = notify.headers
    headers.add("Via", endpoint.via(leg.peer))
    headers.add("Max-Forwards", "70")
    headers.add("From", f"<sip:callfloor@{host}>;tag={secrets.token_hex(6)}")
    headers.add("To", f"<sip:{agent}@{host}>")
    headers.add("Call-ID", f"{secrets.token_hex(10)}@callfloor")
    headers.add("CSeq", "1 NOTIFY")
    return notify


def auto_answer(invite: Request, host: str) -> None:
    """Ask the phone to answer ``invite`` at once (Call-Info answer-after, Alert-Info auto-answer)."""
    invite.headers.add("Call-Info", f"<sip:{host}>;answer-after=0")
    invite.headers.add("Alert-Info", "<http://127.0.0.1>;info=alert-autoanswer")


class RemoteAnswers:
    """Our NOTIFYs to ringing phones, each awaited by the desk's request that sent it."""

    def __init__(self, endpoint: "Signalling") -> None:
        self.endpoint = endpoint
        self.wait_s = TALK_WAIT_S
        self._pending: dict[Key, asyncio.Future[int]] = {}

    async def talk(self, leg: "Leg", host: str) -> int:
        """Send ``Event: talk`` to the phone of ``leg``; the final status it answered (408: none)."""
        notify = talk_notify(self.endpoint, leg, host)
        return await self._sent(notify, leg.peer)

    async def _sent(self, request: Request, peer: Hashable) -> int:
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        key = self.endpoint.send_request(request, peer)
        self._pending[key] = future
        try:
            return await asyncio.wait_for(future, self.wait_s)
        except TimeoutError:
            return NO_ANSWER
        finally:
            self._pending.pop(key, None)

    def response(self, response: Response, key: Key | None) -> bool:
        """A response to one of our NOTIFYs; False when it is not ours."""
        future = self._pending.get(key) if key is not None else None
        if future is None:
            return False
        if response.status >= 200 and not future.done():
            future.set_result(response.status)
        return True

    def timeout(self, key: Key) -> bool:
        """One of our NOTIFYs got no final answer (timer F); False when it is not ours."""
        future = self._pending.get(key)
        if future is None:
            return False
        if not future.done():
            future.set_result(NO_ANSWER)
        return True
