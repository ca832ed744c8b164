"""The screening contract's vocabulary: red-flag ids, stages, risk levels and slots.

This module is the single source of truth in code for the identifiers fixed by
`../shared/spec/screening-contract.md`; a test checks it against that file.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class FlagGroup(str, Enum):
    """Where in the trafficking path a red flag belongs."""

    RECRUITMENT = "recruitment"
    WORKPLACE = "workplace"


@dataclass(frozen=True)
class RedFlag:
    """One red flag: its stable id, its group and a short reason for staff."""

    id: str
    group: FlagGroup
    reason: str


RED_FLAGS: tuple[RedFlag, ...] = (
    RedFlag("unrealistic_pay", FlagGroup.RECRUITMENT, "Pay far above what the job would earn"),
    RedFlag("lure_job_type", FlagGroup.RECRUITMENT, "A job type scam compounds use as a lure"),
    RedFlag(
        "informal_recruitment",
        FlagGroup.RECRUITMENT,
        "Recruited through social media or a contact, not a licensed agency",
    ),
    RedFlag(
        "unverifiable_employer", FlagGroup.RECRUITMENT, "Employer or recruiter cannot be verified"
    ),
    RedFlag("employer_paid_travel", FlagGroup.RECRUITMENT, "Employer pays travel in advance"),
    RedFlag(
        "irregular_travel",
        FlagGroup.RECRUITMENT,
        "Irregular travel: tourist visa, border crossing or being driven on",
    ),
    RedFlag("destination_changed", FlagGroup.RECRUITMENT, "Place of work changed after the offer"),
    RedFlag(
        "high_risk_destination", FlagGroup.RECRUITMENT, "Destination in a known scam-compound area"
    ),
    RedFlag(
        "no_contract", FlagGroup.RECRUITMENT, "No written contract, or one the person cannot read"
    ),
    RedFlag(
        "pressure_secrecy", FlagGroup.RECRUITMENT, "Pressed to decide fast or keep the offer secret"
    ),
    RedFlag(
        "fees_or_debt",
        FlagGroup.RECRUITMENT,
        "Recruitment fee, deposit, or travel costs turned into debt",
    ),
    RedFlag("documents_confiscated", FlagGroup.WORKPLACE, "Passport or ID taken"),
    RedFlag("phone_confiscated", FlagGroup.WORKPLACE, "Phone taken or communication restricted"),
    RedFlag("movement_restricted", FlagGroup.WORKPLACE, "Cannot leave the building or compound"),
    RedFlag("debt_or_ransom", FlagGroup.WORKPLACE, "Debt, ransom or threat of being sold to leave"),
    RedFlag("wages_withheld", FlagGroup.WORKPLACE, "Wages unpaid or withheld"),
    RedFlag("forced_scamming", FlagGroup.WORKPLACE, "Forced to scam people"),
    RedFlag("threats_or_violence", FlagGroup.WORKPLACE, "Threats, beatings or torture"),
    RedFlag("sexual_violence", FlagGroup.WORKPLACE, "Sexual abuse or exploitation"),
    RedFlag(
        "abusive_conditions", FlagGroup.WORKPLACE, "Excessive hours, quotas or degrading conditions"
    ),
)

FLAG_IDS: tuple[str, ...] = tuple(flag.id for flag in RED_FLAGS)
FLAGS_BY_ID: dict[str, RedFlag] = {flag.id: flag for flag in RED_FLAGS}
WORKPLACE_FLAGS: frozenset[str] = frozenset(
    flag.id for flag in RED_FLAGS if flag.group is FlagGroup.WORKPLACE
)


class Stage(str, Enum):
    """The stage of a message or conversation."""

    PROSPECTIVE = "prospective"
    IN_SITU = "in_situ"
    EXITED = "exited"
    NONE = "none"


class RiskLevel(str, Enum):
    """The risk level of a conversation, from lowest to highest."""

    NONE = "none"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


STAGES: tuple[str, ...] = tuple(stage.value for stage in Stage)
RISK_LEVELS: tuple[str, ...] = tuple(level.value for level in RiskLevel)

URGENT_REASON = "Immediate danger reported (urgent)"
IN_SITU_REASON = "The person is held at the workplace now (in_situ)"

SLOT_NAMES: tuple[str, ...] = (
    "red_flags",
    "risk_level",
    "risk_reasons",
    "stage",
    "urgent",
    "about_other",
    "country",
    "home_country",
)
