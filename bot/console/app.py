"""The staff console's Flask application (server-rendered pages, Jinja2 autoescaping)."""

from __future__ import annotations

import datetime as dt

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from bot.console import routing
from bot.console.config import ConsoleConfig
from bot.console.db import make_engine, migrate
from bot.console.security import install
from bot.console.text import neutralise
from bot.console.views import admin, auth, cases, inbox
from bot.contract import FLAGS_BY_ID, WORKPLACE_FLAGS


def when(value: dt.datetime | float | None) -> str:
    """A time for people: '2026-12-07 05:12 UTC' (epoch seconds or naive UTC datetime)."""
    if value is None:
        return "-"
    if isinstance(value, (int, float)):
        value = dt.datetime.fromtimestamp(value, dt.timezone.utc)
    return value.strftime("%Y-%m-%d %H:%M UTC")


def flag_reason(flag: str) -> str:
    """The contract's short reason for a flag id."""
    known = FLAGS_BY_ID.get(flag)
    return known.reason if known else flag


def create_app(config: ConsoleConfig, engine: Engine | None = None) -> Flask:
    """Build the console for a configuration (migrating the console's tables first)."""
    app = Flask(__name__)
    app.jinja_env.autoescape = True
    engine = engine or make_engine(config.database_url)
    migrate(engine)
    app.extensions["lantern_engine"] = engine
    app.extensions["lantern_config"] = config
    install(app, config)
    if config.trusted_proxies > 0:  # the client address comes from the proxies' header
        n = config.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    routing.install(app)
    for module in (auth, cases, admin, inbox):
        app.register_blueprint(module.blueprint)
    app.jinja_env.finalize = neutralise  # every value a template prints
    app.add_template_filter(when)
    app.add_template_filter(flag_reason)
    app.jinja_env.globals["WORKPLACE_FLAGS"] = WORKPLACE_FLAGS

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        return render_template(
            "error.html",
            title="Form refused",
            message=(
                "This form was not sent from this console page or it expired. "
                "Open the page again and resend it."
            ),
        ), 400

    for code, title, message in (
        (403, "Not allowed", "Your role does not give access to this page."),
        (404, "Not found", "There is nothing here."),
        (405, "Not allowed", "This page cannot be used that way."),
        (413, "Too large", "What you sent is too large."),
        (429, "Too many attempts", "Too many failed logins. Wait a few minutes, then try again."),
        (500, "Something went wrong", "The console could not finish this request."),
    ):
        app.register_error_handler(
            code,
            lambda error, c=code, t=title, m=message: (
                render_template("error.html", title=t, message=m),
                c,
            ),
        )
    return app
