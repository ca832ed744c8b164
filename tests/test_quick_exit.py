"""Quick-exit words and self-harm phrases, recognised without a model."""

import pytest

from bot.screening.quick_exit import QuickExit, quick_exit
from bot.screening.self_harm import mentions_self_harm


@pytest.mark.parametrize(
    "text",
    [
        "stop",
        "STOP",
        "Stop.",
        "stop!!!",
        "pls stop now",
        "exit",
        "exit chat",
        "quit",
        "/stop",
        "end the chat",
        "cancel",
        "หยุด",
        "ရပ်",
        "停止",
        "berhenti",
        "  stop  ",
    ],
)
def test_stop_words_in_any_form(text):
    assert quick_exit(text) is QuickExit.STOP


@pytest.mark.parametrize(
    "text",
    [
        "delete",
        "DELETE THIS",
        "delete everything i wrote",
        "erase my data please",
        "wipe it",
        "/erase_conversation",
        "hapus",
    ],
)
def test_erase_words(text):
    assert quick_exit(text) is QuickExit.ERASE


@pytest.mark.parametrize(
    "text",
    [
        "they stop us from leaving the compound",
        "i want to stop working there",
        "",
        "how do i exit the country safely",
        "x" * 5000,
        "\x00\x01",
        "stop " * 20,
    ],
)
def test_longer_messages_that_contain_the_words_are_screened_as_usual(text):
    assert quick_exit(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "i want to kill myself",
        "I'm going to end my life",
        "thinking about suicide",
        "i dont want to live anymore",
        "i can't take it anymore",
        "i want to die here",
        "one guy jumped, i will jump from the roof too",
    ],
)
def test_self_harm_phrases(text):
    assert mentions_self_harm(text)


@pytest.mark.parametrize(
    "text",
    ["the boss said he will kill us", "deadline is tomorrow", "my phone died", ""],
)
def test_not_self_harm(text):
    assert not mentions_self_harm(text)
