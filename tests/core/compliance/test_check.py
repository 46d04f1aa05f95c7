"""check_attempt and check_campaign: real dates, every rule together, and the earliest time to call."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from callfloor.core.compliance import InvalidFacts
from callfloor.core.compliance.check import check_attempt, check_campaign
from callfloor.core.compliance.model import (
    CampaignFacts,
    ConsentFacts,
    History,
    ListCounts,
    Outcome,
    Purpose,
    Target,
    Verdict,
)
from callfloor.core.compliance.profiles import FR, US
from callfloor.core.compliance.rules import ATTEMPT_KINDS, Profile
from tests.core.compliance.facts import (
    CONSUMER,
    PROSPECTING,
    US_CONSUMER_LA,
    US_CONSUMER_NY,
    US_PROSPECTING,
    campaign,
    consent,
    paris,
    target,
)

HOURS, HOLIDAYS = "fr.decret-2022-1313.hours", "fr.decret-2022-1313.holidays"
ATTEMPTS, REFUSAL = "fr.decret-2022-1313.attempts", "fr.decret-2022-1313.refusal"
CONSENT, DNC = "fr.loi-2025-594.consent", "fr.code-conso-l223-1.opposition"
CALLER_ID = "fr.arcep-2022-1583.caller-id"
REUNION = target(number="+262262123456", zone="Indian/Reunion", subdivision="974")
ALSACE = target(number="+33388123456", subdivision="Alsace-Moselle")
MARTINIQUE = target(number="+596596123456", zone="America/Martinique", subdivision="972")
NO_CONSENT = target(consent=None)
FORT_DE_FRANCE = ZoneInfo("America/Martinique")


def fr(now: datetime, who: Target = CONSUMER, history: History | None = None, **settings: object) -> Verdict:
    return check_attempt(FR, campaign(**settings), who, history or History(), now)


def outcome(verdict: Verdict, rule_id: str) -> Outcome:
    return next(d.outcome for d in verdict.decisions if d.rule_id == rule_id)


def blocking(verdict: Verdict) -> set[str]:
    return {d.rule_id for d in verdict.blocking}


# -- hours, lunch, evenings, week-ends, holidays ----------------------------------------------


@pytest.mark.parametrize(
    ("now", "who", "not_before", "blocked_by"),
    [
        (paris(2026, 7, 17, 19, 59), CONSUMER, paris(2026, 7, 17, 19, 59), set()),  # Friday, in hours
        (paris(2026, 7, 17, 20, 0), CONSUMER, paris(2026, 7, 20, 10), {HOURS}),  # Friday evening → Monday
        (paris(2026, 7, 18, 11, 0), CONSUMER, paris(2026, 7, 20, 10), {HOURS}),  # Saturday
        (paris(2026, 7, 15, 12, 59), CONSUMER, paris(2026, 7, 15, 12, 59), set()),
        (paris(2026, 7, 15, 13, 0), CONSUMER, paris(2026, 7, 15, 14), {HOURS}),  # lunch break
        (paris(2026, 7, 15, 9, 59), CONSUMER, paris(2026, 7, 15, 10), {HOURS}),
        (paris(2026, 7, 14, 11, 0), CONSUMER, paris(2026, 7, 15, 10), {HOLIDAYS}),  # Tuesday 14 July
        (paris(2026, 7, 13, 20, 30), CONSUMER, paris(2026, 7, 15, 10), {HOURS}),  # evening, then the holiday
        (paris(2026, 4, 3, 11, 0), CONSUMER, paris(2026, 4, 3, 11), set()),  # Good Friday, in Paris
        # …a holiday in Moselle, and Easter Monday follows the week-end
        (paris(2026, 4, 3, 11, 0), ALSACE, paris(2026, 4, 7, 10), {HOLIDAYS}),
        (paris(2025, 12, 26, 11, 0), ALSACE, paris(2025, 12, 29, 10), {HOLIDAYS}),  # Saint-Étienne
        (paris(2025, 12, 26, 11, 0), CONSUMER, paris(2025, 12, 26, 11), set()),
    ],
)
def test_calling_hours_and_holidays(
    now: datetime, who: Target, not_before: datetime, blocked_by: set[str]
) -> None:
    verdict = fr(now, who)
    assert verdict.allowed is (not blocked_by)
    assert verdict.not_before == not_before
    assert blocking(verdict) == blocked_by


@pytest.mark.parametrize(
    ("now", "reunion_allowed", "reunion_not_before", "paris_not_before"),
    [
        # 09:30 in Paris is 11:30 in La Réunion in summer (UTC+2 / UTC+4)…
        (paris(2026, 7, 15, 9, 30), True, paris(2026, 7, 15, 9, 30), paris(2026, 7, 15, 10)),
        # …and 12:30 in winter (UTC+1 / UTC+4).
        (paris(2026, 1, 14, 9, 30), True, paris(2026, 1, 14, 9, 30), paris(2026, 1, 14, 10)),
        # 10:30 in Paris in winter is the Réunion lunch break: 14:00 there is 11:00 in Paris.
        (paris(2026, 1, 14, 10, 30), False, paris(2026, 1, 14, 11), paris(2026, 1, 14, 10, 30)),
        # 17:30 in Paris in summer is 19:30 there; 18:00 is their 20:00: next morning, 08:00 in Paris.
        (paris(2026, 7, 15, 18, 0), False, paris(2026, 7, 16, 8), paris(2026, 7, 15, 18)),
    ],
)
def test_the_hours_are_the_callees(
    now: datetime, reunion_allowed: bool, reunion_not_before: datetime, paris_not_before: datetime
) -> None:
    reunion = fr(now, REUNION)
    assert reunion.allowed is reunion_allowed
    assert reunion.not_before == reunion_not_before
    assert fr(now).not_before == paris_not_before


def test_an_overseas_holiday_is_the_callees_own() -> None:
    martinique = datetime(2026, 5, 22, 11, tzinfo=FORT_DE_FRANCE)  # abolition day, then Whit Monday
    verdict = fr(martinique, MARTINIQUE)
    assert blocking(verdict) == {HOLIDAYS}
    assert verdict.not_before == datetime(2026, 5, 26, 10, tzinfo=FORT_DE_FRANCE)
    assert fr(paris(2026, 5, 22, 11)).allowed


# -- the attempt cap and the refusal cool-down ------------------------------------------------


def test_a_fifth_attempt_waits_for_the_oldest_to_leave_the_window() -> None:
    history = History(attempts=tuple(paris(2026, 7, day, 10) for day in (6, 7, 8, 9)))
    verdict = fr(paris(2026, 7, 10, 11), history=history)
    assert blocking(verdict) == {ATTEMPTS}
    assert verdict.not_before == paris(2026, 8, 5, 10)  # 6 July 10:00 + 30 days, a Wednesday
    assert fr(paris(2026, 8, 5, 10), history=history).allowed
    assert not fr(paris(2026, 8, 5, 9, 59), history=history).allowed


def test_a_window_sliding_into_a_weekend_waits_for_monday() -> None:
    attempts = (paris(2026, 7, 2, 15), paris(2026, 7, 3, 15), paris(2026, 7, 6, 15), paris(2026, 7, 7, 15))
    verdict = fr(paris(2026, 7, 8, 11), history=History(attempts=attempts))
    assert verdict.not_before == paris(2026, 8, 3, 10)  # 2 July + 30 days is Saturday 1 August


def test_attempts_older_than_the_window_do_not_count() -> None:
    history = History(attempts=tuple(paris(2026, 6, day, 10) for day in (1, 2, 3, 4, 5)))
    assert fr(paris(2026, 7, 10, 11), history=history).allowed


@pytest.mark.parametrize(
    ("refused", "now", "not_before"),
    [
        (paris(2025, 3, 3, 15), paris(2025, 3, 4, 11), paris(2025, 5, 2, 15)),  # 60 days, a Friday
        (paris(2026, 5, 15, 11), paris(2026, 6, 1, 11), paris(2026, 7, 15, 10)),  # …ends on 14 July
        (paris(2025, 3, 3, 15), paris(2025, 5, 2, 15), paris(2025, 5, 2, 15)),  # the very end: allowed
    ],
)
def test_no_call_for_sixty_days_after_a_refusal(
    refused: datetime, now: datetime, not_before: datetime
) -> None:
    verdict = fr(now, history=History(refused_at=refused))
    assert verdict.not_before == not_before
    assert verdict.allowed is (now == not_before)


# -- consent (loi 2025-594), exemptions, the do-not-call list ---------------------------------


def test_consent_is_required_from_11_august_2026() -> None:
    assert fr(paris(2026, 8, 10, 11), NO_CONSENT).allowed
    after = fr(paris(2026, 8, 11, 11), NO_CONSENT)
    assert (after.allowed, after.not_before, blocking(after)) == (False, None, {CONSENT})
    assert outcome(fr(paris(2026, 8, 10, 11), NO_CONSENT), CONSENT) is Outcome.NOT_APPLICABLE


def test_a_deferral_into_the_consent_regime_is_never_without_consent() -> None:
    verdict = fr(paris(2026, 8, 10, 20), NO_CONSENT)  # deferred to Tuesday 11 August, 10:00
    assert blocking(verdict) == {HOURS}
    assert verdict.not_before is None
    assert any(d.rule_id == CONSENT and d.outcome is Outcome.BLOCKED for d in verdict.later)


@pytest.mark.parametrize(
    ("revoked", "allowed"),
    [(paris(2026, 9, 1, 18), False), (paris(2026, 9, 2, 11), False), (paris(2026, 9, 3, 9), True)],
)
def test_a_revocation_wins_from_its_date(revoked: datetime, allowed: bool) -> None:
    who = target(consent=consent(paris(2026, 5, 4, 12), revoked=revoked))
    verdict = fr(paris(2026, 9, 2, 11), who)
    assert verdict.allowed is allowed
    assert verdict.not_before == (paris(2026, 9, 2, 11) if allowed else None)


def test_a_consent_given_later_today_defers_to_it() -> None:
    who = target(consent=consent(paris(2026, 9, 2, 15, 30)))
    verdict = fr(paris(2026, 9, 2, 11), who)
    assert (blocking(verdict), verdict.not_before) == ({CONSENT}, paris(2026, 9, 2, 15, 30))


def test_a_consent_without_proof_counts_for_nothing() -> None:
    who = target(consent=consent(paris(2026, 5, 4, 12), proof="  "))
    assert blocking(fr(paris(2026, 9, 2, 11), who)) == {CONSENT}


def test_existing_customers_are_exempt_from_consent_only_with_the_setting() -> None:
    customer = target(consent=None, existing_customer=True)
    exempt = fr(paris(2026, 9, 2, 11), customer, existing_customer_exempt=True)
    assert exempt.allowed
    assert outcome(exempt, CONSENT) is Outcome.EXEMPT
    assert outcome(exempt, HOURS) is Outcome.PASSED  # the decree still applies to customers
    assert blocking(fr(paris(2026, 9, 5, 11), customer, existing_customer_exempt=True)) == {HOURS}
    assert blocking(fr(paris(2026, 9, 2, 11), customer)) == {CONSENT}


def test_b2b_calls_are_exempt_from_the_consumer_rules_only_with_the_setting() -> None:
    professional = target(consent=None, b2b=True)
    saturday = paris(2026, 9, 5, 11)
    exempt = fr(saturday, professional, b2b_exempt=True)
    assert exempt.allowed
    assert {d.rule_id for d in exempt.decisions if d.outcome is Outcome.EXEMPT} == {
        HOURS, HOLIDAYS, ATTEMPTS, REFUSAL, CONSENT,
    }  # fmt: skip
    assert outcome(exempt, CALLER_ID) is Outcome.PASSED
    assert blocking(fr(saturday, professional)) == {HOURS, CONSENT}
    on_dnc = fr(saturday, target(consent=None, b2b=True, on_dnc=True), b2b_exempt=True)
    assert (blocking(on_dnc), on_dnc.not_before) == ({DNC}, None)


@pytest.mark.parametrize(
    ("purpose", "allowed"),
    [
        (Purpose.PROSPECTING, False),
        (Purpose.QUOTE_FOLLOWUP, False),
        (Purpose.SURVEY, False),
        (Purpose.POLL, False),
        (Purpose.COLLECTION, True),
        (Purpose.REMINDER, True),
    ],
)
def test_the_do_not_call_list_blocks_canvassing_and_surveys(purpose: Purpose, allowed: bool) -> None:
    verdict = fr(paris(2025, 3, 4, 11), target(on_dnc=True), purpose=purpose)
    assert verdict.allowed is allowed
    assert (DNC in blocking(verdict)) is not allowed


def test_surveys_are_not_canvassing_but_their_caller_id_is_checked() -> None:
    saturday_night = paris(2026, 9, 5, 22)
    survey = fr(saturday_night, NO_CONSENT, purpose=Purpose.SURVEY)
    assert survey.allowed
    assert outcome(survey, HOURS) is Outcome.NOT_APPLICABLE
    mobile = fr(saturday_night, NO_CONSENT, purpose=Purpose.SURVEY, caller_id="+33612345678")
    assert (blocking(mobile), mobile.not_before) == ({CALLER_ID}, None)


@pytest.mark.parametrize(
    ("caller_id", "automated", "allowed"),
    [
        ("+33162123456", True, True),
        ("+33948123456", True, True),
        ("+33800123456", True, True),
        ("+33612345678", True, False),
        ("+33756123456", True, False),
        ("+33612345678", False, False),
        ("+33145678900", True, False),
        ("+33145678900", False, True),
        ("+33899123456", False, False),
    ],
)
def test_the_caller_id_blocks_every_attempt(caller_id: str, automated: bool, allowed: bool) -> None:
    verdict = fr(paris(2026, 7, 15, 11), caller_id=caller_id, automated=automated)
    assert verdict.allowed is allowed
    assert (CALLER_ID in blocking(verdict)) is not allowed


# -- the US profile -----------------------------------------------------------------------------


def utc(day: int, hour: int, minute: int = 0, month: int = 7) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "who", "not_before"),
    [
        (utc(15, 12), US_CONSUMER_NY, utc(15, 12)),  # 08:00 in New York
        (utc(15, 12), US_CONSUMER_LA, utc(15, 15)),  # 05:00 in Los Angeles, until 08:00 there
        (utc(16, 1, 30), US_CONSUMER_NY, utc(16, 12)),  # 21:30 in New York, until 08:00
        (utc(16, 1, 30), US_CONSUMER_LA, utc(16, 1, 30)),  # 18:30 in Los Angeles
        (utc(4, 14), US_CONSUMER_NY, utc(4, 14)),  # Saturday 4 July: no holiday rule in the TSR
    ],
)
def test_us_hours_are_8_to_21_on_the_callees_clock(now: datetime, who: Target, not_before: datetime) -> None:
    verdict = check_attempt(US, US_PROSPECTING, who, History(), now)
    assert verdict.not_before == not_before
    assert verdict.allowed is (now == not_before)
    assert blocking(verdict) <= {"us.tsr.hours"}


def test_us_collection_has_its_hours_and_surveys_none() -> None:
    night = datetime(2026, 7, 16, 3, tzinfo=UTC)  # 23:00 in New York
    collection = campaign(profile="US", purpose=Purpose.COLLECTION)
    assert blocking(check_attempt(US, collection, US_CONSUMER_NY, History(), night)) == {"us.fdcpa.hours"}
    survey = check_attempt(
        US, campaign(profile="US", purpose=Purpose.SURVEY), US_CONSUMER_NY, History(), night
    )
    assert survey.allowed


def test_us_national_dnc() -> None:
    verdict = check_attempt(US, US_PROSPECTING, Target("+12125551234", "America/New_York", "US", on_dnc=True),
                            History(), datetime(2026, 7, 15, 16, tzinfo=UTC))  # fmt: skip
    assert (blocking(verdict), verdict.not_before) == ({"us.tsr.dnc"}, None)


# -- the verdict's shape, and bad facts --------------------------------------------------------


def test_one_decision_per_attempt_rule_with_both_reasons() -> None:
    verdict = fr(paris(2026, 7, 17, 20))
    assert [d.rule_id for d in verdict.decisions] == [r.rule_id for r in FR.rules if r.kind in ATTEMPT_KINDS]
    assert all(d.reason_fr and d.reason_en for d in verdict.decisions)
    deferred = next(d for d in verdict.decisions if d.outcome is Outcome.DEFERRED)
    assert "lundi 20/07/2026 10:00 (Europe/Paris)" in deferred.reason_fr
    assert "Monday 2026-07-20 10:00 (Europe/Paris)" in deferred.reason_en


def test_bad_facts_are_refused() -> None:
    with pytest.raises(InvalidFacts, match="profile 'US'"):
        check_attempt(FR, US_PROSPECTING, CONSUMER, History(), paris(2026, 7, 15, 11))
    with pytest.raises(InvalidFacts, match="naive"):
        check_attempt(FR, PROSPECTING, CONSUMER, History(), datetime(2026, 7, 15, 11))
    with pytest.raises(InvalidFacts, match="IANA"):
        target(zone="Europe/Nowhere")
    with pytest.raises(InvalidFacts, match="holidays"):
        fr(paris(2026, 7, 15, 11), target(country="XX"))
    with pytest.raises(InvalidFacts, match="naive"):
        History(attempts=(datetime(2026, 7, 1),))


# -- check_campaign -------------------------------------------------------------------------------

AFTER, BEFORE = paris(2026, 9, 1, 9), paris(2026, 8, 1, 9)


@pytest.mark.parametrize(
    ("counts", "settings", "now", "expected"),
    [
        (ListCounts(none=500), {}, AFTER, Outcome.BLOCKED),
        (ListCounts(consent=1, none=499), {}, AFTER, Outcome.PASSED),
        (ListCounts(contract=500), {}, AFTER, Outcome.BLOCKED),
        (ListCounts(contract=500), {"existing_customer_exempt": True}, AFTER, Outcome.PASSED),
        (ListCounts(professional=500), {}, AFTER, Outcome.BLOCKED),
        (ListCounts(professional=500), {"b2b_exempt": True}, AFTER, Outcome.PASSED),
        (ListCounts(none=500), {}, BEFORE, Outcome.NOT_APPLICABLE),
        (ListCounts(none=500), {}, None, Outcome.BLOCKED),  # configured ahead: the coming rule counts
        (ListCounts(none=500), {"purpose": Purpose.SURVEY}, AFTER, Outcome.NOT_APPLICABLE),
        (ListCounts(), {}, AFTER, Outcome.PASSED),
    ],
)
def test_campaigns_on_lists_without_consent_are_refused(
    counts: ListCounts, settings: dict[str, object], now: datetime | None, expected: Outcome
) -> None:
    decisions = check_campaign(FR, campaign(**settings), now, counts)
    assert [d.rule_id for d in decisions] == [CONSENT, CALLER_ID]  # the profile's order
    assert decisions[0].outcome is expected


def test_the_list_refusal_says_why() -> None:
    refused = check_campaign(FR, PROSPECTING, AFTER, ListCounts(none=500))[0]
    assert "aucun des 500 contacts" in refused.reason_fr
    assert "none of its 500 contacts" in refused.reason_en
    partial = check_campaign(FR, PROSPECTING, AFTER, ListCounts(consent=300, none=200))[0]
    assert "300 contact(s) sur 500" in partial.reason_fr
    assert "200 without consent will be blocked" in partial.reason_en


@pytest.mark.parametrize(
    ("caller_id", "expected"),
    [("+33162123456", Outcome.PASSED), ("+33612345678", Outcome.BLOCKED), ("+33756123456", Outcome.BLOCKED)],
)
def test_campaign_caller_id(caller_id: str, expected: Outcome) -> None:
    (decision,) = check_campaign(FR, campaign(caller_id=caller_id), AFTER)
    assert (decision.rule_id, decision.outcome) == (CALLER_ID, expected)


def test_a_caller_id_plan_comes_into_force() -> None:
    (decision,) = check_campaign(FR, campaign(caller_id="+33612345678"), paris(2022, 12, 1, 9))
    assert decision.outcome is Outcome.NOT_APPLICABLE
    assert "01/01/2023" in decision.reason_fr


def test_us_campaign() -> None:
    assert [d.outcome for d in check_campaign(US, US_PROSPECTING)] == [Outcome.PASSED]
    survey = check_campaign(US, campaign(profile="US", purpose=Purpose.SURVEY, caller_id="+33612345678"))
    assert [d.outcome for d in survey] == [Outcome.NOT_APPLICABLE]


# -- properties -----------------------------------------------------------------------------------

ZONES = ("Europe/Paris", "Indian/Reunion", "America/Guadeloupe", "America/New_York", "America/Los_Angeles")
PLACES = (("FR", None), ("FR", "57"), ("FR", "974"), ("FR", "971"), ("US", None), ("US", "CA"))
#: Mostly allowed, so that most draws reach the interesting rules.
CALLER_IDS = {
    "FR": ("+33162123456", "+33948123456", "+33800123456", "+33270123456", "+33145678900"),
    "US": ("+12125550100", "+13105550100", "+16175550100", "+15555551234"),
}
CANVASSING = (Purpose.PROSPECTING, Purpose.QUOTE_FOLLOWUP)
rarely = st.sampled_from((False,) * 9 + (True,))
instants = st.datetimes(datetime(2025, 1, 1), datetime(2027, 12, 31), timezones=st.just(UTC))
days_back = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=90))


@st.composite
def situations(draw: st.DrawFn) -> tuple[Profile, CampaignFacts, Target, History, datetime]:
    now = draw(instants)
    profile = draw(st.sampled_from((FR, US)))
    settings = CampaignFacts(
        draw(st.sampled_from((*Purpose, *CANVASSING, *CANVASSING))),
        profile.name,
        draw(st.sampled_from(CALLER_IDS[profile.name])),
        b2b_exempt=draw(st.booleans()),
        existing_customer_exempt=draw(st.booleans()),
        automated=draw(st.booleans()),
    )
    agreement = None
    if not draw(rarely):
        given = now + draw(st.timedeltas(min_value=timedelta(days=-400), max_value=timedelta(days=20)))
        revoked = draw(st.none() | st.builds(lambda d: given + d, days_back)) if draw(rarely) else None
        agreement = ConsentFacts(given, "web", "" if draw(rarely) else "proof", revoked)
    country, subdivision = draw(st.sampled_from(PLACES))
    who = Target(
        "+33145678901", draw(st.sampled_from(ZONES)), country, subdivision, b2b=draw(st.booleans()),
        existing_customer=draw(st.booleans()), consent=agreement, on_dnc=draw(rarely),
    )  # fmt: skip
    recent = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=35))
    attempts = tuple(now - d for d in draw(st.lists(recent, max_size=7)))
    refused = draw(st.none() | st.builds(lambda d: now - d, days_back))
    return profile, settings, who, History(attempts, refused), now


@settings(max_examples=200, deadline=None)
@given(situations())
def test_not_before_is_never_early_and_allows_the_call(
    situation: tuple[Profile, CampaignFacts, Target, History, datetime],
) -> None:
    profile, setup, who, history, now = situation
    verdict = check_attempt(profile, setup, who, history, now)
    assert verdict.allowed is not bool(verdict.blocking)  # a refusal names its blocking rules
    assert {d.rule_id for d in (*verdict.decisions, *verdict.later)} <= profile.rule_ids
    for decision in verdict.decisions:
        assert (decision.outcome is Outcome.DEFERRED) is (decision.not_before is not None)
        assert decision.not_before is None or decision.not_before > now
    if verdict.allowed:
        assert verdict.not_before == now
    elif verdict.not_before is not None:
        assert verdict.not_before > now
        again = check_attempt(profile, setup, who, history, verdict.not_before)
        assert again.allowed
        assert again.decisions == verdict.later
    else:
        assert any(d.outcome is Outcome.BLOCKED for d in verdict.later)  # "never" comes with its reason
    event("allowed" if verdict.allowed else "later" if verdict.not_before else "never")


@settings(max_examples=100, deadline=None)
@given(
    instants,
    st.sampled_from(ZONES),
    st.sampled_from(PLACES[:4]),
    st.lists(days_back, max_size=8),
    st.booleans(),
)
def test_a_consenting_consumer_can_always_be_called_some_time(
    now: datetime, zone: str, place: tuple[str, str | None], back: list[timedelta], refused: bool
) -> None:
    history = History(tuple(now - d for d in back), now - back[0] if refused and back else None)
    who = target(zone=zone, country=place[0], subdivision=place[1])
    verdict = fr(now, who, history)
    assert verdict.not_before is not None
    # At worst, the cool-down ends on the eve of a long holiday week-end.
    assert verdict.not_before - now <= timedelta(days=66)
    assert fr(verdict.not_before, who, history).allowed
