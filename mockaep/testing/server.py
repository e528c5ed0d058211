"""``ThreadedServer``: the emulator on a real socket (waitress) in a background thread.

For tests that need a real socket without a subprocess::

    with ThreadedServer() as server:          # a fresh emulator, a free port on 127.0.0.1
        requests.get(f"{server.url}/_mockaep/health")

The serving mechanics (and ``mockaep serve``'s) are :class:`mockaep.web.server.WaitressServer`;
this adds the emulator built by default and its control plane.
"""
from __future__ import annotations

from typing import Any

from mockaep.app import create_app
from mockaep.core.config import Config
from mockaep.testing.control import ControlPlane
from mockaep.web.server import WaitressServer


class ThreadedServer(WaitressServer):
    """An emulator (a fresh ``mockaep.create_app(config)`` unless ``app`` is given) served by
    waitress in a thread: ``start()``/``stop()`` or ``with``; ``url``; ``control`` talks to its
    ``/_mockaep`` control plane. ``start()`` raises ``OSError`` when the address cannot be bound."""

    def __init__(self, app: Any = None, *, host: str = "127.0.0.1", port: int = 0, threads: int = 4,
                 config: Config | None = None) -> None:
        if app is not None and config is not None:
            raise ValueError("give app or config, not both")
        app = app if app is not None else create_app(config)
        emulator = getattr(app, "extensions", {}).get("mockaep")
        max_body = emulator.config.max_upload_bytes if emulator is not None else None
        super().__init__(app, host=host, port=port, threads=threads, max_body_bytes=max_body)
        self._control: ControlPlane | None = None

    @property
    def control(self) -> ControlPlane:
        """The control plane (clock, journal, faults, state) of the served emulator."""
        if self._control is None:
            self._control = ControlPlane(self.url)
        return self._control

    def stop(self, grace: float = 10.0) -> None:
        if self._control is not None:
            self._control.close()
            self._control = None
        super().stop(grace)

    def __enter__(self) -> "ThreadedServer":
        self.start()
        return self
