"""Lantern's staff console: queue, transcripts, follow-up, access log, retention (Flask).

Runs in its own virtualenv (requirements-console.lock) and imports only Rasa-free `bot/` code.
"""
