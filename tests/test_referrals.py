"""Referral directory: the real data is sourced and valid, bad entries are refused, lookups."""

from __future__ import annotations

import re
from pathlib import Path

import phonenumbers
import pytest
import yaml

from bot.referrals import (
    NEEDS,
    REFERRALS_DIR,
    Directory,
    DirectoryError,
    Referral,
    find_referrals,
    load_directory,
    places_without_referrals,
)

HOTLINES = Path(__file__).resolve().parents[2] / "shared" / "research" / "hotlines.yml"
CHECKED = "2026-11-23"  # the compiling date in the header of hotlines.yml
# Sourced research entries deliberately left out, by source URL, with the reason.
LEFT_OUT = {
    # Nepal 'Khabar Garau 1145': a gender-based-violence line; none of the directory's needs fits.
    "https://kathmandupost.com/national/2025/02/08/"
    "women-commission-s-helpline-struggles-to-meet-demand-amid-rising-cases",
}
_NUMBER_RUN = re.compile(r"[+(]*\d[\d\s()+\-]*\d|\d")


@pytest.fixture(scope="module")
def directory() -> Directory:
    return load_directory()


@pytest.fixture(scope="module")
def research() -> list[dict]:
    if not HOTLINES.exists():
        pytest.skip(f"shared research not beside the clone: {HOTLINES}")
    return yaml.safe_load(HOTLINES.read_text(encoding="utf-8"))


def printed_numbers(phone_field: str) -> set[str]:
    """The digits of every number printed in a research `phone` field."""
    return {re.sub(r"\D", "", run) for run in _NUMBER_RUN.findall(phone_field)}


def same_number(entry: Referral, printed: set[str]) -> bool:
    """The entry's digits are one printed number, printed with the 00 prefix, or (a number
    dialled inside one country) printed after that country's calling code."""
    digits = re.sub(r"\D", "", entry.phone)
    forms = {digits, "00" + digits}
    if entry.dial_from:
        forms.add(f"{phonenumbers.country_code_for_region(entry.dial_from)}{digits}")
    return bool(forms & printed)


# ---------------------------------------------------------------- the real directory


def test_real_directory_loads_with_entries_for_the_main_countries(directory):
    assert len(directory) >= 40
    assert {"TH", "KH", "MM", "PH", "VN", "ID", "MY", "CN"} <= directory.countries


def test_every_real_entry_has_source_url_date_and_check(directory):
    for entry in directory:
        assert entry.source_url.startswith(("https://", "http://")), entry.id
        assert re.fullmatch(r"20\d\d(-\d\d){0,2}", entry.source_date), entry.id
        assert entry.source_date >= "2022", entry.id
        assert entry.checked == CHECKED, entry.id


def test_every_file_is_one_country_under_the_referrals_key_with_its_provenance():
    for path in sorted(REFERRALS_DIR.glob("*.yml")):
        text = path.read_text(encoding="utf-8")
        assert "../shared/research/hotlines.yml" in text.split("referrals:")[0], path.name
        assert CHECKED in text.split("referrals:")[0], path.name
        data = yaml.safe_load(text)
        assert list(data) == ["referrals"], path.name
        assert {item["country"] for item in data["referrals"]} == {path.stem}


def test_every_entry_has_the_number_of_a_sourced_research_entry(directory, research):
    for entry in directory:
        origins = [r for r in research if r["source_url"] == entry.source_url]
        assert origins, f"{entry.id}: source_url not in hotlines.yml"
        sourced = [r for r in origins if r["status"] == "sourced"]
        assert sourced, f"{entry.id}: its research entry is not 'sourced'"
        assert any(r["country"] == entry.country for r in sourced), entry.id
        assert any(same_number(entry, printed_numbers(r["phone"])) for r in sourced), (
            f"{entry.id}: {entry.phone} is not printed in the research entry"
        )
        assert any(r["source_date"].startswith(entry.source_date) for r in sourced), entry.id


def test_every_form_from_abroad_is_printed_by_the_entrys_source(directory, research):
    for entry in directory:
        if entry.phone_abroad is None:
            continue
        sourced = [
            r for r in research if r["source_url"] == entry.source_url and r["status"] == "sourced"
        ]
        printed = set().union(*(printed_numbers(r["phone"] + " " + r["quote"]) for r in sourced))
        assert re.sub(r"\D", "", entry.phone_abroad) in printed, entry.id


def test_every_sourced_research_entry_is_in_the_directory_unless_left_out(directory, research):
    sourced_urls = {r["source_url"] for r in research if r["status"] == "sourced"}
    used_urls = {entry.source_url for entry in directory}
    assert sourced_urls - used_urls == LEFT_OUT
    assert used_urls <= sourced_urls


def test_numbers_found_only_in_unsourced_research_entries_are_absent(directory, research):
    sourced = {
        (r["country"], number)
        for r in research
        if r["status"] == "sourced"
        for number in printed_numbers(r["phone"])
    }
    unsourced_only = {
        (r["country"], number)
        for r in research
        if r["status"] != "sourced"
        for number in printed_numbers(r["phone"])
        if len(number) >= 3
    } - sourced
    assert ("TH", "1300") in unsourced_only  # the MSDHS line: no 2022+ source
    for entry in directory:
        digits = re.sub(r"\D", "", entry.phone)
        assert (entry.country, digits) not in unsourced_only, entry.id


def test_a_few_entries_match_hotlines_yml_exactly(directory, research):
    def research_phone(organisation_start: str) -> str:
        (match,) = [r for r in research if r["organisation"].startswith(organisation_start)]
        assert match["status"] == "sourced"
        return match["phone"]

    assert directory.get("th-police-191").phone == "191"
    assert directory.get("th-ems-1669").phone == "1669"
    assert research_phone("Royal Thai Police general emergency 191") == "191 / 1669"
    assert directory.get("kh-police-117").phone == research_phone("Cambodian National Police")
    assert directory.get("vn-trafficking-hotline-111").phone == "111"
    assert "+95 998 521 0991" in research_phone("Philippine Embassies in Yangon and Bangkok")
    assert directory.get("ph-embassy-yangon-atn").phone == "+959985210991"
    assert research_phone("National Human Trafficking Hotline").startswith("1 (888) 373-7888")
    assert directory.get("us-national-human-trafficking-hotline").phone == "+18883737888"
    # The research flags '+65…' as a misprint of KBRI Bangkok's Thai number.
    assert directory.get("id-embassy-bangkok").phone == "+66929031103"


def test_unsourced_lines_are_not_in_the_directory(directory):
    phones = {(entry.country, entry.phone) for entry in directory}
    for unsourced in [("TH", "1300"), ("TH", "+66991301300"), ("TH", "1191"), ("LA", "1191")]:
        assert unsourced not in phones
    assert "LA" not in directory.countries  # no Lao entry has a 2022+ source


# ---------------------------------------------------------------- the loader refuses bad data


def good_entry(**changes) -> dict:
    entry = {
        "id": "th-police-191",
        "country": "TH",
        "organisation": "Royal Thai Police",
        "service": "General emergency and police",
        "needs": ["emergency", "police"],
        "serves": "in_country",
        "phone": "191",
        "dial_from": "TH",
        "source_url": "https://example.org/2024/04/05/thai-police",
        "source_date": "2024-04-05",
        "checked": "2026-11-23",
    }
    entry.update(changes)
    return {key: value for key, value in entry.items() if value is not None}


def write(folder: Path, name: str, entries: list[dict], key: str = "referrals") -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump({key: entries}, allow_unicode=True), encoding="utf-8")
    return path


def rejected(folder: Path, *words: str) -> DirectoryError:
    with pytest.raises(DirectoryError) as caught:
        load_directory(folder)
    message = str(caught.value)
    for word in words:
        assert word in message, message
    return caught.value


def test_a_good_entry_loads(tmp_path):
    write(tmp_path, "TH.yml", [good_entry(), good_entry(id="th-ems-1669", phone="1669")])
    directory = load_directory(tmp_path)
    assert [entry.id for entry in directory] == ["th-police-191", "th-ems-1669"]
    assert directory.get("th-police-191").needs == ("emergency", "police")


@pytest.mark.parametrize("key", ["source_url", "source_date", "checked", "phone", "needs"])
def test_an_entry_missing_a_required_key_is_refused(tmp_path, key):
    write(tmp_path, "TH.yml", [good_entry(**{key: None})])
    error = rejected(tmp_path, "TH.yml", "th-police-191", key)
    assert error.entry == "th-police-191"


def test_an_empty_source_url_is_refused(tmp_path):
    write(tmp_path, "TH.yml", [good_entry(source_url="")])
    rejected(tmp_path, "source_url")


@pytest.mark.parametrize(
    "changes,problem",
    [
        ({"phone": "+66 99 130 1300", "dial_from": None}, "E.164"),
        ({"phone": "+6699130130", "dial_from": None}, "not a valid number"),
        ({"phone": "+85512813282", "dial_from": None}, "number of KH"),
        ({"phone": "+66991301300"}, "dial_from is only for"),
        ({"phone": "12"}, "3 to 15 digits"),
        ({"phone": "call 191"}, "3 to 15 digits"),
        ({"phone": 191}, "phone must be a non-empty string"),
        ({"dial_from": None}, "dial_from"),
        ({"dial_from": "KH"}, "dial_from KH must be"),
        ({"phone": "1300"}, "does not recognise"),
        ({"phone": "191", "number_check": "source_only"}, "remove number_check"),
        ({"phone": "1300", "number_check": "trust_me"}, "number_check"),
    ],
)
def test_a_bad_phone_is_refused(tmp_path, changes, problem):
    write(tmp_path, "TH.yml", [good_entry(**changes)])
    rejected(tmp_path, "TH.yml", "th-police-191", problem)


def test_valid_phone_forms_are_accepted(tmp_path):
    entries = [
        good_entry(id="e164", phone="+66991301300", dial_from=None),
        good_entry(id="national", phone="081-666-4006"),
        good_entry(id="unlisted-short-code", phone="1441", number_check="source_only"),
        good_entry(
            id="embassy",
            country="TH",
            located_in="LA",
            serves="nationals_abroad",
            needs=["embassy"],
            phone="+8562055512228",
            dial_from=None,
        ),
    ]
    write(tmp_path, "TH.yml", entries)
    directory = load_directory(tmp_path)
    assert directory.get("e164").is_international
    assert directory.get("national").reachable_from("TH")
    assert not directory.get("national").reachable_from("KH")
    assert directory.get("embassy").located_in == "LA"


def test_a_form_from_abroad_and_a_caveat_load(tmp_path):
    write(
        tmp_path,
        "TH.yml",
        [good_entry(phone_abroad="+66 191", unconfirmed="Two dated sources print other lines.")],
    )
    loaded = load_directory(tmp_path).get("th-police-191")
    assert loaded.phone_abroad == "+66 191"
    assert loaded.unconfirmed == "Two dated sources print other lines."
    assert loaded.number_from("TH") == "191"
    assert loaded.number_from("KH") == "+66 191"


@pytest.mark.parametrize(
    "changes,problem",
    [
        ({"phone_abroad": "+66 1911"}, "is not '191' after TH's calling code +66"),
        ({"phone_abroad": "+855 191"}, "calling code +66"),
        ({"phone_abroad": "0066 191"}, "must be '+' and digit groups"),
        ({"phone": "+66991301300", "dial_from": None, "phone_abroad": "+66991301300"}, "only for"),
        ({"unconfirmed": ""}, "unconfirmed must be a non-empty string"),
    ],
)
def test_a_bad_form_from_abroad_or_caveat_is_refused(tmp_path, changes, problem):
    write(tmp_path, "TH.yml", [good_entry(**changes)])
    rejected(tmp_path, "TH.yml", problem)


@pytest.mark.parametrize(
    "changes,problem",
    [
        ({"needs": ["emergency", "housing"]}, "unknown need"),
        ({"needs": "emergency"}, "needs must be a non-empty list"),
        ({"needs": ["police", "police"]}, "same need twice"),
        ({"serves": "everyone"}, "serves"),
        ({"country": "Thailand"}, "ISO"),
        ({"located_in": "TH", "serves": "nationals_abroad"}, "located_in must differ"),
        ({"located_in": "LA"}, "must serve nationals_abroad"),
        ({"source_url": "www.example.org/page"}, "not an http(s) URL"),
        ({"source_date": "23/11/2024"}, "source_date"),
        ({"source_date": "2024-02-30"}, "not a real date"),
        ({"source_date": "2021-05-10"}, "older than 2022"),
        ({"source_date": "2027-01-01"}, "after the check date"),
        ({"checked": "2026-11"}, "checked"),
        ({"status": "sourced"}, "unknown key(s): status"),
        ({"id": "TH Police"}, "slug"),
    ],
)
def test_a_malformed_entry_is_refused(tmp_path, changes, problem):
    write(tmp_path, "TH.yml", [good_entry(**changes)])
    rejected(tmp_path, "TH.yml", problem)


def test_a_duplicate_id_is_refused_within_and_across_files(tmp_path):
    write(tmp_path, "TH.yml", [good_entry(), good_entry(phone="1669")])
    rejected(tmp_path, "TH.yml", "th-police-191", "duplicate id")

    write(tmp_path, "TH.yml", [good_entry()])
    write(tmp_path, "KH.yml", [good_entry(country="KH", phone="117", dial_from="KH")])
    rejected(tmp_path, "TH.yml", "th-police-191", "duplicate id", "KH.yml")


def test_a_file_must_be_named_by_its_country_and_use_the_referrals_key(tmp_path):
    write(tmp_path, "KH.yml", [good_entry()])
    rejected(tmp_path, "KH.yml", "does not match")

    (tmp_path / "KH.yml").unlink()
    write(tmp_path, "TH.yml", [good_entry()], key="nlu")
    rejected(tmp_path, "TH.yml", "'referrals'")


def test_an_empty_folder_is_refused(tmp_path):
    rejected(tmp_path, "no referral files")


# ---------------------------------------------------------------- lookups


def entry(referral_id: str, country: str, needs: tuple[str, ...], **fields) -> Referral:
    base = {
        "organisation": referral_id,
        "service": referral_id,
        "serves": "in_country",
        "phone": "+10000000000",
        "source_url": "https://example.org",
        "source_date": "2024",
        "checked": CHECKED,
    }
    base.update(fields)
    return Referral(id=referral_id, country=country, needs=needs, **base)


@pytest.fixture()
def small() -> Directory:
    abroad = {"serves": "nationals_abroad"}
    return Directory(
        (
            entry("th-police", "TH", ("emergency", "police"), phone="191", dial_from="TH"),
            entry("th-trafficking", "TH", ("trafficking",), phone="1567", dial_from="TH"),
            entry("kh-police", "KH", ("emergency", "police", "trafficking")),
            entry(
                "ph-dmw", "PH", ("trafficking", "labour"), phone="1348", dial_from="PH", **abroad
            ),
            entry("ph-hotline", "PH", ("trafficking",), **abroad),
            entry("ph-embassy-mm", "PH", ("embassy", "trafficking"), located_in="MM", **abroad),
            entry("ph-embassy-th", "PH", ("embassy", "trafficking"), located_in="TH", **abroad),
            entry("ph-dfa", "PH", ("embassy",), phone="8834-4996", dial_from="PH", **abroad),
        )
    )


def ids(entries) -> list[str]:
    return [item.id for item in entries]


@pytest.mark.parametrize("need", ["emergency", "police"])
def test_local_needs_give_the_lines_where_the_person_is(small, need):
    assert ids(find_referrals(small, need, "TH", "PH")) == ["th-police"]
    assert ids(find_referrals(small, need, "KH", "TH")) == ["kh-police"]
    assert places_without_referrals(small, need, "TH", "PH") == ()


def test_no_emergency_line_for_a_place_gives_nothing_and_names_the_place(small):
    assert find_referrals(small, "emergency", "MM", "PH") == ()
    assert places_without_referrals(small, "emergency", "MM", "PH") == ("MM",)
    # self-harm: no crisis line anywhere, and no fallback to the police is invented
    assert find_referrals(small, "self_harm", "TH") == ()
    assert places_without_referrals(small, "self_harm", "TH") == ("TH",)


def test_an_unknown_place_gives_nothing_and_names_nothing(small):
    assert find_referrals(small, "emergency", None, "PH") == ()
    assert places_without_referrals(small, "emergency", None, "PH") == ()
    assert find_referrals(small, "embassy", "TH", None) == ()
    assert places_without_referrals(small, "embassy", "TH", None) == ()


def test_trafficking_gives_local_lines_then_home_lines_for_nationals_abroad(small):
    found = ids(find_referrals(small, "trafficking", "TH", "PH"))
    # in Thailand first; then the Philippines' embassy in Thailand, then the number dialled
    # from anywhere, then the one dialled only from the Philippines; never the Yangon embassy
    assert found == ["th-trafficking", "ph-embassy-th", "ph-hotline", "ph-dmw"]
    assert places_without_referrals(small, "trafficking", "TH", "PH") == ()


def test_trafficking_names_the_place_that_has_nothing(small):
    assert ids(find_referrals(small, "trafficking", "MM", "PH")) == [
        "ph-embassy-mm",
        "ph-hotline",
        "ph-dmw",
    ]
    assert places_without_referrals(small, "trafficking", "MM", "PH") == ("MM",)
    assert ids(find_referrals(small, "trafficking", "TH", "KE")) == ["th-trafficking"]
    assert places_without_referrals(small, "trafficking", "TH", "KE") == ("KE",)
    assert find_referrals(small, "trafficking", "LA", "KE") == ()
    assert places_without_referrals(small, "trafficking", "LA", "KE") == ("LA", "KE")


def test_trafficking_back_home_gives_the_home_lines_once(small):
    assert ids(find_referrals(small, "trafficking", "PH", "PH")) == ["ph-dmw", "ph-hotline"]
    assert places_without_referrals(small, "trafficking", "PH", "PH") == ()


def test_embassy_gives_the_home_embassy_in_the_country_then_consular_hotlines(small):
    assert ids(find_referrals(small, "embassy", "TH", "PH")) == ["ph-embassy-th", "ph-dfa"]
    assert ids(find_referrals(small, "embassy", "KH", "PH")) == ["ph-dfa"]
    assert find_referrals(small, "embassy", "TH", "KE") == ()
    assert places_without_referrals(small, "embassy", "TH", "KE") == ("KE",)


def test_codes_are_case_insensitive_and_unknown_needs_raise(small):
    assert ids(find_referrals(small, "emergency", "th")) == ["th-police"]
    with pytest.raises(ValueError, match="unknown need"):
        find_referrals(small, "housing", "TH")


def test_real_lookups(directory):
    phones = [item.phone for item in find_referrals(directory, "emergency", "TH")]
    assert "191" in phones and "1669" in phones
    assert [item.phone for item in find_referrals(directory, "medical", "TH")] == ["1669"]

    in_cambodia = ids(find_referrals(directory, "trafficking", "KH", "ID"))
    assert in_cambodia[:2] == ["kh-police-117", "id-embassy-phnom-penh"]

    in_myanmar = find_referrals(directory, "trafficking", "MM", "PH")
    assert in_myanmar[0].id == "ph-embassy-yangon-atn"
    assert all(item.country == "PH" for item in in_myanmar)
    assert places_without_referrals(directory, "trafficking", "MM", "PH") == ("MM",)

    assert ids(find_referrals(directory, "embassy", "LA", "TH")) == ["th-embassy-vientiane"]
    assert find_referrals(directory, "emergency", "LA") == ()
    assert places_without_referrals(directory, "emergency", "LA") == ("LA",)


def test_the_us_hotline_is_never_offered_outside_the_us(directory):
    for country in directory.countries - {"US"}:
        for home in directory.countries | {"US"}:
            found = find_referrals(directory, "trafficking", country, home)
            assert "us-national-human-trafficking-hotline" not in ids(found)


def test_local_needs_only_give_numbers_that_can_be_dialled_there(directory):
    for country in directory.countries:
        for need in ("emergency", "police", "medical", "self_harm"):
            for item in find_referrals(directory, need, country, "PH"):
                assert item.reachable_from(country), (need, country, item.id)
                assert need in item.needs and item.country == country


def test_every_need_is_known():
    assert NEEDS == {
        "trafficking",
        "emergency",
        "police",
        "medical",
        "self_harm",
        "embassy",
        "labour",
        "scam_report",
    }
