"""`make screen IN=messages.jsonl OUT=predictions.jsonl`: screen messages offline.

One output line per input line, in order. A line that is not a JSON object with a
non-empty "text" gets `{"id": ..., "error": "..."}` and the run goes on.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from bot.screening.labels import MessageLabels, label_message

MAX_TEXT_CHARS = 100_000


def read_requests(raw: bytes) -> Iterator[dict[str, Any]]:
    """Yield `{"id", "text"}` or `{"id", "error"}` for each line of a JSONL file."""
    lines = raw.split(b"\n")
    while lines and not lines[-1].strip():
        lines.pop()
    for number, line in enumerate(lines, start=1):
        yield _request(line, number)


def _request(line: bytes, number: int) -> dict[str, Any]:
    try:
        decoded = line.decode("utf-8")
    except UnicodeDecodeError:
        return {"id": None, "error": f"line {number} is not valid UTF-8"}
    try:
        item = json.loads(decoded)
    except json.JSONDecodeError as error:
        return {"id": None, "error": f"line {number} is not valid JSON: {error.msg}"}
    if not isinstance(item, dict):
        return {"id": None, "error": f"line {number} is not a JSON object"}
    message_id = item.get("id")
    text = item.get("text")
    if not isinstance(text, str) or not text.strip():
        return {"id": message_id, "error": "no text"}
    return {"id": message_id, "text": text[:MAX_TEXT_CHARS]}


def prediction_line(message_id: Any, parse: dict[str, Any]) -> dict[str, Any]:
    """The contract's output object for one parsed message: the labels the bot acts on when
    the text is the first message of a conversation (`label_message`, the bot's own rules)."""
    labels = label_message(parse)
    scores = parse.get("flag_scores") or {}
    by_model = MessageLabels.from_parse(parse).flags
    return {
        "id": message_id,
        "flags": list(labels.flags),
        # A flag a rule gave (a scam-compound place) is certain: 1.0.
        "flag_scores": {
            flag: scores.get(flag, 0.0) if flag in by_model else 1.0 for flag in labels.flags
        },
        "urgent": labels.urgent,
        "stage": labels.stage,
        "about_other": labels.about_other,
        "country": labels.country,
        "language": labels.language,
    }


async def screen(requests: Iterable[dict[str, Any]], model: Path) -> list[dict[str, Any]]:
    """Parse every request with the trained NLU."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    results = []
    for request in requests:
        if "error" in request:
            results.append(request)
            continue
        parse = await agent.parse_message(request["text"])
        results.append(prediction_line(request["id"], parse))
    return results


def main(argv: list[str] | None = None) -> int:
    """Command line: screen IN into OUT."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--model", type=Path, help="model file (default: the cached one)")
    args = parser.parse_args(argv)
    if not args.input.is_file():
        print(f"screen: input file not found: {args.input}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING)
    if args.model is None:
        from bot.ops.modelcache import ensure_model

        args.model = ensure_model()
    requests = list(read_requests(args.input.read_bytes()))
    results = asyncio.run(screen(requests, args.model))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with args.output.open("w", encoding="utf-8") as out:
        for result in results:
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
    errors = sum(1 for r in results if "error" in r)
    print(f"screen: {len(results)} lines written to {args.output} ({errors} with errors)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
