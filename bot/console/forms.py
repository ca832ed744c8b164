"""The console's forms (Flask-WTF: every POST form carries a CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, EqualTo, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from bot.console.accounts import MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS
from bot.console.followup import MAX_FIELD_CHARS, MAX_NOTE_CHARS
from bot.console.tables import FOLLOW_UP_STATUSES, ROLES
from bot.console.text import visible_nul
from bot.contract import FLAG_IDS, RISK_LEVELS, STAGES

STATUS_LABELS = {
    "new": "New",
    "in_progress": "In progress",
    "referred": "Referred",
    "closed": "Closed",
}


class ConsoleForm(FlaskForm):
    """A form whose every field turns NUL characters into a visible mark when it reads them."""

    class Meta:
        def bind_field(self, form, unbound_field, options):  # noqa: ANN001, ANN201 - WTForms'
            filters = (*unbound_field.kwargs.get("filters", ()), visible_nul)
            return unbound_field.bind(form=form, **{**options, "filters": filters})


def _any(choices: list[str] | tuple[str, ...], labels: dict[str, str] | None = None):
    return [("", "any")] + [(c, (labels or {}).get(c, c)) for c in choices]


class LoginForm(ConsoleForm):
    """Username and password."""

    username = StringField("Username", validators=[DataRequired(), Length(max=64)])
    password = PasswordField(
        "Password", validators=[DataRequired(), Length(max=MAX_PASSWORD_CHARS)]
    )
    submit = SubmitField("Log in")


class QueueFilterForm(ConsoleForm):
    """The queue's filters, sent in the URL (GET: no CSRF token needed, nothing changes)."""

    class Meta:
        csrf = False

    level = SelectField("Risk", choices=_any(list(reversed(RISK_LEVELS))), default="")
    flag = SelectField("Flag", choices=_any(sorted(FLAG_IDS)), default="")
    stage = SelectField("Stage", choices=_any(STAGES), default="")
    country = SelectField("Country", choices=[("", "any")], default="")
    status = SelectField("Follow-up", choices=_any(FOLLOW_UP_STATUSES, STATUS_LABELS), default="")
    since = DateField("Last message from", validators=[Optional()])
    until = DateField("to", validators=[Optional()])
    text = StringField("Text", validators=[Optional(), Length(max=200)])
    page = IntegerField("Page", default=1, validators=[Optional()])


class FollowUpForm(ConsoleForm):
    """Status, assignee and referral of a conversation's follow-up."""

    status = SelectField("Status", choices=[(s, STATUS_LABELS[s]) for s in FOLLOW_UP_STATUSES])
    assignee = SelectField("Assigned to", choices=[("", "nobody")])
    referral = StringField(
        "Referred to (organisation)", validators=[Optional(), Length(max=MAX_FIELD_CHARS)]
    )
    submit = SubmitField("Save follow-up")


class NoteForm(ConsoleForm):
    """A dated note."""

    text = TextAreaField("Note", validators=[DataRequired(), Length(max=MAX_NOTE_CHARS)])
    submit = SubmitField("Add note")


class AccountForm(ConsoleForm):
    """A new staff account."""

    username = StringField("Username", validators=[DataRequired(), Length(min=2, max=64)])
    role = SelectField("Role", choices=[(r, r) for r in ROLES])
    password = PasswordField(
        "Password",
        validators=[DataRequired(), Length(min=MIN_PASSWORD_CHARS, max=MAX_PASSWORD_CHARS)],
    )
    confirm = PasswordField(
        "Repeat the password", validators=[EqualTo("password", "The passwords differ.")]
    )
    submit = SubmitField("Create account")


class PasswordForm(ConsoleForm):
    """A new password for an account."""

    password = PasswordField(
        "New password",
        validators=[DataRequired(), Length(min=MIN_PASSWORD_CHARS, max=MAX_PASSWORD_CHARS)],
    )
    confirm = PasswordField(
        "Repeat the password", validators=[EqualTo("password", "The passwords differ.")]
    )
    submit = SubmitField("Set password")


class ActionForm(ConsoleForm):
    """A button that changes something (the form carries only the CSRF token)."""

    value = HiddenField()
    submit = SubmitField("Go")


class EraseForm(ConsoleForm):
    """Erase one conversation: its id, typed twice."""

    sender_id = StringField("Conversation id", validators=[DataRequired(), Length(max=255)])
    confirm = StringField(
        "Type the id again",
        validators=[DataRequired(), EqualTo("sender_id", "The two ids differ.")],
    )
    submit = SubmitField("Erase this conversation")


class ReviewForm(ConsoleForm):
    """A trainer's verdict on one message: confirm (with corrected labels) or skip."""

    event_id = HiddenField(validators=[DataRequired()])
    text = TextAreaField(
        "Text to keep (take out anything that still points to someone)",
        validators=[Optional(), Length(max=MAX_NOTE_CHARS)],
    )
    intent = SelectField("Intent", choices=[])
    flags = SelectMultipleField(
        "Red flags",
        choices=[(flag, flag) for flag in FLAG_IDS],
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
    )
    stage = SelectField("Stage", choices=[(s, s) for s in STAGES])
    urgent = BooleanField("Urgent: in danger right now")
    about_other = BooleanField("Written about someone else")
    confirm = SubmitField("Confirm these labels")
    skip = SubmitField("Skip: not useful for training")
