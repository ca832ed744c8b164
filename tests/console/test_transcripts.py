"""Every conversation the real bot stored opens as a transcript (issue 11, point 1).

The conversations are those recorded from the running bot (bot/conversations/recorded.py):
every slot of domain.yml and every event type the bot writes, bookkeeping included.
"""

from __future__ import annotations

import json

import yaml
from markupsafe import escape

from bot.console.accounts import create_account
from bot.console.text import neutralise
from bot.conversations.recorded import insert_rows
from bot.settings import PROJECT_ROOT
from tests.console.conftest import NOW, RECORDED, csrf_token

PASSWORD = "a long enough password"


def _caseworker(app):
    with app.extensions["lantern_engine"].begin() as connection:
        create_account(connection, "ana", PASSWORD, "caseworker", "test")
    client = app.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"username": "ana", "password": PASSWORD, "csrf_token": token})
    return client


def test_the_recordings_carry_every_slot_and_event_type_the_bot_writes():
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    rows = [row for conversation in RECORDED.values() for row in conversation.rows]
    set_slots = {row["data"]["name"] for row in rows if row["type_name"] == "slot"}
    assert set(domain["slots"]) <= set_slots
    types = {row["type_name"] for row in rows}
    assert {"action", "session_started", "user", "user_featurization", "bot", "slot"} <= types
    assert {
        type(row["data"]["value"]) for row in rows if row["data"].get("name") == "quiet_turns"
    } == {float}
    # What people do: come back after a pause (a new session), press buttons, type payloads,
    # write in their own language, erase and return.
    sessions = [sum(r["type_name"] == "session_started" for r in c.rows) for c in RECORDED.values()]
    assert max(sessions) >= 2
    texts = [text for conversation in RECORDED.values() for text in conversation.person_texts()]
    assert {"/safe_to_talk", "/not_safe_to_talk", "/affirm", "/deny", "/skip"} <= set(texts)
    assert any(text.startswith("/inform_place{") for text in texts)
    assert any(not text.isascii() for text in texts) and max(map(len, texts)) > 800
    assert any(
        (row["data"].get("data") or {}).get("buttons") for row in rows if row["type_name"] == "bot"
    )
    assert "keep my passport" not in str(RECORDED["erase-typed"].rows)


def test_every_recorded_transcript_opens_with_the_persons_messages(app, seeded):
    client = _caseworker(app)
    for name, conversation in RECORDED.items():
        response = client.get(f"/conversations/{seeded[name]}")
        html = response.get_data(as_text=True)
        assert response.status_code == 200, (name, html[-300:])
        for text in conversation.person_texts():
            assert str(escape(neutralise(text))) in html, (name, text[:60])
        for slot in conversation.final_slots():
            assert f"<td>{slot}</td>" in html, (name, slot)


def test_a_slot_the_page_does_not_know_is_shown_as_text(app, seeded, engine):
    recorded = RECORDED["held-myawaddy"]
    rows = recorded.table_rows("odd-slots", NOW)
    odd = {"name": "from_a_newer_bot", "value": {"tries": [1, 2.5, None], "seen": True}}
    data = json.dumps({"event": "slot", "timestamp": NOW, **odd})
    rows.append({**rows[-1], "type_name": "slot", "action_name": odd["name"], "data": data})
    with engine.begin() as connection:
        insert_rows(connection, rows)
    html = _caseworker(app).get("/conversations/odd-slots").get_data(as_text=True)
    assert "from_a_newer_bot" in html
    assert str(escape('{"seen": true, "tries": [1, 2.5, null]}')) in html
