"""Serving a WSGI app on waitress: banner, clean shutdown, and JSON for waitress's own refusals.

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

import json
import signal
import threading
import time
from typing import Callable

from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, create_server
from waitress.task import ErrorTask
from waitress.utilities import ServerNotImplemented


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


def _socket_map(server) -> dict:
    """The asyncore map of a server: every listening socket and open connection."""
    found = getattr(server, "map", None)  # MultiSocketServer (one socket per resolved address)
    return found if found is not None else getattr(server, "_map", {})


def _use_gateway_errors(server) -> None:
    """Make every listening socket of ``server`` (one per address) answer errors in JSON."""
    for dispatcher in [server, *list(_socket_map(server).values())]:
        if isinstance(dispatcher, BaseWSGIServer):
            dispatcher.channel_class = GatewayChannel


def run_wsgi(app, host: str, port: int, threads: int, banner: str, *, max_body_bytes: int | None = None,
             on_shutdown: Callable[[], None] | None = None) -> int:
    """Serve ``app`` on waitress until SIGINT/SIGTERM; print the base URL once listening.

    ``max_body_bytes`` makes waitress refuse (413) larger bodies before buffering them;
    ``on_shutdown`` runs once the server has stopped, before ``mockaep stopped`` is printed.
    """
    options = {"max_request_body_size": max_body_bytes} if max_body_bytes else {}
    server = create_server(app, host=host, port=port, threads=threads, ident="mockaep", **options)
    _use_gateway_errors(server)
    bound_port = server.socket.getsockname()[1] if hasattr(server, "socket") else port
    shown_host = f"[{host}]" if ":" in host else host
    print(f"{banner} http://{shown_host}:{bound_port}", flush=True)

    def close_idle_connections() -> None:
        # waitress's loop runs while any connection is open, and clients keep idle keep-alive
        # connections for as long as they like: close each once it has no request in flight
        for _ in range(100):
            channels = [c for c in list(_socket_map(server).values()) if hasattr(c, "requests")]
            if not channels:
                return
            for channel in channels:
                if not channel.requests and getattr(channel, "request", None) is None \
                        and not channel.total_outbufs_len:
                    channel.will_close = True
            time.sleep(0.2)

    def stop(_signum, _frame):
        def shut_down() -> None:
            server.close()
            close_idle_connections()
        threading.Thread(target=shut_down, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        server.run()
    except (OSError, ValueError):
        # waitress raises when its sockets close underneath the loop during shutdown
        pass
    # let requests still being served finish, so that a final snapshot holds their writes
    server.task_dispatcher.shutdown(timeout=10)
    if on_shutdown is not None:
        on_shutdown()
    print("mockaep stopped", flush=True)
    return 0
