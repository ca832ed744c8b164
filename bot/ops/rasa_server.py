"""`rasa run` with four changes that keep Rasa's own code paths, for `make run`:

1. A malformed JSON body gets 400 instead of Rasa 3.6's 500 on `/model/parse` (a Sanic
   request middleware added to the app `rasa.core.run.configure_app` builds).
2. The action server's answer is checked against Rasa's schema with a validator built
   once. Rasa calls `jsonschema.validate`, which re-checks the schema itself against the
   2020-12 meta-schema on every custom action: about 20 ms of a ~50 ms turn (measured with
   py-spy under `make bench` load).
3. SQLite tracker stores use write-ahead logging with `synchronous=NORMAL`, the setting
   SQLite recommends for WAL: a commit no longer waits for a disk flush.
4. A socket.io request whose `Origin` is not the chat page's or one of ALLOWED_ORIGINS
   gets 403: Rasa builds its socket.io server with `cors_allowed_origins=[]`, which turns
   python-engineio's own Origin check off, so any web site could open the channel from a
   visitor's browser. The origins come from LANTERN_SOCKET_ORIGINS (set by
   bot/ops/stack.py); without it nothing is checked, as in `rasa run`. Clients that send no
   Origin (not browsers) are let through, as engineio does.

No log line carries what a person wrote: bot/ops/log_privacy.py, installed by `main`.
Never silent, never fail open (the model and responses checked before start, a safe reply
when a turn or the action server fails): bot/ops/rasa_safety.py, installed by `main`.

Usage: `python -m bot.ops.rasa_server run ...` (the arguments of `rasa run`).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import MutableMapping
from typing import Any

from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.ops import log_privacy, rasa_safety
from bot.settings import RASA_TOKEN_VARIABLE

SOCKET_PATH = "/socket.io"
SOCKET_ORIGINS_VARIABLE = "LANTERN_SOCKET_ORIGINS"
JSON_ENDPOINTS = ("/model/parse", "/webhooks/rest/webhook", "/conversations/")
# The text field each message endpoint needs, as a string.
TEXT_FIELDS = {"/model/parse": "text", "/webhooks/rest/webhook": "message"}


async def reject_malformed_json(request: Request) -> HTTPResponse | None:
    """Answer 400 to a POST/PUT on a JSON endpoint whose body is not valid JSON, and to a
    message endpoint whose body is not an object with its text field as a string."""
    if request.method not in ("POST", "PUT") or not request.path.startswith(JSON_ENDPOINTS):
        return None
    try:
        body = json.loads(request.body) if request.body else None
    except ValueError:  # also invalid UTF-8 (UnicodeDecodeError)
        return _bad_request("The request body is not valid JSON.")
    field = TEXT_FIELDS.get(request.path.rstrip("/"))
    if field is None:
        return None
    if not isinstance(body, dict):
        return _bad_request("The request body must be a JSON object.")
    if not isinstance(body.get(field), str):
        return _bad_request(f'The request body needs "{field}" as a string.')
    return None


def origin_guard(allowed: frozenset[str]) -> Any:
    """A request middleware refusing socket.io requests from origins not in `allowed`."""

    async def reject_foreign_origin(request: Request) -> HTTPResponse | None:
        if not request.path.startswith(SOCKET_PATH):
            return None
        origin = request.headers.get("origin")
        if origin is None or origin in allowed:
            return None
        return response.json(
            {"status": "failure", "reason": "Forbidden", "message": "Origin not allowed."},
            status=403,
        )

    return reject_foreign_origin


def allowed_socket_origins(environment: dict[str, str]) -> frozenset[str] | None:
    """The origins from LANTERN_SOCKET_ORIGINS, or None when it is not set."""
    value = environment.get(SOCKET_ORIGINS_VARIABLE)
    if value is None:
        return None
    return frozenset(item.strip() for item in value.split(",") if item.strip())


def _bad_request(message: str) -> HTTPResponse:
    return response.json(
        {
            "version": None,
            "status": "failure",
            "reason": "BadRequest",
            "message": message,
            "code": 400,
        },
        status=400,
    )


def _install_guard() -> None:
    import rasa.core.run as core_run

    build_app = core_run.configure_app
    origins = allowed_socket_origins(dict(os.environ))

    def configure_app(*args: Any, **kwargs: Any) -> Any:
        app = build_app(*args, **kwargs)
        app.register_middleware(reject_malformed_json, "request")
        if origins is not None:
            app.register_middleware(origin_guard(origins), "request")
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
