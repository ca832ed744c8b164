"""`python -m bot.console COMMAND`: serve, accounts, retention, erasure, migrations, log check."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from sqlalchemy.engine import Engine

from bot.console import audit
from bot.console.accounts import AccountError, create_account
from bot.console.config import load_config
from bot.console.db import make_engine, migrate
from bot.console.retention import erase_by_admin, purge_expired
from bot.console.tables import ROLES


def _cli_actor() -> str:
    return f"cli:{getpass.getuser()}"


def _read_password(from_stdin: bool) -> str:
    """The new password: typed twice without echo, or one line of standard input."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password (12 characters or more): ")
    if getpass.getpass("Repeat the password: ") != first:
        raise AccountError("The two passwords differ.")
    return first


def _create(args: argparse.Namespace, role: str) -> int:
    config = load_config()
    engine = make_engine(config.database_url)
    migrate(engine)
    username = args.username or input("Username: ")
    try:
        password = _read_password(args.password_stdin)
        with engine.begin() as connection:
            account = create_account(connection, username, password, role, _cli_actor())
            audit.record(
                connection,
                _cli_actor(),
                audit.ACCOUNT_CHANGE,
                account.username,
                detail=f"created with role {role} from the command line",
            )
    except (AccountError, EOFError) as error:
        print(f"lantern console: {error}", file=sys.stderr)
        return 1
    print(f"Account {account.username} ({role}) created. Log in at {config.url}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run one command; exit non-zero on failure."""
    parser = argparse.ArgumentParser(prog="python -m bot.console", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="serve the console (CONSOLE_PORT, BIND_HOST from .env)")
    commands.add_parser("migrate", help="create or update the console's tables")
    for name, text in (
        ("create-admin", "create an admin account"),
        ("create-user", "create an account"),
    ):
        sub = commands.add_parser(name, help=text)
        sub.add_argument("--username")
        sub.add_argument(
            "--password-stdin", action="store_true", help="read the password from stdin"
        )
        if name == "create-user":
            sub.add_argument("--role", choices=ROLES, required=True)
    purge = commands.add_parser("purge", help="erase conversations older than RETENTION_DAYS")
    purge.add_argument("--days", type=int, help="override RETENTION_DAYS")
    erase = commands.add_parser("erase", help="erase one conversation on request")
    erase.add_argument("sender_id")
    commands.add_parser(
        "verify-log", help="check the access log's chain; name the first row that was changed"
    )
    args = parser.parse_args(argv)

    if args.command == "serve":
        from bot.console.serve import run

        run(load_config(), threads=int(os.environ.get("CONSOLE_THREADS", "4")))
        return 0
    if args.command in ("create-admin", "create-user"):
        return _create(args, "admin" if args.command == "create-admin" else args.role)
    config = load_config()
    engine = make_engine(config.database_url)
    migrate(engine)
    if args.command == "migrate":
        print("lantern console: tables up to date")
    elif args.command == "purge":
        days = args.days or config.retention_days
        if days < 1:
            print("lantern console: --days must be 1 or more", file=sys.stderr)
            return 2
        erased = purge_expired(engine, days, actor=f"{_cli_actor()} (retention)")
        print(f"lantern console: {len(erased)} conversation(s) older than {days} days erased")
    elif args.command == "erase":
        with engine.begin() as connection:
            deleted = erase_by_admin(connection, args.sender_id, _cli_actor(), None)
        print(f"lantern console: conversation erased ({deleted} stored events deleted)")
    elif args.command == "verify-log":
        return _verify_log(engine)
    return 0


def _verify_log(engine: Engine) -> int:
    """Check the access log's chain (the check itself is logged); exit 1 when it is broken."""
    with engine.connect() as connection:
        check = audit.verify_log(connection)
    with engine.begin() as connection:
        audit.record(connection, _cli_actor(), audit.VERIFY_LOG, detail=audit.describe(check))
    if check.intact:
        print(f"lantern console: access log {audit.describe(check)}")
        return 0
    print(f"lantern console: access log {audit.describe(check)}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
