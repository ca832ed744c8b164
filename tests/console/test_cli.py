"""`python -m bot.console`: first admin with a password from stdin, purge and erase."""

from __future__ import annotations

import io

import pytest

from bot.console import __main__ as cli
from bot.console import audit
from bot.console.accounts import authenticate
from bot.conversations.erasure import list_erasures


@pytest.fixture()
def configured(monkeypatch, database_url):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("CONSOLE_SECRET_KEY", "cli-test-secret")
    monkeypatch.setenv("RETENTION_DAYS", "5")
    return database_url


def test_create_admin_stores_a_hash_and_refuses_short_passwords(configured, engine, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("a very long admin password\n"))
    assert cli.main(["create-admin", "--username", "root", "--password-stdin"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert cli.main(["create-admin", "--username", "other", "--password-stdin"]) == 1
    with engine.begin() as connection:
        assert authenticate(connection, "root", "a very long admin password").role == "admin"
        assert authenticate(connection, "other", "short") is None
        [entry] = audit.entries(connection, action=audit.ACCOUNT_CHANGE)
    assert entry.target == "root" and entry.actor.startswith("cli:")


def test_purge_uses_retention_days_and_erase_one(configured, engine, seeded, capsys):
    assert cli.main(["purge"]) == 0  # weather (10 days) goes, bot-question (4 days) stays
    assert "1 conversation(s) older than 5 days erased" in capsys.readouterr().out
    assert cli.main(["erase", seeded["held-myawaddy"]]) == 0
    with engine.connect() as connection:
        erased = {(e.sender_id, e.requested_by) for e in list_erasures(connection)}
    assert erased == {(seeded["weather"], "retention"), (seeded["held-myawaddy"], "admin")}
