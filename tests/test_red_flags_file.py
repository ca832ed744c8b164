"""The red flags come from bot/red_flags.yml: a trainer adds one without touching Python."""

import shutil
from pathlib import Path

import pytest

from bot.contract import FLAG_IDS, RED_FLAGS_FILE, FlagGroup, load_red_flags
from bot.ops.modelcache import MODEL_INPUTS, inputs_hash

ROOT = Path(__file__).resolve().parents[1]
NEW_FLAG = "- id: forced_recruiting\n  group: workplace\n  reason: Forced to recruit others\n"


def test_the_file_lists_the_contract_flags_in_order():
    assert tuple(flag.id for flag in load_red_flags()) == FLAG_IDS
    assert len(FLAG_IDS) == 20


def test_a_flag_added_to_the_file_is_part_of_the_vocabulary(tmp_path):
    flags_file = tmp_path / "red_flags.yml"
    flags_file.write_text(RED_FLAGS_FILE.read_text(encoding="utf-8") + NEW_FLAG)
    flags = load_red_flags(flags_file)
    assert flags[-1].id == "forced_recruiting" and flags[-1].group is FlagGroup.WORKPLACE
    assert flags[-1].reason == "Forced to recruit others"
    assert len(flags) == len(FLAG_IDS) + 1


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("- id: Forced Recruiting\n  group: workplace\n  reason: r\n", "lower-case"),
        ("- id: forced_recruiting\n  group: compound\n  reason: r\n", "group must be one of"),
        ("- id: forced_recruiting\n  group: workplace\n", "needs a short `reason`"),
        ("- id: no_contract\n  group: recruitment\n  reason: again\n", "listed twice"),
        ("- just a line\n", "needs `id`, `group` and `reason`"),
    ],
)
def test_a_mistake_in_the_file_says_what_is_wrong(tmp_path, entry, message):
    flags_file = tmp_path / "red_flags.yml"
    flags_file.write_text(RED_FLAGS_FILE.read_text(encoding="utf-8") + entry)
    with pytest.raises(ValueError, match=message) as raised:
        load_red_flags(flags_file)
    assert f"red flag {len(FLAG_IDS) + 1}" in str(raised.value)


def test_an_empty_file_is_refused(tmp_path):
    (tmp_path / "red_flags.yml").write_text("# nothing\n")
    with pytest.raises(ValueError, match="needs a `red_flags:` list"):
        load_red_flags(tmp_path / "red_flags.yml")


def test_a_new_flag_makes_the_model_retrain(tmp_path):
    for name in MODEL_INPUTS:
        source, target = ROOT / name, tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, target)
    before = inputs_hash(tmp_path)
    with (tmp_path / "bot" / "red_flags.yml").open("a") as handle:
        handle.write(NEW_FLAG)
    assert inputs_hash(tmp_path) != before
