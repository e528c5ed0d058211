"""Connection specs and flow specs: the packaged ones plus those a tenant created.

The platform ships its connection specs (one per connector: Salesforce Service Cloud, ServiceNow,
Amazon S3, the data lake target…) and flow specs (``CRMToAEP``, ``CloudStorageToAEP``); the
Sources SDK lets an org add its own with ``POST /connectionSpecs`` and ``POST /flowSpecs``.
mockaep keeps the packaged ones as JSON files in ``mockaep/specs/flowservice``, read once per app
through ``ctx.runtime.package``, and the created ones in the tenant collections
``connectionSpecs`` and ``flowSpecs`` (a tenant's extended copy of a platform flow spec too).

What a tenant sees is its *catalogue* (:func:`catalogue`): one collection, packaged specs first,
then its own in creation order, which the lists page through and reads by id answer from. Specs
handed out by :func:`connection_spec` and :func:`flow_spec` are shared and read-only.
Creating and updating specs (the Sources SDK calls) lives in ``spec_writes``. No Flask here.
"""
from __future__ import annotations

from typing import Any, Literal, Mapping

from mockaep.core.context import RequestContext
from mockaep.core.errors import NotFound
from mockaep.core.packagedata import package_files
from mockaep.core.store import Collection
from mockaep.services.flowservice.resources import KINDS

#: Tenant collections of specs created through the API (Sources SDK).
CONNECTION_SPECS = "connectionSpecs"
FLOW_SPECS = "flowSpecs"
_FOLDERS = {CONNECTION_SPECS: "flowservice/connection_specs", FLOW_SPECS: "flowservice/flow_specs"}

#: ``data.format`` values a connection may use, by kind of spec (BEHAVIOUR.md 7.1): table sources
#: read ``tabular``; file sources ``delimited``, ``json`` or ``parquet``; specs of no known kind
#: (custom REST sources, streaming) accept any of those. The data lake target is documented
#: with ``parquet_xdm``; the live platform also takes the format of the incoming data there
#: (aepp's ``createTargetConnectionDataLake`` sends ``delimited`` by default, its streaming flow
#: ``json``), so those are accepted too; ``tabular`` is not.
DATA_FORMATS: dict[str, tuple[str, ...]] = {
    "table": ("tabular",),
    "file": ("delimited", "json", "parquet"),
    "target": ("parquet_xdm", "delimited", "json", "parquet"),
    "other": ("tabular", "delimited", "json", "parquet"),
}
#: Connection specs of the platform's own stores: the data lake and Profile as targets, the data
#: lake as the source of dataset exports. Flows between them and the outside are source flows
#: (into the platform) or destination flows (out of it).
DATA_LAKE = "c604ff05-7f1a-43c0-8e18-33bf874cb11c"
PROFILE_STORE = "8a9c3494-9708-43d7-ae3f-cda01e5030e1"
DATA_LAKE_EXPORT = "23598e46-f560-407b-88d5-ea6207e49db0"
PLATFORM_STORES = frozenset((DATA_LAKE, PROFILE_STORE, DATA_LAKE_EXPORT))
_TABLE_EXPLORE_TYPES = {"table", "tabular"}
_FILE_EXPLORE_TYPES = {"filesystem", "file", "folder"}


# -- packaged data (per app) --------------------------------------------------------------------------
def packaged(ctx: RequestContext, collection: str) -> Mapping[str, Mapping[str, Any]]:
    """Packaged specs (``connectionSpecs`` or ``flowSpecs``) by id: shared, read-only."""
    package = ctx.runtime.package
    return package.memo(("flowservice", "packaged", collection), lambda: {
        spec["id"]: spec for spec in (package.json(path) for path in package_files(_FOLDERS[collection]))})


def _packaged_collection(ctx: RequestContext, collection: str) -> Collection:
    """The packaged specs as a (never written) collection, built once per app."""
    def build() -> Collection:
        found = Collection(collection, KINDS[collection].indexes)
        for spec_id, spec in packaged(ctx, collection).items():
            found.put(spec_id, spec)
        return found
    return ctx.runtime.package.memo(("flowservice", "catalogue", collection), build)


def catalogue(ctx: RequestContext, collection: str) -> Collection:
    """Every spec of one kind this tenant sees: packaged first (a platform flow spec the tenant
    extended shows its extended copy in its place), then the tenant's own, in creation order.

    Read-only. Without specs of its own a tenant sees the packaged collection itself; otherwise
    the merged one is kept in ``tenant.derived`` until a spec write drops it (:func:`forget`).
    """
    own = ctx.tenant.collection(collection)
    if not len(own):
        return _packaged_collection(ctx, collection)
    key = ("flowservice", "catalogue", collection)
    found = ctx.tenant.derived.get(key)
    if found is None:
        found = Collection(collection, KINDS[collection].indexes)
        platform = packaged(ctx, collection)
        for spec_id, spec in platform.items():
            found.put(spec_id, own.get(spec_id) or spec)
        for spec_id in own.ids():
            if spec_id not in platform:
                found.put(spec_id, own.get(spec_id) or {})
        ctx.tenant.derived[key] = found
    return found


def forget(ctx: RequestContext, collection: str) -> None:
    """A spec of this tenant changed: its merged catalogue is built again when next read."""
    ctx.tenant.derived.pop(("flowservice", "catalogue", collection), None)


#: Answers kept for the packaged catalogues (per kind), the largest kept, and the longest query
#: (characters) whose answer is kept: a bound on their memory, whatever queries are sent.
MAX_KEPT_ANSWERS = 64
MAX_KEPT_ANSWER_BYTES = 64 * 1024
MAX_KEPT_QUERY = 1024


def kept_answers(ctx: RequestContext, collection: str) -> dict[tuple[tuple[str, str], ...], bytes] | None:
    """Serialised list answers of the packaged catalogue by query, for a tenant that sees it
    (one without specs of its own): it never changes, so a query has one answer, and clients look
    a spec up by name on every onboarding. None for a tenant with specs of its own."""
    if len(ctx.tenant.collection(collection)):
        return None
    return ctx.runtime.package.memo(("flowservice", "answers", collection), dict)


def is_packaged(ctx: RequestContext, spec_id: str) -> bool:
    """True for the specs the platform ships, which no org can overwrite."""
    return spec_id in packaged(ctx, CONNECTION_SPECS) or spec_id in packaged(ctx, FLOW_SPECS)


# -- lookups ----------------------------------------------------------------------------------------
def connection_spec(ctx: RequestContext, spec_id: Any) -> Mapping[str, Any] | None:
    """The connection spec with this id (packaged, or created in this tenant), or None."""
    if not isinstance(spec_id, str):
        return None
    found = packaged(ctx, CONNECTION_SPECS).get(spec_id)
    return found if found is not None else ctx.tenant.collection(CONNECTION_SPECS).get(spec_id)


def flow_spec(ctx: RequestContext, spec_id: Any) -> Mapping[str, Any] | None:
    """The flow spec with this id (created or extended in this tenant, else packaged), or None."""
    if not isinstance(spec_id, str):
        return None
    own = ctx.tenant.collection(FLOW_SPECS).get(spec_id)
    return own if own is not None else packaged(ctx, FLOW_SPECS).get(spec_id)


def spec_not_found(kind: str, spec_id: str) -> NotFound:
    return NotFound(f"The requested {kind} resource {spec_id[:200]} is not found. Verify the resource ID before "
                    "trying again.", code="1101", report={"id": spec_id, "type": kind})


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
    (cloud storage) take ``delimited``, ``json`` or ``parquet``; ``target`` is a destination;
    ``other`` is any spec of no known kind (e.g. a custom REST source).
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


def auth_spec(spec: Mapping[str, Any], spec_name: Any) -> Mapping[str, Any] | None:
    """The ``authSpec`` entry named ``spec_name`` (what ``auth.specName`` must match), or None."""
    for entry in spec.get("authSpec") or []:
        if isinstance(entry, Mapping) and entry.get("name") == spec_name:
            return entry
    return None


def transformation_specs(flow_spec_item: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """A flow spec's transformation specs; Sources SDK docs also spell the key singular."""
    found = flow_spec_item.get("transformationSpecs")
    if found is None:
        found = flow_spec_item.get("transformationSpec")
    return [t for t in found or [] if isinstance(t, Mapping)]
