"""The console over HTTP (Flask's test client): logins, roles, CSRF, escaping, headers."""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa

from bot.console import audit
from bot.console.accounts import create_account
from bot.console.app import create_app
from bot.console.db import utcnow
from bot.console.tables import sessions
from tests.console.conftest import RECORDED, console_config, csrf_token, queue_order

PASSWORD = "a long enough password"


def _account(app, username: str, role: str) -> None:
    with app.extensions["lantern_engine"].begin() as connection:
        create_account(connection, username, PASSWORD, role, "test")


def _login(client, username: str, password: str = PASSWORD):
    token = csrf_token(client.get("/login").get_data(as_text=True))
    return client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )


def _entries(app, **narrow):
    with app.extensions["lantern_engine"].connect() as connection:
        return audit.entries(connection, **narrow)


def test_logged_out_visitors_get_the_login_page_everywhere(app, seeded):
    client = app.test_client()
    for path in (
        "/",
        "/queue",
        f"/conversations/{seeded['held-myawaddy']}",
        "/admin/audit",
        "/inbox/",
        "/admin/accounts",
        "/admin/retention",
        "/account/password",
    ):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/login"), path
    assert client.post(f"/notes/{seeded['held-myawaddy']}", data={"text": "x"}).status_code in (
        302,
        400,
    )


def test_login_logs_success_and_failure_and_is_rate_limited(app, seeded):
    _account(app, "ana", "caseworker")
    client = app.test_client()
    assert _login(client, "ana", "wrong password here").status_code == 401
    assert _login(client, "ana").headers["Location"] == "/"
    assert [e.action for e in _entries(app)][:2] == ["login", "login_failed"]
    assert _entries(app)[0].ip == "127.0.0.1"
    other = app.test_client()
    statuses = [_login(other, "ana", f"guess number {n}").status_code for n in range(7)]
    assert statuses[:4] == [401] * 4 and statuses[-1] == 429


def test_caseworker_sees_queue_and_escaped_transcript_and_the_view_is_logged(app, seeded):
    _account(app, "ana", "caseworker")
    client = app.test_client()
    _login(client, "ana")
    queue = client.get("/queue").get_data(as_text=True)
    rows = re.findall(r'data-sender="([^"]+)"', queue)
    assert rows == queue_order()
    assert rows.index("held-myawaddy") < rows.index("offer-cebu") < rows.index("weather")
    page = client.get(f"/conversations/{seeded['probe']}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<script>alert" not in html and "&lt;script&gt;alert(&#39;pwned&#39;)" in html
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    [view] = _entries(app, action=audit.VIEW_TRANSCRIPT)
    assert (view.actor, view.target) == ("ana", seeded["probe"])


def test_follow_up_change_is_saved_attributed_and_logged(app, seeded):
    _account(app, "ana", "caseworker")
    client = app.test_client()
    _login(client, "ana")
    page = client.get(f"/conversations/{seeded['offer-cebu']}").get_data(as_text=True)
    response = client.post(
        f"/follow-up/{seeded['offer-cebu']}",
        data={
            "csrf_token": csrf_token(page),
            "status": "referred",
            "assignee": "ana",
            "referral": "Hotline <x>",
        },
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "Follow-up saved." in html
    assert "status: new → referred" in html.replace("&rarr;", "→")
    assert "Hotline &lt;x&gt;" in html
    details = [e.detail for e in _entries(app, action=audit.FOLLOW_UP_CHANGE)]
    assert "status: new -> referred" in details


def test_forged_forms_are_refused(app, seeded):
    _account(app, "ana", "caseworker")
    client = app.test_client()
    _login(client, "ana")
    forged = client.post(
        f"/follow-up/{seeded['offer-cebu']}", data={"status": "closed", "csrf_token": "forged"}
    )
    assert forged.status_code == 400
    missing = client.post(f"/notes/{seeded['offer-cebu']}", data={"text": "hi"})
    assert missing.status_code == 400
    assert _entries(app, action=audit.FOLLOW_UP_CHANGE) == []


def test_roles_are_enforced_on_every_page(app, seeded):
    _account(app, "tess", "trainer")
    _account(app, "ana", "caseworker")
    trainer = app.test_client()
    _login(trainer, "tess")
    for path in (
        "/queue",
        f"/conversations/{seeded['held-myawaddy']}",
        "/admin/audit",
        "/admin/accounts",
    ):
        assert trainer.get(path).status_code == 403, path
    assert "passport" not in trainer.get(f"/conversations/{seeded['held-myawaddy']}").get_data(
        as_text=True
    )
    denied = _entries(app, action=audit.ACCESS_DENIED)
    assert denied and denied[0].actor == "tess"
    caseworker = app.test_client()
    _login(caseworker, "ana")
    assert caseworker.get("/admin/audit").status_code == 403
    assert caseworker.get("/inbox/").status_code == 403


def test_admin_reads_the_access_log_and_creates_accounts(app, seeded):
    _account(app, "root", "admin")
    client = app.test_client()
    _login(client, "root")
    page = client.get("/admin/accounts").get_data(as_text=True)
    form = page[page.index("New account") :]
    response = client.post(
        "/admin/accounts",
        data={
            "csrf_token": csrf_token(form),
            "username": "bea",
            "role": "caseworker",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
        follow_redirects=True,
    )
    assert "Account bea created." in response.get_data(as_text=True)
    log = client.get("/admin/audit").get_data(as_text=True)
    assert "account_change" in log and "bea" in log and "login" in log
    assert client.get("/queue").status_code == 403


def test_security_headers_and_cookie_flags(app):
    _account(app, "ana", "caseworker")
    client = app.test_client()
    page = client.get("/login")
    csp = page.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src" not in csp  # no script may run at all
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Cache-Control"] == "no-store"
    cookie = _login(client, "ana").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie


def test_idle_sessions_expire_and_logout_ends_the_session(app, seeded):
    _account(app, "ana", "caseworker")
    client = app.test_client()
    _login(client, "ana")
    assert client.get("/queue").status_code == 200
    with app.extensions["lantern_engine"].begin() as connection:
        connection.execute(
            sa.update(sessions).values(last_seen_at=utcnow() - dt.timedelta(hours=1))
        )
    assert client.get("/queue").status_code == 302

    _login(client, "ana")
    page = client.get("/queue").get_data(as_text=True)
    cookie = client.get_cookie("lantern_console")
    client.post("/logout", data={"csrf_token": csrf_token(page)})
    replay = app.test_client()
    replay.set_cookie("lantern_console", cookie.value)
    assert replay.get("/queue").status_code == 302


def test_erased_conversation_shows_only_that_it_was_erased(app, seeded):
    _account(app, "root", "admin")
    _account(app, "ana", "caseworker")
    admin = app.test_client()
    _login(admin, "root")
    page = admin.get("/admin/retention").get_data(as_text=True)
    erase_form = page[page.index("Erase one conversation") :]
    done = admin.post(
        "/admin/erase",
        data={
            "csrf_token": csrf_token(erase_form),
            "sender_id": seeded["held-myawaddy"],
            "confirm": seeded["held-myawaddy"],
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert f"Conversation {seeded['held-myawaddy']} erased" in done
    caseworker = app.test_client()
    _login(caseworker, "ana")
    gone = caseworker.get(f"/conversations/{seeded['held-myawaddy']}")
    text = gone.get_data(as_text=True)
    assert gone.status_code == 404 and "was erased" in text and "an admin" in text
    assert "passport" not in text
    assert seeded["held-myawaddy"] not in caseworker.get("/queue").get_data(as_text=True)


def test_hostile_input_gets_a_clear_answer(app, seeded):
    _account(app, "ana", "caseworker")
    client = app.test_client()
    _login(client, "ana")
    odd = client.get("/queue?level=<script>&since=notadate&page=-4&text=" + "%00" * 10)
    assert odd.status_code == 200 and "<script>" not in odd.get_data(as_text=True)
    assert client.get("/conversations/" + "%3Cb%3E" * 50).status_code == 404
    page = client.get(f"/conversations/{seeded['offer-cebu']}").get_data(as_text=True)
    huge = client.post(
        f"/notes/{seeded['offer-cebu']}",
        data={"csrf_token": csrf_token(page), "text": "x" * 100_000},
    )
    assert huge.status_code == 413


def test_an_unfiltered_queue_shows_no_filter_error(app, seeded):
    _account(app, "ana", "caseworker")
    client = app.test_client()
    _login(client, "ana")
    html = client.get("/queue").get_data(as_text=True)
    everything = f"{len(RECORDED)} conversation(s) match"
    assert "ignored" not in html and everything in html
    odd = client.get("/queue?level=extreme").get_data(as_text=True)
    assert "Risk: Not a valid choice. (ignored)" in odd and everything in odd


def test_only_known_host_names_are_answered(app):
    client = app.test_client()
    assert client.get("/login", headers={"Host": "localhost:8081"}).status_code == 200
    assert client.get("/login", headers={"Host": "attacker.example"}).status_code == 400


def test_changing_ones_password_ends_the_session(app):
    _account(app, "ana", "caseworker")
    client = app.test_client()
    _login(client, "ana")
    page = client.get("/account/password").get_data(as_text=True)
    new = "a brand new long password"
    done = client.post(
        "/account/password",
        data={"csrf_token": csrf_token(page), "password": new, "confirm": new},
        follow_redirects=True,
    )
    assert "Please log in again." in done.get_data(as_text=True)
    assert client.get("/queue").status_code == 302
    assert _login(client, "ana").status_code == 401
    assert _login(client, "ana", new).status_code == 302


def test_the_access_log_trusts_forwarded_addresses_only_behind_a_proxy(app, engine, database_url):
    _account(app, "ana", "caseworker")
    forged = {"X-Forwarded-For": "203.0.113.9"}
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.1.1.1"
    token = csrf_token(client.get("/login").get_data(as_text=True))
    client.post(
        "/login",
        data={"username": "ana", "password": PASSWORD, "csrf_token": token},
        headers=forged,
    )
    assert _entries(app, action=audit.LOGIN)[0].ip == "10.1.1.1"

    proxied = create_app(console_config(database_url, trusted_proxies=1), engine)
    client = proxied.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.1.1.1"
    token = csrf_token(client.get("/login").get_data(as_text=True))
    client.post(
        "/login",
        data={"username": "ana", "password": PASSWORD, "csrf_token": token},
        headers=forged,
    )
    assert _entries(app, action=audit.LOGIN)[0].ip == "203.0.113.9"


def test_after_login_the_page_asked_for_opens_but_never_another_site(app, seeded):
    _account(app, "ana", "caseworker")
    for target, expected in (
        (f"/conversations/{seeded['held-myawaddy']}", f"/conversations/{seeded['held-myawaddy']}"),
        ("//evil.example/x", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
    ):
        client = app.test_client()
        token = csrf_token(client.get("/login").get_data(as_text=True))
        response = client.post(
            "/login",
            query_string={"next": target},
            data={"username": "ana", "password": PASSWORD, "csrf_token": token},
        )
        assert response.headers["Location"] == expected, target
