"""The running bot: action server plus Rasa server, started and stopped together."""

from __future__ import annotations

import secrets
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from bot.conversations.ids import conversation_key
from bot.ops.modelcache import rasa_env
from bot.ops.preflight import check_service
from bot.ops.processes import ManagedProcess, http_ok, stop_all, wait_until
from bot.settings import PROJECT_ROOT, RASA_TOKEN_VARIABLE, Settings, load_settings
from bot.storage import check_redis, ensure_database

FALLBACK_MARKER = "InMemoryTrackerStore"
STARTUP_TIMEOUT_S = 240.0


def scratch_settings(database_url: str, **changes: Any) -> Settings:
    """Settings for a throw-away bot (tests, benchmarks, recordings): free ports on
    127.0.0.1, a fresh token and conversation key (unless given), its own database."""
    from bot.ops.processes import free_port

    values: dict[str, Any] = {
        "rasa_port": free_port(),
        "action_port": free_port(),
        "bind_host": "127.0.0.1",
        "rasa_token": secrets.token_urlsafe(16),
        "conversation_id_key": secrets.token_urlsafe(32),
        "database_url": database_url,
    }
    return replace(load_settings(env_file=None), **{**values, **changes})


@dataclass
class Stack:
    """Rasa and the action server for one model and one configuration."""

    settings: Settings
    model: Path
    log_dir: Path
    processes: list[ManagedProcess] = field(default_factory=list)

    def start(self) -> None:
        """Check the directory, the responses and the model (StartupCheckFailed names what
        is broken), prepare the stores, start both servers and wait until both answer."""
        conversation_key(self.settings.rasa_environment())  # refuses a missing key, clearly
        check_service(self.model)

        ensure_database(self.settings.database_url)
        if self.settings.rasa_workers > 1 and self.settings.lock_store_type != "redis":
            raise RuntimeError("RASA_WORKERS above 1 needs LOCK_STORE_TYPE=redis")
        if self.settings.lock_store_type == "redis":
            check_redis(self.settings.redis_host, self.settings.redis_port, self.settings.redis_db)
        # SANIC_HOST is how rasa_sdk chooses its interface (it has no flag for it).
        env = {
            **rasa_env(),
            **self.settings.rasa_environment(),
            "SANIC_HOST": self.settings.bind_host,
            # bot/ops/rasa_server.py refuses socket.io handshakes from any other origin.
            "LANTERN_SOCKET_ORIGINS": ",".join(self.settings.web_origins()),
        }
        # The token goes by environment, never on a command line (`ps` shows those to every
        # account); bot/ops/rasa_server.py hands it to Rasa inside the process.
        rasa_env_with_token = {**env, RASA_TOKEN_VARIABLE: self.settings.rasa_token}
        actions = ManagedProcess(
            "action server",
            [
                sys.executable,
                "-m",
                # rasa_sdk, after checking what the actions use, refusing malformed calls
                # with 400 (bot/ops/action_server.py)
                "bot.ops.action_server",
                "--actions",
                "actions",
                "--port",
                str(self.settings.action_port),
            ],
            self.log_dir / "actions.log",
            env,
            PROJECT_ROOT,
        )
        rasa = ManagedProcess(
            "Rasa server",
            [
                sys.executable,
                "-m",
                "bot.ops.rasa_server",
                "run",
                "--model",
                str(self.model),
                "--enable-api",
                "--interface",
                self.settings.bind_host,
                "--port",
                str(self.settings.rasa_port),
                "--endpoints",
                "endpoints.yml",
                "--credentials",
                "credentials.yml",
                "--cors",
                *self.settings.web_origins(),
            ],
            self.log_dir / "rasa.log",
            rasa_env_with_token,
            PROJECT_ROOT,
        )
        self.processes = [actions, rasa]
        for managed in self.processes:
            managed.start()
        try:
            wait_until(self.ready, self.processes, STARTUP_TIMEOUT_S)
            if FALLBACK_MARKER in rasa.log_path.read_text(errors="replace"):
                raise RuntimeError(
                    "Rasa could not use the SQL tracker store and fell back to memory; "
                    f"see {rasa.log_path}"
                )
        except BaseException:
            self.stop()
            raise

    def ready(self) -> bool:
        """True when the action server and a Rasa server with a model both answer."""
        return http_ok(f"{self.settings.action_url}/health") and http_ok(
            f"{self.settings.rasa_url}/status?token={self.settings.rasa_token}"
        )

    def running(self) -> bool:
        """True while both servers run."""
        return bool(self.processes) and all(p.running() for p in self.processes)

    def stop(self) -> None:
        """Stop both servers and everything they started."""
        stop_all(list(reversed(self.processes)))

    def __enter__(self) -> Stack:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
