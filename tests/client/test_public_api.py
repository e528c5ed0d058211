"""The client's public API is what ``client`` re-exports; changing it is a deliberate act."""
from __future__ import annotations

import subprocess
import sys

import mockaep_client as client

PUBLIC_API = [
    "AEPClient", "AEPError", "AuthError", "BadRequestError", "ClientCredentials", "ConflictError", "Created",
    "IMSError", "MethodNotAllowedError", "NotAcceptableError", "NotFoundError", "Onboarding",
    "PayloadTooLargeError", "PreconditionFailedError", "RateLimitError", "RetryPolicy", "Schedule", "ServerError", "StaticToken",
    "Token", "TransportError", "UnsupportedMediaTypeError", "ValidationError", "WSGIAdapter", "onboard",
]


def test_public_api_is_locked():
    assert sorted(client.__all__) == sorted(PUBLIC_API)
    for name in PUBLIC_API:
        assert getattr(client, name) is not None


def test_every_error_is_an_aep_error():
    for name in PUBLIC_API:
        obj = getattr(client, name)
        if name.endswith("Error"):
            assert issubclass(obj, client.AEPError), name


def test_client_does_not_import_mockaep():
    code = "import sys, mockaep_client, mockaep_client.onboarding; print(sorted(m for m in sys.modules if m.startswith('mockaep') and not m.startswith('mockaep_client')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
