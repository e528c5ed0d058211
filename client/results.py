"""Small typed results the service clients return where the platform answers with an id."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Created:
    """What a create call gave back: the new object's ``id`` (and ``etag`` where the service has
    one), the ``Location`` header when sent, and the raw body as the platform sent it."""

    id: str
    etag: str | None = None
    location: str | None = None
    status: int = 201
    body: Any = field(default=None, compare=False, repr=False)


class ServiceClient:
    """Base of the per-service clients: which service, through which session."""

    service = ""

    def __init__(self, session) -> None:
        self.session = session

    def _call(self, method: str, path: str, **kwargs: Any):
        return self.session.call(method, self.service, path, **kwargs)

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._call(method, path, **kwargs)
        return response.json() if response.content else None


def drop_none(params: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in params.items() if value is not None}
