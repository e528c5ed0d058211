"""App factory: ``create_app(config)`` → a Flask app holding one emulator, no module-level state."""
from __future__ import annotations

from flask import Flask

from mockaep.core.tokens import TokenBook
from mockaep.web import control, gateway, ims
from mockaep.web.control import auth as control_auth
from mockaep.core.config import Config
from mockaep.core.admission import Admission
from mockaep.core.packagedata import PackageData
from mockaep.core.persistence import StateFile, load_file
from mockaep.core.validation import Validators
from mockaep.registry import BACKENDS, KINDS, SERVICES
from mockaep.core.store import Store


class Emulator:
    """What one running emulator owns: settings, state, issued tokens."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.store = Store(KINDS)
        self.package = PackageData()
        self.validators = Validators(self.package)
        self.store.record_checker = self.validators.record_reason
        self.backends = BACKENDS
        self.admission = Admission(config.max_tenant_requests)
        self.ims = TokenBook(config.clock, config.token_ttl_seconds, config.max_live_tokens)
        self.mode = "stateful"
        #: ``--state-file``: periodic snapshots (started by ``mockaep serve``); restored in create_app.
        self.state_file = StateFile(config.state_file, self.store, self.ims, config.snapshot_interval_seconds) \
            if config.state_file else None

    def reset_extras(self) -> None:
        """Forget what lives beside the store (issued tokens) on a full reset."""
        self.ims.revoke_all()


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
    app = Flask("mockaep")
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
    if config.seed_file and not restored:  # a seed starts a state file; it never overrides one
        load_seed(emu, config.seed_file)
    app.wsgi_app = _CollapseSlashes(app.wsgi_app)  # type: ignore[method-assign]
    return app


def load_seed(emu: Emulator, path: str) -> None:
    """Load a state document at start-up; refuses (ValueError naming the file) a bad one whole."""
    load_file(emu.store, path, "seed file")
