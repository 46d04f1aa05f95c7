"""What a live campaign run needs from storage, read once when it starts.

The dialer's settings (mode, caller ID, drop target, machine handling, the *success*
dispositions that count as conversions: the tenant's dispositions marked ``success``, among the
campaign's own), the codes its agents may choose from (the campaign's list, else every code of
the tenant; ``do_not_call`` always, see :mod:`callfloor.outbound.opposition`), the longest
wrap-up (its queue's, else the server's default), its calling hours (its schedule, inside the
legal hours the compliance gate adds), and answering-machine detection.
"""

from dataclasses import dataclass

from sqlalchemy.orm import Session

from callfloor.core.compliance.profiles import BUILTIN
from callfloor.core.compliance.rules import RuleKind
from callfloor.core.dialer.settings import DialerSettings, DialingMode, MachineHandling
from callfloor.core.schedule.calendar import Schedule
from callfloor.core.schedule.config import parse_schedule
from callfloor.outbound.dispositions import campaign_codes
from callfloor.outbound.opposition import OBJECTIONS
from callfloor.storage.models import Queue
from callfloor.storage.outbound import Campaign


@dataclass(frozen=True, slots=True)
class RunSetup:
    """One campaign's run, as its stored settings say."""

    campaign_id: int
    settings: DialerSettings
    codes: frozenset[str]  # the dispositions its agents may give
    wrap_up_s: float  # the longest wrap-up before the agent is made ready again
    hours: Schedule | None  # None: whenever the legal hours allow
    amd: bool
    abandon_cap: bool  # the country's rules cap the abandon rate: checked while dialing


def dialer_settings(
    campaign: Campaign, trunk_caller_id: str, success: frozenset[str] = frozenset({"sale"})
) -> DialerSettings:
    """The dialer settings of a stored campaign (the caller ID: the campaign's, else the trunk's)."""
    return DialerSettings(
        mode=DialingMode(campaign.mode),
        caller_id=campaign.caller_id or trunk_caller_id,
        target_drop_rate=min(max(campaign.target_drop_rate, 0.001), 0.03),
        power_ratio=campaign.power_ratio,
        machine=MachineHandling.MESSAGE if campaign.machine_message else MachineHandling.HANGUP,
        success_dispositions=success,
    )


def run_setup(
    session: Session, campaign: Campaign, trunk_caller_id: str, default_wrap_up_s: float
) -> RunSetup:
    """The run of ``campaign`` (a tenant's, in ``session``)."""
    codes = campaign_codes(session, campaign)
    queue = session.get(Queue, campaign.queue_id) if campaign.queue_id is not None else None
    wrap_up_s = float(queue.wrap_up_s) if queue is not None and queue.wrap_up_s > 0 else default_wrap_up_s
    return RunSetup(
        campaign_id=campaign.id,
        settings=dialer_settings(campaign, trunk_caller_id, codes.success),
        codes=codes.offered | OBJECTIONS,
        wrap_up_s=wrap_up_s,
        hours=parse_schedule(campaign.schedule) if campaign.schedule else None,
        amd=campaign.amd,
        abandon_cap=bool(BUILTIN[campaign.country].of_kind(RuleKind.ABANDON_RATE_CAP)),
    )
