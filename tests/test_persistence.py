"""Conversations persist in the SQL tracker store (SQLite and PostgreSQL) across a
restart, and the Redis lock store is used when configured."""

from __future__ import annotations

import threading

import pytest
import redis
import sqlalchemy as sa

from bot.contract import SLOT_NAMES
from tests.conftest import make_settings, say, stored_id, tracker

MESSAGES = [
    "hello",
    "my brother took a job in sihanoukville, they have his passport and he cannot leave",
]


def _stored_events(url: str, sender: str) -> list[str]:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT type_name FROM events WHERE sender_id = :s ORDER BY id"), {"s": sender}
        ).fetchall()
    engine.dispose()
    return [row[0] for row in rows]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_conversation_survives_a_restart(backend, start_bot, tmp_path, request):
    url = (
        f"sqlite:///{tmp_path / 'lantern.db'}"
        if backend == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    settings = make_settings(url)
    bot = start_bot(settings)
    for message in MESSAGES:
        say(bot, "persisted", message)
    conversation = stored_id(bot, "persisted")
    slots_before = tracker(bot, conversation)["slots"]
    bot.stop()

    events = _stored_events(url, conversation)
    assert events.count("user") == len(MESSAGES)
    assert "slot" in events and "bot" in events

    # The same .env after a restart: the same key, so the same stored conversation.
    again = start_bot(make_settings(url, conversation_id_key=settings.conversation_id_key))
    slots_after = tracker(again, conversation)["slots"]
    assert {k: slots_after[k] for k in SLOT_NAMES} == {k: slots_before[k] for k in SLOT_NAMES}
    assert say(again, "persisted", "thank you")


def test_redis_lock_store_takes_the_conversation_lock(start_bot, tmp_path):
    settings = make_settings(
        f"sqlite:///{tmp_path / 'lantern.db'}", lock_store_type="redis", redis_db=3
    )
    bot = start_bot(settings)
    client = redis.Redis(host=settings.redis_host, port=settings.redis_port, db=settings.redis_db)
    commands: list[str] = []
    ready = threading.Event()
    lock = f"lantern:lock:{stored_id(bot, 'locked-conversation')}"

    def watch() -> None:
        with client.monitor() as monitor:
            ready.set()
            for command in monitor.listen():
                commands.append(command["command"])
                if lock in command["command"] and command["command"].startswith("DEL"):
                    return

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    ready.wait(5)
    say(bot, "locked-conversation", "hello")
    watcher.join(10)
    assert any(c.startswith("SET") and lock in c for c in commands), commands
