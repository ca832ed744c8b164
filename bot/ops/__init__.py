"""Operating Lantern: model cache, processes, `make run`, `make screen`, `make bench`.

These modules drive Rasa from outside (its CLI and HTTP API); only `screen` loads a
model in-process.
"""
