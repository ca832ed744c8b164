"""Load data/referrals/*.yml and refuse any entry that is incomplete, unsourced or malformed."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import phonenumbers
import yaml
from phonenumbers import shortnumberinfo

from bot.referrals.model import NEEDS, NUMBER_CHECKS, SERVES, Directory, Referral

REFERRALS_DIR = Path(__file__).resolve().parents[2] / "data" / "referrals"
TOP_KEY = "referrals"
MIN_SOURCE_YEAR = 2022  # the research's rule for 'sourced': a dated source of 2022 or later

REQUIRED = (
    "id",
    "country",
    "organisation",
    "service",
    "needs",
    "serves",
    "phone",
    "source_url",
    "source_date",
    "checked",
)
OPTIONAL = (
    "dial_from",
    "located_in",
    "number_check",
    "phone_abroad",
    "unconfirmed",
    "other_contacts",
    "languages",
    "hours",
    "notes",
)
TEXT_FIELDS = ("organisation", "service")
OPTIONAL_TEXT_FIELDS = ("other_contacts", "hours", "notes", "unconfirmed")

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_ISO_CODE = re.compile(r"[A-Z]{2}")
_E164 = re.compile(r"\+[1-9]\d{6,14}")
_ABROAD = re.compile(r"\+\d+(?: \d+)*")  # '+852 1868': '+', digit groups, single spaces
_DOMESTIC = re.compile(r"\d+(?:[ -]\d+)*")  # digits, single spaces or hyphens between groups
_URL = re.compile(r"https?://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?")
_PARTIAL_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_FULL_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class DirectoryError(ValueError):
    """A referral file or entry that must not be used, with where and why."""

    def __init__(self, file: Path | str, entry: str | None, problem: str) -> None:
        self.file = str(file)
        self.entry = entry
        self.problem = problem
        where = f"{self.file}: entry {entry}" if entry else self.file
        super().__init__(f"{where}: {problem}")


class _Problem(Exception):
    """Raised inside one entry's checks; turned into a DirectoryError naming file and entry."""


def load_directory(folder: Path = REFERRALS_DIR) -> Directory:
    """Every entry of every file in `folder`, validated; ids must be unique across files."""
    files = sorted([*folder.glob("*.yml"), *folder.glob("*.yaml")])
    if not files:
        raise DirectoryError(folder, None, "no referral files (*.yml) found")
    entries: list[Referral] = []
    first_file: dict[str, Path] = {}
    for path in files:
        for entry in load_file(path):
            if entry.id in first_file:
                raise DirectoryError(
                    path, entry.id, f"duplicate id (already used in {first_file[entry.id].name})"
                )
            first_file[entry.id] = path
            entries.append(entry)
    return Directory(tuple(entries))


@lru_cache(maxsize=1)
def default_directory() -> Directory:
    """The project's directory (data/referrals), loaded and validated once per process."""
    return load_directory()


def load_file(path: Path) -> list[Referral]:
    """The validated entries of one file, named after the country code of all its entries."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise DirectoryError(path, None, f"not valid YAML: {error}") from error
    if not isinstance(data, dict) or set(data) != {TOP_KEY}:
        raise DirectoryError(path, None, f"the file must hold exactly one key, '{TOP_KEY}'")
    items = data[TOP_KEY]
    if not isinstance(items, list) or not items:
        raise DirectoryError(path, None, f"'{TOP_KEY}' must be a non-empty list of entries")
    file_country = path.stem
    if not _is_iso_code(file_country):
        raise DirectoryError(path, None, "the file name must be an ISO alpha-2 code, e.g. TH.yml")
    entries: list[Referral] = []
    seen: set[str] = set()
    for position, raw in enumerate(items, start=1):
        label = _label(raw, position)
        try:
            entry = parse_entry(raw)
            if entry.country != file_country:
                raise _Problem(f"country {entry.country} does not match the file {path.name}")
        except _Problem as problem:
            raise DirectoryError(path, label, str(problem)) from None
        if entry.id in seen:
            raise DirectoryError(path, entry.id, "duplicate id in the same file")
        seen.add(entry.id)
        entries.append(entry)
    return entries


def parse_entry(raw: Any) -> Referral:
    """One entry as a Referral; raises _Problem on the first thing wrong with it."""
    if not isinstance(raw, dict):
        raise _Problem("an entry must be a mapping of keys to values")
    missing = [key for key in REQUIRED if raw.get(key) in (None, "", [])]
    if missing:
        raise _Problem(f"missing required key(s): {', '.join(missing)}")
    unknown = sorted(set(raw) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        raise _Problem(f"unknown key(s): {', '.join(map(str, unknown))}")

    referral_id = _text(raw, "id")
    if not _SLUG.fullmatch(referral_id):
        raise _Problem(f"id {referral_id!r} must be a lower-case slug like 'th-police-191'")
    country = _iso(raw, "country")
    dial_from = _iso(raw, "dial_from") if "dial_from" in raw else None
    located_in = _iso(raw, "located_in") if "located_in" in raw else None
    for key in TEXT_FIELDS:
        _text(raw, key)
    for key in OPTIONAL_TEXT_FIELDS:
        if key in raw:
            _text(raw, key)

    needs = _text_list(raw, "needs")
    wrong = [need for need in needs if need not in NEEDS]
    if wrong:
        raise _Problem(f"unknown need(s) {wrong}; allowed: {', '.join(sorted(NEEDS))}")
    if len(set(needs)) != len(needs):
        raise _Problem("needs lists the same need twice")
    serves = _text(raw, "serves")
    if serves not in SERVES:
        raise _Problem(f"serves {serves!r} must be one of {', '.join(sorted(SERVES))}")
    if located_in is not None:
        if located_in == country:
            raise _Problem("located_in must differ from country (the embassy's own nation)")
        if serves != "nationals_abroad":
            raise _Problem("an entry with located_in must serve nationals_abroad")

    number_check = raw.get("number_check")
    if number_check is not None and number_check not in NUMBER_CHECKS:
        raise _Problem(f"number_check {number_check!r} must be one of {sorted(NUMBER_CHECKS)}")
    phone = _text(raw, "phone")
    check_phone(phone, country, dial_from, located_in, number_check)
    phone_abroad = _text(raw, "phone_abroad") if "phone_abroad" in raw else None
    if phone_abroad is not None:
        check_phone_abroad(phone_abroad, phone, dial_from)

    source_url = _text(raw, "source_url")
    if not _URL.fullmatch(source_url):
        raise _Problem(f"source_url {source_url!r} is not an http(s) URL")
    source_date = _partial_date(raw, "source_date")
    checked = _full_date(raw, "checked")
    if int(source_date[:4]) < MIN_SOURCE_YEAR:
        raise _Problem(f"source_date {source_date} is older than {MIN_SOURCE_YEAR} (not sourced)")
    if source_date > checked:
        raise _Problem(f"source_date {source_date} is after the check date {checked}")

    return Referral(
        id=referral_id,
        country=country,
        organisation=raw["organisation"].strip(),
        service=raw["service"].strip(),
        needs=tuple(needs),
        serves=serves,
        phone=phone,
        source_url=source_url,
        source_date=source_date,
        checked=checked,
        dial_from=dial_from,
        located_in=located_in,
        number_check=number_check,
        phone_abroad=phone_abroad,
        unconfirmed=raw.get("unconfirmed", "").strip() or None,
        other_contacts=raw.get("other_contacts"),
        languages=tuple(_text_list(raw, "languages")) if "languages" in raw else (),
        hours=raw.get("hours"),
        notes=raw.get("notes"),
    )


def check_phone(
    phone: str,
    country: str,
    dial_from: str | None,
    located_in: str | None,
    number_check: str | None = None,
) -> None:
    """Raise _Problem unless the phone is a valid E.164 number or a number valid in dial_from.

    E.164 numbers ('+66991301300') must be valid numbers of `country` or `located_in`
    (phonenumbers.is_valid_number). Anything else is dialled inside `dial_from`: a short code
    (shortnumberinfo.is_valid_short_number_for_region) or a national number as printed
    (is_valid_number_for_region). A number phonenumbers does not know is accepted only when the
    entry says `number_check: source_only`, and that mark is refused on a number it knows.
    """
    home_regions = {country} | ({located_in} if located_in else set())
    if phone.startswith("+"):
        if not _E164.fullmatch(phone):
            raise _Problem(f"phone {phone!r} must be E.164: '+' and 7 to 15 digits, no spaces")
        if dial_from is not None:
            raise _Problem("dial_from is only for short codes and national numbers, not E.164")
        if number_check is not None:
            raise _Problem("number_check: source_only is not allowed on an E.164 number")
        number = _parse(phone, None)
        if not phonenumbers.is_valid_number(number):
            raise _Problem(f"phone {phone} is not a valid number (phonenumbers)")
        region = phonenumbers.region_code_for_number(number)
        if region not in home_regions:
            raise _Problem(
                f"phone {phone} is a number of {region}, not of {' or '.join(sorted(home_regions))}"
            )
        return
    if not _DOMESTIC.fullmatch(phone) or not 3 <= sum(c.isdigit() for c in phone) <= 15:
        raise _Problem(
            f"phone {phone!r} must be E.164 ('+' and digits) or a short code / national number "
            "of 3 to 15 digits (single spaces or hyphens allowed)"
        )
    if dial_from is None:
        raise _Problem(f"phone {phone!r} is not E.164, so dial_from (where it works) is required")
    if dial_from not in home_regions:
        raise _Problem(f"dial_from {dial_from} must be the entry's country or located_in")
    number = _parse(phone, dial_from)
    known = shortnumberinfo.is_valid_short_number_for_region(
        number, dial_from
    ) or phonenumbers.is_valid_number_for_region(number, dial_from)
    if number_check == "source_only":
        if known:
            raise _Problem(f"phonenumbers recognises {phone!r} in {dial_from}; remove number_check")
        return
    if not known:
        raise _Problem(
            f"phonenumbers does not recognise {phone!r} as a short code or national number of "
            f"{dial_from}; if a dated source prints it exactly so, mark it "
            "number_check: source_only"
        )


def check_phone_abroad(phone_abroad: str, phone: str, dial_from: str | None) -> None:
    """Raise _Problem unless `phone_abroad` is the domestic `phone` after the calling code of
    `dial_from` ('+852 1868' for Hong Kong's 1868; a leading trunk 0 is dropped)."""
    if dial_from is None:
        raise _Problem("phone_abroad is only for a short code or national number (dial_from)")
    if not _ABROAD.fullmatch(phone_abroad):
        raise _Problem(
            f"phone_abroad {phone_abroad!r} must be '+' and digit groups, e.g. '+852 1868'"
        )
    code = str(phonenumbers.country_code_for_region(dial_from))
    national = re.sub(r"\D", "", phone)
    expected = {code + national, code + national.removeprefix("0")}
    if re.sub(r"\D", "", phone_abroad) not in expected:
        raise _Problem(
            f"phone_abroad {phone_abroad!r} is not {phone!r} after {dial_from}'s "
            f"calling code +{code}"
        )


def _parse(phone: str, region: str | None) -> phonenumbers.PhoneNumber:
    try:
        return phonenumbers.parse(phone, region)
    except phonenumbers.NumberParseException as error:
        raise _Problem(f"phone {phone!r} cannot be parsed: {error}") from None


def _label(raw: Any, position: int) -> str:
    if isinstance(raw, dict) and isinstance(raw.get("id"), str) and raw["id"].strip():
        return raw["id"].strip()
    return f"#{position}"


def _text(raw: dict, key: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _Problem(f"{key} must be a non-empty string (quote numbers and dates)")
    return value.strip()


def _text_list(raw: dict, key: str) -> list[str]:
    value = raw.get(key)
    if not isinstance(value, list) or not value:
        raise _Problem(f"{key} must be a non-empty list")
    if not all(isinstance(item, str) and item.strip() for item in value):
        raise _Problem(f"every item of {key} must be a non-empty string")
    return [item.strip() for item in value]


def _is_iso_code(code: str) -> bool:
    return bool(_ISO_CODE.fullmatch(code)) and code in phonenumbers.SUPPORTED_REGIONS


def _iso(raw: dict, key: str) -> str:
    code = _text(raw, key)
    if not _is_iso_code(code):
        raise _Problem(f"{key} {code!r} is not an ISO 3166-1 alpha-2 code (e.g. TH)")
    return code


def _date_text(raw: dict, key: str) -> str:
    value = raw.get(key)
    if isinstance(value, dt.date):  # an unquoted YAML date
        return value.isoformat()
    if not isinstance(value, str):
        raise _Problem(f"{key} must be a date written YYYY-MM-DD")
    return value.strip()


def _partial_date(raw: dict, key: str) -> str:
    """YYYY, YYYY-MM or YYYY-MM-DD (a source may show only the year or month)."""
    text = _date_text(raw, key)
    match = _PARTIAL_DATE.fullmatch(text)
    if not match:
        raise _Problem(f"{key} {text!r} must be YYYY-MM-DD (or YYYY-MM, YYYY)")
    year, month, day = (int(part) if part else 1 for part in match.groups())
    try:
        dt.date(year, month, day)
    except ValueError:
        raise _Problem(f"{key} {text!r} is not a real date") from None
    return text


def _full_date(raw: dict, key: str) -> str:
    text = _date_text(raw, key)
    try:
        if _FULL_DATE.fullmatch(text):
            return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    raise _Problem(f"{key} {text!r} must be a real date written YYYY-MM-DD")
