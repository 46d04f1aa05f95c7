"""The JSON API (FastAPI): login, the current user, tenants, users, agents, skills, queues.

Every route checks the caller's role and scopes every read to the caller's tenant; an object of
another tenant answers 404, exactly like one that does not exist. Errors are JSON
``{"error_id": ..., "message": {"fr": ..., "en": ...}}`` (:mod:`callfloor.api.errors`).

Errors: :class:`callfloor.api.errors.ApiError` is the one exception routes raise.
"""
