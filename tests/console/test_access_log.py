"""The access log: no typed text in it, no rewriting it, and a rewrite around its guards is found.

On both databases: UPDATE, DELETE and any insert that does not extend the chain (SQLite's
REPLACE on an existing id included) are refused; a row changed by someone who dropped the
triggers first (a database administrator can) is named by `verify-log` and the admin page.
"""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from bot.console import audit
from bot.console.__main__ import main as cli
from bot.console.accounts import create_account
from bot.console.db import MIGRATIONS, make_engine, migrate, utcnow
from bot.console.tables import audit_log
from tests.console.conftest import csrf_token
from tests.console.test_web import _account, _login

PASSWORD = "a long enough password"
NOTE = "Spoke to her sister Dara; she is in building 4"
REFERRAL = "Hope Shelter, ask for Ms Chanthy"


@pytest.fixture()
def configured(monkeypatch, database_url):
    """`python -m bot.console` pointed at the test's database."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("CONSOLE_SECRET_KEY", "cli-test-secret")


def _log(engine, count: int = 3) -> None:
    with engine.begin() as connection:
        for number in range(count):
            audit.record(connection, "ana", audit.VIEW_TRANSCRIPT, f"conv-{number}", "10.0.0.1")


def _drop_guards(engine) -> None:
    """What a database administrator can do: take the triggers off the table."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("ALTER TABLE console_audit_log DISABLE TRIGGER ALL")
        else:
            for name in connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'console_audit_log'"
            ).scalars():
                connection.exec_driver_sql(f"DROP TRIGGER {name}")


def _actors(engine) -> list[str]:
    with engine.connect() as connection:
        return list(connection.execute(sa.select(audit_log.c.actor).order_by("id")).scalars())


def test_an_intact_log_verifies(engine, configured, capsys):
    _log(engine, 5)
    with engine.connect() as connection:
        check = audit.verify_log(connection)
    assert check.intact and check.rows == 5 and check.head_id == 5
    assert cli(["verify-log"]) == 0
    assert "intact: 5 row(s)" in capsys.readouterr().out


@pytest.mark.parametrize(
    "statement",
    [
        "REPLACE INTO console_audit_log (id, at, actor, action, ip) "
        "VALUES (1, '2026-01-01 00:00:00', 'mallory', 'login', '6.6.6.6')",
        "INSERT OR REPLACE INTO console_audit_log (id, at, actor, action, ip) "
        "VALUES (1, '2026-01-01 00:00:00', 'mallory', 'login', '6.6.6.6')",
        "INSERT INTO console_audit_log (id, at, actor, action) "
        "VALUES (1, '2026-01-01 00:00:00', 'mallory', 'login') "
        "ON CONFLICT (id) DO UPDATE SET actor = excluded.actor",
        "UPDATE console_audit_log SET actor = 'mallory'",
        "DELETE FROM console_audit_log WHERE id = 1",
    ],
)
def test_no_statement_rewrites_a_row(engine, statement):
    if statement.startswith(("REPLACE", "INSERT OR")) and engine.dialect.name != "sqlite":
        pytest.skip("SQLite's REPLACE; PostgreSQL has no such statement")
    _log(engine)
    with pytest.raises(sa.exc.DatabaseError), engine.begin() as connection:
        connection.exec_driver_sql(statement)
    assert _actors(engine) == ["ana"] * 3
    with engine.connect() as connection:
        assert audit.verify_log(connection).intact


def test_a_row_that_does_not_extend_the_chain_is_refused(engine):
    _log(engine)
    forged = {
        "at": utcnow(),
        "actor": "mallory",
        "action": audit.LOGIN,
        "prev_hash": "0" * 64,
        "row_hash": "f" * 64,
    }
    for values in ({**forged, "id": 4}, {**forged, "id": 2}, {**forged}):
        with pytest.raises(sa.exc.DatabaseError), engine.begin() as connection:
            connection.execute(sa.insert(audit_log).values(**values))
    assert _actors(engine) == ["ana"] * 3


def test_a_row_changed_behind_the_triggers_is_named(engine, configured, capsys):
    _log(engine, 5)
    _drop_guards(engine)
    with engine.begin() as connection:
        connection.execute(
            sa.update(audit_log).where(audit_log.c.id == 3).values(actor="mallory", ip="6.6.6.6")
        )
    with engine.connect() as connection:
        check = audit.verify_log(connection)
    assert (check.intact, check.broken_id) == (False, 3)
    assert cli(["verify-log"]) == 1
    assert "row 3" in capsys.readouterr().err


def test_a_row_removed_or_resealed_without_the_key_is_found(engine):
    import hashlib
    import json

    _log(engine, 5)
    _drop_guards(engine)
    with engine.begin() as connection:
        connection.execute(sa.delete(audit_log).where(audit_log.c.id == 2))
    with engine.connect() as connection:
        assert audit.verify_log(connection).broken_id == 3  # it no longer follows row 1
    with engine.begin() as connection:
        row = connection.execute(sa.select(audit_log).where(audit_log.c.id == 4)).mappings().one()
        resealed = hashlib.sha256(json.dumps({**row, "actor": "x"}, default=str).encode())
        connection.execute(
            sa.update(audit_log)
            .where(audit_log.c.id == 4)
            .values(actor="x", row_hash=resealed.hexdigest())
        )
        connection.execute(sa.delete(audit_log).where(audit_log.c.id < 4))
        connection.execute(
            sa.update(audit_log).where(audit_log.c.id == 4).values(prev_hash="0" * 64)
        )
    with engine.connect() as connection:
        assert audit.verify_log(connection).broken_id == 4  # its seal needs the key


def test_the_admin_page_verifies_the_chain_and_names_the_broken_row(app, engine):
    with engine.begin() as connection:
        create_account(connection, "root", PASSWORD, "admin", "test")
    client = app.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"username": "root", "password": PASSWORD, "csrf_token": token})
    intact = client.get("/admin/audit/verify")
    assert intact.status_code == 200 and "intact" in intact.get_data(as_text=True)

    _drop_guards(engine)
    with engine.begin() as connection:
        connection.execute(sa.update(audit_log).where(audit_log.c.id == 1).values(ip="6.6.6.6"))
    page = client.get("/admin/audit/verify").get_data(as_text=True)
    assert "broken" in page.lower() and "row 1 " in page
    with engine.connect() as connection:
        latest, first = audit.entries(connection, action=audit.VERIFY_LOG)
    assert first.detail.startswith("intact") and first.actor == "root"
    assert latest.detail.startswith("broken at row 1")


def test_writers_at_the_same_time_never_fork_the_chain(engine):
    errors: list[BaseException] = []

    def write(number: int) -> None:
        try:
            for _ in range(10):
                with engine.begin() as connection:
                    audit.record(connection, f"writer-{number}", audit.VIEW_QUEUE)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with engine.connect() as connection:
        check = audit.verify_log(connection)
    assert check.intact and check.rows == 40


def test_the_migration_seals_the_rows_written_before_it(database_url):
    engine = make_engine(database_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0003")
    with engine.begin() as connection:  # rows as the console wrote them before the chain
        for number in range(3):
            connection.execute(
                sa.text(
                    "INSERT INTO console_audit_log (at, actor, action, target) "
                    "VALUES (:at, 'ana', 'view_queue', :target)"
                ),
                {"at": utcnow(), "target": f"old-{number}"},
            )
    migrate(engine)
    _log(engine, 2)
    with engine.connect() as connection:
        check = audit.verify_log(connection)
    assert check.intact and check.rows == 5
    with pytest.raises(sa.exc.DatabaseError), engine.begin() as connection:
        connection.exec_driver_sql("UPDATE console_audit_log SET actor = 'mallory'")
    engine.dispose()


def test_the_access_log_never_holds_a_referral_or_a_note_typed_by_a_caseworker(app, engine, seeded):
    _account(app, "ana", "caseworker")
    client = app.test_client()
    _login(client, "ana")
    sender = seeded["offer"]
    page = client.get(f"/conversations/{sender}").get_data(as_text=True)
    for referral in (REFERRAL, "Other shelter, room 12", ""):
        client.post(
            f"/follow-up/{sender}",
            data={
                "csrf_token": csrf_token(page),
                "status": "referred" if referral else "in_progress",
                "assignee": "ana",
                "referral": referral,
            },
        )
    client.post(f"/notes/{sender}", data={"csrf_token": csrf_token(page), "text": NOTE})

    with engine.connect() as connection:
        logged = connection.execute(sa.select(audit.audit_log)).mappings().all()
    text = " ".join(str(value) for row in logged for value in row.values())
    assert "Hope Shelter" not in text and "room 12" not in text and "Dara" not in text
    details = [row["detail"] for row in logged if row["action"] == audit.FOLLOW_UP_CHANGE]
    assert details == [
        "status: new -> referred",
        "assignee: - -> ana",
        "referral set",
        "referral changed",
        "status: referred -> in_progress",
        "referral removed",
    ]


def test_a_failed_login_logs_the_name_typed_only_when_it_is_an_account(app):
    _account(app, "ana", "caseworker")
    client = app.test_client()
    _login(client, "ana", "not her password")
    _login(client, "my secret passphrase", "ana")  # the password typed in the name field
    with app.extensions["lantern_engine"].connect() as connection:
        failed = audit.entries(connection, action=audit.LOGIN_FAILED)
    assert [entry.actor for entry in failed] == ["(no such account)", "ana"]
