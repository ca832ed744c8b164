"""`rasa run`, plus one guard: a malformed JSON body gets 400 instead of Rasa's 500.

Rasa 3.6 answers `/model/parse` with HTTP 500 when the body is not JSON. The guard is
a Sanic request middleware added to the app Rasa builds (`rasa.core.run.configure_app`),
so everything else is Rasa's own code path. Usage: `python -m bot.ops.rasa_server run ...`.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

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

    def configure_app(*args: Any, **kwargs: Any) -> Any:
        app = build_app(*args, **kwargs)
        app.register_middleware(reject_malformed_json, "request")
        return app

    core_run.configure_app = configure_app


def main() -> None:
    """Run Rasa's command line with the guard installed."""
    _install_guard()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
