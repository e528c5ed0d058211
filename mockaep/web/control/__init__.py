"""The emulator's own control plane under ``/_mockaep/``: one module (and blueprint) per concern.

``BLUEPRINTS`` is what the app factory registers; a new concern adds its module here.
"""
from mockaep.web.control import clock, faults, journal, state

BLUEPRINTS = (state.blueprint, clock.blueprint, journal.blueprint, faults.blueprint)
