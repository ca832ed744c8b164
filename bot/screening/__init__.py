"""Screening state: what one message says and what a conversation adds up to."""
