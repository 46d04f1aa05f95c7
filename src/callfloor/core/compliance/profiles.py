"""The built-in profiles, "FR" and "US", written as the same plain data a tenant's YAML holds.

France's caller-ID plan (rule ``fr.arcep-2022-1583.caller-id``), as we read Arcep's national
numbering plan (décision 2018-0881 as amended by décision 2022-1583, in force 1 January 2023):

- Automated dialing (progressive, power, predictive: a *système automatisé d'appels*) may
  present only the ranges Arcep dedicates to it: 0162, 0163, 0270, 0271, 0377, 0378, 0424, 0425,
  0568, 0569, 0948, 0949 in metropolitan France; 09475 (Guadeloupe, Saint-Martin,
  Saint-Barthélemy), 09476 (Guyane), 09477 (Martinique), 09478 and 09479 (La Réunion, Mayotte),
  under +33 or the territory's own country code. Other geographic (01–05) and polyvalent (09)
  numbers are forbidden to such systems (upheld by the Conseil d'État, 6 June 2024, including
  for surveys and polls).
- Both automated and preview dialing may present 0800–0809 (special numbers, free or at the
  plain rate): they are not *territorialisés*, so the automated-systems restriction does not
  reach them, and a callback costs the consumer nothing extra.
- Preview dialing (the agent launches each call) may also present ordinary 01–05 and 09 numbers,
  metropolitan and overseas.
- Never: mobile numbers (06, 07 and the overseas 0639, 0690–0697), reserved to interpersonal
  communications from a mobile access (plan 2.3.4; Arcep's FAQ names call centers); 0937–0939,
  reserved to exchanges between a mobile subscriber and a technical platform; surcharged special
  numbers (081, 082, 089): C. consom. L221-17 requires a number assigned to the professional
  that the consumer can call back, and leaves the barred ranges to an arrêté; callfloor bars all
  surcharged ranges rather than track the tariff cap; anything else (foreign numbers, unknown
  ranges) is refused for not being in an allowed range.

The French do-not-call rule applies to canvassing and to surveys and polls (a "ne m'appelez
plus" is an objection to the processing, RGPD art. 21, whatever the call's object), not to
collection or reminders of a current contract. It is never lifted for current customers,
though the former L223-1 allowed calling a Bloctel-registered customer about their contract:
``on_dnc`` does not say whether the entry comes from Bloctel or from the person's own request
to the tenant, and the latter must always win. The US one likewise ignores the TSR's
established-business-relationship exception (16 CFR 310.4(b)(1)(iii)(B)(ii)), which does not
cover entity-specific requests.
"""

from collections.abc import Mapping
from types import MappingProxyType

from callfloor.core.compliance.config import parse_profile
from callfloor.core.compliance.rules import Profile

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
_EVERY_DAY = (*_WEEKDAYS, "sat", "sun")

_DEDICATED = ["+33162", "+33163", "+33270", "+33271", "+33377", "+33378", "+33424", "+33425",
              "+33568", "+33569", "+33948", "+33949",
              "+339475", "+5909475", "+339476", "+5949476", "+339477", "+5969477",
              "+339478", "+339479", "+2629478", "+2629479"]  # fmt: skip
_SPECIAL_PLAIN = [f"+3380{digit}" for digit in range(10)]  # 0800–0809
_ORDINARY = ["+331", "+332", "+333", "+334", "+335", "+339",
             "+590590", "+5909", "+594594", "+5949", "+596596", "+5969",
             "+262262", "+262263", "+262269", "+2629"]  # fmt: skip
_MOBILE = ["+336", "+337", "+590690", "+590691", "+594694", "+596696", "+596697",
           "+262639", "+262692", "+262693"]  # fmt: skip
_NEVER = [
    {
        "prefixes": _MOBILE,
        "reason_fr": "numéro mobile : réservé aux communications interpersonnelles depuis un accès "
        "mobile, interdit aux centres d'appels (plan de numérotation, décision Arcep 2022-1583)",
        "reason_en": "a mobile number: reserved to interpersonal communications from a mobile access, "
        "not allowed for call centers (numbering plan, Arcep decision 2022-1583)",
    },
    {
        "prefixes": ["+33937", "+33938", "+33939"],
        "reason_fr": "numéro 0937–0939 : réservé aux échanges avec une plateforme technique "
        "(décision Arcep 2022-1583)",
        "reason_en": "a 0937–0939 number: reserved to exchanges with a technical platform "
        "(Arcep decision 2022-1583)",
    },
    {
        "prefixes": ["+3381", "+3382", "+3389"],
        "reason_fr": "numéro surtaxé (081, 082, 089) : le consommateur qui rappelle paierait un "
        "supplément (C. consom. L221-17)",
        "reason_en": "a surcharged number (081, 082, 089): a consumer calling back would pay a "
        "surcharge (French consumer code L221-17)",
    },
]
_NOT_DEDICATED = {
    "prefixes": _ORDINARY,
    "reason_fr": "numéro géographique ou polyvalent hors des tranches dédiées : un système "
    "automatisé d'appels ne peut présenter que 0162, 0163, 0270, 0271, 0377, 0378, 0424, 0425, "
    "0568, 0569, 0948, 0949 (09475 à 09479 outre-mer) ou un 0800–0809 (décision Arcep 2022-1583)",
    "reason_en": "a geographic or polyvalent number outside the dedicated ranges: an automated "
    "calling system may present only 0162, 0163, 0270, 0271, 0377, 0378, 0424, 0425, 0568, 0569, "
    "0948, 0949 (09475 to 09479 overseas) or a 0800–0809 (Arcep decision 2022-1583)",
}
_DECREE = "décret 2022-1313 art. 1 (C. consom. D223-9)"

FR_DATA: Mapping[str, object] = MappingProxyType({
    "name": "FR",
    "country": "FR",
    "zone": "Europe/Paris",
    "canvassing": ["prospecting", "quote_followup"],
    "rules": [
        {"id": "fr.decret-2022-1313.hours", "kind": "calling_hours", "purposes": "canvassing",
         "citation": f"{_DECREE} al. 1", "in_force_from": "2023-03-01", "consumers_only": True,
         "params": {"weekly": {day: ["10:00-13:00", "14:00-20:00"] for day in _WEEKDAYS}}},
        {"id": "fr.decret-2022-1313.holidays", "kind": "no_public_holidays", "purposes": "canvassing",
         "citation": f"{_DECREE} al. 1; C. trav. L3133-1", "in_force_from": "2023-03-01",
         "consumers_only": True},
        {"id": "fr.decret-2022-1313.attempts", "kind": "attempt_cap", "purposes": "canvassing",
         "citation": f"{_DECREE} al. 3", "in_force_from": "2023-03-01", "consumers_only": True,
         "params": {"max_attempts": 4, "window_days": 30}},
        {"id": "fr.decret-2022-1313.refusal", "kind": "refusal_cooldown", "purposes": "canvassing",
         "citation": f"{_DECREE} al. 3", "in_force_from": "2023-03-01", "consumers_only": True,
         "params": {"days": 60}},
        {"id": "fr.loi-2025-594.consent", "kind": "consent_required", "purposes": "canvassing",
         "citation": "loi 2025-594 art. 13 (C. consom. L223-1 al. 1 à 4)", "in_force_from": "2026-08-11",
         "consumers_only": True, "existing_customer_exempt": True},
        {"id": "fr.code-conso-l223-1.opposition", "kind": "do_not_call",
         "purposes": ["prospecting", "quote_followup", "survey", "poll"],
         "citation": "C. consom. L223-1 (liste d'opposition Bloctel, et liste propre du professionnel)"},
        {"id": "fr.arcep-2022-1583.caller-id", "kind": "caller_id_plan", "purposes": "all",
         "citation": "décision Arcep 2022-1583 (plan national de numérotation); C. consom. L221-17",
         "in_force_from": "2023-01-01",
         "params": {
             "automated": {"allow": _DEDICATED + _SPECIAL_PLAIN, "refuse": [*_NEVER, _NOT_DEDICATED]},
             "manual": {"allow": _DEDICATED + _SPECIAL_PLAIN + _ORDINARY, "refuse": _NEVER},
         }},
    ],
})  # fmt: skip

US_DATA: Mapping[str, object] = MappingProxyType({
    "name": "US",
    "country": "US",
    "zone": "America/New_York",
    "canvassing": ["prospecting", "quote_followup"],
    "rules": [
        {"id": "us.tsr.hours", "kind": "calling_hours", "purposes": "canvassing",
         "citation": "16 CFR 310.4(c)", "consumers_only": True,
         "params": {"weekly": {day: ["08:00-21:00"] for day in _EVERY_DAY}}},
        {"id": "us.fdcpa.hours", "kind": "calling_hours", "purposes": ["collection"],
         "citation": "15 U.S.C. 1692c(a)(1)", "consumers_only": True,
         "params": {"weekly": {day: ["08:00-21:00"] for day in _EVERY_DAY}}},
        {"id": "us.tsr.dnc", "kind": "do_not_call", "purposes": "canvassing",
         "citation": "16 CFR 310.4(b)(1)(iii)(A) and (B)", "consumers_only": True},
        {"id": "us.tsr.caller-id", "kind": "caller_id_plan", "purposes": "canvassing",
         "citation": "16 CFR 310.4(a)(8)", "params": {"automated": {"allow": ["+1"]}}},
        {"id": "us.tsr.abandon", "kind": "abandon_rate_cap", "purposes": "canvassing",
         "citation": "16 CFR 310.4(b)(1)(iv) and (b)(4)(i)", "consumers_only": True,
         "params": {"max_percent": 3, "window_days": 30}},
        {"id": "us.tsr.answer-delay", "kind": "answer_delay", "purposes": "canvassing",
         "citation": "16 CFR 310.4(b)(4)(ii) and (iii)", "consumers_only": True,
         "params": {"seconds": 2, "ring_seconds": 15}},
    ],
})  # fmt: skip

FR: Profile = parse_profile(FR_DATA)
US: Profile = parse_profile(US_DATA)
BUILTIN: Mapping[str, Profile] = MappingProxyType({"FR": FR, "US": US})
