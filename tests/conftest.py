"""Shared fixtures: the trained model and running bots on free ports."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from bot.conversations.ids import stored_conversation_id
from bot.ops.modelcache import ensure_model
from bot.ops.stack import Stack, scratch_settings
from bot.settings import Settings

# The `browser` fixture (Debian Chromium driven by Playwright) for the browser tests.
pytest_plugins = ["tests.browser"]
# tests/console runs in the staff console's own virtualenv (`make test` runs both suites).
collect_ignore = ["console"]

POSTGRES_SERVER = "postgresql://postgres@localhost:5432"


@pytest.fixture()
def postgres_url():
    """A throw-away PostgreSQL database (Lantern creates it; the test drops it)."""
    name = f"lantern_test_{uuid.uuid4().hex[:10]}"
    yield f"{POSTGRES_SERVER}/{name}"
    engine = sa.create_engine(f"{POSTGRES_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture(scope="session")
def model() -> Path:
    """The model for the current data (trained once if missing)."""
    return ensure_model(quiet=True)


def make_settings(database_url: str, **changes: Any) -> Settings:
    """Settings for a test bot (`scratch_settings`); a conversation key can be given, e.g. to
    restart a bot on the same conversations."""
    return scratch_settings(database_url, **changes)


@pytest.fixture()
def start_bot(model: Path, tmp_path_factory) -> Iterator[Callable[[Settings], Stack]]:
    """Start bots for a test; all are stopped at its end."""
    started: list[Stack] = []

    def start(settings: Settings) -> Stack:
        stack = Stack(settings, model, tmp_path_factory.mktemp("logs"))
        stack.start()
        started.append(stack)
        return stack

    yield start
    for stack in started:
        stack.stop()


@pytest.fixture(scope="module")
def sqlite_bot(model: Path, tmp_path_factory) -> Iterator[Stack]:
    """One bot on SQLite shared by a test module."""
    folder = tmp_path_factory.mktemp("sqlite-bot")
    stack = Stack(make_settings(f"sqlite:///{folder / 'lantern.db'}"), model, folder)
    stack.start()
    yield stack
    stack.stop()


def http(
    method: str, url: str, body: bytes | None = None, content_type: str = "application/json"
) -> tuple[int, Any]:
    """Send a request; return the status and the decoded JSON (or raw text)."""
    request = urllib.request.Request(url, data=body, method=method)
    if body is not None:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw.decode("utf-8", "replace")


def say(stack: Stack, sender: str, message: str) -> list[dict[str, Any]]:
    """Send a message over the REST channel and return the bot's replies."""
    status, replies = http(
        "POST",
        f"{stack.settings.rasa_url}/webhooks/rest/webhook",
        json.dumps({"sender": sender, "message": message}).encode(),
    )
    assert status == 200, replies
    return replies


def stored_id(stack: Stack, client_id: str, channel: str = "rest") -> str:
    """The id a bot stores (and shows staff) the conversation of a client's id under: a REST
    `sender` or, with channel "socketio", a socket.io session id."""
    return stored_conversation_id(stack.settings.conversation_id_key, channel, client_id)


def tracker(stack: Stack, conversation_id: str) -> dict[str, Any]:
    """The stored tracker of a conversation (HTTP API), by its stored id (`stored_id`)."""
    status, body = http(
        "GET",
        f"{stack.settings.rasa_url}/conversations/{conversation_id}/tracker"
        f"?token={stack.settings.rasa_token}",
    )
    assert status == 200, body
    return body
