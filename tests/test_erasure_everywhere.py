"""A person who types "delete" leaves nothing behind, in the bot's tables or the console's.

A real bot over REST and the real staff console (its own virtualenv, over HTTP) share one
database, SQLite or PostgreSQL. Staff index the conversation, follow it up with a referral,
write a note and review a message; then the person types "delete". Right after the reply,
before anyone loads a console page, no table holds anything of the conversation but the
content-free erasure record and the access log's entries naming it.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import secrets
import subprocess
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from bot.ops.processes import ManagedProcess, free_port, http_ok, wait_until
from bot.settings import PROJECT_ROOT
from tests.conftest import make_settings, say

VENV_RUN = ["bash", str(PROJECT_ROOT / "scripts" / "venv-run"), "--env", "console"]
PASSWORD = "erasure test password"
MESSAGE = "my name is Dara Vuthy, they took my passport at the Golden Fortune compound"
OTHER_MESSAGE = "they offered me a job in bangkok, they pay the ticket"
NOTE = "Her cousin in Battambang will call back on Friday"
REFERRAL = "Hope Shelter Poipet, room 7"
# What must not survive anywhere: the person's words, the caseworker's and the trainer's.
TRACES = ("Vuthy", "Golden Fortune", "Battambang", "Hope Shelter")
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@dataclass
class Console:
    """The staff console serving the bot's database."""

    url: str
    env: dict[str, str]


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        return None  # a form's answer is a redirect: report it rather than follow it


class Browser:
    """One staff member's session: cookies kept, forms sent with their CSRF token."""

    def __init__(self, console: Console, username: str) -> None:
        self.base = console.url
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(jar), _KeepRedirects()
        )
        self.post("/login", {"username": username, "password": PASSWORD}, page="/login")

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=60) as response:
            assert response.status == 200, path
            return response.read().decode()

    def post(self, path: str, fields: dict[str, str], page: str) -> str:
        token = CSRF.search(self.get(page)).group(1)
        body = urllib.parse.urlencode({**fields, "csrf_token": token}).encode()
        try:
            self.opener.open(self.base + path, body, timeout=60).close()
        except urllib.error.HTTPError as answer:
            assert answer.code == 302, (path, answer.code)
            return answer.headers["Location"]
        raise AssertionError(f"{path} did not redirect")


def _console_cli(env: dict[str, str], *arguments: str, stdin: str = "") -> None:
    subprocess.run(
        [*VENV_RUN, "python", "-m", "bot.console", *arguments],
        input=stdin,
        env=env,
        cwd=PROJECT_ROOT,
        check=True,
        capture_output=True,
        text=True,
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'lantern.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture()
def console(database_url: str, tmp_path) -> Iterator[Console]:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CONSOLE_PORT": str(port),
        "BIND_HOST": "127.0.0.1",
        "CONSOLE_SECRET_KEY": secrets.token_urlsafe(32),
        "CONSOLE_AUDIT_KEY": secrets.token_urlsafe(32),
    }
    for username, role in (("casey", "caseworker"), ("tina", "trainer")):
        _console_cli(
            env,
            "create-user",
            "--role",
            role,
            "--username",
            username,
            "--password-stdin",
            stdin=PASSWORD + "\n",
        )
    server = ManagedProcess(
        "console",
        [*VENV_RUN, "python", "-m", "bot.console", "serve"],
        tmp_path / "console.log",
        env,
        PROJECT_ROOT,
    )
    server.start()
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: http_ok(f"{url}/login"), [server], 240)
        yield Console(url, env)
    finally:
        server.stop()


def _everything(engine: sa.engine.Engine) -> dict[str, list[dict]]:
    """Every row of every table in the database."""
    with engine.connect() as connection:
        return {
            name: [
                dict(row)
                for row in connection.execute(sa.text(f'SELECT * FROM "{name}"')).mappings()
            ]
            for name in sa.inspect(connection).get_table_names()
        }


def _stored_id(engine: sa.engine.Engine) -> str:
    """The id the conversation is stored under (found by its text, however ids are derived)."""
    with engine.connect() as connection:
        return connection.execute(
            sa.text("SELECT DISTINCT sender_id FROM events WHERE data LIKE :text"),
            {"text": "%Golden Fortune%"},
        ).scalar_one()


def test_after_delete_nothing_of_the_conversation_is_left_in_any_table(
    start_bot, database_url, console
):
    stack = start_bot(make_settings(database_url))
    person = f"browser-{uuid.uuid4().hex}"
    say(stack, "someone-else", OTHER_MESSAGE)
    say(stack, person, "hello")
    say(stack, person, MESSAGE)
    engine = sa.create_engine(database_url)
    stored = _stored_id(engine)
    quoted = urllib.parse.quote(stored, safe="")

    casey = Browser(console, "casey")
    assert stored in casey.get("/queue") or quoted in casey.get("/queue")
    # Any page's form gives the session's CSRF token. (The transcript page itself answers 500
    # for a real bot's conversation until issue 11's point 1 is fixed on another branch.)
    page = "/account/password"
    casey.post(
        f"/follow-up/{quoted}",
        {"status": "referred", "assignee": "casey", "referral": REFERRAL},
        page=page,
    )
    casey.post(f"/notes/{quoted}", {"text": NOTE}, page=page)
    tina = Browser(console, "tina")
    inbox = tina.get("/inbox/")
    event_id = re.search(r'name="event_id" type="hidden" value="(\d+)"', inbox).group(1)
    tina.post(
        "/inbox/review",
        {
            "event_id": event_id,
            "text": "they took my passport at the Golden Fortune compound",
            "intent": "describe_situation",
            "flags": "documents_confiscated",
            "stage": "in_situ",
            "confirm": "Confirm these labels",
        },
        page="/inbox/",
    )
    before = _everything(engine)
    for table in (
        "console_conversations",
        "console_follow_ups",
        "console_follow_up_changes",
        "console_notes",
        "console_reviews",
    ):
        assert [r for r in before[table] if r["sender_id"] == stored], f"nothing in {table}"

    replies = say(stack, person, "delete")
    assert "erased" in replies[0]["text"].lower()

    after = _everything(engine)  # at once: no console page was loaded since
    engine.dispose()
    for table, rows in after.items():
        text = repr(rows)
        assert not [trace for trace in TRACES if trace in text], table
        if table in ("lantern_erasures", "console_audit_log"):
            continue  # the record that it happened, and who looked at it: ids, no content
        assert stored not in text and person not in text, table
    assert [r["requested_by"] for r in after["lantern_erasures"] if r["sender_id"] == stored] == [
        "person"
    ]
    assert any(OTHER_MESSAGE in str(r["data"]) for r in after["events"])  # others' stay
