"""Serving callfloor in one process: HTTP (uvicorn) and SIP (UDP and TCP) in one event loop."""

import asyncio
import gc
import logging

import uvicorn

from callfloor.api.app import create_app
from callfloor.channels.webhook_targets import networks
from callfloor.channels.webhooks import WebhookSender
from callfloor.core.sip.digest import DigestAlgorithm
from callfloor.crm.voicemail import VoicemailBox
from callfloor.prompts.tenants import TenantPrompts
from callfloor.server.campaigns import CampaignRuns
from callfloor.server.media.offload import MediaProcess
from callfloor.server.media.ports import PortAllocator
from callfloor.server.recordings import RecordingStore
from callfloor.server.sip.directory import Directory
from callfloor.server.sip.endpoint import SipEndpoint
from callfloor.server.sip.transport import SipTransports
from callfloor.server.trunk_configs import load_trunks
from callfloor.settings import Settings
from callfloor.storage.secretbox import SecretBox

log = logging.getLogger(__name__)


async def serve(settings: Settings) -> None:
    """Serve until interrupted (Ctrl-C or SIGTERM)."""
    app = create_app(settings)
    context = app.state.context
    order = tuple(DigestAlgorithm(a.strip()) for a in settings.sip_digest_algorithms.split(","))
    endpoint = SipEndpoint(
        Directory(context.sessions, settings.sip_default_tenant),
        settings.signing_key,
        sessions=context.sessions,
        digest_order=order,
        trusted=settings.sip_trusted_networks,
        ports=PortAllocator(settings.rtp_port_min, settings.rtp_port_max),
    )
    app.state.sip = endpoint  # the API shows its bans and commands its calls
    endpoint.calls.recordings = RecordingStore(context.sessions, settings.data_dir)
    endpoint.calls.prompts = TenantPrompts(settings.data_dir)
    endpoint.calls.journeys.voicemail = VoicemailBox.from_settings(settings, context.sessions)
    endpoint.calls.journeys.messages_dir = settings.data_dir / "messages"  # until left as tickets
    box = SecretBox.from_settings(settings)
    endpoint.load_trunks = lambda: load_trunks(context.sessions, box)
    media = MediaProcess.start() if settings.media_process else None
    if media is not None:
        endpoint.calls.players = media.player
    campaigns = CampaignRuns(endpoint, context.sessions, wrap_up_s=settings.campaign_wrap_up_s)
    app.state.campaigns = campaigns  # outbound dialers (api.routes.campaign_runs)
    sip = SipTransports(endpoint)
    try:
        host, port = await sip.start(settings.sip_host, settings.sip_port)
    except OSError as exc:
        raise SystemExit(
            f"cannot listen for SIP on {settings.sip_host}:{settings.sip_port} ({exc.strerror}); "
            "set CALLFLOOR_SIP_PORT to a free port"
        ) from exc
    log.info("SIP listening on %s:%s (UDP and TCP)", host, port)
    endpoint.reload_trunks()  # those that register do so now
    for run in campaigns.restore():  # those running when the server stopped; agents join again
        log.info("campaign %s of tenant %s resumed", run.name, run.tenant_id)
    allowed = networks(settings.webhook_private_networks.split(","))
    webhooks = WebhookSender(context.sessions, box, private_networks=allowed)  # to tenants' CRMs
    sender = asyncio.create_task(webhooks.run(), name="webhooks")
    _tune_gc()
    config = uvicorn.Config(
        app, host=settings.http_host, port=settings.http_port, log_level="info", proxy_headers=False
    )
    try:
        await uvicorn.Server(config).serve()
    finally:
        sender.cancel()
        await asyncio.gather(sender, return_exceptions=True)
        await webhooks.aclose()
        endpoint.trunks.stop(endpoint.clock())  # unregister, best effort
        await sip.aclose()
        if media is not None:
            await media.aclose()


def _tune_gc() -> None:
    """Shorter garbage collections while serving: they stop every call's SIP and RTP at once.

    Under load each full collection walked the whole heap, start-up included: the app,
    SQLAlchemy's mappers, every module, some 110,000 objects that live as long as the process
    and take about 70 ms to walk on their own. Those pauses (90 to 180 ms) showed as answer-time
    spikes in ``bench/sip_cps.py``, and a loop paused that long sends its RTP late or skips it.
    So what start-up built is moved out of the collector's sight (``gc.freeze``), and the
    older generations are collected much less often: a call's garbage is freed by reference
    counting anyway, the collector is only there for cycles. A young collection costs about
    1 ms per 1,000 objects (measured with a ``gc.callbacks`` probe at 100 to 200 calls/s):
    10,000 keeps it near 10 ms, under a 20 ms RTP frame; 50,000 made pauses of 30 to 110 ms.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 50, 100)


def run(settings: Settings) -> None:
    """Blocking entry point for the CLI."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s: %(name)s: %(message)s")
    asyncio.run(serve(settings))
