"""Rasa graph components for screening: a thin layer over `multilabel` and `bot.places`.

Registered in `config.yml` as `bot.nlu.components.ScreeningClassifier` and
`bot.nlu.components.PlaceExtractor`, `bot.nlu.components.LanguageDetector`, plus the dense
featurizer `bot.nlu.components.SentenceEmbeddingFeaturizer`. They add these keys to every
parse result: `red_flags`, `flag_scores`, `urgent`, `urgent_score`, `stage`, `stage_scores`,
`about_other`, `about_other_score`, `country`, `home_country`, `high_risk_place`,
`writer_country`, `others_country`, `language`.
`bot.nlu.components.QuickExitClassifier`, last in the pipeline, sets the intent of a
quick-exit message ("stop", "delete") whatever the intent model thought.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import scipy.sparse as sp
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.featurizer import Featurizer
from rasa.shared.nlu.constants import (
    FEATURE_TYPE_SENTENCE,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.contract import Stage
from bot.language import detect_language, load_model
from bot.nlu.embeddings import default_encoder
from bot.nlu.multilabel import ModelConfig, Prediction, ScreeningModel
from bot.nlu.targets import targets_from_metadata
from bot.places import locate_places
from bot.screening.quick_exit import QuickExit, quick_exit

logger = logging.getLogger(__name__)


def _sentence_blocks(
    messages: list[Message], origins: list[str], widths: list[int] | None = None
) -> list[sp.csr_matrix]:
    """One sparse matrix per featurizer (by origin), one row per message.

    A message without features from a featurizer (nothing to count) gets a zero row, as
    wide as training saw (`widths`) or as the other messages show.
    """
    found_by_message = [
        {
            f.origin: sp.csr_matrix(f.features)
            for f in message.features
            if f.attribute == TEXT and f.type == FEATURE_TYPE_SENTENCE and f.is_sparse()
        }
        for message in messages
    ]
    blocks = []
    for index, origin in enumerate(origins):
        width = (
            widths[index]
            if widths
            else next((found[origin].shape[1] for found in found_by_message if origin in found), 0)
        )
        blocks.append(
            sp.vstack(
                [found.get(origin, sp.csr_matrix((1, width))) for found in found_by_message]
            ).tocsr()
            if messages
            else sp.csr_matrix((0, width))
        )
    return blocks


def _dense_sentence_features(messages: list[Message]) -> np.ndarray | None:
    """Dense sentence features (all dense featurizers side by side), or None."""
    rows = []
    for message in messages:
        found = sorted(
            (
                (f.origin, np.asarray(f.features).ravel())
                for f in message.features
                if f.attribute == TEXT and f.type == FEATURE_TYPE_SENTENCE and f.is_dense()
            ),
            key=lambda pair: pair[0],
        )
        if not found:
            return None
        rows.append(np.concatenate([vector for _, vector in found]))
    return np.vstack(rows) if rows else None


def _origins(messages: list[Message]) -> list[str]:
    """The featurizers that gave sparse sentence features, in a stable order."""
    seen: dict[str, None] = {}
    for message in messages:
        for f in message.features:
            if f.attribute == TEXT and f.type == FEATURE_TYPE_SENTENCE and f.is_sparse():
                seen.setdefault(f.origin, None)
    return sorted(seen)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class ScreeningClassifier(GraphComponent):
    """Multi-label red flags plus `urgent`, `stage` and `about_other` for each message."""

    @classmethod
    def required_components(cls) -> list[type]:
        """Featurizers must run first."""
        return [Featurizer]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Defaults of the hyper-parameters (see `ModelConfig`)."""
        defaults = ModelConfig()
        return {
            "c": defaults.c,
            "folds": defaults.folds,
            "urgent_beta": defaults.urgent_beta,
            "stage_gate": defaults.stage_gate,
            "dense_weight": defaults.dense_weight,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: ScreeningModel | None = None,
        origins: list[str] | None = None,
    ) -> None:
        self._config = ModelConfig(
            c=float(config["c"]),
            folds=int(config["folds"]),
            urgent_beta=float(config["urgent_beta"]),
            stage_gate=bool(config["stage_gate"]),
            dense_weight=float(config["dense_weight"]),
        )
        self._model_storage = model_storage
        self._resource = resource
        self._model = model
        self._origins = origins or []

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ScreeningClassifier:
        """An untrained component."""
        return cls({**cls.get_default_config(), **config}, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Fit the screening model on every example with text."""
        examples = [m for m in training_data.intent_examples if m.get(TEXT)]
        targets = [targets_from_metadata(m.get("metadata")) for m in examples]
        self._origins = _origins(examples)
        self._model = ScreeningModel.fit(
            _sentence_blocks(examples, self._origins),
            targets,
            self._config,
            _dense_sentence_features(examples),
        )
        with self._model_storage.write_to(self._resource) as directory:
            self._model.save(directory)
            (directory / "origins.txt").write_text("\n".join(self._origins), encoding="utf-8")
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> ScreeningClassifier:
        """Load the trained model, or an untrained component if none was saved."""
        config = {**cls.get_default_config(), **config}
        try:
            with model_storage.read_from(resource) as directory:
                origins = (directory / "origins.txt").read_text(encoding="utf-8").split("\n")
                return cls(config, model_storage, resource, ScreeningModel.load(directory), origins)
        except (ValueError, FileNotFoundError):
            logger.warning("No trained screening model found; messages get no flags.")
            return cls(config, model_storage, resource)

    def process(self, messages: list[Message]) -> list[Message]:
        """Add the screening labels to each message's parse result."""
        if self._model is None or not messages:
            for message in messages:
                _set_labels(message, None)
            return messages
        widths = [len(idf) for idf in self._model.idf]
        predictions = self._model.predict(
            _sentence_blocks(messages, self._origins, widths), _dense_sentence_features(messages)
        )
        for message, prediction in zip(messages, predictions):
            _set_labels(message, prediction if message.get(TEXT, "").strip() else None)
        return messages


def _set_labels(message: Message, prediction: Prediction | None) -> None:
    """Write a prediction (or "nothing detected") into the message's output."""
    if prediction is None:
        values: dict[str, Any] = {
            "red_flags": [],
            "flag_scores": {},
            "urgent": False,
            "urgent_score": 0.0,
            "stage": Stage.NONE.value,
            "stage_scores": {},
            "about_other": False,
            "about_other_score": 0.0,
        }
    else:
        values = {
            "red_flags": [
                {"name": flag, "score": prediction.flag_scores[flag]} for flag in prediction.flags
            ],
            "flag_scores": prediction.flag_scores,
            "urgent": prediction.urgent,
            "urgent_score": prediction.urgent_score,
            "stage": prediction.stage,
            "stage_scores": prediction.stage_scores,
            "about_other": prediction.about_other,
            "about_other_score": prediction.about_other_score,
        }
    for key, value in values.items():
        message.set(key, value, add_to_output=True)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class PlaceExtractor(GraphComponent):
    """Adds `country` and `home_country` (ISO 3166-1 alpha-2) from the places named."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> PlaceExtractor:
        """The extractor needs no training: it reads the gazetteer."""
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        """Add the places of each message to its parse result."""
        for message in messages:
            places = locate_places(message.get(TEXT) or "")
            message.set("country", places.country, add_to_output=True)
            message.set("home_country", places.home_country, add_to_output=True)
            message.set("high_risk_place", places.high_risk_place, add_to_output=True)
            message.set("writer_country", places.writer_country, add_to_output=True)
            message.set("others_country", places.others_country, add_to_output=True)
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class LanguageDetector(GraphComponent):
    """Adds `language` (ISO 639-1, or None for a message too short to tell): `bot.language`."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LanguageDetector:
        """Nothing to train: the script rules and the bundled model are fixed (loaded now)."""
        load_model()
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        """Add the language of each message to its parse result."""
        for message in messages:
            message.set("language", detect_language(message.get(TEXT) or ""), add_to_output=True)
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEmbeddingFeaturizer(GraphComponent):
    """Adds a MiniLM sentence embedding as a dense sentence feature of the text."""

    def __init__(self, name: str) -> None:
        self._name = name

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceEmbeddingFeaturizer:
        """The encoder is pre-trained: nothing to fit."""
        return cls(execution_context.node_name)

    def process(self, messages: list[Message]) -> list[Message]:
        """Embed every message (batched)."""
        if messages:
            vectors = default_encoder().embed([m.get(TEXT) or "" for m in messages])
            for message, vector in zip(messages, vectors):
                message.add_features(
                    Features(vector[np.newaxis, :], FEATURE_TYPE_SENTENCE, TEXT, self._name)
                )
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Embed the training examples."""
        self.process([m for m in training_data.training_examples if m.get(TEXT)])
        return training_data


# The intents a quick-exit message gets (both are in domain.yml).
QUICK_EXIT_INTENTS = {QuickExit.STOP: "stop", QuickExit.ERASE: "erase_conversation"}


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class QuickExitClassifier(GraphComponent):
    """Gives "stop" / "delete" messages their intent for certain (`bot.screening.quick_exit`)."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> QuickExitClassifier:
        """Nothing to train: the words are fixed."""
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        """Override the intent of quick-exit messages; leave every other message alone."""
        for message in messages:
            kind = quick_exit(message.get(TEXT) or "")
            if kind is None:
                continue
            intent = {INTENT_NAME_KEY: QUICK_EXIT_INTENTS[kind], PREDICTED_CONFIDENCE_KEY: 1.0}
            message.set(INTENT, intent, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [intent], add_to_output=True)
        return messages
