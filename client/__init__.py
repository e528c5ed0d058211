"""A thin, typed, requests-based client for the AEP APIs mockaep emulates.

The public API is what this module re-exports (locked by ``tests/client/test_public_api.py``);
everything else lives in modules that may change.
"""
from mockaep_client.aep import AEPClient
from mockaep_client.auth import ClientCredentials, StaticToken, Token
from mockaep_client.errors import (AEPError, AuthError, BadRequestError, ConflictError, IMSError, MethodNotAllowedError,
                           NotAcceptableError, NotFoundError, PayloadTooLargeError, PreconditionFailedError,
                           RateLimitError, ServerError, TransportError, UnsupportedMediaTypeError,
                           ValidationError)
from mockaep_client.onboarding import Onboarding, Schedule, onboard
from mockaep_client.results import Created
from mockaep_client.retry import RetryPolicy
from mockaep_client.transport import WSGIAdapter

__all__ = [
    "AEPClient",
    "AEPError",
    "AuthError",
    "BadRequestError",
    "ClientCredentials",
    "ConflictError",
    "Created",
    "IMSError",
    "MethodNotAllowedError",
    "NotAcceptableError",
    "NotFoundError",
    "Onboarding",
    "PayloadTooLargeError",
    "PreconditionFailedError",
    "RateLimitError",
    "RetryPolicy",
    "Schedule",
    "ServerError",
    "StaticToken",
    "Token",
    "TransportError",
    "UnsupportedMediaTypeError",
    "ValidationError",
    "WSGIAdapter",
    "onboard",
]
