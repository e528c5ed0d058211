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

from mockaep.core.errors import ErrorShape
from mockaep.core.kinds import ResourceKind, merge_tables
from mockaep.core.mounts import MOUNTS
from mockaep.services import catalog, conversion, flowservice, ingestion, schemaregistry


@dataclass(frozen=True)
class Service:
    name: str
    prefix: str
    shape: ErrorShape
    blueprint: Blueprint
    kinds: Mapping[str, ResourceKind]


_PACKAGES = {"flowservice": flowservice, "schemaregistry": schemaregistry, "catalog": catalog,
             "conversion": conversion, "ingestion": ingestion}

SERVICES: tuple[Service, ...] = tuple(
    Service(name, prefix, shape, _PACKAGES[name].blueprint, MappingProxyType(dict(_PACKAGES[name].KINDS)))
    for name, prefix, shape in MOUNTS)

#: Every resource kind of every service (collection name → kind).
KINDS: Mapping[str, ResourceKind] = MappingProxyType(merge_tables(*(s.kinds for s in SERVICES)))
