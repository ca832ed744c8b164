"""Caseworkers' pages: the queue, a conversation's transcript, and its follow-up."""

from __future__ import annotations

from functools import lru_cache

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from bot.console import audit
from bot.console.accounts import all_accounts
from bot.console.followup import (
    FollowUpError,
    add_note,
    audit_detail,
    get_follow_up,
    history,
    update_follow_up,
)
from bot.console.forms import FollowUpForm, NoteForm, QueueFilterForm
from bot.console.index import sync
from bot.console.queue import QueueFilters, countries_in_queue, level_counts, query_queue
from bot.console.routing import page_number
from bot.console.security import client_ip, engine, roles_required
from bot.console.tables import conversations
from bot.conversations.erasure import ERASURES_TABLE, erasures
from bot.conversations.events import table_exists
from bot.conversations.transcript import load_transcript
from bot.referrals import DirectoryError, load_directory

blueprint = Blueprint("cases", __name__)
CASEWORKER = "caseworker"


@lru_cache(maxsize=1)
def referral_choices() -> tuple[str, ...]:
    """Organisations of the referral directory, offered when recording a referral."""
    try:
        directory = load_directory()
    except (DirectoryError, OSError):
        return ()
    return tuple(sorted({f"{entry.organisation} ({entry.country})" for entry in directory}))


def _filters(form: QueueFilterForm) -> QueueFilters:
    """The filters the form holds; a field that does not validate filters nothing."""
    form.validate()

    def value(name: str):
        field = getattr(form, name)
        return None if field.errors or field.data in ("", None) else field.data

    return QueueFilters(
        level=value("level"),
        flag=value("flag"),
        stage=value("stage"),
        country=value("country"),
        status=value("status"),
        since=value("since"),
        until=value("until"),
        text=value("text") or "",
        page=page_number(value("page")),
    )


@blueprint.route("/queue")
@roles_required(CASEWORKER)
def queue():
    """Conversations by risk, then recency; filters in the URL."""
    sync(engine())
    form = QueueFilterForm(request.args)
    with engine().connect() as connection:
        form.country.choices = [("", "any")] + [(c, c) for c in countries_in_queue(connection)]
        filters = _filters(form)
        page = query_queue(connection, filters)
        counts = level_counts(connection)
    used = [
        name
        for name in ("level", "flag", "stage", "country", "status", "since", "until")
        if getattr(filters, name)
    ]
    with engine().begin() as connection:
        audit.record(
            connection,
            current_user.username,
            audit.VIEW_QUEUE,
            ip=client_ip(),
            detail=f"filters: {', '.join(used) or 'none'}; text search: "
            f"{'yes' if filters.text else 'no'}; page {filters.page}",
        )
    arguments = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "queue.html", form=form, page=page, filters=filters, arguments=arguments, counts=counts
    )


def _erasure_of(connection: sa.engine.Connection, sender_id: str):
    if not table_exists(connection, ERASURES_TABLE):
        return None
    return connection.execute(
        sa.select(erasures).where(erasures.c.sender_id == sender_id).order_by(erasures.c.id.desc())
    ).first()


def _caseworkers() -> list[tuple[str, str]]:
    with engine().connect() as connection:
        names = [a.username for a in all_accounts(connection) if a.active and a.role == CASEWORKER]
    return [("", "nobody")] + [(n, n) for n in names]


@blueprint.route("/conversations/<conversation:sender_id>")
@roles_required(CASEWORKER)
def conversation(sender_id: str):
    """The whole conversation with its flags, slots, risk history and follow-up."""
    with engine().connect() as connection:
        transcript = load_transcript(connection, sender_id)
        erasure = _erasure_of(connection, sender_id) if transcript is None else None
        follow_up = get_follow_up(connection, sender_id)
        changes, notes = history(connection, sender_id)
        summary = connection.execute(
            sa.select(conversations).where(conversations.c.sender_id == sender_id)
        ).first()
    with engine().begin() as connection:
        audit.record(
            connection,
            current_user.username,
            audit.VIEW_TRANSCRIPT,
            sender_id,
            client_ip(),
            None if transcript else ("erased" if erasure else "not found"),
        )
    if transcript is None:
        return render_template("gone.html", sender_id=sender_id, erasure=erasure), 404
    form = FollowUpForm(
        status=follow_up.status, assignee=follow_up.assignee or "", referral=follow_up.referral
    )
    form.assignee.choices = _caseworkers()
    return render_template(
        "conversation.html",
        transcript=transcript,
        summary=summary,
        follow_up=follow_up,
        changes=changes,
        notes=notes,
        form=form,
        note_form=NoteForm(),
        referrals=referral_choices(),
    )


def _known(sender_id: str) -> None:
    """404 unless something is stored under this conversation id."""
    with engine().connect() as connection:
        if load_transcript(connection, sender_id) is None:
            abort(404)


@blueprint.route("/follow-up/<conversation:sender_id>", methods=["POST"])
@roles_required(CASEWORKER)
def save_follow_up(sender_id: str):
    """Save status, assignee and referral; each change is attributed and dated."""
    _known(sender_id)
    form = FollowUpForm()
    form.assignee.choices = _caseworkers()
    if not form.validate_on_submit():
        flash(
            "The follow-up was not saved: "
            + "; ".join(
                f"{getattr(form, name).label.text}: {' '.join(errors)}"
                for name, errors in form.errors.items()
            ),
            "error",
        )
        return redirect(url_for("cases.conversation", sender_id=sender_id))
    try:
        with engine().begin() as connection:
            changes = update_follow_up(
                connection,
                sender_id,
                current_user.username,
                form.status.data,
                form.assignee.data,
                form.referral.data,
            )
            for change in changes:
                audit.record(
                    connection,
                    current_user.username,
                    audit.FOLLOW_UP_CHANGE,
                    sender_id,
                    client_ip(),
                    audit_detail(change),
                )
    except FollowUpError as error:
        flash(str(error), "error")
    else:
        flash("Follow-up saved." if changes else "Nothing changed.", "info")
    return redirect(url_for("cases.conversation", sender_id=sender_id))


@blueprint.route("/notes/<conversation:sender_id>", methods=["POST"])
@roles_required(CASEWORKER)
def save_note(sender_id: str):
    """Add a dated note (the access log records that a note was added, not its text)."""
    _known(sender_id)
    form = NoteForm()
    if not form.validate_on_submit():
        flash("The note was not saved: it is empty or too long.", "error")
        return redirect(url_for("cases.conversation", sender_id=sender_id))
    try:
        with engine().begin() as connection:
            add_note(connection, sender_id, current_user.username, form.text.data)
            audit.record(
                connection, current_user.username, audit.NOTE_ADDED, sender_id, client_ip()
            )
    except FollowUpError as error:
        flash(str(error), "error")
    else:
        flash("Note added.", "info")
    return redirect(url_for("cases.conversation", sender_id=sender_id) + "#follow-up")
