"""Turning an outbound run into the JSON object and the tables ``callfloor simulate`` prints.

The JSON keys are an interface scripts rely on (add, never rename): the headline figures at the
top level (``attempts``, ``contacts``, ``drops``, ``drop_rate``, ``occupancy``,
``attempts_per_agent_per_day``...), then ``outcomes`` (attempts by outcome), ``agent_state_s``
(agent seconds by state) and ``leads`` (the contact list's leads by status at the end).
Definitions: the drop rate is over the calls a person answered (16 CFR 310.4(b)(4)(i));
occupancy is (talking + wrap-up) / time ready for the campaign's calls, as on the inbound floor;
the conversion rate is "sale" dispositions over contacts.
"""

import math
from typing import Any

from callfloor.core.dialer.model import Outcome
from callfloor.sim.outbound import OutboundResult

ROWS: list[tuple[str, str]] = [
    ("attempts", "Attempts / Appels émis"),
    ("contacts", "Contacts (person with an agent) / Contacts argumentés"),
    ("drops", "Drops (no agent within 2 s) / Appels abandonnés (2 s)"),
    ("drop_rate", "Drop rate / Taux d'abandon"),
    ("machines", "Answering machines / Répondeurs"),
    ("occupancy", "Agent occupancy / Taux d'occupation"),
    ("attempts_per_agent_per_day", "Attempts per agent per day / Appels par conseiller par jour"),
    ("contacts_per_agent_per_hour", "Contacts per agent per hour / Contacts par conseiller par heure"),
    ("conversions", "Conversions / Ventes"),
    ("conversion_rate", "Conversion rate / Taux de transformation"),
]
RATES = frozenset({"drop_rate", "occupancy", "conversion_rate"})

OUTCOME_LABELS: dict[str, str] = {
    Outcome.ANSWERED: "Conversation / Conversation",
    Outcome.NO_ANSWER: "No answer / Pas de réponse",
    Outcome.BUSY: "Busy / Occupé",
    Outcome.MACHINE: "Answering machine / Répondeur",
    Outcome.DROPPED: "Dropped / Abandonné",
    Outcome.FAILED: "Failed / Échec réseau",
    Outcome.INVALID: "Invalid number / Numéro invalide",
    Outcome.BLOCKED: "Blocked by a rule / Bloqué par une règle",
}

DEFINITIONS = (
    "drop rate: drops / calls answered by a person (16 CFR 310.4(b)(4)(i)); occupancy: "
    "(talk + wrap-up) / (ready + reserved + talk + wrap-up)\n"
    "taux d'abandon : abandons / appels décrochés par une personne ; occupation : "
    "(conversation + post-appel) / temps disponible"
)


def headline(result: OutboundResult) -> dict[str, Any]:
    """The headline figures by key (a rate is None when it has no denominator)."""
    f = result.figures
    return {
        "attempts": f.attempts,
        "person_answered": f.person_answered,
        "contacts": f.contacts,
        "drops": f.drops,
        "drop_rate": f.drop_rate if f.person_answered else None,
        "machines": f.outcomes.get(Outcome.MACHINE, 0),
        "occupancy": f.occupancy,
        "attempts_per_agent_per_day": result.attempts_per_agent_per_day,
        "contacts_per_agent_per_hour": result.contacts_per_agent_per_hour,
        "conversions": f.conversions,
        "conversion_rate": result.conversion_rate if f.contacts else None,
    }


def _clean(value: Any) -> Any:
    # Rounded so that output is readable and diffable; NaN never reaches JSON.
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 6)
    return value


def as_json(result: OutboundResult, *, seed: int) -> dict[str, Any]:
    """The report as one JSON-ready object."""
    f = result.figures
    return {
        "kind": "outbound",
        "mode": str(result.mode),
        **{k: _clean(v) for k, v in headline(result).items()},
        "talk_s_mean": _clean(f.talk_s / f.contacts) if f.contacts else None,
        "outcomes": dict(f.outcomes),
        "agent_state_s": {k: _clean(v) for k, v in f.state_s.items()},
        "leads": result.lead_progress,
        "agents": result.agents,
        "duration_hours": result.duration_hours,
        "seed": seed,
        "days": result.days,
    }


def rows(result: OutboundResult) -> list[tuple[str, str]]:
    """Label and formatted value of each headline figure."""
    values = headline(result)
    out = []
    for key, label in ROWS:
        value = values[key]
        if value is None:
            text = "—"
        elif key in RATES:
            text = f"{100 * float(value):.1f} %"
        elif isinstance(value, float):
            text = f"{value:.1f}"
        else:
            text = str(value)
        out.append((label, text))
    return out


def outcome_rows(result: OutboundResult) -> list[tuple[str, str, str]]:
    """Each outcome seen: label, count, share of the attempts."""
    outcomes = result.figures.outcomes
    total = sum(outcomes.values())
    return [
        (OUTCOME_LABELS.get(name, name), str(count), f"{100 * count / total:.1f} %")
        for name, count in sorted(outcomes.items(), key=lambda item: (-item[1], item[0]))
    ]
