"""Places: hubs and their misspellings, where the person is now, where they come from."""

import time

import pytest

from bot.places import locate_places


@pytest.mark.parametrize(
    "text,country",
    [
        ("they sent us to Myawadi", "MM"),
        ("job in sihanouk ville casino", "KH"),
        ("now i am inside KK park", "MM"),
        ("kk park", "MM"),
        ("shwe koko near the river", "MM"),
        ("they say the office is in Poipat", "KH"),
        ("we crossed to the golden triangel zone", "LA"),
        ("job offer in Kings Romans", "LA"),
        ("interview in Bangkok, then they drove us to Myawaddy", "MM"),
        ("flight to thailnd next week", "TH"),
        ("妙瓦底", "MM"),
        ("they took me to bavet", "KH"),
    ],
)
def test_places_and_misspellings_give_the_country(text, country):
    assert locate_places(text).country == country


@pytest.mark.parametrize(
    "text,country,home",
    [
        ("im from the philippines and got an offer in cambodia", "KH", "PH"),
        ("we are 5 indonesians stuck in bavet", "KH", "ID"),
        ("I am Filipina working in Dubai", "AE", "PH"),
        ("my son is from nepal, now he is in laos", "LA", "NP"),
        ("I escaped and now I am back in Kenya", "KE", "KE"),
    ],
)
def test_home_country_comes_from_self_descriptions(text, country, home):
    result = locate_places(text)
    assert (result.country, result.home_country) == (country, home)


@pytest.mark.parametrize(
    "text",
    [
        "my chinese boss took my passport",
        "the bosses are chinese",
        "I lost my phone at the mall",
        "the deadline is killing me",
        "",
        "😀😀😀",
        "<script>alert('x')</script>",
    ],
)
def test_no_place_named_means_none(text):
    assert locate_places(text).home_country is None
    assert locate_places(text).country is None


def test_a_scam_hub_wins_over_a_transit_city_named_later():
    assert locate_places("they took us from Myawaddy back to Bangkok airport").country == "MM"


def test_a_huge_message_is_handled_quickly():
    text = ("blah blah words without places " * 4000) + " Sihanoukville"
    started = time.monotonic()
    locate_places(text)
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    "text,writer",
    [
        ("I'm in Davao", "PH"),
        ("we live in Hanoi", "VN"),
        ("i am still here in manila, she is in cambodia", "PH"),
        ("Im currently in Nairobi", "KE"),
        ("we stay in jakarta", "ID"),
    ],
)
def test_the_writers_own_location_is_told_apart(text, writer):
    assert locate_places(text).writer_country == writer


@pytest.mark.parametrize(
    "text",
    [
        "they are in Davao",
        "my son is in Myawaddy",
        "I'm from Davao",
        "she lives in Hanoi",
        "the job is in Manila",
        "",
    ],
)
def test_other_places_are_not_the_writers(text):
    assert locate_places(text).writer_country is None


def test_the_other_places_of_a_message_beside_the_writers():
    result = locate_places("I'm in Davao and my daughter is in Sihanoukville")
    assert (result.writer_country, result.others_country, result.country) == ("PH", "KH", "KH")
    alone = locate_places("I'm in Davao")
    assert (alone.writer_country, alone.others_country, alone.country) == ("PH", None, "PH")
    # writing about themselves, the latest place is still where the person is now
    moved = locate_places("the interview was in Manila but I'm in Bangkok now")
    assert (moved.country, moved.writer_country, moved.others_country) == ("TH", "TH", "PH")
