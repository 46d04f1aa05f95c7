"""A lead's life cycle: the moves allowed from each status, and the list's four-state view."""

import pytest

from callfloor.core.dialer.lifecycle import LeadStateError, LeadStatus, Move, check, list_view


@pytest.mark.parametrize("status", [LeadStatus.UNTOUCHED, LeadStatus.SCHEDULED, LeadStatus.CALLBACK])
def test_only_waiting_leads_are_handed_out(status: LeadStatus) -> None:
    check("a", status, Move.HAND_OUT)
    with pytest.raises(LeadStateError):
        check("a", status, Move.RECORD)


@pytest.mark.parametrize("status", [LeadStatus.IN_PROGRESS, LeadStatus.DONE, LeadStatus.EXHAUSTED])
def test_leads_in_progress_or_finished_are_not_handed_out(status: LeadStatus) -> None:
    with pytest.raises(LeadStateError) as caught:
        check("a", status, Move.HAND_OUT)
    assert (caught.value.lead_id, caught.value.status, caught.value.move) == ("a", status, Move.HAND_OUT)


def test_list_view_folds_waiting_statuses_into_in_progress() -> None:
    counts = {
        LeadStatus.UNTOUCHED: 5,
        LeadStatus.IN_PROGRESS: 1,
        LeadStatus.SCHEDULED: 2,
        LeadStatus.CALLBACK: 3,
        LeadStatus.DONE: 4,
        LeadStatus.EXHAUSTED: 6,
    }
    assert list_view(counts) == {"untouched": 5, "in_progress": 6, "done": 4, "exhausted": 6}
