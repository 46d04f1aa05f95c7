"""``/admin/surveys``: surveys and polls agents ask, their campaigns, and a preview of the first question.

The pages are :mod:`callfloor.web.admin.documents`'; this module says what a survey is to them:
the API resource, the campaign field ``survey``, the core checker, the preview (the survey's
title and its first question with the answers it takes) and a new survey's starting text.
"""

from typing import Any

from callfloor.api.routes.campaigns import survey_resource
from callfloor.center.scripts import SurveySpec, survey_problems
from callfloor.core.config import Locale
from callfloor.core.scripts.survey import QuestionType
from callfloor.web.admin.documents import DocumentKind, document_router
from callfloor.web.nav import N_

EXAMPLE: dict[str, Any] = {
    "kind": "survey",
    "title": {"fr": "Enquête de satisfaction", "en": "Satisfaction survey"},
    "questions": [
        {"id": "nps", "type": "nps", "text": {"fr": "Recommanderiez-vous notre service ?",
                                              "en": "Would you recommend our service?"}},
        {"id": "pourquoi", "type": "text", "required": False, "when": [{"question": "nps", "less_than": 7}],
         "text": {"fr": "Pourquoi ?", "en": "Why?"}},
    ],
}  # fmt: skip


def preview(spec: SurveySpec, lang: Locale) -> dict[str, Any] | None:
    """The title and the first question: its text, type, and options or range."""
    first = spec.questions[0]
    question = first.question()
    low, high = question.bounds
    return {
        "title": spec.title.wording().text(lang) if spec.title is not None else "",
        "kind": spec.kind.value,
        "text": first.text.wording().text(lang),
        "type": first.type.value,
        "required": first.required,
        "options": [o.label.wording().text(lang) for o in first.options],
        "range": (low, high) if first.type in (QuestionType.SCALE, QuestionType.NPS) else None,
        "questions": len(spec.questions),
    }


KIND = DocumentKind(
    slug="surveys",
    title=N_("Surveys"),
    heading=N_("Survey %(name)s"),
    body_label=N_("The survey in YAML: kind, title, questions"),
    help=N_(
        "kind: survey or poll. Question types: single, multiple (with options), scale (min, max), nps, "
        "text, yes_no; when: asks a question only if an earlier answer equals, not_equals, in, "
        "greater_than or less_than a value."
    ),
    campaign_field="survey",
    resource=survey_resource,
    problems=survey_problems,
    preview=preview,
    expected="a survey is a mapping: kind, title, questions",
    example=EXAMPLE,
)
router = document_router(KIND)
