"""Catalog datasets: the rules behind /dataSets (create, look up, list, replace, patch, delete).

A dataset record is stored exactly as ``GET /dataSets/{id}`` shows it (the object under its id)
and carries what the platform's datasets carry (catalog.yaml ``dataSetResponse``, the docs'
examples): the audit fields, ``sandboxId``, ``classification`` (the data behaviour of its
schema's class; update-object V2), the Query Service table name tag ``adobe/pqs/table``,
``viewId``, ``basePath``, ``fileDescription``, ``files`` and, once batches exist, the
``lastBatch*`` fields. ``classification`` and the table tag are Catalog's: a client may change
them, never drop them. Batches live in :mod:`.batches`, the query language in :mod:`.query`.
"""
from __future__ import annotations

import re
from typing import Any, Mapping

from mockaep.core import ids, validation
from mockaep.core.context import RequestContext
from mockaep.core.errors import BadRequest, NotFound
from mockaep.core.request import QueryParams
from mockaep.services.catalog import objects, query
from mockaep.services.catalog.journal import Journal
from mockaep.services.catalog.resources import DATASETS, KINDS

KIND = KINDS[DATASETS]
#: schemaRef.contentType variants seen across the docs (BEHAVIOUR §15 #7): any xed* flavour of
#: major version 1, "1" or "1.0", with or without a space after the semicolon.
SCHEMA_CONTENT_TYPE = re.compile(
    r"^application/vnd\.adobe\.xed(-full)?(-notext)?(-desc)?\+json\s*;\s*version=1(\.0)?$", re.IGNORECASE)
#: XDM behaviours (the ``meta:extends`` of a class) → ``classification.dataBehavior``.
BEHAVIOURS = {"https://ns.adobe.com/xdm/data/record": "record",
              "https://ns.adobe.com/xdm/data/time-series": "time-series",
              "https://ns.adobe.com/xdm/data/adhoc": "adhoc"}
TABLE_TAG = "adobe/pqs/table"
#: Kinds a dataset can be based on: a schema, or a union (Profile export datasets are made on
#: ``…/profile__union``, as data-prep mapping-set.md also uses a union as a schemaRef).
DATASET_BASES = ("schemas", "unions")
#: Datasets listed with their observableSchema are limited further (filter-data.md).
LIMIT_WHEN = {"observableSchema": 20}
MAX_TABLE_SUFFIX = 1000


# -- what other services ask (backend.py) -------------------------------------------------------
def get_dataset(ctx: RequestContext, dataset_id: str) -> dict[str, Any] | None:
    """The dataset as ``GET /dataSets/{id}`` shows it (the inner object), or ``None``."""
    return objects.find(ctx, DATASETS, dataset_id)


def datasets_using_schema(ctx: RequestContext, schema_id: str) -> list[str]:
    """Datasets based on ``schema_id`` (the ``schemaRef.id`` index), in creation order."""
    datasets = ctx.tenant.collection(DATASETS)
    return list(datasets.ids(among=datasets.hits("schemaRef.id", schema_id)))


def require_dataset(ctx: RequestContext, dataset_id: str) -> dict[str, Any]:
    return objects.require(ctx, DATASETS, dataset_id)


# -- the schema behind a dataset ------------------------------------------------------------------
def check_schema_ref(ctx: RequestContext, schema_ref: Any) -> dict[str, Any]:
    """``schemaRef.id`` must name a schema (or an existing union) of this org and sandbox, or a
    standard one; returns the Schema Registry's resource."""
    if not isinstance(schema_ref, dict) or not isinstance(schema_ref.get("id"), str) or not schema_ref["id"]:
        raise BadRequest("A dataset needs 'schemaRef' with the 'id' of an XDM schema "
                         "(and 'contentType', e.g. application/vnd.adobe.xed+json;version=1).")
    content_type = schema_ref.get("contentType")
    if content_type is not None and not (isinstance(content_type, str) and SCHEMA_CONTENT_TYPE.match(content_type)):
        raise BadRequest(f"schemaRef.contentType '{str(content_type)[:200]}' is not supported: use "
                         "application/vnd.adobe.xed+json;version=1 (or another xed flavour of version 1).")
    ref = schema_ref["id"]
    resource = ctx.backend("schemaregistry").find_resource(ref)
    if resource is None:
        raise BadRequest(f"schemaRef.id '{ref[:300]}' does not name a schema in the Schema Registry of "
                         f"org {ctx.org}, sandbox {ctx.sandbox}. Create the schema first or correct the id.")
    kind = resource.get("meta:resourceType")
    if kind is not None and kind not in DATASET_BASES:
        raise BadRequest(f"schemaRef.id '{ref[:300]}' names a {kind[:-1] if kind.endswith('s') else kind}, "
                         "not a schema; a dataset must be based on a schema.")
    return resource


def data_behavior(ctx: RequestContext, resource: Mapping[str, Any]) -> str:
    """``record``, ``time-series`` or ``adhoc``: the behaviour the schema's class extends."""
    for extended in resource.get("meta:extends") or []:
        if extended in BEHAVIOURS:
            return BEHAVIOURS[extended]
    cls = resource.get("meta:class")
    found = ctx.backend("schemaregistry").find_resource(cls) if isinstance(cls, str) else None
    for extended in (found or {}).get("meta:extends") or []:
        if extended in BEHAVIOURS:
            return BEHAVIOURS[extended]
    return "record"


def table_name(ctx: RequestContext, name: str) -> str:
    """The dataset's Query Service table: its name lower-cased, other characters as ``_``, made
    unique in the sandbox with a numeric suffix (through the tag's index)."""
    base = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:200] or "dataset"
    datasets = ctx.tenant.collection(DATASETS)
    candidate = base
    for suffix in range(1, MAX_TABLE_SUFFIX):
        if not datasets.count(f"tags.{TABLE_TAG}", candidate):
            return candidate
        candidate = f"{base}_{suffix}"
    return f"{base}_{ids.new_hex(8)}"


# -- writes ---------------------------------------------------------------------------------------
def _client_body(ctx: RequestContext, body: Any, method: str, path: str) -> dict[str, Any]:
    """Layer 1 (the official request schema) and the rules on what a client may write."""
    if not isinstance(body, dict):
        raise BadRequest("The dataset must be a JSON object.")
    validation.check_body(ctx, "catalog", method, path, body)
    objects.refuse_references(body)
    return objects.client_fields(KIND, body)


def _keep_catalog_fields(current: Mapping[str, Any], record: dict[str, Any]) -> dict[str, Any]:
    """``classification`` and the table tag stay when a write leaves them out."""
    if "classification" in current and "classification" not in record:
        record["classification"] = current["classification"]
    table = (current.get("tags") or {}).get(TABLE_TAG) if isinstance(current.get("tags"), dict) else None
    if table is not None:
        tags = record.get("tags") if isinstance(record.get("tags"), dict) else {}
        if TABLE_TAG not in tags:
            record["tags"] = {**tags, TABLE_TAG: table}
    return record


def _store(ctx: RequestContext, journal: Journal, dataset_id: str, record: dict[str, Any]) -> None:
    objects.check_record(ctx, KIND, record)
    journal.save(DATASETS, dataset_id, record)


def create_dataset(ctx: RequestContext, journal: Journal, body: Any, params: QueryParams | None = None) -> str:
    """``POST /dataSets`` → the new id (the caller answers ``["@/dataSets/<id>"]``)."""
    fields = _client_body(ctx, body, "POST", "/dataSets")
    resource = check_schema_ref(ctx, fields.get("schemaRef"))
    dataset_id = ids.new_catalog_id()
    name = fields.pop("name", None) or dataset_id
    tags = dict(fields.pop("tags", None) or {})
    tags.setdefault(TABLE_TAG, [table_name(ctx, name)])
    base = f"adl://mockaep.local/{ctx.tenant_id}/{ctx.sandbox}/dataSets/{dataset_id}"
    # what the client named the dataset by first, as the docs' examples show it
    record: dict[str, Any] = {"name": name, **{k: fields.pop(k) for k in ("description", "schemaRef") if k in fields}}
    record.update({
        "imsOrg": ctx.org,
        "sandboxId": ctx.sandbox_id,
        "tags": tags,
        "version": "1.0.0",
        "created": ctx.now_ms,
        "updated": ctx.now_ms,
        "createdClient": ctx.client_id,
        "createdUser": ctx.user_id,
        "updatedUser": ctx.user_id,
        "classification": {"dataBehavior": data_behavior(ctx, resource), "managedBy": "CUSTOMER"},
        "state": "DRAFT",
        "viewId": ids.new_catalog_id(),
        "basePath": base,
        "fileDescription": {"persisted": True, "containerFormat": "parquet", "format": "parquet"},
        "files": f"@/dataSetFiles?dataSetId={dataset_id}",
        "dule": {},
        "statsCache": {},
    })
    if params is not None and (params.get("requestDataSource") or "").lower() == "true":
        # create-dataset.md asks for a data source; its id is a number derived from the dataset's
        record["dataSourceId"] = int(dataset_id[:7], 16)
    record.update(fields)
    _store(ctx, journal, dataset_id, record)
    return dataset_id


def replace_dataset(ctx: RequestContext, journal: Journal, dataset_id: str, body: Any,
                    if_match: str | None = None) -> None:
    """``PUT /dataSets/{id}``: the client's fields replace the stored ones; system fields stay."""
    current = require_dataset(ctx, dataset_id)
    objects.check_version(current, if_match)
    fields = _client_body(ctx, body, "PUT", "/dataSets/{DATASET_ID}")
    check_schema_ref(ctx, fields.get("schemaRef"))
    record = {k: v for k, v in current.items() if KIND.is_read_only(k)}
    record.update(fields)
    _store(ctx, journal, dataset_id, objects.stamp(ctx, _keep_catalog_fields(current, record)))


def patch_dataset(ctx: RequestContext, journal: Journal, dataset_id: str, body: Any, content_type: str,
                  if_match: str | None = None) -> None:
    """``PATCH /dataSets/{id}``: fields (``application/json``) or JSON Patch
    (``application/json-patch+json``).

    Spec defect: catalog.yaml gives the JSON Patch media type the dataSetRequest *object* schema;
    a JSON Patch document is an array (update-object.md), so the patched client fields are
    checked against the request schema instead.
    """
    current = require_dataset(ctx, dataset_id)
    objects.check_version(current, if_match)
    patched = objects.patched(KIND, current, body, content_type)
    changed = {k: v for k, v in patched.items() if current.get(k) != v and not KIND.is_read_only(k)}
    objects.refuse_references(changed)
    validation.check_body(ctx, "catalog", "PATCH", "/dataSets/{DATASET_ID}", objects.client_fields(KIND, patched))
    if "schemaRef" in current and "schemaRef" not in patched:
        raise BadRequest("schemaRef cannot be removed from a dataset.")
    if "schemaRef" in changed:
        check_schema_ref(ctx, changed["schemaRef"])
    _store(ctx, journal, dataset_id, objects.stamp(ctx, _keep_catalog_fields(current, patched)))


def patch_dataset_v2(ctx: RequestContext, journal: Journal, dataset_id: str, body: Any,
                     if_match: str | None = None) -> None:
    """``PATCH /v2/dataSets/{id}``: nested fields merge, missing intermediate objects are created."""
    current = require_dataset(ctx, dataset_id)
    objects.check_version(current, if_match)
    if not isinstance(body, dict):
        raise BadRequest("PATCH v2 takes an object of (possibly nested) dataset attributes to update.")
    validation.check_body(ctx, "catalog", "PATCH", "/v2/dataSets/{DATASET_ID}", body)
    objects.refuse_interrelated(current, body)
    system = sorted(k for k in body if KIND.is_read_only(k))
    if system:
        raise BadRequest(f"{', '.join(system)} {'is' if len(system) == 1 else 'are'} set by Catalog and cannot "
                         "be patched.")
    merged = _deep_merge(current, body)
    if "schemaRef" in body:
        check_schema_ref(ctx, merged.get("schemaRef"))
    _store(ctx, journal, dataset_id, objects.stamp(ctx, merged))


def _deep_merge(base: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in changes.items():
        out[key] = _deep_merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) \
            else value
    return out


def delete_dataset(ctx: RequestContext, journal: Journal, dataset_id: str) -> None:
    require_dataset(ctx, dataset_id)
    journal.remove(DATASETS, dataset_id)


# -- reads ----------------------------------------------------------------------------------------
def find_datasets(ctx: RequestContext, params: QueryParams) -> dict[str, Any]:
    """``GET /dataSets`` → ``{id: dataset}`` filtered, ordered and paged by the query language."""
    return query.listing(ctx.tenant.collection(DATASETS), params, limit_when=LIMIT_WHEN)


def show_dataset(ctx: RequestContext, dataset_id: str, params: QueryParams) -> dict[str, Any]:
    return query.show(dataset_id, require_dataset(ctx, dataset_id), params)


def dataset_credentials(ctx: RequestContext, dataset_id: str, batch_id: str | None) -> dict[str, Any]:
    """Deprecated credentials look-up: emulator-local placeholders, never real secrets."""
    require_dataset(ctx, dataset_id)
    base = f"adl://mockaep.local/{ctx.tenant_id}/{ctx.sandbox}/dataSets/{dataset_id}"
    stage = f"{base}/stage/{batch_id[:200]}" if batch_id else f"{base}/stage"
    return {
        "dataSetId": dataset_id,
        "path": base,
        "stagePath": stage,
        "credentials": {"name": f"mockaep-{ctx.tenant_id}", "adlsType": "emulated", "adlsUri": base,
                        "hadoopUri": base, "clientId": "mockaep-emulated", "clientKey": "mockaep-emulated",
                        "tenantId": ctx.tenant_id, "subscriptionId": "mockaep", "resourceGroupName": "mockaep"},
    }


def tag_values(ctx: RequestContext, namespace: str) -> dict[str, Any]:
    """Deprecated ``GET /tags/{namespace}``: every value of that tag across datasets and batches,
    and which objects carry it; 404 when no object does. Reads every dataset and batch: tag
    names are keys, which no index holds (the query's own cost)."""
    values: dict[str, None] = {}
    holders: dict[str, list[str]] = {}
    for kind in (DATASETS, "batches"):
        for record_id, record in ctx.tenant.collection(kind).scan():
            tags = record.get("tags")
            if isinstance(tags, dict) and namespace in tags:
                for value in tags[namespace] if isinstance(tags[namespace], list) else [tags[namespace]]:
                    values.setdefault(str(value), None)
                holders.setdefault(kind, []).append(objects.link(kind, record_id))
    if not holders:
        raise NotFound(f"No dataset or batch carries a tag named '{namespace[:200]}'.", code="1404",
                       title="Tag not found")
    return {namespace: list(values), "objectType": holders}
