"""The one overlay applied to Adobe's official specs before conformance tests run.

The official specs contradict Adobe's own documented responses in places (field types, date
formats, status codes). mockaep follows the documented behaviour; this file relaxes exactly the
contradicted keywords of the spec, each with the evidence, and nothing else. Every entry is
``Relax(pointer, value, reason)``: the JSON Pointer (into the raw YAML document) is set to
``value``, or removed when ``value`` is ``REMOVE``.

Also applied to every spec, mechanically (not a contradiction, a deployment detail): the
server URL / basePath is replaced by the emulator's mount path.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

REMOVE = object()


@dataclass(frozen=True)
class Relax:
    pointer: str
    value: Any
    reason: str


#: service name (as under mockaep/services) -> relaxations of its official spec
OVERLAY: dict[str, list[Relax]] = {
    "flowservice": [],
    "schemaregistry": [],
    "catalog": [],
    "conversion": [],
    "ingestion": [],
}
