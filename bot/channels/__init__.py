"""Rasa's REST and socket.io channels, storing each conversation under an id derived from
the client's own (bot/conversations/ids.py). Rasa-facing and thin; configured in
credentials.yml by class path. They keep Rasa's names and URL paths (/webhooks/rest/webhook,
/socket.io), so clients notice no difference."""
