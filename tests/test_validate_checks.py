"""`make validate`'s own checks, each on a small bad fixture."""

from pathlib import Path

from bot.evaluation.data_checks import (
    below_minimums,
    duplicate_pairs,
    inconsistent_labels,
    label_conflicts,
    summarise,
)
from bot.evaluation.response_checks import check_responses, code_references
from bot.nlu.dataset import Example
from bot.nlu.targets import ScreeningTargets
from bot.ops.validate import data_problems, report


def example(text, intent="describe_situation", flags=(), stage="in_situ", **labels):
    return Example(text, intent, ScreeningTargets(tuple(flags), stage=stage, **labels), "x.yml")


def test_near_duplicates_and_conflicting_labels_are_found():
    a = example(
        "they took my passport when we arrived at the compound", flags=["documents_confiscated"]
    )
    near = example(
        "They took my passport when we arrived at the compound!!", flags=["documents_confiscated"]
    )
    conflict = example(
        "they took my passport when we arived at the compound",
        intent="describe_exit",
        flags=["documents_confiscated"],
        stage="exited",
    )
    other = example("boss keeps all phones in a box at the door", flags=["phone_confiscated"])
    pairs = duplicate_pairs([a, near, conflict, other])
    assert {(p[0].text, p[1].text) for p in pairs} == {
        (a.text, near.text),
        (a.text, conflict.text),
        (near.text, conflict.text),
    }
    conflicts = label_conflicts(pairs)
    assert len(conflicts) == 2 and all(conflict in (p[0], p[1]) for p in conflicts)
    # a different sentence is no duplicate, even with the same words around
    assert not duplicate_pairs([a, example("they took my phone when we arrived at the airport")])


def test_labels_that_contradict_each_other():
    bad = [
        example("hello there", intent="greet", flags=["lure_job_type"], stage="none"),
        example(
            "nice beach in sihanoukville",
            intent="out_of_scope",
            stage="none",
            flags=["high_risk_destination"],
        ),
        example("job in dubai", intent="describe_offer", stage="none", flags=["lure_job_type"]),
        example("i want to die", intent="stop", stage="none", urgent=True),
    ]
    good = example("boss took our phones", flags=["phone_confiscated"])
    reasons = [reason for _e, reason in inconsistent_labels([*bad, good])]
    assert reasons == [
        "red flags on intent greet",
        "red flags on intent out_of_scope",
        "red flags with stage none (the model drops them)",
        "urgent or about_other on intent stop",
    ]


def test_minimums_say_what_is_short():
    examples = [example(f"message {i}", flags=["wages_withheld"]) for i in range(3)]
    problems = below_minimums(summarise(examples), per_flag=3, multi_flag=1, negatives=1)
    assert "documents_confiscated: 0 examples, needs 3" in problems
    assert not any(p.startswith("wages_withheld") for p in problems)
    assert "0 examples with 2+ flags, needs 1" in problems
    assert "0 harmless screening examples, needs 1" in problems


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_unused_and_missing_responses(tmp_path):
    domain = write(
        tmp_path / "domain.yml",
        "responses:\n  utter_greet: [{text: hi}]\n"
        "  utter_orphan: [{text: never said}]\n  check_employer: [{text: c}]\n"
        "  check_employer_PH: [{text: ph}]\n",
    )
    spoken = write(
        tmp_path / "responses" / "screening.yml",
        "responses:\n"
        "  screen_flag_a: [{text: a}]\n  screen_unused: [{text: u}]\n"
        "  guide_in_situ: [{text: g}]\n  referral_line_named: [{text: r}]\n",
    )
    rules = write(
        tmp_path / "data" / "rules.yml",
        "rules:\n- rule: r\n  steps:\n"
        "  - intent: greet\n  - action: utter_greet\n  - action: utter_gone\n",
    )
    code = write(tmp_path / "bot" / "replies.py", "\n".join([
        "def replies(new, topic, name, variant, template):",
        "    out = [f'screen_flag_{flag}' for flag in new]",
        "    out.append(f'guide_{topic}')",
        "    out.append('screen_ghost')",
        "    out.append('check_employer')",
        "    if variant:",
        "        out.append(f'{name}_{variant}')",
        "    template += '_named'",
        "    print(f'debug flag {flag}')",
        "    event = {'utter_action': 'utter_greet'}",
        "    print(event['utter_action'])",
        "    return [r for r in out if r.startswith('screen_flag')]",
    ]))  # fmt: skip
    result = check_responses(domain, [spoken], [rules], [code], flag_ids=("a", "b"))
    assert result.unused == ["utter_orphan (domain.yml)", "screen_unused (screening.yml)"]
    assert result.missing == [
        "screen_ghost (named in the code)",
        "utter_gone (a rule or story says it)",
        "screen_flag_b (the code says screen_flag_{flag} for flag b)",
    ]
    refs = code_references([code])
    assert "screen_flag" not in refs.names  # a prefix test, not a response name


def test_data_problems_of_a_bad_folder(tmp_path):
    write(tmp_path / "data" / "nlu" / "bad.yml", "\n".join([
        'version: "3.1"', "nlu:", "- intent: describe_situation", "  metadata:",
        "    stage: in_situ", "  examples:",
        "  - text: |", "      the guards beat the new guy because he missed the target",
        "    metadata:", "      flags: [threats_or_violence]",
        "  - text: |", "      the guards beat the new guy because he missed the target!",
        "    metadata:", "      flags: [abusive_conditions]",
        "- intent: out_of_scope", "  metadata:", "    stage: none", "  examples:",
        "  - text: |", "      lovely beach in sihanoukville, any hotel tips for a family",
        "    metadata:", "      flags: [high_risk_destination]", "",
    ]))  # fmt: skip
    write(
        tmp_path / "eval" / "devset.jsonl",
        '{"id": "d1", "text": "lovely beach in sihanoukville, any hotel tips for a family?"}\n',
    )
    write(
        tmp_path / "eval" / "dev" / "victims.jsonl",
        '{"id": "v1", "text": "The guards beat the new guy, because he missed the target",'
        ' "flags": ["threats_or_violence"], "urgent": false}\n'
        '{"id": "v2", "text": "my passport is with the boss and i cannot leave", "flags": []}\n',
    )
    write(tmp_path / "eval" / "dev" / "broken.jsonl", '{"id": "b1", "text": "cut off\n')
    problems = data_problems(tmp_path)
    assert len(problems["the same message under conflicting labels"]) == 1
    assert not problems["exact or near duplicates (ratio >= 95)"]  # reported as a conflict
    assert problems["labels that contradict each other"] == [
        "bad.yml: red flags on intent out_of_scope: lovely beach in sihanoukville, any hotel "
        "tips for a family"
    ]
    copied = "held-out messages copied in the training data"
    first_words = {name: [p.split(" ")[:2] for p in found] for name, found in problems.items()}
    assert first_words[f"{copied} (eval/devset.jsonl)"] == [["d1", "exact"]]
    assert first_words[f"{copied} (eval/dev/victims.jsonl)"] == [["v1", "exact"]]
    assert problems[f"{copied} (eval/dev/broken.jsonl)"] == [
        "cannot check: broken.jsonl line 1: not JSON (Unterminated string starting at)"
    ]
    assert any("needs 40" in p for p in problems["minimum examples"])
    ok, text = report(problems)
    assert not ok and "FAIL  the same message under conflicting labels: 1" in text
    assert report({"a check": []}) == (True, "ok    a check")
