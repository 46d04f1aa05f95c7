"""Staffing: how many agents a queue needs, from queueing theory, sans I/O.

What belongs here is the planner's arithmetic and nothing else: Erlang B, Erlang C (M/M/n)
and Erlang A (M/M/n+M, Palm's model with impatient callers) in :mod:`.erlang`, and the parsing
of a forecast and a service-level target given as text in :mod:`.forecast`. Reading the
forecast file, printing tables and choosing the interval length are the CLI's job; a
simulated day (``callfloor.sim``) is how to check these numbers against a floor with real
routing, which the formulas idealise as one queue and interchangeable agents.

Errors, all rooted in :class:`StaffingError`:

- :class:`InvalidParameterError`: a number outside its domain (negative handle time, shrinkage ≥ 1,
  a service-level target outside (0, 1) or not written like ``80/20``, …);
- :class:`TargetUnreachableError`: the figures are out of reach: no head count up to the search
  limit meets the target, or an Erlang A queue too long to sum (a mean patience vastly longer
  than the handle time on a floor with far too few agents);
- :class:`ForecastError`: one forecast row that does not parse; it carries the line number
  (1-based) so that the caller can name it and go on with the other rows.
"""

from callfloor.core import CoreError


class StaffingError(CoreError):
    """Root of the staffing exceptions."""


class InvalidParameterError(StaffingError):
    """A staffing input outside its domain; the message names the parameter."""


class TargetUnreachableError(StaffingError):
    """No number of agents up to the search limit meets the target, or the queue is too long to sum."""


class ForecastError(StaffingError):
    """A forecast row that does not parse; ``line`` is 1-based (0: no line to name)."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(f"line {line}: {message}" if line else message)
        self.line = line
        self.reason = message
