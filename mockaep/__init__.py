"""mockaep: an offline, spec-faithful emulator of Adobe Experience Platform APIs."""
from mockaep.app import create_app
from mockaep.core.version import __version__

__all__ = ["__version__", "create_app"]
