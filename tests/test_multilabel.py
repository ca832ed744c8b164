"""The multi-label model on small data it can learn exactly, and its saved form."""

import numpy as np
import pytest
import scipy.sparse as sp

from bot.contract import FLAG_IDS
from bot.nlu.multilabel import ModelConfig, ScreeningModel, tune_threshold
from bot.nlu.targets import ScreeningTargets

# Columns: 0 passport, 1 phone, 2 pizza, 3 help-now, 4 my-son, 5 offer
PASSPORT = [1, 0, 0, 0, 0, 0]
PHONE = [0, 1, 0, 0, 0, 0]
PIZZA = [0, 0, 1, 0, 0, 0]
HELP = [0, 0, 0, 1, 0, 0]
SON = [0, 0, 0, 0, 1, 0]
OFFER = [0, 0, 0, 0, 0, 1]


def _row(*parts):
    return np.clip(np.sum(parts, axis=0), 0, 1)


def _dataset():
    rows, targets = [], []
    for _ in range(12):
        rows.append(_row(PASSPORT))
        targets.append(ScreeningTargets(flags=("documents_confiscated",), stage="in_situ"))
        rows.append(_row(PHONE))
        targets.append(ScreeningTargets(flags=("phone_confiscated",), stage="in_situ"))
        rows.append(_row(PASSPORT, PHONE))
        targets.append(
            ScreeningTargets(flags=("documents_confiscated", "phone_confiscated"), stage="in_situ")
        )
        rows.append(_row(PIZZA))
        targets.append(ScreeningTargets())
        rows.append(_row(HELP))
        targets.append(ScreeningTargets(urgent=True, stage="in_situ"))
        rows.append(_row(SON, PHONE))
        targets.append(
            ScreeningTargets(flags=("phone_confiscated",), about_other=True, stage="in_situ")
        )
        rows.append(_row(OFFER))
        targets.append(ScreeningTargets(stage="prospective"))
    return [sp.csr_matrix(np.array(rows, dtype=float))], targets


@pytest.fixture(scope="module")
def model():
    blocks, targets = _dataset()
    return ScreeningModel.fit(blocks, targets, ModelConfig(folds=3))


def _predict(model, *parts):
    return model.predict([sp.csr_matrix(np.array([_row(*parts)], dtype=float))])[0]


def test_learns_several_flags_in_one_message(model):
    prediction = _predict(model, PASSPORT, PHONE)
    assert set(prediction.flags) == {"documents_confiscated", "phone_confiscated"}
    assert prediction.stage == "in_situ"
    assert len(prediction.flag_scores) == 20


def test_learns_urgent_about_other_and_harmless(model):
    assert _predict(model, HELP).urgent is True
    assert _predict(model, SON, PHONE).about_other is True
    harmless = _predict(model, PIZZA)
    assert harmless.flags == () and harmless.urgent is False and harmless.stage == "none"


def _hand_made_model(stage_gate):
    """One feature that raises documents_confiscated and makes the stage `none`."""
    labels = list(FLAG_IDS) + ["urgent", "about_other"]
    coef = np.zeros((len(labels), 1))
    coef[labels.index("documents_confiscated"), 0] = 10.0
    stage_coef = np.array([[0.0], [0.0], [5.0], [0.0]])
    return ScreeningModel(
        idf=[np.ones(1)],
        labels=labels,
        coef=coef,
        intercept=np.full(len(labels), -5.0),
        thresholds={label: 0.5 for label in labels},
        stage_classes=["exited", "in_situ", "none", "prospective"],
        stage_coef=stage_coef,
        stage_intercept=np.zeros(4),
        stage_gate=stage_gate,
    )


@pytest.mark.parametrize("gate,expected", [(True, ()), (False, ("documents_confiscated",))])
def test_flags_need_a_trafficking_context_when_gated(gate, expected):
    prediction = _hand_made_model(gate).predict([sp.csr_matrix(np.array([[1.0]]))])[0]
    assert prediction.stage == "none"
    assert prediction.flags == expected


def test_saved_model_predicts_the_same(model, tmp_path):
    model.save(tmp_path)
    loaded = ScreeningModel.load(tmp_path)
    for parts in ([PASSPORT], [PHONE, SON], [HELP], [PIZZA], [OFFER]):
        assert _predict(loaded, *parts) == _predict(model, *parts)
    assert not list(tmp_path.glob("*.pkl"))


def test_threshold_tuning_picks_the_best_cut():
    y = np.array([1, 1, 1, 1, 1, 1, 0, 0, 0, 0])
    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.35, 0.32, 0.3, 0.2, 0.1, 0.05])
    assert tune_threshold(y, scores, beta=1.0, default=0.5) == pytest.approx(0.3, abs=0.03)
    assert tune_threshold(np.array([1, 0, 0]), np.array([0.9, 0.1, 0.2]), 1.0, 0.5) == 0.5
