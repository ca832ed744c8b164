"""Finding e-mail addresses, links, social handles, phone numbers and ID numbers.

- e-mail addresses and links: `urlextract` (its bundled list of top-level domains), plus a
  pattern for plain and spelled-out addresses ("lily at gmail dot com");
- links to a messaging or social platform keep the platform's host and lose the rest
  ("t.me/[HANDLE]"); any other link becomes `[HANDLE]` whole;
- handles: "@name", and a word after a platform name with a separator or an id cue
  ("line id: sweetjane99", "telegram: hr_lily", "wechat abc_123");
- phone numbers: `phonenumbers.PhoneNumberMatcher` in every country format of the regions
  below, then any other run of 7 or more digits (spaces, dots, dashes and brackets allowed
  between them) that is not an amount of money or a date;
- ID and passport numbers: a number after a document cue ("passport no. P1234567",
  "NIK 3201...", "ID: 12-3456-78"), a word mixing letters and 5+ digits ("EB1234567"), and
  digit runs of 12 or more that no phone pattern took.
"""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers
from urlextract import URLExtract

from bot.privacy.spans import Span

# Where the people who write to Lantern come from, go to, or are held (the contract's
# countries and the referral directory's), in the order their local formats are tried.
PHONE_REGIONS: tuple[str, ...] = (
    "PH", "ID", "TH", "VN", "MY", "KH", "MM", "LA", "SG", "CN", "TW", "HK", "IN", "NP",
    "BD", "LK", "PK", "KE", "UG", "ET", "NG", "TZ", "AE", "US", "GB", "KR", "JP",
)  # fmt: skip

PLATFORM_HOSTS = (
    "t.me", "telegram.me", "telegram.org", "wa.me", "whatsapp.com", "chat.whatsapp.com",
    "facebook.com", "fb.com", "fb.me", "m.facebook.com", "messenger.com", "m.me",
    "instagram.com", "instagr.am", "tiktok.com", "vm.tiktok.com", "line.me", "x.com",
    "twitter.com", "linkedin.com", "wechat.com", "weixin.qq.com", "zalo.me", "viber.com",
    "youtube.com", "youtu.be", "snapchat.com", "discord.gg", "discord.com", "kakao.com",
)  # fmt: skip
PLATFORM_WORDS = (
    r"telegram|tele|tg|whats\s?app|wa|viber|line|wechat|weixin|we\s?chat|zalo|kakao(?:talk)?|"
    r"signal|skype|facebook|fb|messenger|insta(?:gram)?|ig|tiktok|tik\s?tok|twitter|snap(?:chat)?|"
    r"discord|imo"
)

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_SPELLED_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]+\s*(?:\(at\)|\[at\]|\{at\}|\sat\s)\s*[\w-]+"
    r"(?:\s*(?:\.|\(dot\)|\[dot\]|\sdot\s)\s*[a-z]{2,})+"
    r"(?=\W|$)",
    re.IGNORECASE,
)
_SPELLED_EMAIL_HOSTS = re.compile(
    r"(gmail|yahoo|hotmail|outlook|icloud|proton|mail|ymail|live|qq|163|aol|gmx)", re.IGNORECASE
)
_AT_HANDLE = re.compile(r"(?<![\w@.])@[\w.]*\w", re.UNICODE)
_PLATFORM_HANDLE = re.compile(
    rf"\b(?:{PLATFORM_WORDS})\s*(?:id|acc(?:ount)?|user(?:name)?|handle|name|no\.?|number)?"
    r"\s*(?:(?P<sep>[:=]|-|\bis\b|👉|->)\s*|\s+)"
    r"(?P<handle>[\w.]*[\w](?:[\w.-]*\w)?)",
    re.IGNORECASE | re.UNICODE,
)
_DIGIT_RUN = re.compile(r"(?<![\w])\+?\(?\d[\d\s().*/_-]{5,}\d(?![\w])")
_MONEY_BEFORE = re.compile(
    r"(?:[$€£¥₱฿₫₹₦]|\b(?:usd|us\$|php|thb|rp|idr|vnd|rm|myr|inr|rs|npr|kes|ksh|ngn|rmb|cny|"
    r"kip|lak|riel|khr|mmk|kyat|peso|pesos|baht|dong|rupiah|salary|gaji|sahod|pay|k)\.?)\s*$",
    re.IGNORECASE,
)
_MONEY_AFTER = re.compile(
    r"^\s*(?:[$€£¥₱฿₫₹₦]|(?:usd|dollars?|php|pesos?|thb|baht|rp|idr|rupiah|juta|vnd|dong|"
    r"trieu|triệu|rm|ringgit|myr|inr|rupees?|npr|kes|ksh|shillings?|ngn|naira|rmb|yuan|cny|"
    r"kip|lak|riel|khr|kyat|mmk|lakh|k)\b)",
    re.IGNORECASE,
)
_THOUSANDS = re.compile(r"^\d{1,3}(?:[,.]\d{3})+$")
_DATE = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$")
_DOC_CUE = re.compile(
    r"\b(?:passport|pasport|paspor|pp|id|i\.d\.|ic|nric|nik|ktp|kk|aadhaa?r|pan|nid|"
    r"national\s+id|citizenship|license|licence|visa|permit|sss|philhealth|tin|umid|"
    r"employee\s+id|worker\s+id|case|file|ref(?:erence)?|account|acct|bank\s+account)"
    r"\s*(?:card\s*)?(?:no\.?|number|num|#|n°)?\s*(?:is|:|#|-|=)?\s*"
    r"(?P<number>[A-Za-z]{0,3}[\s-]?\d[\dA-Za-z\s/-]{3,22}[\dA-Za-z])",
    re.IGNORECASE,
)
_ALNUM_WORD = re.compile(r"(?<![\w])[A-Za-z0-9]{6,20}(?![\w])")
_UNIT = re.compile(
    r"^(?:rm|rp|php|usd|us|thb|idr|vnd|inr|rs|kes|ngn|rmb|k|s|hk|nt|p)\$?\d+(?:k|jt)?$|"
    r"^\d+(?:usd|php|thb|baht|rp|idr|vnd|rm|myr|inr|rs|npr|kes|ngn|rmb|kip|k|km|kg|hrs?|h|"
    r"mins?|am|pm|st|nd|rd|th|x|pcs|mb|gb)$",
    re.IGNORECASE,
)


def find_contacts(text: str) -> list[Span]:
    """Every e-mail, link, handle, phone number and ID number in the text."""
    spans = _emails(text) + _links(text) + _handles(text)
    phones = _phones(text)
    spans += phones + _id_numbers(text, phones)
    return spans


def _emails(text: str) -> list[Span]:
    spans = [Span(m.start(), m.end(), "EMAIL") for m in _EMAIL.finditer(text)]
    for match in _SPELLED_EMAIL.finditer(text):
        if _SPELLED_EMAIL_HOSTS.search(match.group(0)) or re.search(
            r"\(at\)|\[at\]|\{at\}", match.group(0), re.IGNORECASE
        ):
            spans.append(Span(match.start(), match.end(), "EMAIL"))
    return spans


@lru_cache(maxsize=1)
def _extractor() -> URLExtract:
    # The bundled TLD list is used as shipped; nothing is downloaded.
    return URLExtract(extract_email=True, cache_dns=False, limit=2000)


def _links(text: str) -> list[Span]:
    spans = []
    for found, (start, end) in _extractor().find_urls(text, get_indices=True):
        if "@" in found and "/" not in found:
            spans.append(Span(start, end, "EMAIL"))
            continue
        host_end = _platform_host_end(found)
        if host_end is None:
            spans.append(Span(start, end, "HANDLE"))
        elif host_end < len(found.rstrip("/")):
            spans.append(Span(start + host_end + 1, end, "HANDLE"))
    return spans


def _platform_host_end(url: str) -> int | None:
    """Where a messaging or social platform's host ends in the link, or None."""
    match = re.match(r"^(?:[a-z][a-z0-9+.-]*://)?(?:www\.)?([^/?#]+)", url, re.IGNORECASE)
    if not match or match.group(1).lower() not in PLATFORM_HOSTS:
        return None
    return match.end()


def _handles(text: str) -> list[Span]:
    spans = [Span(m.start(), m.end(), "HANDLE") for m in _AT_HANDLE.finditer(text)]
    for match in _PLATFORM_HANDLE.finditer(text):
        handle = match.group("handle")
        marked = bool(match.group("sep")) or re.search(
            r"(id|acc|account|user|username|handle|name)\s*$",
            text[match.start() : match.start("handle")],
            re.IGNORECASE,
        )
        handle_like = bool(re.search(r"[\d_.]", handle))
        if (
            handle.lower() in _NOT_HANDLES
            or handle.lower().removeprefix("www.") in PLATFORM_HOSTS
            or re.fullmatch(PLATFORM_WORDS, handle, re.IGNORECASE)
        ):
            continue
        if handle_like or (marked and len(handle) >= 3):
            spans.append(Span(match.start("handle"), match.end("handle"), "HANDLE"))
    return spans


_NOT_HANDLES = frozenset(
    "a an and or the me us him her them you only group chat call calls msg message messages "
    "and/or to too also then so but not no yes ok okay is are was were be in on at of for from "
    "with by via app apps page account acc number only. pls please po lang na din rin".split()
)


def _phones(text: str) -> list[Span]:
    spans: list[Span] = []
    for region in PHONE_REGIONS:
        for match in phonenumbers.PhoneNumberMatcher(text, region, max_tries=200):
            spans.append(Span(match.start, match.end, "PHONE"))
    for match in _DIGIT_RUN.finditer(text):
        raw = match.group(0).strip(" .-()")
        start = match.start() + match.group(0).find(raw)
        digits = re.sub(r"\D", "", raw)
        if len(digits) < 7 or len(digits) > 15 or _is_money_or_date(text, start, raw):
            continue
        if any(s.start <= start < s.end for s in spans):
            continue
        spans.append(Span(start, start + len(raw), "PHONE" if len(digits) <= 13 else "ID_NUMBER"))
    return spans


def _is_money_or_date(text: str, start: int, raw: str) -> bool:
    compact = raw.replace(" ", "")
    if _THOUSANDS.match(compact) or _DATE.match(compact):
        return True
    before, after = text[max(0, start - 12) : start], text[start + len(raw) : start + len(raw) + 12]
    return bool(_MONEY_BEFORE.search(before) or _MONEY_AFTER.match(after))


def _id_numbers(text: str, phones: list[Span]) -> list[Span]:
    spans = []
    for match in _DOC_CUE.finditer(text):
        number = match.group("number")
        if sum(ch.isdigit() for ch in number) >= 4:
            spans.append(Span(match.start("number"), match.end("number"), "ID_NUMBER"))
    for match in _ALNUM_WORD.finditer(text):
        word = match.group(0)
        mixed = any(ch.isalpha() for ch in word) and sum(ch.isdigit() for ch in word) >= 5
        if mixed and not _UNIT.match(word) and not _is_money_or_date(text, match.start(), word):
            spans.append(Span(match.start(), match.end(), "ID_NUMBER"))
    for match in re.finditer(r"(?<![\w])\d[\d\s-]{10,}\d(?![\w])", text):
        digits = re.sub(r"\D", "", match.group(0))
        inside_phone = any(s.start <= match.start() and match.end() <= s.end for s in phones)
        if len(digits) >= 12 and not inside_phone:
            spans.append(Span(match.start(), match.end(), "ID_NUMBER"))
    return spans
