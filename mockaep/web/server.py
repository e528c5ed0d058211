"""Serving a WSGI app on waitress: in a background thread (:class:`WaitressServer`, under
``mockaep.ThreadedServer``) or until SIGINT/SIGTERM (:func:`run_wsgi`, under ``mockaep serve``),
with a clean shutdown and JSON for waitress's own refusals.

Waitress answers some requests itself, before any application code runs: a malformed request
line or header, an invalid ``Content-Length``, an unsupported ``Transfer-Encoding``, headers or a
body over its limits, and (never expected) an exception escaping the application. Its stock
answers are ``text/plain``; :class:`GatewayErrorTask` renders every one of them in the gateway's
JSON shape ``{"error_code", "message"}`` instead, with ``error_code`` = status + ``"000"``
(``"400000"``, ``"413000"``, ``"431000"``, ``"500000"``), since the platform documents no code
for them. A transfer coding waitress does not implement (stock answer: 501) is bad input, so it
is a 400 here.
"""
from __future__ import annotations

import errno
import json
import logging
import signal
import socket
import threading
import time
from typing import Any, Callable

from waitress import wasyncore
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, create_server
from waitress.task import ErrorTask
from waitress.utilities import ServerNotImplemented

from mockaep.web import accesslog

MAX_THREADS = 256
#: How often stop() looks again for connections that became idle.
_STOP_POLL_SECONDS = 0.02


class GatewayErrorTask(ErrorTask):
    """Waitress's error answer, in the gateway's JSON error shape."""

    def execute(self) -> None:
        error = self.request.error
        status = 400 if isinstance(error, ServerNotImplemented) else error.code
        reason = "Bad Request" if status == 400 else error.reason
        message = f"{reason}: {error.body}" if error.body else reason
        if status >= 500:  # never leak a traceback, whatever waitress was configured with
            message = "The server encountered an unexpected internal error."
        body = json.dumps({"error_code": f"{status}000", "message": message}).encode("utf-8")
        self.status = f"{status} {reason}"
        self.response_headers.append(("Content-Type", "application/json"))
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class GatewayChannel(HTTPChannel):
    error_task_class = GatewayErrorTask


def check_port(port: Any) -> int:
    if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
        raise ValueError(f"port must be an integer in 0..65535 (0 picks a free one), got {port!r}")
    return port


def check_threads(threads: Any) -> int:
    if isinstance(threads, bool) or not isinstance(threads, int) or not 1 <= threads <= MAX_THREADS:
        raise ValueError(f"threads must be an integer in 1..{MAX_THREADS}, got {threads!r}")
    return threads


#: Hosts that mean "every interface" → how the banner says it (waitress binds IPv6 sockets V6ONLY).
WILDCARD_HOSTS = {"0.0.0.0": "all IPv4 interfaces", "::": "all IPv6 interfaces", "": "all interfaces"}


def cannot_listen(host: str, port: int, exc: OSError) -> str:
    """The command line's one-line refusal of an address ``start()`` could not listen on."""
    message = f"cannot listen on {host}:{port}: {exc.strerror or exc}"
    if exc.errno == errno.EADDRINUSE:
        message += "; try another --port, or --port 0 for any free one"
    return message


def _idle(channel: Any) -> bool:
    return (not getattr(channel, "requests", None) and getattr(channel, "request", None) is None
            and not getattr(channel, "total_outbufs_len", 0))


class WaitressServer:
    """``app`` served by waitress in a background thread.

    ``start()`` binds (``OSError`` when the address cannot be used: port in use, a host that is
    not this machine's) and serves; ``url`` is then the base URL. ``stop()`` stops accepting, lets
    requests in flight finish (up to ``grace`` seconds), closes every connection (idle keep-alive
    ones included), joins the thread and the workers. ``max_body_bytes`` makes waitress refuse
    (413) larger bodies before buffering them; waitress's own refusals are JSON (``GatewayChannel``).
    """

    def __init__(self, app: Any, *, host: str = "127.0.0.1", port: int = 0, threads: int = 4,
                 max_body_bytes: int | None = None) -> None:
        self.app = app
        self.host = host
        self.port = check_port(port)
        self.threads = check_threads(threads)
        self.max_body_bytes = max_body_bytes
        self._server: Any = None
        self._map: dict[int, Any] = {}
        self._thread: threading.Thread | None = None

    def start(self) -> "WaitressServer":
        if self._server is not None:
            raise RuntimeError("the server is already running")
        try:
            socket.getaddrinfo(self.host, self.port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        except (socket.gaierror, UnicodeError) as exc:
            raise OSError(getattr(exc, "errno", None), f"{self.host!r} is not a host name or address of this "
                                                       f"machine ({getattr(exc, 'strerror', None) or exc})") from None
        options = {"max_request_body_size": self.max_body_bytes} if self.max_body_bytes else {}
        socket_map: dict[int, Any] = {}
        try:
            server = create_server(self.app, map=socket_map, host=self.host, port=self.port, threads=self.threads,
                                   ident="mockaep", clear_untrusted_proxy_headers=True, **options)
        except ValueError as exc:  # waitress's word for an address it cannot use
            raise OSError(None, f"{self.host!r} port {self.port}: {exc}") from None
        # One listener per address the host resolves to (localhost: IPv4 and IPv6); the URL names the first.
        listeners = [d for d in socket_map.values() if isinstance(d, BaseWSGIServer)]
        for listener in listeners:
            listener.channel_class = GatewayChannel
        self.port = int(listeners[0].effective_port)
        self._map, self._server = socket_map, server
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
        server, thread, socket_map = self._server, self._thread, self._map
        if server is None or thread is None:
            return
        self._server = self._thread = None
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
        # let requests still being served finish (a final snapshot must hold their writes)
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

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def listening(self) -> str:
        """Where it listens, ending with the base URL: the URL alone, or for a wildcard host
        (``0.0.0.0``, ``::``) the address bound, then the loopback URL that reaches it."""
        url = self.url
        scope = WILDCARD_HOSTS.get(self.host)
        if scope is None:
            return url
        bound = f"[{self.host}]" if ":" in self.host else (self.host or "*")
        return f"{bound}:{self.port} ({scope}): {url}"

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

    def __enter__(self) -> "WaitressServer":
        return self.start()

    def __exit__(self, *_exc: Any) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.url if self.running else 'stopped'}>"


def run_wsgi(app, host: str, port: int, threads: int, banner: str, *, max_body_bytes: int | None = None,
             on_shutdown: Callable[[], None] | None = None) -> int:
    """Serve ``app`` on waitress until SIGINT/SIGTERM; once listening, print ``banner`` and
    :attr:`WaitressServer.listening` (its last word is the base URL).

    Raises ``OSError`` when the address cannot be listened on (port in use, unknown host).
    ``on_shutdown`` runs once the server has stopped (requests in flight finished), before
    ``mockaep stopped`` is printed. Log lines (access, replay misses, recording progress) go to
    stderr unless the caller set up logging itself (``serve`` does, from ``--log-level``/``--quiet``).
    """
    if not logging.getLogger("mockaep").handlers:
        accesslog.configure()
    server = WaitressServer(app, host=host, port=port, threads=threads, max_body_bytes=max_body_bytes).start()
    stopping = threading.Event()

    def stop(_signum, _frame) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"{banner} {server.listening}", flush=True)
    while not stopping.wait(1.0):
        pass
    server.stop()
    if on_shutdown is not None:
        on_shutdown()
    print("mockaep stopped", flush=True)
    return 0
