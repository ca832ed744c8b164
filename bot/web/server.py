"""The chat page's web server (aiohttp): the page, its files and strict security headers.

Run by `make run` as `python -m bot.web.server` with the settings of `.env`. Every response
is `no-store` (nothing of Lantern stays in the browser's cache) and carries a Content-Security-
Policy that allows only our own scripts and styles, the Rasa socket, and framing by the
origins of ALLOWED_ORIGINS (the embed script of the README).
"""

from __future__ import annotations

import html
import re
import sys

from aiohttp import hdrs, web
from aiohttp.web_response import ContentCoding

from bot.limits import MAX_MESSAGE_CHARS
from bot.settings import Settings, load_settings
from bot.web.assets import Asset, load_assets

SETTINGS_KEY = web.AppKey("settings", Settings)
ASSETS_KEY = web.AppKey("assets", dict)
# Host names we are willing to echo into the page and its policy (the Host header is the
# visitor's to choose).
HOST_HEADER = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]{1,253})(?::\d{1,5})?")
PAGE_PLACEHOLDERS = ("socket_url", "exit_url", "max_chars")
EMBED_SCRIPT = "embed.js"
NOT_SERVED = {"index.html"}  # served at "/" only, filled in per request

STATIC_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def socket_url(settings: Settings, request: web.Request) -> str:
    """Where the page opens Rasa's socket: PUBLIC_RASA_URL, else the page's host name with
    RASA_PORT (so a phone on the network reaches the same machine)."""
    if settings.public_rasa_url:
        return settings.public_rasa_url
    match = HOST_HEADER.fullmatch(request.host)
    host = match.group(1) if match else "localhost"
    return f"{request.scheme}://{host}:{settings.rasa_port}"


def content_security_policy(settings: Settings, socket: str) -> str:
    """Only our files; the socket (http and websocket forms); framing by allowed origins."""
    websocket = re.sub(r"^http", "ws", socket)
    ancestors = " ".join(["'self'", *settings.web_origins()])
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self'",
            f"connect-src 'self' {socket} {websocket}",
            f"frame-ancestors {ancestors}",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )


async def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """Every response, errors included, gets the same strict headers."""
    settings = request.app[SETTINGS_KEY]
    response.headers.update(STATIC_HEADERS)
    response.headers["Content-Security-Policy"] = content_security_policy(
        settings, socket_url(settings, request)
    )
    # Only the embed script is meant to be loaded by other sites.
    embed = request.path == f"/{EMBED_SCRIPT}"
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin" if embed else "same-origin"


def _send(request: web.Request, body: bytes, content_type: str) -> web.Response:
    response = web.Response(body=body, content_type=content_type, charset="utf-8")
    response.headers[hdrs.VARY] = hdrs.ACCEPT_ENCODING
    if "gzip" in request.headers.get(hdrs.ACCEPT_ENCODING, ""):
        response.enable_compression(ContentCoding.gzip)
    return response


def render_page(template: bytes, values: dict[str, str]) -> bytes:
    """Fill the page's {{placeholders}} with HTML-escaped values."""
    text = template.decode("utf-8")
    for name in PAGE_PLACEHOLDERS:
        text = text.replace("{{" + name + "}}", html.escape(values[name], quote=True))
    return text.encode("utf-8")


async def page(request: web.Request) -> web.Response:
    """The chat page, told where the socket is, where Quick exit goes and how long a
    message may be (the Rasa server refuses longer ones)."""
    settings = request.app[SETTINGS_KEY]
    template: Asset = request.app[ASSETS_KEY]["index.html"]
    body = render_page(
        template.body,
        {
            "socket_url": socket_url(settings, request),
            "exit_url": settings.quick_exit_url,
            "max_chars": str(MAX_MESSAGE_CHARS),
        },
    )
    return _send(request, body, template.content_type)


async def static_file(request: web.Request) -> web.Response:
    """One of the page's files, by name only (no paths)."""
    name = request.match_info["name"]
    asset: Asset | None = request.app[ASSETS_KEY].get(name)
    if asset is None or name in NOT_SERVED:
        raise web.HTTPNotFound(text="Not found.")
    return _send(request, asset.body, asset.content_type)


async def embed_script(request: web.Request) -> web.Response:
    """The script another site includes to show the chat (see the README)."""
    asset: Asset = request.app[ASSETS_KEY][EMBED_SCRIPT]
    return _send(request, asset.body, asset.content_type)


async def health(_: web.Request) -> web.Response:
    """200 when the server runs (make run waits for it)."""
    return web.Response(text="ok")


def make_app(settings: Settings, assets: dict[str, Asset] | None = None) -> web.Application:
    """The application for these settings (assets loaded from disk unless given)."""
    app = web.Application(client_max_size=1024)  # the server takes no uploads
    app[SETTINGS_KEY] = settings
    app[ASSETS_KEY] = assets if assets is not None else load_assets()
    app.on_response_prepare.append(add_security_headers)
    app.router.add_get("/", page)
    app.router.add_get("/static/{name}", static_file)
    app.router.add_get(f"/{EMBED_SCRIPT}", embed_script)
    app.router.add_get("/healthz", health)
    return app


def main() -> int:
    """Serve on BIND_HOST:WEB_PORT until stopped; no access log (no visitor's address kept)."""
    settings = load_settings()
    web.run_app(
        make_app(settings),
        host=settings.bind_host,
        port=settings.web_port,
        print=None,
        access_log=None,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
