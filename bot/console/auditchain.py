"""The access log's hash chain: each row is sealed together with the seal of the row before.

A row's seal is HMAC-SHA256, under the console's audit key (kept outside the database), of
the row's canonical form: its id, time, actor, action, target, address, detail and the
previous row's seal, as JSON with sorted keys and no spaces, in UTF-8. Changing, removing,
inserting or reordering a row breaks the chain at that row or the next one, and nobody who
lacks the key can compute seals that would hide it. Deleting only the newest rows leaves an
intact but shorter chain: compare the head (newest id and seal) with one noted earlier.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

GENESIS = "0" * 64  # the "previous seal" of the first row
SEALED_FIELDS = ("id", "at", "actor", "action", "target", "ip", "detail")
PAGE = 2000


def canonical(row: Mapping[str, Any], prev_hash: str) -> bytes:
    """The exact bytes a row's seal covers."""
    values: dict[str, Any] = {name: row[name] for name in SEALED_FIELDS}
    if isinstance(values["at"], dt.datetime):
        values["at"] = values["at"].isoformat(sep=" ", timespec="microseconds")
    values["prev_hash"] = prev_hash
    return json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8", "surrogatepass"
    )


def seal(key: bytes, row: Mapping[str, Any], prev_hash: str) -> str:
    """The row's seal (64 hex digits)."""
    return hmac.new(key, canonical(row, prev_hash), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class ChainCheck:
    """The result of verifying the chain: rows checked, and the first broken row if any."""

    rows: int
    broken_id: int | None = None
    problem: str | None = None
    head_id: int | None = None
    head_hash: str | None = None

    @property
    def intact(self) -> bool:
        """True when every row verified."""
        return self.broken_id is None


def verify(connection: Connection, table: sa.Table, key: bytes) -> ChainCheck:
    """Check every row in id order; stop at the first that does not verify."""
    previous_id: int | None = None
    previous_hash = GENESIS
    checked = 0
    while True:
        statement = sa.select(table).order_by(table.c.id).limit(PAGE)
        if previous_id is not None:
            statement = statement.where(table.c.id > previous_id)
        rows = connection.execute(statement).mappings().all()
        for row in rows:
            checked += 1
            if row["prev_hash"] != previous_hash:
                after = f"row {previous_id}" if previous_id is not None else "the start"
                return ChainCheck(
                    checked,
                    row["id"],
                    f"row {row['id']} does not follow {after}: a row between them was removed "
                    f"or inserted, or {after} was replaced",
                )
            if row["row_hash"] is None or not hmac.compare_digest(
                str(row["row_hash"]), seal(key, row, previous_hash)
            ):
                return ChainCheck(
                    checked,
                    row["id"],
                    f"row {row['id']} does not match its seal: it was changed after it was "
                    "written (or sealed with another audit key)",
                )
            previous_id, previous_hash = row["id"], row["row_hash"]
        if len(rows) < PAGE:
            return ChainCheck(checked, head_id=previous_id, head_hash=previous_hash)
