"""Risk level of a conversation, by the contract's rules, with its reasons."""

from __future__ import annotations

from collections.abc import Iterable

from bot.contract import (
    FLAGS_BY_ID,
    IN_SITU_REASON,
    URGENT_REASON,
    WORKPLACE_FLAGS,
    RiskLevel,
    Stage,
)


def risk_level(flags: Iterable[str], stage: str, urgent: bool) -> RiskLevel:
    """Return the level for the flags seen so far, checked in the contract's order.

    A flag counts once however often it was seen.
    """
    distinct = set(flags)
    has_workplace_flag = bool(distinct & WORKPLACE_FLAGS)
    if urgent or (stage == Stage.IN_SITU.value and has_workplace_flag):
        return RiskLevel.CRITICAL
    if (
        has_workplace_flag
        or len(distinct) >= 3
        or ("high_risk_destination" in distinct and len(distinct) >= 2)
    ):
        return RiskLevel.HIGH
    if len(distinct) == 2:
        return RiskLevel.MEDIUM
    if len(distinct) == 1:
        return RiskLevel.LOW
    return RiskLevel.NONE


def risk_reasons(flags: Iterable[str], stage: str, urgent: bool) -> list[str]:
    """Return one short human-readable reason per label or flag behind the level."""
    ordered = list(dict.fromkeys(flags))
    reasons: list[str] = []
    if urgent:
        reasons.append(URGENT_REASON)
    if stage == Stage.IN_SITU.value and set(ordered) & WORKPLACE_FLAGS:
        reasons.append(IN_SITU_REASON)
    reasons.extend(f"{FLAGS_BY_ID[flag].reason} ({flag})" for flag in ordered)
    return reasons
