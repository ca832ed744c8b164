"""Finding people's names: cue words, titles, and Faker's per-country name lists.

A word is taken as a name when
- it follows a strong cue ("my name is", "name:", "named", "contact:", "recruiter:",
  "nama saya", "ako si", a title such as "Mr", "Ms", "Dr", "Pak", "Bu", "Mbak", "Tita")
  and is not a common word;
- it follows a weaker cue (a relation: "my son", "her sister", "the recruiter"; "I am",
  "this is", "called", "call me", "contact", "ask for", "talk to", "add", "hi", "thanks",
  "regards"; honorifics that are everyday words elsewhere, "Kuya", "Anh", "Em", "Sir",
  only before a capitalised word)
  and is capitalised, or is a first name in the lists; after a relation, also a lower-case
  word that is no common word and is followed by "is", "was", "who", "said" or a comma
  ("my son jun is in cambodia"), and after "I am" a lower-case word followed by an age,
  "from" or "here" ("im maricel, 19", "i'm jun from cebu");
- it is capitalised anywhere and is a first name in the name lists.
A found name takes the capitalised or listed words right after it ("Maria Santos Cruz",
up to four words). The name lists are the first and last names of Faker's person
providers (English-speaking countries, Indonesia, Thailand, India, Nepal, Bangladesh,
Kenya, Nigeria, Spain, Mexico, ...), accents removed.

Not caught: a lower-case name with no cue that is not in the lists ("ramil said ok");
names written in Chinese or Japanese characters; a name that is also a common English
word when it stands with no cue ("Grace", "Will", "May", "Hope": kept as words). Place
names (the project's gazetteer) and nationalities are never taken as names.
"""

from __future__ import annotations

import importlib
import re
import unicodedata
from functools import lru_cache

import yaml

from bot.places.gazetteer import GAZETTEER_FILE
from bot.privacy.spans import Span

FAKER_LOCALES: tuple[str, ...] = (
    "en_US", "en_GB", "en_IE", "en_NZ", "en_IN", "en_PK", "en_KE", "en_NG", "en_TH",
    "id_ID", "th_TH", "hi_IN", "ne_NP", "bn_BD", "ta_IN", "si_LK", "sw", "yo_NG", "ha_NG",
    "ig_NG", "tw_GH", "es_ES", "es_MX", "pt_BR", "fr_FR", "ar_SA", "fa_IR", "tr_TR", "ko_KR",
    "ru_RU", "uz_UZ", "vi_VN",
)  # fmt: skip
MAX_NAME_WORDS = 4

# Common words that are never taken as names, even after a cue or in the name lists.
COMMON_WORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can cannot could did do does doing done down during each
    few for from further had has have having he her here hers herself him himself his how i if
    in into is it its itself just me more most my myself no nor not now of off on once only or
    other our ours out over own same she should so some such than that the their theirs them
    then there these they this those through to too under until up very was we were what when
    where which while who whom why will with would you your yours yourself yourselves yet
    us it mine everything something nothing anything ever
    stuck lost trapped alone desperate new ready free busy single married pregnant
    ok okay yes yeah ya yup no nope pls please plz thanks thank thx sorry hi hello hey dear
    sir madam maam mam po lang na rin din ba ng sa ang mga si ni kay ko ako ikaw siya kami
    kayo sila yung saya aku kamu dia kami mereka dan atau yang di ke dari ini itu ada tidak
    nggak gak juga sudah belum mau bisa tolong kak bang pak bu mas mbak ate kuya
    u ur r im iam ive id ill dont cant wont didnt doesnt isnt wasnt arent havent
    said say says told tell tells ask asked asks went go goes going gone come came comes coming
    get got gets getting give gave given take took taken make made makes making know knew
    think thought want wanted wants need needed needs work works worked working job jobs
    call called calls message messaged text texted chat chatted add added contact contacted
    help helped live lives lived stay stays stayed left leave leaves see saw seen look looked
    still already again never always sometimes maybe really also even only just very much
    many lot lots little big small new old good bad fine well better best worse worst sick
    scared afraid worried safe okay alright happy sad tired hungry home back there here
    today tonight tomorrow yesterday now later soon week month year day days night morning
    one two three four five six seven eight nine ten first second last next every each
    who whom whose anyone someone somebody nobody everyone everybody people person guy guys
    man men woman women girl girls boy boys lady ladies kid kids child children baby family
    friend friends boss bosses agent agents recruiter manager company office team group
    mom mum mother dad father brother sister son daughter husband wife cousin uncle aunt
    police embassy government ngo hotline shelter hospital doctor nurse
    telegram whatsapp facebook fb messenger line viber wechat tiktok instagram ig zalo signal
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday
    will can may might must shall should would could
    god jesus allah buddha lord
    english mandarin chinese spanish thai khmer bahasa tagalog filipino vietnamese burmese hindi
    urdu arabic japanese korean french malay nepali bengali tamil swahili amharic russian
    german portuguese italian cantonese lao indonesian language languages
    sales executive support service services marketing staff admin customer online team
    company group trading global technology tech international limited ltd inc corp hr
    i'm i’m i'd i'll i've it's that's
    """.split()
)

# Names that are also everyday words: taken only when capitalised right after a cue
# ("my name is Grace", "ako si Mark"), never on their own.
WORD_NAMES = frozenset(
    """
    will may hope grace joy faith love honey sunny mark bill pat art rich king young long
    black white brown green gray grey hill wood park lane price star angel baby summer winter
    rose lily jade ruby pearl amber crystal precious destiny chase hunter page bond june april
    august
    """.split()
)

_WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)
_STRONG_CUES = re.compile(
    r"\b(?:my\s+name\s+is|my\s+name's|my\s+names|name\s*:|(?:full\s+)?name\s+is|named|"
    r"nickname\s*(?:is|:)?|alias|a\.?k\.?a\.?|nama\s+(?:saya|aku|ku)|namaku|"
    r"pangalan\s+ko(?:\s+ay)?|ako\s+si|ako\s+po\s+si|t[eê]n\s+(?:t[oô]i|em|anh|ch[iị])\s+l[aà]|"
    r"mera\s+naam|mera\s+nam|mr|mrs|ms|mister|madam|madame|ma'?am|mdm|dr|"
    r"pak|bapak|bu|ibu|mbak|tito|tita|manong|manang|"
    r"(?:contact(?:\s+person)?|recruiter|agent|hr|from|sender|boss|manager|supervisor|"
    r"pic|person\s+in\s+charge|signed)\s*(?=:))\.?\s*[,:-]?\s+",
    re.IGNORECASE,
)
_FAMILY = (
    r"son|daughter|brother|sister|bro|sis|friend|best\s*friend|bff|husband|wife|hubby|cousin|"
    r"niece|nephew|mother|mom|mum|mama|father|dad|papa|uncle|aunt|auntie|boyfriend|girlfriend|"
    r"bf|gf|fianc[eé]e?|partner|child|kid|colleague|co-?worker|room\s*mate|neighbou?r|"
    r"classmate|anak|kapatid|pinsan|adik|adek|kakak|suami|istri|teman|kawan|bhai|didi|"
    r"beta|beti|tiyo|tiya|lola|lolo|grandma|grandpa|grandson|granddaughter"
)
_ROLES = (
    r"boss|manager|recruiter|agent|supervisor|leader|broker|driver|handler|lady|guy|man|"
    r"woman|girl|boy|coordinator|hr|officer"
)
_OWNER = r"\b(?:my|our|his|her|their|ur|your|the|a|this|that)\s+"
# Family words: a lower-case word after them may be a name too ("my son jun is ...").
_FAMILY_CUES = re.compile(rf"{_OWNER}(?:{_FAMILY})\s*,?\s+", re.IGNORECASE)
_WEAK_CUES = re.compile(
    rf"(?:{_OWNER}(?:{_ROLES})\s*,?|"
    r"\b(?:i\s+am|i'm|i’m|im|iam|this\s+is|it'?s|here\s+is|called|call\s+me|miss|name|"
    r"auntie|aunty|khun|"
    r"contact|ask\s+for|talk\s+to|speak\s+(?:to|with)|message|msg|text|call|add|chat\s+with|"
    r"dm|pm|reach|tell|told|hi|hello|hey|dear|thanks|thank\s+you|thx|"
    r"regards|cheers|salamat|terima\s+kasih))\s*[,:-]?\s+",
    re.IGNORECASE,
)
# Honorifics that are also everyday words in another language: a capitalised word only.
_HONORIFIC_CUES = re.compile(
    r"\b(?:si|kay|ni|ate|kuya|mas|bang|anh|chi|chị|em|sir|nong|phi|bhaiya|bhai|uncle|mama)"
    r"\s*[,:-]?\s+",
    re.IGNORECASE,
)
# What follows a lower-case name right after a relation: "my son jun is", "my sister ana,".
_NAME_FOLLOWER = re.compile(
    r"\s*(?:,|(?:is|was|has|had|who|said|says|told|tells|went)\b)",
    re.IGNORECASE,
)
# What follows a lower-case name after "i am": "im maricel, 19", "i'm jun from cebu".
_SELF_CUES = re.compile(r"\b(?:i\s+am|i'm|i’m|im|iam)\s+", re.IGNORECASE)
_SELF_FOLLOWER = re.compile(
    r",?\s*(?:\d{1,2}\b|from\b|here\b|(?:age|aged|yo|years?)\b)", re.IGNORECASE
)
_SIGNATURE = re.compile(r"(?:^|\n)\s*[-–—~]\s*(?P<name>[^\W\d_][\w'’-]*)\s*$", re.UNICODE)


def find_names(text: str) -> list[Span]:
    """Every name the cues, titles and name lists point at."""
    spans: list[Span] = []
    for match in _STRONG_CUES.finditer(text):
        end = _name_end(text, match.end(), strict=False)
        if end:
            spans.append(Span(match.end(), end, "NAME"))
    for match in _WEAK_CUES.finditer(text):
        end = _name_end(text, match.end(), strict=True)
        if end:
            spans.append(Span(match.end(), end, "NAME"))
    for match in _HONORIFIC_CUES.finditer(text):
        word = _WORD.match(text, match.end())
        if word and _is_capitalised(word.group(0)):
            end = _name_end(text, match.end(), strict=True)
            if end:
                spans.append(Span(match.end(), end, "NAME"))
    for match in _FAMILY_CUES.finditer(text):
        end = _name_end(text, match.end(), strict=True) or _lower_case_name_end(text, match.end())
        if end:
            spans.append(Span(match.end(), end, "NAME"))
    for match in _SELF_CUES.finditer(text):
        word = _WORD.match(text, match.end())
        if (
            word
            and _may_be_name(word.group(0))
            and not re.search(r"(ly|ing|ed)$", word.group(0), re.IGNORECASE)
            and _SELF_FOLLOWER.match(text, word.end())
        ):
            spans.append(Span(word.start(), word.end(), "NAME"))
    for match in _WORD.finditer(text):
        if _looks_like_listed_name(text, match):
            end = _name_end(text, match.start(), strict=True)
            if end:
                spans.append(Span(match.start(), end, "NAME"))
    for match in _SIGNATURE.finditer(text):
        if _may_be_name(match.group("name")):
            spans.append(Span(match.start("name"), match.end("name"), "NAME"))
    return spans


def _looks_like_listed_name(text: str, match: re.Match[str]) -> bool:
    """A capitalised first name, or a capitalised listed name before another capitalised word."""
    word = match.group(0)
    if not _is_capitalised(word) or not _may_be_name(word):
        return False
    if _key(word) in first_names():
        return True
    spaced = text[match.end() : match.end() + 1] == " "
    following = _WORD.match(text, match.end() + 1) if spaced else None
    return (
        _key(word) in all_names()
        and following is not None
        and _is_capitalised(following.group(0))
        and _may_be_name(following.group(0))
    )


def _lower_case_name_end(text: str, start: int) -> int | None:
    """After a relation ("my son jun is ..."): a lower-case word that is no common word,
    adverb, verb form or place, followed by "is", "was", "who", ... or a comma."""
    match = _WORD.match(text, start)
    if not match or not _may_be_name(match.group(0)) or len(match.group(0)) > 10:
        return None
    if re.search(r"(ly|ing|ed|s)$", match.group(0), re.IGNORECASE):
        return None
    if _NAME_FOLLOWER.match(text, match.end()):
        return match.end()
    return None


def _name_end(text: str, start: int, strict: bool) -> int | None:
    """End of the name that starts at `start`, or None when the word there is no name."""
    match = _WORD.match(text, start)
    word = match.group(0) if match else ""
    capitalised_word_name = _is_capitalised(word) and _key(word) in WORD_NAMES
    if not match or not (_may_be_name(word) or capitalised_word_name):
        return None
    if strict and not (_is_capitalised(word) or _key(word) in first_names()):
        return None
    end, count = match.end(), 1
    while count < MAX_NAME_WORDS:
        following = re.compile(r"[ \t]+").match(text, end)
        nxt = _WORD.match(text, following.end()) if following else None
        nxt_word = nxt.group(0) if nxt else ""
        if not nxt or not (
            _may_be_name(nxt_word) or (_is_capitalised(nxt_word) and _key(nxt_word) in WORD_NAMES)
        ):
            break
        if not (_is_capitalised(nxt.group(0)) or _key(nxt.group(0)) in first_names()):
            break
        end, count = nxt.end(), count + 1
    return end


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper() and not (len(word) > 1 and word.isupper())


def _may_be_name(word: str) -> bool:
    key = _key(word)
    return (
        len(key) >= 2
        and key not in COMMON_WORDS
        and key not in WORD_NAMES
        and key not in place_words()
    )


def _key(word: str) -> str:
    """Lower case without accents or a trailing possessive ("Maria's" -> "maria")."""
    word = re.sub(r"['’]s$", "", word)
    decomposed = unicodedata.normalize("NFKD", word.lower().replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=1)
def _faker_names() -> tuple[frozenset[str], frozenset[str]]:
    first: set[str] = set()
    last: set[str] = set()
    for locale in FAKER_LOCALES:
        try:
            provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        except ImportError:
            continue
        for attribute, bucket in (
            ("first_names", first),
            ("first_names_male", first),
            ("first_names_female", first),
            ("first_names_unisex", first),
            ("middle_names", last),
            ("last_names", last),
        ):
            for name in getattr(provider, attribute, None) or ():
                for part in str(name).split():
                    if len(part) >= 2:
                        bucket.add(_key(part))
    common = COMMON_WORDS | WORD_NAMES
    return frozenset(first - common), frozenset(last - common)


def first_names() -> frozenset[str]:
    """First names of the Faker locales above, lower case without accents."""
    return _faker_names()[0]


@lru_cache(maxsize=1)
def all_names() -> frozenset[str]:
    """First and last names of the Faker locales above."""
    first, last = _faker_names()
    return first | last


@lru_cache(maxsize=1)
def place_words() -> frozenset[str]:
    """Every word of the places and nationalities of the project's gazetteer, and of the
    country names of Faker's English address provider."""
    data = yaml.safe_load(GAZETTEER_FILE.read_text(encoding="utf-8"))
    names: list[str] = []
    for entry in data["countries"].values():
        names += entry.get("names", []) + entry.get("demonyms", [])
    for place in data["places"]:
        names += place["aliases"]
    names += importlib.import_module("faker.providers.address.en").Provider.countries
    return frozenset(_key(word) for name in names for word in re.findall(r"\w+", str(name)))
