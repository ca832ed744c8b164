"""The action server as `make run` starts it: bad bodies get 400 and nothing is echoed."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import zlib

from tests.conftest import http

SECRET = "my passport is in room 4, secretword"


def _post(stack, body: bytes, **headers: str) -> tuple[int, str]:
    request = urllib.request.Request(
        f"{stack.settings.action_url}/webhook", data=body, method="POST", headers=headers
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _call(**tracker) -> dict:
    return {
        "next_action": "action_screen_message",
        "sender_id": "x",
        "tracker": {"sender_id": "x", **tracker},
        "domain": {},
        "version": "3.6.21",
    }


def test_malformed_bodies_get_400_without_their_content(sqlite_bot):
    bad = [
        json.dumps([SECRET]).encode(),  # rasa_sdk alone: 500, with the body in its answer
        f'{{"next_action": "{SECRET}'.encode(),  # cut short
        json.dumps({"text": SECRET}).encode(),
        json.dumps({"next_action": "action_screen_message", "tracker": SECRET}).encode(),
        json.dumps(_call(latest_message=SECRET)).encode(),
        json.dumps(_call(latest_message={"text": SECRET, "intent": SECRET})).encode(),
        json.dumps(_call(slots=[SECRET])).encode(),
        b"\xff\xfe" + SECRET.encode(),
        b"[" * 100_000,
    ]
    for body in bad:
        status, answer = _post(sqlite_bot, body, **{"Content-Type": "application/json"})
        assert status == 400, (body[:60], status, answer[:200])
        assert "secretword" not in answer and "error" in json.loads(answer)
    status, answer = _post(sqlite_bot, SECRET.encode(), **{"Content-Encoding": "deflate"})
    assert status == 400 and "secretword" not in answer


def test_well_formed_calls_still_run_and_other_errors_keep_their_status(sqlite_bot):
    call = _call(latest_message={"text": "hello", "intent": {"name": "greet"}})
    status, answer = _post(sqlite_bot, json.dumps(call).encode())
    assert status == 200 and "events" in json.loads(answer)
    deflated = zlib.compress(json.dumps(call).encode())
    status, _ = _post(sqlite_bot, deflated, **{"Content-Encoding": "deflate"})
    assert status == 200
    unknown = json.dumps({**call, "next_action": SECRET}).encode()
    assert _post(sqlite_bot, unknown)[0] == 404  # rasa_sdk's own answer
    assert http("GET", f"{sqlite_bot.settings.action_url}/webhook")[0] == 405
    assert http("GET", f"{sqlite_bot.settings.action_url}/nothing-here")[0] == 404
