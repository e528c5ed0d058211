"""How services reach each other: per-request service backends from one registry.

A service that needs another (Flow Service checks a dataset in Catalog, Catalog resolves a schema
in the Schema Registry…) asks ``ctx.backend("catalog")`` and calls the methods that service's
port declares (``mockaep.core.ports``). The registry maps a service name to a factory that binds
the service's backend to the request context, as moto's ``BackendDict`` maps an account and
region to a backend. No service module imports another's: the app factory fills the registry
from ``mockaep.registry.SERVICES``.
"""
from __future__ import annotations

from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Callable, Mapping

if TYPE_CHECKING:  # annotations only: the context module imports this one
    from mockaep.core.context import RequestContext

BackendFactory = Callable[["RequestContext"], Any]


class BackendRegistry:
    """Service name → backend factory; read-only once the app is built."""

    def __init__(self, factories: Mapping[str, BackendFactory]) -> None:
        self._factories: Mapping[str, BackendFactory] = MappingProxyType(dict(factories))

    def bind(self, name: str, ctx: "RequestContext") -> Any:
        factory = self._factories.get(name)
        if factory is None:
            raise LookupError(f"no service backend named {name!r} (known: {', '.join(sorted(self._factories))})")
        return factory(ctx)

    def names(self) -> list[str]:
        return sorted(self._factories)
