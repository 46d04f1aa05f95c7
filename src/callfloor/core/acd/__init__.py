"""The ACD (automatic call distributor): queues, agents, and who takes which interaction.

``model`` holds the states and their transition tables and the profiles a floor is configured
with; ``strategies`` how a queue orders its ready agents; ``router`` the indexes that make one
routing decision cost O(log n) instead of a scan; ``engine`` the life cycle of interactions and
agents, driven by events and deadlines.

Errors: :class:`AcdError` (from :class:`callfloor.core.CoreError`) is the root;
:class:`IllegalTransitionError` names a state change the tables forbid and :class:`UnknownObjectError`
an agent, queue or interaction the floor does not know. The engine checks before it mutates, so
after any of these errors its state is as it was.
"""

from callfloor.core import CoreError


class AcdError(CoreError):
    """Root of the ACD's errors."""


class IllegalTransitionError(AcdError):
    """An event asked for a state change the transition table forbids."""


class UnknownObjectError(AcdError):
    """An event names an agent, queue or interaction the floor does not know."""
