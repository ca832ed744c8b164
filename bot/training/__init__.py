"""Turning reviewed conversation messages into training data (no Rasa needed)."""
