"""Login, logout, the start page of each role, and changing one's own password."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from bot.console import audit
from bot.console.accounts import AccountError, authenticate, find_account, set_password
from bot.console.forms import LoginForm, PasswordForm
from bot.console.security import ConsoleUser, client_ip, config, engine, limiter
from bot.console.sessions import close_session, open_session

blueprint = Blueprint("auth", __name__)

UNKNOWN_ACCOUNT = "(no such account)"
HOME_BY_ROLE = {"caseworker": "cases.queue", "trainer": "inbox.inbox", "admin": "admin.accounts"}


def _local(target: str | None) -> str | None:
    """`target` when it is a path on this console (never another site), else None. A path
    with "." or ".." segments is refused too: the browser would go elsewhere (the page
    asked for was a conversation whose id, decoded, looks like "../admin")."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.netloc or {".", ".."} & {unquote(s) for s in parts.path.split("/")}:
        return None
    return target


def _failed_login(response: object) -> bool:
    return getattr(response, "status_code", 200) == 401


@blueprint.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: config().login_limits, methods=["POST"], deduct_when=_failed_login)
def login():
    """Log in; every attempt, good or bad, goes to the access log."""
    if current_user.is_authenticated:
        return redirect(url_for("auth.home"))
    form = LoginForm()
    if form.validate_on_submit():
        with engine().begin() as connection:
            account = authenticate(connection, form.username.data, form.password.data)
            if account is None:
                # The name typed is logged only when it is an account's: a password typed
                # into the wrong field must not stay in the append-only log.
                known = find_account(connection, form.username.data)
                audit.record(
                    connection,
                    known.username if known else UNKNOWN_ACCOUNT,
                    audit.LOGIN_FAILED,
                    ip=client_ip(),
                )
            else:
                token = open_session(connection, account.id)
                audit.record(connection, account.username, audit.LOGIN, ip=client_ip())
        if account is None:
            flash("The username or the password is not right.", "error")
            return render_template("login.html", form=form), 401
        session.clear()
        session.permanent = True
        login_user(ConsoleUser(account, token))
        return redirect(_local(request.args.get("next")) or url_for("auth.home"))
    return render_template("login.html", form=form)


@blueprint.route("/logout", methods=["POST"])
@login_required
def logout():
    """End the session here and in the database."""
    with engine().begin() as connection:
        close_session(connection, current_user.token)
        audit.record(connection, current_user.username, audit.LOGOUT, ip=client_ip())
    logout_user()
    session.clear()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))


@blueprint.route("/")
@login_required
def home():
    """Each role's start page."""
    return redirect(url_for(HOME_BY_ROLE[current_user.role]))


@blueprint.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's own password (all other sessions of the account end)."""
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            with engine().begin() as connection:
                set_password(connection, current_user.account.id, form.password.data)
                audit.record(
                    connection,
                    current_user.username,
                    audit.ACCOUNT_CHANGE,
                    current_user.username,
                    client_ip(),
                    "changed own password",
                )
        except AccountError as error:
            flash(str(error), "error")
        else:
            logout_user()
            session.clear()
            flash("Your password is changed. Please log in again.", "info")
            return redirect(url_for("auth.login"))
    return render_template("password.html", form=form)
