"""What every Catalog object (dataset, batch, dataset file) shares: links, the 404, the If-Match
check, versions and stamps, the two PATCH forms (update-object.md: fields, or JSON Patch), and
the check that what is stored fits the kind's record schema."""
from __future__ import annotations

from typing import Any, Iterable, Mapping

from mockaep.core import validation
from mockaep.core.context import RequestContext
from mockaep.core.errors import BadRequest, NotFound, shown
from mockaep.core.kinds import ResourceKind
from mockaep.core.numbers import whole_number
from mockaep.core.patch import PatchRules, apply_patch, read_patch, top_field
from mockaep.core.preconditions import check_if_match
from mockaep.services.catalog.resources import KINDS

#: RFC 6902 as update-object.md cites it: all six operations; refusals are CAT-1400-400.
PATCH_RULES = PatchRules()
JSON_PATCH = "application/json-patch+json"


def link(kind: str, record_id: str) -> str:
    return f"@/{kind}/{record_id}"


def find(ctx: RequestContext, kind: str, record_id: Any) -> dict[str, Any] | None:
    """One Catalog object of ``kind`` (a copy the caller owns), or ``None``."""
    return ctx.tenant.collection(kind).get(record_id) if isinstance(record_id, str) else None


def require(ctx: RequestContext, kind: str, record_id: Any) -> dict[str, Any]:
    """The object, or a 404 in Catalog's shape naming what was looked for and where."""
    found = find(ctx, kind, record_id)
    if found is None:
        label = KINDS[kind].label
        raise NotFound(f"{label.capitalize()} '{str(record_id)[:200]}' was not found in org {ctx.org}, "
                       f"sandbox {ctx.sandbox}.", code=KINDS[kind].not_found_code, title=f"{label.capitalize()} not found")
    return found


def check_version(record: Mapping[str, Any], if_match: str | None) -> None:
    """appendix.md: a stale ``If-Match`` is a 412. catalog.yaml says the value is the ``updated``
    time, the appendix the object's version (the ``ETag`` sent): either is accepted."""
    check_if_match([record.get("version"), record.get("updated")], if_match, required=False,
                   stale_detail="If-Match '{supplied}' does not match the current version '{current}' of the object.")


def bump_version(version: Any) -> str:
    parts = version.split(".") if isinstance(version, str) else []
    numbers = [whole_number(part, 9) for part in parts]
    if len(numbers) == 3 and None not in numbers:
        return f"{parts[0]}.{parts[1]}.{numbers[2] + 1}"
    return "1.0.1"


def stamp(ctx: RequestContext, record: dict[str, Any]) -> dict[str, Any]:
    """A changed object: its ``updated`` time, ``updatedUser`` and patch version move on."""
    record.update(updated=ctx.now_ms, updatedUser=ctx.user_id, version=bump_version(record.get("version")))
    return record


def refuse_interrelated(current: Mapping[str, Any], keys: Iterable[str]) -> None:
    """update-object.md: PATCH cannot modify interrelated objects (``@``-prefixed values)."""
    for key in keys:
        value = current.get(key)
        if isinstance(value, str) and value.startswith("@"):
            raise BadRequest(f"'{key}' is an interrelated object ({shown(value, quoted=True)}): PATCH cannot modify it; "
                             "modify the related object directly.")


def refuse_references(body: Mapping[str, Any]) -> None:
    """A client cannot write an interrelated object's link (``files``…) into an object."""
    for key, value in body.items():
        if isinstance(value, str) and value.startswith("@"):
            raise BadRequest(f"'{key}' refers to an interrelated object ('{value[:200]}') and cannot be set here; "
                             "change the related object directly.")


def client_fields(kind: ResourceKind, body: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of a body a client may write (system fields are kept as stored, silently)."""
    return {k: v for k, v in body.items() if not kind.is_read_only(k)}


def merged(kind: ResourceKind, current: Mapping[str, Any], body: Any) -> dict[str, Any]:
    """PATCH with fields (``application/json``): the body's top-level fields replace the stored ones."""
    if not isinstance(body, dict):
        raise BadRequest(f"A PATCH with Content-Type application/json takes an object of {kind.label} fields to "
                         f"change; send a JSON Patch array with {JSON_PATCH} instead.")
    refuse_interrelated(current, body)
    return {**current, **client_fields(kind, body)}


def json_patched(kind: ResourceKind, current: Mapping[str, Any], body: Any) -> dict[str, Any]:
    """PATCH with ``application/json-patch+json``: RFC 6902 operations, through the one applier."""
    operations = read_patch(body, PATCH_RULES)
    touched = [top_field(op["path"]) for op in operations]
    touched += [top_field(op["from"]) for op in operations if op["op"] in ("move", "copy")]
    refuse_interrelated(current, touched)
    return apply_patch(current, operations, kind=kind, rules=PATCH_RULES)


def patched(kind: ResourceKind, current: Mapping[str, Any], body: Any, content_type: str) -> dict[str, Any]:
    """Either PATCH form, chosen by the request's Content-Type."""
    if content_type == JSON_PATCH:
        return json_patched(kind, current, body)
    return merged(kind, current, body)


def check_record(ctx: RequestContext, kind: ResourceKind, record: Mapping[str, Any]) -> None:
    """What a write would store must fit the kind's record schema (so every stored object reads
    back and a state export loads again)."""
    validation.check_record(ctx, kind, record, what=f"resulting {kind.label}")
