"""Scheduled callbacks (rappels programmés) dialed from the desk: click-to-dial, the agent's phone
first, then the customer through the tenant's trunk.

Theory of operation. The desk's « Appeler » (``POST /api/callbacks/{id}/dial``) has taken the
callback for the agent (:meth:`callfloor.crm.scheduled_callbacks.CallbackBook.take`) and hands
:meth:`CallbackDials.dial` an order: which callback, which agent, which number. It is refused
at once when it cannot go on (:class:`~callfloor.server.sip.calls.CallControlError`): 503
``no_trunk`` when the tenant has no trunk to call out through, 409 ``not_logged_in``,
``no_phone`` (no registered phone), ``agent_busy`` (ringing, talking, in wrap-up, or dialing
another callback) and ``callback_dialing`` (already being dialed). Otherwise the agent is
paused on the floor with the floor's reason ``callback``, so that no call is offered to them
while they call back, and their registered phone is rung, as the queue's callbacks do
(:mod:`.callbacks`), with the auto-answer headers when the agent works so (``agents.auto_answer``,
:func:`~callfloor.server.sip.remote_answer.auto_answer`); the phone shows the number to call.

Once the agent answers, the number is INVITEd through the trunk with the tenant's caller ID,
prefix and digest credentials (:func:`~callfloor.server.sip.outbound.trunk_invite`, the legs
handled by :class:`~callfloor.server.sip.placed_legs.PlacedLegs`). From then on it is an
outbound interaction of the log, as an agent's own call out is (:mod:`.outbound`): ``dialed``
(reason ``outbound``) as the INVITE goes, ``outbound_ended`` with its outcome and talk time
when it ends, and its record in the customer file, linked to the callback's contact. The
customer's 200 bridges the two RTP sessions and makes the callback ``done``; a refusal or no
answer within :attr:`CallbackDials.ring_timeout_s` hangs the agent's phone up and leaves the
callback pending, the attempt counted with its outcome (``busy``, ``no_answer``, ``invalid``,
``failed``): a center calls again rather than forgetting the customer. An agent whose phone is
not answered, refuses, or who hangs up (or hangs up from the desk, :meth:`CallbackDials.hang_up`)
before the customer answers gives the attempt up (``cancelled`` once the customer was rung).
Once connected, a BYE on either side ends the other. Either way the agent goes back to the
state they were in (ready, or their own pause), unless they or a supervisor changed it meanwhile.

The record is the callback's contact's: the open interaction is linked to it as the customer is
dialed, so that an agent who links the call to someone else during it has the last word. The
attempts are written off the loop (a worker thread).
"""

import asyncio
import functools
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy.orm import Session, sessionmaker

from callfloor.core.acd import AcdError
from callfloor.core.acd.model import AgentState
from callfloor.core.config import Channel
from callfloor.core.events import AgentPaused, AgentReady
from callfloor.core.log import InteractionEventType, LogEntry
from callfloor.crm.interactions import InteractionStart, OpenInteractions
from callfloor.crm.scheduled_callbacks import ANSWERED, CallbackBook
from callfloor.server.media.bridge import Bridge as MediaBridge
from callfloor.server.media.session import RtpSession
from callfloor.server.sip.callbacks import CallbackEndpoint, CallbackFloor
from callfloor.server.sip.calls import (
    BindingLike,
    CallControlError,
    CallManager,
    Leg,
    agent_invite,
    spawn,
    target,
)
from callfloor.server.sip.campaign_calls import outcome_of
from callfloor.server.sip.ivr_transfers import RING_TIMEOUT_S
from callfloor.server.sip.outbound import trunk_invite, trunk_peer
from callfloor.server.sip.placed_legs import LegEvents, LegsOwner, PlacedLegs
from callfloor.server.sip.remote_answer import auto_answer
from callfloor.server.sip.trunks import TrunkConfig

log = logging.getLogger(__name__)
CALLBACK = "callback"  # the floor's pause reason for an agent calling a scheduled callback back
CANCELLED = "cancelled"  # the agent gave the attempt up after the customer was rung
_MAY_DIAL = frozenset({AgentState.READY, AgentState.PAUSED})


@dataclass(frozen=True, slots=True)
class CallbackOrder:
    """Who calls which callback back, at which number (E.164)."""

    tenant_id: int
    callback_id: int
    agent: str  # the extension whose phone rings first
    number: str
    contact_id: int | None = None  # the callback's contact: its record's, unless the agent links another


@dataclass(eq=False)
class CallbackDial:
    """One try at a scheduled callback: the agent's leg, then the customer's, then their bridge."""

    order: CallbackOrder
    trunk: TrunkConfig
    interaction: str = field(default_factory=lambda: uuid.uuid4().hex)
    started: float = field(default_factory=time.time)
    agent_leg: Leg | None = None
    customer: Leg | None = None
    bridge: MediaBridge | None = None
    timer: asyncio.TimerHandle | None = None
    restore: tuple[AgentState, str | None] | None = None  # the floor state to go back to
    answered_at: float | None = None  # when the customer's 200 came
    outcome: str | None = None  # once over: how the attempt ended (None: the customer was not rung)
    over: bool = False

    @property
    def state(self) -> str:
        """``ringing_agent``, ``calling`` (the customer rings), ``talking`` or ``ended``."""
        if self.over:
            return "ended"
        if self.answered_at is not None:
            return "talking"
        return "calling" if self.customer is not None else "ringing_agent"


class DialFloor(CallbackFloor, Protocol):
    """A live floor (:class:`callfloor.server.floors.LiveFloor`) and its interactions not ended yet."""

    @property
    def interactions(self) -> OpenInteractions:
        """The open interactions, which a contact may be linked to before their records are written."""


class DialEndpoint(CallbackEndpoint, Protocol):
    """What callback dials need from the SIP endpoint (it is the implementation)."""

    def floor(self, tenant_id: int) -> DialFloor:
        """The tenant's live floor."""


def _refused(status: int, error_id: str, fr: str, en: str) -> CallControlError:
    return CallControlError(status, error_id, fr, en)


class CallbackDials(LegsOwner):
    """The scheduled callbacks being dialed from the desks, by tenant and callback."""

    def __init__(
        self, endpoint: DialEndpoint, manager: CallManager, sessions: sessionmaker[Session] | None
    ) -> None:
        self.endpoint, self.manager, self.sessions = endpoint, manager, sessions
        self.legs = PlacedLegs(endpoint, lambda: manager.media_host)
        self.dials: dict[tuple[int, int], CallbackDial] = {}
        self.ring_timeout_s = RING_TIMEOUT_S  # for the agent's phone, then for the customer
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)  # the database's times

    # -- the desk's commands -------------------------------------------------------------------

    def dial(self, order: CallbackOrder) -> CallbackDial:
        """Ring the agent's phone for the callback; :class:`CallControlError` when it cannot be."""
        trunk = self._check(order)
        binding = self.endpoint.bindings(order.tenant_id, order.agent)[0]
        dial = self.dials[order.tenant_id, order.callback_id] = CallbackDial(order, trunk)
        self._hold_offers(dial)
        self._arm(dial)
        spawn(self._ring(dial, binding))
        log.info("callback %s: agent %s calls back %s", order.callback_id, order.agent, order.number)
        return dial

    def of_agent(self, tenant_id: int, agent: str) -> list[CallbackDial]:
        """The agent's callbacks being dialed (one at most)."""
        return [d for d in self.dials.values() if d.order.tenant_id == tenant_id and d.order.agent == agent]

    def of_interaction(self, tenant_id: int, interaction: str) -> CallbackDial | None:
        """The tenant's dial whose customer is rung or talking under that interaction id (None: not one)."""
        return next(
            (
                d for d in self.dials.values()
                if d.order.tenant_id == tenant_id and d.interaction == interaction and d.customer is not None
            ),
            None,
        )  # fmt: skip

    def hang_up(self, tenant_id: int, callback_id: int) -> CallbackDial | None:
        """End the try from the desk, at whatever stage; None when none is under way."""
        dial = self.dials.get((tenant_id, callback_id))
        if dial is not None:
            self._end(dial, self._given_up(dial))
        return dial

    def _check(self, order: CallbackOrder) -> TrunkConfig:
        """The trunk to call through, once the agent, their phone and the callback may go on."""
        if (order.tenant_id, order.callback_id) in self.dials:
            raise _refused(409, "callback_dialing", "Ce rappel est déjà en cours d'appel.",
                           "This callback is being dialed already.")  # fmt: skip
        trunk = self.endpoint.trunks.outbound(order.tenant_id)
        if trunk is None:
            raise _refused(503, "no_trunk", "Aucun opérateur pour appeler ce numéro.",
                           "There is no trunk to call that number.")  # fmt: skip
        record = self._floor(order).floor.acd.agents.get(order.agent)
        if record is None or record.state is AgentState.LOGGED_OUT:
            raise _refused(409, "not_logged_in", "Vous n'êtes pas connecté : enregistrez votre téléphone.",
                           "You are not logged in: register your phone.")  # fmt: skip
        if (
            record.state not in _MAY_DIAL
            or record.pending_offer is not None
            or self.of_agent(order.tenant_id, order.agent)
        ):
            raise _refused(409, "agent_busy", "Terminez d'abord votre appel en cours.",
                           "Finish your current call first.")  # fmt: skip
        if not self.endpoint.bindings(order.tenant_id, order.agent):
            raise _refused(409, "no_phone", "Aucun téléphone enregistré sur votre poste.",
                           "No phone is registered on your extension.")  # fmt: skip
        return trunk

    # -- the agent's phone, then the customer --------------------------------------------------

    async def _ring(self, dial: CallbackDial, binding: BindingLike) -> None:
        order, host = dial.order, self.manager.media_host
        rtp = await RtpSession.open(host, self.manager.ports)
        if dial.over:  # given up while the media opened
            rtp.close()
            return
        invite = agent_invite(self.endpoint, binding, order.agent, rtp, display=order.number, host=host)
        if self.manager.auto_answer(order.tenant_id, order.agent):
            auto_answer(invite, self.endpoint.host())
        dial.agent_leg = Leg(target(binding), rtp, invite=invite, agent=order.agent)
        self.legs.place(dial.agent_leg, self._events(dial, self._agent_answered, self._agent_gone))

    def _agent_answered(self, dial: CallbackDial, leg: Leg) -> None:
        """The agent is on the line: the customer is INVITEd through the trunk."""
        if dial.over:
            self.legs.hang_up(leg)
            return
        self._arm(dial)  # the customer's turn to ring
        spawn(self._call_customer(dial))

    async def _call_customer(self, dial: CallbackDial) -> None:
        order, trunk, host = dial.order, dial.trunk, self.manager.media_host
        rtp = await RtpSession.open(host, self.manager.ports)
        if dial.over:
            rtp.close()
            return
        invite = trunk_invite(self.endpoint, trunk, f"{trunk.prefix}{order.number}", rtp, host)
        dial.customer = Leg(trunk_peer(trunk), rtp, invite=invite)
        floor = self._floor(order)
        floor.started(
            InteractionStart(dial.interaction, time.time(), direction="outbound", number=order.number)
        )
        self._log(dial, InteractionEventType.DIALED, reason="outbound")
        if order.contact_id is not None:  # whoever the number names, the record is the callback's
            floor.interactions.link(dial.interaction, order.contact_id)
        self.legs.place(
            dial.customer, self._events(dial, self._customer_answered, self._customer_gone), trunk
        )

    def _customer_answered(self, dial: CallbackDial, leg: Leg) -> None:
        """The customer took the call: the two are bridged, and the callback is done."""
        if dial.over or dial.agent_leg is None:
            self.legs.hang_up(leg)
            return
        self._disarm(dial)
        dial.answered_at = time.time()
        dial.bridge = MediaBridge(dial.agent_leg.rtp, leg.rtp)
        dial.bridge.start()
        log.info(
            "callback %s: %s answered agent %s", dial.order.callback_id, dial.order.number, dial.order.agent
        )
        self._write(dial, ANSWERED)

    def _agent_gone(self, dial: CallbackDial, leg: Leg, status: int | None = None) -> None:
        """The agent's phone refused, rang out or hung up: the try ends (the conversation, if any)."""
        self._end(dial, ANSWERED if dial.answered_at is not None else self._given_up(dial))

    def _customer_gone(self, dial: CallbackDial, leg: Leg, status: int | None = None) -> None:
        """The customer refused (``status``) or hung up after answering."""
        self._end(dial, ANSWERED if status is None else outcome_of(status).value)

    def _rang_out(self, dial: CallbackDial) -> None:
        """Nobody answered in time: the agent's phone, or the customer (``no_answer``)."""
        if not dial.over and dial.answered_at is None:
            self._end(dial, "no_answer" if dial.customer is not None else None)

    def _events(
        self, dial: CallbackDial, answered: Callable[..., None], gone: Callable[..., None]
    ) -> LegEvents:
        return LegEvents(
            functools.partial(answered, dial), functools.partial(gone, dial), functools.partial(gone, dial)
        )

    # -- the end -------------------------------------------------------------------------------

    @staticmethod
    def _given_up(dial: CallbackDial) -> str | None:
        if dial.answered_at is not None:
            return ANSWERED
        return CANCELLED if dial.customer is not None else None

    def _end(self, dial: CallbackDial, outcome: str | None) -> None:
        """Both legs hung up, the media stopped, the attempt logged and written, the agent given back."""
        if dial.over:
            return
        dial.over, dial.outcome = True, outcome
        self.dials.pop((dial.order.tenant_id, dial.order.callback_id), None)
        self._disarm(dial)
        if dial.bridge is not None:
            dial.bridge.stop()
        for leg in (dial.agent_leg, dial.customer):
            if leg is not None:
                self.legs.hang_up(leg)
        if dial.customer is not None:  # the customer was rung: an outbound interaction ends
            talk_s = time.time() - dial.answered_at if dial.answered_at is not None else 0.0
            self._log(dial, InteractionEventType.OUTBOUND_ENDED, reason=outcome or CANCELLED, talk_s=talk_s)
            self._write(dial, None if outcome == ANSWERED else outcome or CANCELLED)
        self._give_back(dial)
        log.info("callback %s: the try ends (%s)", dial.order.callback_id, outcome or "not dialed")

    def _write(self, dial: CallbackDial, outcome: str | None) -> None:
        """Count the attempt (``outcome``; None: already counted), off the loop."""
        sessions = self.sessions
        if sessions is None or outcome is None:
            return
        order, now = dial.order, self.clock()

        def work() -> None:
            with sessions.begin() as session:
                CallbackBook(session, order.tenant_id).attempted(order.callback_id, outcome, now=now)

        spawn(asyncio.to_thread(work))

    # -- the floor -----------------------------------------------------------------------------

    def _hold_offers(self, dial: CallbackDial) -> None:
        """No call is offered to an agent calling back: paused ``callback`` until the try ends."""
        floor = self._floor(dial.order)
        record = floor.floor.acd.agents[dial.order.agent]
        dial.restore = (record.state, record.reason)
        try:
            floor.apply(AgentPaused(dial.order.agent, CALLBACK))
        except AcdError as exc:
            log.info("agent %s could not be paused for a callback: %s", dial.order.agent, exc)
            dial.restore = None

    def _give_back(self, dial: CallbackDial) -> None:
        """The agent's state before the try, unless they (or a supervisor) changed it meanwhile."""
        if dial.restore is None:
            return
        floor, agent = self._floor(dial.order), dial.order.agent
        record = floor.floor.acd.agents.get(agent)
        if record is None or CALLBACK not in (record.reason, record.pending_pause):
            return
        state, reason = dial.restore
        floor.handle(
            AgentPaused(agent, reason) if state is AgentState.PAUSED and reason else AgentReady(agent)
        )

    def _log(
        self, dial: CallbackDial, type_: InteractionEventType, reason: str, talk_s: float | None = None
    ) -> None:
        entry = LogEntry(
            time.time(), type_, dial.interaction, agent=dial.order.agent, channel=Channel.CALL,
            talk_s=talk_s, reason=reason,
        )  # fmt: skip
        self._floor(dial.order).record(entry)

    def _floor(self, order: CallbackOrder) -> DialFloor:
        return self.endpoint.floor(order.tenant_id)

    def _arm(self, dial: CallbackDial) -> None:
        self._disarm(dial)
        dial.timer = asyncio.get_running_loop().call_later(self.ring_timeout_s, self._rang_out, dial)

    @staticmethod
    def _disarm(dial: CallbackDial) -> None:
        if dial.timer is not None:
            dial.timer.cancel()
            dial.timer = None
