"""Conformance of connections, source/target connections and flows with the official
flow-service.yaml (with the documented overlay of tests/spec_overlay.py).

Two parts: schemathesis generates requests for every operation of this area (random ids, bodies
and filters: zero server errors, and every answer's status, content type and body must be
documented), and a fixed table calls each operation on real objects, so the success answers
(items of a real flow, PATCH and action answers…) are checked against the spec too.

Spec defects worked around here, each documented where it is handled:
* PatchInstruction: ``op`` enum ADD/REPLACE/REMOVE and object ``value`` (tutorials send
  lowercase ops and scalar values) — the emulator takes both (models.FLOW_PATCH).
* patchConnection's body is one PatchInstruction, not an array — a lone object is taken as a
  list of one (models.CONNECTION_PATCH).
* ScheduleSpecDTO types startTime integer, interval string, backfill boolean; flows echo the
  values as sent (strings in every tutorial) — overlay relaxes those three ``type`` keywords.
* Error statuses Flow Service answers (FSE 400/404/412) are missing from most operations —
  overlay adds them.
"""
from __future__ import annotations

from hypothesis import HealthCheck, settings

from mockaep import create_app
from tests.conformance import GATEWAY_HEADERS, check_case, official_schema
from tests.flowservice.helpers import FlowService

app = create_app()
ORG = GATEWAY_HEADERS["x-gw-ims-org-id"]


def _seed() -> dict[str, str]:
    """Real objects in the conformance org, so lists answer items the spec must describe."""
    fs = FlowService(app.test_client(), org=ORG, sandbox=GATEWAY_HEADERS["x-sandbox-name"])
    chain = fs.chain()
    chain["mapping"] = fs.mapping_set(chain["schema"])
    chain["flow"] = fs.flow(chain, transformations=[
        {"name": "Copy", "params": {"deltaColumn": {"name": "LastModified", "dateFormat": "YYYY-MM-DD"}}},
        {"name": "Mapping", "params": {"mappingId": chain["mapping"], "mappingVersion": "0"}}])
    chain["spare_flow"] = fs.flow(chain, name="Spare flow")
    chain["spare_base"] = fs.base_connection(name="Spare login")
    chain["spare_source"] = fs.source_connection(chain["spare_base"], name="Spare source")
    chain["spare_target"] = fs.target_connection(chain["dataset"], name="Spare target")
    return chain


SEEDED = _seed()
schema = official_schema("flowservice", app).include(
    path_regex=r"^/(connections|sourceConnections|targetConnections|flows)(/|$)").exclude(
    path_regex=r"/(explore|test|configs)$")
# The coverage phase enumerates every boundary case of every schema (hundreds of requests per
# operation, minutes in all); examples and fuzzing keep this suite within its time budget.
schema.config.phases.update(phases=["examples", "fuzzing"])


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
def test_generated_requests_conform(case):
    check_case(case)


def _etag(collection: str, object_id: str) -> str:
    fs = FlowService(app.test_client(), org=ORG, sandbox=GATEWAY_HEADERS["x-sandbox-name"])
    return fs.item(collection, object_id)["etag"]


def _call(path: str, method: str, *, path_parameters=None, query=None, body=None, headers=None):
    operation = schema[path][method]
    kwargs = {"path_parameters": path_parameters or {}, "query": query or {}, "headers": headers or {}}
    if body is not None:
        kwargs["body"] = body
        kwargs["media_type"] = "application/json"
    case = operation.Case(**kwargs)
    response = check_case(case)
    assert response.status_code < 400, (path, method, response.status_code, response.text)
    return response


def test_success_answers_conform():
    s = SEEDED
    _call("/connections", "GET", query={"limit": 1})
    _call("/connections/{BASE_CONNECTION_ID}", "GET", path_parameters={"BASE_CONNECTION_ID": s["base"]})
    _call("/connections/search", "POST", body={"queryString": "state==enabled", "limit": 1})
    _call("/sourceConnections", "GET", query={"property": ["state==enabled"]})
    _call("/sourceConnections/{SOURCE_CONNECTION_ID}", "GET", path_parameters={"SOURCE_CONNECTION_ID": s["source"]})
    _call("/targetConnections", "GET", query={"orderby": "-createdAt"})
    _call("/targetConnections/{TARGET_CONNECTION_ID}", "GET", path_parameters={"TARGET_CONNECTION_ID": s["target"]})
    _call("/flows", "GET", query={"property": [f"sourceConnectionIds[]=={s['source']}"]})
    _call("/flows", "GET", query={"count": True})
    _call("/flows/{FLOW_ID}", "GET", path_parameters={"FLOW_ID": s["flow"]})
    _call("/flows/search", "POST", body={"queryString": "name==Spare flow", "count": True})
    _call("/flows/{FLOW_ID}", "PATCH", path_parameters={"FLOW_ID": s["flow"]},
          headers={"if-match": _etag("flows", s["flow"])},
          body=[{"op": "replace", "path": "/description", "value": "refreshed"}])
    _call("/flows/{FLOW_ID}/action", "POST", path_parameters={"FLOW_ID": s["flow"]},
          query={"op": "DISABLE", "subOp": ["APPLY"]})
    _call("/flows/{FLOW_ID}/action", "POST", path_parameters={"FLOW_ID": s["flow"]},
          query={"op": "ENABLE", "subOp": ["APPLY"]})
    _call("/connections/{BASE_CONNECTION_ID}/", "PATCH", path_parameters={"BASE_CONNECTION_ID": s["base"]},
          headers={"if-match": _etag("connections", s["base"])},
          body={"op": "REPLACE", "path": "/auth/params", "value": {
              "username": "rotated@example.org", "password": "new-fake", "securityToken": "tok-456"}})
    _call("/sourceConnections/{SOURCE_CONNECTION_ID}", "PATCH", path_parameters={"SOURCE_CONNECTION_ID": s["source"]},
          headers={"if-match": _etag("sourceConnections", s["source"])},
          body=[{"op": "REPLACE", "path": "/params", "value": {"tableName": "Case"}}])
    _call("/targetConnections/{TARGET_CONNECTION_ID}", "PATCH",
          path_parameters={"TARGET_CONNECTION_ID": s["target"]},
          headers={"if-match": _etag("targetConnections", s["target"])},
          body=[{"op": "replace", "path": "/name", "value": "Renamed lake"}])
    _call("/flows/{FLOW_ID}", "DELETE", path_parameters={"FLOW_ID": s["spare_flow"]})
    _call("/sourceConnections/{SOURCE_CONNECTION_ID}", "DELETE",
          path_parameters={"SOURCE_CONNECTION_ID": s["spare_source"]})
    _call("/targetConnections/{TARGET_CONNECTION_ID}", "DELETE",
          path_parameters={"TARGET_CONNECTION_ID": s["spare_target"]})
    _call("/connections/{BASE_CONNECTION_ID}/", "DELETE", path_parameters={"BASE_CONNECTION_ID": s["spare_base"]})


def test_every_operation_of_this_area_is_generated():
    labels = sorted(f"{op.method.upper()} {op.path}" for op in
                    (result.ok() for result in schema.get_all_operations()))
    # 7 on base connections (incl. search and action), 7 on flows, 6 each on source/target connections.
    assert len(labels) == 26, labels
