"""Lantern: screening logic for a victim-support chatbot (independent of Rasa)."""
