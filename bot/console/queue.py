"""The queue: conversations by risk (critical first) then recency, filtered and paginated."""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.console.tables import conversations, follow_ups
from bot.contract import RISK_LEVELS
from bot.conversations.search import senders_mentioning

PAGE_SIZE = 50


@dataclass(frozen=True)
class QueueFilters:
    """What a caseworker narrowed the queue to; empty fields filter nothing."""

    level: str | None = None
    flag: str | None = None
    stage: str | None = None
    country: str | None = None
    status: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    text: str = ""
    page: int = 1


@dataclass(frozen=True)
class QueueRow:
    """One conversation in the queue (labels and times, no message text)."""

    sender_id: str
    risk_level: str
    risk_reasons: tuple[str, ...]
    red_flags: tuple[str, ...]
    stage: str
    country: str | None
    home_country: str | None
    urgent: bool
    about_other: bool
    started_at: dt.datetime
    last_message_at: dt.datetime
    person_messages: int
    status: str
    assignee: str | None


@dataclass(frozen=True)
class QueuePage:
    """One page of the queue and where it sits in the whole."""

    rows: list[QueueRow] = field(default_factory=list)
    total: int = 0
    page: int = 1
    page_size: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        """How many pages the filtered queue has (at least 1)."""
        return max(1, math.ceil(self.total / self.page_size))


def _epoch(day: dt.date, end: bool = False) -> float:
    moment = dt.datetime.combine(day, dt.time.max if end else dt.time.min, dt.timezone.utc)
    return moment.timestamp()


def _when(epoch: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, dt.timezone.utc).replace(tzinfo=None)


STATUS = sa.func.coalesce(follow_ups.c.status, "new")


def _conditions(filters: QueueFilters) -> list[sa.sql.ColumnElement]:
    c = conversations.c
    conditions: list[sa.sql.ColumnElement] = []
    if filters.level:
        conditions.append(c.risk_level == filters.level)
    if filters.flag:
        conditions.append(c.red_flags.like(f'%"{filters.flag}"%'))
    if filters.stage:
        conditions.append(c.stage == filters.stage)
    if filters.country:
        conditions.append(sa.or_(c.country == filters.country, c.home_country == filters.country))
    if filters.status:
        conditions.append(STATUS == filters.status)
    if filters.since:
        conditions.append(c.last_message_at >= _epoch(filters.since))
    if filters.until:
        conditions.append(c.last_message_at <= _epoch(filters.until, end=True))
    return conditions


ORDER = (
    conversations.c.risk_rank.desc(),
    conversations.c.last_message_at.desc(),
    conversations.c.sender_id,
)
JOINED = conversations.outerjoin(follow_ups, follow_ups.c.sender_id == conversations.c.sender_id)


def _to_row(row: sa.engine.Row) -> QueueRow:
    return QueueRow(
        sender_id=row.sender_id,
        risk_level=row.risk_level,
        risk_reasons=tuple(json.loads(row.risk_reasons)),
        red_flags=tuple(json.loads(row.red_flags)),
        stage=row.stage,
        country=row.country,
        home_country=row.home_country,
        urgent=bool(row.urgent),
        about_other=bool(row.about_other),
        started_at=_when(row.started_at),
        last_message_at=_when(row.last_message_at),
        person_messages=int(row.person_messages),
        status=row.status,
        assignee=row.assignee,
    )


def query_queue(
    connection: Connection, filters: QueueFilters, page_size: int = PAGE_SIZE
) -> QueuePage:
    """One page of the queue. A text search first finds the conversations that mention it."""
    where = sa.and_(sa.true(), *_conditions(filters))
    page = max(1, filters.page)
    columns = [conversations, STATUS.label("status"), follow_ups.c.assignee]
    if filters.text.strip():
        mentioning = senders_mentioning(connection, filters.text)
        ordered = [
            sender
            for (sender,) in connection.execute(
                sa.select(conversations.c.sender_id)
                .select_from(JOINED)
                .where(where)
                .order_by(*ORDER)
            )
            if sender in mentioning
        ]
        wanted = ordered[(page - 1) * page_size : page * page_size]
        total = len(ordered)
        statement = (
            sa.select(*columns)
            .select_from(JOINED)
            .where(conversations.c.sender_id.in_(wanted))
            .order_by(*ORDER)
        )
    else:
        total = connection.execute(
            sa.select(sa.func.count()).select_from(JOINED).where(where)
        ).scalar_one()
        statement = (
            sa.select(*columns)
            .select_from(JOINED)
            .where(where)
            .order_by(*ORDER)
            .limit(page_size)
            .offset((page - 1) * page_size)
        )
    rows = [_to_row(row) for row in connection.execute(statement)]
    return QueuePage(rows=rows, total=total, page=page, page_size=page_size)


def countries_in_queue(connection: Connection) -> list[str]:
    """Every country code the indexed conversations name (for the filter's choices)."""
    c = conversations.c
    found = {
        code
        for pair in connection.execute(sa.select(c.country, c.home_country).distinct())
        for code in pair
        if code
    }
    return sorted(found)


def level_counts(connection: Connection) -> dict[str, int]:
    """How many indexed conversations have each risk level (all levels, highest first)."""
    found = dict(
        connection.execute(
            sa.select(conversations.c.risk_level, sa.func.count()).group_by(
                conversations.c.risk_level
            )
        ).all()
    )
    return {level: int(found.get(level, 0)) for level in reversed(RISK_LEVELS)}
