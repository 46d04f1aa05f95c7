"""``/admin/thresholds``: the amber and red thresholds of the tenant's wallboard, figure by figure.

The wallboard starts from :data:`callfloor.web.wallboard.THRESHOLDS`; what an admin sets here is
kept on the tenant (``tenants.wallboard_thresholds``, the figures that differ from the defaults
only) and colours the tenant's wallboard from its next opening. The page's script
(``static/admin_thresholds.js``) puts the whole form to ``PUT /admin/thresholds``: thresholds
are a setting of the page, which belongs to no API resource. A figure left out goes back to its
default. What a threshold must be, each refusal answered with its figure:

- amber and red are numbers, 0 or more; a rate's (service level, abandon and drop rates) are
  shares of at most 1 (the form shows percentages);
- amber comes before red: lower for a figure that is bad when high, higher for the service
  level, bad when low (amber may equal red: the figure then goes straight to red);
- the drop rate's red is at most 3 %, the legal cap of the calls a person answered
  (16 CFR 310.4(b)(4)(i), Ofcom's persistent misuse policy): a board may warn earlier, not later.
"""

from typing import Annotated, Any, Final

from fastapi import APIRouter, Body, Request
from fastapi.responses import HTMLResponse, JSONResponse

from callfloor.core.kpi.thresholds import RATES, THRESHOLDS, Thresholds, overrides, problem
from callfloor.storage.models import Tenant
from callfloor.storage.repositories import audit
from callfloor.web.access import not_found
from callfloor.web.admin.base import Admin
from callfloor.web.nav import N_
from callfloor.web.render import page
from callfloor.web.wallboard import thresholds_of

router = APIRouter(include_in_schema=False)

#: The figures, as the wallboard names them, in its order.
LABELS: Final = {
    "waiting": N_("Waiting"),
    "longest_wait_s": N_("Longest wait"),
    "service_level": N_("Service level"),
    "abandon_rate": N_("Abandon rate"),
    "drop_rate": N_("Drop rate"),
    "late_tickets": N_("Tickets past their SLA"),
}
#: The units the form shows, by figure.
UNITS: Final = {"waiting": N_("callers"), "longest_wait_s": N_("seconds"), "late_tickets": N_("tickets")}
#: What a refusal says, by problem.
PROBLEMS: Final = {
    "unknown": N_("The wallboard has no such figure."),
    "number": N_("Amber and red are numbers, 0 or more."),
    "rate": N_("A rate is at most 100 %."),
    "order": N_("Amber comes before red."),
    "legal": N_("The drop rate's red may not pass the legal 3 %."),
}
TEXTS = {
    "saved": N_("Saved: the wallboard uses these thresholds from its next opening."),
    "refusal": N_("%(figure)s: %(problem)s"),
    **PROBLEMS,
}


def _tenant(who: Admin) -> Tenant:
    tenant = who.session.get(Tenant, who.tenant_id)
    if tenant is None:
        raise not_found()
    return tenant


@router.get("/admin/thresholds")
def thresholds_page(request: Request, who: Admin) -> HTMLResponse:
    """The form: each figure's amber and red, and its default."""
    current = thresholds_of(_tenant(who))
    return page(
        request, "admin/thresholds.html", user=who.user, session=who.session, current=current,
        defaults=THRESHOLDS, labels=LABELS, units=UNITS, rates=RATES, texts=TEXTS,
    )  # fmt: skip


@router.put("/admin/thresholds", response_model=None)
def save_thresholds(who: Admin, body: Annotated[Thresholds, Body()]) -> JSONResponse | dict[str, Any]:
    """Keep the tenant's thresholds (the figures left out: their defaults); 422 with the problems."""
    found = [(figure, problem(figure, limits)) for figure, limits in body.items()]
    refused = [{"figure": figure, "problem": code} for figure, code in found if code is not None]
    if refused:
        return JSONResponse({"problems": refused}, status_code=422)
    tenant = _tenant(who)
    kept = overrides(body)
    tenant.wallboard_thresholds = kept or None
    audit(who.session, "wallboard.thresholds", tenant_id=tenant.id, actor=who.user, target=tenant.slug,
          details=kept)  # fmt: skip
    return {"thresholds": thresholds_of(tenant)}
