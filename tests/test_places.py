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
