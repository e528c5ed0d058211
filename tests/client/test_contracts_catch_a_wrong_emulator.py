"""The contract suite must fail against an emulator that answers differently from the platform.

A tiny WSGI middleware alters one documented answer of an otherwise correct emulator (the
dataset create); the tutorial contract, run against it in-process, must fail on that step — and
pass against the unaltered emulator, so the failure is the alteration's doing.
"""
from __future__ import annotations

import json

import pytest

from mockaep_client import AEPClient
from mockaep_contracts.targets import Target
from mockaep_contracts.test_onboarding import test_tutorial_sequence_call_by_call as tutorial_contract
from mockaep import create_app


class AlterDatasetCreate:
    """Rewrites the answer of ``POST /data/foundation/catalog/dataSets`` with ``alter(status, body)``."""

    def __init__(self, app, alter) -> None:
        self.app = app
        self.alter = alter

    def __call__(self, environ, start_response):
        path = environ["PATH_INFO"].rstrip("/")
        if environ["REQUEST_METHOD"] != "POST" or path != "/data/foundation/catalog/dataSets":
            return self.app(environ, start_response)
        captured: dict = {}

        def capture(status, headers, exc_info=None):
            captured.update(status=status, headers=headers)
            return lambda _data: None

        body = b"".join(self.app(environ, capture))
        status, new_body = self.alter(captured["status"], json.loads(body))
        raw = json.dumps(new_body).encode()
        headers = [(k, v) for k, v in captured["headers"] if k.lower() != "content-length"]
        start_response(status, headers + [("Content-Length", str(len(raw)))])
        return [raw]


def _answers_200(status, body):
    return ("200 OK" if status.startswith("201") else status), body


def _lowercase_reference(status, body):
    # The tutorial's prose spells the reference "@/datasets/{id}"; the platform answers "@/dataSets/{id}".
    return status, [ref.replace("@/dataSets/", "@/datasets/") for ref in body] if isinstance(body, list) else body


def _run_contract(app) -> None:
    target = Target("altered", lambda **kw: AEPClient.in_process(app, **kw))
    with target.make_client() as aep:
        tutorial_contract(aep, target)


@pytest.mark.parametrize("alter", [_answers_200, _lowercase_reference], ids=["status-200", "lowercase-reference"])
def test_tutorial_contract_fails_against_an_altered_dataset_create(alter):
    with pytest.raises(AssertionError) as caught:
        _run_contract(AlterDatasetCreate(create_app(), alter))
    assert "dataSets" in str(caught.value) or "201" in str(caught.value)


def test_tutorial_contract_passes_against_the_unaltered_emulator():
    _run_contract(AlterDatasetCreate(create_app(), lambda status, body: (status, body)))
