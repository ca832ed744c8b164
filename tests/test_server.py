"""The running bot over HTTP: conversation, parse output, slots and bad input.

Assertions here are about behaviour, not the model's luck: which keys and values are
well-formed, that the level follows the rules from whatever flags were found, and that
nothing crashes.
"""

import json

import pytest

from bot.contract import FLAG_IDS, RISK_LEVELS, SLOT_NAMES, STAGES
from bot.limits import MAX_MESSAGE_CHARS
from bot.screening.risk import risk_level
from tests.conftest import http, say, stored_id, tracker

BAD_MESSAGES = [
    "",
    "   \n\t ",
    "x" * MAX_MESSAGE_CHARS,  # the longest message taken (longer: tests/test_server_edge.py)
    "😀😀😭🙏",
    "ကျွန်တော် အကူအညီလိုပါတယ်",  # Burmese
    "ខ្ញុំត្រូវការជំនួយ",  # Khmer
    "ฉันต้องการความช่วยเหลือ",  # Thai
    "我需要帮助，他们拿走了我的护照",  # Chinese
    "<script>alert('x')</script><img src=x onerror=alert(1)>",
    "\u0000\u0001 control chars \u202e",
]
BAD_BODIES = [
    b'{"sender": "x", "message": ',
    b"\xff\xfe\xfa not utf-8",
    b"[1, 2, 3]",
    b'{"sender": "x"}',
    b'{"sender": "x", "message": 12, "text": ["a"]}',
    b"",
]


def test_greeting_says_what_lantern_is(sqlite_bot):
    replies = say(sqlite_bot, "greeter", "hello")
    text = " ".join(r.get("text", "") for r in replies).lower()
    assert "not the police" in text and "confidential" in text and "anonymous" in text


def test_every_message_updates_the_contract_slots_by_the_rules(sqlite_bot):
    for message in [
        "hi",
        "i got a job offer on facebook for customer service in cambodia, they pay the ticket",
        "now they took my passport and we cannot leave the building",
    ]:
        say(sqlite_bot, "slots", message)
        slots = tracker(sqlite_bot, stored_id(sqlite_bot, "slots"))["slots"]
        assert set(SLOT_NAMES) <= set(slots)
        assert set(slots["red_flags"]) <= set(FLAG_IDS)
        assert len(slots["red_flags"]) == len(set(slots["red_flags"]))
        assert slots["stage"] in STAGES and slots["risk_level"] in RISK_LEVELS
        assert (
            slots["risk_level"]
            == risk_level(slots["red_flags"], slots["stage"], slots["urgent"]).value
        )
        assert len(slots["risk_reasons"]) >= len(slots["red_flags"])


def test_parse_shows_every_flag_with_a_score(sqlite_bot):
    status, parse = http(
        "POST",
        f"{sqlite_bot.settings.rasa_url}/model/parse?token={sqlite_bot.settings.rasa_token}",
        json.dumps({"text": "they keep my passport in Myawaddy"}).encode(),
    )
    assert status == 200
    assert set(parse["flag_scores"]) == set(FLAG_IDS)
    assert all(0.0 <= s <= 1.0 for s in parse["flag_scores"].values())
    assert all(f["name"] in FLAG_IDS for f in parse["red_flags"])
    assert parse["stage"] in STAGES
    assert isinstance(parse["urgent"], bool) and isinstance(parse["about_other"], bool)
    assert parse["country"] == "MM"  # the gazetteer is deterministic
    assert parse["language"] == "en"  # so is the language (script rules, bundled model)


def test_the_language_slot_follows_the_person_and_one_word_does_not_switch_it(sqlite_bot):
    def language_after(message: str) -> str | None:
        say(sqlite_bot, "language", message)
        return tracker(sqlite_bot, stored_id(sqlite_bot, "language"))["slots"]["language"]

    assert language_after("họ lấy hộ chiếu của tôi và không cho tôi ra ngoài") == "vi"
    assert language_after("ok") == "vi"
    assert language_after("Myawaddy") == "vi"
    assert language_after("they took my passport and I cannot leave the building") == "en"


def test_the_api_needs_the_token(sqlite_bot):
    status, _ = http(
        "POST", f"{sqlite_bot.settings.rasa_url}/model/parse", json.dumps({"text": "hi"}).encode()
    )
    assert status == 401


@pytest.mark.parametrize("message", BAD_MESSAGES, ids=range(len(BAD_MESSAGES)))
def test_bad_messages_get_a_safe_answer(sqlite_bot, message):
    status, replies = http(
        "POST",
        f"{sqlite_bot.settings.rasa_url}/webhooks/rest/webhook",
        json.dumps({"sender": "bad-input", "message": message}).encode(),
    )
    assert status == 200 and isinstance(replies, list)
    assert all("<script" not in r.get("text", "") for r in replies)
    status, parse = http(
        "POST",
        f"{sqlite_bot.settings.rasa_url}/model/parse?token={sqlite_bot.settings.rasa_token}",
        json.dumps({"text": message}).encode(),
    )
    assert status == 200 and "red_flags" in parse


@pytest.mark.parametrize("body", BAD_BODIES, ids=range(len(BAD_BODIES)))
def test_malformed_requests_get_a_client_error_and_the_server_keeps_serving(sqlite_bot, body):
    for path in ("/webhooks/rest/webhook", f"/model/parse?token={sqlite_bot.settings.rasa_token}"):
        status, _ = http("POST", f"{sqlite_bot.settings.rasa_url}{path}", body)
        assert 400 <= status < 500, (path, body, status)
    assert say(sqlite_bot, "after-bad-input", "hello")
    assert sqlite_bot.running()


def test_socketio_channel_delivers_the_bot_reply(sqlite_bot):
    """The socket.io channel (session persistence on) answers; the python-socketio pin
    exists because newer versions never deliver `bot_uttered` with Rasa 3.6."""
    import threading

    import socketio

    client = socketio.Client()
    replies: list[dict] = []
    confirmed, answered = threading.Event(), threading.Event()

    @client.on("session_confirm")
    def on_confirm(*_args):
        confirmed.set()

    @client.on("bot_uttered")
    def on_reply(data):
        replies.append(data)
        answered.set()

    client.connect(sqlite_bot.settings.rasa_url, transports=["polling"], socketio_path="socket.io")
    try:
        client.emit("session_request", {"session_id": "socket-test"})
        assert confirmed.wait(20)
        client.emit("user_uttered", {"message": "hello", "session_id": "socket-test"})
        assert answered.wait(30)
    finally:
        client.disconnect()
    assert "not the police" in replies[0]["text"]
