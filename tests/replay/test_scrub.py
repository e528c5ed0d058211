"""Scrubbing: every secret → a stable placeholder, wherever it shows up, before anything is written."""
from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from mockaep.replay.scrub import Scrubber, generalize
from tests.replay.conftest import exchange

TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZWFsLWNsaWVudCJ9.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg"
ORG = "9C4F1E2D3B5A6978@AdobeOrg"


def _ims_exchange():
    return exchange("POST", "https://ims-na1.adobelogin.com/ims/token/v3",
                    body=b"grant_type=client_credentials&client_id=acme-client-77&client_secret=s3cr3t-value",
                    request_headers={"Content-Type": ["application/x-www-form-urlencoded"]},
                    response=json.dumps({"access_token": TOKEN, "token_type": "bearer", "expires_in": 86399}).encode())


def _platform_exchange():
    headers = {"Authorization": [f"Bearer {TOKEN}"], "x-api-key": ["acme-client-77"], "x-gw-ims-org-id": [ORG],
               "x-sandbox-name": ["prod"]}
    response = json.dumps({"id": "c-1", "imsOrgId": ORG, "createdClient": "acme-client-77",
                           "createdBy": "acme-client-77@techacct.adobe.com",
                           "auth": {"params": {"username": "bot", "password": "hunter2-long"}}}).encode()
    return exchange("POST", "https://platform.adobe.io/data/foundation/flowservice/connections",
                    body={"name": "base", "auth": {"params": {"username": "bot", "password": "hunter2-long"}}},
                    request_headers=headers, status=201, response=response)


def test_secrets_become_stable_placeholders_across_exchanges():
    scrubber = Scrubber()
    ims = scrubber.scrub(_ims_exchange())
    platform = scrubber.scrub(_platform_exchange())
    assert ims.request_body == (b"grant_type=client_credentials&client_id=%3CCLIENT_ID-1%3E"
                                b"&client_secret=%3CSECRET-1%3E")
    assert json.loads(ims.response_body)["access_token"] == "<ACCESS_TOKEN-1>"
    # the same values in the next exchange get the same placeholders
    assert platform.request_headers["Authorization"] == ["Bearer <ACCESS_TOKEN-1>"]
    assert platform.request_headers["x-api-key"] == ["<CLIENT_ID-1>"]
    assert platform.request_headers["x-gw-ims-org-id"] == ["<IMS_ORG-1>"]
    assert platform.request_headers["x-sandbox-name"] == ["prod"]
    answer = json.loads(platform.response_body)
    assert answer["imsOrgId"] == "<IMS_ORG-1>"
    assert answer["createdClient"] == "<CLIENT_ID-1>"
    assert answer["createdBy"] == "<CLIENT_ID-1>@techacct.adobe.com"
    assert answer["auth"]["params"] == {"username": "bot", "password": "<SECRET-2>"}
    assert json.loads(platform.request_body)["auth"]["params"]["password"] == "<SECRET-2>"
    text = json.dumps([ims.to_dict(), platform.to_dict()])
    for secret in (TOKEN, ORG, "acme-client-77", "s3cr3t-value", "hunter2-long"):
        assert secret not in text


def test_query_strings_and_escaped_spellings_are_scrubbed():
    scrubber = Scrubber()
    scrubbed = scrubber.scrub(exchange(
        "GET", f"https://platform.adobe.io/data/foundation/catalog/dataSets?owner={ORG.replace('@', '%40')}"
               f"&client_secret=abc",
        request_headers={"x-gw-ims-org-id": [ORG]}, response=json.dumps({"note": f"org {ORG}"}).encode()))
    assert "owner=%3CIMS_ORG-1%3E" in scrubbed.uri and "client_secret=%3CSECRET-1%3E" in scrubbed.uri
    assert ORG not in scrubbed.response_body.decode()


def test_short_values_are_replaced_only_where_they_were_found():
    scrubbed = Scrubber().scrub(exchange(request_headers={"x-api-key": ["ab"]},
                                         response=b'{"key": "ab", "name": "abacus"}'))
    assert scrubbed.request_headers["x-api-key"] == ["<API_KEY-1>"]
    assert json.loads(scrubbed.response_body) == {"key": "<API_KEY-1>", "name": "abacus"}


def test_masked_values_and_extra_secrets():
    scrubber = Scrubber(extra_secrets=["my-tenant-password"])
    scrubbed = scrubber.scrub(exchange(response=b'{"password": "****", "note": "my-tenant-password"}'))
    assert json.loads(scrubbed.response_body) == {"password": "****", "note": "<SECRET-1>"}


def test_upstream_urls_lose_their_credentials():
    assert Scrubber().scrub_uri("https://user:pw@platform.adobe.io/base?api_key=k1") == \
        "https://platform.adobe.io/base?api_key=%3CAPI_KEY-1%3E"


def test_generalize_forgets_kind_and_number():
    assert generalize("Bearer <ACCESS_TOKEN-3> for <IMS_ORG-1>") == "Bearer <SECRET> for <SECRET>"
    assert generalize("<string>") == "<string>"


secret_text = st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=0x2FF, blacklist_characters="<>"),
                      min_size=6, max_size=30)


@given(token=secret_text, org=secret_text, key=secret_text, filler=st.text(max_size=40))
def test_no_learned_secret_survives_anywhere(token, org, key, filler):
    response = json.dumps({"a": f"{filler}{org}{filler}", "b": [token, key], "c": {"imsOrg": org}}).encode()
    scrubbed = Scrubber().scrub(exchange(
        "POST", "https://platform.adobe.io/x", body={"echo": f"{key}/{org}"},
        request_headers={"Authorization": [f"Bearer {token}"], "x-gw-ims-org-id": [org], "x-api-key": [key]},
        response=response))
    # everything written except header names (which are not values a secret could have come from)
    everything = json.dumps([scrubbed.uri, list(scrubbed.request_headers.values()),
                             list(scrubbed.response_headers.values()), scrubbed.to_dict()["request"]["body"],
                             scrubbed.to_dict()["response"]["body"]], ensure_ascii=False)
    decoded = json.loads(scrubbed.response_body.decode()), json.loads(scrubbed.request_body.decode())
    for secret in (token, org, key):
        if any(secret in other and secret != other for other in (token, org, key)):
            continue  # one secret inside another: the longer one's placeholder hides it
        assert secret not in json.dumps(decoded, ensure_ascii=False)
        assert secret not in everything
