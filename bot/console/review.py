"""The trainers' review inbox: real messages, redacted, confirmed or corrected, exported.

A trainer never sees a message as the person wrote it: `bot.privacy.redact` replaces names,
phone numbers, e-mails, ID numbers, addresses and handles before the text leaves this
module, and only the redacted text is stored with the review.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
import yaml
from sqlalchemy.engine import Connection

from bot.console.db import utcnow
from bot.console.index import lock_conversations
from bot.console.tables import reviews
from bot.contract import FLAG_IDS, STAGES
from bot.conversations.events import events, from_row, table_exists
from bot.privacy import redact
from bot.screening.labels import MessageLabels
from bot.settings import PROJECT_ROOT
from bot.training.export import ConfirmedExample, ExportResult, clean_text, export_confirmed

DOMAIN_FILE = PROJECT_ROOT / "domain.yml"
MAX_REVIEW_CHARS = 5000


class ReviewError(ValueError):
    """A review that cannot be saved, with a message for the trainer."""


@dataclass(frozen=True)
class Candidate:
    """A message waiting for review: its redacted text and the labels the bot gave."""

    event_id: int
    sender_id: str
    text: str
    redacted_kinds: tuple[str, ...]
    intent: str | None
    labels: MessageLabels


@dataclass(frozen=True)
class Labels:
    """The labels a trainer confirmed or corrected."""

    intent: str
    flags: tuple[str, ...]
    stage: str
    urgent: bool
    about_other: bool


@lru_cache(maxsize=1)
def known_intents(domain_file: Path = DOMAIN_FILE) -> tuple[str, ...]:
    """The bot's intents (domain.yml)."""
    data = yaml.safe_load(domain_file.read_text(encoding="utf-8")) or {}
    return tuple(str(i if isinstance(i, str) else next(iter(i))) for i in data.get("intents", []))


def _unreviewed():
    return sa.and_(
        events.c.type_name == "user",
        ~sa.select(reviews.c.id)
        .where(reviews.c.event_id == events.c.id, reviews.c.sender_id == events.c.sender_id)
        .exists(),
    )


def pending_count(connection: Connection) -> int:
    """How many messages of the person nobody reviewed yet."""
    if not table_exists(connection):
        return 0
    return connection.execute(
        sa.select(sa.func.count()).select_from(events).where(_unreviewed())
    ).scalar_one()


def next_candidate(connection: Connection, skip_empty: int = 50) -> Candidate | None:
    """The newest message nobody reviewed yet, redacted (messages without text are skipped)."""
    if not table_exists(connection):
        return None
    rows = connection.execute(
        sa.select(events).where(_unreviewed()).order_by(events.c.id.desc()).limit(skip_empty)
    )
    for row in rows:
        event = from_row(row)
        if not event.text.strip():
            continue
        parse = event.data.get("parse_data")
        parse = parse if isinstance(parse, dict) else {}
        intent = parse.get("intent")
        redaction = redact(event.text[:MAX_REVIEW_CHARS])
        return Candidate(
            event_id=event.id,
            sender_id=event.sender_id,
            text=redaction.text,
            redacted_kinds=redaction.kinds,
            intent=intent.get("name") if isinstance(intent, dict) else None,
            labels=MessageLabels.from_parse(parse),
        )
    return None


def _candidate_by_id(connection: Connection, event_id: int) -> Candidate | None:
    row = connection.execute(
        sa.select(events).where(events.c.id == event_id, events.c.type_name == "user")
    ).first()
    if row is None:
        return None
    event = from_row(row)
    redaction = redact(event.text[:MAX_REVIEW_CHARS])
    return Candidate(
        event.id, event.sender_id, redaction.text, redaction.kinds, None, MessageLabels()
    )


def check_labels(labels: Labels) -> None:
    """Refuse labels outside the contract and the bot's intents."""
    if labels.intent not in known_intents():
        raise ReviewError(f"Unknown intent {labels.intent!r}.")
    unknown = [flag for flag in labels.flags if flag not in FLAG_IDS]
    if unknown:
        raise ReviewError(f"Unknown red flags: {', '.join(unknown)}.")
    if labels.stage not in STAGES:
        raise ReviewError(f"Unknown stage {labels.stage!r}.")


def record_review(
    connection: Connection,
    event_id: int,
    decision: str,
    labels: Labels | None,
    by: str,
    edited_text: str | None = None,
) -> Candidate:
    """Store a trainer's decision on a message.

    The text stored is the redacted message, or the trainer's edit of it (to take out what
    redaction missed), itself redacted again.
    """
    lock_conversations(connection)  # no erasure commits between this read and the insert
    candidate = _candidate_by_id(connection, event_id)
    if candidate is None:
        raise ReviewError("This message is no longer stored (it may have been erased).")
    if decision not in ("confirmed", "skipped"):
        raise ReviewError(f"Unknown decision {decision!r}.")
    values: dict[str, object] = {
        "event_id": event_id,
        "sender_id": candidate.sender_id,
        "decision": decision,
        "reviewed_at": utcnow(),
        "reviewed_by": by,
    }
    if decision == "confirmed":
        if labels is None:
            raise ReviewError("Confirmed messages need their labels.")
        check_labels(labels)
        text = candidate.text
        if edited_text is not None and edited_text.strip() and edited_text.strip() != text:
            text = redact(edited_text.strip()[:MAX_REVIEW_CHARS]).text
        values.update(
            redacted_text=text,
            intent=labels.intent,
            flags=json.dumps(list(labels.flags)),
            stage=labels.stage,
            urgent=labels.urgent,
            about_other=labels.about_other,
        )
    try:
        with connection.begin_nested():
            connection.execute(sa.insert(reviews).values(**values))
    except sa.exc.IntegrityError as error:
        raise ReviewError("Someone reviewed this message already.") from error
    return candidate


def ready_to_export(connection: Connection) -> list[tuple[int, ConfirmedExample]]:
    """Confirmed reviews not exported yet, oldest first, as the exporter takes them."""
    rows = connection.execute(
        sa.select(reviews)
        .where(reviews.c.decision == "confirmed", reviews.c.exported_at.is_(None))
        .order_by(reviews.c.id)
    )
    return [
        (
            row.id,
            ConfirmedExample(
                text=row.redacted_text or "",
                intent=row.intent or "",
                flags=tuple(json.loads(row.flags or "[]")),
                stage=row.stage,
                urgent=bool(row.urgent),
                about_other=bool(row.about_other),
            ),
        )
        for row in rows
    ]


def export_reviews(connection: Connection, data_dir: Path) -> ExportResult:
    """Write every confirmed, unexported review to the NLU files; mark each as handled."""
    pending = ready_to_export(connection)
    result = export_confirmed([example for _, example in pending], data_dir)
    skipped = {item.text: item.reason for item in result.skipped}
    now = utcnow()
    for review_id, example in pending:
        cleaned = clean_text(example.text)
        one_line = " ".join(cleaned.split())  # how dialogue examples are written
        match = next((w for w in result.written if w.text in (cleaned, one_line)), None)
        if match is not None:
            note = f"written to {match.file}"
        else:
            reason = skipped.get(example.text) or skipped.get(cleaned) or "not written"
            note = f"skipped: {reason}"
        connection.execute(
            sa.update(reviews)
            .where(reviews.c.id == review_id)
            .values(exported_at=now, export_note=note[:500])
        )
    return result
