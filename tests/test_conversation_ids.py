"""The stored conversation id: derived from the client's id with the server's key, one way,
apart per channel, and refused without a proper key."""

import pytest

from bot.conversations.ids import conversation_key, stored_conversation_id

KEY = "k" * 43


def test_the_stored_id_is_stable_and_differs_by_key_channel_and_client():
    stored = stored_conversation_id(KEY, "rest", "browser-secret")
    assert stored == stored_conversation_id(KEY, "rest", "browser-secret")
    assert len(stored) == 64 and stored != "browser-secret"
    others = {
        stored_conversation_id("j" * 43, "rest", "browser-secret"),
        stored_conversation_id(KEY, "socketio", "browser-secret"),
        stored_conversation_id(KEY, "rest", "browser-secre"),
        stored_conversation_id(KEY, "rest", stored),  # a stored id sent back as a client id
    }
    assert stored not in others and len(others) == 4


@pytest.mark.parametrize(
    "environment", [{}, {"CONVERSATION_ID_KEY": ""}, {"CONVERSATION_ID_KEY": "short"}]
)
def test_a_missing_or_short_key_is_refused(environment):
    with pytest.raises(RuntimeError, match="CONVERSATION_ID_KEY"):
        conversation_key(environment)
    assert conversation_key({"CONVERSATION_ID_KEY": KEY}) == KEY
