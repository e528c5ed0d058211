"""mockaep: an offline, spec-faithful emulator of Adobe Experience Platform APIs."""
__version__ = "0.1.0"

from mockaep.app import create_app  # noqa: E402  (modules below read __version__)
from mockaep.testing import ThreadedServer, mock_aep  # noqa: E402

__all__ = ["ThreadedServer", "__version__", "create_app", "mock_aep"]
