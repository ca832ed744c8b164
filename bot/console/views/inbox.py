"""Trainers' review inbox (issue 7, item 3): one redacted message at a time, then export."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from bot.console import audit
from bot.console.forms import ActionForm, ReviewForm
from bot.console.review import (
    Labels,
    ReviewError,
    export_reviews,
    known_intents,
    next_candidate,
    pending_count,
    ready_to_export,
)
from bot.console.review import record_review as save_review
from bot.console.routing import row_id
from bot.console.security import client_ip, config, engine, roles_required

blueprint = Blueprint("inbox", __name__, url_prefix="/inbox")
TRAINER = "trainer"


def _form(**values) -> ReviewForm:
    form = ReviewForm(**values)
    form.intent.choices = [(intent, intent) for intent in known_intents()]
    return form


@blueprint.route("/")
@roles_required(TRAINER)
def inbox():
    """The next message to review, redacted, with the labels the bot gave it."""
    with engine().connect() as connection:
        candidate = next_candidate(connection)
        waiting = pending_count(connection)
        ready = len(ready_to_export(connection))
    form = None
    if candidate is not None:
        form = _form(
            event_id=str(candidate.event_id),
            text=candidate.text,
            intent=candidate.intent if candidate.intent in known_intents() else None,
            flags=list(candidate.labels.flags),
            stage=candidate.labels.stage,
            urgent=candidate.labels.urgent,
            about_other=candidate.labels.about_other,
        )
    return render_template(
        "inbox.html", candidate=candidate, form=form, waiting=waiting, ready=ready
    )


@blueprint.route("/review", methods=["POST"])
@roles_required(TRAINER)
def review():
    """Confirm (with corrections) or skip one message."""
    form = _form()
    event_id = row_id(form.event_id.data)
    if not form.validate_on_submit() or event_id is None:
        flash("The review was not saved: the form was incomplete.", "error")
        return redirect(url_for("inbox.inbox"))
    decision = "skipped" if form.skip.data else "confirmed"
    labels = Labels(
        intent=form.intent.data,
        flags=tuple(form.flags.data or ()),
        stage=form.stage.data,
        urgent=bool(form.urgent.data),
        about_other=bool(form.about_other.data),
    )
    try:
        with engine().begin() as connection:
            save_review(
                connection,
                event_id,
                decision,
                labels,
                current_user.username,
                form.text.data,
            )
            audit.record(
                connection,
                current_user.username,
                audit.REVIEW,
                f"message {event_id}",
                client_ip(),
                decision
                if decision == "skipped"
                else (f"confirmed: {labels.intent}, {len(labels.flags)} flag(s), {labels.stage}"),
            )
    except ReviewError as error:
        flash(str(error), "error")
    else:
        flash("Skipped." if decision == "skipped" else "Confirmed; ready to export.", "info")
    return redirect(url_for("inbox.inbox"))


@blueprint.route("/export", methods=["GET", "POST"])
@roles_required(TRAINER)
def export():
    """List the confirmed messages and write them to data/nlu (every export is logged)."""
    form = ActionForm()
    result = None
    if form.validate_on_submit():
        with engine().begin() as connection:
            result = export_reviews(connection, config().nlu_dir)
            audit.record(
                connection,
                current_user.username,
                audit.EXPORT,
                ", ".join(result.files)[:255] or None,
                client_ip(),
                f"{len(result.written)} example(s) written, {len(result.skipped)} skipped",
            )
    with engine().connect() as connection:
        ready = [example for _, example in ready_to_export(connection)]
    return render_template("export.html", form=form, ready=ready, result=result)
