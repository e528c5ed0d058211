"""mockaep: an offline, spec-faithful emulator of Adobe Experience Platform APIs."""
from mockaep.app import create_app
from mockaep.core.version import __version__
from mockaep.testing import ThreadedServer, mock_aep

__all__ = ["ThreadedServer", "__version__", "create_app", "mock_aep"]
