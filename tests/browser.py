"""Headless Chromium for the browser tests: Debian's package, driven by Playwright.

No browser is downloaded: `scripts/chromium.sh` installs Debian's `chromium` when it is
missing and prints its path, which Playwright launches as `executable_path`.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT

SCREENSHOTS = PROJECT_ROOT / "reports" / "screenshots"

# Without the background-networking flags Chromium keeps trying hosts this machine cannot reach.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    """The Chromium executable, installed from Debian's packages if missing."""
    result = subprocess.run(
        ["bash", str(PROJECT_ROOT / "scripts" / "chromium.sh")],
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium for the whole test session (a Playwright Browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


def screenshot_path(name: str) -> Path:
    """Where a named screenshot goes (reports/screenshots/<name>.png)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"
