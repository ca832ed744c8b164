"""The Rasa server's edge with a real bot: what a huge or malformed request gets, and why
knowing a conversation's id (as staff see it) gives no access to the conversation.

Issue 11, points 2 and 3. Requests are sent as an attacker would send them (raw bodies,
foreign Origin headers, python-socketio clients like the chat page's socket.io client).
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import socketio
import sqlalchemy as sa

from bot.limits import MAX_MESSAGE_CHARS, MAX_REQUEST_BYTES, TOO_LONG_REPLY
from bot.ops.stack import Stack
from tests.conftest import make_settings, say, stored_id, tracker

REST = "/webhooks/rest/webhook"
HUGE_BYTES = 10 * 1024 * 1024
QUIET_S = 2.0  # how long a client that should get nothing is listened to after the replies


def _post(
    stack: Stack, path: str, body: Any, token: bool = False, **headers: str
) -> tuple[int, Any]:
    """POST a JSON body (or raw bytes) with extra headers; status and decoded answer."""
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    query = f"?token={stack.settings.rasa_token}" if token else ""
    connection = http.client.HTTPConnection("127.0.0.1", stack.settings.rasa_port, timeout=60)
    try:
        connection.request(
            "POST", path + query, body=raw, headers={"Content-Type": "application/json", **headers}
        )
        answer = connection.getresponse()
        status, data = answer.status, answer.read()
    finally:
        connection.close()
    try:
        return status, json.loads(data)
    except ValueError:
        return status, data.decode("utf-8", "replace")


def _stored_rows(stack: Stack) -> list[tuple[str, str]]:
    """(sender_id, data) of every stored event."""
    engine = sa.create_engine(stack.settings.database_url)
    try:
        with engine.connect() as connection:
            return [
                (row.sender_id, row.data)
                for row in connection.execute(
                    sa.text("SELECT sender_id, data FROM events ORDER BY id")
                )
            ]
    finally:
        engine.dispose()


def _ids_stored_since(stack: Stack, before: int) -> set[str]:
    """The conversation ids of the events stored after the first `before` (staff see these)."""
    return {sender_id for sender_id, _ in _stored_rows(stack)[before:]}


def _user_texts(stack: Stack, conversation_id: str) -> list[str]:
    events = tracker(stack, conversation_id)["events"]
    return [event["text"] for event in events if event["event"] == "user"]


def _post_huge(stack: Stack, path: str, size: int) -> tuple[int, dict, float]:
    """Send a `size`-byte JSON message as a plain client does (headers, then the whole body,
    no `Expect: 100-continue`); the status, the JSON answer and the seconds until it came."""
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {size}\r\n\r\n"
    ).encode()
    prefix = b'{"sender": "huge", "message": "'
    body = prefix + b"x" * (size - len(prefix) - 2) + b'"}'
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", stack.settings.rasa_port), timeout=60) as client:
        client.sendall(head)
        try:
            for start in range(0, len(body), 65536):
                client.sendall(body[start : start + 65536])
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed before reading it all: what we want
        answer = b""
        try:
            while chunk := client.recv(65536):
                answer += chunk
        except ConnectionResetError:
            pass
    elapsed = time.monotonic() - started
    head_part, _, data = answer.partition(b"\r\n\r\n")
    status = int(head_part.split(b" ")[1]) if head_part else 0
    return status, json.loads(data) if data else {}, elapsed


class SocketClient:
    """A socket.io client as the chat page is one: session_request, then user_uttered."""

    def __init__(self, stack: Stack, session_id: str) -> None:
        self.session_id = session_id
        self.replies: list[dict] = []
        self._arrived = threading.Condition()
        self.client = socketio.Client()
        confirmed = threading.Event()
        # As the chat page does, on every (re)connection: a busy server may drop the link.
        self.client.on(
            "connect", lambda: self.client.emit("session_request", {"session_id": session_id})
        )
        self.client.on("session_confirm", lambda *_: confirmed.set())
        self.client.on("bot_uttered", self._on_reply)
        self.client.connect(stack.settings.rasa_url, transports=["polling"])
        assert confirmed.wait(20), "no session_confirm"

    def _on_reply(self, data: dict) -> None:
        with self._arrived:
            self.replies.append(data)
            self._arrived.notify_all()

    def say(self, text: str, metadata: Any = None, timeout: float = 180) -> list[dict]:
        """Send a message; the replies that came for it (waits for the first)."""
        count = len(self.replies)
        message = {"message": text, "session_id": self.session_id}
        if metadata is not None:
            message["metadata"] = metadata
        self.client.emit("user_uttered", message)
        with self._arrived:
            assert self._arrived.wait_for(lambda: len(self.replies) > count, timeout), "no reply"
        time.sleep(0.5)  # the rest of the turn's messages
        return self.replies[count:]

    def close(self) -> None:
        self.client.disconnect()


@pytest.fixture()
def sockets(sqlite_bot: Stack) -> Iterator[Any]:
    """Opens socket.io clients on the module's bot (warmed up over REST first: the first
    turn of a new bot can hold its event loop long enough to drop a socket)."""
    say(sqlite_bot, "warm-up", "hello")
    opened: list[SocketClient] = []

    def open_socket(session_id: str) -> SocketClient:
        client = SocketClient(sqlite_bot, session_id)
        opened.append(client)
        return client

    yield open_socket
    for client in opened:
        client.close()


# ---- point 2: one huge message must not stall everyone ----


def test_a_10_mb_message_is_refused_at_once_storing_nothing_while_others_are_answered(sqlite_bot):
    say(sqlite_bot, "other-person", "hello")
    before = len(_stored_rows(sqlite_bot))
    outcome: dict[str, Any] = {}
    sender = threading.Thread(
        target=lambda: outcome.update(huge=_post_huge(sqlite_bot, REST, HUGE_BYTES))
    )
    sender.start()
    # Another person's conversation is answered meanwhile (urllib's timeout is 60 s).
    replies = say(sqlite_bot, "other-person", "they offered me a job in a casino in cambodia")
    sender.join(90)
    status, answer, elapsed = outcome["huge"]
    assert replies
    assert status == 413, (status, answer)
    assert answer["status"] == "failure" and answer["reason"] == "PayloadTooLarge"
    assert f"{MAX_REQUEST_BYTES:,}" in answer["message"]
    rows = _stored_rows(sqlite_bot)
    assert {sender_id for sender_id, _ in rows[before:]} == {stored_id(sqlite_bot, "other-person")}
    assert not any("xxxxxxxxxx" in data for _, data in rows)
    assert not _user_texts(sqlite_bot, stored_id(sqlite_bot, "huge"))
    print(f"\n10 MB REST body answered {status} in {elapsed:.3f} s")


def test_a_message_over_the_limit_gets_413_on_every_http_endpoint_and_is_not_stored(sqlite_bot):
    over = "my recruiter said " + "x" * MAX_MESSAGE_CHARS
    conversation = stored_id(sqlite_bot, "long-writer")
    for path, body, token in [
        (REST, {"sender": "long-writer", "message": over}, False),
        ("/model/parse", {"text": over}, True),
        (f"/conversations/{conversation}/messages", {"text": over, "sender": "user"}, True),
    ]:
        status, answer = _post(sqlite_bot, path, body, token=token)
        assert status == 413, (path, status, answer)
        assert answer["reason"] == "PayloadTooLarge"
        assert f"limit is {MAX_MESSAGE_CHARS:,}" in answer["message"], answer
    assert _user_texts(sqlite_bot, conversation) == []
    # Exactly at the limit is a message like any other (counted in characters, not bytes).
    at_limit = ("они забрали мой паспорт 😀 " * 800)[:MAX_MESSAGE_CHARS]
    assert say(sqlite_bot, "long-writer", at_limit)
    assert _user_texts(sqlite_bot, conversation) == [at_limit]


NESTED = [b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 50_000 + b"1" + b"}" * 50_000]


@pytest.mark.parametrize("body", NESTED, ids=["array", "object"])
def test_deeply_nested_json_gets_400_not_500(sqlite_bot, body):
    for path, token in [
        (REST, False),
        ("/model/parse", True),
        ("/conversations/nested/messages", True),
        ("/conversations/nested/tracker/events", True),
    ]:
        status, answer = _post(sqlite_bot, path, body, token=token)
        assert status == 400, (path, status, answer)
    assert say(sqlite_bot, "after-nested", "hello")


def test_over_limit_socket_message_gets_a_short_bot_message_and_nothing_is_stored(
    sqlite_bot, sockets
):
    person = sockets(uuid.uuid4().hex)
    replies = person.say("my recruiter said " + "x" * MAX_MESSAGE_CHARS)
    assert [reply["text"] for reply in replies] == [TOO_LONG_REPLY]
    assert f"{MAX_MESSAGE_CHARS:,}" in TOO_LONG_REPLY
    conversation = stored_id(sqlite_bot, person.session_id, "socketio")
    assert _user_texts(sqlite_bot, conversation) == []
    # The connection stays usable; metadata nested too deeply to parse is ignored.
    assert person.say("hello", metadata="[" * 100_000)
    assert person.say("hello")
    assert _user_texts(sqlite_bot, conversation) == ["hello", "hello"]


# ---- point 3: knowing a conversation's id gives no access ----


@pytest.mark.parametrize(
    "body",
    [{"message": "hello"}, {"sender": None, "message": "hi"}, {"sender": "", "message": "hi"}],
    ids=["missing", "null", "empty"],
)
def test_rest_without_a_sender_is_refused(sqlite_bot, body):
    status, answer = _post(sqlite_bot, REST, body)
    assert status == 400 and "sender" in answer["message"], answer
    assert not any(sender_id == "default" for sender_id, _ in _stored_rows(sqlite_bot))


def test_rest_from_a_foreign_origin_is_refused(sqlite_bot):
    body = {"sender": "cross-site", "message": "hello"}
    for content_type in ("application/json", "text/plain"):  # text/plain needs no preflight
        status, answer = _post(
            sqlite_bot, REST, body, Origin="https://evil.example", **{"Content-Type": content_type}
        )
        assert status == 403, (content_type, status, answer)
    assert _user_texts(sqlite_bot, stored_id(sqlite_bot, "cross-site")) == []
    page = f"http://localhost:{sqlite_bot.settings.web_port}"  # the chat page's own origin
    assert _post(sqlite_bot, REST, body, Origin=page)[0] == 200
    assert _post(sqlite_bot, REST, body)[0] == 200  # not a browser: no Origin
    assert _user_texts(sqlite_bot, stored_id(sqlite_bot, "cross-site")) == ["hello", "hello"]


def test_a_socket_sending_a_stored_id_gets_none_of_that_conversation(sqlite_bot, sockets):
    before = len(_stored_rows(sqlite_bot))
    person = sockets(uuid.uuid4().hex)
    person.say("hello")
    (seen_by_staff,) = _ids_stored_since(sqlite_bot, before)  # as the console shows it

    listener = sockets(seen_by_staff)  # asks for "that" session, as Rasa's channel allowed
    replies = person.say("they took my passport in sihanoukville")
    time.sleep(QUIET_S)
    assert replies and listener.replies == []

    before = len(_stored_rows(sqlite_bot))
    listener.say("hello, I am someone else")
    assert _user_texts(sqlite_bot, seen_by_staff) == [
        "hello",
        "they took my passport in sihanoukville",
    ]
    (elsewhere,) = _ids_stored_since(sqlite_bot, before)
    assert _user_texts(sqlite_bot, elsewhere) == ["hello, I am someone else"]
    assert seen_by_staff != person.session_id
    assert seen_by_staff == stored_id(sqlite_bot, person.session_id, "socketio")


def test_the_same_client_id_on_rest_and_socket_is_two_conversations(sqlite_bot, sockets):
    before = len(_stored_rows(sqlite_bot))
    person = sockets(uuid.uuid4().hex)
    person.say("hello")
    (conversation,) = _ids_stored_since(sqlite_bot, before)
    replies = say(sqlite_bot, person.session_id, "delete")  # the socket's id, over REST
    assert "erased" in " ".join(reply.get("text", "") for reply in replies)
    assert _user_texts(sqlite_bot, conversation) == ["hello"]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_stored_id_over_rest_writes_elsewhere_and_cannot_erase(
    backend, start_bot, tmp_path, request
):
    url = (
        f"sqlite:///{tmp_path / 'lantern.db'}"
        if backend == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    bot = start_bot(make_settings(url))
    secret = uuid.uuid4().hex
    said = "my name is Dara, they took my passport in Sihanoukville"
    say(bot, secret, said)
    (seen_by_staff,) = _ids_stored_since(bot, 0)

    replies = say(bot, seen_by_staff, "delete")
    assert "erased" in " ".join(reply.get("text", "") for reply in replies)
    assert _user_texts(bot, seen_by_staff) == [said]
    say(bot, seen_by_staff, "hello")
    assert _user_texts(bot, seen_by_staff) == [said]
    (elsewhere,) = _ids_stored_since(bot, 0) - {seen_by_staff}
    assert _user_texts(bot, elsewhere) == ["hello"]

    # Stored ids never are (or contain) the client's own; the tests' helper derives them.
    assert secret not in seen_by_staff + elsewhere
    assert not any(secret in data for _, data in _stored_rows(bot))
    assert (seen_by_staff, elsewhere) == (stored_id(bot, secret), stored_id(bot, seen_by_staff))
