"""The frozen dataclasses whose ``__init__`` is written out (for mypyc) take exactly their fields:
the same names, in the same order, with the same defaults, as the generated one would."""

from dataclasses import MISSING, fields
from typing import Any

import pytest

from callfloor.core.actions import Append, Bridge, CancelRing, Ring
from callfloor.core.config import Channel
from callfloor.core.events import (
    AgentAnswered,
    AgentHungUp,
    AgentLoggedIn,
    AgentLoggedOut,
    CallerHungUp,
    InteractionArrived,
)
from callfloor.core.log import InteractionEventType, LogEntry

ENTRY = LogEntry(1.5, InteractionEventType.ANSWERED)
#: Each class, with a value for every field (distinct from its default, where it has one).
SAMPLES: dict[type, dict[str, Any]] = {
    LogEntry: {
        "at": 1.5, "type": InteractionEventType.ANSWERED, "interaction": "i", "queue": "q", "agent": "a",
        "channel": Channel.CHAT, "priority": 3, "wait_s": 2.0, "talk_s": 4.0, "wrap_s": 5.0, "reason": "r",
        "hold_s": 6.0,
    },
    Ring: {"interaction": "i", "agent": "a", "channel": Channel.EMAIL},
    CancelRing: {"interaction": "i", "agent": "a"},
    Bridge: {"interaction": "i", "agent": "a"},
    Append: {"entry": ENTRY},
    AgentLoggedIn: {"agent": "a", "ready": False},
    AgentLoggedOut: {"agent": "a"},
    InteractionArrived: {"interaction": "i", "queue": "q", "channel": Channel.LETTER, "priority": 4},
    AgentAnswered: {"interaction": "i", "agent": "a"},
    CallerHungUp: {"interaction": "i"},
    AgentHungUp: {"interaction": "i"},
}  # fmt: skip


@pytest.mark.parametrize("cls", list(SAMPLES))
def test_init_takes_the_fields_in_order_with_their_defaults(cls: type) -> None:
    sample = SAMPLES[cls]
    names = [f.name for f in fields(cls)]
    assert list(sample) == names  # the sample covers every field, in order
    by_position = cls(*sample.values())
    assert {name: getattr(by_position, name) for name in names} == sample
    assert cls(**sample) == by_position
    required = {f.name: sample[f.name] for f in fields(cls) if f.default is MISSING}
    defaults = cls(**required)
    for field in fields(cls):
        if field.default is not MISSING:
            assert getattr(defaults, field.name) == field.default, field.name
            assert sample[field.name] != field.default, field.name  # the sample proves it is set
    with pytest.raises(TypeError):
        cls(*sample.values(), "one too many")
