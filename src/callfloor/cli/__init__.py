"""The ``callfloor`` command: up, serve, migrate, import, export, user add, staff, simulate,
recordings purge, crm import, crm export, ivr check, ivr walk, import-list, import-dnc,
import-consents, compliance check, compliance audit, survey-results, quote-followup, campaign-results.

Each command parses its options, calls into the packages and prints; no logic of its own.
One module per family of commands; importing them registers them on :data:`app`.
"""

from callfloor.cli import (
    campaign_results,
    center,
    compliance,
    crm,
    ivr,
    outbound,
    recordings,
    simulate,
    staff,
    surveys,
)
from callfloor.cli.base import app

__all__ = [
    "app", "campaign_results", "center", "compliance", "crm", "ivr", "main", "outbound", "recordings",
    "simulate", "staff", "surveys",
]  # fmt: skip


def main() -> None:
    """Console-script entry point."""
    app()
