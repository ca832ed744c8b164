"""The commands a user types: `make run` stops cleanly on Ctrl-C; `make screen` answers
every line of a file in order, bad lines included."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bot.ops.processes import free_port, port_is_free

ROOT = Path(__file__).resolve().parents[1]


def _descendants(pid: int) -> list[int]:
    """Every process below pid in the process tree (read from /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int(
                    (entry / "stat").read_text().rsplit(")", 1)[1].split()[1]
                )
            except OSError:
                continue
    found, frontier = [], [pid]
    while frontier:
        current = frontier.pop()
        children = [child for child, parent in parents.items() if parent == current]
        found.extend(children)
        frontier.extend(children)
    return found


def test_run_serves_and_ctrl_c_leaves_no_process(tmp_path, model):
    ports = {
        "RASA_PORT": free_port(),
        "ACTION_PORT": free_port(),
        "WEB_PORT": free_port(),
        "CONSOLE_PORT": free_port(),
    }
    env = {
        **os.environ,
        **{k: str(v) for k, v in ports.items()},
        "DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.ops.run"],
        cwd=ROOT,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    output = []
    for line in process.stdout:
        output.append(line)
        if line.startswith("Lantern is ready"):
            break
    assert any(line.startswith("Lantern is ready") for line in output), "".join(output)
    for line in process.stdout:  # the addresses printed under "Lantern is ready"
        output.append(line)
        if line.startswith("Press Ctrl-C"):
            break
    assert not port_is_free("127.0.0.1", ports["RASA_PORT"])
    chat_page = f"http://localhost:{ports['WEB_PORT']}/"
    assert any(line.split() == ["Chat", "page:", chat_page] for line in output), "".join(output)
    assert "Lantern" in urllib.request.urlopen(chat_page, timeout=10).read().decode()
    assert not port_is_free("127.0.0.1", ports["CONSOLE_PORT"])  # the staff console
    servers = _descendants(process.pid)
    assert len(servers) >= 2
    os.killpg(process.pid, signal.SIGINT)
    process.wait(timeout=60)
    time.sleep(1)
    assert process.returncode == 0
    assert port_is_free("127.0.0.1", ports["RASA_PORT"])
    assert port_is_free("127.0.0.1", ports["ACTION_PORT"])
    assert port_is_free("127.0.0.1", ports["WEB_PORT"])
    assert port_is_free("127.0.0.1", ports["CONSOLE_PORT"])
    alive = [pid for pid in servers if Path(f"/proc/{pid}").exists()]
    assert not alive, f"processes left behind: {alive}"


def test_screen_writes_one_line_per_input_in_order(tmp_path, model):
    lines = [
        json.dumps({"id": "a", "text": "they took my passport and i cannot leave, im in kk park"}),
        "{broken json",
        json.dumps({"id": "b"}),
        json.dumps({"id": "c", "text": "😀"}),
        json.dumps({"id": "d", "text": "hello, holiday in Cambodia next month"}),
        json.dumps({"id": "e", "text": "I want to kill myself"}),
        json.dumps({"id": "f", "text": "พวกเขายึดพาสปอร์ตของฉันไป ออกไปไหนไม่ได้เลย"}),
    ]
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text("\n".join(lines) + "\n")
    result = subprocess.run(
        ["make", "--no-print-directory", "screen", f"IN={source}", f"OUT={target}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = [json.loads(line) for line in target.read_text().splitlines()]
    assert [o.get("id") for o in out] == ["a", None, "b", "c", "d", "e", "f"]
    assert "error" in out[1] and "error" in out[2]
    keys = {"id", "flags", "flag_scores", "urgent", "stage", "about_other", "country", "language"}
    for item in (out[0], out[3], out[4], out[5], out[6]):
        assert set(item) == keys
        assert set(item["flag_scores"]) == set(item["flags"])
    assert out[0]["country"] == "MM" and out[4]["country"] == "KH"
    # the labels the bot acts on: self-harm phrases make it urgent, whatever the model says
    assert out[5]["urgent"] is True
    assert [item["language"] for item in out if "error" not in item] == [
        "en",
        None,
        "en",
        "en",
        "th",
    ]


def test_screen_without_input_explains_usage():
    result = subprocess.run(
        ["make", "--no-print-directory", "screen"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode != 0 and "usage: make screen" in result.stdout
