"""The held-out intent split keeps every example's screening labels (no training here)."""

from collections import Counter

from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter
from rasa.shared.nlu.training_data.loading import load_data

from bot.nlu.dataset import NLU_DIR, load_examples
from bot.ops.evaluate import HELDOUT_FRACTION, SPLIT_SEED, TOPIC_INTENT_BY_STAGE


def test_the_split_files_keep_labels_and_every_intent(tmp_path):
    train, test = load_data(str(NLU_DIR)).train_test_split(
        train_frac=1 - HELDOUT_FRACTION, random_seed=SPLIT_SEED
    )
    for name, part in (("train", train), ("test", test)):
        (tmp_path / name).mkdir()
        RasaYAMLWriter().dump(tmp_path / name / "nlu.yml", part)
    original = {e.text: (e.intent, e.targets) for e in load_examples()}
    train_back, test_back = load_examples(tmp_path / "train"), load_examples(tmp_path / "test")
    assert len(train_back) + len(test_back) == len(original)
    for example in train_back + test_back:
        assert original[example.text] == (example.intent, example.targets)
    # every intent is on both sides, roughly in proportion
    train_counts = Counter(e.intent for e in train_back)
    test_counts = Counter(e.intent for e in test_back)
    assert set(train_counts) == set(test_counts)
    assert 0.1 < len(test_back) / len(original) < 0.3


def test_each_stage_names_a_topic_intent_of_the_domain():
    import yaml

    from bot.settings import PROJECT_ROOT

    intents = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))["intents"]
    assert set(TOPIC_INTENT_BY_STAGE.values()) <= set(intents)
