"""The staff console as one more server of `make run`, in its own virtualenv."""

from __future__ import annotations

import os
from pathlib import Path

from bot.ops.processes import ManagedProcess, http_ok, wait_until
from bot.settings import PROJECT_ROOT, Settings

STARTUP_TIMEOUT_S = 300.0  # the first start also installs the console's virtualenv


def console_url(settings: Settings) -> str:
    """Where a browser on this machine opens the console."""
    host = (
        "localhost" if settings.bind_host in ("127.0.0.1", "0.0.0.0", "::") else settings.bind_host
    )
    return f"http://{host}:{settings.console_port}/"


def start_console(settings: Settings, log_dir: Path) -> ManagedProcess:
    """Start `python -m bot.console serve` through scripts/venv-run and wait until it answers."""
    env = {
        **os.environ,
        "CONSOLE_PORT": str(settings.console_port),
        "BIND_HOST": settings.bind_host,
        "DATABASE_URL": settings.database_url,
    }
    console = ManagedProcess(
        "staff console",
        [
            "bash",
            str(PROJECT_ROOT / "scripts" / "venv-run"),
            "--env",
            "console",
            "python",
            "-m",
            "bot.console",
            "serve",
        ],
        log_dir / "console.log",
        env,
        PROJECT_ROOT,
    )
    console.start()
    client_host = "127.0.0.1" if settings.bind_host in ("0.0.0.0", "::") else settings.bind_host
    try:
        wait_until(
            lambda: http_ok(f"http://{client_host}:{settings.console_port}/login"),
            [console],
            STARTUP_TIMEOUT_S,
        )
    except BaseException:
        console.stop()
        raise
    return console
