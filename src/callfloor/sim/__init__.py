"""The simulator: a discrete-event driver of the real floor core.

A heap clock, seeded random streams (arrivals, handle times, patience, routing ties) and the
same :class:`callfloor.core.floor.Floor` the live server runs, so a simulated day exercises the
routing engine itself, not a model of it. Nothing here reads the wall clock or opens a socket;
the same scenario and seed give the same output, byte for byte.

Errors: :class:`ScenarioError` (a bad scenario file, with key and line).
"""

from callfloor.yamlfile import YamlFileError


class ScenarioError(YamlFileError):
    """A scenario file is invalid; ``problems`` say which key, on which line."""
