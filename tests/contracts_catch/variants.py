"""The catalogue of broken emulators: a real ``mockaep.create_app()`` behind a relay with one defect.

Each variant alters one behaviour through the WSGI interface only (mockaep's code is untouched)
and names the contracts that must catch it, with what their failure report must say — so a
contract that fails for another reason (a fixture, a typo) does not count as a catch.

Variant (family it targets)
    what is wrong → the contract(s) of contracts/ that catch it

created-answers-200 (onboarding)
    POST /dataSets answers 200 instead of 201 (wrong status) → test_onboarding: tutorial sequence
lowercase-dataset-reference (onboarding)
    POST /dataSets answers ``@/datasets/{id}``, the tutorial's typo → test_onboarding: tutorial sequence
create-without-etag (onboarding)
    Flow Service creates answer ``{id}`` without ``etag`` (missing field) → test_onboarding: tutorial sequence
dataset-create-not-stored (onboarding)
    POST /dataSets answers 201 with a reference, stores nothing (lost write) → test_onboarding: tutorial
    sequence, at the dataset's read-back (404)
patch-acknowledged-not-applied (onboarding)
    Flow Service PATCH answers 200 with a fresh etag and changes nothing (lost write) → test_onboarding:
    PATCH read-backs of the flow and of the three connections
notext-ignored (schemas)
    ``xed-notext`` / ``xed-full-notext`` lookups keep titles and descriptions → test_schemas: read-backs in
    every variant, the four notext cases
version-defaulted (schemas)
    a schema lookup without ``version=`` is served as version 1 instead of XDM-1007 → test_schemas and
    test_refusals: lookup without version is XDM-1007
stale-etag-accepted (refusals)
    Flow Service PATCH: If-Match replaced by the current etag (If-Match ignored) → test_refusals: stale
    etag is 412 / 1404
untyped-flow-errors (refusals)
    Flow Service errors lose ``type`` and ``report`` (wrong error shape) → test_refusals: unknown ids are
    404, empty body is 1405
write-before-refusal (refusals)
    a write missing Authorization or x-api-key is carried out, then refused 403 → test_refusals: refused
    create creates nothing; refusals leave the whole state unchanged
retry-duplicates-rows (ingestion)
    a second PUT of a file is kept beside the first (duplicated rows) → test_ingestion: retried upload
    and complete land each row once
retry-loses-a-row (ingestion)
    a second PUT of a file loses its last row (lost row) → test_ingestion: same contract
preview-wrong-value (mapping)
    mapping preview answers the mapped full name upper-cased → test_mapping: preview applies the seed
    mappings
validation-always-succeeds (mapping)
    mapping validate answers SUCCESS for every mapping → test_mapping: one result per mapping
schedules-unchecked (properties)
    a flow's scheduleParams is swapped for a valid one before the check → test_properties: generated
    invalid schedules are refused on create and on PATCH
shared-org (isolation)
    every org's calls land in one org (leaked tenant) → test_isolation[org]: another tenant sees none of
    the objects, and keeps its own
shared-sandbox (isolation)
    x-sandbox-name is replaced by prod (leaked sandbox) → test_isolation[sandbox]: same contracts
runs-hide-failures (dataflow_runs)
    run lists show every run as a success with no failed rows (rows that failed validation vanish) →
    test_dataflow_runs: the partial run reports its failed row; without partial ingestion it fails
"""
from __future__ import annotations

import re
import secrets
import uuid
from types import MappingProxyType
from typing import ClassVar, Iterator

from tests.contracts_catch.relay import (CATALOG, CONVERSION, FLOW_SERVICE, INGESTION, SCHEMA_REGISTRY, Answer,
                                         Exchange, Relay)


class Variant(Relay):
    """A broken emulator: ``name``, the contract ``family`` it targets (a module of contracts/
    without ``test_``), its ``defect``, and ``caught_by``: contract → regex its failure report
    must match (``"test_module.py::test_name[param]"``)."""

    name: ClassVar[str]
    family: ClassVar[str]
    defect: ClassVar[str]
    caught_by: ClassVar[dict[str, str]]


TUTORIAL = "test_onboarding.py::test_tutorial_sequence_call_by_call"
DATASETS = f"{CATALOG}/dataSets"


def _is_create(request: Exchange, collection: str) -> bool:
    return request.method == "POST" and request.path.rstrip("/") == collection


# -- onboarding ------------------------------------------------------------------------------------
class CreatedAnswers200(Variant):
    name, family = "created-answers-200", "onboarding"
    defect = "POST /dataSets answers 200 instead of 201"
    caught_by = {TUTORIAL: r"expected \(201,\), got POST \S+/dataSets\S* → 200"}

    def handle(self, request):
        answer = self.forward(request)
        return answer.but(status=200) if _is_create(request, DATASETS) and answer.status == 201 else answer


class LowercaseDatasetReference(Variant):
    name, family = "lowercase-dataset-reference", "onboarding"
    defect = "POST /dataSets answers ['@/datasets/{id}'] (the tutorial's spelling) instead of '@/dataSets/{id}'"
    caught_by = {TUTORIAL: r"\['@/datasets/[0-9a-f]{24}'\] == \['@/dataSets/[0-9a-f]{24}'\]"}

    def handle(self, request):
        answer = self.forward(request)
        if not (_is_create(request, DATASETS) and answer.ok()):
            return answer
        return answer.but(json_body=[ref.replace("@/dataSets/", "@/datasets/") for ref in answer.json()])


class CreateWithoutEtag(Variant):
    name, family = "create-without-etag", "onboarding"
    defect = "Flow Service creates answer {id} without the etag field"
    caught_by = {TUTORIAL: r"assert set\(body\) >= \{\"id\", \"etag\"\}[\s\S]*E\s+AssertionError: assert \{'id'\} >="}

    def handle(self, request):
        answer = self.forward(request)
        if request.method == "POST" and request.under(FLOW_SERVICE) and answer.status == 201:
            return answer.but(json_body={k: v for k, v in answer.json().items() if k != "etag"})
        return answer


class DatasetCreateNotStored(Variant):
    name, family = "dataset-create-not-stored", "onboarding"
    defect = "POST /dataSets answers 201 with a reference to a dataset it never stored"
    caught_by = {TUTORIAL: r"get_dataset\(dataset\.id\)[\s\S]*NotFoundError: .*404"}

    def handle(self, request):
        if not _is_create(request, DATASETS):
            return self.forward(request)
        return Answer.of_json(201, [f"@/dataSets/{secrets.token_hex(12)}"])


FLOW_PATCHES = ["test_onboarding.py::test_patch_changes_the_etag_and_reads_back",
                *(f"test_onboarding.py::test_connections_patch_with_their_etag[{kind}]"
                  for kind in ("connection", "source_connection", "target_connection"))]


class PatchAcknowledgedNotApplied(Variant):
    name, family = "patch-acknowledged-not-applied", "onboarding"
    defect = "Flow Service PATCH answers 200 {id, etag} with a fresh etag and never reaches the store (lost write)"
    caught_by = {contract: r"assert after\[\"(name|description)\"\] == (new_name|description)"
                 for contract in FLOW_PATCHES}

    def handle(self, request):
        if request.method != "PATCH" or not request.under(FLOW_SERVICE):
            return self.forward(request)
        object_id = request.path.rstrip("/").rsplit("/", 1)[-1]
        return Answer.of_json(200, {"id": object_id, "etag": f'"{uuid.uuid4()}"'})


# -- schema read-backs -----------------------------------------------------------------------------
def _schema_lookup(request: Exchange) -> bool:
    return (request.method == "GET" and request.under(SCHEMA_REGISTRY)
            and bool(re.search(r"/(tenant|global)/schemas/.+", request.path)))


NOTEXT_FORMS = [f"test_schemas.py::test_{which}_schema_reads_back_in_every_variant[{variant}]"
                for which in ("adhoc", "profile") for variant in ("xed-notext", "xed-full-notext")]


class NotextIgnored(Variant):
    name, family = "notext-ignored", "schemas"
    defect = "Accept xed-notext / xed-full-notext answered with the titles and descriptions they drop"
    caught_by = {contract: (r"assert _has_text\(read\) is \(\"notext\" not in variant\)\n"
                            r"E\s+(AssertionError: )?assert True is") for contract in NOTEXT_FORMS}

    def handle(self, request):
        accept = request.headers.get("accept", "")
        if _schema_lookup(request) and "-notext+json" in accept:
            request = request.with_headers(accept=accept.replace("-notext+json", "+json"))
        return self.forward(request)


class VersionDefaulted(Variant):
    name, family = "version-defaulted", "schemas"
    defect = "a schema lookup whose Accept has no version= is served as version 1 instead of XDM-1007"
    caught_by = {"test_schemas.py::test_lookup_without_version_is_xdm_1007": r"DID NOT RAISE .*BadRequestError",
                 "test_refusals.py::test_schema_lookup_without_version_is_xdm_1007":
                     r"expected \(400,\), got GET \S+/tenant/schemas/\S+ → 200"}

    def handle(self, request):
        accept = request.headers.get("accept", "")
        if _schema_lookup(request) and accept.startswith("application/vnd.adobe.xed") and "version" not in accept:
            request = request.with_headers(accept=f"{accept}; version=1")
        return self.forward(request)


# -- refusals --------------------------------------------------------------------------------------
class StaleEtagAccepted(Variant):
    name, family = "stale-etag-accepted", "refusals"
    defect = "Flow Service PATCH: If-Match replaced by the object's current etag, so a stale one is accepted"
    caught_by = {"test_refusals.py::test_patch_with_stale_etag_is_412_and_changes_nothing":
                 r"expected \(412,\), got PATCH \S+/flows/\S+ → 200"}

    def handle(self, request):
        if request.method == "PATCH" and request.under(FLOW_SERVICE) and "if-match" in request.headers:
            current = self.forward(request.but(method="GET", body=b"").with_headers(content_type=None,
                                                                                      if_match=None))
            if current.ok():
                request = request.with_headers(if_match=current.json()["items"][0]["etag"])
        return self.forward(request)


class UntypedFlowErrors(Variant):
    name, family = "untyped-flow-errors", "refusals"
    defect = "Flow Service error bodies without their type and report (wrong error shape)"
    caught_by = {**{f"test_refusals.py::test_unknown_flow_service_id_is_404[{resource}]":
                    r"expected a FLOW-<code>-404 error type" for resource in ("connections", "flows", "runs")},
                 "test_refusals.py::test_empty_flow_service_body_is_1405": r"expected a FLOW-<code>-400 error type"}

    def handle(self, request):
        answer = self.forward(request)
        if request.under(FLOW_SERVICE) and answer.status >= 400:
            return answer.but(json_body={k: v for k, v in answer.json().items() if k not in ("type", "report")})
        return answer


class WriteBeforeRefusal(Variant):
    name, family = "write-before-refusal", "refusals"
    defect = "a write missing Authorization or x-api-key is carried out, then answered with the gateway's 403"
    caught_by = {"test_refusals.py::test_refused_create_creates_nothing[Authorization]":
                 r"assert _connection_named\(aep, name\) == \[\]",
                 "test_refusals.py::test_refused_create_creates_nothing[x-api-key]":
                 r"assert _connection_named\(aep, name\) == \[\]",
                 "test_refusals.py::test_refusals_leave_the_whole_state_unchanged":
                 r"assert _state\(aep, contract_target.control_headers\) == before"}

    def handle(self, request):
        if request.method in ("POST", "PUT", "PATCH") and request.under(FLOW_SERVICE):
            missing = {"authorization": "Bearer write-before-refusal", "x-api-key": "write-before-refusal"}
            missing = {k: v for k, v in missing.items() if k not in request.headers}
            if missing:
                self.forward(request.with_headers(**{k.replace("-", "_"): v for k, v in missing.items()}))
        return self.forward(request)


# -- ingestion -------------------------------------------------------------------------------------
RETRIED_INGESTION = "test_ingestion.py::test_retried_upload_and_complete_land_each_row_once"
_FILE_PATH = re.compile(rf"^{INGESTION}/batches/[^/]+/datasets/[^/]+/files/.+$")


class _RetriedUpload(Variant):
    """Remembers the files uploaded so far; :meth:`retried` alters a second PUT of the same file."""

    family = "ingestion"

    def __init__(self, app, *, defective: bool = True) -> None:
        super().__init__(app, defective=defective)
        self.uploaded: set[str] = set()

    def handle(self, request):
        if request.method == "PUT" and _FILE_PATH.match(request.path):
            if request.path in self.uploaded:
                request = self.retried(request)
            self.uploaded.add(request.path)
        return self.forward(request)

    def retried(self, request: Exchange) -> Exchange:
        raise NotImplementedError


class RetryDuplicatesRows(_RetriedUpload):
    name = "retry-duplicates-rows"
    defect = "a second PUT of the same file is kept beside the first instead of replacing it"
    caught_by = {RETRIED_INGESTION: r"the batch holds rows \[('retry-\d', ){5}'retry-\d'\], sent"}

    def retried(self, request):
        return request.but(path=request.path + ".retry")


class RetryLosesARow(_RetriedUpload):
    name = "retry-loses-a-row"
    defect = "a second PUT of the same file stores it without its last row"
    caught_by = {RETRIED_INGESTION: r"after a retried upload the batch holds rows \['retry-0', 'retry-1'\], sent"}

    def retried(self, request):
        return request.but(json=request.json()[:-1])


# -- mapping ---------------------------------------------------------------------------------------
class PreviewWrongValue(Variant):
    name, family = "preview-wrong-value", "mapping"
    defect = "POST /mappingSets/preview answers the mapped person.name.fullName upper-cased"
    caught_by = {"test_mapping.py::test_preview_applies_the_seed_mappings_to_sample_rows":
                 r"'fullName': 'EXAMPLE OUTFITTERS'"}

    def handle(self, request):
        answer = self.forward(request)
        if request.method != "POST" or request.path != f"{CONVERSION}/mappingSets/preview" or not answer.ok():
            return answer
        entries = answer.json()
        for entry in entries:
            name = ((entry.get("data") or {}).get("person") or {}).get("name") or {}
            if isinstance(name.get("fullName"), str):
                name["fullName"] = name["fullName"].upper()
        return answer.but(json_body=entries)


class ValidationAlwaysSucceeds(Variant):
    name, family = "validation-always-succeeds", "mapping"
    defect = "POST /mappingSets/validate answers SUCCESS (and no errors) for every mapping"
    caught_by = {"test_mapping.py::test_validate_reports_one_result_per_mapping":
                 r"assert \['SUCCESS', 'SUCCESS', 'SUCCESS', 'SUCCESS'\] == \[('SUCCESS', ){3}'FAILED'\]"}

    def handle(self, request):
        answer = self.forward(request)
        if request.method != "POST" or request.path != f"{CONVERSION}/mappingSets/validate" or not answer.ok():
            return answer
        result = answer.json()
        for entry in result.get("validationResponse") or []:
            entry.update(status="SUCCESS", errors=[])
        return answer.but(json_body=result)


# -- properties ------------------------------------------------------------------------------------
VALID_SCHEDULE = {"startTime": 1767225600, "frequency": "hour", "interval": 1}


class SchedulesUnchecked(Variant):
    name, family = "schedules-unchecked", "properties"
    defect = "a flow's scheduleParams (create or PATCH) is replaced by a valid schedule before it is checked"
    caught_by = {"test_properties.py::test_invalid_schedules_are_refused_on_create":
                 r"expected \(400,\), got POST \S+/flows → 201",
                 "test_properties.py::test_invalid_schedules_are_refused_on_patch":
                 r"expected \(400,\), got PATCH \S+/flows/\S+ → 200"}

    def handle(self, request):
        if request.under(f"{FLOW_SERVICE}/flows") and request.body:
            if request.method == "POST" and request.path.rstrip("/") == f"{FLOW_SERVICE}/flows":
                request = request.but(json={**request.json(), "scheduleParams": VALID_SCHEDULE})
            elif request.method == "PATCH":
                request = request.but(json=[{**op, "value": VALID_SCHEDULE} if op.get("path") == "/scheduleParams"
                                            else op for op in request.json()])
        return self.forward(request)


# -- isolation -------------------------------------------------------------------------------------
def _leaks(what: str) -> dict[str, str]:
    """The isolation contracts across ``what`` (org or sandbox), and how each fails on a leak."""
    return {f"test_isolation.py::test_another_tenant_sees_none_of_the_objects[{what}]":
            r"AssertionError: \S+@AdobeOrg/\S+ lists a flow of \S+@AdobeOrg/prod",
            f"test_isolation.py::test_objects_of_another_tenant_stay_there[{what}]":
            r"expected \(404,\), got GET \S+/connections/\S+ → 200"}


class _OneTenant(Variant):
    """Rewrites one tenant header of every gateway call to a single value."""

    family = "isolation"
    header: ClassVar[str]
    value: ClassVar[str]

    def handle(self, request):
        if request.path.startswith("/data/foundation/") and self.header in request.headers:
            request = request.with_headers(**{self.header.replace("-", "_"): self.value})
        return self.forward(request)


class SharedOrg(_OneTenant):
    name = "shared-org"
    defect = "x-gw-ims-org-id is replaced by one org: every org sees every other's objects (leaked tenant)"
    header, value = "x-gw-ims-org-id", "SHARED00000000000000000A@AdobeOrg"
    caught_by = _leaks("org")


class SharedSandbox(_OneTenant):
    name = "shared-sandbox"
    defect = "x-sandbox-name is replaced by prod: every sandbox of an org sees the others' objects"
    header, value = "x-sandbox-name", "prod"
    caught_by = _leaks("sandbox")


# -- dataflow runs ---------------------------------------------------------------------------------
RUNS = "test_dataflow_runs.py::"


class RunsHideFailures(Variant):
    name, family = "runs-hide-failures", "dataflow_runs"
    defect = "GET /runs answers every run as a success with no failed rows"
    caught_by = {f"{RUNS}test_scheduled_runs_move_the_rows_once_and_land_the_valid_ones":
                 r"\(2, 1, 0\) == \(2, 1, 1\)",
                 f"{RUNS}test_without_partial_ingestion_the_run_fails_and_lands_nothing": r"'success' == 'failed'"}

    def handle(self, request):
        answer = self.forward(request)
        if request.method != "GET" or request.path.rstrip("/") != f"{FLOW_SERVICE}/runs" or not answer.ok():
            return answer
        listed = answer.json()
        for run in listed.get("items") or []:
            if run.get("state") == "failed":
                run["state"] = "success"
                run.setdefault("metrics", {}).setdefault("statusSummary", {})["status"] = "success"
            summary = (run.get("metrics") or {}).get("recordSummary")
            if isinstance(summary, dict):
                summary["failedRecordCount"] = 0
        return answer.but(json_body=listed)


def _named(cls: type[Variant]) -> Iterator[type[Variant]]:
    """Every variant below ``cls`` that has a name (helpers such as ``_OneTenant`` have none)."""
    for sub in cls.__subclasses__():
        if "name" in vars(sub):
            yield sub
        yield from _named(sub)


#: Variant name → variant, every variant of this module.
CATALOGUE = MappingProxyType({cls.name: cls for cls in _named(Variant)})
