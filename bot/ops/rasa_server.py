"""`rasa run` with changes that keep Rasa's own code paths, for `make run`:

1. Requests are checked before Rasa sees them (Sanic request middleware added to the app
   `rasa.core.run.configure_app` builds):
   - a body above `bot.limits.MAX_REQUEST_BYTES` gets 413 from Sanic itself, before the
     body is read (REQUEST_MAX_SIZE), with a JSON error like Rasa's;
   - a request to the REST channel or socket.io whose `Origin` is not the chat page's or
     one of ALLOWED_ORIGINS gets 403: Rasa builds its socket.io server with
     `cors_allowed_origins=[]`, which turns python-engineio's own Origin check off, and
     its REST channel takes any body, so any web site could use either from a visitor's
     browser (a `text/plain` POST needs no CORS preflight). The origins come from
     LANTERN_SOCKET_ORIGINS (set by bot/ops/stack.py); without it nothing is checked, as
     in `rasa run`. Clients that send no Origin (not browsers) are let through, as
     engineio does;
   - a POST/PUT body that is not JSON, or nested too deeply to parse, gets 400 instead of
     Rasa 3.6's 500;
   - a message (REST `message`, `/model/parse` and `/conversations/<id>/messages` `text`)
     must be a string and gets 413 above `bot.limits.MAX_MESSAGE_CHARS`, before NLU;
     a REST request needs a `sender` (Rasa would put every request without one into one
     shared conversation, "default").
2. The action server's answer is checked against Rasa's schema with a validator built
   once. Rasa calls `jsonschema.validate`, which re-checks the schema itself against the
   2020-12 meta-schema on every custom action: about 20 ms of a ~50 ms turn (measured with
   py-spy under `make bench` load).
3. SQLite tracker stores use write-ahead logging with `synchronous=NORMAL`, the setting
   SQLite recommends for WAL: a commit no longer waits for a disk flush.

The socket.io channel's own message limit is in bot/channels/socket_io.py.

No log line carries what a person wrote: bot/ops/log_privacy.py, installed by `main`.
Never silent, never fail open (the model and responses checked before start, a safe reply
when a turn or the action server fails): bot/ops/rasa_safety.py, installed by `main`.

Usage: `python -m bot.ops.rasa_server run ...` (the arguments of `rasa run`).
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import MutableMapping
from typing import Any

from sanic import response
from sanic.exceptions import PayloadTooLarge
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.limits import MAX_REQUEST_BYTES, TOO_LARGE_REQUEST, too_long, too_long_message
from bot.ops import log_privacy, rasa_safety
from bot.settings import RASA_TOKEN_VARIABLE

SOCKET_PATH = "/socket.io"
REST_PATH = "/webhooks/rest/webhook"
# What a browser reaches without the API token: Rasa's channels.
BROWSER_PATHS = (SOCKET_PATH, "/webhooks/")
SOCKET_ORIGINS_VARIABLE = "LANTERN_SOCKET_ORIGINS"
JSON_ENDPOINTS = ("/model/parse", REST_PATH, "/conversations/")
MESSAGES_PATH = re.compile(r"/conversations/.+/messages")


def message_field(path: str) -> str | None:
    """The field holding the message's text on a message endpoint, else None."""
    path = path.rstrip("/")
    if path == REST_PATH:
        return "message"
    if path == "/model/parse" or MESSAGES_PATH.fullmatch(path):
        return "text"
    return None


async def check_json_request(request: Request) -> HTTPResponse | None:
    """Answer 400 to a POST/PUT on a JSON endpoint whose body is not valid JSON, and to a
    message endpoint whose body is not an object with its text as a string (and, for REST,
    a sender); 413 to a message above the size limit."""
    if request.method not in ("POST", "PUT") or not request.path.startswith(JSON_ENDPOINTS):
        return None
    if _body_unread(request):
        return None  # Sanic refused it (413); this middleware runs again for the error page
    try:
        body = json.loads(request.body) if request.body else None
    except (ValueError, RecursionError):  # also invalid UTF-8 (UnicodeDecodeError)
        return _bad_request("The request body is not valid JSON (or is nested too deeply).")
    field = message_field(request.path)
    if field is None:
        return None
    if not isinstance(body, dict):
        return _bad_request("The request body must be a JSON object.")
    text = body.get(field)
    if field == "text" and "parse_data" in body and text is None:
        return None  # /conversations/<id>/messages with parse data only: no NLU
    if not isinstance(text, str):
        return _bad_request(f'The request body needs "{field}" as a string.')
    if field == "message" and not (isinstance(body.get("sender"), str) and body["sender"]):
        return _bad_request('The request body needs "sender" as a non-empty string.')
    if too_long(text):
        return _error(413, "PayloadTooLarge", too_long_message(len(text)))
    return None


def _body_unread(request: Request) -> bool:
    """True when a request declares a body that Sanic did not read: above REQUEST_MAX_SIZE.
    Sanic runs the request middleware again before its error response, with an empty body."""
    if request.body:
        return False
    declared = request.headers.get("content-length", "0").strip() not in ("", "0")
    return declared or "chunked" in request.headers.get("transfer-encoding", "").lower()


def origin_guard(allowed: frozenset[str]) -> Any:
    """A request middleware refusing socket.io and REST channel requests from origins not
    in `allowed`."""

    async def reject_foreign_origin(request: Request) -> HTTPResponse | None:
        if not request.path.startswith(BROWSER_PATHS):
            return None
        origin = request.headers.get("origin")
        if origin is None or origin in allowed:
            return None
        return _error(403, "Forbidden", "Origin not allowed.")

    return reject_foreign_origin


async def body_too_large(request: Request, exception: Exception) -> HTTPResponse:
    """Sanic's 413 (a body above REQUEST_MAX_SIZE, refused before it is read), as JSON."""
    return _error(413, "PayloadTooLarge", TOO_LARGE_REQUEST)


def allowed_socket_origins(environment: dict[str, str]) -> frozenset[str] | None:
    """The origins from LANTERN_SOCKET_ORIGINS, or None when it is not set."""
    value = environment.get(SOCKET_ORIGINS_VARIABLE)
    if value is None:
        return None
    return frozenset(item.strip() for item in value.split(",") if item.strip())


def _bad_request(message: str) -> HTTPResponse:
    return _error(400, "BadRequest", message)


def _error(status: int, reason: str, message: str) -> HTTPResponse:
    """An error in the shape of Rasa's own (rasa.server.ErrorResponse)."""
    return response.json(
        {
            "version": None,
            "status": "failure",
            "reason": reason,
            "message": message,
            "code": status,
        },
        status=status,
    )


def _install_guard() -> None:
    import rasa.core.run as core_run

    build_app = core_run.configure_app
    origins = allowed_socket_origins(dict(os.environ))

    def configure_app(*args: Any, **kwargs: Any) -> Any:
        app = build_app(*args, **kwargs)
        app.config.REQUEST_MAX_SIZE = MAX_REQUEST_BYTES
        app.error_handler.add(PayloadTooLarge, body_too_large)
        if origins is not None:
            app.register_middleware(origin_guard(origins), "request")
        app.register_middleware(check_json_request, "request")
        return app

    core_run.configure_app = configure_app


def _install_action_result_validator() -> None:
    from jsonschema.exceptions import best_match
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)
    original = RemoteAction._validate_action_result

    def validate_action_result(self: RemoteAction, result: dict) -> bool:
        error = best_match(validator.iter_errors(result))
        if error is None:
            return True
        return original(self, result)  # Rasa's own message and exception

    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]


def _install_sqlite_pragmas() -> None:
    import sqlite3

    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    @event.listens_for(Engine, "connect")
    def use_wal(connection: Any, record: Any) -> None:
        if isinstance(connection, sqlite3.Connection):
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()


def token_from_environment(argv: list[str], environment: MutableMapping[str, str]) -> list[str]:
    """`argv` with `--auth-token=<LANTERN_RASA_TOKEN>` added when the variable is set.

    Stack hands the token over by environment: `rasa run` reads it only from --auth-token,
    added here inside the process, so /proc/<pid>/cmdline and `ps` never show it (the "="
    form: a token may start with "-", which argparse would take for an option).
    """
    token = environment.pop(RASA_TOKEN_VARIABLE, "")
    return [*argv, f"--auth-token={token}"] if token else argv


def main() -> None:
    """Run Rasa's command line with the changes above installed."""
    log_privacy.install_for_rasa()  # first: before Rasa sets up its logging
    _install_guard()
    _install_action_result_validator()
    _install_sqlite_pragmas()
    rasa_safety.prepare(sys.argv)
    from rasa.__main__ import main as rasa_main

    sys.argv = token_from_environment(["rasa", *sys.argv[1:]], os.environ)
    rasa_main()


if __name__ == "__main__":
    main()
