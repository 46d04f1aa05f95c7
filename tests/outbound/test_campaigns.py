"""Campaigns by name: created with checked settings, found within their tenant only."""

import pytest
from sqlalchemy.orm import Session, sessionmaker

from callfloor.outbound import CampaignError, DuplicateCampaignError, UnknownCampaignError
from callfloor.outbound.campaigns import Campaigns
from callfloor.storage.models import Queue
from callfloor.storage.platform import Platform


def test_create_find_and_refuse(sessions: sessionmaker[Session]) -> None:
    with sessions() as session, session.begin():
        platform = Platform(session)
        acme, globex = platform.create_tenant("acme", "Acme"), platform.create_tenant("globex", "Globex")
        session.add(Queue(tenant_id=acme.id, name="sortant"))
        mine, theirs = Campaigns(session, acme.id), Campaigns(session, globex.id)
        made = mine.create(
            " Relance devis ", "quote_followup", "predictive", queue="sortant", caller_id="+33140000000",
            target_drop_rate=0.02, retry_rules={"no_answer": {"after_s": 7200, "max": 5}},
        )  # fmt: skip
        assert (made.name, made.mode, made.country, made.b2b, made.amd, made.active) == (
            "Relance devis", "predictive", "FR", False, False, True
        )  # fmt: skip
        assert made.queue_id is not None and mine.require("Relance devis").id == made.id
        assert theirs.get("Relance devis") is None
        with pytest.raises(UnknownCampaignError):
            theirs.require("Relance devis")
        with pytest.raises(DuplicateCampaignError):
            mine.create("Relance devis", "survey")
        for bad in (
            {"type_": "spam"},
            {"mode": "manual"},
            {"country": "DE"},
            {"target_drop_rate": 1.5},
            {"power_ratio": 0.5},
            {"colour": "blue"},
            {"queue": "nulle-part"},
            {"name": ""},
        ):
            arguments = {"name": "x", "type_": "survey", **bad}
            with pytest.raises(CampaignError) as refused:
                mine.create(**arguments)  # type: ignore[arg-type]
            assert refused.value.en and refused.value.fr
        assert [c.name for c in mine.repository.ordered()] == ["Relance devis"]
        session.rollback()
