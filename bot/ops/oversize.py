"""What one oversized message costs the Rasa server: figures for `make bench` and the README.

A 10 MB REST body (sent as a plain client sends it: headers, then the whole body) is timed
until its answer, with the Rasa server's resident memory before and after; a message at
the limit (bot/limits.py) is timed over REST and `/model/parse` (and a short one for
comparison, in the same conditions). Numbers, never assertions.
`python -m bot.ops.oversize` measures a bot of its own on SQLite and prints them.
"""

from __future__ import annotations

import json
import socket
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from bot.limits import MAX_MESSAGE_CHARS
from bot.ops.modelcache import ensure_model
from bot.ops.stack import Stack, scratch_settings

HUGE_BYTES = 10 * 1024 * 1024
AT_LIMIT = ("they promised a job in a casino, 1500 usd, no experience, free ticket. " * 300)[
    :MAX_MESSAGE_CHARS
]


def resident_memory_mb(pid: int) -> float:
    """Resident memory (VmRSS) of a process now, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def post_huge(host: str, port: int, path: str, size: int = HUGE_BYTES) -> tuple[int, float]:
    """POST a `size`-byte JSON message; the status and the seconds until the answer."""
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {size}\r\n\r\n"
    ).encode()
    prefix = b'{"sender": "huge", "message": "'
    body = prefix + b"x" * (size - len(prefix) - 2) + b'"}'
    started = time.perf_counter()
    with socket.create_connection((host, port), timeout=300) as client:
        client.sendall(head)
        try:
            client.sendall(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # answered and closed before the body was read
        try:
            answer = client.recv(65536)
        except ConnectionResetError:
            answer = b""
    elapsed = time.perf_counter() - started
    return int(answer.split(b" ")[1]) if answer else 0, round(elapsed, 3)


def _post_ms(url: str, payload: dict[str, Any]) -> float:
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=300) as response:
        response.read()
    return round((time.perf_counter() - started) * 1000, 1)


def measure(host: str, port: int, token: str, rasa_pid: int) -> dict[str, Any]:
    """The figures for a running Rasa server (warmed up by the caller)."""
    base = f"http://{host}:{port}"
    before = resident_memory_mb(rasa_pid)
    status, seconds = post_huge(host, port, "/webhooks/rest/webhook")
    return {
        "huge_body_bytes": HUGE_BYTES,
        "huge_body_status": status,
        "huge_body_answer_s": seconds,
        "rasa_rss_before_mb": before,
        "rasa_rss_after_mb": resident_memory_mb(rasa_pid),
        "short_message_parse_ms": _post_ms(
            f"{base}/model/parse?token={token}", {"text": AT_LIMIT[:70]}
        ),
        "message_at_limit_chars": MAX_MESSAGE_CHARS,
        "message_at_limit_rest_ms": _post_ms(
            f"{base}/webhooks/rest/webhook", {"sender": "at-limit", "message": AT_LIMIT}
        ),
        "message_at_limit_parse_ms": _post_ms(
            f"{base}/model/parse?token={token}", {"text": AT_LIMIT}
        ),
    }


def main() -> int:
    """Start a bot on SQLite, warm it up, measure, print."""
    with tempfile.TemporaryDirectory(prefix="lantern-oversize-") as folder:
        settings = scratch_settings(f"sqlite:///{folder}/oversize.db")
        with Stack(settings, ensure_model(), Path(folder)) as stack:
            _post_ms(f"{settings.rasa_url}/webhooks/rest/webhook", {"sender": "w", "message": "hi"})
            figures = measure(
                "127.0.0.1", settings.rasa_port, settings.rasa_token, stack.processes[1].process.pid
            )
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
