"""Fixtures of the console's tests (run in the console's virtualenv, see `make test`).

`database_url` runs a test once on SQLite and once on PostgreSQL (a throw-away database).
"""

from __future__ import annotations

import os
import re
import time
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from bot.console.app import create_app
from bot.console.config import ConsoleConfig
from bot.console.db import make_engine, migrate
from bot.console.security import limiter
from bot.contract import RISK_LEVELS
from bot.conversations.recorded import load_recorded, write_all

POSTGRES_SERVER = "postgresql://postgres@localhost:5432"
# The access log's seal key (bot.console.config.audit_key); consoles the tests start inherit it.
os.environ.setdefault("CONSOLE_AUDIT_KEY", "console-tests-audit-key-" + "k" * 32)
NOW = time.time()
HOUR = 3600.0
DAY = 86400.0


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> Iterator[str]:
    """A fresh database: a SQLite file, or a PostgreSQL database dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'lantern.db'}"
        return
    name = f"lantern_console_test_{uuid.uuid4().hex[:10]}"
    yield f"{POSTGRES_SERVER}/{name}"
    server = sa.create_engine(f"{POSTGRES_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    server.dispose()


@pytest.fixture()
def engine(database_url: str) -> Iterator[sa.engine.Engine]:
    """An engine on the fresh database, with the console's tables migrated."""
    created = make_engine(database_url)
    migrate(created)
    yield created
    created.dispose()


# The conversations every console test works on: what the real bot stored when people talked
# to it (tests/fixtures/recorded_conversations.jsonl, `make record-conversations`).
RECORDED = load_recorded()


# Tests may name a conversation by the part it plays: the recorded one that plays it.
ROLES = {
    "held": "held-myawaddy",  # held in a compound, urgent: critical
    "offer": "offer-cebu",  # a jobseeker's offer: high
    "html": "probe",  # markup and control characters in the messages
    "calm": "weather",  # nothing to worry about, 240 hours old
}


def seed(connection: sa.engine.Connection) -> dict[str, str]:
    """Store every recorded conversation, its last message `age_hours` before NOW, under its
    name; returns name (and role, see ROLES) -> conversation id."""
    ids = write_all(connection, NOW)
    return {**ids, **{role: ids[name] for role, name in ROLES.items()}}


@pytest.fixture()
def seeded(engine: sa.engine.Engine) -> dict[str, str]:
    """Every recorded conversation stored in the fresh database."""
    with engine.begin() as connection:
        return seed(connection)


def console_config(database_url: str, **changes) -> ConsoleConfig:
    """A configuration for tests (fixed secret, 30-day retention)."""
    values = {
        "database_url": database_url,
        "host": "127.0.0.1",
        "port": 0,
        "retention_days": 30,
        "secret_key": "test-secret-" + "x" * 40,
    }
    values.update(changes)
    return ConsoleConfig(**values)


@pytest.fixture()
def app(engine: sa.engine.Engine, database_url: str):
    """The console app on the fresh database (rate limits reset per test)."""
    created = create_app(console_config(database_url), engine)
    created.config["TESTING"] = True
    limiter.reset()
    return created


CSRF = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = CSRF.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


def final_slots(name: str) -> dict:
    """The slots a recorded conversation ended with (what the bot concluded)."""
    return RECORDED[name].final_slots()


def queue_order(keep=lambda name, slots: True) -> list[str]:
    """The recorded conversations the queue must show, in its order: highest risk first,
    then the most recent last message (`keep` narrows them as a filter does)."""
    chosen = [name for name in RECORDED if keep(name, final_slots(name))]
    return sorted(
        chosen,
        key=lambda name: (
            -RISK_LEVELS.index(final_slots(name).get("risk_level") or "none"),
            RECORDED[name].age_hours,
            name,
        ),
    )
