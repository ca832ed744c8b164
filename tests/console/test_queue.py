"""The index and the queue over conversations the real bot stored (SQLite, PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from bot.console.db import utcnow
from bot.console.followup import update_follow_up
from bot.console.index import sync
from bot.console.queue import QueueFilters, countries_in_queue, level_counts, query_queue
from bot.console.tables import conversations, index_state
from bot.conversations.erasure import erase_conversation
from bot.conversations.recorded import insert_rows, write_recorded, write_rest
from tests.console.conftest import HOUR, NOW, RECORDED, final_slots, queue_order


def _queue(engine, **filters):
    sync(engine)
    with engine.connect() as connection:
        return query_queue(connection, QueueFilters(**filters))


def _ids(page):
    return [row.sender_id for row in page.rows]


def _mentions(word: str) -> list[str]:
    """The recorded conversations in which the person wrote `word`, in queue order."""
    return queue_order(
        lambda name, _: any(word.casefold() in t.casefold() for t in RECORDED[name].person_texts())
    )


def test_queue_puts_the_most_at_risk_first_then_the_most_recent(engine, seeded):
    page = _queue(engine)
    assert _ids(page) == queue_order()
    levels = [row.risk_level for row in page.rows]
    assert levels[0] == "critical" and levels[-1] == "none"
    assert levels == sorted(levels, key=["critical", "high", "medium", "low", "none"].index)
    held = next(row for row in page.rows if row.sender_id == "held-myawaddy")
    slots = final_slots("held-myawaddy")
    assert held.risk_level == "critical" and held.urgent
    assert held.red_flags == tuple(slots["red_flags"]) and "documents_confiscated" in held.red_flags
    assert held.risk_reasons == tuple(slots["risk_reasons"])
    assert held.risk_reasons[0] == "Immediate danger reported (urgent)"
    assert held.stage == "in_situ" and held.country == "MM" and held.home_country == "KE"
    assert held.status == "new"
    assert held.person_messages == len(RECORDED["held-myawaddy"].person_texts())
    family = next(row for row in page.rows if row.sender_id == "family-son")
    assert family.about_other and family.risk_level == "critical"


def test_filters_narrow_the_queue(engine, seeded):
    assert _ids(_queue(engine, level="critical")) == queue_order(
        lambda _, slots: slots.get("risk_level") == "critical"
    )
    assert _ids(_queue(engine, flag="employer_paid_travel")) == queue_order(
        lambda _, slots: "employer_paid_travel" in (slots.get("red_flags") or [])
    )
    assert "offer-cebu" in _ids(_queue(engine, flag="employer_paid_travel"))
    prospective = _ids(_queue(engine, stage="prospective"))
    assert prospective == queue_order(lambda _, slots: slots.get("stage") == "prospective")
    assert "offer-cebu" in prospective and "held-myawaddy" not in prospective
    philippines = _ids(_queue(engine, country="PH"))  # home country counts
    assert philippines == queue_order(
        lambda _, s: "PH" in (s.get("country"), s.get("home_country"))
    )
    assert "offer-cebu" in philippines
    today = dt.datetime.fromtimestamp(NOW, dt.timezone.utc).date()
    recent = _ids(_queue(engine, since=today - dt.timedelta(days=1)))
    assert "typos" in recent and "weather" not in recent and "bot-question" not in recent
    older = _ids(_queue(engine, until=today - dt.timedelta(days=4)))
    assert older == ["bot-question", "weather"]  # 100 and 240 hours ago
    with engine.begin() as connection:
        update_follow_up(connection, seeded["held-myawaddy"], "ana", "in_progress", "ana", None)
    assert _ids(_queue(engine, status="in_progress")) == ["held-myawaddy"]
    assert "held-myawaddy" not in _ids(_queue(engine, status="new"))
    with engine.connect() as connection:
        countries = {
            code
            for name in RECORDED
            for code in (final_slots(name).get("country"), final_slots(name).get("home_country"))
            if code
        }
        assert countries_in_queue(connection) == sorted(countries)
        counts = level_counts(connection)
    assert sum(counts.values()) == len(RECORDED)
    assert counts["critical"] == len(
        queue_order(lambda _, slots: slots.get("risk_level") == "critical")
    )


def test_text_search_finds_what_the_person_wrote_and_nothing_else(engine, seeded):
    assert _ids(_queue(engine, text="PASSPORT")) == _mentions("passport")
    assert "held-myawaddy" in _mentions("passport")
    # What the person erased in the chat ("delete") is not found any more.
    assert "erase-typed" not in _ids(_queue(engine, text="passport"))
    assert _ids(_queue(engine, text="telegram")) == _mentions("telegram")
    assert _ids(_queue(engine, text="kenya")) == ["held-myawaddy"]
    # Flag names are in every message's parse data; they must not match.
    assert _ids(_queue(engine, text="documents_confiscated")) == []
    # The bot's words are not the person's.
    bot_words = next(
        row["data"]["text"] for row in RECORDED["weather"].rows if row["type_name"] == "bot"
    )
    assert _ids(_queue(engine, text=bot_words[:40])) == []
    # LIKE wildcards are taken literally.
    assert _ids(_queue(engine, text="%")) == []
    assert _ids(_queue(engine, text="<script>")) == ["probe"]
    assert _ids(_queue(engine, text="kenya", level="high")) == []


def test_non_ascii_text_is_searchable(engine, seeded):
    assert _ids(_queue(engine, text="HỘ CHIẾU")) == ["family-sister-vi"]
    assert _ids(_queue(engine, text="护照")) == ["held-chinese"]
    assert _ids(_queue(engine, text="พาสปอร์ต")) == ["offer-thai"]


def test_pagination_keeps_the_order_across_pages(engine):
    with engine.begin() as connection:
        for number in range(7):
            write_recorded(connection, RECORDED["bot-question"], f"c-{number}", NOW - number * 60)
    sync(engine)
    with engine.connect() as connection:
        first = query_queue(connection, QueueFilters(page=1), page_size=3)
        third = query_queue(connection, QueueFilters(page=3), page_size=3)
        searched = query_queue(connection, QueueFilters(page=2, text="robot"), page_size=3)
    assert first.total == 7 and first.pages == 3
    assert _ids(first) == ["c-0", "c-1", "c-2"]
    assert _ids(third) == ["c-6"]
    assert _ids(searched) == ["c-3", "c-4", "c-5"] and searched.total == 7


def test_sync_follows_new_messages_and_erasures(engine, seeded):
    offer = RECORDED["offer-cebu"]
    with engine.begin() as connection:  # the offer as it stood after "hi" and the button
        erase_conversation(connection, "offer-cebu", "person")
        write_recorded(connection, offer, "offer-2", NOW - 2 * HOUR, turns=2)
    row = next(r for r in _queue(engine).rows if r.sender_id == "offer-2")
    assert row.risk_level == "none" and row.red_flags == ()
    with engine.begin() as connection:  # the rest of it arrives, as Rasa appends it
        write_rest(connection, offer, "offer-2", after_turns=2, last_message_at=NOW)
    page = _queue(engine)
    row = next(r for r in page.rows if r.sender_id == "offer-2")
    assert row.risk_level == final_slots("offer-cebu")["risk_level"] == "high"
    assert row.red_flags == tuple(final_slots("offer-cebu")["red_flags"])
    assert [r.sender_id for r in page.rows if r.risk_level == "high"][0] == "offer-2"

    with engine.begin() as connection:
        update_follow_up(connection, seeded["held-myawaddy"], "ana", "in_progress", None, None)
        erase_conversation(connection, seeded["held-myawaddy"], "person")
    assert "held-myawaddy" not in _ids(_queue(engine))
    with engine.connect() as connection:
        from bot.console.followup import get_follow_up

        assert get_follow_up(connection, "held-myawaddy").updated_by is None  # notes gone too


def test_sync_twice_changes_nothing(engine, seeded):
    sync(engine)
    with engine.connect() as connection:
        first = connection.execute(sa.select(conversations).order_by("sender_id")).all()
    result = sync(engine)
    with engine.connect() as connection:
        second = connection.execute(sa.select(conversations).order_by("sender_id")).all()
    assert first == second and len(first) == len(RECORDED)
    assert result.removed == 0


def test_a_row_that_is_not_json_breaks_nothing(engine, seeded):
    from bot.conversations.events import events

    with engine.begin() as connection:
        connection.execute(
            sa.insert(events).values(
                sender_id="broken-9", type_name="user", timestamp=NOW, data="{not json kenya"
            )
        )
    assert _ids(_queue(engine, text="kenya")) == ["held-myawaddy"]
    assert "broken-9" in _ids(_queue(engine))


def test_an_event_committed_late_with_a_lower_id_is_still_indexed(engine, seeded):
    """PostgreSQL can commit ids out of order; the re-read window catches the late one."""
    from bot.conversations.events import events

    weather, held = RECORDED["weather"], RECORDED["held-myawaddy"]
    # The person of "weather" goes on with what the held man wrote next.
    late = held.table_rows("weather", NOW, first=held.turn_starts()[1], stop=held.turn_starts()[2])
    with engine.begin() as connection:
        highest = connection.execute(sa.select(sa.func.max(events.c.id))).scalar()
        # A later transaction commits first (ids above the gap left for the late one) ...
        first = weather.table_rows("other-9", NOW)
        for offset, row in enumerate(first):
            row["id"] = highest + len(late) + 1 + offset
        insert_rows(connection, first)
    _queue(engine)
    # ... then the earlier one commits, with lower ids than those already indexed.
    for offset, row in enumerate(late):
        row["id"] = highest + 1 + offset
    assert len(late) + len(first) < 200  # within the re-read window
    with engine.begin() as connection:
        insert_rows(connection, late)
        if connection.dialect.name != "postgresql":
            return  # SQLite has one writer: its ids are never committed out of order
        connection.execute(
            sa.update(index_state).values(synced_at=utcnow() - dt.timedelta(minutes=1))
        )
    row = next(r for r in _queue(engine).rows if r.sender_id == "weather")
    assert "documents_confiscated" in row.red_flags and row.stage == "in_situ"


def test_a_conversation_stored_after_an_erasure_is_indexed(engine, seeded):
    """SQLite reuses the ids of erased rows at the end of the table; nothing is missed."""
    _queue(engine)
    held = RECORDED["held-myawaddy"]
    with engine.begin() as connection:
        erase_conversation(connection, seeded["probe"], "person")  # rows at the end
        write_recorded(connection, held, "after-1", NOW, turns=1)
    assert "after-1" in _ids(_queue(engine))
    with engine.begin() as connection:
        write_recorded(connection, RECORDED["weather"], "after-2", NOW)
        write_rest(connection, held, "after-1", after_turns=1, last_message_at=NOW)
    page = _queue(engine)
    assert {"after-1", "after-2"} <= set(_ids(page))
    after = next(r for r in page.rows if r.sender_id == "after-1")
    assert after.red_flags == tuple(final_slots("held-myawaddy")["red_flags"])
    assert "probe" not in _ids(page)


def test_concurrent_syncs_neither_fail_nor_duplicate(engine, seeded):
    import threading

    with engine.begin() as connection:
        for number in range(20):
            write_recorded(connection, RECORDED["weather"], f"burst-{number}", NOW)
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
        assert count.scalar_one() == len(RECORDED) + 20
