"""The bot never goes silent and never fails open (issue 11, point 8).

- What the service needs is checked when it starts: a malformed referral entry, a broken
  responses file or a model whose screening part cannot be read stop the start with a
  message naming the problem (they used to fail every turn, or flag nothing, later).
- A turn that fails at run time gets the fixed safe reply: in the action server (an error
  in an action), and in Rasa (the action server is down, the database is gone).
"""

from __future__ import annotations

import io
import os
import secrets
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.screening as screening_actions
from bot.conversations.ids import KEY_VARIABLE as CONVERSATION_KEY
from bot.ops.preflight import StartupCheckFailed, check_service, model_problems
from bot.ops.processes import free_port
from bot.ops.stack import Stack
from bot.referrals import DirectoryError
from bot.screening.messages import SAFE_REPLY, screening_messages
from bot.settings import PROJECT_ROOT
from tests.conftest import make_settings, say

SAFE_TEXT = screening_messages().text(SAFE_REPLY).strip()
COPIED = ("actions", "bot", "data", "responses", "tests", "domain.yml", "config.yml")
COPIED += ("endpoints.yml", "credentials.yml", ".env.example", "pyproject.toml")


def project_copy(folder: Path) -> Path:
    """A copy of the project to break things in (never the real one)."""
    root = folder / "lantern"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in COPIED:
        source = PROJECT_ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=ignore)
        else:
            shutil.copy2(source, root / name)
    return root


def break_one_referral(root: Path) -> str:
    """Give one entry of the copy's directory an impossible phone; return its id."""
    path = root / "data" / "referrals" / "KH.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["referrals"][0]["phone"] = "call us"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return data["referrals"][0]["id"]


START_IN_COPY = """
import sys
from pathlib import Path
from bot.ops.stack import Stack
from tests.conftest import make_settings
folder = Path(sys.argv[2])
stack = Stack(make_settings(f"sqlite:///{folder / 'lantern.db'}"), Path(sys.argv[1]), folder)
try:
    stack.start()
except Exception as error:
    print("REFUSED", error)
    sys.exit(3)
print("STARTED")
stack.stop()
"""


def start_in(root: Path, model: Path, folder: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [sys.executable, "-c", START_IN_COPY, str(model), str(folder)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


# ------------------------------------------------------------------ checked at start


def test_a_malformed_referral_entry_stops_the_start_with_a_message_naming_it(model, tmp_path):
    """It used to start, answer /health, and fail every turn."""
    root = project_copy(tmp_path)
    entry = break_one_referral(root)
    result = start_in(root, model, tmp_path)
    assert result.returncode == 3, result.stdout + result.stderr
    assert "REFUSED Lantern cannot start" in result.stdout
    assert "KH.yml" in result.stdout and entry in result.stdout and "phone" in result.stdout


def test_the_action_server_itself_refuses_a_malformed_directory(tmp_path):
    root = project_copy(tmp_path)
    entry = break_one_referral(root)
    port = free_port()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot.ops.action_server",
            "--actions",
            "actions",
            "--port",
            str(port),
        ],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 2
    assert "referral directory" in result.stderr and entry in result.stderr


def test_broken_responses_stop_the_start(model, tmp_path):
    root = project_copy(tmp_path)
    safety = root / "responses" / "safety.yml"
    text = safety.read_text(encoding="utf-8")
    safety.write_text(text.replace("\n      {numbers}", "\n      {numbrs}", 1), "utf-8")
    with pytest.raises(StartupCheckFailed, match="numbrs"):
        check_service(model, root)
    safety.write_text(text.replace("  screen_technical_problem:", "  screen_renamed:"), "utf-8")
    with pytest.raises(StartupCheckFailed, match="missing screen_technical_problem"):
        check_service(model, root)


def damaged_model(model: Path, folder: Path, component: str = "ScreeningClassifier") -> Path:
    """A copy of the model whose component's saved files are unreadable."""
    out = folder / f"damaged-{component}.tar.gz"
    with tarfile.open(model) as source, tarfile.open(out, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read() if member.isfile() else None
            if component in member.name and member.name.endswith((".npz", ".skops")):
                data = b"damaged"
                member.size = len(data)
            target.addfile(member, io.BytesIO(data) if data is not None else None)
    return out


def test_a_model_whose_screening_part_cannot_be_read_stops_the_start(model, tmp_path):
    """It used to load with a warning and flag nothing: fail open."""
    broken = damaged_model(model, tmp_path)
    assert model_problems(model) == []
    stack = Stack(make_settings(f"sqlite:///{tmp_path / 'lantern.db'}"), broken, tmp_path)
    with pytest.raises(StartupCheckFailed, match="screening part cannot be read"):
        stack.start()
    assert not stack.processes  # nothing was started

    # Rasa started by hand with that model refuses too, instead of serving it.
    result = subprocess.run(
        [sys.executable, "-m", "bot.ops.rasa_server", "run", "--model", str(broken)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 2
    assert "screening part cannot be read" in result.stderr


def test_rasa_refuses_to_serve_a_model_it_cannot_load(model, tmp_path):
    """Any other part of the model broken: Rasa 3.6 logged "Could not load model" and served
    on without one, ignoring every message. It now exits."""
    broken = damaged_model(model, tmp_path, component="LogisticRegressionClassifier")
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text("\n")
    command = [sys.executable, "-m", "bot.ops.rasa_server", "run", "--model", str(broken)]
    result = subprocess.run(
        [*command, "--port", str(free_port()), "--endpoints", str(endpoints)],
        cwd=PROJECT_ROOT,
        # The channels refuse to start without a conversation key (bot/conversations/ids.py).
        env={**os.environ, CONVERSATION_KEY: secrets.token_urlsafe(32)},
        capture_output=True,
        text=True,
        timeout=400,
    )
    assert result.returncode != 0
    assert "the model could not be loaded" in result.stdout + result.stderr


# ------------------------------------------------------------------ failures at run time


def tracker(text: str) -> Tracker:
    return Tracker(
        sender_id="t",
        slots={},
        latest_message={"text": text, "intent": {"name": "describe_situation"}},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def test_an_error_in_the_action_gets_the_safe_reply_and_changes_nothing(monkeypatch):
    def broken_directory():
        raise DirectoryError("data/referrals/KH.yml", "kh-police-117", "phone is malformed")

    monkeypatch.setattr(screening_actions, "default_directory", broken_directory)
    dispatcher = CollectingDispatcher()
    events = screening_actions.ActionScreenMessage().run(
        dispatcher, tracker("they hurt us, help"), {}
    )
    assert events == []
    assert [message["text"] for message in dispatcher.messages] == [SAFE_TEXT]
    assert "emergency" in SAFE_TEXT and "write to me again" in SAFE_TEXT


@pytest.fixture()
def bot(start_bot, tmp_path):
    return start_bot(make_settings(f"sqlite:///{tmp_path / 'lantern.db'}"))


def test_when_the_action_server_is_down_the_person_gets_the_safe_reply(bot):
    assert say(bot, "before", "hello")  # a normal turn first
    bot.processes[0].stop()  # the action server
    for message in ("they took my passport and lock us in", "hello"):
        replies = say(bot, "down", message)
        assert replies and replies[0]["text"] == SAFE_TEXT, replies


def test_when_a_turn_fails_inside_rasa_the_person_gets_the_safe_reply(start_bot, tmp_path):
    """The conversation lock's Redis goes away: Rasa cannot take the lock, and the REST
    channel used to answer 500 (socket.io: nothing)."""
    port = free_port()
    redis = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        cwd=tmp_path,
    )
    try:
        settings = make_settings(
            f"sqlite:///{tmp_path / 'lantern.db'}",
            lock_store_type="redis",
            redis_port=port,
        )
        bot = start_bot(settings)
        assert say(bot, "lock", "hello")
    finally:
        redis.terminate()
        redis.wait(timeout=30)
    replies = say(bot, "lock", "they took my passport, help")
    assert [reply.get("text") for reply in replies] == [SAFE_TEXT]
