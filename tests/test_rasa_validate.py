"""`rasa data validate` finds no error and no warning in the domain and training data."""

import subprocess
from pathlib import Path

from bot.ops.modelcache import rasa_executable

ROOT = Path(__file__).resolve().parents[1]


def test_rasa_data_validate_is_clean():
    rasa = rasa_executable()
    result = subprocess.run(
        [rasa, "data", "validate", "--fail-on-warnings"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert "UserWarning" not in output, [
        line for line in output.splitlines() if "UserWarning" in line
    ][:5]
