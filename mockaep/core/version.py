"""The emulator's version (``mockaep --version``, ``/_mockaep/health``, cassette metadata)."""
__version__ = "0.1.0"
