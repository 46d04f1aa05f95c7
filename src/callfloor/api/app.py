"""Building the ASGI application: API routers, web pages, error handlers, shared context."""

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine

from callfloor import __version__
from callfloor.api import errors
from callfloor.api.context import AppContext
from callfloor.api.routes import (
    accounts,
    agent_state,
    agents,
    appointments,
    auth,
    calendars,
    call_contact,
    call_monitoring,
    call_priority,
    callbacks,
    calls,
    campaign_desk,
    campaign_results,
    campaign_runs,
    campaigns,
    contacts,
    custom_fields,
    floor,
    floor_live,
    floor_stream,
    gdpr,
    health,
    history,
    imports,
    interaction_notes,
    interaction_pop,
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

#: The pages' style sheet and script (``/static``).
STATIC = Path(__file__).resolve().parent.parent / "web" / "static"


def create_app(settings: Settings, engine: Engine | None = None) -> FastAPI:
    """The callfloor web application; ``engine`` defaults to the settings' database."""
    from callfloor.web import access, admin, desk, pages, portal, wallboard

    app = FastAPI(
        title="callfloor",
        version=__version__,
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
    )
    app.state.context = AppContext(settings, engine or make_engine(settings.resolved_database_url))
    errors.install(app)
    access.install(app)
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
        call_priority.router,
        call_monitoring.router,
        agent_state.router,
        floor_live.router,
        floor_stream.router,
        recordings.router,
        prompts.router,
        contacts.router,
        accounts.router,
        custom_fields.router,
        history.router,
        interaction_notes.router,
        call_contact.router,
        interaction_pop.router,
        callbacks.router,
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
        portal.router,
        desk.router,
        wallboard.router,
        admin.router,
    ):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
