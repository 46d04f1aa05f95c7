"""Campaigns, call scripts and surveys of the caller's tenant: supervisors read, admins write.

Bodies are the center YAML's specs, checked the same way (a caller ID the country's plan
refuses, unknown pages or questions); a campaign naming a queue, script, survey or disposition
the tenant lacks answers 422 ``unknown_reference``.
"""

from fastapi import APIRouter

from callfloor.api.resources import SpecResource, spec_router
from callfloor.center.apply_outbound import (
    apply_campaign,
    apply_script,
    apply_survey,
    campaign_spec,
    campaigns,
    script_spec,
    survey_spec,
)
from callfloor.center.campaigns import CampaignSpec
from callfloor.center.scripts import ScriptSpec, SurveySpec
from callfloor.storage.outbound import Campaign
from callfloor.storage.scripts import CallScript, Survey

campaign_resource = SpecResource[CampaignSpec, Campaign](
    name="campaign",
    spec=CampaignSpec,
    key="name",
    repository=campaigns,
    find=lambda scope, name: campaigns(scope).by_name(name),
    apply=apply_campaign,
    to_spec=campaign_spec,
)
script_resource = SpecResource[ScriptSpec, CallScript](
    name="script",
    spec=ScriptSpec,
    key="name",
    repository=lambda scope: scope.call_scripts,
    find=lambda scope, name: scope.call_scripts.by_name(name),
    apply=apply_script,
    to_spec=script_spec,
)
survey_resource = SpecResource[SurveySpec, Survey](
    name="survey",
    spec=SurveySpec,
    key="name",
    repository=lambda scope: scope.surveys,
    find=lambda scope, name: scope.surveys.by_name(name),
    apply=apply_survey,
    to_spec=survey_spec,
)

router = APIRouter()
router.include_router(spec_router(campaign_resource, "/api/campaigns", "campaigns"))
router.include_router(spec_router(script_resource, "/api/scripts", "scripts"))
router.include_router(spec_router(survey_resource, "/api/surveys", "surveys"))
