"""Tools for testing code that talks to AEP: interception, a threaded server, the control plane.

* :func:`mock_aep` — route ``requests`` calls for ``platform.adobe.io`` and the IMS hosts into an
  in-process emulator (context manager and decorator).
* :class:`ThreadedServer` — the emulator on a real socket in a background thread.
* :class:`ControlPlane` — the ``/_mockaep`` endpoints (clock, journal, faults, state) as methods.
* The pytest fixtures ``aep_app``, ``aep_client`` and ``aep_server`` come from the plugin
  ``mockaep_pytest`` (registered as ``mockaep`` under ``pytest11``); :mod:`mockaep.testing.fixtures`
  implements them.
"""
from mockaep.testing.control import ControlPlane, ControlPlaneError
from mockaep.testing.intercept import MockAEP, is_aep_host, mock_aep
from mockaep.testing.server import ThreadedServer

__all__ = ["ControlPlane", "ControlPlaneError", "MockAEP", "ThreadedServer", "is_aep_host", "mock_aep"]
