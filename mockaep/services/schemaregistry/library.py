"""The standard XDM library (the ``global`` container): package data, built once per app.

``mockaep/specs/xdm/{behaviors,classes,fieldgroups,datatypes}.json`` hold the standard
resources in their raw authoring form; this module adds what the registry computes for every
resource (``meta:altId``, ``meta:resourceType``, ``version``, ``meta:extends``…), so that global
resources look exactly like tenant ones read back through the API. The built library belongs to
the app (``ctx.runtime.package``): its resources are shared by every request and READ-ONLY —
whoever changes one (a ``-notext`` answer) works on a copy.
"""
from __future__ import annotations

from typing import Any, Mapping

from mockaep.core.context import RequestContext
from mockaep.core.store import Collection
from mockaep.services.schemaregistry import fields
from mockaep.services.schemaregistry.resolve import clone
from mockaep.services.schemaregistry.resources import KINDS

#: Version the emulator reports for every standard resource (one library release).
GLOBAL_VERSION = "1.0"
GLOBAL_LIB_VERSION = "1.0.0"
#: Creation date reported for the standard resources (fixed: they ship with the emulator).
LIBRARY_DATE = 1577836800000
FILES = {"behaviors": "xdm/behaviors.json", "classes": "xdm/classes.json", "mixins": "xdm/fieldgroups.json",
         "datatypes": "xdm/datatypes.json"}
UNION_FIELDS_FILE = "xdm/unionfields.json"
#: The collection whose indexes a list of each type uses (behaviours list like classes).
_INDEXES_OF = {"behaviors": "xdmClasses", "classes": "xdmClasses", "mixins": "xdmFieldGroups",
               "datatypes": "xdmDataTypes"}
BEHAVIOURS = ("https://ns.adobe.com/xdm/data/record", "https://ns.adobe.com/xdm/data/time-series",
              "https://ns.adobe.com/xdm/data/adhoc")
ADHOC = "https://ns.adobe.com/xdm/data/adhoc"
_PACKAGE_KEY = ("schemaregistry", "library")


def alt_id(resource_id: str) -> str:
    """``https://ns.adobe.com/xdm/context/profile`` → ``_xdm.context.profile``."""
    tail = resource_id.split("://", 1)[-1]
    tail = tail.split("/", 1)[1] if "/" in tail else tail
    return "_" + tail.replace("/", ".")


class Library:
    """Standard resources by ``$id`` and ``meta:altId`` (read-only), and one store collection per
    resource type for list calls (the same pager and filters as tenant lists)."""

    def __init__(self, raw: Mapping[str, list[dict[str, Any]]]) -> None:
        self.by_id: dict[str, dict[str, Any]] = {}
        self.lists: dict[str, Collection] = {}
        for kind, items in raw.items():
            for item in items:
                resource = clone(item)
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
        self.by_alt = {r["meta:altId"]: rid for rid, r in self.by_id.items()}
        for resource in self.by_id.values():
            resource["meta:extends"] = self._extends(resource["$id"], ())
        for kind in raw:
            collection = Collection(f"global {kind}", KINDS[_INDEXES_OF[kind]].indexes)
            for resource in self.by_id.values():
                if resource["meta:resourceType"] == kind:
                    collection.put(resource["$id"], resource)
            self.lists[kind] = collection

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

    def resolve_id(self, ref: str) -> str | None:
        """The ``$id`` of the standard resource a ``$id`` or ``meta:altId`` names."""
        return ref if ref in self.by_id else self.by_alt.get(ref)

    def find(self, ref: str) -> Mapping[str, Any] | None:
        """The standard resource with this ``$id`` or ``meta:altId`` (read-only), or None."""
        found = self.resolve_id(ref)
        return self.by_id[found] if found is not None else None


def library(ctx: RequestContext) -> Library:
    """The app's standard library (built on first use)."""
    package = ctx.runtime.package
    return package.memo(_PACKAGE_KEY, lambda: Library({kind: package.json(path) for kind, path in FILES.items()}))


def union_system_fields(ctx: RequestContext) -> Mapping[str, Any]:
    """What the platform adds to a record-class union (package data, read-only)."""
    return ctx.runtime.package.json(UNION_FIELDS_FILE)
