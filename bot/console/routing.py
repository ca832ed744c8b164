"""What the console accepts in URLs: conversation ids of any characters, bounded numbers.

- Conversation ids are chosen by whoever talks to the bot and may hold any character
  (`../admin`, `?`, `#`, spaces, just `..`). In a URL each id is one path segment with every
  character but letters, digits and `_.-~` percent-encoded, so a link never points to
  another page.
- Ids of rows and page numbers too large for the database's integers are "not found" (404),
  not an error inside the database driver (500).
"""

from __future__ import annotations

import re
from urllib.parse import quote

from flask import Flask, abort
from werkzeug.routing import IntegerConverter, PathConverter, ValidationError

# PostgreSQL's `integer`, the type of the console's own ids and of Rasa's event ids.
MAX_ROW_ID = 2**31 - 1
# Far beyond any queue (50 a page) or access log (100 a page) a caseworker will page through.
MAX_PAGE = 1_000_000


# Browsers resolve a segment "." or ".." (even spelt "%2E%2E") as a step up the path, so
# these two ids, and ids of this form with leading "~" (to keep the mapping one-to-one),
# get one more "~" in front in URLs.
DOT_SEGMENT = re.compile(r"~*\.\.?")


class ConversationIdConverter(PathConverter):
    """A conversation id in a path: any characters, `/` included, encoded as one segment."""

    regex = ".+"
    part_isolating = False  # the id may span what the router sees as several segments

    def to_python(self, value: str) -> str:
        """The id; one holding NUL is never stored (PostgreSQL refuses it): not found."""
        if "\x00" in value:
            raise ValidationError()
        return value[1:] if value.startswith("~") and DOT_SEGMENT.fullmatch(value) else value

    def to_url(self, value: str) -> str:
        """Percent-encode everything that could end or change the path segment."""
        value = str(value)
        return quote("~" + value if DOT_SEGMENT.fullmatch(value) else value, safe="")


class RowIdConverter(IntegerConverter):
    """A row id: a positive integer the database's `integer` can hold (else 404)."""

    def __init__(self, map, *args, **kwargs) -> None:  # noqa: A002 - werkzeug's name
        super().__init__(map, min=1, max=MAX_ROW_ID)


def page_number(value: int | None) -> int:
    """The page asked for: 1 when missing or below 1; 404 beyond MAX_PAGE."""
    if value is None or value < 1:
        return 1
    if value > MAX_PAGE:
        abort(404)
    return value


def row_id(text: str | None) -> int | None:
    """A row id sent in a form as text, or None when it is not one the database can hold."""
    if not text or not text.isascii() or not text.isdigit():
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ROW_ID else None


def install(app: Flask) -> None:
    """Register the converters (before the blueprints that use them) and keep `//` in ids."""
    app.url_map.converters["conversation"] = ConversationIdConverter
    app.url_map.converters["row_id"] = RowIdConverter
    # An id may hold "//"; werkzeug would otherwise redirect to a path with one slash.
    app.url_map.merge_slashes = False
