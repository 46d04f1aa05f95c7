"""The floor: the one object drivers talk to, composing the core's engines.

``handle(event, now)`` and ``on_deadline(now)`` return actions; ``next_deadline()`` says when to
call back. The live server and the simulator drive this same object, so a KPI seen in
``callfloor simulate`` and one seen on a live floor come from the same code. Today the floor is
the ACD plus a live KPI fold over its own log; the IVR and the dialer join it in their issues.
"""

from collections.abc import Callable, Iterable

from callfloor.core.acd.engine import Acd
from callfloor.core.acd.model import AgentProfile, QueueProfile
from callfloor.core.acd.strategies import RandomSource
from callfloor.core.actions import Action, Append
from callfloor.core.events import Event
from callfloor.core.log import LogEntry


class Floor:
    """One tenant's floor."""

    def __init__(
        self,
        queues: Iterable[QueueProfile],
        agents: Iterable[AgentProfile],
        rng: RandomSource,
        *,
        on_log: Callable[[LogEntry], None] | None = None,
        max_missed_offers: int = 3,
        default_aht_s: float = 180.0,
    ) -> None:
        self.acd = Acd(queues, agents, rng, max_missed_offers=max_missed_offers, default_aht_s=default_aht_s)
        self._on_log = on_log

    def handle(self, event: Event, now: float) -> list[Action]:
        """Apply one event at ``now``."""
        return self._logged(self.acd.handle(event, now))

    def next_deadline(self) -> float | None:
        """When :meth:`on_deadline` next has work, or None."""
        return self.acd.next_deadline()

    def on_deadline(self, now: float) -> list[Action]:
        """Fire what is due at ``now``."""
        return self._logged(self.acd.on_deadline(now))

    def _logged(self, actions: list[Action]) -> list[Action]:
        on_log = self._on_log
        if on_log is not None:
            for action in actions:
                if type(action) is Append:  # actions are never subclassed: cheaper than isinstance
                    on_log(action.entry)
        return actions
