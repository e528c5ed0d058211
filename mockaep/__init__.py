"""mockaep: an offline, spec-faithful emulator of Adobe Experience Platform APIs."""
__version__ = "0.1.0"


def create_app(config=None):
    """Build a new, empty emulator (a Flask app). See :mod:`mockaep.app`."""
    from mockaep.app import create_app as _create_app

    return _create_app(config)


__all__ = ["__version__", "create_app"]
