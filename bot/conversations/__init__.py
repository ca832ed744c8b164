"""Stored conversations: reading and erasing what Rasa's SQL tracker store wrote.

Rasa-free (SQLAlchemy 1.4 only), so the staff console can import it from its own
virtualenv. The Rasa-facing tracker store that calls the erasure is
`bot.conversations.tracker_store` (imported only by Rasa).
"""
