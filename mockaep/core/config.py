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
    #: State document (``GET /_mockaep/state`` format) loaded at start-up.
    seed_file: str | None = None
    #: More state documents loaded after it, in order; none may name a tenant another one loaded.
    seed_files: tuple[str, ...] = ()
