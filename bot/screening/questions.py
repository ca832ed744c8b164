"""The follow-up questions: one at a time, only about what is not yet known, each skippable.

Yes/no questions turn a clear answer into the flag they ask about ("Is there a written
contract?" - "no" gives `no_contract`); open questions ("Where is the job?") are answered
in the person's own words, which the NLU and the place finder read as usual.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.contract import Stage

ABOUT_OTHER = "about_other"  # the guidance topic of someone writing about another person


@dataclass(frozen=True)
class Question:
    """A follow-up question, the topic it belongs to and what its answer tells."""

    id: str
    topic: str  # a stage value, or ABOUT_OTHER
    flag: str | None = None  # the flag the question asks about
    flag_on: str | None = None  # "yes" or "no": the answer that means the flag is present
    needs_place: bool = False  # an open question about where: skipped once `country` is known
    needs_home: bool = False  # an open question about origin: skipped once `home_country` is known

    @property
    def response(self) -> str:
        """The name of the response that asks it."""
        return f"ask_{self.id}"


QUESTIONS: tuple[Question, ...] = (
    Question("where_job", Stage.PROSPECTIVE.value, needs_place=True),
    Question("home_prospective", Stage.PROSPECTIVE.value, needs_home=True),
    Question("travel_paid", Stage.PROSPECTIVE.value, "employer_paid_travel", "yes"),
    Question("contract", Stage.PROSPECTIVE.value, "no_contract", "no"),
    Question("how_found", Stage.PROSPECTIVE.value, "informal_recruitment", "yes"),
    Question("can_leave", Stage.IN_SITU.value, "movement_restricted", "no"),
    Question("documents", Stage.IN_SITU.value, "documents_confiscated", "no"),
    Question("where_now", Stage.IN_SITU.value, needs_place=True),
    Question("home_in_situ", Stage.IN_SITU.value, needs_home=True),
    Question("where_now_exited", Stage.EXITED.value, needs_place=True),
    Question("home_exited", Stage.EXITED.value, needs_home=True),
    Question("documents_exited", Stage.EXITED.value, "documents_confiscated", "no"),
    Question("where_other", ABOUT_OTHER, needs_place=True),
    Question("home_other", ABOUT_OTHER, needs_home=True),
    Question("other_can_leave", ABOUT_OTHER, "movement_restricted", "no"),
)
QUESTIONS_BY_ID = {question.id: question for question in QUESTIONS}


def next_question(
    topic: str,
    flags: Iterable[str],
    country: str | None,
    asked: Iterable[str],
    home_country: str | None = None,
) -> Question | None:
    """The first question of the topic that is neither answered by what is known nor asked."""
    known = set(flags)
    already = set(asked)
    for question in QUESTIONS:
        if question.topic != topic or question.id in already:
            continue
        if question.flag is not None and question.flag in known:
            continue
        if question.needs_place and country is not None:
            continue
        if question.needs_home and home_country is not None:
            continue
        return question
    return None


def flag_from_answer(question: Question, answer: str) -> str | None:
    """The flag a yes/no answer reveals ("yes", "no"), or None."""
    if question.flag is not None and answer == question.flag_on:
        return question.flag
    return None
