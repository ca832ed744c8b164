"""A found piece of identifying text, and how overlapping finds are merged."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# When two finds overlap, the merged span takes the kind that comes first here.
KIND_PRIORITY: tuple[str, ...] = ("EMAIL", "HANDLE", "ID_NUMBER", "PHONE", "ADDRESS", "NAME")


@dataclass(frozen=True)
class Span:
    """Characters [start, end) of a text that identify someone, and what they are."""

    start: int
    end: int
    kind: str


def merge(spans: Iterable[Span]) -> list[Span]:
    """Overlapping or touching spans joined into one, ordered by position."""
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if span.end <= span.start:
            continue
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            kind = min(last.kind, span.kind, key=KIND_PRIORITY.index)
            merged[-1] = Span(last.start, max(last.end, span.end), kind)
        else:
            merged.append(span)
    return merged
