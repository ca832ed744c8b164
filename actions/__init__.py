"""Custom actions of the Lantern bot (run by `rasa run actions`)."""
