"""The jobseekers' chat page in a real browser (Debian's Chromium, Playwright), talking to a
real bot over socket.io: conversation and buttons, reload, quick exit and what it leaves,
hostile input, a dropped link, embedding on another site, layouts and accessibility.

The page reaches Rasa through a relay (tests/relay.py) that a test can cut, as a dropped
mobile connection or a stopped server looks to the page. Neutral sites are answered by the
browser context itself (no network).
"""

from __future__ import annotations

import http.client
import json
import re
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from bot.conversations.ids import stored_conversation_id
from bot.limits import MAX_MESSAGE_CHARS
from bot.ops.processes import free_port
from bot.ops.stack import Stack
from bot.referrals import default_directory
from bot.screening.messages import Messages
from bot.screening.render import referral_line
from bot.settings import PROJECT_ROOT, Settings
from bot.web.assets import SIZE_BUDGET_BYTES, node_modules
from bot.web.service import start_web_server
from tests.browser import screenshot_path
from tests.conftest import make_settings
from tests.relay import Relay

NEUTRAL = "https://weather.test/"
BEFORE = "https://search.test/"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
REPLY_TIMEOUT_MS = 60_000
SIZE_REPORT = PROJECT_ROOT / "reports" / "web-size.json"
HOSTILE = (
    '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>'
    '<b>bold</b> <a href="javascript:window.pwned=3">click</a> &amp; &lt;'
)


@dataclass
class ChatServer:
    settings: Settings
    relay: Relay
    url: str
    host_site: str  # an NGO's site, in ALLOWED_ORIGINS
    foreign_site: str  # a site that is not

    @property
    def origin(self) -> str:
        return self.url.rstrip("/")


class HostSite:
    """Another site on this machine whose page carries the README's embed <script> tag.
    (A real loopback server: Chromium refuses a public page loading from 127.0.0.1.)"""

    def __init__(self, port: int) -> None:
        self.origin = f"http://localhost:{port}"
        self.server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def carry(self, chat_url: str) -> None:
        self.page = (
            f'<!doctype html><html lang="en"><title>NGO</title><h1>Our NGO</h1>'
            f'<script src="{chat_url}embed.js" async></script></html>'
        ).encode()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(site.page)

            def log_message(self, *args: object) -> None:
                return

        return Handler

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def chat(model: Path, tmp_path_factory) -> Iterator[ChatServer]:
    """A real bot, the chat page's server, the relay between the page and Rasa, and two
    other sites that embed the page: one allowed, one not."""
    folder = tmp_path_factory.mktemp("chat-page")
    host, foreign = HostSite(free_port()), HostSite(free_port())
    settings = make_settings(
        f"sqlite:///{folder / 'lantern.db'}",
        web_port=free_port(),
        allowed_origins=(host.origin,),
        quick_exit_url=NEUTRAL,
    )
    url = f"http://127.0.0.1:{settings.web_port}/"
    host.carry(url)
    foreign.carry(url)
    stack = Stack(settings, model, folder)
    relay = Relay(settings.rasa_port)
    web = None
    try:
        stack.start()
        relay.restore()
        page_settings = replace(settings, public_rasa_url=f"http://127.0.0.1:{relay.port}")
        web = start_web_server(page_settings, folder)
        yield ChatServer(settings, relay, url, host.origin, foreign.origin)
    finally:
        if web is not None:
            web.stop()
        relay.cut()
        stack.stop()
        host.close()
        foreign.close()


def _page(html: str) -> dict:
    return {"status": 200, "content_type": "text/html", "body": html}


@pytest.fixture()
def context(browser, chat: ChatServer) -> Iterator[BrowserContext]:
    """A fresh browser profile at phone size; the neutral sites answer locally."""
    context = browser.new_context(viewport=PHONE)
    context.route(NEUTRAL + "**", lambda r: r.fulfill(**_page("<title>Weather</title>Sunny")))
    context.route(BEFORE + "**", lambda r: r.fulfill(**_page("<title>Search</title>Results")))
    yield context
    context.close()


def send(page: Page, text: str) -> None:
    page.get_by_label("Your message").fill(text)
    page.get_by_label("Your message").press("Enter")


def bot_count(page: Page) -> int:
    return page.locator("#log .msg.bot").count()


def wait_for_bot(page: Page, more_than: int, timeout: int = REPLY_TIMEOUT_MS) -> None:
    page.wait_for_function(
        "n => document.querySelectorAll('#log .msg.bot').length > n",
        arg=more_than,
        timeout=timeout,
    )


def texts(page: Page, who: str) -> list[str]:
    return page.locator(f"#log .msg.{who} .text").all_text_contents()


def history_urls(context: BrowserContext, page: Page) -> list[str]:
    """Every entry of the tab's back/forward history (but the blank page a new tab opens)."""
    session = context.new_cdp_session(page)
    entries = session.send("Page.getNavigationHistory")["entries"]
    return [entry["url"] for entry in entries if entry["url"] != "about:blank"]


def said_in(chat: ChatServer, session: str, last: str, timeout: float = 20.0) -> list[str]:
    """The person's messages Rasa stored for the page's session, once `last` is stored."""
    conversation = stored_conversation_id(chat.settings.conversation_id_key, "socketio", session)
    query = f"tracker?token={chat.settings.rasa_token}"
    url = f"{chat.settings.rasa_url}/conversations/{conversation}/{query}"
    deadline = time.monotonic() + timeout
    while True:
        with urllib.request.urlopen(url, timeout=30) as response:
            events = json.loads(response.read())["events"]
        said = [event.get("text") for event in events if event["event"] == "user"]
        if last in said or time.monotonic() > deadline:
            return said
        time.sleep(0.25)


def wait_until_closed(relay: Relay, timeout: float = 10.0) -> None:
    """The page's socket to Lantern is closed (the relay sees no open connection)."""
    deadline = time.monotonic() + timeout
    while relay.live_connections() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert relay.live_connections() == 0, "the socket to Lantern stayed open"


def say_hello_and_get_buttons(page: Page) -> list[str]:
    page.get_by_role("button", name="Start the chat").click()
    wait_for_bot(page, 0)
    choices = page.locator("#log .msg.bot .choice")
    expect(choices.first).to_be_visible()
    return choices.all_text_contents()


def test_a_conversation_with_buttons_survives_a_reload_in_the_tab(chat, context):
    page = context.new_page()
    page.goto(chat.url)
    expect(page.locator(".banner")).to_contain_text("automated")
    expect(page.locator(".banner")).to_contain_text("confidential")
    expect(page.locator(".banner")).to_contain_text("not the police")
    titles = say_hello_and_get_buttons(page)
    assert "not the police" in texts(page, "bot")[0]
    assert len(titles) >= 2 and all(title.strip() for title in titles)
    page.screenshot(path=screenshot_path("chat-360-buttons"))

    before = bot_count(page)
    page.locator("#log .choice").first.click()
    expect(page.locator("#log .msg.me .text").last).to_have_text(titles[0])
    wait_for_bot(page, before)
    expect(page.locator("#log .choice.chosen")).to_have_count(1)
    assert all(
        button.get_attribute("aria-disabled") == "true"
        for button in page.locator("#log .choice").all()
    )
    page.locator("#log .choice").last.click(force=True)  # a spent choice sends nothing more
    page.wait_for_timeout(500)
    assert len(texts(page, "me")) == 2
    conversation = page.locator("#log .msg").all_text_contents()

    page.reload()
    expect(page.locator("#log .msg")).to_have_count(len(conversation))
    assert page.locator("#log .msg").all_text_contents() == conversation
    expect(page.locator("#log .choice.chosen")).to_have_text(titles[0])
    # The conversation goes on after the reload, in the same conversation on the server;
    # the typing indicator shows while the answer is on its way, and goes when it is there.
    page.evaluate(
        """() => { window.typingSeen = false;
            new MutationObserver(() => { if (!document.getElementById('typing').hidden)
                window.typingSeen = true; })
            .observe(document.getElementById('typing'), {attributes: true}); }"""
    )
    before = bot_count(page)
    offer = "they offered me a customer service job in sihanoukville, they pay the ticket"
    send(page, offer)
    wait_for_bot(page, before)
    assert page.evaluate("window.typingSeen") is True
    expect(page.locator("#typing")).to_be_hidden()
    session = json.loads(page.evaluate("sessionStorage.getItem('lantern.session')"))
    said = said_in(chat, session, offer)
    assert said[0] == "hello" and said[-1] == offer


def test_quick_exit_leaves_no_conversation_and_no_lantern_page(chat, context):
    page = context.new_page()
    page.goto(BEFORE)
    page.goto(chat.url)
    send(page, "hello")
    wait_for_bot(page, 0)
    page.get_by_label("Your message").fill("they took my passport")  # typed, not sent
    assert page.evaluate("sessionStorage.length") > 0  # the tab remembered the chat
    assert chat.relay.live_connections() >= 1

    page.get_by_role("link", name="Quick exit").click()
    page.wait_for_url(NEUTRAL)
    assert history_urls(context, page) == [BEFORE, NEUTRAL]
    wait_until_closed(chat.relay)
    page.go_back()
    assert page.url == BEFORE

    # Back on Lantern's origin in the same tab: nothing of the conversation is stored.
    page.goto(chat.url + "healthz")
    stored = page.evaluate("[sessionStorage.length, localStorage.length, document.cookie]")
    assert stored == [0, 0, ""]
    assert context.cookies() == []
    assert all(origin["localStorage"] == [] for origin in context.storage_state()["origins"])
    page.goto(chat.url)
    expect(page.locator("#log .msg")).to_have_count(0)
    expect(page.get_by_label("Your message")).to_have_value("")


def test_the_erase_button_also_clears_the_page_and_the_tab(chat, context):
    page = context.new_page()
    page.goto(chat.url)
    send(page, "my name is Dara, they took my passport in Sihanoukville")
    wait_for_bot(page, 0)
    before = bot_count(page)
    send(page, "stop")
    wait_for_bot(page, before)
    page.get_by_role("button", name="Erase this chat").click()
    expect(page.locator("#log .msg")).to_have_count(1, timeout=REPLY_TIMEOUT_MS)
    expect(page.locator("#log .msg.bot .text")).to_contain_text("erased")
    assert "Dara" not in page.evaluate("JSON.stringify(sessionStorage)")
    page.reload()
    expect(page.locator("#log .msg")).to_have_count(1)
    assert "Dara" not in page.locator("body").inner_text()


def test_a_typed_delete_also_clears_the_page_and_the_tab(chat, context):
    page = context.new_page()
    page.goto(chat.url)
    send(page, "my name is Dara, they took my passport in Sihanoukville")
    wait_for_bot(page, 0)
    send(page, "delete")
    expect(page.locator("#log .msg")).to_have_count(1, timeout=REPLY_TIMEOUT_MS)
    expect(page.locator("#log .msg.bot .text")).to_contain_text("erased")
    assert "Dara" not in page.evaluate("JSON.stringify(sessionStorage)")
    page.reload()
    assert "Dara" not in page.locator("body").inner_text()


def test_escape_twice_is_a_quick_exit_and_once_is_not(chat, context):
    page = context.new_page()
    page.goto(chat.url)
    send(page, "hello")
    wait_for_bot(page, 0)
    page.get_by_label("Your message").fill("half a sentence")
    page.keyboard.press("Escape")
    expect(page.locator("#status")).to_contain_text("Esc again")
    page.wait_for_timeout(1800)  # too late for a double press
    page.keyboard.press("Escape")
    assert page.url == chat.url
    page.keyboard.press("Escape")
    page.wait_for_url(NEUTRAL)
    assert chat.origin not in " ".join(history_urls(context, page))
    page.goto(chat.url + "healthz")
    assert page.evaluate("sessionStorage.length + localStorage.length") == 0


def test_hostile_html_and_a_huge_paste_stay_text(chat, context):
    page = context.new_page()
    page.goto(chat.url)
    send(page, HOSTILE)
    wait_for_bot(page, 0)
    assert texts(page, "me") == [HOSTILE]
    assert page.locator("#log img, #log script, #log b").count() == 0
    assert page.locator('#log a[href^="javascript"]').count() == 0
    assert page.evaluate("window.pwned") is None

    # The longest message Lantern takes (bot/limits.py), emoji counted as one character each.
    paste = ("My recruiter 😀 said <b>no experience</b> needed. " * 500)[:MAX_MESSAGE_CHARS]
    page.get_by_label("Your message").fill(paste)
    limit = f"{MAX_MESSAGE_CHARS:,}"
    expect(page.locator("#count")).to_have_text(f"{MAX_MESSAGE_CHARS:,} of {limit} characters")
    before = bot_count(page)
    page.get_by_label("Your message").press("Enter")
    wait_for_bot(page, before)
    assert texts(page, "me")[-1] == paste
    assert not texts(page, "bot")[-1].startswith("Your message is too long")
    expect(page.get_by_label("Your message")).to_have_value("")
    expect(page.locator("#count")).to_be_hidden()

    too_long = "x" * (MAX_MESSAGE_CHARS + 1)
    page.get_by_label("Your message").fill(too_long)
    expect(page.locator("#count")).to_contain_text(f"of {limit} characters")
    page.get_by_label("Your message").press("Enter")
    expect(page.locator("#status")).to_contain_text(f"too long to send ({MAX_MESSAGE_CHARS + 1:,}")
    expect(page.locator("#status")).to_contain_text(f"the limit is {limit}")
    assert len(texts(page, "me")) == 2  # not sent, and not lost:
    assert page.get_by_label("Your message").input_value() == too_long

    page.get_by_label("Your message").fill("")
    before = bot_count(page)
    send(page, "hello")
    wait_for_bot(page, before)
    assert page.evaluate("window.pwned") is None


def test_damaged_tab_storage_does_not_break_the_page(chat, context):
    page = context.new_page()
    page.goto(chat.url)
    for damaged in ("{not json", '{"a": 1}', json.dumps([5, None, {"who": "bot", "text": {}}])):
        page.evaluate("value => sessionStorage.setItem('lantern.entries', value)", damaged)
        page.reload()
        expect(page.get_by_role("button", name="Start the chat")).to_be_visible()
    stored = [{"who": "bot", "text": HOSTILE, "buttons": [{"title": "<b>x</b>", "payload": 3}]}]
    page.evaluate("value => sessionStorage.setItem('lantern.entries', value)", json.dumps(stored))
    page.reload()
    assert texts(page, "bot") == [HOSTILE]
    assert page.locator("#log img, #log script, #log b, #log .choice").count() == 0
    send(page, "hello")
    wait_for_bot(page, 1)


def test_without_the_socket_client_the_page_says_so_and_quick_exit_works(chat, context):
    page = context.new_page()
    page.route("**/static/socket.io.min.js", lambda route: route.abort())
    page.goto(chat.url)
    expect(page.locator("#status")).to_contain_text("could not load")
    page.get_by_role("link", name="Quick exit").click()
    page.wait_for_url(NEUTRAL)


RENDER = """([text, phones]) => {
    const box = document.createElement('div');
    box.appendChild(LanternText.fragment(text, {phones}));
    return {html: box.innerHTML, text: box.textContent,
            links: [...box.querySelectorAll('a')]
                .map(a => [a.textContent, a.getAttribute('href')])};
}"""


def test_the_bots_text_is_rendered_as_text_with_safe_links(chat, context):
    """What Lantern says goes through the same renderer (static/text.js) as the bot's
    messages: markup stays text, web addresses become links, and only the numbers the bot
    sent with the message as data become tel: links; digits are never guessed."""
    page = context.new_page()
    page.goto(chat.url)
    result = page.evaluate(RENDER, [HOSTILE + " https://example.org/help.", []])
    assert result["text"] == HOSTILE + " https://example.org/help."
    assert result["links"] == [["https://example.org/help", "https://example.org/help"]]
    assert "<img" not in result["html"] and "<script" not in result["html"]

    text = (
        "- China: Global Emergency Call Center (12308), +861012308\n"
        "- Hong Kong: hotline 1868 (from abroad: +852 1868)\n"
        "Call 1300 or 023-210206. $2,000 a month."
    )
    phones = [
        {"text": "+861012308", "tel": "+861012308"},
        {"text": "1868", "tel": "1868"},
        {"text": "+852 1868", "tel": "+8521868"},
    ]
    result = page.evaluate(RENDER, [text, phones])
    assert result["text"] == text
    assert result["links"] == [
        ["+861012308", "tel:+861012308"],
        ["1868", "tel:1868"],
        ["+852 1868", "tel:+8521868"],
    ]  # not "(12308)", not 1300 or 023-210206: the bot did not send them as numbers
    # Without numbers sent (the person's own messages), nothing is callable.
    assert page.evaluate(RENDER, ["my number is +66 2 123 4567, call 1300", None])["links"] == []
    # A malformed list (not from the bot's code) links nothing and breaks nothing.
    bad = [{"text": "1300", "tel": "javascript:alert(1)"}, {"text": 5}, None, "1300"]
    assert page.evaluate(RENDER, ["call 1300", bad])["links"] == []


def test_every_number_of_the_directory_is_a_tel_link_as_the_bot_writes_it(chat, context):
    """Each referral line exactly as the bot renders it, with the numbers it sends: every
    number of the line can be tapped to call, and nothing else in it is a link."""
    page = context.new_page()
    page.goto(chat.url)
    messages = Messages.from_folder()
    lines = []
    for entry in default_directory():
        for caller in (None, entry.dial_from or entry.located_in or entry.country):
            line, phones = referral_line(entry, messages, caller)
            lines.append((line, [phone.as_data() for phone in phones]))
    assert len(lines) > 60
    links = page.evaluate(
        """lines => lines.map(([line, phones]) => {
            const box = document.createElement('div');
            box.appendChild(LanternText.fragment(line, {phones}));
            return [...box.querySelectorAll('a')].map(a => a.getAttribute('href'));
        })""",
        lines,
    )
    for (line, phones), hrefs in zip(lines, links):
        assert set(hrefs) == {"tel:" + phone["tel"] for phone in phones}, (line, hrefs)
        assert phones, line  # where the person is (or anywhere), a number is callable


def test_a_live_answer_makes_exactly_the_directorys_numbers_callable_and_keeps_them(chat, context):
    """A real conversation over socket.io: the bot sends the numbers of its answer as data
    (a self-harm phrase and a named country make the answer certain, whatever the model);
    the page links exactly those numbers and keeps the links after a reload."""
    page = context.new_page()
    page.goto(chat.url)
    say_hello_and_get_buttons(page)
    before = bot_count(page)
    send(page, "i want to kill myself, i am in thailand")
    wait_for_bot(page, before)
    answer = page.locator("#log .msg.bot").nth(before)
    expect(answer.locator('a[href^="tel:"]').first).to_be_visible(timeout=10_000)
    hrefs = [a.get_attribute("href") for a in answer.locator("a").all()]
    text = answer.locator(".text").text_content()
    thai = [e for e in default_directory() if e.country == "TH" and e.serves == "in_country"]
    for href in hrefs:
        assert any(href == "tel:" + re.sub(r"\D", "", e.phone) for e in thai), (href, text)
    page.reload()
    expect(page.locator("#log .msg.bot").nth(before).locator("a")).to_have_count(len(hrefs))


def test_the_page_says_when_lantern_is_down_and_sends_what_was_typed_when_back(chat, context):
    page = context.new_page()
    chat.relay.cut()
    try:
        page.goto(chat.url)
        expect(page.locator("#status")).to_contain_text("cannot be reached", timeout=15_000)
        send(page, "hello")
        expect(page.locator("#log .msg.me .note")).to_contain_text("Not sent yet")
        page.get_by_label("Your message").fill("still typing this")
        chat.relay.restore()
        wait_for_bot(page, 0)
        expect(page.locator("#log .note")).to_have_count(0)
        expect(page.get_by_label("Your message")).to_have_value("still typing this")

        chat.relay.cut()  # the link drops in the middle of the conversation
        expect(page.locator("#status")).to_contain_text("connection was lost", timeout=15_000)
        before = bot_count(page)
        send(page, "are you still there?")
        page.get_by_label("Your message").fill("and this is not sent yet")
        chat.relay.restore()
        wait_for_bot(page, before)
        expect(page.locator("#status")).to_contain_text("Connected again")
        assert texts(page, "me") == ["hello", "are you still there?"]
        expect(page.get_by_label("Your message")).to_have_value("and this is not sent yet")
    finally:
        chat.relay.restore()


def test_one_script_tag_puts_the_chat_on_an_allowed_site(chat, context):
    page = context.new_page()
    page.goto(BEFORE)
    page.goto(chat.host_site + "/")
    page.get_by_role("button", name="Chat with Lantern").click()
    frame = page.frame_locator("iframe[title='Lantern chat']")
    frame.get_by_label("Your message").fill("hello")
    frame.get_by_label("Your message").press("Enter")
    expect(frame.locator("#log .msg.bot").first).to_contain_text(
        "not the police", timeout=REPLY_TIMEOUT_MS
    )
    page.screenshot(path=screenshot_path("embed-360"))
    # The host page's scripts cannot read the conversation: it lives in Lantern's frame.
    assert page.evaluate("document.body.innerText").count("not the police") == 0
    frame.get_by_role("link", name="Quick exit").click()
    page.wait_for_url(NEUTRAL)
    assert history_urls(context, page) == [BEFORE, NEUTRAL]


def test_escape_twice_on_the_host_site_leaves_it_too(chat, context):
    page = context.new_page()
    page.goto(chat.host_site + "/")
    page.get_by_role("button", name="Chat with Lantern").click()
    frame = page.frame_locator("iframe[title='Lantern chat']")
    expect(frame.get_by_label("Your message")).to_be_visible()
    page.evaluate("document.activeElement.blur()")  # the host page has the focus, not the chat
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_url(NEUTRAL)
    assert chat.host_site not in " ".join(history_urls(context, page))


def test_a_site_not_in_allowed_origins_cannot_frame_the_chat(chat, context):
    page = context.new_page()
    page.goto(chat.foreign_site + "/")
    page.get_by_role("button", name="Chat with Lantern").click()
    page.wait_for_timeout(2000)
    assert page.frame_locator("iframe[title='Lantern chat']").locator("#message").count() == 0


def test_the_page_can_fall_back_to_long_polling(chat, context):
    """Where a network blocks websockets, socket.io's HTTP long-polling works too (it needs
    Rasa's CORS answer for the page's origin)."""
    page = context.new_page()
    page.goto(chat.url)
    socket_url = page.locator('meta[name="lantern-socket-url"]').get_attribute("content")
    reply = page.evaluate(
        """url => new Promise((resolve, reject) => {
            const socket = io(url, {path: '/socket.io', transports: ['polling']});
            socket.on('connect_error', error => reject(String(error)));
            socket.on('connect', () => socket.emit('session_request', {session_id: 'polling'}));
            socket.on('session_confirm', () =>
                socket.emit('user_uttered', {message: 'hello', session_id: 'polling'}));
            socket.on('bot_uttered', message => {
                resolve([socket.io.engine.transport.name, message.text]);
                socket.disconnect();
            });
        })""",
        socket_url,
    )
    assert reply[0] == "polling" and "not the police" in reply[1]


def _socket_handshake(chat: ChatServer, origin: str | None, transport: str = "polling") -> int:
    """The status Rasa answers a browser's first socket.io request with."""
    headers = {"Origin": origin} if origin else {}
    if transport == "websocket":
        headers.update(
            {
                "Connection": "Upgrade",
                "Upgrade": "websocket",
                "Sec-WebSocket-Version": "13",
                "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
            }
        )
    connection = http.client.HTTPConnection("127.0.0.1", chat.settings.rasa_port, timeout=10)
    try:
        connection.request("GET", f"/socket.io/?EIO=4&transport={transport}", headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


def test_rasa_refuses_a_socket_from_a_site_not_allowed(chat):
    for transport in ("polling", "websocket"):
        opened = 200 if transport == "polling" else 101
        assert _socket_handshake(chat, "http://evil.test", transport) == 403
        assert _socket_handshake(chat, chat.foreign_site, transport) == 403
        assert _socket_handshake(chat, chat.origin, transport) == opened
        assert _socket_handshake(chat, chat.host_site, transport) == opened
        assert _socket_handshake(chat, None, transport) == opened  # not a browser: no Origin


def accessibility_violations(page: Page) -> list[tuple[str, list[str]]]:
    """WCAG 2.1 A and AA problems axe-core (npm, bot/web/package.json) finds on the page."""
    source = (node_modules() / "axe-core" / "axe.min.js").read_text()
    page.evaluate(source)  # evaluated by the test, so the page's CSP does not apply
    result = page.evaluate(
        """() => axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})
            .then(r => r.violations.map(v => [v.id, v.nodes.map(n => n.target.join(' '))]))"""
    )
    return [(rule, targets) for rule, targets in result]


def test_the_accessibility_check_finds_a_planted_fault(chat, context):
    """Guards the check above against passing vacuously."""
    page = context.new_page()
    page.goto(chat.url)
    page.evaluate(
        """() => { const bad = document.createElement('button');
                   document.querySelector('.banner').appendChild(bad); }"""
    )
    assert "button-name" in [rule for rule, _ in accessibility_violations(page)]


def _contrast(foreground: list[float], background: list[float]) -> float:
    def luminance(rgb: list[float]) -> float:
        channels = [c / 255 for c in rgb[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted([luminance(foreground), luminance(background)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


COLOURS = """(selector) => [...document.querySelectorAll(selector)].map(node => {
    const rgb = value => value.match(/[\\d.]+/g).map(Number);
    let back = node;
    while (back && rgb(getComputedStyle(back).backgroundColor)[3] === 0) back = back.parentElement;
    return [rgb(getComputedStyle(node).color),
            rgb(getComputedStyle(back || document.body).backgroundColor)];
})"""


@pytest.mark.parametrize(
    "name,viewport,scheme",
    [("360", PHONE, "light"), ("1280", DESKTOP, "light"), ("360-dark", PHONE, "dark")],
)
def test_layout_keyboard_and_contrast(chat, browser, name, viewport, scheme):
    context = browser.new_context(viewport=viewport, color_scheme=scheme)
    try:
        page = context.new_page()
        page.goto(chat.url)
        # Keyboard only: Tab reaches Quick exit first, then the text box; Enter sends.
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "exit"
        for _ in range(6):
            if page.evaluate("document.activeElement.id") == "message":
                break
            page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "message"
        page.keyboard.type("hello")
        page.keyboard.press("Enter")
        wait_for_bot(page, 0)
        expect(page.locator("#log .choice").first).to_be_visible()
        page.locator("#log .choice").first.focus()
        before = bot_count(page)
        page.keyboard.press("Enter")
        wait_for_bot(page, before)
        send(page, "they offered me a job in cambodia as customer service, salary 1500 usd")
        wait_for_bot(page, before + 1)
        page.wait_for_timeout(1500)  # the rest of a multi-part answer
        page.screenshot(path=screenshot_path(f"chat-{name}"))

        violations = accessibility_violations(page)
        assert violations == [], violations
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], "the page scrolls sideways"
        exit_box = page.get_by_role("link", name="Quick exit").bounding_box()
        assert (
            exit_box
            and exit_box["y"] >= 0
            and exit_box["y"] + exit_box["height"] <= viewport["height"]
        )
        assert page.evaluate("document.documentElement.lang") == "en"
        assert page.locator("#log").get_attribute("aria-live") == "polite"
        assert page.locator("img").count() == 0  # no text baked into images
        for selector in (
            ".brand", ".banner h1", ".banner p", ".msg.bot .text", ".msg.me .text",
            ".choice", "#exit", "#send", ".privacy", "#message",
        ):  # fmt: skip
            for foreground, background in page.evaluate(COLOURS, selector):
                assert _contrast(foreground, background) >= 4.5, (selector, foreground, background)
    finally:
        context.close()


def test_the_page_and_its_files_fit_the_size_budget(chat, browser):
    """What a phone downloads to open the chat, measured by the browser, compressed."""
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(chat.url)
        page.wait_for_load_state("load")
        entries = page.evaluate(
            """() => performance.getEntriesByType('navigation')
                 .concat(performance.getEntriesByType('resource'))
                 .filter(e => !e.name.includes('/socket.io/'))
                 .map(e => ({name: new URL(e.name).pathname, transferred: e.transferSize,
                             compressed: e.encodedBodySize, uncompressed: e.decodedBodySize}))"""
        )
    finally:
        context.close()
    names = {entry["name"] for entry in entries}
    assert {"/", "/static/socket.io.min.js", "/static/chat.js", "/static/chat.css"} <= names
    total = {key: sum(e[key] for e in entries) for key in ("transferred", "compressed")}
    uncompressed = sum(e["uncompressed"] for e in entries)
    assert total["compressed"] < uncompressed / 2  # gzip is on
    SIZE_REPORT.parent.mkdir(exist_ok=True)
    SIZE_REPORT.write_text(
        json.dumps(
            {
                "what": "the chat page and every file it loads, as Chromium downloaded them",
                "budget_bytes": SIZE_BUDGET_BYTES,
                "compressed_bytes": total["compressed"],
                "transferred_bytes_with_headers": total["transferred"],
                "uncompressed_bytes": uncompressed,
                "files": sorted(entries, key=lambda e: e["name"]),
            },
            indent=2,
        )
        + "\n"
    )
    assert total["transferred"] < SIZE_BUDGET_BYTES
