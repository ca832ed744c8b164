"""The console reads what a real bot stores: rows of Rasa's `events` table, checked against
the synthetic builder the console's tests and benchmark use, and against the tracker's slots.

Independent of the model's answers: the expectations come from what the bot itself stored.
"""

from __future__ import annotations

import json

import sqlalchemy as sa

from bot.contract import SLOT_NAMES
from bot.conversations.events import conversation_events
from bot.conversations.summary import summarise
from bot.conversations.synthetic import Turn
from bot.conversations.synthetic import conversation_events as synthetic_events
from bot.conversations.transcript import build_transcript
from tests.conftest import say, tracker

MESSAGES = [
    "hello",
    "they took my passport and I cannot leave the compound in myawaddy",
    "<b>help</b> they beat us if we miss the target",
    "what is the weather like",
]


def _turns_from(stored) -> list[Turn]:
    """The turns as the real bot labelled and answered them."""
    turns: list[dict] = []
    for event in stored:
        if event.type_name == "user":
            parse = event.data["parse_data"]
            turns.append(
                {
                    "text": event.text,
                    "intent": parse["intent"]["name"],
                    "flags": [f["name"] for f in parse["red_flags"]],
                    "urgent": parse["urgent"],
                    "stage": parse["stage"],
                    "about_other": parse["about_other"],
                    "country": parse.get("country"),
                    "home_country": parse.get("home_country"),
                    "language": parse.get("language"),
                    "replies": [],
                    "dialogue_slots": [],
                }
            )
        elif event.type_name == "slot" and event.name not in SLOT_NAMES and turns:
            turns[-1]["dialogue_slots"].append((event.name, event.data.get("value")))
        elif event.type_name == "action" and (event.name or "").startswith("utter_") and turns:
            turns[-1]["utter_action"] = event.name
        elif event.type_name == "bot" and turns:
            turns[-1]["replies"].append(event.text)
    return [Turn(**turn) for turn in turns]


def test_synthetic_rows_match_what_rasa_stores(sqlite_bot):
    for message in MESSAGES:
        say(sqlite_bot, "format-check", message)
    engine = sa.create_engine(sqlite_bot.settings.database_url)
    with engine.connect() as connection:
        stored = conversation_events(connection, "format-check")
        raw = connection.execute(
            sa.text(
                "SELECT type_name, intent_name, action_name, data FROM events "
                "WHERE sender_id = 'format-check' ORDER BY id"
            )
        ).all()
    engine.dispose()

    synthetic = synthetic_events(_turns_from(stored), start=0.0)
    real = [json.loads(row.data) for row in raw]
    shape = lambda events: [(e["event"], e.get("name"), e.get("value")) for e in events]  # noqa: E731
    assert shape(synthetic) == shape(real)
    assert [sorted(e) for e in synthetic] == [sorted(e) for e in real]
    for row, data in zip(raw, real):
        assert row.type_name == data["event"] and row.action_name == data.get("name")
        assert row.intent_name == (data.get("parse_data") or {}).get("intent", {}).get("name")

    # The console's summary of the stored rows is the tracker's own slots.
    slots = tracker(sqlite_bot, "format-check")["slots"]
    summary = summarise("format-check", stored)
    assert summary.risk_level == slots["risk_level"]
    assert list(summary.risk_reasons) == slots["risk_reasons"]
    assert list(summary.red_flags) == slots["red_flags"]
    assert (summary.stage, summary.country, summary.urgent) == (
        slots["stage"],
        slots["country"],
        slots["urgent"],
    )
    transcript = build_transcript("format-check", stored)
    assert [m.text for m in transcript.messages if m.role == "person"] == MESSAGES
    assert transcript.risk_history[-1].level == slots["risk_level"]
