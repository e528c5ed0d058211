"""App factory: ``create_app(config)`` → a Flask app holding one emulator, no module-level state."""
from __future__ import annotations

from flask import Flask
from flask.sessions import NullSession, SessionInterface

from mockaep.core.clock import Clock
from mockaep.core.ids import RequestIds
from mockaep.core.tokens import TokenBook
from mockaep.web import control, gateway, ims, operations
from mockaep.web.control import auth as control_auth
from mockaep.core.config import Config
from mockaep.core.admission import Admission
from mockaep.core.blobs import BlobStore, referenced_blobs
from mockaep.core.packagedata import PackageData
from mockaep.core.jsonreader import read_json
from mockaep.core.persistence import StateDocumentError, StateFile, restore_document
from mockaep.core.validation import Validators
from mockaep.registry import BACKENDS, KINDS, SERVICES
from mockaep.core.store import Store
from mockaep.web.faults import FaultBook, FaultMiddleware
from mockaep.web.journal import Journal, JournalMiddleware


class Emulator:
    """What one running emulator owns: settings, state, file bytes, issued tokens, clock, journal, fault rules."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.clock = Clock(config.clock, config.clock_mode)
        self.journal = Journal(config.journal_size)
        self.faults = FaultBook()
        self.operations: operations.OperationIndex | None = None  # set once the app's routes exist
        self.store = Store(KINDS)
        self.package = PackageData()
        self.validators = Validators(self.package)
        self.store.record_checker = self.validators.record_reason
        self.backends = BACKENDS
        self.admission = Admission(config.max_tenant_requests)
        self.ims = TokenBook(self.clock, config.token_ttl_seconds, config.max_live_tokens)
        self.request_ids = RequestIds()
        self.mode = "stateful"
        #: ``--state-file``: periodic snapshots (started by ``mockaep serve``); restored in create_app.
        self.state_file = StateFile(config.state_file, self.store, self.ims, config.snapshot_interval_seconds) \
            if config.state_file else None
        #: File bytes (uploads, landed data files): beside the state file when there is one.
        self.blobs = BlobStore(f"{config.state_file}.uploads" if config.state_file else None)
        if self.state_file is not None:
            self.state_file.after_snapshot.append(
                lambda state: self.blobs.collect(lambda: referenced_blobs(state, self.store)))

    def reset_extras(self) -> None:
        """Forget what lives beside the store (issued tokens, journal, fault rules) on a full reset."""
        self.ims.revoke_all()
        self.journal.clear()
        self.faults.clear()


class _NoSession(SessionInterface):
    """The emulator keeps no cookie session: every request shares one read-only empty session
    (Flask would build and check one per request)."""

    def __init__(self) -> None:
        self._empty = NullSession()

    def open_session(self, app, request):
        return self._empty

    def save_session(self, app, session, response) -> None:
        return None


class EmulatorApp(Flask):
    """The Flask app of one emulator. Its WSGI entry runs the edge (request journal and fault
    rules, :func:`install_edge`) around whatever ``wsgi_app`` is, so middleware added later
    (replay) sits inside it and every exchange is journaled."""

    def __call__(self, environ, start_response):
        return self.extensions["mockaep_edge"](environ, start_response)

    def ensure_sync(self, func):
        # Flask asks inspect on every call whether a view or hook is ``async def``; none of the
        # emulator's is (tests/core/test_architecture.py checks every registered one).
        return func


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
    app.session_interface = _NoSession()
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
        app.register_blueprint(service.blueprint, url_prefix=service.prefix)
    control_auth.install(app)
    restored = emu.state_file.restore() if emu.state_file is not None else False
    seeds = ((config.seed_file,) if config.seed_file else ()) + tuple(config.seed_files)
    if seeds and not restored:  # a seed starts a state file; it never overrides one
        load_seeds(emu, seeds)
    app.wsgi_app = _CollapseSlashes(app.wsgi_app)  # type: ignore[method-assign]
    install_edge(app, emu)
    return app


def load_seeds(emu: Emulator, paths: tuple[str, ...]) -> None:
    """Load state documents at start-up, in order; refuses (ValueError naming the file) a bad one
    whole, and one naming a tenant an earlier document loaded (it would replace it silently)."""
    loaded_by: dict[tuple[str, str], str] = {}
    for path in paths:
        document = read_json(path, "seed file", StateDocumentError)
        tenants = document.get("tenants") if isinstance(document, dict) else None
        for entry in tenants if isinstance(tenants, list) else ():
            key = (entry.get("imsOrg"), entry.get("sandbox")) if isinstance(entry, dict) else None
            if key is not None and all(isinstance(part, str) for part in key) and key in loaded_by:
                raise StateDocumentError(f"{path}: org {key[0]} sandbox {key[1]} was already loaded from "
                                         f"{loaded_by[key]}; a seed would replace it (give seeds of "
                                         "distinct orgs or sandboxes)")
        try:
            loaded = restore_document(emu.store, document, "seed file")
        except StateDocumentError as exc:
            raise StateDocumentError(f"{path}: {exc}") from None
        for key in loaded:
            loaded_by[key] = path
