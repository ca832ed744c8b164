"""Lantern's configuration: `.env` (python-dotenv) over `.env.example` defaults."""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from dotenv import dotenv_values

from bot.conversations.ids import KEY_VARIABLE as CONVERSATION_KEY_VARIABLE
from bot.ops.private_files import make_private, write_private_text

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENV_FILE = PROJECT_ROOT / ".env"
ENV_EXAMPLE_FILE = PROJECT_ROOT / ".env.example"
PLACEHOLDER_TOKEN = "change-me"
# How the Rasa server gets RASA_TOKEN from make run: by environment, never on its command
# line (bot/ops/rasa_server.py).
RASA_TOKEN_VARIABLE = "LANTERN_RASA_TOKEN"
LOOPBACK_OR_ANY = ("127.0.0.1", "localhost", "0.0.0.0", "::")


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
    # The chat page (bot/web): extra origins allowed to embed it and to open Rasa's socket,
    # where Quick exit goes, and where browsers reach Rasa (empty: the page's host, RASA_PORT).
    allowed_origins: tuple[str, ...] = ()
    quick_exit_url: str = "https://www.bbc.com/weather"
    public_rasa_url: str = ""
    # The key of bot/conversations/ids.py (given to the Rasa server only).
    conversation_id_key: str = ""

    @property
    def rasa_url(self) -> str:
        """Base URL of the Rasa server."""
        return f"http://{self._client_host}:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        """Base URL of the action server."""
        return f"http://{self._client_host}:{self.action_port}"

    @property
    def web_url(self) -> str:
        """Where a person on this machine opens the chat page."""
        host = "localhost" if self.bind_host in LOOPBACK_OR_ANY else self.bind_host
        return f"http://{host}:{self.web_port}/"

    def web_origins(self) -> tuple[str, ...]:
        """Origins of the chat page itself, then ALLOWED_ORIGINS: the sites that may embed
        the page and open Rasa's socket.io channel."""
        own = [f"http://localhost:{self.web_port}", f"http://127.0.0.1:{self.web_port}"]
        if self.bind_host not in LOOPBACK_OR_ANY:
            own.append(f"http://{self.bind_host}:{self.web_port}")
        return tuple(dict.fromkeys([*own, *self.allowed_origins]))

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
            # The channels (bot/channels) derive stored conversation ids with it.
            CONVERSATION_KEY_VARIABLE: self.conversation_id_key,
        }


def absolute_sqlite_url(url: str, root: Path = PROJECT_ROOT) -> str:
    """Make a relative SQLite path absolute under the project folder."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/"):
        return prefix + str(root / url[len(prefix) :])
    return url


def ensure_env_file(env_file: Path = ENV_FILE) -> bool:
    """Create `.env` from `.env.example` with a fresh token and conversation key, readable by
    its owner only (0600); True if it was created. An existing `.env` is made 0600 too, and
    gets a conversation key when it has none."""
    if env_file.exists():
        make_private(env_file)
        if not dotenv_values(env_file).get(CONVERSATION_KEY_VARIABLE):
            write_private_text(
                env_file, _with_conversation_key(env_file.read_text(encoding="utf-8"))
            )
        return False
    text = ENV_EXAMPLE_FILE.read_text(encoding="utf-8")
    text = text.replace(
        f"RASA_TOKEN={PLACEHOLDER_TOKEN}", f"RASA_TOKEN={secrets.token_urlsafe(32)}"
    )
    write_private_text(env_file, _with_conversation_key(text))
    return True


def _with_conversation_key(text: str) -> str:
    """The text of a .env with a fresh CONVERSATION_ID_KEY (in place of an empty one)."""
    line = f"{CONVERSATION_KEY_VARIABLE}={secrets.token_urlsafe(32)}"
    text, found = re.subn(rf"(?m)^{CONVERSATION_KEY_VARIABLE}=.*$", lambda _: line, text)
    if found:
        return text
    if text and not text.endswith("\n"):
        text += "\n"
    return f"{text}{line}\n"


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
        allowed_origins=parse_origins(values.get("ALLOWED_ORIGINS") or ""),
        quick_exit_url=web_address("QUICK_EXIT_URL", values.get("QUICK_EXIT_URL"))
        or Settings.quick_exit_url,
        public_rasa_url=web_address("PUBLIC_RASA_URL", values.get("PUBLIC_RASA_URL")).rstrip("/"),
        conversation_id_key=values.get(CONVERSATION_KEY_VARIABLE) or "",
    )


def web_address(name: str, value: str | None) -> str:
    """An http(s) address from .env, or "" when unset; anything else is refused."""
    value = (value or "").strip()
    if value and not value.startswith(("http://", "https://")):
        raise ValueError(f"{name} must start with https:// or http://, not {value!r}")
    return value


def parse_origins(text: str) -> tuple[str, ...]:
    """Comma- or space-separated origins (scheme://host[:port]) without trailing slashes."""
    origins = [item.strip().rstrip("/") for item in text.replace(",", " ").split()]
    for origin in origins:
        if not origin.startswith(("http://", "https://")) or "/" in origin.split("://", 1)[1]:
            raise ValueError(f"ALLOWED_ORIGINS: {origin!r} is not an origin like https://ngo.org")
    return tuple(origins)
