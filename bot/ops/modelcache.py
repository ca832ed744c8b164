"""Train only when the model's inputs changed; models are cached by their hash."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

from bot.ops.paths import cache_dir, models_dir, var_dir
from bot.ops.private_files import open_private_log
from bot.settings import PROJECT_ROOT

# What a trained model depends on (the list plus the pinned environment, and the
# red flags the screening model learns, listed in bot/red_flags.yml).
MODEL_INPUTS = (
    "config.yml",
    "domain.yml",
    "data",
    "bot/nlu",
    "bot/red_flags.yml",
    "requirements.lock",
)
# Read by the action server at run time, never by training (Rasa skips YAML files whose
# top-level key is not nlu/stories/rules).
NOT_MODEL_INPUTS = ("data/referrals",)


def input_files(root: Path = PROJECT_ROOT) -> list[Path]:
    """Every file that goes into training, sorted."""
    files: list[Path] = []
    for name in MODEL_INPUTS:
        path = root / name
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files.extend(
                p
                for p in path.rglob("*")
                if p.is_file()
                and "__pycache__" not in p.parts
                and not p.name.endswith(".pyc")
                and not any(p.is_relative_to(root / skip) for skip in NOT_MODEL_INPUTS)
            )
    return sorted(files)


def inputs_hash(root: Path = PROJECT_ROOT) -> str:
    """A short hash of the training inputs' paths and contents."""
    digest = hashlib.sha256()
    for path in input_files(root):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def model_path(root: Path = PROJECT_ROOT) -> Path:
    """Where the model for the current inputs is (or will be) cached."""
    return models_dir() / f"lantern-{inputs_hash(root)}.tar.gz"


def rasa_env() -> dict[str, str]:
    """Environment for Rasa commands: project importable, caches outside the clone."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    env.setdefault("RASA_CACHE_DIRECTORY", str(cache_dir() / "rasa-cache"))
    env["RASA_TELEMETRY_ENABLED"] = "false"
    env["HF_HUB_OFFLINE"] = "1"  # the embedding model is installed, never fetched
    env["TRANSFORMERS_OFFLINE"] = "1"
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    return env


def rasa_executable() -> str:
    """The `rasa` command of the running virtualenv."""
    return str(Path(sys.executable).with_name("rasa"))


def train(out_dir: Path, name: str, log_path: Path | None = None) -> Path:
    """Run `rasa train` (its output into a log file) and return the model file."""
    out_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_path or var_dir() / "logs" / "train.log"
    command = [
        rasa_executable(),
        "train",
        "--config",
        "config.yml",
        "--domain",
        "domain.yml",
        "--data",
        "data",
        "--out",
        str(out_dir),
        "--fixed-model-name",
        name,
    ]
    log_path.unlink(missing_ok=True)  # a fresh log each training
    with open_private_log(log_path) as log:
        result = subprocess.run(
            command, cwd=PROJECT_ROOT, env=rasa_env(), stdout=log, stderr=subprocess.STDOUT
        )
    if result.returncode != 0:
        tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-30:])
        raise RuntimeError(f"training failed; end of {log_path}:\n{tail}")
    return out_dir / f"{name}.tar.gz"


def ensure_model(quiet: bool = False) -> Path:
    """Return a model trained on the current inputs, training one if needed."""
    target = model_path()
    if target.exists():
        return target
    if not quiet:
        print(
            f"lantern: training a model for the current data ({target.name}, a few minutes;"
            f" log in var/logs/train.log)",
            flush=True,
        )
    started = time.monotonic()
    trained = train(target.parent, target.name[: -len(".tar.gz")])
    if not quiet:
        print(f"lantern: trained in {time.monotonic() - started:.0f} s", flush=True)
    return trained


if __name__ == "__main__":
    print(ensure_model())
