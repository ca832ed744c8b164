"""The action server for `make run`: rasa_sdk's server, started only when what the actions
need is sound, and with no person's text in its log (bot/ops/log_privacy.py).

Before serving, the referral directory and the responses are checked and loaded (they were
loaded on the first turn, so one malformed entry made every turn fail while /health stayed
green), and the actions are imported (rasa_sdk only logs an ImportError and serves no
action). A problem stops the start with a message naming it, and exit code 2.

Usage: `python -m bot.ops.action_server --actions actions --port 5055` (rasa_sdk's options).
"""

from __future__ import annotations

import sys

EXIT_CHECK_FAILED = 2


def prepare() -> None:
    """Check and load what the actions use; raise StartupCheckFailed on a problem."""
    from bot.ops.preflight import StartupCheckFailed, directory_problems, response_problems

    problems = directory_problems() + response_problems()
    if problems:
        raise StartupCheckFailed(problems)
    from bot.referrals import default_directory
    from bot.screening.messages import screening_messages

    default_directory()
    screening_messages()
    import actions.screening  # noqa: F401 (an import error must stop the start)


def main() -> None:
    """Run the checks, then rasa_sdk's command line, with no person's text in its log."""
    from bot.ops.log_privacy import install_for_action_server
    from bot.ops.preflight import StartupCheckFailed

    install_for_action_server()
    try:
        prepare()
    except StartupCheckFailed as error:
        print(f"action server: {error}", file=sys.stderr, flush=True)
        sys.exit(EXIT_CHECK_FAILED)
    from rasa_sdk.__main__ import main as rasa_sdk_main

    sys.argv[0] = "rasa_sdk"
    rasa_sdk_main()


if __name__ == "__main__":
    main()
