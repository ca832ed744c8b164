"""Lantern's configuration: `.env` (python-dotenv) over `.env.example` defaults."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from dotenv import dotenv_values

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENV_FILE = PROJECT_ROOT / ".env"
ENV_EXAMPLE_FILE = PROJECT_ROOT / ".env.example"
PLACEHOLDER_TOKEN = "change-me"


@dataclass(frozen=True)
class Settings:
    """Every configurable value, read once."""

    rasa_port: int
    action_port: int
    web_port: int
    console_port: int
    bind_host: str
    rasa_token: str
    database_url: str
    lock_store_type: str
    redis_host: str
    redis_port: int
    redis_db: int
    rasa_workers: int = 1

    @property
    def rasa_url(self) -> str:
        """Base URL of the Rasa server."""
        return f"http://{self._client_host}:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        """Base URL of the action server."""
        return f"http://{self._client_host}:{self.action_port}"

    @property
    def _client_host(self) -> str:
        return "127.0.0.1" if self.bind_host in ("0.0.0.0", "::") else self.bind_host

    def rasa_environment(self) -> dict[str, str]:
        """Variables that endpoints.yml substitutes (Rasa reads no .env itself)."""
        return {
            "ACTION_ENDPOINT_URL": f"{self.action_url}/webhook",
            "DATABASE_URL": self.database_url,
            "LOCK_STORE_TYPE": self.lock_store_type,
            "REDIS_HOST": self.redis_host,
            "REDIS_PORT": str(self.redis_port),
            "REDIS_DB": str(self.redis_db),
            "RASA_TELEMETRY_ENABLED": "false",
            # Rasa runs this many Sanic worker processes (more than 1 needs Redis locks).
            "SANIC_WORKERS": str(self.rasa_workers),
        }


def absolute_sqlite_url(url: str, root: Path = PROJECT_ROOT) -> str:
    """Make a relative SQLite path absolute under the project folder."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/"):
        return prefix + str(root / url[len(prefix) :])
    return url


def ensure_env_file() -> bool:
    """Create `.env` from `.env.example` with a fresh token; True if it was created."""
    if ENV_FILE.exists():
        return False
    text = ENV_EXAMPLE_FILE.read_text(encoding="utf-8")
    text = text.replace(
        f"RASA_TOKEN={PLACEHOLDER_TOKEN}", f"RASA_TOKEN={secrets.token_urlsafe(32)}"
    )
    ENV_FILE.write_text(text, encoding="utf-8")
    return True


def load_settings(env_file: Path | None = ENV_FILE) -> Settings:
    """Read settings: process environment over `.env` over `.env.example`."""
    values: dict[str, str | None] = dict(dotenv_values(ENV_EXAMPLE_FILE))
    if env_file is not None and env_file.exists():
        values.update(dotenv_values(env_file))
    values.update({k: v for k, v in os.environ.items() if k in values})

    def get(name: str) -> str:
        value = values.get(name)
        if value is None or value == "":
            raise ValueError(f"setting {name} is missing from .env")
        return value

    return Settings(
        rasa_port=int(get("RASA_PORT")),
        action_port=int(get("ACTION_PORT")),
        web_port=int(get("WEB_PORT")),
        console_port=int(get("CONSOLE_PORT")),
        bind_host=get("BIND_HOST"),
        rasa_token=get("RASA_TOKEN"),
        database_url=absolute_sqlite_url(get("DATABASE_URL")),
        lock_store_type=get("LOCK_STORE_TYPE"),
        redis_host=get("REDIS_HOST"),
        redis_port=int(get("REDIS_PORT")),
        redis_db=int(get("REDIS_DB")),
        rasa_workers=int(get("RASA_WORKERS")),
    )
