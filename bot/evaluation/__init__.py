"""Scoring screening predictions against labelled messages (no Rasa needed)."""
