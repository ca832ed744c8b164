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
from bot.conversations.synthetic import Turn, write_conversation

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


HELD = [
    Turn("hello", intent="greet", utter_action="utter_greet", replies=["Hello, I am Lantern."]),
    Turn(
        "they took my passport and I cannot leave the compound",
        flags=["documents_confiscated", "movement_restricted"],
        stage="in_situ",
        country="MM",
    ),
]
OFFER = [
    Turn(
        "customer service job in sihanoukville, 2000 usd, they pay the ticket",
        intent="describe_offer",
        flags=["lure_job_type", "high_risk_destination", "employer_paid_travel"],
        stage="prospective",
        country="KH",
        home_country="PH",
    )
]
ONE_FLAG = [
    Turn(
        "the recruiter only talks on telegram",
        intent="describe_offer",
        flags=["unverifiable_employer"],
        stage="prospective",
        country="TH",
    )
]
HTML = [
    Turn(
        "<script>alert('pwned')</script> my sister <b>is</b> in KK park, they hit her",
        flags=["threats_or_violence"],
        stage="in_situ",
        about_other=True,
        urgent=True,
        country="MM",
    )
]
CALM = [Turn("what is the weather like", intent="out_of_scope", replies=["I can only help..."])]


def seed(connection: sa.engine.Connection) -> dict[str, str]:
    """Five conversations of known risk, written as Rasa writes them; returns their ids."""
    ids = {
        "held": "held-001",
        "offer": "offer-002",
        "one_flag": "oneflag-003",
        "html": "html-004",
        "calm": "calm-005",
    }
    write_conversation(connection, ids["held"], HELD, NOW - 5 * HOUR)
    write_conversation(connection, ids["offer"], OFFER, NOW - 1 * HOUR)
    write_conversation(connection, ids["one_flag"], ONE_FLAG, NOW - 3 * DAY)
    write_conversation(connection, ids["html"], HTML, NOW - 2 * HOUR)
    write_conversation(connection, ids["calm"], CALM, NOW - 10 * DAY)
    return ids


@pytest.fixture()
def seeded(engine: sa.engine.Engine) -> dict[str, str]:
    """The five conversations stored in the fresh database."""
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
