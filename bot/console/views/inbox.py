"""Trainers' review inbox (issue 7, item 3)."""

from __future__ import annotations

from flask import Blueprint, render_template

from bot.console.security import roles_required

blueprint = Blueprint("inbox", __name__, url_prefix="/inbox")
TRAINER = "trainer"


@blueprint.route("/")
@roles_required(TRAINER)
def inbox():
    """The next message to review."""
    return render_template("inbox.html")
