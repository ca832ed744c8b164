"""The service's files are private to the account that runs it.

`.env` holds the API token, the SQLite database and the logs hold what people wrote: they
are created 0600 in folders 0700 (not the 0644 / 0755 a default umask gives), and the
servers run with umask 077, so whatever they create (SQLite's -wal and -shm files, Rasa's
own files) is private too. Files made before this are tightened when the service starts.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
SERVICE_UMASK = 0o077
SQLITE_SUFFIXES = ("", "-wal", "-shm", "-journal")


def private_dir(path: Path) -> Path:
    """Create the folder (and missing parents) if needed, and make it 0700."""
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    path.chmod(PRIVATE_DIR)
    return path


def make_private(path: Path) -> None:
    """Make an existing file 0600 (a missing one is left alone)."""
    if path.is_file():
        path.chmod(PRIVATE_FILE)


def open_private_log(path: Path) -> BinaryIO:
    """Open a log for appending, created 0600 (an existing one is made 0600), in a 0700
    folder."""
    private_dir(path.parent)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_FILE)
    os.fchmod(descriptor, PRIVATE_FILE)
    return os.fdopen(descriptor, "ab")


def write_private_text(path: Path, text: str) -> None:
    """Write a new file that only its owner can read (0600 from the first byte)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    os.fchmod(descriptor, PRIVATE_FILE)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(text)


def make_sqlite_private(database: Path) -> None:
    """The database file and SQLite's companion files, 0600."""
    for suffix in SQLITE_SUFFIXES:
        make_private(database.with_name(database.name + suffix))
