"""Catalog datasets: the rules behind /dataSets (create, look up, list, replace, patch, delete).

Batches live in :mod:`.batches`, the query language in :mod:`.query`. A dataset record is
stored exactly as ``GET /dataSets/{id}`` shows it (the object under its id); the Schema
Registry is asked, through its ``api`` module only, whether ``schemaRef.id`` exists.
"""
from __future__ import annotations

import copy
import re
from typing import Any, Iterable

import jsonpatch

from mockaep.core import ids, validation
from mockaep.core.errors import BadRequest, NotFound, PreconditionFailed
from mockaep.core.context import RequestContext
from mockaep.services.catalog import journal
from mockaep.services.catalog.query import listing, lookup

DATASETS = "dataSets"
#: Set by Catalog, never by the client: silently kept as stored when a body carries them.
SYSTEM_FIELDS = ("imsOrg", "version", "created", "updated", "createdClient", "createdUser", "updatedUser",
                 "files", "viewId", "basePath", "lastBatchId", "lastBatchStatus", "lastSuccessfulBatch",
                 "lastFailedBatch", "sandboxName")
#: schemaRef.contentType variants seen across the docs (BEHAVIOUR §15 #7): any xed* flavour of
#: major version 1, "1" or "1.0", with or without a space after the semicolon.
SCHEMA_CONTENT_TYPE = re.compile(
    r"^application/vnd\.adobe\.xed(-full)?(-notext)?(-desc)?\+json\s*;\s*version=1(\.0)?$", re.IGNORECASE)
HEX24 = re.compile(r"^[0-9a-f]{24}$")


def link(kind: str, record_id: str) -> str:
    return f"@/{kind}/{record_id}"


# -- what other services ask (catalog/api.py) -------------------------------------------------
def get_record(ctx: RequestContext, kind: str, record_id: Any) -> dict[str, Any] | None:
    """A copy of one Catalog object of ``kind`` (``dataSets``, ``batches``…), or ``None``."""
    return ctx.tenant.collection(kind).get(record_id) if isinstance(record_id, str) else None


def require_record(ctx: RequestContext, kind: str, record_id: Any, label: str) -> dict[str, Any]:
    """The object, or a 404 in Catalog's shape naming what was looked for and where."""
    found = get_record(ctx, kind, record_id)
    if found is None:
        raise NotFound(f"{label} '{record_id}' was not found in org {ctx.org}, sandbox {ctx.sandbox}.",
                       code="1404", title=f"{label} not found")
    return found


def get_dataset(ctx: RequestContext, dataset_id: str) -> dict[str, Any] | None:
    """The dataset as ``GET /dataSets/{id}`` shows it (the inner object), or ``None``."""
    return get_record(ctx, DATASETS, dataset_id)


def datasets_using_schema(ctx: RequestContext, schema_id: str) -> list[str]:
    """Datasets based on ``schema_id`` (the ``schemaRef.id`` index), in creation order."""
    datasets = ctx.tenant.collection(DATASETS)
    return datasets.in_order(datasets.lookup("schemaRef.id", schema_id))


def require_dataset(ctx: RequestContext, dataset_id: str) -> dict[str, Any]:
    return require_record(ctx, DATASETS, dataset_id, "Dataset")


# -- validation -----------------------------------------------------------------------------
def check_schema_ref(ctx: RequestContext, schema_ref: Any) -> None:
    """``schemaRef.id`` must name a schema of this org and sandbox (or a standard one)."""
    if not isinstance(schema_ref, dict) or not isinstance(schema_ref.get("id"), str) or not schema_ref["id"]:
        raise BadRequest("A dataset needs 'schemaRef' with the 'id' of an XDM schema "
                         "(and 'contentType', e.g. application/vnd.adobe.xed+json;version=1).")
    content_type = schema_ref.get("contentType")
    if content_type is not None and not (isinstance(content_type, str) and SCHEMA_CONTENT_TYPE.match(content_type)):
        raise BadRequest(f"schemaRef.contentType '{content_type}' is not supported: use "
                         "application/vnd.adobe.xed+json;version=1 (or another xed flavour of version 1).")
    resource = ctx.backend("schemaregistry").find_resource(schema_ref["id"])
    if resource is None:
        raise BadRequest(f"schemaRef.id '{schema_ref['id']}' does not name a schema in the Schema Registry of "
                         f"org {ctx.org}, sandbox {ctx.sandbox}. Create the schema first or correct the id.")
    kind = resource.get("meta:resourceType")
    if kind is not None and kind != "schemas":
        raise BadRequest(f"schemaRef.id '{schema_ref['id']}' names a {kind[:-1] if kind.endswith('s') else kind}, "
                         "not a schema; a dataset must be based on a schema.")


def _check_writable(ctx: RequestContext, body: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    """Layer 1 (official request schema) and the rules on which fields a client may set."""
    validation.check_body(ctx, "catalog", method, path, body)
    for key, value in body.items():
        if isinstance(value, str) and value.startswith("@"):
            raise BadRequest(f"'{key}' refers to an interrelated object ('{value}') and cannot be set here; "
                             "change the related object directly.")
    if "schemaRef" in body:
        check_schema_ref(ctx, body["schemaRef"])
    return {k: copy.deepcopy(v) for k, v in body.items() if k not in SYSTEM_FIELDS}


def bump_version(version: str) -> str:
    parts = version.split(".") if isinstance(version, str) else []
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        return f"{parts[0]}.{parts[1]}.{int(parts[2]) + 1}"
    return "1.0.1"


def _stamp(ctx: RequestContext, record: dict[str, Any]) -> None:
    record["updated"] = ctx.now_ms
    record["updatedUser"] = ctx.user_id
    record["version"] = bump_version(record.get("version", "1.0.0"))


def check_if_match(record: dict[str, Any], if_match: str | None) -> None:
    """Appendix: a version mismatch gives 412. The spec says the value is the ``updated`` date,
    the appendix says the object version (the ``ETag`` we send): either is accepted."""
    if not if_match or if_match.strip() == "*":
        return
    wanted = {ids.strip_quotes(v) for v in if_match.split(",")}
    if str(record.get("version")) not in wanted and str(record.get("updated")) not in wanted:
        raise PreconditionFailed(f"If-Match {if_match} does not match the current version "
                                 f"{record.get('version')} (updated {record.get('updated')}) of the object.")


# -- operations -----------------------------------------------------------------------------
def create_dataset(ctx: RequestContext, body: Any) -> str:
    """``POST /dataSets`` → the new id (the caller answers ``["@/dataSets/<id>"]``)."""
    if not isinstance(body, dict):
        raise BadRequest("The dataset must be a JSON object.")
    if "schemaRef" not in body:
        check_schema_ref(ctx, None)
    fields = _check_writable(ctx, body, "POST", "/dataSets")
    dataset_id = ids.new_catalog_id()
    record: dict[str, Any] = {
        "name": fields.pop("name", dataset_id),
        "imsOrg": ctx.org,
        "version": "1.0.0",
        "created": ctx.now_ms,
        "updated": ctx.now_ms,
        "createdClient": ctx.client_id,
        "createdUser": ctx.user_id,
        "updatedUser": ctx.user_id,
        "tags": {},
        "state": "DRAFT",
        "viewId": ids.new_catalog_id(),
        "files": f"@/dataSetFiles?dataSetId={dataset_id}",
        "dule": {},
        "statsCache": {},
    }
    record.update(fields)
    journal.save(ctx, DATASETS, dataset_id, record)
    return dataset_id


def replace_dataset(ctx: RequestContext, dataset_id: str, body: Any, if_match: str | None = None) -> None:
    """``PUT /dataSets/{id}``: the client's fields replace the stored ones; system fields stay."""
    current = require_dataset(ctx, dataset_id)
    check_if_match(current, if_match)
    if not isinstance(body, dict):
        raise BadRequest("The dataset must be a JSON object.")
    if "schemaRef" not in body:
        check_schema_ref(ctx, None)
    fields = _check_writable(ctx, body, "PUT", "/dataSets/{DATASET_ID}")
    record = {k: v for k, v in current.items() if k in SYSTEM_FIELDS}
    record.update(fields)
    _stamp(ctx, record)
    journal.save(ctx, DATASETS, dataset_id, record)


def merge_dataset(ctx: RequestContext, dataset_id: str, body: Any, if_match: str | None = None) -> None:
    """``PATCH`` with ``application/json``: top-level fields of the body replace the stored ones."""
    current = require_dataset(ctx, dataset_id)
    check_if_match(current, if_match)
    if not isinstance(body, dict):
        raise BadRequest("A PATCH with Content-Type application/json takes an object of fields to change; "
                         "send a JSON Patch array with application/json-patch+json instead.")
    _refuse_interrelated(current, body.keys())
    fields = _check_writable(ctx, body, "PATCH", "/dataSets/{DATASET_ID}")
    current.update(fields)
    _stamp(ctx, current)
    journal.save(ctx, DATASETS, dataset_id, current)


def json_patch_dataset(ctx: RequestContext, dataset_id: str, operations: Any, if_match: str | None = None) -> None:
    """``PATCH`` with ``application/json-patch+json`` (RFC 6902, via the jsonpatch library).

    Spec defect: catalog.yaml gives this media type the dataSetRequest *object* schema; a JSON
    Patch document is an array (update-object.md), so the patched result is validated instead.
    """
    current = require_dataset(ctx, dataset_id)
    check_if_match(current, if_match)
    if not isinstance(operations, list) or not all(isinstance(op, dict) for op in operations):
        raise BadRequest("A JSON Patch body must be an array of operations such as "
                         '{"op": "replace", "path": "/name", "value": "…"}.')
    touched = {str(op.get("path", "")).lstrip("/").split("/")[0] for op in operations}
    touched |= {str(op.get("from", "")).lstrip("/").split("/")[0] for op in operations if op.get("op") == "move"}
    _refuse_interrelated(current, touched)
    system = sorted(t for t in touched if t in SYSTEM_FIELDS)
    if system:
        raise BadRequest(f"{', '.join(system)} {'is' if len(system) == 1 else 'are'} set by Catalog and cannot be patched.")
    try:
        patched = jsonpatch.JsonPatch(operations).apply(current)
    except (jsonpatch.JsonPatchException, jsonpatch.JsonPointerException, TypeError, ValueError, KeyError,
            IndexError, AttributeError) as exc:
        raise BadRequest(f"The JSON Patch cannot be applied: {exc}.") from None
    if not isinstance(patched, dict):
        raise BadRequest("The JSON Patch must leave the dataset an object.")
    writable = {k: v for k, v in patched.items() if k not in SYSTEM_FIELDS}
    changed = {k: v for k, v in writable.items() if current.get(k) != v}
    validation.check_body(ctx, "catalog", "PATCH", "/dataSets/{DATASET_ID}", writable)
    if "schemaRef" in changed:
        check_schema_ref(ctx, changed["schemaRef"])
    if "schemaRef" in current and "schemaRef" not in patched:
        raise BadRequest("schemaRef cannot be removed from a dataset.")
    record = {k: v for k, v in current.items() if k in SYSTEM_FIELDS}
    record.update(writable)
    _stamp(ctx, record)
    journal.save(ctx, DATASETS, dataset_id, record)


def deep_merge_dataset(ctx: RequestContext, dataset_id: str, body: Any, if_match: str | None = None) -> None:
    """``PATCH /v2/dataSets/{id}``: nested fields merge, missing intermediate objects are created."""
    current = require_dataset(ctx, dataset_id)
    check_if_match(current, if_match)
    if not isinstance(body, dict):
        raise BadRequest("PATCH v2 takes an object of (possibly nested) dataset attributes to update.")
    validation.check_body(ctx, "catalog", "PATCH", "/v2/dataSets/{DATASET_ID}", body)
    _refuse_interrelated(current, body.keys())
    system = sorted(k for k in body if k in SYSTEM_FIELDS)
    if system:
        raise BadRequest(f"{', '.join(system)} {'is' if len(system) == 1 else 'are'} set by Catalog and cannot be patched.")
    merged = _deep_merge(current, body)
    if "schemaRef" in body:
        check_schema_ref(ctx, merged.get("schemaRef"))
    _stamp(ctx, merged)
    journal.save(ctx, DATASETS, dataset_id, merged)


def _deep_merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _refuse_interrelated(current: dict[str, Any], keys: Iterable[str]) -> None:
    for key in keys:
        value = current.get(key)
        if isinstance(value, str) and value.startswith("@"):
            raise BadRequest(f"'{key}' is an interrelated object ('{value}'): PATCH cannot modify it; "
                             "modify the related object directly.")


def delete_dataset(ctx: RequestContext, dataset_id: str) -> None:
    require_dataset(ctx, dataset_id)
    journal.remove(ctx, DATASETS, dataset_id)


def find_datasets(ctx: RequestContext, params: list[tuple[str, str]]) -> dict[str, Any]:
    """``GET /dataSets`` → ``{id: dataset}`` filtered, sorted and paged by the query language."""
    return listing(ctx.tenant.collection(DATASETS), params)


def show_dataset(ctx: RequestContext, dataset_id: str, params: list[tuple[str, str]]) -> dict[str, Any]:
    return lookup(dataset_id, require_dataset(ctx, dataset_id), params)


def dataset_credentials(ctx: RequestContext, dataset_id: str, batch_id: str | None) -> dict[str, Any]:
    """Deprecated credentials look-up: emulator-local placeholders, never real secrets."""
    require_dataset(ctx, dataset_id)
    base = f"adl://mockaep.local/{ctx.tenant_id}/{ctx.sandbox}/dataSets/{dataset_id}"
    stage = f"{base}/stage/{batch_id}" if batch_id else f"{base}/stage"
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
    and which objects carry it; 404 when no object does."""
    values: dict[str, None] = {}
    holders: dict[str, list[str]] = {}
    for kind in (DATASETS, "batches"):
        for record_id, record in ctx.tenant.collection(kind).scan():
            tags = record.get("tags")
            if isinstance(tags, dict) and namespace in tags:
                for value in tags[namespace] if isinstance(tags[namespace], list) else [tags[namespace]]:
                    values.setdefault(str(value), None)
                holders.setdefault(kind, []).append(link(kind, record_id))
    if not holders:
        raise NotFound(f"No dataset or batch carries a tag named '{namespace}'.", code="1404", title="Tag not found")
    return {namespace: list(values), "objectType": holders}
