"""The migrations build exactly the models' schema, and the logs are append-only in the database."""

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import DBAPIError

from callfloor.storage.migrate import current_revision, downgrade, head_revision, upgrade
from callfloor.storage.schema import metadata
from callfloor.testing.databases import backends, temporary_database


def _insert_tenant(connection: Connection) -> None:
    """Tenant 1, written in SQL: the models may be ahead of the schema under test."""
    connection.execute(
        text(
            "INSERT INTO tenants (slug, name, timezone, locale, country, sip_realm, active,"
            " created_at) VALUES ('t', 'T', 'UTC', 'fr', 'FR', 't', true, :at)"
        ),
        {"at": datetime(2026, 1, 1, tzinfo=UTC)},
    )


def _insert_queue(connection: Connection) -> None:
    """Queue 1 of tenant 1, ``q``, in SQL too."""
    connection.execute(
        text(
            "INSERT INTO queues (tenant_id, name, strategy, priority, service_level_s,"
            " service_level_percent, service_level_definition, short_abandon_s, wrap_up_s)"
            " VALUES (1, 'q', 'longest_idle', 0, 20, 80, 'offered', 5, 0)"
        )
    )


def test_migrated_schema_matches_models(engine: Engine) -> None:
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), metadata)
    assert diff == []
    assert current_revision(engine) == head_revision() == "0025"


def test_upgrade_is_idempotent(engine: Engine) -> None:
    upgrade(engine)
    assert current_revision(engine) == head_revision() == "0025"
    assert {"tenants", "users", "interaction_events"} <= set(inspect(engine).get_table_names())


@pytest.mark.parametrize("backend", backends())
def test_downgrade_to_nothing_and_back(backend: str, tmp_path: Path) -> None:
    with temporary_database(backend, tmp_path) as engine:
        downgrade(engine, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        upgrade(engine)
        assert "agents" in inspect(engine).get_table_names()


@pytest.mark.parametrize("backend", backends())
def test_recordings_upgrade_keeps_queues_and_their_skills(backend: str, tmp_path: Path) -> None:
    with temporary_database(backend, tmp_path, migrate=False) as engine:
        upgrade(engine, "0003")
        with engine.begin() as connection:
            _insert_tenant(connection)
            _insert_queue(connection)
            connection.execute(text("INSERT INTO skills (tenant_id, name, description) VALUES (1, 'fr', '')"))
            connection.execute(
                text(
                    "INSERT INTO queue_skills (tenant_id, queue_id, skill_id, min_level) VALUES (1, 1, 1, 3)"
                )
            )
        upgrade(engine, "0004")
        assert current_revision(engine) == "0004"
        with engine.connect() as connection:
            queue = connection.execute(text("SELECT recording, recording_retention_days FROM queues")).one()
            assert tuple(queue) == ("off", 90)
            assert connection.execute(text("SELECT count(*) FROM queue_skills")).scalar_one() == 1
        assert "recordings" in inspect(engine).get_table_names()
        downgrade(engine, "0003")
        assert "recordings" not in inspect(engine).get_table_names()
        assert "recording" not in {c["name"] for c in inspect(engine).get_columns("queues")}
        with engine.connect() as connection:  # a rebuilt queues table would have cascaded to these
            assert connection.execute(text("SELECT count(*) FROM queue_skills")).scalar_one() == 1


@pytest.mark.parametrize("backend", backends())
def test_trunks_upgrade_and_downgrade(backend: str, tmp_path: Path) -> None:
    with temporary_database(backend, tmp_path, migrate=False) as engine:
        upgrade(engine, "0004")
        assert "trunks" not in inspect(engine).get_table_names()
        upgrade(engine, "0005")
        assert current_revision(engine) == "0005"
        with engine.begin() as connection:
            _insert_tenant(connection)
        insert = text(
            "INSERT INTO trunks (tenant_id, name, host, port, transport, register, expires, prefix, active)"
            " VALUES (1, :name, 'sip.example.net', :port, 'udp', false, 3600, '', true)"
        )
        with engine.begin() as connection:
            connection.execute(insert, {"name": "a", "port": 5060})
        with pytest.raises(DBAPIError, match="port_range"), engine.begin() as connection:
            connection.execute(insert, {"name": "b", "port": 70000})
        with pytest.raises(DBAPIError), engine.begin() as connection:  # one name per tenant
            connection.execute(insert, {"name": "a", "port": 5061})
        downgrade(engine, "0004")
        assert "trunks" not in inspect(engine).get_table_names()
        assert current_revision(engine) == "0004"


@pytest.mark.parametrize("backend", backends())
def test_ivr_flows_upgrade_keeps_numbers_and_downgrade_drops_flows(backend: str, tmp_path: Path) -> None:
    with temporary_database(backend, tmp_path, migrate=False) as engine:
        upgrade(engine, "0005")
        with engine.begin() as connection:
            _insert_tenant(connection)
            _insert_queue(connection)
            connection.execute(
                text(
                    "INSERT INTO numbers (tenant_id, number, queue_id, description) VALUES (1, '3900', 1, '')"
                )
            )
        upgrade(engine, "0006")
        assert current_revision(engine) == "0006"
        with engine.begin() as connection:
            assert tuple(connection.execute(text("SELECT queue_id, flow_id FROM numbers")).one()) == (1, None)
            connection.execute(
                text("INSERT INTO ivr_flows (tenant_id, name, active_version) VALUES (1, 'f', 1)")
            )
            version = text(
                "INSERT INTO ivr_flow_versions (tenant_id, flow_id, version, definition, created_at)"
                " VALUES (1, 1, :v, '{}', :at)"
            )
            connection.execute(version, {"v": 1, "at": datetime(2026, 1, 1, tzinfo=UTC)})
        with pytest.raises(DBAPIError), engine.begin() as connection:  # one row per version
            connection.execute(version, {"v": 1, "at": datetime(2026, 1, 1, tzinfo=UTC)})
        downgrade(engine, "0005")
        assert not {"ivr_flows", "ivr_flow_versions"} & set(inspect(engine).get_table_names())
        with engine.connect() as connection:
            assert connection.execute(text("SELECT queue_id FROM numbers")).scalar_one() == 1


CONTACTS = ("accounts", "contacts", "contact_phones", "contact_emails", "postal_addresses", "consents")


@pytest.mark.parametrize("backend", backends())
def test_contacts_upgrade_and_downgrade(backend: str, tmp_path: Path) -> None:
    with temporary_database(backend, tmp_path, migrate=False) as engine:
        upgrade(engine, "0006")
        with engine.begin() as connection:
            _insert_tenant(connection)
        upgrade(engine, "0007")
        assert set(CONTACTS) | {"custom_fields"} <= set(inspect(engine).get_table_names())
        at = {"at": datetime(2026, 1, 1, tzinfo=UTC)}
        contact = (
            "INSERT INTO contacts (tenant_id, first_name, last_name, name_folded, customer_number, tags,"
            " custom, notes, created_at, updated_at) VALUES (1, 'A', 'B', 'a b', :n, '[]', '{}', '', :at, :at)"
        )
        with engine.begin() as connection:
            connection.execute(text(contact), {**at, "n": "C1"})
            connection.execute(text(contact), {**at, "n": None})
            connection.execute(text(contact), {**at, "n": None})  # no number: no clash
            connection.execute(
                text(
                    "INSERT INTO contact_phones (tenant_id, contact_id, number, label) VALUES (1, 1, '+33612345678', 'mobile')"
                )
            )
        with pytest.raises(DBAPIError), engine.begin() as connection:  # one customer number per tenant
            connection.execute(text(contact), {**at, "n": "C1"})
        with pytest.raises(DBAPIError, match="one_owner"), engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO contact_phones (tenant_id, number, label) VALUES (1, '+33612345678', 'work')"
                )
            )
        downgrade(engine, "0006")
        assert not (set(CONTACTS) | {"custom_fields"}) & set(inspect(engine).get_table_names())
        assert current_revision(engine) == "0006"


SALES = ("products", "sales_counters", "quotes", "quote_lines", "orders", "order_lines")


@pytest.mark.parametrize("backend", backends())
def test_sales_upgrade_and_downgrade(backend: str, tmp_path: Path) -> None:
    with temporary_database(backend, tmp_path, migrate=False) as engine:
        upgrade(engine, "0007")
        with engine.begin() as connection:
            _insert_tenant(connection)
        upgrade(engine, "0008")
        assert set(SALES) <= set(inspect(engine).get_table_names())
        quote = text(
            "INSERT INTO quotes (tenant_id, number, status, notes, total_excl_vat, total_vat,"
            " total_incl_vat, valid_until, created_at, updated_at)"
            " VALUES (1, :n, :s, '', 504.30, 100.86, 605.16, :d, :at, :at)"
        )
        values = {"d": date(2026, 4, 30), "at": datetime(2026, 4, 1, tzinfo=UTC)}
        with engine.begin() as connection:
            connection.execute(quote, {**values, "n": "D-2026-000001", "s": "draft"})
            total = connection.execute(text("SELECT total_incl_vat FROM quotes")).scalar_one()
            assert Decimal(str(total)) == Decimal("605.16")
        with pytest.raises(DBAPIError), engine.begin() as connection:  # one number per tenant
            connection.execute(quote, {**values, "n": "D-2026-000001", "s": "draft"})
        with pytest.raises(DBAPIError, match="status"), engine.begin() as connection:
            connection.execute(quote, {**values, "n": "D-2026-000002", "s": "lost"})
        downgrade(engine, "0007")
        assert not set(SALES) & set(inspect(engine).get_table_names())
        assert "contacts" in inspect(engine).get_table_names()


TICKETS = ("tenant_schedules", "teams", "team_members", "ticket_categories", "ticket_counters", "tickets")
TICKET_ROWS = ("ticket_events", "ticket_comments", "ticket_attachments")


@pytest.mark.parametrize("backend", backends())
def test_tickets_upgrade_and_downgrade(backend: str, tmp_path: Path) -> None:
    with temporary_database(backend, tmp_path, migrate=False) as engine:
        upgrade(engine, "0008")
        with engine.begin() as connection:
            _insert_tenant(connection)
        upgrade(engine, "0009")
        assert set(TICKETS + TICKET_ROWS) <= set(inspect(engine).get_table_names())
        ticket = text(
            "INSERT INTO tickets (tenant_id, number, kind, subject, description, priority, status, level,"
            " channel, created_at, updated_at) VALUES (1, :n, 'complaint', 'S', '', 'normal', :s, 1, 'phone',"
            " :at, :at)"
        )
        at = {"at": datetime(2026, 4, 1, tzinfo=UTC)}
        event = "INSERT INTO ticket_events (tenant_id, ticket_id, type, at, data) VALUES (1, 1, 'created', :at, '{}')"
        with engine.begin() as connection:
            connection.execute(ticket, {**at, "n": "T-2026-000001", "s": "new"})
            connection.execute(text(event), at)
        with pytest.raises(DBAPIError), engine.begin() as connection:  # one number per tenant
            connection.execute(ticket, {**at, "n": "T-2026-000001", "s": "new"})
        with pytest.raises(DBAPIError, match="status"), engine.begin() as connection:
            connection.execute(ticket, {**at, "n": "T-2026-000002", "s": "lost"})
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text("UPDATE ticket_events SET type = 'comment'"))
        downgrade(engine, "0008")
        assert not set(TICKETS + TICKET_ROWS) & set(inspect(engine).get_table_names())
        assert "quotes" in inspect(engine).get_table_names()


@pytest.mark.parametrize("backend", backends())
def test_interactions_upgrade_and_downgrade(backend: str, tmp_path: Path) -> None:
    with temporary_database(backend, tmp_path, migrate=False) as engine:
        upgrade(engine, "0009")
        with engine.begin() as connection:
            _insert_tenant(connection)
        upgrade(engine, "0010")
        record = text(
            "INSERT INTO interactions (tenant_id, interaction_id, channel, direction, number, started_at,"
            " ended_at, outcome, notes, created_at) VALUES (1, :i, 'call', 'inbound', '+33612345678', :at,"
            " :at, :o, '', :at)"
        )
        at = {"at": datetime(2026, 4, 1, tzinfo=UTC)}
        with engine.begin() as connection:
            connection.execute(record, {**at, "i": "c1", "o": "completed"})
        with pytest.raises(DBAPIError), engine.begin() as connection:  # one record per interaction
            connection.execute(record, {**at, "i": "c1", "o": "completed"})
        with pytest.raises(DBAPIError, match="outcome"), engine.begin() as connection:
            connection.execute(record, {**at, "i": "c2", "o": "lost"})
        downgrade(engine, "0009")
        assert "interactions" not in inspect(engine).get_table_names()
        assert "tickets" in inspect(engine).get_table_names()


@pytest.mark.parametrize("backend", backends())
def test_appointments_upgrade_and_downgrade(backend: str, tmp_path: Path) -> None:
    with temporary_database(backend, tmp_path, migrate=False) as engine:
        upgrade(engine, "0010")
        with engine.begin() as connection:
            _insert_tenant(connection)
            connection.execute(
                text(
                    "INSERT INTO users (tenant_id, email, name, role, password_hash, active, token_version,"
                    " created_at) VALUES (1, 'rep@t.example', 'Rep', 'agent', NULL, true, 0, :at)"
                ),
                {"at": datetime(2026, 1, 1, tzinfo=UTC)},
            )
        upgrade(engine, "0011")
        at = {"at": datetime(2026, 4, 1, 9, tzinfo=UTC), "end": datetime(2026, 4, 1, 10, tzinfo=UTC)}
        calendar = (
            "INSERT INTO calendars (tenant_id, user_id, name, postal_prefixes, area_label, skills, hours,"
            " timezone, slot_minutes, buffer_minutes, feed_token, active, bookings, created_at)"
            " VALUES (1, 1, 'Rep', '[]', '', '[]', '{}', 'Europe/Paris', 30, 0, :token, true, 0, :at)"
        )
        appointment = text(
            "INSERT INTO appointments (tenant_id, calendar_id, start_at, end_at, subject, notes, location,"
            " status, sequence, uid, booked_at, source, updated_at) VALUES (1, 1, :at, :end, 'RDV', '', '',"
            " 'booked', 0, :uid, :at, :source, :at)"
        )
        with engine.begin() as connection:
            connection.execute(text(calendar), {**at, "token": "t1"})
            connection.execute(appointment, {**at, "uid": "u1", "source": "agent"})
        with pytest.raises(DBAPIError), engine.begin() as connection:  # one calendar per rep
            connection.execute(text(calendar), {**at, "token": "t2"})
        with pytest.raises(DBAPIError, match="source"), engine.begin() as connection:
            connection.execute(appointment, {**at, "uid": "u2", "source": "fax"})
        with pytest.raises(DBAPIError, match="ends_after_start"), engine.begin() as connection:
            connection.execute(appointment, {**at, "end": at["at"], "uid": "u3", "source": "web"})
        downgrade(engine, "0010")
        assert not {"calendars", "busy_times", "appointments"} & set(inspect(engine).get_table_names())
        assert "interactions" in inspect(engine).get_table_names()


@pytest.mark.parametrize("backend", backends())
def test_survey_answers_upgrade_and_downgrade(backend: str, tmp_path: Path) -> None:
    with temporary_database(backend, tmp_path, migrate=False) as engine:
        upgrade(engine, "0013")
        with engine.begin() as connection:
            _insert_tenant(connection)
            _insert_queue(connection)
            connection.execute(text("INSERT INTO skills (tenant_id, name, description) VALUES (1, 'fr', '')"))
            connection.execute(
                text(
                    "INSERT INTO queue_skills (tenant_id, queue_id, skill_id, min_level) VALUES (1, 1, 1, 3)"
                )
            )
        upgrade(engine, "0014")
        with engine.connect() as connection:  # the queue gains nothing it did not ask for
            assert tuple(connection.execute(text("SELECT survey, team_email FROM queues")).one()) == (
                None,
                None,
            )
        answer = text(
            "INSERT INTO survey_answers (tenant_id, interaction_id, queue, agent, survey, question, value,"
            " answered_at) VALUES (1, 'c1', 'q', '101', 'csat', :q, :v, :at)"
        )
        at = {"at": datetime(2026, 4, 1, tzinfo=UTC)}
        with engine.begin() as connection:
            connection.execute(answer, {**at, "q": "satisfaction", "v": 5})
        with pytest.raises(DBAPIError), engine.begin() as connection:  # one answer per question
            connection.execute(answer, {**at, "q": "satisfaction", "v": 4})
        with pytest.raises(DBAPIError, match="value"), engine.begin() as connection:
            connection.execute(answer, {**at, "q": "resolved", "v": -1})
        downgrade(engine, "0013")
        assert "survey_answers" not in inspect(engine).get_table_names()
        assert not {"survey", "team_email"} & {c["name"] for c in inspect(engine).get_columns("queues")}
        with engine.connect() as connection:  # a rebuilt queues table would have cascaded to these
            assert connection.execute(text("SELECT count(*) FROM queue_skills")).scalar_one() == 1


@pytest.mark.parametrize("table", ["interaction_events", "audit_log"])
def test_log_rows_cannot_be_updated(engine: Engine, table: str) -> None:
    with engine.begin() as connection:
        _insert_tenant(connection)
        if table == "interaction_events":
            connection.execute(
                text(
                    "INSERT INTO interaction_events (tenant_id, type, at, payload)"
                    " VALUES (1, 'enqueued', :at, '{}')"
                ),
                {"at": datetime(2026, 1, 1)},
            )
        else:
            connection.execute(
                text(
                    "INSERT INTO audit_log (tenant_id, at, action, details)"
                    " VALUES (1, :at, 'login.success', '{}')"
                ),
                {"at": datetime(2026, 1, 1)},
            )
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
        connection.execute(text(f"UPDATE {table} SET at = :at"), {"at": datetime(2027, 1, 1)})
    with engine.connect() as connection:
        assert connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() == 1


@pytest.mark.parametrize("backend", backends())
def test_webhooks_upgrade_and_downgrade(backend: str, tmp_path: Path) -> None:
    with temporary_database(backend, tmp_path, migrate=False) as engine:
        upgrade(engine, "0011")
        with engine.begin() as connection:
            _insert_tenant(connection)
        upgrade(engine, "0012")
        at = {"at": datetime(2026, 4, 1, tzinfo=UTC)}
        delivery = text(
            "INSERT INTO webhook_deliveries (tenant_id, webhook_id, event_id, event, payload, status, attempts,"
            " next_attempt_at, created_at) VALUES (1, 1, 'e', 'ping', '{}', :s, 0, :at, :at)"
        )
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO webhooks (tenant_id, url, events, secret_sealed, description, active,"
                    " created_at) VALUES (1, 'https://crm.example/hook', '[]', 'sealed', '', true, :at)"
                ),
                at,
            )
            connection.execute(delivery, {**at, "s": "pending"})
        with pytest.raises(DBAPIError, match="status"), engine.begin() as connection:
            connection.execute(delivery, {**at, "s": "lost"})
        with engine.begin() as connection:  # a webhook's deliveries go with it
            connection.execute(text("DELETE FROM webhooks"))
            assert connection.execute(text("SELECT count(*) FROM webhook_deliveries")).scalar_one() == 0
        downgrade(engine, "0011")
        assert not {"webhooks", "webhook_deliveries"} & set(inspect(engine).get_table_names())
        assert "appointments" in inspect(engine).get_table_names()


@pytest.mark.parametrize("backend", backends())
def test_client_viewer_access_is_added_off_without_touching_tenant_rows(backend: str, tmp_path: Path) -> None:
    with temporary_database(backend, tmp_path, migrate=False) as engine:
        upgrade(engine, "0012")
        with engine.begin() as connection:
            _insert_tenant(connection)
            _insert_queue(connection)
        upgrade(engine, "0013")
        with engine.connect() as connection:
            flag = connection.execute(text("SELECT client_viewer_personal_data FROM tenants")).scalar_one()
            assert flag in (False, 0)
            assert connection.execute(text("SELECT count(*) FROM queues")).scalar_one() == 1  # no cascade
        downgrade(engine, "0012")
        assert "client_viewer_personal_data" not in {
            c["name"] for c in inspect(engine).get_columns("tenants")
        }
