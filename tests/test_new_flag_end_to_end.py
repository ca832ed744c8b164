"""A new red flag, added by the steps of docs/adding-a-flag.md (YAML only, no Python),
flows through `make validate`'s checks, training, `make screen` and the slots the
screening action sets.

The project is copied into a temporary folder and every step runs there in its own
process, as a trainer's commands would. Training uses the whole training data plus the
new flag's 42 examples. Measured on 2 cores: the whole module 2 to 6 minutes (training
1 to 5 minutes, depending on what else runs; `make screen` and the action run about
30 s each, as each loads TensorFlow and the model). The screened message is one of the
new examples, so the test checks the plumbing, not the model's luck on unseen wording
(`make eval` measures that).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "new_flag_examples.yml"
COPIED = ("bot", "actions", "data", "responses", "eval", "config.yml", "domain.yml",
          "endpoints.yml", "credentials.yml", "requirements.lock")  # fmt: skip
NEW_FLAG = "forced_recruiting"
MESSAGE = (
    "boss says each of us must bring 2 new workers from home before we can go, so they make"
    " me message my cousins about a good job here"
)


def run(project: Path, *command: str, timeout: int = 1200) -> str:
    started = time.monotonic()
    env = dict(os.environ)
    env.update(
        PYTHONPATH=str(project),
        RASA_TELEMETRY_ENABLED="false",
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        TF_CPP_MIN_LOG_LEVEL="2",
    )
    done = subprocess.run(
        [sys.executable, *command], cwd=project, env=env, capture_output=True, text=True,
        timeout=timeout,
    )  # fmt: skip
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    print(f"\n{time.monotonic() - started:5.0f} s  {' '.join(command)[:60]}")
    return done.stdout


def response_check(project: Path) -> dict:
    out = run(project, "-c", "import json; from bot.ops.validate import response_problems;"
              " print(json.dumps(response_problems()))")  # fmt: skip
    return json.loads(out.splitlines()[-1])


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("project")
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, root / name)
    return root


@pytest.fixture(scope="module")
def trained(project: Path) -> Path:
    """The documented steps, then training; returns the model."""
    # Step 1: the flag in bot/red_flags.yml
    with (project / "bot" / "red_flags.yml").open("a", encoding="utf-8") as flags:
        flags.write(
            f"- id: {NEW_FLAG}\n  group: workplace\n"
            '  reason: "Forced to recruit others into the compound"\n'
        )
    # Step 2: its training examples, in a topic file of data/nlu
    shutil.copy(FIXTURE, project / "data" / "nlu" / "workplace_recruiting.yml")
    # Step 3 comes after the check below shows it is needed: the answer the bot gives
    missing = response_check(project)["missing responses"]
    assert any(m.startswith(f"screen_flag_{NEW_FLAG} ") for m in missing), missing
    with (project / "responses" / "screening.yml").open("a", encoding="utf-8") as responses:
        responses.write(
            f"\n  screen_flag_{NEW_FLAG}:\n  - text: >-\n"
            "      - Being made to recruit others: people held in compounds are often forced\n"
            "      to bring friends or family. If this happened to you, you are not to blame.\n"
        )
    started = time.monotonic()
    run(project, "-c", "from pathlib import Path; from bot.ops.modelcache import train;"
        " train(Path('models'), 'newflag', Path('train.log'))")  # fmt: skip
    print(f"\ntraining with the new flag took {time.monotonic() - started:.0f} s")
    return project / "models" / "newflag.tar.gz"


def test_the_checks_pass_once_the_steps_are_done(project, trained):
    problems = response_check(project)
    assert problems == {"unused responses": [], "missing responses": []}
    out = run(project, "-c", "from bot.nlu.dataset import load_examples;"
              " from bot.evaluation.data_checks import summarise, below_minimums;"
              " print(below_minimums(summarise(load_examples())))")  # fmt: skip
    assert out.strip() == "[]"


def test_make_screen_finds_the_new_flag(project, trained):
    (project / "in.jsonl").write_text(json.dumps({"id": "m1", "text": MESSAGE}) + "\n")
    run(project, "-m", "bot.ops.screen", "in.jsonl", "out.jsonl", "--model", str(trained))
    line = json.loads((project / "out.jsonl").read_text().splitlines()[0])
    assert NEW_FLAG in line["flags"], line
    assert line["stage"] == "in_situ"


def test_the_screening_action_puts_it_in_the_slots(project, trained):
    script = textwrap.dedent(f"""
        import asyncio, json
        from rasa.core.agent import Agent
        from rasa_sdk import Tracker
        from rasa_sdk.executor import CollectingDispatcher
        from actions.screening import ActionScreenMessage

        parse = asyncio.run(Agent.load({str(trained)!r}).parse_message({MESSAGE!r}))
        tracker = Tracker("t", {{}}, parse, [], False, None, {{}}, "action_listen")
        events = ActionScreenMessage().run(CollectingDispatcher(), tracker, {{}})
        print(json.dumps({{e["name"]: e["value"] for e in events if e.get("event") == "slot"}}))
    """)
    slots = json.loads(run(project, "-c", script).splitlines()[-1])
    assert NEW_FLAG in slots["red_flags"]
    assert slots["risk_level"] == "critical"  # a workplace flag while held (in_situ)
    reason = "Forced to recruit others into the compound (forced_recruiting)"
    assert reason in slots["risk_reasons"]  # the reason written in bot/red_flags.yml


def test_the_fixture_follows_the_labelling_guide():
    data = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    examples = [e for block in data["nlu"] for e in block["examples"]]
    assert len(examples) >= 40  # the minimum per flag
    assert all(NEW_FLAG in e["metadata"]["flags"] for e in examples)
