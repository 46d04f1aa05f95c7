"""The pages' texts in French and English, and choosing the language of a request.

A small dictionary is enough for the handful of strings the pages have today; the web issue
moves them to gettext catalogues (Babel) when the pages grow.
"""

from fastapi import Request

from callfloor.core.config import Locale

LANG_COOKIE = "callfloor_lang"

TEXTS: dict[str, dict[Locale, str]] = {
    "login.title": {Locale.FR: "Connexion", Locale.EN: "Log in"},
    "login.email": {Locale.FR: "Adresse e-mail", Locale.EN: "E-mail address"},
    "login.password": {Locale.FR: "Mot de passe", Locale.EN: "Password"},
    "login.submit": {Locale.FR: "Se connecter", Locale.EN: "Log in"},
    "home.hello": {Locale.FR: "Bonjour", Locale.EN: "Hello"},
    "home.role": {Locale.FR: "Rôle", Locale.EN: "Role"},
    "home.tenant": {Locale.FR: "Centre", Locale.EN: "Center"},
    "home.extension": {Locale.FR: "Poste", Locale.EN: "Extension"},
    "home.api": {Locale.FR: "Documentation de l'API", Locale.EN: "API documentation"},
    "logout": {Locale.FR: "Se déconnecter", Locale.EN: "Log out"},
    "switch": {Locale.FR: "English", Locale.EN: "Français"},
}


def language(request: Request) -> Locale:
    """The language to answer ``request`` in."""
    for candidate in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        if candidate in {"fr", "en"}:
            return Locale(candidate)
    accept = request.headers.get("accept-language", "").lower()
    first = accept.split(",")[0].strip()[:2]
    return Locale.EN if first == "en" else Locale.FR


def translator(lang: Locale) -> dict[str, str]:
    """Every text in ``lang``, for a template."""
    return {key: texts[lang] for key, texts in TEXTS.items()}
