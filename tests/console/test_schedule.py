"""The retention job that `python -m bot.console serve` runs in the background."""

from __future__ import annotations

import threading
import time

from bot.console import serve
from bot.conversations.erasure import list_erasures
from tests.console.conftest import console_config


def test_retention_runs_by_itself_after_start(monkeypatch, engine, database_url, seeded):
    monkeypatch.setattr(serve, "FIRST_RETENTION_AFTER_S", 0.05)
    stop = threading.Event()
    worker = threading.Thread(
        target=serve._retention_loop,
        args=(console_config(database_url, retention_days=5), stop),
        daemon=True,
    )
    worker.start()
    deadline = time.monotonic() + 30
    erased = []
    while time.monotonic() < deadline and not erased:
        time.sleep(0.1)
        with engine.connect() as connection:
            erased = list_erasures(connection)
    stop.set()
    worker.join(timeout=10)
    assert [(e.sender_id, e.requested_by) for e in erased] == [(seeded["weather"], "retention")]
    assert not worker.is_alive()
