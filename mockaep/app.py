"""App factory: ``create_app(config)`` → a Flask app holding one emulator, no module-level state."""
from __future__ import annotations

from typing import Any

from flask import Flask

from mockaep.core.clock import Clock
from mockaep.core.tokens import TokenBook
from mockaep.web import control, gateway, ims, operations
from mockaep.core.config import Config
from mockaep.core.jsonreader import read_json
from mockaep.services import SERVICES
from mockaep.core.store import SnapshotError, Store, check_snapshot
from mockaep.web.faults import FaultBook, FaultMiddleware
from mockaep.web.journal import Journal, JournalMiddleware


class Emulator:
    """What one running emulator owns: settings, state, issued tokens, clock, journal, fault rules."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.clock = Clock(config.clock, config.clock_mode)
        self.journal = Journal(config.journal_size)
        self.faults = FaultBook()
        self.operations: operations.OperationIndex | None = None  # set once the app's routes exist
        indexes: dict[str, tuple[str, ...]] = {}
        for service in SERVICES:
            for kind, paths in getattr(service.module, "INDEXES", {}).items():
                indexes[kind] = tuple(dict.fromkeys(indexes.get(kind, ()) + tuple(paths)))
        self.store = Store(indexes)
        self.ims = TokenBook(self.clock, config.token_ttl_seconds)
        self.mode = "stateful"

    def reset_extras(self) -> None:
        """Forget what lives beside the store (issued tokens, journal, fault rules) on a full reset."""
        self.ims.revoke_all()
        self.journal.clear()
        self.faults.clear()


class EmulatorApp(Flask):
    """The Flask app of one emulator. Its WSGI entry runs the edge (request journal and fault
    rules, :func:`install_edge`) around whatever ``wsgi_app`` is, so middleware added later
    (replay) sits inside it and every exchange is journaled."""

    def __call__(self, environ, start_response):
        return self.extensions["mockaep_edge"](environ, start_response)


def install_edge(app: EmulatorApp, emu: Emulator) -> None:
    emu.operations = operations.OperationIndex(app)
    operations.install(app)

    def inner(environ, start_response):
        return app.wsgi_app(environ, start_response)

    sandbox = emu.config.default_sandbox
    faulty = FaultMiddleware(inner, emu.faults, emu.operations, emu.clock, sandbox)
    app.extensions["mockaep_edge"] = JournalMiddleware(faulty, emu.journal, emu.operations, emu.clock, sandbox)


class _CollapseSlashes:
    """WSGI middleware: the gateway tolerates doubled slashes in paths (``//flows``)."""

    def __init__(self, app) -> None:
        self.app = app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if "//" in path:
            while "//" in path:
                path = path.replace("//", "/")
            environ["PATH_INFO"] = path
        return self.app(environ, start_response)


def create_app(config: Config | None = None) -> Flask:
    config = config or Config()
    app = EmulatorApp("mockaep")
    app.url_map.strict_slashes = False
    app.config["MAX_CONTENT_LENGTH"] = config.max_upload_bytes
    app.json.sort_keys = False  # type: ignore[attr-defined]
    emu = Emulator(config)
    app.extensions["mockaep"] = emu
    gateway.install(app)
    for blueprint in control.BLUEPRINTS:
        app.register_blueprint(blueprint)
    app.register_blueprint(ims.blueprint)
    for service in SERVICES:
        app.register_blueprint(service.module.blueprint, url_prefix=service.prefix)
    load_seeds(emu, ((config.seed_file,) if config.seed_file else ()) + tuple(config.seed_files))
    app.wsgi_app = _CollapseSlashes(app.wsgi_app)  # type: ignore[method-assign]
    install_edge(app, emu)
    return app


def load_seeds(emu: Emulator, paths: tuple[str, ...]) -> None:
    """Load state documents at start-up, in order; refuses (ValueError naming the file) a bad one
    whole, and one naming a tenant an earlier document loaded (it would replace it silently)."""
    loaded_by: dict[tuple[str, str], str] = {}
    for path in paths:
        document: Any = read_json(path, "seed file")
        try:
            check_snapshot(document)
            for entry in document["tenants"]:
                key = (entry["imsOrg"], entry["sandbox"])
                if key in loaded_by:
                    raise ValueError(f"{path}: org {key[0]} sandbox {key[1]} was already loaded from "
                                     f"{loaded_by[key]}; a seed would replace it (give seeds of distinct "
                                     "orgs or sandboxes)")
            for key in emu.store.restore(document):
                loaded_by[key] = path
        except SnapshotError as exc:
            raise ValueError(f"{path}: {exc}") from None
