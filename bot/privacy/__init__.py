"""Removing what identifies a person from a message before anyone reviews it.

Needs no Rasa: only phonenumbers, urlextract, Faker's name lists, PyYAML and the standard
library, so the staff console can use it in its own environment.
"""

from bot.privacy.redact import PLACEHOLDERS, Redaction, redact

__all__ = ["PLACEHOLDERS", "Redaction", "redact"]
