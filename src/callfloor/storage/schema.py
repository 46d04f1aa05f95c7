"""The whole schema: every model module imported, so ``metadata`` holds every table.

Alembic's environment and the migration tests compare the database against this metadata; a
model module missing here would be invisible to both. Each new module of tables (tickets,
sales, appointments…) adds its import below.
"""

from sqlalchemy import MetaData

from callfloor.storage import (
    appointments,
    callbacks,
    contacts,
    interactions,
    models,
    outbound,
    sales,
    scripts,
    survey_responses,
    surveys,
    tickets,
    webhooks,
)
from callfloor.storage.models import Base

#: Modules whose tables make up the schema (imported for their side effect on ``Base``).
MODEL_MODULES = (
    models,
    contacts,
    sales,
    tickets,
    interactions,
    appointments,
    webhooks,
    surveys,
    outbound,
    survey_responses,
    scripts,
    callbacks,
)

metadata: MetaData = Base.metadata
