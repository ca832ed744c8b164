"""Whole conversations over the REST channel with a real bot: quick exit, erasure, the
emergency answer first, buttons, and no loop in 20 turns.

Only behaviour that does not hang on the model's luck is asserted: quick-exit words and
self-harm phrases are recognised deterministically, and button payloads ("/skip") skip the
NLU, as a click in the chat page does.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from bot.referrals import default_directory
from tests.conftest import say, stored_id, tracker


def _texts(replies: list[dict]) -> list[str]:
    return [reply.get("text", "") for reply in replies]


def _database(stack) -> sa.engine.Engine:
    return sa.create_engine(make_url(stack.settings.database_url))


def test_stop_ends_at_once_with_a_neutral_goodbye_and_an_erase_button(sqlite_bot):
    say(sqlite_bot, "stopper", "they took my passport and we are locked in")
    replies = say(sqlite_bot, "stopper", "STOP")
    assert _texts(replies) == ["Goodbye."]
    assert [b["payload"] for b in replies[0]["buttons"]] == ["/erase_conversation"]


def test_asking_to_erase_deletes_the_conversation_and_leaves_a_content_free_record(sqlite_bot):
    say(sqlite_bot, "eraser", "hello")
    say(sqlite_bot, "eraser", "my name is Dara, they took my passport in Sihanoukville")
    replies = say(sqlite_bot, "eraser", "delete everything i wrote")
    assert "erased" in _texts(replies)[0].lower()

    conversation = {"id": stored_id(sqlite_bot, "eraser")}
    engine = _database(sqlite_bot)
    with engine.connect() as connection:
        stored = connection.execute(
            sa.text("SELECT data FROM events WHERE sender_id = :id"), conversation
        ).fetchall()
        erasures = (
            connection.execute(
                sa.text("SELECT * FROM lantern_erasures WHERE sender_id = :id"), conversation
            )
            .mappings()
            .all()
        )
    engine.dispose()
    assert stored == []
    assert len(erasures) == 1 and erasures[0]["requested_by"] == "person"
    assert "Dara" not in str(dict(erasures[0]))
    events = tracker(sqlite_bot, stored_id(sqlite_bot, "eraser"))["events"]
    assert not [e for e in events if e["event"] == "user"]


def test_the_erase_button_after_stop_works_too(sqlite_bot):
    say(sqlite_bot, "stop-then-erase", "they beat us when we miss the target")
    say(sqlite_bot, "stop-then-erase", "exit")
    assert "erased" in _texts(say(sqlite_bot, "stop-then-erase", "/erase_conversation"))[0]
    slots = tracker(sqlite_bot, stored_id(sqlite_bot, "stop-then-erase"))["slots"]
    assert slots["red_flags"] in (None, []) and slots["risk_level"] == "none"


def test_self_harm_gets_the_crisis_answer_as_the_very_first_reply(sqlite_bot):
    replies = say(sqlite_bot, "crisis", "i am in poipet and i want to kill myself")
    first = _texts(replies)[0]
    assert "glad you told me" in first
    numbers = {e.phone for e in default_directory() if e.country == "KH"}
    assert any(number in first for number in numbers)
    assert tracker(sqlite_bot, stored_id(sqlite_bot, "crisis"))["slots"]["risk_level"] == "critical"


def test_the_greeting_offers_buttons_and_the_family_button_marks_about_other(sqlite_bot):
    replies = say(sqlite_bot, "buttons", "/greet")
    payloads = [b["payload"] for r in replies for b in r.get("buttons", [])]
    assert payloads == ["/check_offer", "/ask_help", "/worried_about_someone"]
    say(sqlite_bot, "buttons", "/worried_about_someone")
    assert tracker(sqlite_bot, stored_id(sqlite_bot, "buttons"))["slots"]["about_other"] is True


def test_twenty_turns_never_repeat_a_question(sqlite_bot):
    say(sqlite_bot, "twenty", "/worried_about_someone")
    replies = say(sqlite_bot, "twenty", "/describe_situation")
    asked = [t for t in _texts(replies) if t.rstrip().endswith("?") or "skip this" in t]
    for _ in range(18):
        replies = say(sqlite_bot, "twenty", "/skip")
        assert replies, "the bot always answers"
        asked.extend(t for t in _texts(replies) if t.rstrip().endswith("?") or "skip this" in t)
    assert len(asked) >= 2  # the family questions were asked ...
    assert len(asked) == len(set(asked))  # ... each once
