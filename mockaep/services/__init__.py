"""The AEP services mockaep serves, one package each, mounted on the real gateway paths."""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType

from mockaep.core.mounts import MOUNTS


@dataclass(frozen=True)
class Service:
    name: str
    prefix: str
    module: ModuleType


SERVICES = tuple(Service(name, prefix, importlib.import_module(f"mockaep.services.{name}"))
                 for name, prefix, _shape in MOUNTS)
