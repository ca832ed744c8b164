"""Where heavy things live: a cache folder outside the clone."""

from __future__ import annotations

import os
from pathlib import Path

from bot.ops.private_files import private_dir
from bot.settings import PROJECT_ROOT


def cache_dir() -> Path:
    """$LANTERN_CACHE, else $XDG_CACHE_HOME/lantern, else ~/.cache/lantern."""
    explicit = os.environ.get("LANTERN_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "lantern"


def models_dir() -> Path:
    """Trained models, one file per hash of their inputs."""
    return cache_dir() / "models"


def var_dir() -> Path:
    """Runtime files inside the clone (logs, the SQLite database); git-ignored, 0700."""
    return private_dir(PROJECT_ROOT / "var")
