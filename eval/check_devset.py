"""Validate dev sets against the screening contract's label sets.

Run from the project folder: `scripts/venv-run python eval/check_devset.py [file ...]`
(default: eval/devset.jsonl and every eval/dev/*.jsonl). Besides the contract's seven keys,
an item may carry home_country, language, source, source_note, origin and ad_kind; the
checks themselves are `bot.evaluation.devsets.label_problems`.
"""

import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bot.evaluation.devsets import DevSetError, dev_sets, label_problems, load_items  # noqa: E402


def check(path: Path) -> int:
    """Print the counts and problems of one file; the number of problems."""
    try:
        rows = load_items(path)
    except DevSetError as error:
        print(f"{path}: {error}")
        return 1
    errors = label_problems(rows)
    print(f"{path}: {len(rows)} lines, {len(errors)} errors")
    for error in errors:
        print(" ", error)
    print("stage:", dict(Counter(r.get("stage") for r in rows)))
    print("urgent:", sum(r.get("urgent") is True for r in rows),
          " about_other:", sum(r.get("about_other") is True for r in rows))  # fmt: skip
    print("no-flag lines:", sum(not r.get("flags") for r in rows))
    flags = Counter(f for r in rows for f in (r.get("flags") or []) if isinstance(f, str))
    for flag, count in flags.most_common():
        print(f"  {flag:24s} {count}")
    print("country:", dict(Counter(r.get("country") for r in rows).most_common()))
    if any("language" in r for r in rows):
        print("language:", dict(Counter(r.get("language") for r in rows).most_common()))
    return len(errors)


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or [ROOT / info.relative_path for info in dev_sets(ROOT)]
    return 1 if sum(check(path) for path in paths) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
