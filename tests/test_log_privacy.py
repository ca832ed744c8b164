"""No log line carries what a person wrote (issue 11, point 4, the log part).

The unit tests check the scrubbing itself; the last test runs the real bot (Rasa and the
action server at DEBUG, the most talkative level) with distinctive texts, including a
`/intent{...}` message, malformed ones and a turn that fails, erases the conversation, and
looks for those texts in every log file.
"""

from __future__ import annotations

import io
import json
import logging
import subprocess

from bot.ops.log_privacy import (
    MESSAGE_WITHHELD,
    WITHHELD,
    RecentTexts,
    ScrubbingStream,
    _scrub_record,
    sanitized_traceback,
    tracker_texts,
)
from bot.ops.processes import free_port
from tests.conftest import http, make_settings, say

SECRET = "my cousin Ana Lopez is held at Golden Fortune compound"


def remembered(*texts: str) -> RecentTexts:
    recent = RecentTexts()
    recent.remember_all(texts)
    return recent


def test_a_remembered_text_is_found_as_written_escaped_or_in_pieces():
    text = SECRET + ' "room 4"\nthey took the phones'
    recent = remembered(text)
    assert recent.found_in(f"INFO something about {text} here")
    assert recent.found_in(json.dumps({"user_text": text}))
    assert recent.found_in(repr({"text": text}))
    assert recent.found_in("they took the phones")  # one line of it
    long_text = " ".join(f"word{i}" for i in range(300))
    recent.remember(long_text)
    assert recent.found_in(f"... {long_text[700:760]} ... (1200 characters truncated)")
    assert not recent.found_in("INFO rasa.core.processor - Loading model ...")


def test_short_texts_are_not_searched_and_short_forms_must_stand_alone():
    recent = remembered("hi", "no", "hey")
    assert not recent.found_in("this is not a problem")
    assert not recent.found_in("they said")  # "hey" inside a word
    assert recent.found_in("user said: hey")


def test_the_entity_values_of_an_intent_message_count_as_texts():
    recent = remembered('/describe_situation{"place": "Golden Fortune KK-77"}')
    assert recent.found_in("entity value 'Golden Fortune KK-77' not in domain")


def test_the_oldest_texts_are_forgotten_beyond_the_capacity():
    recent = RecentTexts(capacity=2)
    recent.remember_all(["first secret text", "second secret text", "third secret text"])
    assert not recent.found_in("first secret text")
    assert recent.found_in("third secret text")


def test_a_record_holding_a_text_is_withheld_and_exceptions_lose_their_message():
    recent = remembered(SECRET)
    record = logging.LogRecord("rasa.x", logging.WARNING, "f", 1, "Failed on '%s'", (SECRET,), None)
    _scrub_record(record, recent)
    assert SECRET not in record.getMessage() and WITHHELD in record.getMessage()
    assert "rasa.x" in record.getMessage()
    # a harmless record passes unchanged: the log is not silenced
    harmless = logging.LogRecord("rasa", logging.INFO, "f", 1, "Loading model %s", ("m",), None)
    _scrub_record(harmless, recent)
    assert harmless.getMessage() == "Loading model m"

    try:
        problem = "cannot parse " + SECRET
        raise ValueError(problem)
    except ValueError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, "f", 1, "failed", None, sys.exc_info())
    _scrub_record(record, recent)
    formatted = logging.Formatter().format(record)
    assert SECRET not in formatted and "cannot parse" not in formatted
    assert "ValueError" in formatted and MESSAGE_WITHHELD in formatted
    assert "test_log_privacy.py" in formatted  # the frames stay, for whoever debugs


def test_chained_exceptions_keep_their_types_not_their_messages():
    try:
        try:
            raise KeyError(SECRET)
        except KeyError as inner:
            raise RuntimeError(SECRET) from inner
    except RuntimeError as error:
        text = sanitized_traceback(type(error), error, error.__traceback__)
    assert SECRET not in text and "KeyError" in text and "RuntimeError" in text


def test_an_exception_made_of_fixed_words_keeps_its_message():
    from bot.ops.rasa_safety import ModelNotLoaded

    error = ModelNotLoaded("Lantern cannot start: the model could not be loaded")
    text = sanitized_traceback(ModelNotLoaded, error, None)
    assert "Lantern cannot start: the model could not be loaded" in text


def test_the_streams_withhold_a_line_holding_a_text():
    out = io.StringIO()
    stream = ScrubbingStream(out, remembered(SECRET))
    stream.write(f"UserWarning: Failed to parse arguments in line '{SECRET}'")
    stream.write("a harmless line\n")
    assert out.getvalue() == f"{WITHHELD}\na harmless line\n"


def test_the_action_server_remembers_every_user_text_of_the_tracker():
    call = {
        "next_action": "action_screen_message",
        "tracker": {
            "latest_message": {"text": "latest words"},
            "events": [
                {"event": "user", "text": "earlier words"},
                {"event": "bot", "text": "the bot's words"},
                {"event": "user", "text": None},
            ],
        },
    }
    assert tracker_texts(call) == ["latest words", "earlier words"]
    assert tracker_texts({"tracker": "junk"}) == [] and tracker_texts(None) == []


# ------------------------------------------------------------------ the real bot


def distinctive(label: str) -> str:
    return f"Quasar {label} Velinkova wrote from Tachileik"


def test_no_log_file_holds_what_a_person_wrote_after_erasure(start_bot, tmp_path, monkeypatch):
    monkeypatch.setenv("LOG_LEVEL", "DEBUG")
    port = free_port()
    redis = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        cwd=tmp_path,
    )
    texts = {
        "plain": distinctive("plain"),
        "intent": "SECRET-Orlova-entity-7731",
        "malformed": "SECRET-Bratsk-malformed-2208",
        "unknown": "SECRET-Kestrel-unknown-4410",
        "failed": distinctive("failed turn"),
        "parse": distinctive("parse"),
    }
    try:
        settings = make_settings(
            f"sqlite:///{tmp_path / 'lantern.db'}", lock_store_type="redis", redis_port=port
        )
        bot = start_bot(settings)
        person = "erased-person"
        for message in (
            texts["plain"],
            "/describe_situation" + json.dumps({"x": texts["intent"]}),
            '/describe_situation{"x": ' + texts["malformed"],  # not JSON
            "/no_such_intent" + json.dumps({"y": texts["unknown"]}),
        ):
            assert say(bot, person, message)
        token = settings.rasa_token
        status, _ = http(
            "POST",
            f"{settings.rasa_url}/model/parse?token={token}",
            json.dumps({"text": texts["parse"]}).encode(),
        )
        assert status == 200
        say(bot, person, "delete")
    finally:
        redis.terminate()
        redis.wait(timeout=30)
    # an error path: the lock store is gone, the turn fails inside Rasa
    assert say(bot, "another-person", texts["failed"])
    bot.stop()

    logs = sorted(bot.log_dir.glob("*.log"))
    assert {path.name for path in logs} >= {"rasa.log", "actions.log"}
    everything = "\n".join(path.read_text(errors="replace") for path in logs)
    assert "DEBUG" in everything  # the most talkative level was on
    for label, text in texts.items():
        for form in (text, json.dumps(text)[1:-1]):
            assert form not in everything, (label, [p.name for p in logs if form in p.read_text()])
    assert WITHHELD in everything  # lines that held them were withheld, not dropped unseen
