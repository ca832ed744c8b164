"""`rasa run actions` (rasa_sdk's action server) for `make run`, with three changes:

1. It starts only when what the actions need is sound: the referral directory and the
   responses are checked and loaded, and the actions imported, before serving (they were
   loaded on the first turn, so one malformed entry made every turn fail while /health
   stayed green). A problem stops the start with a message naming it, and exit code 2.
2. No person's text in its log (bot/ops/log_privacy.py).
3. A POST to `/webhook` whose body is not an action call (not JSON, not deflate, not an
   object, no `next_action` name, no `tracker` object with a `sender_id`, parts of the
   tracker of the wrong type) gets 400 with a short reason (rasa_sdk 3.6 answers 500), and
   rasa_sdk's catch-all error handler, which copies the request body into its answer and
   turns Sanic's own errors (404, 405, 413) into 500, is replaced: Sanic's errors keep their
   status and anything else is a 500 that says nothing of the request. Added through
   rasa_sdk's own extension hook (`attach_sanic_app_extensions`, a pluggy hook called on the
   app `rasa_sdk.endpoint.run` builds).

Usage: `python -m bot.ops.action_server --actions actions --port 5055` (rasa_sdk's options).
"""

from __future__ import annotations

import json
import logging
import sys
import traceback
import zlib
from typing import Any

import pluggy
from sanic import Sanic, response
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)
hookimpl = pluggy.HookimplMarker("rasa_sdk")
WEBHOOK = "/webhook"
# An action call holds the whole tracker; Sanic refuses bodies above 100 MB itself. A
# deflated body may not grow beyond the same size when inflated.
MAX_INFLATED_BYTES = 100 * 1024 * 1024


class NotAnActionCall(ValueError):
    """The body of a POST to /webhook is not an action call."""


def action_call(body: bytes, encoding: str | None) -> dict[str, Any]:
    """The decoded action call, or NotAnActionCall saying what is wrong (never quoting it)."""
    if encoding == "deflate":
        inflater = zlib.decompressobj()
        try:
            body = inflater.decompress(body, MAX_INFLATED_BYTES)
        except zlib.error as error:
            raise NotAnActionCall("The body is not valid deflate data.") from error
        if inflater.unconsumed_tail:
            raise NotAnActionCall("The body is too large once inflated.")
    try:
        call = json.loads(body)
    except (ValueError, RecursionError) as error:  # also invalid UTF-8
        raise NotAnActionCall("The body is not valid JSON.") from error
    if not isinstance(call, dict):
        raise NotAnActionCall("The body must be a JSON object.")
    if not isinstance(call.get("next_action"), str) or not call["next_action"]:
        raise NotAnActionCall('The body needs "next_action", the name of an action.')
    tracker = call.get("tracker")
    if not isinstance(tracker, dict) or not isinstance(tracker.get("sender_id"), str):
        raise NotAnActionCall('The body needs "tracker", an object with a "sender_id".')
    for name, kind in (("slots", dict), ("latest_message", dict), ("events", list)):
        if tracker.get(name) is not None and not isinstance(tracker[name], kind):
            raise NotAnActionCall(f'"tracker.{name}" has the wrong type.')
    message = tracker.get("latest_message") or {}
    if message.get("intent") is not None and not isinstance(message["intent"], dict):
        raise NotAnActionCall('"tracker.latest_message.intent" must be an object.')
    if call.get("domain") is not None and not isinstance(call["domain"], dict):
        raise NotAnActionCall('"domain" must be an object.')
    if call.get("version") is not None and not isinstance(call["version"], str):
        raise NotAnActionCall('"version" must be a string.')
    return call


async def reject_malformed_call(request: Request) -> HTTPResponse | None:
    """Answer 400 to a POST to /webhook that is not an action call."""
    if request.method != "POST" or request.path != WEBHOOK:
        return None
    try:
        action_call(request.body, request.headers.get("content-encoding"))
    except NotAnActionCall as error:
        return response.json({"error": str(error)}, status=400)
    return None


async def answer_error(request: Request, exception: Exception) -> HTTPResponse:
    """Sanic's errors with their own status; anything else a 500 without request content."""
    if isinstance(exception, SanicException):
        status = getattr(exception, "status_code", 500) or 500
        return response.json({"error": exception.__class__.__name__}, status=status)
    logger.error(
        "%s while answering %s %s\n%s",
        type(exception).__name__,
        request.method,
        request.path,
        "".join(traceback.format_tb(exception.__traceback__)),
    )
    return response.json({"error": "The action server could not run the action."}, status=500)


class Guard:
    """The rasa_sdk plugin adding the middleware and the error handler."""

    @hookimpl
    def attach_sanic_app_extensions(self, app: Sanic) -> None:
        """Called by rasa_sdk on its app, before it starts serving."""
        app.register_middleware(reject_malformed_call, "request")
        app.error_handler.add(Exception, answer_error)


EXIT_CHECK_FAILED = 2


def prepare() -> None:
    """Check and load what the actions use; raise StartupCheckFailed on a problem."""
    from bot.ops.preflight import StartupCheckFailed, directory_problems, response_problems

    problems = directory_problems() + response_problems()
    if problems:
        raise StartupCheckFailed(problems)
    from bot.referrals import default_directory
    from bot.screening.messages import screening_messages

    default_directory()
    screening_messages()
    import actions.screening  # noqa: F401 (an import error must stop the start)


def main() -> None:
    """Run the checks, then rasa_sdk's command line with the guard installed and no
    person's text in its log."""
    from rasa_sdk.__main__ import main as sdk_main
    from rasa_sdk.plugin import plugin_manager

    from bot.ops.log_privacy import install_for_action_server
    from bot.ops.preflight import StartupCheckFailed

    install_for_action_server()
    try:
        prepare()
    except StartupCheckFailed as error:
        print(f"action server: {error}", file=sys.stderr, flush=True)
        sys.exit(EXIT_CHECK_FAILED)
    plugin_manager().register(Guard())
    sys.argv[0] = "rasa_sdk"
    sdk_main()


if __name__ == "__main__":
    main()
