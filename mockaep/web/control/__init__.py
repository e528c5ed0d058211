"""The emulator's own control plane under ``/_mockaep/``: one module (and blueprint) per concern.

``BLUEPRINTS`` is what the app factory registers; a new concern adds its module here. Every one
of them sits behind the one credential check of ``mockaep.web.control.auth``.
"""
from mockaep.web.control import clock, datasets, faults, journal, replay, sources, state

BLUEPRINTS = (state.blueprint, replay.blueprint, clock.blueprint, journal.blueprint, faults.blueprint,
              sources.blueprint, datasets.blueprint)
