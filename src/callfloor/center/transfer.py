"""Importing a center YAML into a tenant, and exporting a tenant back to YAML.

An import is one transaction: every problem found (schema, references, e-mail clashes) is
reported together with file and line, and then nothing is written. Objects are matched by
their natural keys (skill and queue names, extensions, e-mail addresses, disposition codes);
objects missing from the file are left alone. Trunk passwords are sealed with the secret key's
box (:mod:`callfloor.storage.secretbox`); a file that carries one needs the box.
"""

from collections import Counter
from dataclasses import dataclass, field

import yaml
from pydantic import ValidationError
from sqlalchemy.orm import Session

from callfloor.center.apply import (
    IssuedSecret,
    agent_spec,
    apply_agent,
    apply_disposition,
    apply_flow,
    apply_number,
    apply_pause_reasons,
    apply_queue,
    apply_skill,
    apply_trunk,
    apply_user,
    apply_wallboard_thresholds,
    disposition_spec,
    ivr_flow_spec,
    number_spec,
    pause_reason_specs,
    queue_spec,
    skill_spec,
    tenant_number,
    trunk_spec,
    user_spec,
    wallboard_thresholds_spec,
)
from callfloor.center.apply_outbound import (
    apply_campaign,
    apply_script,
    apply_survey,
    campaign_spec,
    campaigns,
    script_spec,
    stored,
    survey_spec,
)
from callfloor.center.document import CenterSpec
from callfloor.center.flows import definition, queue_names
from callfloor.center.schema import TenantSpec
from callfloor.core.config import Locale
from callfloor.core.numbers import InvalidNumberError, normalize
from callfloor.storage import CenterConfigError, NotFoundError
from callfloor.storage.models import Queue, Tenant, User
from callfloor.storage.passwords import Passwords
from callfloor.storage.platform import Platform
from callfloor.storage.repositories import audit
from callfloor.storage.scope import TenantScope
from callfloor.storage.secretbox import SecretBox
from callfloor.yamlfile import YamlDocument


@dataclass
class ImportReport:
    """What an import did: objects created and updated by kind, secrets generated."""

    tenant: str
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    secrets: list[IssuedSecret] = field(default_factory=list)

    def count(self, kind: str, existed: bool) -> None:
        """Record one object of ``kind`` applied."""
        (self.updated if existed else self.created)[kind] += 1


def parse_center(doc: YamlDocument) -> CenterSpec:
    """Validate a parsed document; problems carry file and line."""
    try:
        return CenterSpec.model_validate({} if doc.data is None else doc.data)
    except ValidationError as exc:
        raise CenterConfigError(doc.validation_problems(exc)) from exc


def _reference_problems(
    spec: CenterSpec, scope: TenantScope, doc: YamlDocument, box: SecretBox | None
) -> list[str]:
    skills = {s.name for s in spec.skills} | {s.name for s in scope.skills.list()}
    queues = {q.name for q in spec.queues} | {q.name for q in scope.queues.list()}
    problems = []
    skill_uses: list[tuple[tuple[str | int, ...], dict[str, int]]]
    skill_uses = [(("queues", i), q.skills) for i, q in enumerate(spec.queues)]
    skill_uses += [
        (("queues", i, "steps", j), s.skills)
        for i, q in enumerate(spec.queues)
        for j, s in enumerate(q.steps)
    ]
    skill_uses += [(("agents", i), a.skills) for i, a in enumerate(spec.agents)]
    for where, levels in skill_uses:
        problems += [
            doc.problem((*where, "skills", name), f"unknown skill {name!r}")
            for name in levels
            if name not in skills
        ]
    flows = {f.name for f in spec.ivr_flows} | {f.name for f in scope.ivr_flows.list()}
    for i, queue in enumerate(spec.queues):
        if queue.overflow is not None and queue.overflow not in queues:
            problems.append(doc.problem(("queues", i, "overflow"), f"unknown queue {queue.overflow!r}"))
        if queue.survey is not None and queue.survey not in flows:
            problems.append(doc.problem(("queues", i, "survey"), f"unknown flow {queue.survey!r}"))
    problems += [
        doc.problem(("ivr_flows", i), f"flow {flow.name!r}: unknown queue {name!r}")
        for i, flow in enumerate(spec.ivr_flows)
        for name in sorted(queue_names(flow))
        if name not in queues
    ]
    problems += _number_problems(spec, scope, doc, queues)
    problems += _campaign_problems(spec, scope, doc, queues)
    if box is None:
        problems += [
            doc.problem(("trunks", i, "password"), "a trunk password needs the secret key to be sealed with")
            for i, trunk in enumerate(spec.trunks)
            if trunk.password is not None
        ]
    platform = Platform(scope.session)
    for section, people in (("agents", spec.agents), ("users", spec.users)):
        for i, person in enumerate(people):
            owner = platform.user_by_email(person.email)
            if owner is not None and owner.tenant_id != scope.tenant_id:
                problems.append(
                    doc.problem((section, i, "email"), f"{person.email} belongs to another tenant")
                )
    return problems


def _number_problems(spec: CenterSpec, scope: TenantScope, doc: YamlDocument, queues: set[str]) -> list[str]:
    problems = []
    region = spec.tenant.country if spec.tenant else _country(scope)
    flows = {f.name for f in spec.ivr_flows} | {f.name for f in scope.ivr_flows.list()}
    for i, entry in enumerate(spec.numbers):
        if entry.queue is not None and entry.queue not in queues:
            problems.append(doc.problem(("numbers", i, "queue"), f"unknown queue {entry.queue!r}"))
        if entry.flow is not None and entry.flow not in flows:
            problems.append(doc.problem(("numbers", i, "flow"), f"unknown flow {entry.flow!r}"))
        try:
            routed = Platform(scope.session).number(normalize(entry.number, region))
        except InvalidNumberError as exc:
            problems.append(doc.problem(("numbers", i, "number"), str(exc)))
            continue
        if routed is not None and routed.tenant_id != scope.tenant_id:
            problems.append(
                doc.problem(("numbers", i, "number"), f"{entry.number} is routed by another tenant")
            )
    return problems


def _campaign_problems(
    spec: CenterSpec, scope: TenantScope, doc: YamlDocument, queues: set[str]
) -> list[str]:
    scripts = {s.name for s in spec.scripts} | {s.name for s in scope.call_scripts.list()}
    surveys = {s.name for s in spec.surveys} | {s.name for s in scope.surveys.list()}
    codes = {d.code for d in spec.dispositions} | {d.code for d in scope.dispositions.list()}
    problems = []
    for i, campaign in enumerate(spec.campaigns):
        for key, value, known in (
            ("queue", campaign.queue, queues), ("script", campaign.script, scripts),
            ("survey", campaign.survey, surveys),
        ):  # fmt: skip
            if value is not None and value not in known:
                problems.append(doc.problem(("campaigns", i, key), f"unknown {key} {value!r}"))
        problems += [
            doc.problem(("campaigns", i, "dispositions", j), f"unknown disposition {code!r}")
            for j, code in enumerate(campaign.dispositions)
            if code not in codes
        ]
    return problems


def _country(scope: TenantScope) -> str:
    tenant = scope.session.get(Tenant, scope.tenant_id)
    return tenant.country if tenant else "FR"


def _tenant(platform: Platform, slug: str, spec: TenantSpec | None) -> tuple[Tenant, bool]:
    tenant = platform.tenant_by_slug(slug)
    if tenant is None:
        name = spec.name if spec else slug
        return platform.create_tenant(slug, name), False
    return tenant, True


def import_center(
    session: Session,
    slug: str,
    doc: YamlDocument,
    passwords: Passwords,
    *,
    actor: User | None = None,
    box: SecretBox | None = None,
) -> ImportReport:
    """Apply ``doc`` to the tenant ``slug`` (created if missing) inside the caller's transaction.

    ``box`` seals trunk passwords; without it, a file that gives one is refused.
    """
    spec = parse_center(doc)
    tenant, existed = _tenant(Platform(session), slug, spec.tenant)
    report = ImportReport(tenant=slug)
    report.count("tenant", existed)
    scope = TenantScope(session, tenant.id)
    if problems := _reference_problems(spec, scope, doc, box):
        raise CenterConfigError(problems)
    _apply_tenant(tenant, spec, report)
    for skill in spec.skills:
        found = scope.skills.by_name(skill.name)
        apply_skill(scope, skill, found)
        report.count("skill", found is not None)
    existing_queues = {q.name for q in scope.queues.list()}
    for queue in spec.queues:  # create first, so overflow may point forward in the file
        if queue.name not in existing_queues:
            scope.queues.add(Queue(name=queue.name))
    for flow in spec.ivr_flows:  # between the two, as flows name queues and queues name survey flows
        found_f = scope.ivr_flows.by_name(flow.name)
        apply_flow(scope, flow, found_f)
        report.count("ivr_flow", found_f is not None)
    for queue in spec.queues:
        apply_queue(scope, queue, scope.queues.by_name(queue.name))
        report.count("queue", queue.name in existing_queues)
    for disposition in spec.dispositions:
        found_d = scope.dispositions.by_code(disposition.code)
        apply_disposition(scope, disposition, found_d)
        report.count("disposition", found_d is not None)
    _apply_outbound(scope, spec, report)
    for number in spec.numbers:
        found_n = scope.numbers.by_number(tenant_number(scope, number.number))
        apply_number(scope, number, found_n)
        report.count("number", found_n is not None)
    for trunk in spec.trunks:
        found_t = scope.trunks.by_name(trunk.name)
        apply_trunk(scope, trunk, box, found_t)
        report.count("trunk", found_t is not None)
    for user in spec.users:
        found_u = scope.users.by_email(user.email)
        _, secret = apply_user(scope, user, passwords, found_u)
        report.secrets += [secret] if secret else []
        report.count("user", found_u is not None)
    for agent in spec.agents:
        found_a = scope.agents.by_extension(agent.extension)
        _, secrets = apply_agent(scope, agent, passwords, found_a)
        report.secrets += secrets
        report.count("agent", found_a is not None)
    details = {"created": dict(report.created), "updated": dict(report.updated), "file": doc.path}
    audit(session, "config.import", tenant_id=tenant.id, actor=actor, target=slug, details=details)
    return report


def _apply_tenant(tenant: Tenant, spec: CenterSpec, report: ImportReport) -> None:
    """The tenant's own settings, its pause reasons (as a whole: their order is the desk's) and its
    wallboard thresholds (as a whole: a figure left out goes back to its default)."""
    if spec.tenant is not None:
        tenant.name, tenant.timezone = spec.tenant.name, spec.tenant.timezone
        tenant.locale, tenant.country = spec.tenant.locale.value, spec.tenant.country
    if spec.pause_reasons is not None:
        report.count("pause_reasons", tenant.pause_reasons is not None)
        apply_pause_reasons(tenant, spec.pause_reasons)
    if spec.wallboard_thresholds is not None:
        report.count("wallboard_thresholds", tenant.wallboard_thresholds is not None)
        apply_wallboard_thresholds(tenant, spec.wallboard_thresholds)


def _apply_outbound(scope: TenantScope, spec: CenterSpec, report: ImportReport) -> None:
    """Scripts and surveys, then the campaigns that name them (and queues, dispositions)."""
    for script in spec.scripts:
        found_s = scope.call_scripts.by_name(script.name)
        apply_script(scope, script, found_s)
        report.count("script", found_s is not None)
    for survey in spec.surveys:
        found_v = scope.surveys.by_name(survey.name)
        apply_survey(scope, survey, found_v)
        report.count("survey", found_v is not None)
    for campaign in spec.campaigns:
        found_c = campaigns(scope).by_name(campaign.name)
        apply_campaign(scope, campaign, found_c)
        report.count("campaign", found_c is not None)


def export_center(session: Session, slug: str) -> CenterSpec:
    """The tenant's configuration as a spec, objects in a stable order."""
    tenant = Platform(session).tenant_by_slug(slug)
    if tenant is None:
        raise NotFoundError(f"tenant {slug!r}")
    scope = TenantScope(session, tenant.id)
    agents = sorted(scope.agents.list(), key=lambda a: a.extension)
    return CenterSpec(
        tenant=TenantSpec(
            name=tenant.name, timezone=tenant.timezone, locale=Locale(tenant.locale), country=tenant.country
        ),
        skills=sorted((skill_spec(s) for s in scope.skills.list()), key=lambda s: s.name),
        queues=sorted((queue_spec(q) for q in scope.queues.list()), key=lambda q: q.name),
        agents=[agent_spec(a) for a in agents],
        users=sorted((user_spec(u) for u in scope.users.list() if u.agent is None), key=lambda u: u.email),
        dispositions=sorted((disposition_spec(d) for d in scope.dispositions.list()), key=lambda d: d.code),
        pause_reasons=pause_reason_specs(tenant),
        wallboard_thresholds=wallboard_thresholds_spec(tenant),
        ivr_flows=sorted((ivr_flow_spec(f) for f in scope.ivr_flows.list()), key=lambda f: f.name),
        numbers=sorted((number_spec(n) for n in scope.numbers.list()), key=lambda n: n.number),
        trunks=sorted((trunk_spec(t) for t in scope.trunks.list()), key=lambda t: t.name),
        scripts=sorted((script_spec(s) for s in scope.call_scripts.list()), key=lambda s: s.name),
        surveys=sorted((survey_spec(s) for s in scope.surveys.list()), key=lambda s: s.name),
        campaigns=sorted((campaign_spec(c) for c in campaigns(scope).list()), key=lambda c: c.name),
    )


def dump_center(spec: CenterSpec) -> str:
    """The YAML text of a spec (no secrets: they are never part of an export)."""
    data = spec.model_dump(mode="json", by_alias=True, exclude_none=True, exclude=_SECRETS)
    if spec.ivr_flows:  # flows are long: written as they are stored, without their defaults
        data["ivr_flows"] = [{"name": flow.name, **definition(flow)} for flow in spec.ivr_flows]
    for key in ("scripts", "surveys"):  # likewise
        if documents := getattr(spec, key):
            data[key] = [{"name": document.name, **stored(document)} for document in documents]
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


_SECRETS = {
    "agents": {"__all__": {"password", "sip_password"}},
    "users": {"__all__": {"password"}},
    "trunks": {"__all__": {"password"}},
}
