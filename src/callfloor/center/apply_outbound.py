"""Writing the center YAML's scripts, surveys and campaigns to the database, and reading them back.

Scripts and surveys are stored as their spec's JSON less the name and the defaults (as flows
are), so an export gives back what was imported. A campaign's references (queue, script,
survey, disposition codes) must exist in the tenant: the file's own objects are applied first.
"""

from typing import Any

from sqlalchemy.orm import object_session

from callfloor.center.campaigns import CampaignSpec
from callfloor.center.scripts import SCRIPT_CHECKS, ScriptSpec, SurveySpec
from callfloor.core.compliance.model import Purpose
from callfloor.core.dialer.settings import DialingMode
from callfloor.outbound.campaigns import CampaignRepository
from callfloor.storage import UnknownReferenceError
from callfloor.storage.models import Queue
from callfloor.storage.outbound import Campaign
from callfloor.storage.scope import TenantScope
from callfloor.storage.scripts import CallScript, Survey


def stored(spec: ScriptSpec | SurveySpec) -> dict[str, Any]:
    """What is kept of a script or survey: its spec less its name, defaults left out, keys as written."""
    return spec.model_dump(mode="json", by_alias=True, exclude={"name"}, exclude_defaults=True)


def apply_script(scope: TenantScope, spec: ScriptSpec, script: CallScript | None = None) -> CallScript:
    """Create or replace a script."""
    if script is None:
        script = scope.call_scripts.add(CallScript(name=spec.name, definition=stored(spec)))
    script.name, script.definition = spec.name, stored(spec)
    scope.session.flush()
    return script


def script_spec(script: CallScript) -> ScriptSpec:
    """The spec a stored script stands for (not checked again: it was when written)."""
    data = {"name": script.name, **script.definition}
    return ScriptSpec.model_validate(data, context={SCRIPT_CHECKS: False})


def apply_survey(scope: TenantScope, spec: SurveySpec, survey: Survey | None = None) -> Survey:
    """Create or replace a survey."""
    if survey is None:
        survey = scope.surveys.add(Survey(name=spec.name, definition=stored(spec)))
    survey.name, survey.definition = spec.name, stored(spec)
    scope.session.flush()
    return survey


def survey_spec(survey: Survey) -> SurveySpec:
    """The spec a stored survey stands for."""
    data = {"name": survey.name, **survey.definition}
    return SurveySpec.model_validate(data, context={SCRIPT_CHECKS: False})


def campaigns(scope: TenantScope) -> CampaignRepository:
    """The tenant's campaigns."""
    return CampaignRepository(scope.session, scope.tenant_id)


def apply_campaign(scope: TenantScope, spec: CampaignSpec, campaign: Campaign | None = None) -> Campaign:
    """Create or update a campaign; an unknown queue, script, survey or disposition is refused."""
    queue_id = _queue_id(scope, spec.queue)
    if spec.script is not None and scope.call_scripts.by_name(spec.script) is None:
        raise UnknownReferenceError("script", spec.script)
    if spec.survey is not None and scope.surveys.by_name(spec.survey) is None:
        raise UnknownReferenceError("survey", spec.survey)
    for code in spec.dispositions:
        if scope.dispositions.by_code(code) is None:
            raise UnknownReferenceError("disposition", code)
    if campaign is None:
        campaign = campaigns(scope).add(Campaign(name=spec.name, type=spec.type.value))
    campaign.name, campaign.type, campaign.mode = spec.name, spec.type.value, spec.mode.value
    campaign.queue_id, campaign.caller_id = queue_id, spec.caller_id
    campaign.script, campaign.survey, campaign.country = spec.script, spec.survey, spec.country
    campaign.dispositions = list(spec.dispositions)
    campaign.b2b, campaign.existing_customers_only = spec.b2b, spec.existing_customers_only
    campaign.target_drop_rate, campaign.power_ratio = spec.target_drop_rate, spec.power_ratio
    campaign.amd, campaign.machine_message = spec.amd, spec.machine_message
    campaign.retry_rules, campaign.schedule, campaign.active = spec.retry, spec.schedule, spec.active
    scope.session.flush()
    return campaign


def campaign_spec(campaign: Campaign) -> CampaignSpec:
    """The spec of a stored campaign (a deleted queue shows as none)."""
    session = object_session(campaign)
    queue = session.get(Queue, campaign.queue_id) if session and campaign.queue_id is not None else None
    return CampaignSpec.model_construct(
        name=campaign.name, type=Purpose(campaign.type), mode=DialingMode(campaign.mode),
        queue=queue.name if queue is not None else None, caller_id=campaign.caller_id,
        script=campaign.script, survey=campaign.survey, dispositions=list(campaign.dispositions),
        country=campaign.country, b2b=campaign.b2b, existing_customers_only=campaign.existing_customers_only,
        target_drop_rate=campaign.target_drop_rate, power_ratio=campaign.power_ratio, amd=campaign.amd,
        machine_message=campaign.machine_message, retry=dict(campaign.retry_rules),
        schedule=dict(campaign.schedule), active=campaign.active,
    )  # fmt: skip


def _queue_id(scope: TenantScope, name: str | None) -> int | None:
    if name is None:
        return None
    queue = scope.queues.by_name(name)
    if queue is None:
        raise UnknownReferenceError("queue", name)
    return queue.id
