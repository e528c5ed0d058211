"""``ThreadedServer``: the emulator on a real socket (waitress) in a background thread.

For tests that need a real socket without a subprocess, and for ``mockaep serve`` itself::

    with ThreadedServer() as server:          # a fresh emulator, a free port on 127.0.0.1
        requests.get(f"{server.url}/_mockaep/health")

``stop()`` stops accepting, lets requests in flight finish (up to ``grace`` seconds), closes every
connection (idle keep-alive ones included) and joins the thread: nothing is left running.
"""
from __future__ import annotations

import socket
import threading
import time
from typing import Any

from waitress import wasyncore
from waitress.server import BaseWSGIServer, create_server

from mockaep.app import create_app
from mockaep.core.config import Config
from mockaep.testing.control import ControlPlane

MAX_THREADS = 256
#: How often stop() looks again for connections that became idle.
_STOP_POLL_SECONDS = 0.02


def check_port(port: Any) -> int:
    if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
        raise ValueError(f"port must be an integer in 0..65535 (0 picks a free one), got {port!r}")
    return port


def check_threads(threads: Any) -> int:
    if isinstance(threads, bool) or not isinstance(threads, int) or not 1 <= threads <= MAX_THREADS:
        raise ValueError(f"threads must be an integer in 1..{MAX_THREADS}, got {threads!r}")
    return threads


def _idle(channel: Any) -> bool:
    return (not getattr(channel, "requests", None) and getattr(channel, "request", None) is None
            and not getattr(channel, "total_outbufs_len", 0))


class ThreadedServer:
    """A WSGI app (a fresh ``mockaep.create_app(config)`` by default) served by waitress in a thread.

    ``url`` is the base URL once started; ``control`` talks to its ``/_mockaep`` control plane.
    ``start()`` raises ``OSError`` when the address cannot be bound (port in use, unknown host).
    """

    def __init__(self, app: Any = None, *, host: str = "127.0.0.1", port: int = 0, threads: int = 4,
                 config: Config | None = None) -> None:
        if app is not None and config is not None:
            raise ValueError("give app or config, not both")
        self.app = app if app is not None else create_app(config)
        self.host = host
        self.port = check_port(port)
        self.threads = check_threads(threads)
        self._server: Any = None
        self._map: dict[int, Any] = {}
        self._thread: threading.Thread | None = None
        self._control: ControlPlane | None = None

    # -- life cycle ------------------------------------------------------------------------------
    def start(self) -> "ThreadedServer":
        if self._server is not None:
            raise RuntimeError("the server is already running")
        socket_map: dict[int, Any] = {}
        try:
            socket.getaddrinfo(self.host, self.port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        except (socket.gaierror, UnicodeError) as exc:
            raise OSError(getattr(exc, "errno", None), f"{self.host!r} is not a host name or address of this "
                                                       f"machine ({getattr(exc, 'strerror', None) or exc})") from None
        try:
            server = create_server(self.app, map=socket_map, host=self.host, port=self.port, threads=self.threads,
                                   ident="mockaep", clear_untrusted_proxy_headers=True)
        except ValueError as exc:  # waitress's word for an address it cannot use
            raise OSError(None, f"{self.host!r} port {self.port}: {exc}") from None
        # One listener per address the host resolves to (localhost: IPv4 and IPv6); the URL names the first.
        listeners = [d for d in socket_map.values() if isinstance(d, BaseWSGIServer)]
        self.port = int(listeners[0].effective_port)
        self._map = socket_map
        self._server = server
        self._thread = threading.Thread(target=self._run, args=(server,), name=f"mockaep-{self.port}", daemon=True)
        self._thread.start()
        return self

    @staticmethod
    def _run(server: Any) -> None:
        try:
            server.run()
        except (OSError, ValueError):
            pass  # the loop can see its sockets closed underneath it while stopping

    def stop(self, grace: float = 10.0) -> None:
        """Stop serving; waits up to ``grace`` seconds for requests in flight. Idempotent."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        self._server = self._thread = None
        if self._control is not None:
            self._control.close()
            self._control = None
        socket_map = self._map
        listeners = [d for d in list(socket_map.values()) if isinstance(d, BaseWSGIServer)]
        trigger = listeners[0].trigger
        deadline = time.monotonic() + grace
        while thread.is_alive():
            force = time.monotonic() >= deadline
            try:
                trigger.pull_trigger(lambda force=force: self._close_step(socket_map, listeners, force))
            except OSError:
                break  # the trigger is closed: the loop is ending
            thread.join(_STOP_POLL_SECONDS)
        thread.join(grace)
        server.task_dispatcher.shutdown(timeout=grace)

    @staticmethod
    def _close_step(socket_map: dict[int, Any], listeners: list[Any], force: bool) -> None:
        """Runs in the server's loop thread: close what can be closed; the loop ends when nothing is left."""
        triggers = {id(listener.trigger) for listener in listeners}
        for listener in listeners:
            if listener.socket is not None and listener._fileno in socket_map:
                wasyncore.dispatcher.close(listener)  # stop accepting
        busy = False
        for channel in list(socket_map.values()):
            if id(channel) in triggers or isinstance(channel, BaseWSGIServer):
                continue
            if force or _idle(channel):
                channel.handle_close()
            else:
                busy = True
        if not busy:
            for listener in listeners:
                listener.trigger.close()

    # -- conveniences ----------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the server is not running: call start() first")
        host = self.host
        if host in ("0.0.0.0", ""):
            host = "127.0.0.1"
        elif host == "::":
            host = "::1"
        return f"http://[{host}]:{self.port}" if ":" in host else f"http://{host}:{self.port}"

    @property
    def control(self) -> ControlPlane:
        """The control plane (clock, journal, faults, state) of the served emulator."""
        if self._control is None:
            self._control = ControlPlane(self.url)
        return self._control

    def __enter__(self) -> "ThreadedServer":
        return self.start()

    def __exit__(self, *_exc: Any) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<ThreadedServer {self.url if self.running else 'stopped'}>"
