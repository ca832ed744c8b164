"""The chat page's server over HTTP: strict headers on every answer, only its own files,
compression, and the settings it is configured by."""

from __future__ import annotations

import gzip
import http.client
import re
from collections.abc import Iterator

import pytest

from bot.limits import MAX_MESSAGE_CHARS
from bot.ops.processes import ManagedProcess, free_port
from bot.settings import Settings, load_settings, parse_origins
from bot.web.assets import SIZE_BUDGET_BYTES, load_assets
from bot.web.service import start_web_server
from tests.conftest import make_settings

NGO = "https://www.example-ngo.org"


@pytest.fixture(scope="module")
def web(tmp_path_factory) -> Iterator[Settings]:
    settings = make_settings(
        "sqlite:///unused.db",
        web_port=free_port(),
        allowed_origins=(NGO,),
        quick_exit_url="https://weather.example/today?city=x&y=1",
    )
    server: ManagedProcess = start_web_server(settings, tmp_path_factory.mktemp("web"))
    yield settings
    server.stop()


def get(settings: Settings, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", settings.web_port, timeout=10)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


@pytest.mark.parametrize(
    "path", ["/", "/static/chat.js", "/static/socket.io.min.js", "/embed.js", "/nothing-here"]
)
def test_every_answer_has_strict_headers(web, path):
    status, headers, _ = get(web, path)
    assert status == (404 if path == "/nothing-here" else 200)
    policy = headers["content-security-policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy
    assert "default-src 'none'" in policy and "base-uri 'none'" in policy
    assert f"frame-ancestors 'self' http://localhost:{web.web_port}" in policy
    assert policy.split("frame-ancestors")[1].split(";")[0].endswith(NGO)
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["cache-control"] == "no-store"
    assert "set-cookie" not in headers


def test_the_page_knows_the_socket_and_the_exit_and_only_our_scripts(web):
    status, headers, body = get(web, "/")
    page = body.decode()
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert f'content="http://127.0.0.1:{web.rasa_port}"' in page
    assert 'content="https://weather.example/today?city=x&amp;y=1"' in page  # escaped
    assert (
        f"connect-src 'self' http://127.0.0.1:{web.rasa_port} ws://127.0.0.1:{web.rasa_port}"
        in (headers["content-security-policy"])
    )
    assert '<html lang="en">' in page
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', page)  # no CDN, no inline script
    assert scripts and all(src.startswith("/static/") for src in scripts)
    assert "<script>" not in page and "stylesheet" in page and 'href="/static/chat.css"' in page
    assert "localStorage" not in get(web, "/static/chat.js")[2].decode()


def test_the_page_gets_the_message_limit_from_the_server(web):
    """The limit the Rasa server enforces (bot/limits.py) is the one the page says."""
    page = get(web, "/")[2].decode()
    assert f'<meta name="lantern-max-chars" content="{MAX_MESSAGE_CHARS}">' in page
    assert 'meta("lantern-max-chars")' in get(web, "/static/chat.js")[2].decode()


def test_a_forged_host_header_does_not_reach_the_page_or_its_policy(web):
    _, headers, body = get(web, "/", Host='evil.example"><script>alert(1)</script>')
    assert b"<script>alert" not in body and "evil" not in headers["content-security-policy"]
    _, headers, body = get(web, "/", Host="192.168.1.20:8080")
    assert f'content="http://192.168.1.20:{web.rasa_port}"'.encode() in body


def test_only_the_pages_own_files_are_served(web):
    for path in (
        "/static/../settings.py",
        "/static/%2e%2e/server.py",
        "/static/index.html",
        "/static/package.json",
        "/bot/web/server.py",
        "/.env",
    ):
        status, _, body = get(web, path)
        assert status == 404, path
        assert b"RASA_TOKEN" not in body and b"import" not in body
    assert get(web, "/embed.js")[1]["cross-origin-resource-policy"] == "cross-origin"
    assert get(web, "/static/chat.js")[1]["cross-origin-resource-policy"] == "same-origin"


def test_files_are_sent_compressed_to_browsers_that_accept_it(web):
    _, plain_headers, plain = get(web, "/static/socket.io.min.js")
    _, headers, packed = get(web, "/static/socket.io.min.js", **{"Accept-Encoding": "gzip, br"})
    assert "content-encoding" not in plain_headers
    assert headers["content-encoding"] == "gzip"
    assert gzip.decompress(packed) == plain and len(packed) < len(plain) / 2


def test_the_files_of_the_page_fit_the_budget_even_uncompressed_halved():
    """The budget is for compressed bytes; this bounds it without a browser (the browser
    test measures what Chromium actually downloads, into reports/web-size.json)."""
    assets = load_assets()
    assert {"index.html", "chat.js", "text.js", "chat.css", "socket.io.min.js"} <= set(assets)
    assert sum(asset.gzipped_size for asset in assets.values()) < SIZE_BUDGET_BYTES


def test_allowed_origins_and_addresses_from_env(tmp_path):
    env = tmp_path / ".env"
    env.write_text(
        "ALLOWED_ORIGINS=https://a.example, https://b.example:8443/\n"
        "QUICK_EXIT_URL=https://news.example/\nWEB_PORT=9090\n"
    )
    settings = load_settings(env)
    assert settings.allowed_origins == ("https://a.example", "https://b.example:8443")
    assert settings.web_origins() == (
        "http://localhost:9090",
        "http://127.0.0.1:9090",
        "https://a.example",
        "https://b.example:8443",
    )
    assert settings.quick_exit_url == "https://news.example/"
    assert settings.web_url == "http://localhost:9090/"
    for bad in ("ALLOWED_ORIGINS=ngo.org", "ALLOWED_ORIGINS=https://ngo.org/chat",
                "QUICK_EXIT_URL=javascript:alert(1)", "PUBLIC_RASA_URL=ftp://x"):  # fmt: skip
        env.write_text(bad + "\n")
        with pytest.raises(ValueError):
            load_settings(env)
    assert parse_origins("") == ()
