"""The AEP services mockaep serves, one package each, mounted on the real gateway paths."""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType


@dataclass(frozen=True)
class Service:
    name: str
    prefix: str
    module: ModuleType


_MOUNTS = (
    ("flowservice", "/data/foundation/flowservice"),
    ("schemaregistry", "/data/foundation/schemaregistry"),
    ("catalog", "/data/foundation/catalog"),
    ("conversion", "/data/foundation/conversion"),
    ("ingestion", "/data/foundation/import"),
)

SERVICES = tuple(Service(name, prefix, importlib.import_module(f"mockaep.services.{name}"))
                 for name, prefix in _MOUNTS)
