"""Reading a mapping set request and checking each mapping (shared by create, update, validate
and preview).

Two request vocabularies exist and both are accepted (BEHAVIOUR §10): the current one
(``outputSchema.schemaRef``, mappings with ``sourceType``/``source``/``destination``) and the
legacy one of the seed tutorial (``xdmSchema``/``xdmVersion``, mappings with
``sourceAttribute``/``destinationXdmPath``/``identity``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mockaep.core import validation
from mockaep.core.errors import BadRequest, shown
from mockaep.core.context import RequestContext
from mockaep.services.conversion import expressions, paths
from mockaep.services.conversion.library import FunctionLibrary, library
from mockaep.services.conversion.resources import STORED_SOURCE_TYPES, SYSTEM_FIELDS

DEFAULT_CONTENT_TYPE = "application/vnd.adobe.xed-full+json;version=1"
#: Set by the platform, never by the client. Its own responses carry the dates as epoch
#: milliseconds while the request schema types them as date-time strings, so a mapping set read
#: back and sent again would be refused if they were validated: they are ignored instead.
SERVER_FIELDS = SYSTEM_FIELDS
#: The platform answers with media-type names for the three source types (mapping-set.md,
#: MappingOperation example of data-prep.yaml); a set read back must be accepted again.
SOURCE_TYPE_ALIASES = {media: name for name, media in STORED_SOURCE_TYPES.items()}


@dataclass
class Mapping:
    """One mapping, read from either vocabulary."""

    position: int
    source_type: str
    source: str
    destination: str
    name: str | None = None
    description: str | None = None
    identity: bool = False
    primary_identity: bool = False
    namespace_code: str | None = None
    identity_group: Any = None
    destination_path: list[paths.Segment] = field(default_factory=list)
    tree: expressions.Node | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)
    #: the request field each error is about ("source" or "destination"), parallel to ``errors``
    fields: list[str] = field(default_factory=list)

    def error(self, message: str, about: str = "destination") -> None:
        self.fields.append(about)
        self.errors.append({"destination": self.destination, "exception": message, "source": self.source,
                            "columnName": self.name or (self.source if self.source_type == "ATTRIBUTE"
                                                        else self.destination),
                            "sourceType": self.source_type})


@dataclass
class MappingSetRequest:
    schema_ref: str
    content_type: str
    xdm_version: str | None
    mappings: list[Mapping]
    body: dict[str, Any]

    @property
    def failed(self) -> list[Mapping]:
        return [m for m in self.mappings if m.errors]


def _without_nulls(node: Any, drop: tuple[str, ...] = ()) -> Any:
    """JSON nulls read as absent (the platform's Java binding does the same for objects)."""
    if not isinstance(node, dict):
        return node
    return {k: v for k, v in node.items() if v is not None and k not in drop}


def request_view(body: Any) -> Any:
    """The body as the official request schema should see it (see SERVER_FIELDS, aliases)."""
    if not isinstance(body, dict):
        return body
    view = _without_nulls(body, SERVER_FIELDS)
    for key in ("outputSchema", "inputSchema"):
        if isinstance(view.get(key), dict):
            view[key] = _without_nulls(view[key], SERVER_FIELDS + ("jsonSchema",))
    if isinstance(view.get("mappings"), list):
        cleaned = []
        for item in view["mappings"]:
            item = _without_nulls(item, SERVER_FIELDS)
            if isinstance(item, dict) and isinstance(item.get("sourceType"), str) \
                    and item["sourceType"] in SOURCE_TYPE_ALIASES:
                item["sourceType"] = SOURCE_TYPE_ALIASES[item["sourceType"]]
            cleaned.append(item)
        view["mappings"] = cleaned
    return view


def _text_field(raw: dict[str, Any], position: int, *names: str) -> str:
    for name in names:
        if name in raw:
            value = raw[name]
            if not isinstance(value, str):
                raise BadRequest(f"mappings[{position}].{name} must be a string.",
                                 sub_errors=[{"path": f"/mappings/{position}/{name}", "message": "must be a string"}])
            return value
    return ""


def _read_mapping(raw: Any, position: int) -> Mapping:
    if not isinstance(raw, dict):
        raise BadRequest(f"mappings[{position}] must be an object.")
    optional = {}
    for key in ("name", "description", "namespaceCode"):
        value = raw.get(key)
        optional[key] = value if isinstance(value, str) else None
    return Mapping(position=position, source_type=raw.get("sourceType", "ATTRIBUTE"),
                   source=_text_field(raw, position, "source", "sourceAttribute"),
                   destination=_text_field(raw, position, "destination", "destinationXdmPath"),
                   name=optional["name"], description=optional["description"],
                   identity=raw.get("identity") is True, primary_identity=raw.get("primaryIdentity") is True,
                   namespace_code=optional["namespaceCode"], identity_group=raw.get("identityGroup"))


def read_request(ctx: RequestContext, body: Any, operation_path: str, method: str = "POST") -> MappingSetRequest:
    """Layer 1 (official schema) and the shape rules; no lookups yet."""
    view = request_view(body)
    validation.check_body(ctx, "conversion", method, operation_path, view)
    schema_ref_obj = (view.get("outputSchema") or {}).get("schemaRef") or {}
    schema_ref = schema_ref_obj.get("id") or view.get("xdmSchema")
    if not isinstance(schema_ref, str) or not schema_ref.strip():
        raise BadRequest("The mapping set needs a target schema: outputSchema.schemaRef.id (or the legacy xdmSchema).",
                         sub_errors=[{"path": "/outputSchema/schemaRef/id", "message": "is required"}])
    xdm_version = view.get("xdmVersion") if isinstance(view.get("xdmVersion"), str) else None
    content_type = schema_ref_obj.get("contentType") or xdm_version or DEFAULT_CONTENT_TYPE
    raw_mappings = view.get("mappings")
    if not isinstance(raw_mappings, list) or not raw_mappings:
        raise BadRequest("The mapping set needs at least one mapping in 'mappings'.",
                         sub_errors=[{"path": "/mappings", "message": "must be a non-empty array"}])
    mappings = [_read_mapping(raw, position) for position, raw in enumerate(raw_mappings)]
    return MappingSetRequest(schema_ref.strip(), content_type, xdm_version, mappings, view)


def check_mappings(ctx: RequestContext, request: MappingSetRequest) -> set[str]:
    """Layer 3: the target schema exists and every mapping can run; errors land on the mappings.

    Returns the schema's field paths. An unknown schema refuses the whole request (400).
    """
    fields = ctx.backend("schemaregistry").field_paths(request.schema_ref)
    if fields is None:
        raise BadRequest(f"The target schema {shown(request.schema_ref, quoted=True)} does not exist in this sandbox.",
                         sub_errors=[{"path": "/outputSchema/schemaRef/id", "message": "schema not found"}])
    functions = library(ctx)
    for mapping in request.mappings:
        check_mapping(mapping, fields, request.schema_ref, functions)
    return fields


def check_mapping(mapping: Mapping, fields: set[str], schema_ref: str, functions: FunctionLibrary) -> None:
    source_segments: list[paths.Segment] = []
    if not mapping.source:
        mapping.error("The mapping has no source.", "source")
    elif mapping.source_type == "ATTRIBUTE":
        try:
            source_segments = paths.parse_path(mapping.source)
        except paths.PathError as exc:
            mapping.error(f"Invalid source attribute: {exc}.", "source")
    elif mapping.source_type == "EXPRESSION":
        try:
            mapping.tree = functions.parse(mapping.source)
        except expressions.ExpressionSyntaxError as exc:
            mapping.error(f"Invalid expression: {exc}.", "source")
    if not mapping.destination:
        mapping.error("The mapping has no destination.")
        return
    try:
        mapping.destination_path = paths.parse_path(mapping.destination)
    except paths.PathError as exc:
        mapping.error(f"Invalid destination: {exc}.")
        return
    field_path = paths.schema_path(mapping.destination_path)
    if field_path not in fields:
        mapping.error(f"The destination '{mapping.destination}' is not a field of the schema '{schema_ref}'.")
    if paths.has_wildcard(mapping.destination_path) and not paths.has_wildcard(source_segments):
        mapping.error("A destination with [*] needs an ATTRIBUTE source with [*].")


def refuse_failed(request: MappingSetRequest) -> None:
    """Create and update store only sets whose every mapping passes: 400 naming each problem."""
    failed = request.failed
    if not failed:
        return
    subs = []
    for mapping in failed:
        for about, problem in zip(mapping.fields, mapping.errors):
            subs.append({"path": f"/mappings/{mapping.position}/{about}", "message": problem["exception"],
                         "destination": mapping.destination, "source": mapping.source})
    first = subs[0]["message"]
    more = f" {len(subs) - 1} more problem(s) listed in the report." if len(subs) > 1 else ""
    raise BadRequest(f"The mapping set is invalid: {first}{more}", sub_errors=subs)
