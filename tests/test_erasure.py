"""Erasing a conversation deletes its events and leaves only a content-free record."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from bot.conversations.erasure import erase_conversation, list_erasures

EVENTS = sa.Table(
    "events",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255)),
    sa.Column("type_name", sa.String(255)),
    sa.Column("timestamp", sa.Float),
    sa.Column("intent_name", sa.String(255)),
    sa.Column("action_name", sa.String(255)),
    sa.Column("data", sa.Text),
)


def _engine(backend: str, tmp_path, request) -> sa.engine.Engine:
    if backend == "sqlite":
        return sa.create_engine(f"sqlite:///{tmp_path / 'erasure.db'}")
    url = request.getfixturevalue("postgres_url")
    from bot.storage import ensure_database

    ensure_database(url)
    return sa.create_engine(url)


def _store(engine, sender: str, text: str) -> None:
    EVENTS.metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(
            EVENTS.insert(),
            [
                {"sender_id": sender, "type_name": "user", "data": json.dumps({"text": text})},
                {"sender_id": sender, "type_name": "bot", "data": json.dumps({"text": "ok"})},
            ],
        )


def _texts(engine) -> list[str]:
    with engine.connect() as connection:
        return [row[0] for row in connection.execute(sa.select(EVENTS.c.data))]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_erasure_removes_only_that_conversation_and_records_no_content(backend, tmp_path, request):
    engine = _engine(backend, tmp_path, request)
    _store(engine, "erase-me", "they took my passport, my name is Dara")
    _store(engine, "keep-me", "a job offer in Bangkok")

    with engine.begin() as connection:
        deleted = erase_conversation(connection, "erase-me", requested_by="person")

    assert deleted == 2
    remaining = " ".join(_texts(engine))
    assert "Dara" not in remaining and "Bangkok" in remaining
    with engine.connect() as connection:
        erasures = list_erasures(connection)
        record = connection.execute(sa.text("SELECT * FROM lantern_erasures")).mappings().one()
    assert [(e.sender_id, e.requested_by) for e in erasures] == [("erase-me", "person")]
    assert "passport" not in json.dumps(dict(record), default=str)
    engine.dispose()


def test_an_erasure_is_recorded_even_when_nothing_was_stored(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    with engine.begin() as connection:
        assert erase_conversation(connection, "never-stored", requested_by="admin") == 0
    with engine.connect() as connection:
        assert [e.sender_id for e in list_erasures(connection)] == ["never-stored"]


@pytest.mark.parametrize("requested_by, sender", [("someone", "x"), ("admin", "")])
def test_erasure_refuses_unknown_requesters_and_empty_ids(tmp_path, requested_by, sender):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'bad.db'}")
    with engine.begin() as connection, pytest.raises(ValueError):
        erase_conversation(connection, sender, requested_by=requested_by)


def test_no_erasures_listed_before_the_first_one(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'none.db'}")
    with engine.connect() as connection:
        assert list_erasures(connection) == []
