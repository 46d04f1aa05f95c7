"""Campaigns in the center YAML: checked settings, references by name, refusals at their line."""

import pytest
from sqlalchemy.orm import Session, sessionmaker

from callfloor.center.transfer import dump_center, export_center, import_center
from callfloor.storage import CenterConfigError
from callfloor.storage.passwords import Passwords
from callfloor.yamlfile import YamlFileError, parse_yaml

HEAD = """\
dispositions:
  - {code: vente, label: {fr: Vente, en: Sale}, success: true}
queues:
  - {name: ventes}
"""


def _import(sessions: sessionmaker[Session], passwords: Passwords, text: str) -> None:
    with sessions.begin() as session:
        import_center(session, "acme", parse_yaml(text, "center.yaml"), passwords)


def test_a_campaign_round_trips_with_its_retry_rules(
    sessions: sessionmaker[Session], passwords: Passwords
) -> None:
    text = (
        HEAD
        + """\
campaigns:
  - name: relance
    type: quote_followup
    mode: predictive
    queue: ventes
    caller_id: 01 62 00 00 01
    dispositions: [vente]
    retry: {outcomes: {busy: {then: retry, delay: 20m}}}
"""
    )
    _import(sessions, passwords, text)
    with sessions() as session:
        exported = dump_center(export_center(session, "acme"))
    assert "caller_id: '+33162000001'" in exported and "delay: 20m" in exported
    _import(sessions, passwords, exported)
    with sessions() as session:
        assert dump_center(export_center(session, "acme")) == exported


@pytest.mark.parametrize(
    ("campaign", "line", "words"),
    [
        ("{name: c, type: prospecting, mode: progressive, caller_id: '0612345678'}", 6, "mobile"),
        ("{name: c, type: prospecting, mode: predictive}", 6, "caller_id"),
        ("{name: c, type: prospecting, caller_id: '0162000001', script: absent}", 6, "unknown script"),
        (
            "{name: c, type: prospecting, caller_id: '0162000001', dispositions: [vente, nope]}",
            6,
            "unknown disposition",
        ),
        ("{name: c, type: canvassing}", 6, "type"),
    ],
)
def test_a_bad_campaign_is_refused_at_its_line(
    sessions: sessionmaker[Session], passwords: Passwords, campaign: str, line: int, words: str
) -> None:
    with pytest.raises((CenterConfigError, YamlFileError)) as refused:
        _import(sessions, passwords, HEAD + f"campaigns:\n  - {campaign}\n")
    text = str(refused.value)
    assert f"center.yaml:{line}" in text and words in text
