"""Staff accounts: Argon2 password hashes (argon2-cffi), roles, and enabling/disabling."""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.engine import Connection

from bot.console.db import utcnow
from bot.console.tables import ROLES, sessions, users

MIN_PASSWORD_CHARS = 12
MAX_PASSWORD_CHARS = 256
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")

_hasher = PasswordHasher()
# Verified when the username is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password-only-for-timing")


class AccountError(ValueError):
    """An account request that cannot be done, with a message for the person asking."""


@dataclass(frozen=True)
class Account:
    """A staff member who can log in."""

    id: int
    username: str
    role: str
    active: bool


def check_new_password(password: str) -> None:
    """Refuse passwords that are too short or absurdly long."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise AccountError(f"The password needs at least {MIN_PASSWORD_CHARS} characters.")
    if len(password) > MAX_PASSWORD_CHARS:
        raise AccountError(f"The password can have at most {MAX_PASSWORD_CHARS} characters.")


def create_account(
    connection: Connection, username: str, password: str, role: str, created_by: str
) -> Account:
    """Create an account; the password is stored only as an Argon2 hash."""
    username = username.strip().lower()
    if not USERNAME.fullmatch(username):
        raise AccountError(
            "A username is 2 to 64 characters: lowercase letters, digits, '.', '_' or '-'."
        )
    if role not in ROLES:
        raise AccountError(f"Unknown role {role!r}; choose one of {', '.join(ROLES)}.")
    check_new_password(password)
    if find_account(connection, username) is not None:
        raise AccountError(f"The username {username!r} is taken.")
    new_id = connection.execute(
        sa.insert(users).values(
            username=username,
            password_hash=_hasher.hash(password),
            role=role,
            active=True,
            created_at=utcnow(),
            created_by=created_by,
        )
    ).inserted_primary_key[0]
    return Account(int(new_id), username, role, True)


def _account(row: sa.engine.Row) -> Account:
    return Account(int(row.id), row.username, row.role, bool(row.active))


def find_account(connection: Connection, username: str) -> Account | None:
    """The account with this username, if any."""
    row = connection.execute(
        sa.select(users).where(users.c.username == username.strip().lower()[:64])
    ).first()
    return _account(row) if row else None


def get_account(connection: Connection, account_id: int) -> Account | None:
    """The account with this id, if any."""
    row = connection.execute(sa.select(users).where(users.c.id == account_id)).first()
    return _account(row) if row else None


def all_accounts(connection: Connection) -> list[Account]:
    """Every account, by username."""
    return [_account(r) for r in connection.execute(sa.select(users).order_by(users.c.username))]


def authenticate(connection: Connection, username: str, password: str) -> Account | None:
    """The active account whose password this is, else None (same cost either way)."""
    row = connection.execute(
        sa.select(users).where(users.c.username == username.strip().lower()[:64])
    ).first()
    if row is None or len(password) > MAX_PASSWORD_CHARS:
        try:
            _hasher.verify(_DUMMY_HASH, password[:MAX_PASSWORD_CHARS])
        except VerificationError:
            pass
        return None
    try:
        _hasher.verify(row.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if _hasher.check_needs_rehash(row.password_hash):
        connection.execute(
            sa.update(users)
            .where(users.c.id == row.id)
            .values(password_hash=_hasher.hash(password))
        )
    return _account(row) if row.active else None


def set_password(connection: Connection, account_id: int, password: str) -> None:
    """Replace the password and end the account's sessions."""
    check_new_password(password)
    connection.execute(
        sa.update(users)
        .where(users.c.id == account_id)
        .values(password_hash=_hasher.hash(password))
    )
    connection.execute(sa.delete(sessions).where(sessions.c.user_id == account_id))


def set_active(connection: Connection, account_id: int, active: bool) -> None:
    """Enable or disable an account; disabling ends its sessions."""
    connection.execute(sa.update(users).where(users.c.id == account_id).values(active=active))
    if not active:
        connection.execute(sa.delete(sessions).where(sessions.c.user_id == account_id))


def active_admins(connection: Connection) -> int:
    """How many enabled admin accounts exist."""
    return connection.execute(
        sa.select(sa.func.count()).select_from(users).where(users.c.role == "admin", users.c.active)
    ).scalar_one()
