"""Rasa's side of "never silent, never fail open", installed by bot/ops/rasa_server.py.

1. When the action server cannot run a custom action (down, an error, a malformed answer),
   Rasa 3.6 logs it and goes on without the action's events: the person hears nothing.
   Here the action's result becomes the fixed safe reply (responses/safety.yml,
   `screen_technical_problem`): that something went wrong, the emergency advice, and that
   they can write again.
2. When a turn fails inside Rasa itself (the tracker store, the lock store, a pipeline
   component), the REST channel answered 500 and socket.io nothing; and a turn whose
   policies chose no answer at all ended in silence. The person now gets the same safe
   reply on their channel.
3. Rasa serves on, without a model, when the model cannot be loaded ("Could not load
   model", every message ignored). Here the server refuses to start instead.

Log lines name the kind of error only, never its message (it may quote the person).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)
EXIT_CHECK_FAILED = 2


def safe_reply_text() -> str:
    """The safe reply, read once at start (a broken responses file stops the start)."""
    from bot.screening.messages import SAFE_REPLY, screening_messages

    return screening_messages().text(SAFE_REPLY).strip()


def prepare(argv: list[str]) -> None:
    """Before Rasa parses its arguments: check the model named by `--model` and the
    responses (exit 2 with a message naming the problem), then install the changes."""
    from bot.ops.preflight import StartupCheckFailed, model_problems, response_problems

    problems = response_problems()
    model = model_argument(argv)
    if model is not None:
        problems += model_problems(Path(model))
    if problems:
        print(f"Rasa server: {StartupCheckFailed(problems)}", file=sys.stderr, flush=True)
        sys.exit(EXIT_CHECK_FAILED)
    install()


def model_argument(argv: list[str]) -> str | None:
    """The value of `--model` / `-m` in a `rasa run` command line, if given."""
    for index, item in enumerate(argv):
        if item.startswith("--model="):
            return item.split("=", 1)[1]
        if item in ("--model", "-m") and index + 1 < len(argv):
            return argv[index + 1]
    return None


def install() -> None:
    """Install the three changes above."""
    text = safe_reply_text()
    _install_action_fallback(text)
    _install_turn_fallback(text)
    _install_model_guard()


def _install_action_fallback(text: str) -> None:
    from rasa.core.actions.action import (
        ActionExecutionRejection,
        RemoteAction,
        create_bot_utterance,
    )

    original = RemoteAction.run

    async def run(self: RemoteAction, *args: Any, **kwargs: Any) -> list:
        try:
            return await original(self, *args, **kwargs)
        except ActionExecutionRejection:
            raise  # Rasa's own protocol (forms), not a failure
        except Exception as error:
            logger.error(
                "custom action %s could not run (%s); the person got the safe reply",
                self.name(),
                type(error).__name__,
            )
            return [create_bot_utterance({"text": text})]

    RemoteAction.run = run  # type: ignore[method-assign]


def _install_turn_fallback(text: str) -> None:
    from rasa.core.agent import Agent
    from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage

    original = Agent.handle_message

    async def send(output: OutputChannel, recipient: str, reply: str) -> None:
        try:
            await output.send_text_message(recipient, reply)
        except Exception as error:  # the channel itself is gone
            logger.error("a reply could not be sent (%s)", type(error).__name__)

    async def handle_message(self: Agent, message: UserMessage) -> Any:
        output = message.output_channel
        replies = _count_replies(output)
        try:
            result = await original(self, message)
        except Exception as error:
            logger.error("a turn failed (%s); the person got the safe reply", type(error).__name__)
            await send(output, message.sender_id, text)
            return output.messages if isinstance(output, CollectingOutputChannel) else None
        if not replies:
            logger.error("a turn ended without any reply; the person got the safe reply")
            await send(output, message.sender_id, text)
            return output.messages if isinstance(output, CollectingOutputChannel) else result
        return result

    Agent.handle_message = handle_message  # type: ignore[method-assign]


def _count_replies(output: Any) -> list[int]:
    """Count what the turn sends on this channel (a list holding one count per message)."""
    sent: list[int] = []
    send_response = output.send_response

    async def counting(recipient_id: str, message: dict) -> None:
        sent.append(1)
        await send_response(recipient_id, message)

    output.send_response = counting
    return sent


class ModelNotLoaded(RuntimeError):
    """The model could not be loaded: Lantern does not serve without it."""

    message_is_safe_to_log = True  # fixed words (bot/ops/log_privacy.py)


def _install_model_guard() -> None:
    import rasa.core.run as core_run

    original = core_run.load_agent_on_start

    async def load_agent_on_start(*args: Any, **kwargs: Any) -> Any:
        agent = await original(*args, **kwargs)
        if agent is None or not agent.is_ready():
            raise ModelNotLoaded(
                "Lantern cannot start: the model could not be loaded (see the error above); "
                "train it again with `make train`"
            )
        return agent

    core_run.load_agent_on_start = load_agent_on_start
