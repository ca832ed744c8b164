"""No log line carries what a person wrote, in the Rasa server and in the action server.

Rasa 3.6 writes message text into its log in several places: the `/intent{...}` parsing
warnings (at WARNING), errors of the tracker store (SQL parameters hold the events),
exceptions whose message quotes the text, and nearly every DEBUG line. After a person had
their conversation erased, their words stayed in var/logs/rasa.log. Three layers, installed
before Rasa or rasa_sdk set up their logging:

1. Every text a person sends is remembered for a while (`RecentTexts`, in memory only,
   the last `CAPACITY` texts): when a message arrives on any channel (`UserMessage`),
   through the HTTP API (`Agent.parse_message`), as a stored event (`UserUttered`), or
   in the tracker the action server receives. For `/intent{...}` messages, the entity
   values count as texts of their own.
2. Every log record is checked when it is made (a log-record factory): a record whose
   message holds one of those texts (as written, JSON- or repr-escaped, or a 24-character
   piece of a long one) is replaced by a notice naming the logger and level. An exception
   in a record is reduced to its types and frames: its message (which may quote the
   person) is never written, unless its class says it holds only fixed words.
3. The same check runs on everything written to stdout and stderr (warnings, prints,
   tracebacks of libraries), where the servers' logs go.

Texts shorter than `MIN_CHARS` are not searched for ("hi", "no"): they say nothing about
anyone and are everywhere in logs.
"""

from __future__ import annotations

import io
import json
import logging
import re
import sys
import threading
import traceback
from collections import OrderedDict
from collections.abc import Iterable
from types import TracebackType
from typing import Any, TextIO

CAPACITY = 2000  # texts remembered (the oldest are forgotten first)
MIN_CHARS = 3
PIECE = 24  # a long text is also searched for in pieces of this length
MAX_PIECES = 80  # of the first PIECE * MAX_PIECES characters, plus the last piece
WORD_BOUNDARY_BELOW = 8  # a form shorter than this must stand alone ("hey" is not "they")
KEY = WORD_BOUNDARY_BELOW  # longer forms are indexed by their first KEY characters
WITHHELD = "[log line withheld: it contained what a person wrote]"
MESSAGE_WITHHELD = "[message withheld]"
# An exception class with this attribute set to True writes only its own fixed words, never
# a person's, so its message is logged (e.g. bot.ops.rasa_safety.ModelNotLoaded).
SAFE_MESSAGE_FLAG = "message_is_safe_to_log"
_INTENT_ENTITIES = re.compile(r"^/[^{@]*(?:@[\d.]+)?(\{.*\})?", re.DOTALL)


def forms(text: str) -> set[str]:
    """The ways a text can appear in a log: as written, JSON- and repr-escaped, its lines,
    and pieces of a long one."""
    variants = {text, json.dumps(text)[1:-1], json.dumps(text, ensure_ascii=False)[1:-1]}
    variants.add(repr(text)[1:-1])
    variants.update(line for line in text.splitlines())
    found: set[str] = set()
    for variant in variants:
        variant = variant.strip()
        if len(variant) <= 2 * PIECE:
            found.add(variant)
            continue
        last = min(len(variant), PIECE * MAX_PIECES) - PIECE
        found.update(variant[start : start + PIECE] for start in range(0, last + 1, PIECE))
        found.add(variant[-PIECE:])
    return {form for form in found if len(form) >= MIN_CHARS}


def entity_values(text: str) -> list[str]:
    """The string values of a `/intent{"entity": "value"}` message's JSON part."""
    match = _INTENT_ENTITIES.match(text.strip())
    if not match or not match.group(1):
        return []
    try:
        data = json.loads(match.group(1))
    except ValueError:
        return []
    values: list[str] = []

    def collect(value: Any) -> None:
        if isinstance(value, str):
            values.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)

    collect(data)
    return values


class RecentTexts:
    """The texts people sent lately, and a fast check whether a string holds one.

    Forms of `WORD_BOUNDARY_BELOW` characters or more are indexed by their first that many
    characters, shorter ones by themselves: a check costs a few dictionary lookups per
    character of the string, whatever the number of texts.
    """

    def __init__(self, capacity: int = CAPACITY) -> None:
        self._capacity = capacity
        self._texts: OrderedDict[str, frozenset[str]] = OrderedDict()
        self._long: dict[str, dict[str, int]] = {}  # first KEY chars -> form -> texts
        self._short: dict[str, int] = {}  # short form -> texts
        self._lock = threading.Lock()

    def remember(self, text: Any) -> None:
        """Remember a text (and, for `/intent{...}`, its entity values)."""
        if not isinstance(text, str) or len(text.strip()) < MIN_CHARS:
            return
        for item in (text, *entity_values(text)):
            self._add(item)

    def remember_all(self, texts: Iterable[Any]) -> None:
        """Remember several texts."""
        for text in texts:
            self.remember(text)

    def _add(self, text: str) -> None:
        with self._lock:
            if text in self._texts:
                self._texts.move_to_end(text)
                return
            found = frozenset(forms(text))
            self._texts[text] = found
            for form in found:
                counts = self._short if len(form) < KEY else self._long.setdefault(form[:KEY], {})
                counts[form] = counts.get(form, 0) + 1
            while len(self._texts) > self._capacity:
                _, old = self._texts.popitem(last=False)
                for form in old:
                    self._forget(form)

    def _forget(self, form: str) -> None:
        counts = self._short if len(form) < KEY else self._long[form[:KEY]]
        counts[form] -= 1
        if not counts[form]:
            del counts[form]
        if len(form) >= KEY and not counts:
            del self._long[form[:KEY]]

    def found_in(self, line: str) -> bool:
        """True when the string holds a remembered text."""
        long, short = self._long, self._short
        if not (long or short) or not line:
            return False
        for start in range(len(line) - MIN_CHARS + 1):
            bucket = long.get(line[start : start + KEY])
            if bucket and any(line.startswith(form, start) for form in list(bucket)):
                return True
            if short and (start == 0 or not line[start - 1].isalnum()):  # short forms stand alone
                for size in range(MIN_CHARS, KEY):
                    piece = line[start : start + size]
                    if len(piece) < size:
                        break
                    if piece in short and _stands_alone(line, start, piece):
                        return True
        return False


def _stands_alone(line: str, start: int, form: str) -> bool:
    end = start + len(form)
    before = line[start - 1] if start else " "
    after = line[end] if end < len(line) else " "
    return not (before.isalnum() or after.isalnum())


RECENT = RecentTexts()


def sanitized_traceback(
    exc_type: type[BaseException], value: BaseException | None, tb: TracebackType | None
) -> str:
    """A traceback with every frame and exception type, and no exception message."""
    lines: list[str] = []
    seen: set[int] = set()

    def add(kind: type[BaseException], error: BaseException | None, frames: Any) -> None:
        if error is not None:
            seen.add(id(error))
            cause = error.__cause__ or (None if error.__suppress_context__ else error.__context__)
            if cause is not None and id(cause) not in seen:
                add(type(cause), cause, cause.__traceback__)
                lines.append("\nThe above exception led to the following exception:\n")
        lines.append("Traceback (most recent call last):\n")
        lines.extend(traceback.format_list(traceback.extract_tb(frames)))
        shown = str(error) if getattr(error, SAFE_MESSAGE_FLAG, False) else MESSAGE_WITHHELD
        lines.append(f"{kind.__module__}.{kind.__qualname__}: {shown}\n")

    add(exc_type, value, tb)
    return "".join(lines).rstrip("\n")


def _scrub_record(record: logging.LogRecord, texts: RecentTexts) -> None:
    """Withhold the message of a record that holds a person's text; strip exception
    messages from it."""
    try:
        message = record.getMessage()
    except Exception:  # a malformed log call: keep only its template
        message = str(record.msg)
    if texts.found_in(message):
        message = f"{WITHHELD} ({record.name}, {record.levelname})"
    record.msg, record.args = message, None
    if record.exc_info and record.exc_info[0] is not None:
        record.exc_text = sanitized_traceback(*record.exc_info)  # type: ignore[arg-type]
        record.exc_info = None
    elif record.exc_text and texts.found_in(record.exc_text):
        record.exc_text = WITHHELD


class ScrubbingStream(io.TextIOBase):
    """A text stream that writes nothing holding a person's text (a line with one becomes
    a notice)."""

    def __init__(self, stream: TextIO, texts: RecentTexts) -> None:
        self._stream = stream
        self._texts = texts

    def write(self, text: str) -> int:
        if self._texts.found_in(text):
            self._stream.write(WITHHELD + "\n")
        else:
            self._stream.write(text)
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return self._stream.isatty()

    def fileno(self) -> int:
        return self._stream.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._stream, "encoding", "utf-8")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


_installed = False


def install(texts: RecentTexts = RECENT) -> None:
    """Scrub every log record and everything written to stdout and stderr (once)."""
    global _installed
    if _installed:
        return
    _installed = True
    make_record = logging.getLogRecordFactory()

    def scrubbed_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        _scrub_record(record, texts)
        return record

    logging.setLogRecordFactory(scrubbed_record)
    sys.stdout = ScrubbingStream(sys.stdout, texts)  # type: ignore[assignment]
    sys.stderr = ScrubbingStream(sys.stderr, texts)  # type: ignore[assignment]
    sys.excepthook = lambda kind, value, tb: print(
        sanitized_traceback(kind, value, tb), file=sys.stderr
    )


def install_for_rasa(texts: RecentTexts = RECENT) -> None:
    """In the Rasa server: remember every text that comes in, then scrub."""
    from rasa.core.agent import Agent
    from rasa.core.channels.channel import UserMessage
    from rasa.shared.core.events import UserUttered

    user_message_init = UserMessage.__init__

    def remembering_user_message(
        self: UserMessage, text: Any = None, *args: Any, **kwargs: Any
    ) -> None:
        texts.remember(text)
        user_message_init(self, text, *args, **kwargs)

    UserMessage.__init__ = remembering_user_message  # type: ignore[method-assign]

    user_uttered_init = UserUttered.__init__

    def remembering_user_uttered(
        self: UserUttered, text: Any = None, *args: Any, **kwargs: Any
    ) -> None:
        texts.remember(text)
        user_uttered_init(self, text, *args, **kwargs)

    UserUttered.__init__ = remembering_user_uttered  # type: ignore[method-assign]

    parse_message = Agent.parse_message

    async def remembering_parse(self: Agent, message_data: Any, *args: Any, **kwargs: Any) -> Any:
        texts.remember(message_data)
        return await parse_message(self, message_data, *args, **kwargs)

    Agent.parse_message = remembering_parse  # type: ignore[method-assign]
    install(texts)


def install_for_action_server(texts: RecentTexts = RECENT) -> None:
    """In the action server: remember the texts of each tracker it receives, then scrub."""
    from rasa_sdk.executor import ActionExecutor

    run = ActionExecutor.run

    async def remembering_run(self: ActionExecutor, action_call: Any) -> Any:
        texts.remember_all(tracker_texts(action_call))
        return await run(self, action_call)

    ActionExecutor.run = remembering_run  # type: ignore[method-assign]
    install(texts)


def tracker_texts(action_call: Any) -> list[str]:
    """The person's texts in an action server request: the latest message and every user
    event."""
    if not isinstance(action_call, dict):
        return []
    tracker = action_call.get("tracker")
    if not isinstance(tracker, dict):
        return []
    found = []
    latest = tracker.get("latest_message")
    if isinstance(latest, dict):
        found.append(latest.get("text"))
    for event in tracker.get("events") or []:
        if isinstance(event, dict) and event.get("event") == "user":
            found.append(event.get("text"))
    return [text for text in found if isinstance(text, str)]
