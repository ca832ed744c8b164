"""The console's configuration, from the same `.env` as the bot (bot.settings)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from dotenv import dotenv_values

from bot.settings import ENV_EXAMPLE_FILE, ENV_FILE, PROJECT_ROOT, load_settings

SECRET_KEY_FILE = PROJECT_ROOT / "var" / "console-secret-key"
AUDIT_KEY_FILE = PROJECT_ROOT / "var" / "console-audit-key"
DEFAULT_RETENTION_DAYS = 90


@dataclass(frozen=True)
class ConsoleConfig:
    """Where the console listens, which database it reads, and its security settings."""

    database_url: str
    host: str
    port: int
    retention_days: int
    secret_key: str
    session_idle_minutes: int = 30
    session_max_hours: int = 12
    login_limits: str = "5 per minute;30 per hour"
    secure_cookies: bool = False
    nlu_dir: Path = PROJECT_ROOT / "data" / "nlu"  # where the trainer inbox exports to
    # Host names the console answers to (others get 400: no DNS-rebinding from a web page).
    hosts: tuple[str, ...] = ("localhost", "127.0.0.1")
    # Reverse proxies in front of the console whose X-Forwarded-For the access log trusts.
    trusted_proxies: int = 0

    @property
    def url(self) -> str:
        """Where a browser on this machine opens the console."""
        host = "localhost" if self.host in ("127.0.0.1", "0.0.0.0", "::") else self.host
        return f"http://{host}:{self.port}/"


def _env(name: str, default: str) -> str:
    """Process environment over `.env` over `.env.example` over the default."""
    values = dict(dotenv_values(ENV_EXAMPLE_FILE))
    if ENV_FILE.exists():
        values.update(dotenv_values(ENV_FILE))
    value = os.environ.get(name) or values.get(name)
    return value if value else default


def _kept_key(variable: str, path: Path) -> str:
    """The environment variable, else a random key kept in var/ (created once, mode 0600)."""
    explicit = os.environ.get(variable)
    if explicit:
        return explicit
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process created it just now
            pass
        else:
            with os.fdopen(descriptor, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def secret_key(path: Path = SECRET_KEY_FILE) -> str:
    """CONSOLE_SECRET_KEY (sessions' cookies), else a random key kept in var/."""
    return _kept_key("CONSOLE_SECRET_KEY", path)


def audit_key(path: Path = AUDIT_KEY_FILE) -> bytes:
    """CONSOLE_AUDIT_KEY (environment or `.env`), else a random key kept in var/.

    It seals the access log's chain. Kept outside the database, so someone who can only
    write to the database cannot recompute the chain after changing a row. Keep it as long
    as the log (back it up with `.env`): without it the log cannot be verified.
    """
    configured = _env("CONSOLE_AUDIT_KEY", "")
    return (configured or _kept_key("CONSOLE_AUDIT_KEY", path)).encode("utf-8")


def load_config() -> ConsoleConfig:
    """The console's configuration for this machine."""
    settings = load_settings()
    days = int(_env("RETENTION_DAYS", str(DEFAULT_RETENTION_DAYS)))
    if days < 1:
        raise ValueError("RETENTION_DAYS must be 1 or more")
    return ConsoleConfig(
        database_url=settings.database_url,
        host=settings.bind_host,
        port=settings.console_port,
        retention_days=days,
        secret_key=secret_key(),
        session_idle_minutes=int(_env("CONSOLE_SESSION_MINUTES", "30")),
        secure_cookies=_env("CONSOLE_SECURE_COOKIES", "false").lower() == "true",
        nlu_dir=Path(_env("CONSOLE_NLU_DIR", str(PROJECT_ROOT / "data" / "nlu"))),
        trusted_proxies=int(_env("CONSOLE_TRUSTED_PROXIES", "0")),
        hosts=tuple(
            name.strip()
            for name in _env("CONSOLE_HOSTS", f"localhost,127.0.0.1,{settings.bind_host}").split(
                ","
            )
            if name.strip() and name.strip() not in ("0.0.0.0", "::")
        ),
    )
