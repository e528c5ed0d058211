"""The IMS token endpoint bounds what an issued token keeps.

A token remembers its client id and scopes, and the token book keeps up to ``max_live_tokens``
of them: a 2 MB ``client_id`` or a scope list of 300 000 entries was issued a token (and kept
ten thousand times over, gigabytes). Each field now has a bound: past it, the OAuth refusal
``invalid_request`` and no token.
"""
from __future__ import annotations

from urllib.parse import urlencode

import pytest

from mockaep import create_app
from mockaep.web.ims import MAX_FIELD_LENGTH, MAX_SCOPE_LENGTH

TOKEN = "/ims/token/v3"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
GOOD = {"grant_type": "client_credentials", "client_id": "hostile-client", "client_secret": "s3cret",
        "scope": "openid,AdobeID"}


@pytest.fixture
def http():
    return create_app().test_client()


@pytest.mark.parametrize("name, length", [("client_id", MAX_FIELD_LENGTH + 1), ("client_id", 2_000_000),
                                          ("client_secret", MAX_FIELD_LENGTH + 1), ("grant_type", 100_000),
                                          ("scope", MAX_SCOPE_LENGTH + 1)])
@pytest.mark.parametrize("where", ["form", "query"])
def test_a_field_past_its_bound_is_refused_without_a_token(http, name, length, where):
    fields = {**GOOD, name: ("openid," * length)[:length] if name == "scope" else "c" * length}
    if where == "form":
        answer = http.post(TOKEN, data=urlencode(fields), headers=FORM)
    else:
        answer = http.post(TOKEN, query_string=fields)
    assert answer.status_code == 400, answer.get_data(as_text=True)[:300]
    assert answer.get_json() == {"error": "invalid_request",
                                 "error_description": f"{name} is longer than "
                                                      f"{MAX_SCOPE_LENGTH if name == 'scope' else MAX_FIELD_LENGTH} "
                                                      "characters."}


def test_fields_at_their_bounds_are_taken(http):
    fields = {**GOOD, "client_id": "c" * MAX_FIELD_LENGTH, "scope": ("openid," * MAX_SCOPE_LENGTH)[:MAX_SCOPE_LENGTH]}
    answer = http.post(TOKEN, data=urlencode(fields), headers=FORM)
    assert answer.status_code == 200 and answer.get_json()["access_token"], answer.get_data(as_text=True)[:300]
