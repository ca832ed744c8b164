"""Quick-exit words: a message that only says "stop", "exit" or "delete" ends the chat at once.

Deterministic on purpose: someone who must stop suddenly cannot wait for a model to be sure.
Only a short message made of these words counts ("stop", "STOP!!", "pls stop", "exit chat",
"delete this", "delete everything i wrote"); a longer message that merely contains one
("they stop us from leaving") is screened as usual.
"""

from __future__ import annotations

import unicodedata
from enum import Enum


class QuickExit(str, Enum):
    """What a quick-exit message asks for."""

    STOP = "stop"  # end the conversation now, with a neutral goodbye
    ERASE = "erase"  # end it and erase what was written


_STOP_WORDS = {
    "stop",
    "exit",
    "quit",
    "end",
    "close",
    "leave",
    "cancel",
    "stahp",
    "stopp",
    "sstop",
    "stp",
    "exti",
    "exitt",
    # The same word in languages of the region (Thai, Khmer, Burmese, Vietnamese, Indonesian
    # and Malay, Tagalog, Chinese), typed on its own.
    "หยุด",
    "ឈប់",
    "ရပ်",
    "dừng",
    "dung",
    "berhenti",
    "tigil",
    "hinto",
    "停",
    "停止",
    "退出",
}
_ERASE_WORDS = {
    "delete",
    "erase",
    "remove",
    "clear",
    "wipe",
    "del",
    "delet",
    "deleet",
    "ลบ",
    "hapus",
    "xóa",
    "xoa",
    "删除",
}
# Words that may surround the keyword without changing what is asked.
_FILLER = {
    "please",
    "pls",
    "plz",
    "now",
    "the",
    "this",
    "that",
    "chat",
    "conversation",
    "convo",
    "it",
    "all",
    "everything",
    "my",
    "messages",
    "message",
    "msgs",
    "what",
    "i",
    "wrote",
    "said",
    "typed",
    "history",
    "data",
    "talk",
    "talking",
    "just",
    "ok",
    "okay",
    "and",
    "immediately",
    "quickly",
    "fast",
    "here",
    "me",
}
_MAX_WORDS = 7


def quick_exit(text: str) -> QuickExit | None:
    """ERASE, STOP or None for a message, as the person would mean it."""
    words = _words(text)
    if not words or len(words) > _MAX_WORDS:
        return None
    keywords = [w for w in words if w in _STOP_WORDS or w in _ERASE_WORDS]
    if not keywords or any(w not in _FILLER and w not in keywords for w in words):
        return None
    if any(w in _ERASE_WORDS for w in keywords):
        return QuickExit.ERASE
    return QuickExit.STOP


def _words(text: str) -> list[str]:
    """Lower-cased words, punctuation and symbols removed (combining marks kept: Thai, Burmese)."""
    normalised = unicodedata.normalize("NFKC", text or "").casefold()
    cleaned = "".join(
        " " if unicodedata.category(char)[0] in "PSZC" else char for char in normalised
    )
    return cleaned.split()
