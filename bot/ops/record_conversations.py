"""`make record-conversations`: record what the real bot stores when people talk to it.

Starts the bot (action server and Rasa, the current model, a scratch SQLite database) as
`make run` does, plays every conversation of tests/fixtures/conversation_scripts.yml over
the REST channel, and writes the rows Rasa stored for each into
tests/fixtures/recorded_conversations.jsonl, the conversations the console's tests, its
browser test and its benchmark load (bot/conversations/recorded.py).

A script's `{wait_hours: N}` moves what is stored of the conversation N hours back (rows and
event JSON), so the next message arrives as after a real pause (Rasa starts a new session
after 60 minutes). The recorder refuses to write the file when a conversation ends other than
its `expect` says, when an erased one left anything behind, or when some slot of domain.yml
was never set: then change the script, not the file.

Re-record after a change to what the bot stores (slots, actions, responses, the model).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import secrets
import sys
import tempfile
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml

from bot.conversations.erasure import ERASURES_TABLE
from bot.conversations.events import events
from bot.conversations.ids import stored_conversation_id
from bot.conversations.recorded import RECORDED_FILE, ROW_KEYS, SCRIPTS_FILE
from bot.ops.modelcache import ensure_model
from bot.ops.stack import Stack, scratch_settings
from bot.settings import PROJECT_ROOT

HOUR = 3600.0


@dataclass(frozen=True)
class Script:
    """One conversation to play: what the person sends and what must come of it."""

    name: str
    about: str
    messages: tuple[Any, ...]
    age_hours: float = 1.0
    expect: dict[str, Any] = field(default_factory=dict)
    erased: bool = False
    not_stored: tuple[str, ...] = ()


def load_scripts(path: Path = SCRIPTS_FILE) -> list[Script]:
    """The conversations of the scripts file, in order."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Script(
            name=item["name"],
            about=item["about"],
            messages=tuple(item["messages"]),
            age_hours=float(item.get("age_hours", 1.0)),
            expect=dict(item.get("expect") or {}),
            erased=bool(item.get("erased", False)),
            not_stored=tuple(item.get("not_stored") or ()),
        )
        for item in data["conversations"]
    ]


def domain_slots(path: Path = PROJECT_ROOT / "domain.yml") -> dict[str, Any]:
    """Every slot the domain declares, with its initial value."""
    slots = yaml.safe_load(path.read_text(encoding="utf-8"))["slots"]
    return {name: (spec or {}).get("initial_value") for name, spec in slots.items()}


def send(rasa_url: str, sender: str, text: str) -> list[dict[str, Any]]:
    """One message over the REST channel, as the chat page's server side receives it."""
    request = urllib.request.Request(
        f"{rasa_url}/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": text}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())


def _rows_after(connection: sa.engine.Connection, after_id: int) -> list[Any]:
    return connection.execute(
        sa.select(events).where(events.c.id > after_id).order_by(events.c.id)
    ).all()


def move_back(engine: sa.engine.Engine, after_id: int, hours: float) -> None:
    """Move every stored event above `after_id` `hours` into the past (column and JSON)."""
    with engine.begin() as connection:
        for row in _rows_after(connection, after_id):
            data = json.loads(row.data)
            data["timestamp"] = data["timestamp"] - hours * HOUR
            connection.execute(
                sa.update(events)
                .where(events.c.id == row.id)
                .values(timestamp=row.timestamp - hours * HOUR, data=json.dumps(data))
            )


def play(stack: Stack, engine: sa.engine.Engine, script: Script) -> dict[str, Any]:
    """Play one script; return its record (name, where it came from, stored rows)."""
    with engine.connect() as connection:
        start = connection.execute(sa.select(sa.func.coalesce(sa.func.max(events.c.id), 0)))
        after_id = int(start.scalar_one())
    sender = f"{script.name}-{secrets.token_hex(4)}"
    for message in script.messages:
        if isinstance(message, dict):
            move_back(engine, after_id, float(message["wait_hours"]))
        else:
            send(stack.settings.rasa_url, sender, str(message))
    with engine.connect() as connection:
        stored = _rows_after(connection, after_id)
    senders = {row.sender_id for row in stored}
    if len(senders) > 1:
        raise RuntimeError(f"{script.name}: rows of several conversations: {senders}")
    return {
        "name": script.name,
        "about": script.about,
        "age_hours": script.age_hours,
        "sender_id": senders.pop() if senders else None,
        "client_id": sender,
        "rows": [
            {
                key: (json.loads(row.data) if key == "data" else row._mapping[key])
                for key in ROW_KEYS
            }
            for row in stored
        ],
    }


def _set_slots(record: dict[str, Any]) -> dict[str, Any]:
    return {
        row["data"]["name"]: row["data"].get("value")
        for row in record["rows"]
        if row["type_name"] == "slot"
    }


def problems(scripts: list[Script], records: list[dict[str, Any]], erased: set[str]) -> list[str]:
    """Everything that makes the recording unfit to be the console's test data."""
    found: list[str] = []
    initial = domain_slots()
    for script, record in zip(scripts, records):
        slots = {**initial, **_set_slots(record)}
        for name, wanted in script.expect.items():
            if slots.get(name) != wanted:
                found.append(f"{script.name}: {name} is {slots.get(name)!r}, expected {wanted!r}")
        if script.erased and (record["rows"] or record["name"] not in erased):
            found.append(f"{script.name}: erased, but rows are left or no erasure is recorded")
        if not script.erased and not record["rows"]:
            found.append(f"{script.name}: nothing was stored")
        stored = json.dumps(record["rows"], ensure_ascii=False)
        found.extend(
            f"{script.name}: {text!r} is still stored"
            for text in script.not_stored
            if text in stored
        )
    set_slots = {name for record in records for name in _set_slots(record)}
    missing = set(initial) - set_slots
    if missing:
        found.append(f"no conversation sets these slots of domain.yml: {sorted(missing)}")
    return found


def record(scripts: list[Script], log_dir: Path) -> tuple[list[dict[str, Any]], set[str], str]:
    """Play every script against a fresh bot; return the records, the names of the erased
    conversations that left an erasure record, and the model's file name."""
    model = ensure_model()
    settings = scratch_settings(
        f"sqlite:///{log_dir / 'recording.db'}",
        lock_store_type="in_memory",
    )
    with Stack(settings, model, log_dir) as stack:
        engine = sa.create_engine(settings.database_url)
        records = []
        for script in scripts:
            print(f"recording {script.name} ...", flush=True)
            records.append(play(stack, engine, script))
        with engine.connect() as connection:
            erased_ids = set(
                connection.execute(sa.text(f"SELECT sender_id FROM {ERASURES_TABLE}")).scalars()
            )
        engine.dispose()
    # Erasures are recorded under the stored (derived) id of the client's sender.
    key = settings.conversation_id_key
    erased = {
        record["name"]
        for record in records
        if stored_conversation_id(key, "rest", record.pop("client_id")) in erased_ids
    }
    return records, erased, model.name


def main(argv: list[str] | None = None) -> int:
    """Record every script and write the fixture (or say why not)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=RECORDED_FILE)
    args = parser.parse_args(argv)
    scripts = load_scripts()
    with tempfile.TemporaryDirectory() as scratch:
        records, erased, model = record(scripts, Path(scratch))
    found = problems(scripts, records, erased)
    if found:
        print("Not written:\n  " + "\n  ".join(found), file=sys.stderr)
        return 1
    recorded_at = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    lines = [
        json.dumps({**item, "recorded_at": recorded_at, "model": model}, ensure_ascii=False)
        for item in records
        if item["rows"]
    ]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows = sum(len(item["rows"]) for item in records)
    print(f"{len(lines)} conversations, {rows} stored events -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
