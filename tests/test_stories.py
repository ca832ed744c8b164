"""`rasa test` on the test stories (tests/stories/): every turn predicted as written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.ops.modelcache import rasa_env
from bot.settings import PROJECT_ROOT


def test_every_test_story_passes(model: Path, tmp_path: Path) -> None:
    out = tmp_path / "results"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "rasa",
            "test",
            "core",
            "--model",
            str(model),
            "--stories",
            str(PROJECT_ROOT / "tests" / "stories"),
            "--out",
            str(out),
            "--fail-on-prediction-errors",
        ],
        cwd=PROJECT_ROOT,
        env=rasa_env(),
        capture_output=True,
        text=True,
        timeout=900,
    )
    failed = out / "failed_test_stories.yml"
    details = failed.read_text() if failed.exists() else result.stdout[-3000:]
    assert result.returncode == 0, details
    assert "None of the test stories failed" in failed.read_text()
