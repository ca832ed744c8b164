"""The chat page's server as a managed process, for `make run` and the browser tests."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from bot.ops.processes import ManagedProcess, http_ok, wait_until
from bot.settings import PROJECT_ROOT, Settings
from bot.web.assets import node_modules

STARTUP_TIMEOUT_S = 60.0


def web_environment(settings: Settings) -> dict[str, str]:
    """The settings the server process reads (over .env), so it serves these settings."""
    return {
        "WEB_PORT": str(settings.web_port),
        "RASA_PORT": str(settings.rasa_port),
        "BIND_HOST": settings.bind_host,
        "ALLOWED_ORIGINS": ",".join(settings.allowed_origins),
        "QUICK_EXIT_URL": settings.quick_exit_url,
        "PUBLIC_RASA_URL": settings.public_rasa_url,
    }


def health_url(settings: Settings) -> str:
    """The server's health check on this machine."""
    host = "127.0.0.1" if settings.bind_host in ("0.0.0.0", "::") else settings.bind_host
    return f"http://{host}:{settings.web_port}/healthz"


def start_web_server(settings: Settings, log_dir: Path) -> ManagedProcess:
    """Start the chat page's server and wait until it answers."""
    node_modules()  # npm ci into the cache now, not inside the server's start-up
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    server = ManagedProcess(
        "chat page server",
        [sys.executable, "-m", "bot.web.server"],
        log_dir / "web.log",
        {**env, **web_environment(settings)},
        PROJECT_ROOT,
    )
    server.start()
    try:
        wait_until(lambda: http_ok(health_url(settings)), [server], STARTUP_TIMEOUT_S)
    except BaseException:
        server.stop()
        raise
    return server
