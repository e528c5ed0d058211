"""Emulator settings: one immutable object handed to ``create_app``."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping

from mockaep.core.clock import system_ms


@dataclass(frozen=True)
class Config:
    """What a user can choose about the emulator; defaults suit local development and CI.

    ``strict_auth``: only tokens issued by the emulated IMS (``/ims/token/v3``) and not expired
    are valid, and when ``clients`` is set only those client ids are valid API keys. The default
    is permissive: any non-empty bearer token, API key and org are accepted.
    ``clients``: client id → client secret accepted by the IMS endpoint (empty: any).
    ``sandboxes``: known sandbox names (empty: any well-formed name exists).
    ``require_sandbox_header``: answer a missing ``x-sandbox-name`` as Flow Service does in
    its error catalogue (2105-400) instead of serving the default ``prod`` sandbox.
    ``clock``: the wall time source (epoch ms) of the emulator's :class:`~mockaep.core.clock.Clock`;
    ``clock_mode``: ``"wall"`` (time passes) or ``"virtual"`` (time moves only through
    ``POST /_mockaep/clock``). ``journal_size``: how many requests ``GET /_mockaep/requests`` keeps.

    Sharing one emulator (README, "Running a shared emulator"):
    ``client_orgs``: client id → the orgs its tokens may act for (absent or empty: any org);
    with ``strict_auth`` a request for another org is refused (403025), as is one whose
    ``x-api-key`` is not the client id its token was issued to (403003).
    ``admin_tokens`` / ``admin_clients``: who may use the control plane (``/_mockaep``, health
    excepted) when it is protected, i.e. with ``strict_auth`` or when either is given: a bearer
    token equal to one of ``admin_tokens``, or an IMS token issued to one of ``admin_clients``.
    ``max_live_tokens``: cap on unexpired issued tokens (expired ones are purged on issue; past
    the cap the oldest is forgotten).
    ``state_file``: JSON file the state is restored from at start and snapshotted to every
    ``snapshot_interval_seconds`` and at shutdown (``mockaep.core.persistence``).
    ``upload_quota_bytes``: per tenant, the bytes Batch Ingestion keeps staged (spooled to disk).
    """

    strict_auth: bool = False
    clients: Mapping[str, str] = field(default_factory=dict)
    sandboxes: tuple[str, ...] = ()
    default_sandbox: str = "prod"
    require_sandbox_header: bool = False
    token_ttl_seconds: int = 86399
    max_body_bytes: int = 10 * 1024 * 1024
    max_upload_bytes: int = 256 * 1024 * 1024
    clock: Callable[[], int] = system_ms
    clock_mode: str = "wall"
    journal_size: int = 1000
    #: Requests of one tenant (org × sandbox) admitted at a time; more are answered 429.
    max_tenant_requests: int = 4
    #: State document (``GET /_mockaep/state`` format) loaded at start-up.
    seed_file: str | None = None
    #: More state documents loaded after it, in order; none may name a tenant another one loaded.
    seed_files: tuple[str, ...] = ()
    client_orgs: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    admin_tokens: tuple[str, ...] = ()
    admin_clients: tuple[str, ...] = ()
    max_live_tokens: int = 10_000
    state_file: str | None = None
    snapshot_interval_seconds: float = 5.0
    upload_quota_bytes: int = 1024 * 1024 * 1024

    @property
    def control_plane_protected(self) -> bool:
        """Whether ``/_mockaep`` (health excepted) needs an admin credential."""
        return self.strict_auth or bool(self.admin_tokens or self.admin_clients)
