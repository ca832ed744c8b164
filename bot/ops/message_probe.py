"""Store a person's message every so often, as Rasa does, and report how long each store took.

Used by `make console-bench` (which runs in the console's environment and starts this in
Rasa's): it measures what a person would notice while staff work runs (the console's first
index, a retention purge). Each save goes through Lantern's own tracker store
(`ErasingSQLTrackerStore`, Rasa's SQLTrackerStore) with the SQLite settings of
`bot.ops.rasa_server`, so a save waits for a lock exactly as long as Rasa would (5 s on
SQLite) before it fails. Prints one JSON line per message on stdout:
`{"at": epoch seconds, "ms": duration, "ok": true|false, "error": "..."}`; stops when
stdin closes.

Usage: `python -m bot.ops.message_probe DATABASE_URL [INTERVAL_S]`
"""

from __future__ import annotations

import asyncio
import json
import sys
import threading
import time
import uuid

from bot.ops.rasa_server import _install_sqlite_pragmas

TEXT = "they took my passport and we cannot leave"


async def probe(database_url: str, interval_s: float, stop: threading.Event) -> None:
    """Append one message per interval to a conversation of its own; print each timing."""
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.conversations.tracker_store import ErasingSQLTrackerStore

    store = ErasingSQLTrackerStore(domain=Domain.empty(), host=database_url)
    tracker = DialogueStateTracker(f"probe-{uuid.uuid4().hex[:12]}", slots=[])
    print(json.dumps({"ready": True}), flush=True)
    while not stop.is_set():
        tracker.update(UserUttered(TEXT, intent={"name": "describe_situation", "confidence": 1}))
        started = time.perf_counter()
        line: dict[str, object] = {"at": time.time()}
        try:
            await store.save(tracker)
            line["ok"] = True
        except Exception as error:  # noqa: BLE001 - a failed save is what is measured
            line.update(ok=False, error=type(error).__name__)
        line["ms"] = round((time.perf_counter() - started) * 1000, 1)
        print(json.dumps(line), flush=True)
        await asyncio.sleep(interval_s)
    store.engine.dispose()


def main(argv: list[str]) -> int:
    """Probe until stdin closes."""
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    interval_s = float(argv[1]) if len(argv) > 1 else 0.1
    _install_sqlite_pragmas()
    stop = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    asyncio.run(probe(argv[0], interval_s, stop))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
