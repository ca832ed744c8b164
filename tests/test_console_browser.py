"""The staff console in headless Chromium: what a caseworker, a trainer and an admin see.

The console runs as `make run` starts it (its own virtualenv, waitress) on a free port,
over a SQLite database holding conversations written exactly as Rasa writes them.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from bot.conversations.recorded import load_recorded, write_all
from bot.ops.processes import ManagedProcess, free_port, http_ok, wait_until
from bot.settings import PROJECT_ROOT
from tests.browser import screenshot_path

PASSWORD = "browser test password"
VENV_RUN = ["bash", str(PROJECT_ROOT / "scripts" / "venv-run"), "--env", "console"]

# What the real bot stored (tests/fixtures/recorded_conversations.jsonl). The conversation
# with a name and a phone number is written last: the newest message, the first the
# trainer's inbox offers.
RECORDED = load_recorded()
WRITE_ORDER = [name for name in RECORDED if name != "contact-details"] + ["contact-details"]


def queue_order(keep=lambda slots: True) -> list[str]:
    """The recorded conversations in the queue's order: highest risk, then most recent."""
    ranks = ["critical", "high", "medium", "low", "none"]
    chosen = [name for name in RECORDED if keep(RECORDED[name].final_slots())]
    return sorted(
        chosen,
        key=lambda n: (
            ranks.index(RECORDED[n].final_slots().get("risk_level") or "none"),
            RECORDED[n].age_hours,
        ),
    )


@dataclass
class Console:
    """A running console and its database."""

    url: str
    database_url: str
    nlu_dir: object


def _create_user(env: dict[str, str], username: str, role: str) -> None:
    subprocess.run(
        [
            *VENV_RUN,
            "python",
            "-m",
            "bot.console",
            "create-user",
            "--role",
            role,
            "--username",
            username,
            "--password-stdin",
        ],
        input=PASSWORD + "\n",
        env=env,
        cwd=PROJECT_ROOT,
        check=True,
        capture_output=True,
        text=True,
    )


@pytest.fixture(scope="module")
def console(tmp_path_factory) -> Iterator[Console]:
    """The console serving a database with the recorded conversations and three accounts."""
    folder = tmp_path_factory.mktemp("console")
    database_url = f"sqlite:///{folder / 'lantern.db'}"
    engine = sa.create_engine(database_url)
    now = time.time()
    with engine.begin() as connection:
        write_all(connection, now, WRITE_ORDER)
    engine.dispose()
    port = free_port()
    nlu_dir = folder / "nlu"
    shutil.copytree(PROJECT_ROOT / "data" / "nlu", nlu_dir)
    env = {
        **os.environ,
        "CONSOLE_NLU_DIR": str(nlu_dir),
        "DATABASE_URL": database_url,
        "CONSOLE_PORT": str(port),
        "BIND_HOST": "127.0.0.1",
        "CONSOLE_SECRET_KEY": secrets.token_urlsafe(32),
    }
    for username, role in (("casey", "caseworker"), ("tina", "trainer"), ("adam", "admin")):
        _create_user(env, username, role)
    server = ManagedProcess(
        "console",
        [*VENV_RUN, "python", "-m", "bot.console", "serve"],
        folder / "console.log",
        env,
        PROJECT_ROOT,
    )
    server.start()
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: http_ok(f"{base}/login"), [server], 240)
        yield Console(base, database_url, nlu_dir)
    finally:
        server.stop()


@pytest.fixture()
def page(browser):
    """A fresh browser context (its own cookies) and page."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    opened = context.new_page()
    dialogs: list[str] = []
    opened.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    opened.dialogs = dialogs
    yield opened
    context.close()


def submit(page, selector: str) -> None:
    """Click a button that sends a form, and wait until the next page has loaded."""
    with page.expect_navigation(wait_until="load"):
        page.click(selector)


def login(page, console: Console, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{console.url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    submit(page, "input[type=submit]")


def test_logged_out_visitor_gets_the_login_page(page, console):
    page.goto(f"{console.url}/conversations/held-myawaddy")
    assert page.url.startswith(f"{console.url}/login")
    assert page.locator("h1").inner_text() == "Log in"
    assert "passport" not in page.content()
    page.screenshot(path=screenshot_path("console-login"), full_page=True)
    login(page, console, "casey", "not the password")
    assert "not right" in page.locator(".flash").inner_text()


def test_queue_puts_the_person_in_danger_first_and_filters(page, console):
    login(page, console, "casey")
    assert page.url.endswith("/queue")
    order = page.locator("tbody tr").evaluate_all("rows => rows.map(r => r.dataset.sender)")
    assert order == queue_order()
    first = page.locator("tbody tr").first
    assert first.locator(".level").inner_text().lower() == "critical"
    held = page.locator("tbody tr[data-sender='held-myawaddy']")
    assert "Immediate danger reported (urgent)" in held.inner_text()
    page.screenshot(path=screenshot_path("console-queue"), full_page=True)

    page.select_option("select[name=level]", "high")
    submit(page, "button:has-text('Filter')")
    order = page.locator("tbody tr").evaluate_all("rows => rows.map(r => r.dataset.sender)")
    assert order == queue_order(lambda slots: slots.get("risk_level") == "high")
    assert "offer-cebu" in order
    page.goto(f"{console.url}/queue")
    page.fill("input[name=text]", "kenya")  # the person's words, not the bot's
    submit(page, "button:has-text('Filter')")
    order = page.locator("tbody tr").evaluate_all("rows => rows.map(r => r.dataset.sender)")
    assert order == ["held-myawaddy"]
    page.screenshot(path=screenshot_path("console-queue-filtered"), full_page=True)


def test_every_transcript_opens_from_the_queue(page, console):
    login(page, console, "casey")
    links = page.locator("tbody tr a.open").evaluate_all("links => links.map(a => a.href)")
    assert len(links) == len(RECORDED)
    for link, name in zip(links, queue_order()):
        response = page.goto(link)
        assert response.status == 200, name
        shown = page.locator("li.message.person .text").all_inner_texts()
        assert len(shown) == len(RECORDED[name].person_texts()), name
        assert "Something went wrong" not in page.content()
    page.goto(f"{console.url}/conversations/held-myawaddy")
    slots = page.locator("table.slots").inner_text()
    assert "quiet_turns" in slots and "safety_check" in slots
    page.screenshot(path=screenshot_path("console-transcript-held"), full_page=True)


def test_transcript_shows_hostile_html_as_text(page, console):
    login(page, console, "casey")
    page.goto(f"{console.url}/conversations/probe")
    message = page.locator("li.message.person .text").first
    assert message.inner_text().startswith("<script>alert('pwned')</script><img src=x")
    assert page.locator("ol.messages script, ol.messages img").count() == 0
    assert page.dialogs == []
    labels = page.locator("li.message.person .labels").first.inner_text()
    assert "threats_or_violence" in labels
    assert "[U+202E]" in page.locator("ol.messages").inner_text()
    page.screenshot(path=screenshot_path("console-transcript"), full_page=True)


def test_follow_up_change_is_recorded_with_who_and_when(page, console):
    login(page, console, "casey")
    page.goto(f"{console.url}/conversations/held-myawaddy")
    page.select_option("select[name=status]", "in_progress")
    page.select_option("select[name=assignee]", "casey")
    page.fill("input[name=referral]", "IOM Thailand")
    submit(page, "input[value='Save follow-up']")
    assert "Follow-up saved." in page.locator(".flash").inner_text()
    changes = page.locator("table.changes").inner_text()
    assert "casey" in changes and "status: new → in_progress" in changes
    page.fill("textarea[name=text]", "Called the family; waiting for the embassy.")
    submit(page, "input[value='Add note']")
    assert "waiting for the embassy" in page.locator("ol.notes").inner_text()
    page.screenshot(path=screenshot_path("console-follow-up"), full_page=True)
    page.goto(f"{console.url}/queue?status=in_progress")
    order = page.locator("tbody tr").evaluate_all("rows => rows.map(r => r.dataset.sender)")
    assert order == ["held-myawaddy"]


def test_forged_form_is_refused(page, console):
    login(page, console, "casey")
    response = page.request.post(
        f"{console.url}/follow-up/offer-cebu", form={"status": "closed", "csrf_token": "forged"}
    )
    assert response.status == 400
    page.goto(f"{console.url}/conversations/offer-cebu")
    assert "No change yet." in page.locator("table.changes").inner_text()


def test_admin_sees_the_transcript_view_in_the_access_log(page, console):
    login(page, console, "casey")
    page.goto(f"{console.url}/conversations/offer-cebu")
    submit(page, "button:has-text('Log out')")
    assert page.url.startswith(f"{console.url}/login")
    login(page, console, "adam")
    page.goto(f"{console.url}/admin/audit?target=offer-cebu")
    rows = page.locator("table.audit tbody tr.action-view_transcript")
    assert rows.count() >= 1
    assert "casey" in rows.first.inner_text() and "127.0.0.1" in rows.first.inner_text()
    page.goto(f"{console.url}/admin/audit")
    assert page.locator("tr.action-login").count() >= 1
    page.screenshot(path=screenshot_path("console-access-log"), full_page=True)
    page.goto(f"{console.url}/admin/accounts")
    page.screenshot(path=screenshot_path("console-accounts"), full_page=True)
    page.goto(f"{console.url}/admin/retention")
    page.fill("input[name=sender_id]", "weather")
    page.fill("input[name=confirm]", "weather")
    submit(page, "input[value='Erase this conversation']")
    assert "Conversation weather erased" in page.locator(".flash").inner_text()
    assert "weather\tadmin" in page.locator("table.erasures").inner_text()
    page.screenshot(path=screenshot_path("console-retention"), full_page=True)
    page.goto(f"{console.url}/admin/audit?action=erase")
    assert "weather" in page.locator("table.audit").inner_text()
    assert "manila" not in page.content()
    page.goto(f"{console.url}/conversations/held-myawaddy")
    assert "passport" not in page.content()  # admins manage, they do not read transcripts


def test_trainer_cannot_open_a_transcript_or_the_queue(page, console):
    login(page, console, "tina")
    for path in ("/conversations/held-myawaddy", "/queue", "/admin/audit"):
        response = page.goto(f"{console.url}{path}")
        assert response.status == 403, path
        assert "passport" not in page.content() and "Not allowed" in page.content()
    page.screenshot(path=screenshot_path("console-trainer-denied"), full_page=True)


def test_trainer_reviews_a_redacted_message_and_exports_it(page, console):
    login(page, console, "tina")
    assert page.url.endswith("/inbox/")
    shown = page.locator("blockquote .text").inner_text()
    assert "[NAME]" in shown and "[PHONE]" in shown and "passport" in shown
    for private in ("Maria", "Santos", "917", "4567"):
        assert private not in page.content(), private
    assert page.locator("input[name=flags][value=documents_confiscated]").is_checked()
    page.screenshot(path=screenshot_path("console-inbox"), full_page=True)
    page.check("input[name=about_other]")
    submit(page, "input[name=confirm]")
    assert "ready to export" in page.locator(".flash").inner_text()
    page.goto(f"{console.url}/inbox/export")
    submit(page, "button:has-text('Export 1 message(s)')")
    assert "1 example(s) written to exit_and_family.yml" in page.locator(".flash").inner_text()
    page.screenshot(path=screenshot_path("console-export"), full_page=True)
    exported = (console.nlu_dir / "exit_and_family.yml").read_text()
    assert "[NAME]" in exported and "Maria" not in exported
    engine = sa.create_engine(console.database_url)
    with engine.connect() as connection:
        actors = (
            connection.execute(
                sa.text("SELECT actor FROM console_audit_log WHERE action = 'export'")
            )
            .scalars()
            .all()
        )
    engine.dispose()
    assert actors == ["tina"]
