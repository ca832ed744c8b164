"""Lantern's NLU: the multi-label screening model and its Rasa graph components.

`multilabel` and `targets` know nothing of Rasa; `components` is the thin Rasa layer
registered in `config.yml`.
"""
