"""The console's test data is what a live bot stores: every kind of row a bot writes now is
in the recorded conversations (tests/fixtures/recorded_conversations.jsonl), and the console
reads a live bot's rows as the tracker holds them.

When this fails after a change to the bot (a new slot, event type or field), re-record the
conversations: `make record-conversations`.
"""

from __future__ import annotations

import json

import sqlalchemy as sa

from bot.conversations.events import conversation_events
from bot.conversations.recorded import load_recorded
from bot.conversations.summary import summarise
from bot.conversations.transcript import build_transcript
from tests.conftest import say, tracker

MESSAGES = [
    "hello",
    "they took my passport and I cannot leave the compound in myawaddy",
    "/safe_to_talk",
    "<b>help</b> they beat us if we miss the target",
    "what is the weather like",
]


def _kinds(rows) -> set[tuple]:
    """Each row's kind: its type, its name (action or slot) and the keys of its JSON."""
    return {(row["type_name"], row["action_name"], tuple(sorted(row["data"]))) for row in rows}


def test_the_recordings_hold_every_kind_of_row_a_live_bot_stores(sqlite_bot):
    for message in MESSAGES:
        say(sqlite_bot, "format-check", message)
    engine = sa.create_engine(sqlite_bot.settings.database_url)
    with engine.connect() as connection:
        # The module's bot stored only this conversation (under the id the bot derives).
        [conversation] = connection.execute(sa.text("SELECT DISTINCT sender_id FROM events"))
        conversation = conversation.sender_id
        stored = conversation_events(connection, conversation)
        raw = connection.execute(
            sa.text(
                "SELECT type_name, action_name, data FROM events "
                "WHERE sender_id = :conversation ORDER BY id"
            ),
            {"conversation": conversation},
        ).all()
    engine.dispose()
    live = [
        {"type_name": r.type_name, "action_name": r.action_name, "data": json.loads(r.data)}
        for r in raw
    ]
    recorded = [row for c in load_recorded().values() for row in c.rows]
    assert _kinds(live) - _kinds(recorded) == set()

    # The console's summary and transcript of the stored rows agree with the tracker.
    slots = tracker(sqlite_bot, conversation)["slots"]
    summary = summarise(conversation, stored)
    assert summary.risk_level == slots["risk_level"]
    assert list(summary.risk_reasons) == slots["risk_reasons"]
    assert list(summary.red_flags) == slots["red_flags"]
    assert (summary.stage, summary.country, summary.urgent) == (
        slots["stage"],
        slots["country"],
        slots["urgent"],
    )
    transcript = build_transcript(conversation, stored)
    assert [m.text for m in transcript.messages if m.role == "person"] == MESSAGES
    assert transcript.risk_history[-1].level == slots["risk_level"]
