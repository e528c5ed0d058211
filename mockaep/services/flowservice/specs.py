"""Connection specs and flow specs: the packaged ones plus those a tenant created.

The platform ships its connection specs (one per connector: Salesforce Service Cloud, ServiceNow,
Amazon S3, the data lake target…) and flow specs (``CRMToAEP``, ``CloudStorageToAEP``); the
Sources SDK lets an org add its own with ``POST /connectionSpecs`` and ``POST /flowSpecs``.
mockaep keeps the packaged ones as JSON files in ``mockaep/specs/flowservice`` (read once) and
the created ones in the tenant collections ``connectionSpecs`` and ``flowSpecs``.

This module is the interface other Flow Service modules use (connections, flows, runs):
:func:`connection_spec`, :func:`flow_spec`, :func:`connection_specs`, :func:`flow_specs`,
:func:`spec_role`, :func:`source_kind`. Everything returned is a private copy. Creating and
updating specs (the Sources SDK calls) lives in ``spec_writes``. No Flask here.
"""
from __future__ import annotations

import copy
import functools
import json
import uuid
from importlib import resources
from typing import Any, Literal, Mapping

from mockaep.core.errors import NotFound
from mockaep.core.context import RequestContext

PACKAGE = "mockaep.specs.flowservice"
#: Tenant collections of specs created through the API (Sources SDK).
CONNECTION_SPECS = "connectionSpecs"
FLOW_SPECS = "flowSpecs"

#: ``data.format`` values a source connection may use, by kind of source (BEHAVIOUR.md 7.1):
#: table sources read ``tabular``; file sources ``delimited``, ``json`` or ``parquet``; the data
#: lake target writes ``parquet_xdm``. Specs of no known kind (custom REST sources) accept any.
DATA_FORMATS: dict[str, tuple[str, ...]] = {
    "table": ("tabular",),
    "file": ("delimited", "json", "parquet"),
    "target": ("parquet_xdm",),
    "other": ("tabular", "delimited", "json", "parquet"),
}
_TABLE_EXPLORE_TYPES = {"table", "tabular"}
_FILE_EXPLORE_TYPES = {"filesystem", "file", "folder"}


# -- packaged data (read once per process) ---------------------------------------------------------
def _read_folder(folder: str) -> tuple[dict[str, Any], ...]:
    base = resources.files(PACKAGE).joinpath(folder)
    items = []
    for entry in sorted(base.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            items.append(json.loads(entry.read_text("utf-8")))
    return tuple(items)


@functools.cache
def packaged_connection_specs() -> Mapping[str, Mapping[str, Any]]:
    """Packaged connection specs by id (shared, read-only: copy before handing out)."""
    return {spec["id"]: spec for spec in _read_folder("connection_specs")}


@functools.cache
def packaged_flow_specs() -> Mapping[str, Mapping[str, Any]]:
    """Packaged flow specs by id (shared, read-only: copy before handing out)."""
    return {spec["id"]: spec for spec in _read_folder("flow_specs")}


def is_packaged(spec_id: str) -> bool:
    """True for the specs the platform ships, which no org can overwrite."""
    return spec_id in packaged_connection_specs() or spec_id in packaged_flow_specs()


# -- lookups ----------------------------------------------------------------------------------------
def connection_spec(ctx: RequestContext, spec_id: str) -> dict[str, Any] | None:
    """The connection spec with this id (packaged, or created in this tenant), or None."""
    found = packaged_connection_specs().get(spec_id)
    if found is not None:
        return copy.deepcopy(dict(found))
    return ctx.tenant.collection(CONNECTION_SPECS).get(spec_id)


def flow_spec(ctx: RequestContext, spec_id: str) -> dict[str, Any] | None:
    """The flow spec with this id (created or extended in this tenant, else packaged), or None."""
    own = ctx.tenant.collection(FLOW_SPECS).get(spec_id)
    if own is not None:
        return own
    found = packaged_flow_specs().get(spec_id)
    return copy.deepcopy(dict(found)) if found is not None else None


def visible_connection_specs(ctx: RequestContext) -> list[Mapping[str, Any]]:
    """Like :func:`connection_specs` but read-only, without copies (for listings that copy anyway)."""
    return list(packaged_connection_specs().values()) + [r for _i, r in ctx.tenant.collection(CONNECTION_SPECS).scan()]


def visible_flow_specs(ctx: RequestContext) -> list[Mapping[str, Any]]:
    """Like :func:`flow_specs` but read-only, without copies (for listings that copy anyway)."""
    collection = ctx.tenant.collection(FLOW_SPECS)
    packaged = packaged_flow_specs()
    return ([collection.peek(i) or s for i, s in packaged.items()]
            + [r for i, r in collection.scan() if i not in packaged])


def connection_specs(ctx: RequestContext) -> list[dict[str, Any]]:
    """Every connection spec the tenant sees: packaged first, then its own in creation order."""
    own = [copy.deepcopy(dict(record)) for _id, record in ctx.tenant.collection(CONNECTION_SPECS).scan()]
    return [copy.deepcopy(dict(s)) for s in packaged_connection_specs().values()] + own


def flow_specs(ctx: RequestContext) -> list[dict[str, Any]]:
    """Every flow spec the tenant sees: packaged first (with the tenant's additions), then its own."""
    collection = ctx.tenant.collection(FLOW_SPECS)
    packaged = [collection.get(i) or copy.deepcopy(dict(s)) for i, s in packaged_flow_specs().items()]
    own = [copy.deepcopy(dict(r)) for i, r in collection.scan() if i not in packaged_flow_specs()]
    return packaged + own


# -- what a spec is ---------------------------------------------------------------------------------
def spec_role(spec: Mapping[str, Any]) -> Literal["source", "target"]:
    """Whether connections of this spec read data (source) or receive it (target).

    A spec with a ``targetSpec`` and no ``sourceSpec`` (the data lake) is a target; an explicit
    ``attributes.isSource: false`` also makes one. Everything else is a source.
    """
    attributes = spec.get("attributes") if isinstance(spec.get("attributes"), Mapping) else {}
    if spec.get("targetSpec") and not spec.get("sourceSpec"):
        return "target"
    if attributes.get("isSource") is False and attributes.get("isDestination") is True:
        return "target"
    return "source"


def source_kind(spec: Mapping[str, Any]) -> Literal["table", "file", "target", "other"]:
    """How data is organised behind connections of this spec, from its ``exploreSpec``.

    ``table`` sources (CRM, customer success) take ``data.format`` ``tabular``; ``file`` sources
    (cloud storage) take ``delimited``, ``json`` or ``parquet``; ``target`` is the data lake
    (``parquet_xdm``); ``other`` is any spec of no known kind (e.g. a custom REST source).
    """
    if spec_role(spec) == "target":
        return "target"
    explore = spec.get("exploreSpec") if isinstance(spec.get("exploreSpec"), Mapping) else {}
    kind = str(explore.get("type") or explore.get("name") or "").lower()
    if kind in _TABLE_EXPLORE_TYPES:
        return "table"
    if kind in _FILE_EXPLORE_TYPES:
        return "file"
    return "other"


def data_formats(spec: Mapping[str, Any]) -> tuple[str, ...]:
    """The ``data.format`` values connections of this spec accept (see :data:`DATA_FORMATS`)."""
    return DATA_FORMATS[source_kind(spec)]


def auth_spec(spec: Mapping[str, Any], spec_name: str) -> dict[str, Any] | None:
    """The ``authSpec`` entry named ``spec_name`` (what ``auth.specName`` must match), or None."""
    for entry in spec.get("authSpec") or []:
        if isinstance(entry, Mapping) and entry.get("name") == spec_name:
            return copy.deepcopy(dict(entry))
    return None


def transformation_specs(flow_spec_item: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A flow spec's transformation specs; Sources SDK docs also spell the key singular."""
    found = flow_spec_item.get("transformationSpecs")
    if found is None:
        found = flow_spec_item.get("transformationSpec")
    return [dict(t) for t in found or [] if isinstance(t, Mapping)]


# -- system fields shared by Flow Service items -----------------------------------------------------
def sandbox_id(ctx: RequestContext) -> str:
    """A stable UUID for the (org, sandbox) pair; the platform reports one as ``sandboxId``."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"mockaep:sandbox:{ctx.org}:{ctx.sandbox}"))


def system_fields(ctx: RequestContext, *, created: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """``createdAt``…``imsOrgId`` for an item written now (``created``: the previous version)."""
    fields = {
        "createdAt": ctx.now_ms,
        "updatedAt": ctx.now_ms,
        "createdBy": ctx.user_id,
        "updatedBy": ctx.user_id,
        "createdClient": ctx.client_id,
        "updatedClient": ctx.client_id,
        "sandboxId": sandbox_id(ctx),
        "sandboxName": ctx.sandbox,
        "imsOrgId": ctx.org,
    }
    if created:
        for key in ("createdAt", "createdBy", "createdClient"):
            if key in created:
                fields[key] = created[key]
    return fields


def spec_not_found(kind: str, spec_id: str) -> NotFound:
    return NotFound(f"The requested {kind} resource {spec_id} is not found. Verify the resource ID before trying "
                    "again.", code="1101", report={"id": spec_id, "type": kind})
