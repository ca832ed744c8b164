"""An erasure removes every copy the console keeps, in its own transaction (SQLite, PostgreSQL).

The erasures here are made as the bot makes them (`erase_conversation`, the function its
tracker store calls), and the console is never asked to load the queue afterwards.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import sqlalchemy as sa

from bot.console.followup import FollowUpError, add_note, update_follow_up
from bot.console.index import sync
from bot.console.review import Labels, record_review
from bot.console.tables import metadata
from bot.conversations.erasure import erase_conversation
from bot.conversations.events import events

NOTE = "Spoke to her sister Dara; she is in building 4"
REFERRAL = "Hope Shelter, ask for Ms Chanthy"


def _tables_about_conversations() -> list[sa.Table]:
    """Every console table whose rows are about one conversation."""
    return [table for table in metadata.sorted_tables if "sender_id" in table.c]


def _rows_about(engine, sender: str) -> dict[str, int]:
    with engine.connect() as connection:
        counts = {
            table.name: connection.execute(
                sa.select(sa.func.count()).select_from(table).where(table.c.sender_id == sender)
            ).scalar_one()
            for table in _tables_about_conversations()
        }
    return {name: count for name, count in counts.items() if count}


def _first_message(engine, sender: str) -> int:
    with engine.connect() as connection:
        return connection.execute(
            sa.select(sa.func.min(events.c.id)).where(
                events.c.sender_id == sender, events.c.type_name == "user"
            )
        ).scalar_one()


def _work_on(engine, sender: str) -> None:
    """What staff do with a conversation: index, follow-up with a referral, a note, a review."""
    sync(engine)
    with engine.begin() as connection:
        update_follow_up(connection, sender, "ana", "in_progress", "ana", None)
        update_follow_up(connection, sender, "ana", "referred", "ana", REFERRAL)
        add_note(connection, sender, "ana", NOTE)
        record_review(
            connection,
            _first_message(engine, sender),
            "confirmed",
            Labels("describe_situation", ("documents_confiscated",), "in_situ", False, False),
            "tina",
        )


def test_the_bots_erasure_removes_every_console_copy_before_it_commits(engine, seeded):
    sender, other = seeded["held"], seeded["offer"]
    _work_on(engine, sender)
    _work_on(engine, other)
    assert set(_rows_about(engine, sender)) == {t.name for t in _tables_about_conversations()}

    with engine.begin() as connection:  # what the bot's tracker store does on "delete"
        erase_conversation(connection, sender, requested_by="person")

    assert _rows_about(engine, sender) == {}
    assert set(_rows_about(engine, other)) == {t.name for t in _tables_about_conversations()}


def test_a_rolled_back_erasure_removes_nothing(engine, seeded):
    sender = seeded["held"]
    _work_on(engine, sender)
    with pytest.raises(RuntimeError), engine.begin() as connection:
        erase_conversation(connection, sender, requested_by="person")
        raise RuntimeError("the erasure's transaction fails")
    assert len(_rows_about(engine, sender)) == len(_tables_about_conversations())


def _filler(column: sa.Column, sender: str, number: int) -> object:
    """A value any column accepts (a unique number for integers, e.g. event ids)."""
    if column.name == "sender_id":
        return sender
    kind = column.type
    if isinstance(kind, sa.DateTime):
        return dt.datetime(2026, 1, 1)
    if isinstance(kind, sa.Boolean):
        return False
    if isinstance(kind, (sa.Integer, sa.Float)):
        return number
    return "x"


def test_no_console_table_about_a_conversation_is_forgotten(engine):
    """A new table with a `sender_id` column must be added to the erasure trigger too."""
    with engine.begin() as connection:
        for number, table in enumerate(_tables_about_conversations(), start=1):
            connection.execute(
                sa.insert(table).values(
                    {
                        c.name: _filler(c, "someone-1", number)
                        for c in table.c
                        if not c.nullable and not (c.primary_key and c.autoincrement is True)
                    }
                )
            )
        erase_conversation(connection, "someone-1", requested_by="admin")
    assert _rows_about(engine, "someone-1") == {}


def test_staff_cannot_write_about_a_conversation_that_was_erased(engine, seeded):
    sender = seeded["calm"]
    with engine.begin() as connection:
        erase_conversation(connection, sender, requested_by="person")
    with engine.begin() as connection:
        with pytest.raises(FollowUpError, match="erased"):
            add_note(connection, sender, "ana", "late note")
        with pytest.raises(FollowUpError, match="erased"):
            update_follow_up(connection, sender, "ana", "in_progress", None, None)
    assert _rows_about(engine, sender) == {}


def test_a_note_being_saved_while_the_person_erases_does_not_outlive_the_erasure(engine, seeded):
    """The note's transaction checked that the conversation exists; the erasure waits for it."""
    sender = seeded["held"]
    erased = threading.Event()

    def erase() -> None:
        with engine.begin() as connection:
            erase_conversation(connection, sender, requested_by="person")
        erased.set()

    with engine.begin() as connection:
        add_note(connection, sender, "ana", NOTE)
        eraser = threading.Thread(target=erase)
        eraser.start()
        # Give the erasure every chance to finish first; it must wait for this transaction.
        assert not erased.wait(1.5)
    eraser.join(30)
    assert erased.is_set()
    assert _rows_about(engine, sender) == {}
