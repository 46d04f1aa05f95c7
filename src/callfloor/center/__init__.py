"""A center's configuration as YAML: skills, queues, agents (with their users), dispositions.

``callfloor import center.yaml --tenant acme`` applies a file in one transaction (a bad file
changes nothing and every problem is reported with file and line); ``callfloor export`` writes
the same document back, and the round trip is lossless. The API takes the very same specs
(:mod:`callfloor.center.schema`) for skills, queues and dispositions, so a center is described
one way everywhere. Secrets are never exported.

Errors: :class:`callfloor.storage.CenterConfigError` (from storage, so the API maps it too).
"""
