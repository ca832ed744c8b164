"""A TCP relay the browser tests put between the chat page and Rasa, to cut the link
(as a dropped mobile connection or a stopped server looks to the page) and restore it."""

from __future__ import annotations

import socket
import threading

from bot.ops.processes import free_port


def _close(connection: socket.socket) -> None:
    try:
        connection.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    connection.close()


class Relay:
    """Forwards 127.0.0.1:port to 127.0.0.1:target while up; refuses connections while cut."""

    def __init__(self, target: int) -> None:
        self.target = target
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._live: dict[socket.socket, socket.socket] = {}  # browser side -> Rasa side
        self._lock = threading.Lock()

    def restore(self) -> None:
        """Accept and forward connections (again)."""
        if self._listener is not None:
            return
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        """Close every forwarded connection and stop listening: connections are refused."""
        if self._listener is not None:
            _close(self._listener)  # shutdown() wakes the thread blocked in accept()
            self._listener = None
        with self._lock:
            pairs = list(self._live.items())
            self._live.clear()
        for browser_side, rasa_side in pairs:
            _close(browser_side)
            _close(rasa_side)

    def live_connections(self) -> int:
        """Connections from the browser that are still open."""
        with self._lock:
            return len(self._live)

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target))
            except OSError:
                client.close()
                continue
            with self._lock:
                self._live[client] = upstream
            for source, sink in ((client, upstream), (upstream, client)):
                pump = threading.Thread(target=self._pump, args=(client, source, sink), daemon=True)
                pump.start()

    def _pump(self, client: socket.socket, source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            with self._lock:
                self._live.pop(client, None)
            _close(source)
            _close(sink)
