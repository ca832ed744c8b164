"""The files the chat page is made of: our own under static/, and socket.io-client's
browser build from the npm cache that scripts/web-deps.sh fills (never from a CDN)."""

from __future__ import annotations

import gzip
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bot.settings import PROJECT_ROOT

STATIC_DIR = Path(__file__).resolve().parent / "static"
WEB_DEPS_SCRIPT = PROJECT_ROOT / "scripts" / "web-deps.sh"
SOCKET_IO_FILE = Path("socket.io-client") / "dist" / "socket.io.min.js"
# Pages and assets a visitor downloads; the size budget of issue 5 covers all of them.
SIZE_BUDGET_BYTES = 150_000

CONTENT_TYPES = {
    ".html": "text/html",
    ".css": "text/css",
    ".js": "text/javascript",
    ".svg": "image/svg+xml",
    ".txt": "text/plain",
}


@dataclass(frozen=True)
class Asset:
    """One served file, read once at start-up."""

    name: str
    body: bytes
    content_type: str

    @property
    def gzipped_size(self) -> int:
        """Bytes on the wire when sent gzip-compressed."""
        return len(gzip.compress(self.body, compresslevel=6, mtime=0))


def node_modules() -> Path:
    """The npm packages of bot/web/package-lock.json, installed first if missing."""
    result = subprocess.run(["bash", str(WEB_DEPS_SCRIPT)], capture_output=True, text=True)
    if result.returncode != 0 or not result.stdout.strip():
        raise RuntimeError(f"the chat page's npm packages are missing:\n{result.stderr.strip()}")
    return Path(result.stdout.strip().splitlines()[-1])


def load_assets(modules: Path | None = None) -> dict[str, Asset]:
    """Every file under static/ plus the socket.io client, by the name it is served as."""
    assets: dict[str, Asset] = {}
    for path in sorted(STATIC_DIR.iterdir()):
        if path.is_file() and path.suffix in CONTENT_TYPES:
            assets[path.name] = Asset(path.name, path.read_bytes(), CONTENT_TYPES[path.suffix])
    client = (modules or node_modules()) / SOCKET_IO_FILE
    # The source-map comment points at a file we do not serve.
    body = b"\n".join(
        line for line in client.read_bytes().splitlines() if not line.startswith(b"//# sourceMap")
    )
    assets[client.name] = Asset(client.name, body, CONTENT_TYPES[".js"])
    return assets
