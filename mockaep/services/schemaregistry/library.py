"""The standard XDM library (the ``global`` container), loaded once from package data.

``mockaep/specs/xdm/{behaviors,classes,fieldgroups,datatypes}.json`` hold the standard
resources in their raw authoring form; this module adds what the registry computes for every
resource (``meta:altId``, ``meta:resourceType``, ``version``, ``meta:extends``…), so that global
resources look exactly like tenant ones read back through the API.
"""
from __future__ import annotations

import copy
import functools
import json
from importlib import resources
from typing import Any, Mapping

from mockaep.services.schemaregistry import fields

#: Version the emulator reports for every standard resource (one library release).
GLOBAL_VERSION = "1.0"
GLOBAL_LIB_VERSION = "1.0.0"
#: Creation date reported for the standard resources (fixed: they ship with the emulator).
LIBRARY_DATE = 1577836800000
FILES = {"behaviors": "behaviors.json", "classes": "classes.json", "mixins": "fieldgroups.json",
         "datatypes": "datatypes.json"}
BEHAVIOURS = ("https://ns.adobe.com/xdm/data/record", "https://ns.adobe.com/xdm/data/time-series",
              "https://ns.adobe.com/xdm/data/adhoc")
ADHOC = "https://ns.adobe.com/xdm/data/adhoc"


def alt_id(resource_id: str) -> str:
    """``https://ns.adobe.com/xdm/context/profile`` → ``_xdm.context.profile``."""
    tail = resource_id.split("://", 1)[-1]
    tail = tail.split("/", 1)[1] if "/" in tail else tail
    return "_" + tail.replace("/", ".")


class Library:
    """Standard resources by ``$id`` and ``meta:altId``, in insertion order per resource type."""

    def __init__(self, raw: Mapping[str, list[dict[str, Any]]]) -> None:
        self.by_id: dict[str, dict[str, Any]] = {}
        self.by_kind: dict[str, list[str]] = {}
        for kind, items in raw.items():
            self.by_kind[kind] = []
            for item in items:
                resource = copy.deepcopy(item)
                resource["meta:altId"] = alt_id(resource["$id"])
                resource["meta:resourceType"] = kind
                resource["version"] = GLOBAL_VERSION
                resource.setdefault("meta:extensible", True)
                resource.setdefault("meta:abstract", True)
                resource["meta:xdmType"] = "object"
                resource["meta:containerId"] = "global"
                resource["meta:registryMetadata"] = {
                    "repo:createdDate": LIBRARY_DATE, "repo:lastModifiedDate": LIBRARY_DATE,
                    "xdm:createdClientId": "xdm", "xdm:lastModifiedClientId": "xdm",
                    "meta:globalLibVersion": GLOBAL_LIB_VERSION,
                }
                fields.add_xdm_types(resource)
                self.by_id[resource["$id"]] = resource
                self.by_kind[kind].append(resource["$id"])
        self.by_alt = {r["meta:altId"]: rid for rid, r in self.by_id.items()}
        for resource in self.by_id.values():
            resource["meta:extends"] = self._extends(resource["$id"], ())

    def _extends(self, resource_id: str, seen: tuple[str, ...]) -> list[str]:
        found: list[str] = []
        for ref in fields.direct_refs(self.by_id[resource_id]):
            if ref in seen or ref not in self.by_id:
                continue
            if self.by_id[ref]["meta:resourceType"] == "datatypes":
                continue
            found.append(ref)
            found.extend(self._extends(ref, seen + (resource_id,)))
        return list(dict.fromkeys(found))

    def peek(self, ref: str) -> Mapping[str, Any] | None:
        """The standard resource with this ``$id`` or ``meta:altId`` (read-only), or None."""
        found = self.by_id.get(ref)
        if found is None and ref in self.by_alt:
            found = self.by_id[self.by_alt[ref]]
        return found

    def of_kind(self, kind: str) -> list[Mapping[str, Any]]:
        return [self.by_id[rid] for rid in self.by_kind.get(kind, ())]


@functools.lru_cache(maxsize=1)
def library() -> Library:
    base = resources.files("mockaep.specs").joinpath("xdm")
    raw = {kind: json.loads(base.joinpath(name).read_text("utf-8")) for kind, name in FILES.items()}
    return Library(raw)
