"""Secrets and data are private to the service (issue 11, point 6): `.env`, the SQLite
database and the logs are 0600 in 0700 folders, and the Rasa token is on no command line
(`ps` shows command lines to every account)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from bot.ops.private_files import private_dir
from bot.settings import ensure_env_file
from tests.conftest import http, make_settings, say


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture()
def default_umask():
    """The usual umask (files 0644) while the test runs, as on a fresh account."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def group_pids(leader: int) -> list[int]:
    """Every process of the process group a server was started in."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getpgid(int(entry.name)) == leader:
                    pids.append(int(entry.name))
            except ProcessLookupError:
                continue
    return pids


def test_the_env_file_is_created_private_and_an_existing_one_is_made_private(
    tmp_path, default_umask
):
    created = tmp_path / ".env"
    assert ensure_env_file(created) is True
    assert mode(created) == 0o600
    assert "RASA_TOKEN=" in created.read_text() and "change-me" not in created.read_text()

    old = tmp_path / "old.env"
    kept = "RASA_TOKEN=abc\nCONVERSATION_ID_KEY=an-existing-key-of-enough-length-0123456789\n"
    old.write_text(kept)
    assert mode(old) == 0o644
    assert ensure_env_file(old) is False
    assert mode(old) == 0o600 and old.read_text() == kept


def test_a_private_folder_is_0700_even_when_it_existed(tmp_path, default_umask):
    folder = tmp_path / "var"
    folder.mkdir()
    assert mode(private_dir(folder)) == 0o700
    assert mode(private_dir(tmp_path / "new" / "logs")) == 0o700


def test_a_running_bot_keeps_its_database_and_logs_private_and_its_token_off_command_lines(
    start_bot, tmp_path, default_umask
):
    data = tmp_path / "data"
    settings = make_settings(f"sqlite:///{data / 'lantern.db'}")
    bot = start_bot(settings)
    assert say(bot, "private", "they offered me a job in cambodia, they keep passports")

    assert mode(data) == 0o700
    database_files = sorted(data.glob("lantern.db*"))
    assert data / "lantern.db" in database_files
    for path in database_files:  # the database, and SQLite's -wal / -shm files while open
        assert mode(path) == 0o600, path
    assert mode(bot.log_dir) == 0o700
    logs = sorted(bot.log_dir.glob("*.log"))
    assert {path.name for path in logs} >= {"rasa.log", "actions.log"}
    for path in logs:
        assert mode(path) == 0o600, path

    token = settings.rasa_token.encode()
    pids = [pid for managed in bot.processes for pid in group_pids(managed.process.pid)]
    assert len(pids) >= 2
    for pid in pids:
        assert token not in Path(f"/proc/{pid}/cmdline").read_bytes(), pid
    # the token still works: the API answers with it and refuses without it
    assert http("GET", f"{settings.rasa_url}/status?token={settings.rasa_token}")[0] == 200
    assert http("GET", f"{settings.rasa_url}/status")[0] == 401
