"""The services this emulator serves: where each is mounted, its blueprint, its resource kinds.

The one place that imports every service package. The app factory reads ``SERVICES``; services
reach each other at run time through ``ctx.backend(name)`` (see ``mockaep.core.backends``),
never by importing each other's modules.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

from flask import Blueprint

from mockaep.core.backends import BackendFactory, BackendRegistry
from mockaep.core.errors import ErrorShape
from mockaep.core.kinds import ResourceKind, merge_tables
from mockaep.core.mounts import MOUNTS
from mockaep.services import catalog, conversion, dataaccess, flowservice, ingestion, schemaregistry


@dataclass(frozen=True)
class Service:
    name: str
    prefix: str
    shape: ErrorShape
    blueprint: Blueprint
    kinds: Mapping[str, ResourceKind]
    #: Binds the service's backend (its port, ``mockaep.core.ports``) to a request context;
    #: ``None`` for a service no other service calls.
    backend: BackendFactory | None


_PACKAGES = {"flowservice": flowservice, "schemaregistry": schemaregistry, "catalog": catalog,
             "conversion": conversion, "ingestion": ingestion, "dataaccess": dataaccess}

SERVICES: tuple[Service, ...] = tuple(
    Service(name, prefix, shape, _PACKAGES[name].blueprint, MappingProxyType(dict(_PACKAGES[name].KINDS)),
            getattr(_PACKAGES[name], "Backend", None))
    for name, prefix, shape in MOUNTS)

#: Every resource kind of every service (collection name → kind).
KINDS: Mapping[str, ResourceKind] = MappingProxyType(merge_tables(*(s.kinds for s in SERVICES)))

#: Service name → backend factory, for ``ctx.backend(name)``.
BACKENDS = BackendRegistry({s.name: s.backend for s in SERVICES if s.backend is not None})
