"""The export of a person's data as a page they can read, in their language (French or English).

The page shows the very document :meth:`~callfloor.crm.gdpr_rights.DataSubjectRights.export`
returns, part by part under each holder's title, every field under a label in the contact's
language (a field no label names is shown by its name, made readable). The template is
``web/templates/gdpr_export.html``; values are escaped, since every one of them was typed by
someone.
"""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

TEMPLATES = Path(__file__).resolve().parent.parent / "web" / "templates"
_ENV = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))

#: The page's own words.
WORDS: Mapping[str, Mapping[str, str]] = {
    "fr": {
        "title": "Vos données personnelles", "exported_at": "Exporté le",
        "controller": "Responsable du traitement",
        "intro": "Copie des données vous concernant (RGPD, article 15).", "none": "Aucune donnée.",
        "yes": "oui", "no": "non", "empty": "—",
    },
    "en": {
        "title": "Your personal data", "exported_at": "Exported on", "controller": "Data controller",
        "intro": "A copy of the data held about you (GDPR, article 15).", "none": "No data.",
        "yes": "yes", "no": "no", "empty": "—",
    },
}  # fmt: skip

#: Field labels in French; English labels are the field names made readable, but for these.
FRENCH: Mapping[str, str] = {
    "id": "Identifiant", "civility": "Civilité", "first_name": "Prénom", "last_name": "Nom",
    "customer_number": "Numéro client", "language": "Langue", "timezone": "Fuseau horaire",
    "account": "Société", "tags": "Étiquettes", "custom": "Champs personnalisés", "notes": "Notes",
    "created_at": "Créé le", "updated_at": "Modifié le", "phones": "Téléphones", "number": "Numéro",
    "label": "Libellé", "emails": "Adresses e-mail", "address": "Adresse", "addresses": "Adresses postales",
    "lines": "Lignes", "postal_code": "Code postal", "city": "Ville", "country": "Pays",
    "consents": "Consentements", "channel": "Canal", "purpose": "Finalité", "granted": "Accordé",
    "source": "Preuve", "recorded_at": "Enregistré le", "interaction_id": "Identifiant d'interaction",
    "direction": "Sens", "queue": "File d'attente", "agent": "Agent", "started_at": "Début",
    "answered_at": "Décroché le", "ended_at": "Fin", "outcome": "Issue", "outcome_reason": "Motif",
    "recording_consent": "Enregistrement (choix)",
    "wait_s": "Attente (s)", "talk_s": "Conversation (s)", "disposition": "Qualification",
    "log": "Journal", "recordings": "Enregistrements", "type": "Type", "at": "Date", "payload": "Détails",
    "duration_s": "Durée (s)", "consent": "Information donnée", "retain_until": "Conservé jusqu'au",
    "audio": "Audio", "subject": "Objet", "description": "Description", "priority": "Priorité",
    "status": "Statut", "level": "Niveau", "kind": "Nature", "category": "Catégorie",
    "comments": "Commentaires", "body": "Texte", "internal": "Interne", "events": "Historique",
    "data": "Détails", "attachments": "Pièces jointes", "file_name": "Fichier", "content_type": "Format",
    "size": "Taille (octets)", "first_response_at": "Première réponse", "resolved_at": "Résolu le",
    "closed_at": "Clos le", "total_excl_vat": "Total HT", "total_vat": "TVA", "total_incl_vat": "Total TTC",
    "reference": "Référence", "quantity": "Quantité", "unit_price": "Prix unitaire HT", "discount": "Remise",
    "vat_rate": "Taux de TVA", "valid_until": "Valable jusqu'au", "sent_on": "Envoyé le",
    "taken_at": "Commandé le",
}  # fmt: skip
ENGLISH: Mapping[str, str] = {
    "id": "Id", "wait_s": "Wait (s)", "talk_s": "Talk (s)", "duration_s": "Duration (s)",
    "total_excl_vat": "Total excl. VAT", "total_vat": "VAT", "total_incl_vat": "Total incl. VAT",
    "vat_rate": "VAT rate", "unit_price": "Unit price excl. VAT", "emails": "E-mail addresses",
}  # fmt: skip


def label(key: str, language: str) -> str:
    """The label of a field in ``language``."""
    named = (FRENCH if language == "fr" else ENGLISH).get(key)
    return named or key.replace("_", " ").capitalize()


def render_html(document: Mapping[str, Any]) -> str:
    """The export ``document`` as an HTML page in its ``language``."""
    language = "en" if document.get("language") == "en" else "fr"
    return _ENV.get_template("gdpr_export.html").render(
        doc=document, lang=language, w=WORDS[language], label=lambda key: label(key, language)
    )
