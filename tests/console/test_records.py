"""Transcripts, follow-up, accounts, sessions, the access log and retention (SQLite, PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from bot.console import audit
from bot.console.accounts import AccountError, authenticate, create_account, set_active
from bot.console.db import utcnow
from bot.console.followup import FollowUpError, add_note, get_follow_up, history, update_follow_up
from bot.console.retention import erase_by_admin, purge_expired
from bot.console.sessions import close_session, open_session, resume_session
from bot.console.tables import audit_log, sessions, users
from bot.conversations.erasure import list_erasures
from bot.conversations.events import conversation_events
from bot.conversations.transcript import load_transcript
from tests.console.conftest import NOW, RECORDED

IDLE = dt.timedelta(minutes=30)
MAX_AGE = dt.timedelta(hours=12)


def test_transcript_has_both_sides_flags_slots_and_risk_history(engine, seeded):
    recorded = RECORDED["held-myawaddy"]
    with engine.connect() as connection:
        transcript = load_transcript(connection, seeded["held-myawaddy"])
        assert load_transcript(connection, "nobody") is None
    person = [m for m in transcript.messages if m.role == "person"]
    assert [m.text for m in person] == recorded.person_texts()
    assert person[0].text == "help"
    bot = [m.text for m in transcript.messages if m.role == "bot"]
    assert bot == [row["data"]["text"] for row in recorded.rows if row["type_name"] == "bot"]
    assert transcript.messages[0].role == "person" and transcript.messages[1].role == "bot"
    held = person[1]  # "im in myawaddy in a compound. they took my passport ..."
    parse = next(
        r for r in recorded.rows if r["type_name"] == "user" and "compound" in r["data"]["text"]
    )
    assert held.labels.flags == tuple(f["name"] for f in parse["data"]["parse_data"]["red_flags"])
    assert "documents_confiscated" in held.labels.flags and held.labels.stage == "in_situ"
    assert held.intent == parse["intent_name"]
    assert transcript.risk_history[-1].level == "critical"
    assert transcript.risk_history[-1].reasons[0] == "Immediate danger reported (urgent)"
    names = {c.name for c in transcript.slot_changes}
    assert {"risk_level", "stage", "country", "safety_check", "quiet_turns"} <= names
    quiet = [c for c in transcript.slot_changes if c.name == "quiet_turns"]
    assert all(isinstance(c.value, float) for c in quiet) and quiet[-1].shown.isdigit()


def test_follow_up_changes_are_attributed_and_dated(engine, seeded):
    sender = seeded["offer-cebu"]
    with engine.begin() as connection:
        assert get_follow_up(connection, sender).status == "new"
        first = update_follow_up(connection, sender, "ana", "in_progress", "ana", "")
        again = update_follow_up(connection, sender, "ana", "in_progress", "ana", "")
        second = update_follow_up(connection, sender, "ben", "referred", "ana", "IJM (TH)")
        add_note(connection, sender, "ana", "Called the hotline; <b>waiting</b>.")
        with pytest.raises(FollowUpError):
            update_follow_up(connection, sender, "ana", "lost", None, None)
        with pytest.raises(FollowUpError):
            update_follow_up(connection, sender, "ana", "referred", "ana", " ")
        with pytest.raises(FollowUpError):
            add_note(connection, sender, "ana", "   ")
        current = get_follow_up(connection, sender)
        changes, notes = history(connection, sender)
    assert [(c.field, c.old_value, c.new_value) for c in first] == [
        ("status", "new", "in_progress"),
        ("assignee", None, "ana"),
    ]
    assert again == []
    assert [(c.by, c.field, c.new_value) for c in second] == [
        ("ben", "status", "referred"),
        ("ben", "referral", "IJM (TH)"),
    ]
    assert current.status == "referred" and current.updated_by == "ben"
    assert len(changes) == 4 and all(isinstance(c.at, dt.datetime) for c in changes)
    assert notes[0].text == "Called the hotline; <b>waiting</b>." and notes[0].by == "ana"


def test_accounts_store_argon2_hashes_and_check_passwords(engine):
    with engine.begin() as connection:
        create_account(connection, "Ana", "correct horse battery", "caseworker", "cli")
        stored = connection.execute(sa.select(users.c.password_hash)).scalar_one()
        assert stored.startswith("$argon2id$") and "correct horse" not in stored
        assert authenticate(connection, "ana", "correct horse battery").role == "caseworker"
        assert authenticate(connection, "ana", "wrong password!!") is None
        assert authenticate(connection, "nobody", "correct horse battery") is None
        assert authenticate(connection, "ana", "x" * 100_000) is None
        with pytest.raises(AccountError):
            create_account(connection, "ana", "another long password", "admin", "cli")
        with pytest.raises(AccountError):
            create_account(connection, "bo", "short", "admin", "cli")
        with pytest.raises(AccountError):
            create_account(connection, "<script>", "long enough password", "admin", "cli")
        with pytest.raises(AccountError):
            create_account(connection, "eve", "long enough password", "root", "cli")
        account_id = authenticate(connection, "ana", "correct horse battery").id
        set_active(connection, account_id, False)
        assert authenticate(connection, "ana", "correct horse battery") is None


def test_sessions_expire_and_end_at_logout(engine):
    with engine.begin() as connection:
        account = create_account(connection, "ana", "correct horse battery", "caseworker", "cli")
        token = open_session(connection, account.id)
        assert resume_session(connection, token, IDLE, MAX_AGE).username == "ana"
        assert resume_session(connection, token + "x", IDLE, MAX_AGE) is None
        idle_since = utcnow() - dt.timedelta(minutes=31)
        connection.execute(sa.update(sessions).values(last_seen_at=idle_since))
        assert resume_session(connection, token, IDLE, MAX_AGE) is None
        other = open_session(connection, account.id)
        close_session(connection, other)
        assert resume_session(connection, other, IDLE, MAX_AGE) is None
        stored = connection.execute(sa.select(sessions.c.token_hash)).scalars().all()
    assert token not in stored


def test_access_log_is_append_only_in_the_database(engine):
    with engine.begin() as connection:
        audit.record(connection, "ana", audit.VIEW_TRANSCRIPT, "held-001", "127.0.0.1")
    for statement in (
        sa.update(audit_log).values(actor="mallory"),
        sa.delete(audit_log),
    ):
        with pytest.raises(sa.exc.DatabaseError):
            with engine.begin() as connection:
                connection.execute(statement)
    with engine.connect() as connection:
        [entry] = audit.entries(connection)
    assert (entry.actor, entry.action, entry.target, entry.ip) == (
        "ana",
        "view_transcript",
        "held-001",
        "127.0.0.1",
    )


def test_retention_erases_old_conversations_without_open_follow_up(engine, seeded):
    old, older = seeded["bot-question"], seeded["weather"]
    assert (RECORDED["bot-question"].age_hours, RECORDED["weather"].age_hours) == (100, 240)
    with engine.begin() as connection:
        # the only two silent for more than 4 days; keep the first one's follow-up open
        update_follow_up(connection, old, "ana", "in_progress", None, None)
    erased = purge_expired(engine, days=4, now=NOW)
    assert erased == [older]
    with engine.connect() as connection:
        assert conversation_events(connection, older) == []
        assert conversation_events(connection, old) != []
        [record] = list_erasures(connection)
        [entry] = audit.entries(connection, action=audit.RETENTION_PURGE)
    assert (record.sender_id, record.requested_by) == (older, "retention")
    assert entry.target == older and "manila" not in (entry.detail or "")
    with engine.begin() as connection:
        update_follow_up(connection, old, "ana", "closed", None, None)
    assert purge_expired(engine, days=4, now=NOW) == [old]


def test_admin_erasure_deletes_everything_and_logs_without_content(engine, seeded):
    sender = seeded["held-myawaddy"]
    with engine.begin() as connection:
        add_note(connection, sender, "ana", "She is in building 4")
        deleted = erase_by_admin(connection, sender, "root", "10.0.0.1")
    assert deleted > 10
    with engine.connect() as connection:
        assert load_transcript(connection, sender) is None
        assert history(connection, sender) == ([], [])
        [entry] = audit.entries(connection, action=audit.ERASE)
        assert list_erasures(connection)[0].requested_by == "admin"
    assert (entry.actor, entry.target, entry.ip) == ("root", sender, "10.0.0.1")
    assert "passport" not in entry.detail and "building" not in entry.detail
