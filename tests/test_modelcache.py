"""A model is retrained exactly when its inputs change."""

import shutil
from pathlib import Path

import pytest

from bot.ops.modelcache import MODEL_INPUTS, inputs_hash

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture()
def project(tmp_path):
    for name in MODEL_INPUTS:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, tmp_path / name)
    (tmp_path / "README.md").write_text("readme")
    (tmp_path / "actions").mkdir()
    (tmp_path / "actions" / "screening.py").write_text("# action")
    return tmp_path


@pytest.mark.parametrize(
    "changed", ["config.yml", "domain.yml", "data/nlu/dialogue.yml", "bot/nlu/multilabel.py"]
)
def test_changing_a_training_input_changes_the_hash(project, changed):
    before = inputs_hash(project)
    with (project / changed).open("a") as handle:
        handle.write("\n# changed\n")
    assert inputs_hash(project) != before


def test_adding_a_data_file_changes_the_hash(project):
    before = inputs_hash(project)
    (project / "data" / "nlu" / "new.yml").write_text('version: "3.1"\n')
    assert inputs_hash(project) != before


def test_other_files_do_not_trigger_training(project):
    (project / "data" / "referrals").mkdir(exist_ok=True)
    (project / "data" / "referrals" / "TH.yml").write_text("referrals: []\n")
    before = inputs_hash(project)
    (project / "data" / "referrals" / "TH.yml").write_text("referrals: [changed]\n")
    (project / "README.md").write_text("changed")
    (project / "actions" / "screening.py").write_text("# changed")
    assert inputs_hash(project) == before
