"""``callfloor campaign-results``, run as a user runs it: the figures, the lists, the agents."""

from sqlalchemy.orm import Session, sessionmaker

from callfloor.storage.platform import Platform
from tests.outbound.morning import worked_morning
from tests.test_cli import cli, env  # noqa: F401 - the fixture is used by name


def _lines(text: str) -> list[str]:
    return [" ".join(line.replace("│", " ").replace("┃", " ").split()) for line in text.splitlines()]


def test_the_results_are_printed(env: dict[str, str], sessions: sessionmaker[Session]) -> None:  # noqa: F811
    with sessions.begin() as session:
        tenant = Platform(session).create_tenant("acme", "Acme").id
    worked_morning(sessions, tenant)
    shown = cli(env, "campaign-results", "--campaign", "prospection")
    assert shown.returncode == 0, shown.stderr
    lines = _lines(shown.stdout)
    assert "dialed / appels passés 4" in lines
    assert "drop rate / taux d'abandon 33.3 %" in lines
    assert "conversion rate / taux de transformation 50.0 %" in lines
    assert "janvier 0 0 0 1 2 0 3" in lines  # untouched … exhausted, total
    assert "all / toutes 0 0 1 1 2 1 5" in lines
    assert "sale 1 ✓" in lines and "refusal 1" in lines
    assert "1001 2 1 50.0 % 5.0 min" in lines
    later = cli(env, "campaign-results", "--campaign", "prospection", "--from", "2026-12-08T10:37:00+01:00")
    assert later.returncode == 0, later.stderr
    assert "dialed / appels passés 2" in _lines(later.stdout)


def test_errors_say_what_is_wrong(env: dict[str, str], sessions: sessionmaker[Session]) -> None:  # noqa: F811
    with sessions.begin() as session:
        Platform(session).create_tenant("acme", "Acme")
    unknown = cli(env, "campaign-results", "--campaign", "soldes")
    assert unknown.returncode == 1 and "campagne inconnue 'soldes'" in unknown.stderr
    naive = cli(env, "campaign-results", "--campaign", "soldes", "--from", "2026-12-08T10:00")
    assert naive.returncode == 1 and "give the UTC offset" in naive.stderr
    backwards = cli(env, "campaign-results", "--campaign", "soldes", "--from", "2026-12-08T10:00+01:00",
                    "--to", "2026-12-08T09:00+01:00")  # fmt: skip
    assert backwards.returncode == 1 and "--to must come after --from" in backwards.stderr
