"""Serve the console with waitress (a production WSGI server) and run retention daily."""

from __future__ import annotations

import logging
import threading

from waitress import serve

from bot.console.app import create_app
from bot.console.config import ConsoleConfig
from bot.console.db import make_engine
from bot.console.index import sync
from bot.console.retention import purge_expired

RETENTION_EVERY_S = 24 * 3600.0
FIRST_RETENTION_AFTER_S = 60.0
log = logging.getLogger("lantern.console")


def _retention_loop(config: ConsoleConfig, stop: threading.Event) -> None:
    """Erase expired conversations a minute after start, then once a day."""
    engine = make_engine(config.database_url)
    wait = FIRST_RETENTION_AFTER_S
    while not stop.wait(wait):
        try:
            erased = purge_expired(engine, config.retention_days)
            log.info("retention: %d conversation(s) erased", len(erased))
        except Exception:  # noqa: BLE001 - the job must keep running; the next day retries
            log.exception("retention job failed")
        wait = RETENTION_EVERY_S


def run(config: ConsoleConfig, threads: int = 4) -> None:
    """Serve until interrupted."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    app = create_app(config)
    indexed = sync(app.extensions["lantern_engine"], force=True)  # the first page need not wait
    print(f"lantern console: {indexed.updated} conversation(s) indexed", flush=True)
    stop = threading.Event()
    worker = threading.Thread(target=_retention_loop, args=(config, stop), daemon=True)
    worker.start()
    print(f"lantern console: serving on {config.url} (bound to {config.host})", flush=True)
    try:
        serve(app, host=config.host, port=config.port, threads=threads, ident="lantern-console")
    finally:
        stop.set()
