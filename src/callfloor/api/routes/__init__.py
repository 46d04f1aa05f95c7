"""One router per resource; :func:`callfloor.api.app.create_app` mounts them under ``/api``."""
