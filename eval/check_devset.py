"""Validate eval/devset.jsonl against the screening contract's label sets.

Run from the project folder: `scripts/venv-run python eval/check_devset.py [file]`.
"""

import json
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bot.contract import FLAG_IDS  # noqa: E402  (the flags come from bot/red_flags.yml)

FLAGS = set(FLAG_IDS)
STAGES = {"prospective", "in_situ", "exited", "none"}
KEYS = {"id", "text", "flags", "urgent", "stage", "about_other", "country"}

path = sys.argv[1] if len(sys.argv) > 1 else "eval/devset.jsonl"
errors, ids, texts, rows = [], set(), set(), []
for n, line in enumerate(open(path, encoding="utf-8"), 1):
    try:
        r = json.loads(line)
    except json.JSONDecodeError as e:
        errors.append(f"line {n}: bad JSON ({e})")
        continue
    if set(r) != KEYS:
        errors.append(f"line {n}: keys {sorted(r)}")
    if r.get("id") in ids:
        errors.append(f"line {n}: duplicate id {r.get('id')}")
    ids.add(r.get("id"))
    t = (r.get("text") or "").strip().lower()
    if not t:
        errors.append(f"line {n}: empty text")
    if t in texts:
        errors.append(f"line {n}: duplicate text")
    texts.add(t)
    fl = r.get("flags")
    if not isinstance(fl, list) or len(fl) != len(set(fl)) or not set(fl) <= FLAGS:
        errors.append(f"line {n}: bad flags {fl}")
    if r.get("stage") not in STAGES:
        errors.append(f"line {n}: bad stage {r.get('stage')}")
    for k in ("urgent", "about_other"):
        if not isinstance(r.get(k), bool):
            errors.append(f"line {n}: {k} not bool")
    c = r.get("country")
    if c is not None and not (isinstance(c, str) and re.fullmatch(r"[A-Z]{2}", c)):
        errors.append(f"line {n}: bad country {c}")
    if r.get("stage") == "none" and (fl or r.get("urgent") or r.get("about_other")):
        errors.append(f"line {n}: stage none but flags/urgent/about_other set")
    rows.append(r)

print(f"{len(rows)} lines, {len(errors)} errors")
for e in errors:
    print(" ", e)
print("stage:", dict(Counter(r["stage"] for r in rows)))
print(
    "urgent:", sum(r["urgent"] for r in rows), " about_other:", sum(r["about_other"] for r in rows)
)
print("no-flag lines:", sum(not r["flags"] for r in rows))
for f, k in sorted(Counter(f for r in rows for f in r["flags"]).items(), key=lambda x: -x[1]):
    print(f"  {f:24s} {k}")
print("country:", dict(Counter(r["country"] for r in rows).most_common()))
sys.exit(1 if errors else 0)
