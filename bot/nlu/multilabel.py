"""The screening model: one logistic regression per red flag, `urgent` and `about_other`,
and one multinomial regression for `stage`, on TF-IDF-weighted sparse features plus,
when given, dense sentence embeddings.

Pure scikit-learn and NumPy; it knows nothing of Rasa. Each label's decision threshold
is tuned on out-of-fold predictions of the training data, so rare flags are not drowned
by a single global threshold. Saved as plain arrays and JSON (no pickle).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from bot.contract import FLAG_IDS, Stage
from bot.nlu.targets import ScreeningTargets

URGENT = "urgent"
ABOUT_OTHER = "about_other"
THRESHOLD_GRID = np.round(np.arange(0.15, 0.81, 0.05), 2)
MIN_POSITIVES_TO_TUNE = 6
NO_CONTEXT_STAGE = Stage.NONE.value


@dataclass(frozen=True)
class ModelConfig:
    """Hyper-parameters of the screening model."""

    c: float = 5.0
    folds: int = 5
    default_threshold: float = 0.5
    # F-beta used to pick each threshold: recall counts more for `urgent`.
    urgent_beta: float = 2.0
    flag_beta: float = 1.0
    random_state: int = 42
    # A red flag needs a trafficking context: when the stage is `none`, flags are dropped
    # (measured on eval/devset.jsonl: most false alarms on harmless messages go, almost no
    # true flag is lost). `urgent` is never gated.
    stage_gate: bool = True
    # Scale of the (L2-normalised) dense sentence embedding next to the TF-IDF blocks.
    dense_weight: float = 1.0


@dataclass(frozen=True)
class Prediction:
    """The screening labels of one message, with scores."""

    flag_scores: dict[str, float]
    flags: tuple[str, ...]
    urgent: bool
    urgent_score: float
    about_other: bool
    about_other_score: float
    stage: str
    stage_scores: dict[str, float] = field(default_factory=dict)


def _binary_targets(targets: Sequence[ScreeningTargets]) -> dict[str, np.ndarray]:
    """One 0/1 column per binary label."""
    columns = {flag: np.array([flag in t.flags for t in targets], dtype=int) for flag in FLAG_IDS}
    columns[URGENT] = np.array([t.urgent for t in targets], dtype=int)
    columns[ABOUT_OTHER] = np.array([t.about_other for t in targets], dtype=int)
    return columns


def _new_regression(config: ModelConfig) -> LogisticRegression:
    return LogisticRegression(
        C=config.c,
        solver="liblinear",
        class_weight="balanced",
        max_iter=1000,
        random_state=config.random_state,
    )


def _f_beta(y: np.ndarray, predicted: np.ndarray, beta: float) -> float:
    tp = float(np.sum((predicted == 1) & (y == 1)))
    fp = float(np.sum((predicted == 1) & (y == 0)))
    fn = float(np.sum((predicted == 0) & (y == 1)))
    b2 = beta * beta
    denominator = (1 + b2) * tp + b2 * fn + fp
    return (1 + b2) * tp / denominator if denominator else 0.0


def tune_threshold(y: np.ndarray, scores: np.ndarray, beta: float, default: float) -> float:
    """The grid threshold with the best F-beta on held-out scores (ties: the higher)."""
    if int(y.sum()) < MIN_POSITIVES_TO_TUNE:
        return default
    best, best_score = default, -1.0
    for threshold in THRESHOLD_GRID:
        score = _f_beta(y, (scores >= threshold).astype(int), beta)
        if score >= best_score:
            best, best_score = float(threshold), score
    return best


class ScreeningModel:
    """Multi-label screening: flags, urgent, about_other (binary) and stage (one of four)."""

    def __init__(
        self,
        idf: list[np.ndarray],
        labels: list[str],
        coef: np.ndarray,
        intercept: np.ndarray,
        thresholds: dict[str, float],
        stage_classes: list[str],
        stage_coef: np.ndarray,
        stage_intercept: np.ndarray,
        stage_gate: bool = True,
        dense_weight: float = 0.0,
        dense_dim: int = 0,
    ) -> None:
        self.idf = idf
        self.stage_gate = stage_gate
        self.dense_weight = dense_weight
        self.dense_dim = dense_dim
        self.labels = labels
        self.coef = coef
        self.intercept = intercept
        self.thresholds = thresholds
        self.stage_classes = stage_classes
        self.stage_coef = stage_coef
        self.stage_intercept = stage_intercept
        self._weighers = [_weigher(v) for v in idf]

    # -- training -------------------------------------------------------------
    @classmethod
    def fit(
        cls,
        blocks: list[sp.csr_matrix],
        targets: Sequence[ScreeningTargets],
        config: ModelConfig = ModelConfig(),
        dense: np.ndarray | None = None,
    ) -> ScreeningModel:
        """Train on feature blocks (one sparse matrix per featurizer, same rows) and an
        optional dense matrix of sentence embeddings."""
        transformers = [TfidfTransformer(sublinear_tf=True).fit(block) for block in blocks]
        dense_dim = 0 if dense is None else int(dense.shape[1])
        parts = [t.transform(b) for t, b in zip(transformers, blocks)]
        if dense_dim:
            parts.append(sp.csr_matrix(dense * config.dense_weight))
        X = sp.hstack(parts).tocsr()
        columns = _binary_targets(targets)
        labels, coefs, intercepts, thresholds = [], [], [], {}
        for label, y in columns.items():
            labels.append(label)
            if y.min() == y.max():  # nothing to learn: never (or always) this label
                coefs.append(np.zeros(X.shape[1]))
                intercepts.append(-20.0 if y.max() == 0 else 20.0)
                thresholds[label] = config.default_threshold
                continue
            model = _new_regression(config).fit(X, y)
            coefs.append(model.coef_[0])
            intercepts.append(float(model.intercept_[0]))
            beta = config.urgent_beta if label == URGENT else config.flag_beta
            thresholds[label] = tune_threshold(
                y, _out_of_fold_scores(X, y, config), beta, config.default_threshold
            )
        stage_y = np.array([t.stage for t in targets])
        stage_model = LogisticRegression(
            C=config.c, max_iter=2000, class_weight="balanced", random_state=config.random_state
        ).fit(X, stage_y)
        return cls(
            idf=[t.idf_ for t in transformers],
            labels=labels,
            coef=np.vstack(coefs),
            intercept=np.array(intercepts),
            thresholds=thresholds,
            stage_classes=[str(c) for c in stage_model.classes_],
            stage_coef=stage_model.coef_,
            stage_intercept=stage_model.intercept_,
            stage_gate=config.stage_gate,
            dense_weight=config.dense_weight if dense_dim else 0.0,
            dense_dim=dense_dim,
        )

    # -- prediction -----------------------------------------------------------
    def features(
        self, blocks: list[sp.csr_matrix], dense: np.ndarray | None = None
    ) -> sp.csr_matrix:
        """Weigh raw features as in training."""
        parts = [w.transform(b) for w, b in zip(self._weighers, blocks)]
        if self.dense_dim:
            rows = blocks[0].shape[0] if blocks else len(dense)
            if dense is None or dense.shape != (rows, self.dense_dim):
                raise ValueError(f"expected dense features of width {self.dense_dim}")
            parts.append(sp.csr_matrix(dense * self.dense_weight))
        return sp.hstack(parts).tocsr()

    def predict(
        self, blocks: list[sp.csr_matrix], dense: np.ndarray | None = None
    ) -> list[Prediction]:
        """Labels for each row of the blocks."""
        X = self.features(blocks, dense)
        scores = _sigmoid(X @ self.coef.T + self.intercept)
        stage_logits = X @ self.stage_coef.T + self.stage_intercept
        if len(self.stage_classes) == 2:  # sklearn stores one row for two classes
            stage_logits = np.hstack([-stage_logits, stage_logits])
        stage_probs = _softmax(np.asarray(stage_logits))
        return [
            self._prediction(np.asarray(row).ravel(), probs)
            for row, probs in zip(scores, stage_probs)
        ]

    def _prediction(self, row: np.ndarray, stage_probs: np.ndarray) -> Prediction:
        by_label = dict(zip(self.labels, (float(s) for s in row)))
        flag_scores = {flag: round(by_label[flag], 4) for flag in FLAG_IDS}
        flags = tuple(
            sorted(
                (f for f in FLAG_IDS if by_label[f] >= self.thresholds[f]),
                key=lambda f: -by_label[f],
            )
        )
        stage_scores = {s: round(float(p), 4) for s, p in zip(self.stage_classes, stage_probs)}
        stage = max(stage_scores, key=stage_scores.__getitem__)
        if self.stage_gate and stage == NO_CONTEXT_STAGE:
            flags = ()
        return Prediction(
            flag_scores=flag_scores,
            flags=flags,
            urgent=by_label[URGENT] >= self.thresholds[URGENT],
            urgent_score=round(by_label[URGENT], 4),
            about_other=by_label[ABOUT_OTHER] >= self.thresholds[ABOUT_OTHER],
            about_other_score=round(by_label[ABOUT_OTHER], 4),
            stage=stage,
            stage_scores=stage_scores,
        )

    # -- persistence ----------------------------------------------------------
    def save(self, directory: Path) -> None:
        """Write the model as `arrays.npz` and `meta.json` into the directory."""
        arrays: dict[str, Any] = {
            "coef": self.coef,
            "intercept": self.intercept,
            "stage_coef": self.stage_coef,
            "stage_intercept": self.stage_intercept,
        }
        arrays.update({f"idf_{i}": v for i, v in enumerate(self.idf)})
        np.savez_compressed(directory / "arrays.npz", **arrays)
        meta = {
            "labels": self.labels,
            "thresholds": self.thresholds,
            "stage_classes": self.stage_classes,
            "blocks": len(self.idf),
            "stage_gate": self.stage_gate,
            "dense_weight": self.dense_weight,
            "dense_dim": self.dense_dim,
        }
        (directory / "meta.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> ScreeningModel:
        """Read a model written by `save`."""
        meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
        with np.load(directory / "arrays.npz", allow_pickle=False) as arrays:
            return cls(
                idf=[arrays[f"idf_{i}"] for i in range(meta["blocks"])],
                labels=meta["labels"],
                coef=arrays["coef"],
                intercept=arrays["intercept"],
                thresholds=meta["thresholds"],
                stage_classes=meta["stage_classes"],
                stage_coef=arrays["stage_coef"],
                stage_intercept=arrays["stage_intercept"],
                stage_gate=bool(meta.get("stage_gate", True)),
                dense_weight=float(meta.get("dense_weight", 0.0)),
                dense_dim=int(meta.get("dense_dim", 0)),
            )


def _out_of_fold_scores(X: sp.csr_matrix, y: np.ndarray, config: ModelConfig) -> np.ndarray:
    folds = min(config.folds, int(y.sum()), int(len(y) - y.sum()))
    if folds < 2:
        return np.zeros(len(y))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=config.random_state)
    return cross_val_predict(_new_regression(config), X, y, cv=splitter, method="predict_proba")[
        :, 1
    ]


def _weigher(idf: np.ndarray) -> TfidfTransformer:
    """A fitted TF-IDF transformer rebuilt from its saved idf vector."""
    transformer = TfidfTransformer(sublinear_tf=True)
    transformer.idf_ = idf
    return transformer


def _sigmoid(values: Any) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.asarray(values)))


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)
