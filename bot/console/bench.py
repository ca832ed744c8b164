"""`make console-bench`: the console's queue with 10,000 conversations, on SQLite and PostgreSQL.

Writes 10,000 conversations (rows of Rasa's `events` table: copies of the conversations
recorded from the real bot, tests/fixtures/recorded_conversations.jsonl) into a scratch
database, then times the first index sync, a sync after one new message, and the queue page
through the whole Flask app (login session, sync, query, template, access-log entry) with and
without filters and text search, and a transcript page.
Numbers go to reports/console-bench.json; nothing here is a pass/fail test.
"""

from __future__ import annotations

import json
import os
import platform
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

from bot.console.accounts import create_account
from bot.console.app import create_app
from bot.console.config import ConsoleConfig
from bot.console.db import make_engine, migrate
from bot.console.index import sync
from bot.conversations.recorded import insert_rows, load_recorded
from bot.settings import PROJECT_ROOT

CONVERSATIONS = 10_000
REPEATS = 15
REPORT = PROJECT_ROOT / "reports" / "console-bench.json"
POSTGRES_SERVER = "postgresql://postgres@localhost:5432"
PASSWORD = "benchmark password"

# The conversations are those the real bot stored (tests/fixtures/recorded_conversations.jsonl),
# each copied under many ids at random times. One of them goes into about 1% of the copies
# only, so that a word of it is rare; a common word is in many.
RARE = "offer-indonesian"
RARE_WORD = "kamboja"
COMMON_WORD = "passport"


def populate(engine: sa.engine.Engine, count: int, seed: int = 7) -> int:
    """Write `count` conversations over the last 60 days; return the number of rows."""
    rng = random.Random(seed)
    recorded = load_recorded()
    common = [conversation for name, conversation in recorded.items() if name != RARE]
    now = time.time()
    rows_written = 0
    batch: list[dict] = []
    with engine.begin() as connection:
        for number in range(count):
            conversation = recorded[RARE] if rng.random() < 0.01 else rng.choice(common)
            at = now - rng.uniform(0, 60 * 86400)
            batch.extend(conversation.table_rows(f"bench-{number:05d}", at))
            if len(batch) >= 5000:
                rows_written += insert_rows(connection, batch)
                batch = []
        rows_written += insert_rows(connection, batch)
    return rows_written


def _timed(action: Callable[[], object], repeats: int = REPEATS) -> dict[str, float]:
    """Median, 95th percentile and maximum of `repeats` runs, in milliseconds."""
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {
        "median_ms": round(statistics.median(samples), 1),
        "p95_ms": round(samples[min(len(samples) - 1, int(0.95 * len(samples)))], 1),
        "max_ms": round(samples[-1], 1),
    }


def _get(client, path: str) -> None:
    response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code}")


def measure(database_url: str) -> dict[str, object]:
    """Every figure for one database."""
    engine = make_engine(database_url)
    migrate(engine)
    started = time.perf_counter()
    rows = populate(engine, CONVERSATIONS)
    write_s = time.perf_counter() - started
    started = time.perf_counter()
    with engine.begin() as connection:
        sync(connection)
    first_sync_s = time.perf_counter() - started

    config = ConsoleConfig(
        database_url=database_url,
        host="127.0.0.1",
        port=0,
        retention_days=90,
        secret_key=uuid.uuid4().hex * 2,
    )
    app = create_app(config, engine)
    app.config["WTF_CSRF_ENABLED"] = False
    with engine.begin() as connection:
        create_account(connection, "bench", PASSWORD, "caseworker", "bench")
    client = app.test_client()
    client.post("/login", data={"username": "bench", "password": PASSWORD})

    held = load_recorded()["held-myawaddy"]

    def one_new_message() -> None:
        # What the bot stores for one more message: the held man's second one and its answer.
        starts = held.turn_starts()
        new = held.table_rows("bench-00042", time.time(), first=starts[1], stop=starts[2])
        with engine.begin() as connection:
            insert_rows(connection, new)
            sync(connection)

    figures = {
        "conversations": CONVERSATIONS,
        "event_rows": rows,
        "write_rows_s": round(write_s, 1),
        "first_index_sync_s": round(first_sync_s, 2),
        "sync_after_one_new_message": _timed(one_new_message),
        "queue_page_1": _timed(lambda: _get(client, "/queue")),
        "queue_page_100": _timed(lambda: _get(client, "/queue?page=100")),
        "queue_filter_level_flag_country": _timed(
            lambda: _get(client, "/queue?level=critical&flag=threats_or_violence&country=MM")
        ),
        "queue_filter_status_dates": _timed(
            lambda: _get(client, "/queue?status=new&since=2000-01-01&until=2100-01-01")
        ),
        "queue_text_search_rare": _timed(lambda: _get(client, f"/queue?text={RARE_WORD}")),
        "queue_text_search_common": _timed(lambda: _get(client, f"/queue?text={COMMON_WORD}"), 5),
        "transcript_page": _timed(lambda: _get(client, "/conversations/bench-00042")),
    }
    engine.dispose()
    return figures


def _postgres_url() -> str | None:
    name = f"lantern_console_bench_{uuid.uuid4().hex[:8]}"
    try:
        server = sa.create_engine(f"{POSTGRES_SERVER}/postgres")
        with server.connect():
            pass
        server.dispose()
    except sa.exc.SQLAlchemyError:
        return None
    return f"{POSTGRES_SERVER}/{name}"


def _drop_postgres(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    server = sa.create_engine(f"{POSTGRES_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    server.dispose()


def main() -> int:
    """Measure on SQLite and (when it answers) PostgreSQL; print and write the report."""
    report: dict[str, object] = {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            # The machine is shared: the 1-minute load average says how busy it was.
            "load_average_at_start": round(os.getloadavg()[0], 2),
        },
        "repeats": REPEATS,
    }
    with tempfile.TemporaryDirectory() as scratch:
        report["sqlite"] = measure(f"sqlite:///{Path(scratch) / 'bench.db'}")
    postgres = _postgres_url()
    if postgres:
        try:
            report["postgresql"] = measure(postgres)
        finally:
            _drop_postgres(postgres)
    report["machine"]["load_average_at_end"] = round(os.getloadavg()[0], 2)
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    print(f"written to {REPORT.relative_to(PROJECT_ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
