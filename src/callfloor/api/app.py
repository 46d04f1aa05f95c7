"""Building the ASGI application: API routers, web pages, error handlers, shared context."""

from fastapi import FastAPI
from sqlalchemy import Engine

from callfloor import __version__
from callfloor.api import errors
from callfloor.api.context import AppContext
from callfloor.api.routes import (
    accounts,
    agents,
    appointments,
    auth,
    calendars,
    calls,
    campaign_desk,
    campaign_results,
    campaign_runs,
    campaigns,
    contacts,
    custom_fields,
    floor,
    gdpr,
    health,
    history,
    imports,
    ivr_flows,
    outbound_imports,
    products,
    prompts,
    quote_targets,
    recordings,
    sales,
    schedule,
    sip,
    surveys,
    tenants,
    ticket_attachments,
    ticket_setup,
    tickets,
    trunks,
    users,
    webhooks,
)
from callfloor.settings import Settings
from callfloor.storage.db import make_engine


def create_app(settings: Settings, engine: Engine | None = None) -> FastAPI:
    """The callfloor web application; ``engine`` defaults to the settings' database."""
    from callfloor.web import pages

    app = FastAPI(
        title="callfloor",
        version=__version__,
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
    )
    app.state.context = AppContext(settings, engine or make_engine(settings.resolved_database_url))
    errors.install(app)
    for router in (
        health.router,
        auth.router,
        tenants.router,
        users.router,
        agents.router,
        floor.skills,
        floor.queues,
        floor.dispositions,
        ivr_flows.router,
        floor.numbers,
        trunks.router,
        campaigns.router,
        sip.router,
        calls.router,
        recordings.router,
        prompts.router,
        contacts.router,
        accounts.router,
        custom_fields.router,
        history.router,
        surveys.router,
        gdpr.router,
        tickets.router,
        ticket_attachments.router,
        ticket_setup.teams,
        ticket_setup.categories,
        schedule.router,
        products.router,
        sales.router,
        calendars.router,
        appointments.router,
        imports.router,
        outbound_imports.router,
        campaign_runs.router,
        campaign_desk.router,
        campaign_results.router,
        quote_targets.router,
        webhooks.router,
        pages.router,
    ):
        app.include_router(router)
    return app
