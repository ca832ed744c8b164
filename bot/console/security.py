"""Who may do what: login sessions (Flask-Login over server-side sessions), roles, headers.

- Flask-Login keeps the login in a signed, HttpOnly, SameSite=Strict cookie holding only a
  random session token; the session itself lives in `console_sessions` (bot.console.sessions).
- Flask-WTF checks a CSRF token on every POST.
- Flask-Limiter limits failed logins per client address.
- Flask-Talisman sets the security headers (CSP without scripts, frame-ancestors 'none',
  no-referrer, nosniff); responses are never cached.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, abort, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.engine import Engine

from bot.console import audit
from bot.console.accounts import Account
from bot.console.config import ConsoleConfig
from bot.console.sessions import resume_session

CSP = {
    "default-src": "'none'",
    "style-src": "'self'",
    "img-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
}

login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(get_remote_address, storage_uri="memory://", strategy="fixed-window")

View = TypeVar("View", bound=Callable[..., Any])


class ConsoleUser:
    """The logged-in staff member (Flask-Login's user), identified by the session token."""

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def __init__(self, account: Account, token: str) -> None:
        self.account = account
        self.token = token

    @property
    def username(self) -> str:
        """The account's username (what the audit log records)."""
        return self.account.username

    @property
    def role(self) -> str:
        """caseworker, trainer or admin."""
        return self.account.role

    def get_id(self) -> str:
        """What Flask-Login keeps in the cookie: the session token."""
        return self.token


def engine() -> Engine:
    """The app's database engine."""
    return current_app.extensions["lantern_engine"]


def config() -> ConsoleConfig:
    """The app's configuration."""
    return current_app.extensions["lantern_config"]


def client_ip() -> str | None:
    """The address the request came from."""
    return request.remote_addr


def actor() -> str:
    """Who is acting, for the audit log."""
    return current_user.username if current_user.is_authenticated else "anonymous"


@login_manager.user_loader
def _load_user(token: str) -> ConsoleUser | None:
    settings = config()
    with engine().begin() as connection:
        account = resume_session(
            connection,
            token,
            idle=dt.timedelta(minutes=settings.session_idle_minutes),
            max_age=dt.timedelta(hours=settings.session_max_hours),
        )
    return ConsoleUser(account, token) if account else None


def roles_required(*roles: str) -> Callable[[View], View]:
    """Only logged-in staff with one of these roles; others get the login page or 403."""

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                with engine().begin() as connection:
                    audit.record(
                        connection,
                        current_user.username,
                        audit.ACCESS_DENIED,
                        request.path[:255],
                        client_ip(),
                        f"role {current_user.role}",
                    )
                abort(403)
            return view(*args, **kwargs)

        return guarded  # type: ignore[return-value]

    return decorate


def _no_store(response: Any) -> Any:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


def install(app: Flask, settings: ConsoleConfig) -> None:
    """Wire the session, CSRF, rate-limit and header protections into the app."""
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_NAME="lantern_console",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        PERMANENT_SESSION_LIFETIME=dt.timedelta(minutes=settings.session_idle_minutes),
        REMEMBER_COOKIE_DURATION=dt.timedelta(seconds=0),
        WTF_CSRF_TIME_LIMIT=settings.session_max_hours * 3600,
        MAX_CONTENT_LENGTH=64 * 1024,
        TRUSTED_HOSTS=list(settings.hosts),
    )
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to see this page."
    login_manager.session_protection = "basic"
    csrf.init_app(app)
    limiter.init_app(app)
    Talisman(
        app,
        force_https=False,
        strict_transport_security=settings.secure_cookies,
        session_cookie_secure=settings.secure_cookies,
        session_cookie_http_only=True,
        session_cookie_samesite="Strict",
        frame_options="DENY",
        content_security_policy=CSP,
        referrer_policy="no-referrer",
    )
    app.after_request(_no_store)
