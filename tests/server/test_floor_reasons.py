"""Every pause the floor puts an agent in on its own is one of the floor's labelled reasons, which
no tenant may offer as its own (a tenant's "outbound" would mix its agents' pauses with the floor's)."""

import pytest

from callfloor.center.schema import PauseReasonSpec
from callfloor.core.acd.pause_reasons import FLOOR_PAUSE_REASONS, FLOOR_REASONS
from callfloor.server.campaigns import CAMPAIGN_PAUSE
from callfloor.server.sip.callback_dials import CALLBACK
from callfloor.server.sip.calls import CONSULT
from callfloor.server.sip.ivr_transfers import DIRECT
from callfloor.server.sip.monitoring import MONITORING
from callfloor.server.sip.outbound import OUTBOUND


def test_the_reasons_the_server_pauses_agents_with_are_the_floors() -> None:
    assert {CAMPAIGN_PAUSE, CALLBACK, CONSULT, DIRECT, MONITORING, OUTBOUND} <= FLOOR_REASONS
    assert len(FLOOR_REASONS) == len(FLOOR_PAUSE_REASONS)
    assert all(reason.fr and reason.en and reason.fr != reason.code for reason in FLOOR_PAUSE_REASONS)


@pytest.mark.parametrize("code", sorted(FLOOR_REASONS))
def test_a_tenant_cannot_offer_a_floor_reason(code: str) -> None:
    with pytest.raises(ValueError, match=code):
        PauseReasonSpec.model_validate({"code": code, "label": {"fr": "x", "en": "x"}})
