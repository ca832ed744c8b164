"""Admins' pages: accounts, the access log, retention and erasure."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.engine import Connection

from bot.console import audit
from bot.console.accounts import (
    AccountError,
    active_admins,
    all_accounts,
    create_account,
    get_account,
    set_active,
    set_password,
)
from bot.console.forms import AccountForm, ActionForm, EraseForm, PasswordForm
from bot.console.index import sync
from bot.console.retention import erase_by_admin, expired_conversations, purge_expired
from bot.console.routing import page_number
from bot.console.security import client_ip, config, engine, roles_required
from bot.console.text import visible_nul
from bot.conversations.erasure import list_erasures

blueprint = Blueprint("admin", __name__, url_prefix="/admin")
ADMIN = "admin"
AUDIT_PAGE = 100


@blueprint.route("/accounts", methods=["GET", "POST"])
@roles_required(ADMIN)
def accounts():
    """List accounts and create one."""
    form = AccountForm()
    if form.validate_on_submit():
        try:
            with engine().begin() as connection:
                account = create_account(
                    connection,
                    form.username.data,
                    form.password.data,
                    form.role.data,
                    current_user.username,
                )
                _record_account_change(
                    connection, account.username, f"created with role {account.role}"
                )
        except AccountError as error:
            flash(str(error), "error")
        else:
            flash(f"Account {account.username} created.", "info")
            return redirect(url_for("admin.accounts"))
    with engine().connect() as connection:
        listed = all_accounts(connection)
    return render_template(
        "accounts.html", form=form, accounts=listed, action=ActionForm(), password=PasswordForm()
    )


@blueprint.route("/accounts/<row_id:account_id>/active", methods=["POST"])
@roles_required(ADMIN)
def toggle_active(account_id: int):
    """Disable or enable an account (the last active admin cannot be disabled)."""
    form = ActionForm()
    if form.validate_on_submit():
        with engine().begin() as connection:
            account = get_account(connection, account_id)
            if account is None:
                flash("No such account.", "error")
            elif account.active and account.role == ADMIN and active_admins(connection) <= 1:
                flash("The last active admin cannot be disabled.", "error")
            else:
                set_active(connection, account_id, not account.active)
                _record_account_change(
                    connection, account.username, "disabled" if account.active else "enabled"
                )
                flash(f"{account.username} {'disabled' if account.active else 'enabled'}.", "info")
    return redirect(url_for("admin.accounts"))


@blueprint.route("/accounts/<row_id:account_id>/password", methods=["POST"])
@roles_required(ADMIN)
def reset_password(account_id: int):
    """Set a new password for an account (its sessions end)."""
    form = PasswordForm()
    if not form.validate_on_submit():
        flash(
            "Password not changed: " + "; ".join(" ".join(e) for e in form.errors.values()), "error"
        )
        return redirect(url_for("admin.accounts"))
    with engine().begin() as connection:
        account = get_account(connection, account_id)
        if account is None:
            flash("No such account.", "error")
            return redirect(url_for("admin.accounts"))
        try:
            set_password(connection, account_id, form.password.data)
        except AccountError as error:
            flash(str(error), "error")
            return redirect(url_for("admin.accounts"))
        _record_account_change(connection, account.username, "password reset")
    flash(f"New password set for {account.username}.", "info")
    return redirect(url_for("admin.accounts"))


@blueprint.route("/audit")
@roles_required(ADMIN)
def audit_log():
    """The access log, newest first, narrowed by action, actor or conversation."""
    page = page_number(request.args.get("page", type=int))
    wanted = {
        k: visible_nul((request.args.get(k) or "").strip()[:255]) or None
        for k in ("action", "actor", "target")
    }
    with engine().connect() as connection:
        rows = audit.entries(
            connection, limit=AUDIT_PAGE + 1, offset=(page - 1) * AUDIT_PAGE, **wanted
        )
    arguments = {k: v for k, v in wanted.items() if v}
    return render_template(
        "audit.html",
        rows=rows[:AUDIT_PAGE],
        more=len(rows) > AUDIT_PAGE,
        page=page,
        wanted=wanted,
        arguments=arguments,
        actions=audit.ACTIONS,
    )


@blueprint.route("/audit/verify")
@roles_required(ADMIN)
def verify_audit_log():
    """Check the access log's chain and name the first row changed, removed or inserted."""
    with engine().connect() as connection:
        check = audit.verify_log(connection)
    with engine().begin() as connection:
        audit.record(
            connection,
            current_user.username,
            audit.VERIFY_LOG,
            ip=client_ip(),
            detail=audit.describe(check),
        )
    return render_template("audit_verify.html", check=check, summary=audit.describe(check))


@blueprint.route("/retention", methods=["GET"])
@roles_required(ADMIN)
def retention():
    """Retention setting, what it would delete now, erasures done, and the erase form."""
    days = config().retention_days
    sync(engine())
    with engine().connect() as connection:
        due = len(expired_conversations(connection, days))
        erased = list_erasures(connection, limit=200)
    return render_template(
        "retention.html",
        days=days,
        due=due,
        erased=erased,
        purge=ActionForm(),
        erase=EraseForm(),
    )


@blueprint.route("/retention/purge", methods=["POST"])
@roles_required(ADMIN)
def purge():
    """Run the retention job now."""
    if ActionForm().validate_on_submit():
        erased = purge_expired(
            engine(), config().retention_days, actor=f"{current_user.username} (retention)"
        )
        flash(f"{len(erased)} conversation(s) older than the retention period erased.", "info")
    return redirect(url_for("admin.retention"))


@blueprint.route("/erase", methods=["POST"])
@roles_required(ADMIN)
def erase():
    """Erase one conversation on request (the id typed twice)."""
    form = EraseForm()
    if not form.validate_on_submit():
        flash("Not erased: " + "; ".join(" ".join(e) for e in form.errors.values()), "error")
        return redirect(url_for("admin.retention"))
    sender_id = form.sender_id.data.strip()
    with engine().begin() as connection:
        deleted = erase_by_admin(connection, sender_id, current_user.username, client_ip())
    flash(
        f"Conversation {sender_id} erased ({deleted} stored events deleted)."
        if deleted
        else f"Nothing was stored under {sender_id}; the request is recorded.",
        "info",
    )
    return redirect(url_for("admin.retention"))


def _record_account_change(connection: Connection, username: str, detail: str) -> None:
    """Write an account change by the logged-in admin to the access log."""
    audit.record(
        connection, current_user.username, audit.ACCOUNT_CHANGE, username, client_ip(), detail
    )
