"""`make console-bench`: the console's queue with 10,000 conversations, on SQLite and PostgreSQL.

Writes 10,000 conversations (rows of Rasa's `events` table: copies of the conversations
recorded from the real bot, tests/fixtures/recorded_conversations.jsonl) into a scratch
database, then times the first index sync, a sync after one
new message, and the queue page through the whole Flask app (login session, sync, query,
template, access-log entry) with and without filters and text search, and a transcript page.

Meanwhile a person writes: `bot.ops.message_probe` (in Rasa's environment) stores a message
through Lantern's tracker store every 100 ms, and the bench reports how long those stores
took, and how many failed, while nothing else runs, during the first index and during a
retention purge; and, for comparison, during the same work done in one transaction (as the
console did before it worked in batches).
Numbers go to reports/console-bench.json; nothing here is a pass/fail test.
"""

from __future__ import annotations

import json
import os
import platform
import random
import statistics
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from bot.console.accounts import create_account
from bot.console.app import create_app
from bot.console.config import ConsoleConfig
from bot.console.db import make_engine, migrate
from bot.console.index import sync
from bot.console.retention import purge_expired
from bot.console.tables import conversations, index_state
from bot.conversations.recorded import insert_rows, load_recorded
from bot.settings import PROJECT_ROOT

CONVERSATIONS = 10_000
REPEATS = 15
REPORT = PROJECT_ROOT / "reports" / "console-bench.json"
POSTGRES_SERVER = "postgresql://postgres@localhost:5432"
PASSWORD = "benchmark password"
PROBE_INTERVAL_S = 0.1
RASA_RUN = ["bash", str(PROJECT_ROOT / "scripts" / "venv-run")]

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


class MessageProbe:
    """A person's messages stored by Rasa's tracker store every 100 ms, in Rasa's environment."""

    def __init__(self, database_url: str) -> None:
        self.samples: list[dict] = []
        self.process = subprocess.Popen(
            [
                *RASA_RUN,
                "python",
                "-m",
                "bot.ops.message_probe",
                database_url,
                str(PROBE_INTERVAL_S),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=PROJECT_ROOT,
        )
        self.ready = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()
        if not self.ready.wait(600):
            raise RuntimeError("the message probe did not start")

    def _read(self) -> None:
        for line in self.process.stdout:
            sample = json.loads(line)
            if sample.get("ready"):
                self.ready.set()
            else:
                self.samples.append(sample)

    def between(self, start: float, end: float) -> dict[str, object]:
        """Store times (ms) of the messages sent in this window, and how many failed."""
        window = [s for s in self.samples if start <= s["at"] <= end]
        times = sorted(s["ms"] for s in window)
        if not times:
            return {"messages": 0}
        return {
            "messages": len(window),
            "failed": sum(1 for s in window if not s["ok"]),
            "median_ms": round(statistics.median(times), 1),
            "p95_ms": times[min(len(times) - 1, int(0.95 * len(times)))],
            "max_ms": times[-1],
        }

    def stop(self) -> None:
        self.process.stdin.close()
        self.process.wait(60)


@contextmanager
def _window(probe: MessageProbe, figures: dict[str, object], name: str) -> Iterator[None]:
    """Time the work in the block, and what the person's messages met meanwhile."""
    started = time.time()
    yield
    ended = time.time()
    time.sleep(2 * PROBE_INTERVAL_S)  # the message sent just before the end has answered
    figures[name] = {"seconds": round(ended - started, 2), **probe.between(started, ended)}


def _forget_index(engine: sa.engine.Engine) -> None:
    """Empty the index, so the next sync is a first index again."""
    with engine.begin() as connection:
        connection.execute(sa.delete(conversations))
        connection.execute(
            sa.update(index_state).values(last_event_id=0, last_erasure_id=0, synced_at=None)
        )


def measure(database_url: str) -> dict[str, object]:
    """Every figure for one database."""
    engine = make_engine(database_url)
    migrate(engine)
    started = time.perf_counter()
    rows = populate(engine, CONVERSATIONS)
    write_s = time.perf_counter() - started
    probe = MessageProbe(database_url)
    person: dict[str, object] = {}
    try:
        idle = time.time()
        time.sleep(3)
        person["nothing_else_running"] = probe.between(idle, time.time())
        with _window(probe, person, "during_first_index_in_batches"):
            sync(engine, force=True)
        first_sync_s = person["during_first_index_in_batches"]["seconds"]
        _forget_index(engine)
        with _window(probe, person, "during_first_index_in_one_transaction_as_before"):
            sync(engine, force=True, batch=CONVERSATIONS * 2)
        figures = _pages(engine, database_url)
        # Retention: about a quarter of the conversations are 45 to 60 days old, another
        # quarter 30 to 45: each quarter is purged once, in batches and in one transaction.
        with _window(probe, person, "during_purge_in_batches"):
            purged = len(purge_expired(engine, days=45))
        with _window(probe, person, "during_purge_in_one_transaction_as_before"):
            purged_before = len(purge_expired(engine, days=30, batch=CONVERSATIONS * 2))
    finally:
        probe.stop()
    engine.dispose()
    return {
        "conversations": CONVERSATIONS,
        "event_rows": rows,
        "write_rows_s": round(write_s, 1),
        "first_index_sync_s": first_sync_s,
        **figures,
        "purged_in_batches": purged,
        "purged_in_one_transaction": purged_before,
        "person_message_store_ms": person,
    }


def _pages(engine: sa.engine.Engine, database_url: str) -> dict[str, object]:
    """The queue and transcript pages through the whole Flask app."""
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
        sync(engine)

    return {
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
