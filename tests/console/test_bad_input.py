"""Bad input never makes the console fail (issue 11, point 7): huge numbers, ids that look
like paths, and characters that hide or reorder text."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import unquote, urljoin, urlsplit

from markupsafe import escape

from bot.console import audit
from bot.console.accounts import create_account
from bot.conversations.recorded import write_recorded
from tests.console.conftest import NOW, RECORDED, csrf_token

PASSWORD = "a long enough password"
TOO_LARGE = ("99999999999999999999999", "9223372036854775808", "2147483648")
RLO = "\u202e"


def _client(app, username: str, role: str):
    with app.extensions["lantern_engine"].begin() as connection:
        create_account(connection, username, PASSWORD, role, "test")
    client = app.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
    return client


def test_numbers_too_large_for_the_database_are_not_found(app, seeded):
    caseworker = _client(app, "ana", "caseworker")
    admin = _client(app, "root", "admin")
    token = csrf_token(admin.get("/admin/accounts").get_data(as_text=True))
    for number in TOO_LARGE:
        assert caseworker.get(f"/queue?page={number}").status_code == 404, number
        assert caseworker.get(f"/queue?page={number}&text=passport").status_code == 404
        assert admin.get(f"/admin/audit?page={number}").status_code == 404, number
        for action in ("active", "password"):
            answer = admin.post(
                f"/admin/accounts/{number}/{action}",
                data={"csrf_token": token, "password": PASSWORD, "confirm": PASSWORD},
            )
            assert answer.status_code == 404, (number, action)
    assert caseworker.get("/queue?page=999").status_code == 200  # past the end: empty page
    assert "<span>Page 3</span>" in admin.get("/admin/audit?page=3").get_data(as_text=True)


def test_a_review_of_a_message_id_too_large_is_refused_plainly(app, seeded):
    trainer = _client(app, "tina", "trainer")
    page = trainer.get("/inbox/").get_data(as_text=True)
    for number in TOO_LARGE:
        answer = trainer.post(
            "/inbox/review",
            data={
                "csrf_token": csrf_token(page),
                "event_id": number,
                "intent": "greet",
                "stage": "none",
                "skip": "Skip: not useful for training",
            },
            follow_redirects=True,
        )
        assert answer.status_code == 200, number
        assert "The review was not saved" in answer.get_data(as_text=True)


HOSTILE_IDS = (
    "../admin/audit",
    "../../login?next=/x#y",
    "a b/..%2F%2e%2e/c",
    "//twice",
    "100%",
    "..",
    ".",
    "~..",
    "%2e%2e",
)


def test_ids_that_look_like_paths_link_to_their_own_conversation(app, engine, seeded):
    with engine.begin() as connection:
        for number, sender in enumerate(HOSTILE_IDS):
            write_recorded(connection, RECORDED["held-myawaddy"], sender, NOW - number)
    client = _client(app, "ana", "caseworker")
    queue = client.get("/queue?level=critical").get_data(as_text=True)
    links = {
        unescape(sender): unescape(href)
        for sender, href in re.findall(
            r'data-sender="([^"]*)">.*?<a class="open" href="([^"]+)"', queue, re.S
        )
    }
    for sender in HOSTILE_IDS:
        href = links[sender]
        # What a browser does with the link: resolve it against the queue's address.
        resolved = urlsplit(urljoin("http://console.example/queue", href))
        assert resolved.path.startswith("/conversations/") and resolved.path.count("/") == 2
        assert (resolved.query, resolved.fragment) == ("", "")
        # Browsers also take "%2E%2E" for ".." (Python's urljoin does not).
        assert unquote(resolved.path.split("/")[-1]) not in (".", "..")
        page = client.get(href)
        html = page.get_data(as_text=True)
        assert page.status_code == 200, sender
        assert f"<h1>Conversation <code>{escape(sender)}</code></h1>" in html
        assert "im in myawaddy in a compound" in html
        forms = [unescape(a) for a in re.findall(r'<form method="post" action="([^"]+)"', html)]
        assert all(urljoin("http://console.example/", a).count("/") == 4 for a in forms)
        token = csrf_token(html)
        done = client.post(
            forms[-1], data={"csrf_token": token, "text": "called back"}, follow_redirects=True
        )
        assert "Note added." in done.get_data(as_text=True), sender


def test_after_login_an_id_that_looks_like_a_path_never_leads_elsewhere(app, engine, seeded):
    with engine.begin() as connection:
        write_recorded(connection, RECORDED["weather"], "../admin/audit", NOW)
    with app.extensions["lantern_engine"].begin() as connection:
        create_account(connection, "ana", PASSWORD, "caseworker", "test")
    client = app.test_client()
    asked = client.get("/conversations/..%2Fadmin%2Faudit")  # logged out: the login page
    assert asked.status_code == 302 and asked.headers["Location"].startswith("/login?next=")
    token = csrf_token(client.get(asked.headers["Location"]).get_data(as_text=True))
    done = client.post(
        asked.headers["Location"],
        data={"username": "ana", "password": PASSWORD, "csrf_token": token},
    )
    # The decoded path would resolve to /admin/audit in a browser: the start page instead.
    assert done.headers["Location"] == "/"


def test_hidden_and_reordering_characters_are_shown_visibly(app, engine, seeded):
    [probe] = [t for t in RECORDED["probe"].person_texts() if RLO in t]
    assert "\x00" in probe  # what the person sent, as the bot stored it
    sender = f"rlo-{RLO}gpj.exe"
    with engine.begin() as connection:
        write_recorded(connection, RECORDED["probe"], sender, NOW)
    client = _client(app, "ana", "caseworker")
    pages = [
        client.get(f"/conversations/{seeded['probe']}").get_data(as_text=True),
        client.get("/queue").get_data(as_text=True),
    ]
    link = client_link(pages[1], sender)
    form = client.get(link).get_data(as_text=True)
    note = form[form.index("<h3>Notes</h3>") :]
    action = unescape(re.search(r'<form method="post" action="([^"]+)"', note).group(1))
    client.post(
        action, data={"csrf_token": csrf_token(note), "text": f"file was invoice_{RLO}fdp.exe\x00"}
    )
    transcript = client.get(link).get_data(as_text=True)
    pages.append(transcript)
    for html in pages:
        assert RLO not in html and "\x00" not in html
    assert "invoice_[U+202E]gpj.exe and \u2400 null" in pages[0]
    assert "rlo-[U+202E]gpj.exe" in transcript
    assert "invoice_[U+202E]fdp.exe\u2400" in transcript  # the note, NUL made visible
    admin = _client(app, "root", "admin")
    log = admin.get(f"/admin/audit?action={audit.VIEW_TRANSCRIPT}").get_data(as_text=True)
    assert RLO not in log and "rlo-[U+202E]gpj.exe" in log


def client_link(queue_html: str, sender: str) -> str:
    """The queue's Open link of one conversation."""
    for found, href in re.findall(
        r'data-sender="([^"]*)">.*?<a class="open" href="([^"]+)"', queue_html, re.S
    ):
        if unescape(found).replace("[U+202E]", RLO) == sender:
            return unescape(href)
    raise AssertionError(f"no link to {sender!r}")


def test_nul_characters_sent_anywhere_get_a_clear_answer(app, seeded):
    """PostgreSQL refuses NUL in text; the console must not pass one on and fail."""
    login_page = app.test_client()
    token = csrf_token(login_page.get("/login").get_data(as_text=True))
    refused = login_page.post(
        "/login", data={"username": "ana\x00", "password": PASSWORD, "csrf_token": token}
    )
    assert refused.status_code == 401
    caseworker = _client(app, "ana", "caseworker")
    assert caseworker.get("/conversations/held%00").status_code == 404
    sender = seeded["offer-cebu"]
    page = caseworker.get(f"/conversations/{sender}").get_data(as_text=True)
    noted = caseworker.post(
        f"/notes/{sender}",
        data={"csrf_token": csrf_token(page), "text": "pasted from chat:\x00 call at 5"},
        follow_redirects=True,
    )
    assert noted.status_code == 200 and "Note added." in noted.get_data(as_text=True)
    assert "pasted from chat:\u2400 call at 5" in noted.get_data(as_text=True)
    saved = caseworker.post(
        f"/follow-up/{sender}",
        data={
            "csrf_token": csrf_token(page),
            "status": "referred",
            "assignee": "ana",
            "referral": "IOM\x00",
        },
        follow_redirects=True,
    )
    assert saved.status_code == 200 and "IOM\u2400" in saved.get_data(as_text=True)
    admin = _client(app, "root", "admin")
    for field in ("actor", "target", "action"):
        assert admin.get(f"/admin/audit?{field}=ana%00").status_code == 200, field
    page = admin.get("/admin/retention").get_data(as_text=True)
    erase_form = page[page.index("Erase one conversation") :]
    erased = admin.post(
        "/admin/erase",
        data={"csrf_token": csrf_token(erase_form), "sender_id": "x\x00", "confirm": "x\x00"},
        follow_redirects=True,
    )
    assert erased.status_code == 200
