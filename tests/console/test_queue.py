"""The index and the queue over conversations stored as Rasa stores them (SQLite, PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from bot.console.db import utcnow
from bot.console.followup import update_follow_up
from bot.console.index import sync
from bot.console.queue import QueueFilters, countries_in_queue, level_counts, query_queue
from bot.console.tables import conversations, index_state
from bot.conversations.erasure import erase_conversation
from bot.conversations.events import events
from bot.conversations.synthetic import Turn, as_rows, conversation_events
from tests.console.conftest import NOW


def _queue(engine, **filters):
    sync(engine)
    with engine.connect() as connection:
        return query_queue(connection, QueueFilters(**filters))


def _ids(page):
    return [row.sender_id for row in page.rows]


def test_queue_puts_the_most_at_risk_first_then_the_most_recent(engine, seeded):
    page = _queue(engine)
    # two critical (html more recent than held), then high, low, none
    assert _ids(page) == [
        seeded["html"],
        seeded["held"],
        seeded["offer"],
        seeded["one_flag"],
        seeded["calm"],
    ]
    levels = [row.risk_level for row in page.rows]
    assert levels == ["critical", "critical", "high", "low", "none"]
    held = page.rows[1]
    assert held.red_flags == ("documents_confiscated", "movement_restricted")
    assert held.risk_reasons[0] == "The person is held at the workplace now (in_situ)"
    assert held.stage == "in_situ" and held.country == "MM"
    assert held.status == "new" and held.person_messages == 2
    assert page.rows[0].risk_reasons[0] == "Immediate danger reported (urgent)"


def test_filters_narrow_the_queue(engine, seeded):
    assert _ids(_queue(engine, level="critical")) == [seeded["html"], seeded["held"]]
    assert _ids(_queue(engine, flag="employer_paid_travel")) == [seeded["offer"]]
    assert _ids(_queue(engine, stage="prospective")) == [seeded["offer"], seeded["one_flag"]]
    assert _ids(_queue(engine, country="PH")) == [seeded["offer"]]  # home country counts
    assert _ids(_queue(engine, country="MM")) == [seeded["html"], seeded["held"]]
    today = dt.datetime.fromtimestamp(NOW, dt.timezone.utc).date()
    recent = _ids(_queue(engine, since=today - dt.timedelta(days=1)))
    assert seeded["calm"] not in recent and seeded["one_flag"] not in recent
    older = _ids(_queue(engine, until=today - dt.timedelta(days=2)))
    assert older == [seeded["one_flag"], seeded["calm"]]
    with engine.begin() as connection:
        update_follow_up(connection, seeded["held"], "ana", "in_progress", "ana", None)
    assert _ids(_queue(engine, status="in_progress")) == [seeded["held"]]
    assert seeded["held"] not in _ids(_queue(engine, status="new"))
    with engine.connect() as connection:
        assert countries_in_queue(connection) == ["KH", "MM", "PH", "TH"]
        assert level_counts(connection) == {
            "critical": 2,
            "high": 1,
            "medium": 0,
            "low": 1,
            "none": 1,
        }


def test_text_search_finds_what_the_person_wrote_and_nothing_else(engine, seeded):
    assert _ids(_queue(engine, text="PASSPORT")) == [seeded["held"]]
    assert _ids(_queue(engine, text="telegram")) == [seeded["one_flag"]]
    # Flag names are in every message's parse data; they must not match.
    assert _ids(_queue(engine, text="phone_confiscated")) == []
    # The bot's words are not the person's.
    assert _ids(_queue(engine, text="I am Lantern")) == []
    # LIKE wildcards are taken literally.
    assert _ids(_queue(engine, text="%")) == []
    assert _ids(_queue(engine, text="<script>")) == [seeded["html"]]
    assert _ids(_queue(engine, text="telegram", level="critical")) == []


def test_non_ascii_text_is_searchable(engine):
    with engine.begin() as connection:
        from bot.conversations.synthetic import write_conversation

        write_conversation(connection, "vi-1", [Turn("họ giữ hộ chiếu của tôi")], NOW)
    assert _ids(_queue(engine, text="HỘ CHIẾU")) == ["vi-1"]


def test_pagination_keeps_the_order_across_pages(engine):
    with engine.begin() as connection:
        for number in range(7):
            from bot.conversations.synthetic import write_conversation

            write_conversation(
                connection, f"c-{number}", [Turn("hello", intent="greet")], NOW - number * 60
            )
    sync(engine)
    with engine.connect() as connection:
        first = query_queue(connection, QueueFilters(page=1), page_size=3)
        third = query_queue(connection, QueueFilters(page=3), page_size=3)
        searched = query_queue(connection, QueueFilters(page=2, text="hello"), page_size=3)
    assert first.total == 7 and first.pages == 3
    assert _ids(first) == ["c-0", "c-1", "c-2"]
    assert _ids(third) == ["c-6"]
    assert _ids(searched) == ["c-3", "c-4", "c-5"] and searched.total == 7


def test_sync_follows_new_messages_and_erasures(engine, seeded):
    _queue(engine)
    later = conversation_events(
        [Turn("now they beat me", flags=["threats_or_violence"], stage="in_situ")], NOW
    )[3:]  # the new turn only, as Rasa appends it
    with engine.begin() as connection:
        connection.execute(sa.insert(events), as_rows(seeded["one_flag"], later))
    page = _queue(engine)
    row = next(r for r in page.rows if r.sender_id == seeded["one_flag"])
    assert row.risk_level == "critical" and "threats_or_violence" in row.red_flags
    assert _ids(page)[0] == seeded["one_flag"]  # most recent critical

    with engine.begin() as connection:
        update_follow_up(connection, seeded["held"], "ana", "in_progress", None, None)
        erase_conversation(connection, seeded["held"], "person")
    assert seeded["held"] not in _ids(_queue(engine))
    with engine.connect() as connection:
        from bot.console.followup import get_follow_up

        assert get_follow_up(connection, seeded["held"]).updated_by is None  # notes gone too


def test_sync_twice_changes_nothing(engine, seeded):
    sync(engine)
    with engine.connect() as connection:
        first = connection.execute(sa.select(conversations).order_by("sender_id")).all()
    result = sync(engine)
    with engine.connect() as connection:
        second = connection.execute(sa.select(conversations).order_by("sender_id")).all()
    assert first == second and len(first) == 5
    assert result.removed == 0


def test_a_row_that_is_not_json_breaks_nothing(engine, seeded):
    with engine.begin() as connection:
        connection.execute(
            sa.insert(events).values(
                sender_id="broken-9", type_name="user", timestamp=NOW, data="{not json passport"
            )
        )
    assert _ids(_queue(engine, text="passport")) == [seeded["held"]]
    assert "broken-9" in _ids(_queue(engine))


def test_an_event_committed_late_with_a_lower_id_is_still_indexed(engine, seeded):
    """PostgreSQL can commit ids out of order; the re-read window catches the late one."""
    with engine.begin() as connection:
        highest = connection.execute(sa.select(sa.func.max(events.c.id))).scalar()
        # A later transaction commits first (id highest + 50) and is indexed ...
        first = as_rows("other-9", conversation_events([Turn("hello", intent="greet")], NOW))
        for offset, row in enumerate(first):
            row["id"] = highest + 50 + offset
        connection.execute(sa.insert(events), first)
    _queue(engine)
    # ... then an earlier one commits, with lower ids than those already indexed.
    late = conversation_events([Turn("they hit me", flags=["threats_or_violence"])], NOW)[3:]
    rows = as_rows(seeded["calm"], late)
    for offset, row in enumerate(rows):
        row["id"] = highest + 1 + offset
    with engine.begin() as connection:
        connection.execute(sa.insert(events), rows)
        if connection.dialect.name != "postgresql":
            return  # SQLite has one writer: its ids are never committed out of order
        connection.execute(
            sa.update(index_state).values(synced_at=utcnow() - dt.timedelta(minutes=1))
        )
    row = next(r for r in _queue(engine).rows if r.sender_id == seeded["calm"])
    assert row.red_flags == ("threats_or_violence",)


def test_a_conversation_stored_after_an_erasure_is_indexed(engine, seeded):
    """SQLite reuses the ids of erased rows at the end of the table; nothing is missed."""
    from bot.conversations.synthetic import write_conversation

    _queue(engine)
    with engine.begin() as connection:
        erase_conversation(connection, seeded["calm"], "person")  # the newest rows
        write_conversation(connection, "after-1", [Turn("they took my phone")], NOW)
    assert "after-1" in _ids(_queue(engine))
    later = conversation_events([Turn("and my passport", flags=["documents_confiscated"])], NOW)
    with engine.begin() as connection:
        write_conversation(connection, "after-2", [Turn("hello", intent="greet")], NOW)
        connection.execute(sa.insert(events), as_rows("after-1", later[3:]))
    page = _queue(engine)
    assert {"after-1", "after-2"} <= set(_ids(page))
    assert next(r for r in page.rows if r.sender_id == "after-1").red_flags == (
        "documents_confiscated",
    )
    assert seeded["calm"] not in _ids(page)


def test_concurrent_syncs_neither_fail_nor_duplicate(engine, seeded):
    import threading

    from bot.conversations.synthetic import write_conversation

    with engine.begin() as connection:
        for number in range(20):
            write_conversation(connection, f"burst-{number}", [Turn("hello")], NOW)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            sync(engine, force=True)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with engine.connect() as connection:
        count = connection.execute(sa.select(sa.func.count()).select_from(conversations))
        assert count.scalar_one() == 25
