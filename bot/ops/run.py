"""`make run`: train if needed, start Lantern, print where to chat, stop on Ctrl-C."""

from __future__ import annotations

import os
import signal
import sys
import time

from bot.ops.console_process import console_url, start_console
from bot.ops.modelcache import ensure_model
from bot.ops.paths import var_dir
from bot.ops.private_files import SERVICE_UMASK
from bot.ops.processes import ManagedProcess, port_is_free, stop_all
from bot.ops.stack import Stack
from bot.settings import ensure_env_file, load_settings
from bot.storage import StoreUnavailable
from bot.web.service import start_web_server


def _stop_on_signal(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> int:
    """Serve until interrupted; exit non-zero when something cannot start."""
    started = time.monotonic()
    os.umask(SERVICE_UMASK)  # what make run creates (var/, logs, the database) is private
    if ensure_env_file():
        print("lantern: created .env from .env.example (with a new RASA_TOKEN)")
    settings = load_settings()
    busy = [
        port
        for port in (
            settings.rasa_port,
            settings.action_port,
            settings.web_port,
            settings.console_port,
        )
        if not port_is_free(settings.bind_host, port)
    ]
    if busy:
        print(
            f"lantern: port(s) {busy} already in use — is Lantern already running?", file=sys.stderr
        )
        return 1
    signal.signal(signal.SIGTERM, _stop_on_signal)
    stack: Stack | None = None
    servers: list[ManagedProcess] = []  # the chat page's server and the staff console
    try:
        stack = Stack(settings, ensure_model(), var_dir() / "logs")
        print("lantern: starting the action server and the Rasa server ...", flush=True)
        stack.start()
        servers.append(start_web_server(settings, stack.log_dir))
        print("lantern: starting the staff console ...", flush=True)
        servers.append(start_console(settings, stack.log_dir))
        print(
            f"""
Lantern is ready ({time.monotonic() - started:.0f} s).
  Chat page:     {settings.web_url}
  Chat (REST):   curl -s -X POST {settings.rasa_url}/webhooks/rest/webhook \\
                   -H 'Content-Type: application/json' -d '{{"sender": "me", "message": "hello"}}'
  Socket.IO:     {settings.rasa_url}/socket.io
  HTTP API:      {settings.rasa_url}/model/parse?token=<RASA_TOKEN from .env>
  Action server: {settings.action_url}
  Staff console: {console_url(settings)}  (first admin: make console-admin)
  Logs:          {stack.log_dir}
Press Ctrl-C to stop.""",
            flush=True,
        )
        while stack.running() and all(server.running() for server in servers):
            time.sleep(1)
        print("lantern: a server stopped unexpectedly; see the logs above.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nlantern: stopping ...", flush=True)
        return 0
    except (StoreUnavailable, RuntimeError, TimeoutError) as error:
        print(f"lantern: {error}", file=sys.stderr)
        return 1
    finally:
        # Everything stops at once, so Ctrl-C takes one shutdown's time, not four.
        stop_all([*reversed(servers), *(reversed(stack.processes) if stack else [])])


if __name__ == "__main__":
    sys.exit(main())
