"""Confirmed messages land in the training file of their topic, readable by Rasa."""

import shutil
from pathlib import Path

import pytest

from bot.nlu.dataset import load_examples
from bot.training.export import ConfirmedExample, export_confirmed, topic_file
from bot.training.nlu_yaml import read_folder

DATA = Path(__file__).resolve().parent.parent / "data" / "nlu"


@pytest.fixture
def data_dir(tmp_path):
    """A copy of three of the project's training files."""
    for name in ("dialogue.yml", "offer_travel.yml", "workplace_abuse.yml"):
        shutil.copy(DATA / name, tmp_path / name)
    return tmp_path


def by_text(directory):
    return {e.text: e for e in load_examples(directory)}


@pytest.mark.parametrize(
    ("example", "expected"),
    [
        (ConfirmedExample("hey", "greet"), "dialogue.yml"),
        (ConfirmedExample("nice weather", "out_of_scope"), "harmless.yml"),
        (ConfirmedExample("legit nurse job, agency licensed", "describe_offer"), "harmless.yml"),
        (ConfirmedExample("x", "describe_offer", ("irregular_travel", "high_risk_destination",
                                                   "lure_job_type")), "offer_travel.yml"),
        (ConfirmedExample("x", "describe_offer", ("lure_job_type", "unrealistic_pay",
                                                   "high_risk_destination")),
         "offer_recruitment.yml"),
        (ConfirmedExample("x", "describe_situation", ("phone_confiscated", "wages_withheld",
                                                       "forced_scamming")),
         "workplace_control.yml"),
        (ConfirmedExample("x", "describe_situation", ("forced_scamming",)), "workplace_abuse.yml"),
        (ConfirmedExample("x", "describe_situation", ("forced_scamming",), about_other=True),
         "exit_and_family.yml"),
        (ConfirmedExample("x", "describe_exit", ("documents_confiscated",)),
         "exit_and_family.yml"),
    ],
)  # fmt: skip
def test_each_topic_has_its_file(example, expected):
    assert topic_file(example) == expected


def test_a_dialogue_intent_goes_where_its_block_is(tmp_path):
    (tmp_path / "buttons.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: check_offer\n  examples: |\n    - check my offer\n'
    )
    result = export_confirmed([ConfirmedExample("can you check a job offer", "check_offer")],
                              tmp_path)  # fmt: skip
    assert result.files == ("buttons.yml",)
    assert not (tmp_path / "dialogue.yml").exists()
    assert by_text(tmp_path)["can you check a job offer"].intent == "check_offer"


def test_round_trip_through_rasas_reader(data_dir):
    before = by_text(data_dir)
    result = export_confirmed(
        [
            ConfirmedExample(
                "[NAME] from the agency says i go by boat across the river to myawaddy\n"
                "and they pay the ticket",
                "describe_offer",
                ("irregular_travel", "high_risk_destination", "employer_paid_travel"),
            ),
            ConfirmedExample(
                "they shock my brother [NAME] with electric stick tonight, pls help",
                "describe_situation",
                ("threats_or_violence",),
                urgent=True,
                about_other=True,
            ),
            ConfirmedExample(
                "we escaped last week, boss kept [ID_NUMBER] passports",
                "describe_exit",
                ("documents_confiscated",),
            ),
            ConfirmedExample("selamat malam kak", "greet"),
            ConfirmedExample("what is the weather in [ADDRESS](city) today", "out_of_scope"),
        ],
        data_dir,
    )
    assert not result.skipped, result.skipped
    assert [w.file for w in result.written] == [
        "offer_travel.yml",
        "exit_and_family.yml",
        "exit_and_family.yml",
        "dialogue.yml",
        "harmless.yml",
    ]
    after = by_text(data_dir)
    assert len(after) == len(before) + 5
    assert all(text in after for text in before)  # nothing lost
    travel = after[
        "[NAME] from the agency says i go by boat across the river to myawaddy\n"
        "and they pay the ticket"
    ]
    assert travel.intent == "describe_offer" and travel.source == "offer_travel.yml"
    assert set(travel.targets.flags) == {
        "irregular_travel",
        "high_risk_destination",
        "employer_paid_travel",
    }
    assert travel.targets.stage == "prospective"
    urgent = after["they shock my brother [NAME] with electric stick tonight, pls help"]
    assert urgent.targets.urgent and urgent.targets.about_other
    assert urgent.targets.stage == "in_situ" and urgent.source == "exit_and_family.yml"
    exited = after["we escaped last week, boss kept [ID_NUMBER] passports"]
    assert exited.targets.stage == "exited" and exited.intent == "describe_exit"
    assert after["selamat malam kak"].intent == "greet"
    # bracket pairs are not read as entity annotations
    assert "what is the weather in [ADDRESS] (city) today" in after


def test_the_new_example_goes_to_the_end_of_its_block(data_dir):
    original = (data_dir / "dialogue.yml").read_text(encoding="utf-8")
    export_confirmed([ConfirmedExample("hai there bot", "greet")], data_dir)
    lines = (data_dir / "dialogue.yml").read_text(encoding="utf-8").splitlines()
    at = lines.index("    - hai there bot")
    assert lines[at - 1].startswith("    - ") and lines[at + 1] == "- intent: goodbye"
    assert len(lines) == len(original.splitlines()) + 1


def test_exact_and_near_duplicates_are_skipped(data_dir):
    existing = next(e for e in load_examples(data_dir) if e.source == "workplace_abuse.yml")
    near = (
        existing.text.replace("every", "evry") if "every" in existing.text else existing.text + "!"
    )
    result = export_confirmed(
        [
            ConfirmedExample(existing.text.upper(), existing.intent, existing.targets.flags),
            ConfirmedExample(near, existing.intent, existing.targets.flags),
            ConfirmedExample("the guards beat a man in front of us all today", "describe_situation",
                             ("threats_or_violence",)),
            ConfirmedExample("The guards beat a man in front of us all today!!",
                             "describe_situation", ("threats_or_violence",)),
        ],
        data_dir,
    )  # fmt: skip
    assert [w.text for w in result.written] == ["the guards beat a man in front of us all today"]
    assert len(result.skipped) == 3
    assert "workplace_abuse.yml" in result.skipped[0].reason
    assert "in this export" in result.skipped[2].reason


@pytest.mark.parametrize(
    ("example", "reason"),
    [
        (ConfirmedExample("   \n ", "greet"), "empty"),
        (ConfirmedExample("a" * 6000, "out_of_scope"), "longer"),
        (ConfirmedExample("hi", "make_coffee"), "not in the training data"),
        (ConfirmedExample("they took it", "describe_situation", ("passport_gone",)), "unknown"),
        (ConfirmedExample("they took it", "describe_situation", stage="held"), "unknown stage"),
        (ConfirmedExample("hello", "greet", ("forced_scamming",)), "dialogue intent"),
        (ConfirmedExample("fine day", "out_of_scope", ("forced_scamming",)), "red flags need"),
        (ConfirmedExample("job", "describe_offer", ("lure_job_type",), stage="none"),
         "red flags need"),
    ],
)  # fmt: skip
def test_bad_examples_are_skipped_with_a_reason(data_dir, example, reason):
    before = {p.name: p.read_text(encoding="utf-8") for p in data_dir.glob("*.yml")}
    result = export_confirmed([example], data_dir)
    assert not result.written and reason in result.skipped[0].reason
    assert {p.name: p.read_text(encoding="utf-8") for p in data_dir.glob("*.yml")} == before


def test_hostile_text_is_stored_as_plain_text(data_dir):
    hostile = "<script>alert(1)</script> {{x}} & *ref !!tag\x00 key: value # not a comment"
    result = export_confirmed([ConfirmedExample(hostile, "out_of_scope")], data_dir)
    stored = result.written[0].text
    assert "\x00" not in stored
    assert stored in by_text(data_dir)


def test_an_empty_folder_gets_new_files(tmp_path):
    result = export_confirmed(
        [ConfirmedExample("boss keeps our phones", "describe_situation", ("phone_confiscated",))],
        tmp_path,
    )
    assert result.files == ("workplace_control.yml",)
    blocks, examples = read_folder(tmp_path)
    assert examples[0].flags == ("phone_confiscated",) and examples[0].stage == "in_situ"
    assert by_text(tmp_path)["boss keeps our phones"].targets.flags == ("phone_confiscated",)
