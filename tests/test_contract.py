"""The code's vocabulary is exactly the shared screening contract's."""

import re
from pathlib import Path

import pytest

from bot.contract import FLAG_IDS, RISK_LEVELS, SLOT_NAMES, STAGES, WORKPLACE_FLAGS

CONTRACT = Path(__file__).resolve().parents[2] / "shared" / "spec" / "screening-contract.md"


@pytest.fixture(scope="module")
def contract_text() -> str:
    if not CONTRACT.exists():
        pytest.skip(f"shared contract not beside the clone: {CONTRACT}")
    return CONTRACT.read_text(encoding="utf-8")


def _section(text: str, heading: str) -> str:
    start = text.index(heading)
    following = text.find("\n#", start + len(heading))
    return text[start : following if following > 0 else None]


def _table_ids(section: str) -> list[str]:
    return re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.MULTILINE)


def test_flag_ids_match_the_contract_in_order(contract_text):
    recruitment = _table_ids(_section(contract_text, "### Recruitment and offer"))
    workplace = _table_ids(_section(contract_text, "### At the workplace"))
    assert list(FLAG_IDS) == recruitment + workplace
    assert WORKPLACE_FLAGS == set(workplace)


def test_stages_levels_and_slots_match_the_contract(contract_text):
    for stage in STAGES:
        assert f"`{stage}`" in contract_text
    assert "`none`, `low`, `medium`, `high`, `critical`" in contract_text
    assert RISK_LEVELS == ("none", "low", "medium", "high", "critical")
    slots = _table_ids(_section(contract_text, "### Conversation slots"))
    assert list(SLOT_NAMES) == slots
