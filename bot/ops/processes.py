"""Start, watch and stop the server processes as process groups."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.ops.private_files import SERVICE_UMASK, open_private_log


@dataclass
class ManagedProcess:
    """A server started in its own process group, its output in a log file."""

    name: str
    command: list[str]
    log_path: Path
    env: dict[str, str]
    cwd: Path
    process: subprocess.Popen | None = field(default=None, repr=False)

    def start(self) -> None:
        """Start the process in a new session so the whole group can be stopped; its log
        and whatever it creates are private (0600, umask 077)."""
        log = open_private_log(self.log_path)
        self.process = subprocess.Popen(
            self.command,
            cwd=self.cwd,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            umask=SERVICE_UMASK,
        )
        log.close()

    def running(self) -> bool:
        """True while the process has not exited."""
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM the group, then SIGKILL what is left after the timeout."""
        if self.process is None:
            return
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.process.wait(timeout=timeout)
                # The leader exited; make sure no child of the group survives it.
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                break
            except subprocess.TimeoutExpired:
                continue
        self.process.wait()

    def terminate(self) -> None:
        """Send SIGTERM to the group without waiting (see `stop_all`)."""
        if self.process is not None and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    def log_tail(self, lines: int = 30) -> str:
        """The end of the log, for error messages."""
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def stop_all(processes: list[ManagedProcess], timeout: float = 15.0) -> None:
    """Stop several servers at once: all get SIGTERM together, so their shutdowns overlap
    instead of adding up; whatever is left after the timeout is killed."""
    for managed in processes:
        managed.terminate()
    deadline = time.monotonic() + timeout
    for managed in processes:
        managed.stop(timeout=max(0.5, deadline - time.monotonic()))


def port_is_free(host: str, port: int) -> bool:
    """True when nothing listens on host:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def http_ok(url: str, timeout: float = 2.0) -> bool:
    """True when a GET on the URL answers 200."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


def wait_until(ready: Callable[[], bool], processes: list[ManagedProcess], timeout: float) -> None:
    """Poll until ready, or raise if a process died or the time ran out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return
        for managed in processes:
            if not managed.running():
                raise RuntimeError(
                    f"{managed.name} exited while starting; end of {managed.log_path}:\n"
                    f"{managed.log_tail()}"
                )
        time.sleep(0.25)
    raise TimeoutError(f"not ready after {timeout:.0f} s")
