"""Map exceptions raised by servicers to gRPC status codes.

Domain errors (:mod:`autochem.errors`) and pydantic validation errors become the status a caller can act
on; anything else becomes INTERNAL with an opaque error id, its traceback logged here and never sent to the
caller.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import grpc
import pydantic
from google.protobuf import any_pb2
from google.rpc import error_details_pb2, status_pb2
from grpc_status import rpc_status

from autochem import errors

log = logging.getLogger(__name__)

# Trailing-metadata key that carries a serialized google.rpc.Status (the gRPC rich error model).
STATUS_DETAILS_KEY = "grpc-status-details-bin"

# Most specific first: isinstance() is checked in this order.
DOMAIN_STATUS: tuple[tuple[type[errors.AutoChemError], grpc.StatusCode], ...] = (
    (errors.InvalidArgument, grpc.StatusCode.INVALID_ARGUMENT),
    (errors.NotFound, grpc.StatusCode.NOT_FOUND),
    (errors.AlreadyExists, grpc.StatusCode.ALREADY_EXISTS),
    (errors.FailedPrecondition, grpc.StatusCode.FAILED_PRECONDITION),
    (errors.ResourceExhausted, grpc.StatusCode.RESOURCE_EXHAUSTED),
    (errors.Unavailable, grpc.StatusCode.UNAVAILABLE),
    (errors.DeadlineExceeded, grpc.StatusCode.DEADLINE_EXCEEDED),
    (errors.Unauthenticated, grpc.StatusCode.UNAUTHENTICATED),
    (errors.PermissionDenied, grpc.StatusCode.PERMISSION_DENIED),
)


@dataclass(frozen=True)
class RpcFailure:
    """What the caller sees: a code, a message, and trailing metadata (rich status details, if any)."""

    code: grpc.StatusCode
    message: str
    trailing_metadata: tuple[tuple[str, str | bytes], ...] = ()


def field_path(loc: Sequence[int | str]) -> str:
    """A pydantic error location as a field path: ``('units', 2, 'tag')`` -> ``units[2].tag``."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def bad_request(code: grpc.StatusCode, violations: Sequence[tuple[str, str]]) -> RpcFailure:
    """INVALID_ARGUMENT-style failure: ``field: reason`` pairs in the message and as google.rpc.BadRequest."""
    message = "; ".join(f"{field}: {reason}" if field else reason for field, reason in violations)
    detail = any_pb2.Any()
    detail.Pack(
        error_details_pb2.BadRequest(
            field_violations=[
                error_details_pb2.BadRequest.FieldViolation(field=field, description=reason)
                for field, reason in violations
            ]
        )
    )
    status = status_pb2.Status(code=code.value[0], message=message, details=[detail])
    return RpcFailure(code, message, tuple(rpc_status.to_status(status).trailing_metadata))


def failure_for(exc: BaseException, method: str = "") -> RpcFailure:
    """The status to return for an exception a servicer raised (logs a traceback for unexpected ones)."""
    if isinstance(exc, errors.InvalidArgument):
        return bad_request(grpc.StatusCode.INVALID_ARGUMENT, [(exc.field, exc.reason)])
    if isinstance(exc, pydantic.ValidationError):
        return bad_request(
            grpc.StatusCode.INVALID_ARGUMENT,
            # pydantic prefixes messages of ValueErrors raised in validators with "Value error, ".
            [(field_path(err["loc"]), err["msg"].removeprefix("Value error, ")) for err in exc.errors()],
        )
    for error_type, code in DOMAIN_STATUS:
        if isinstance(exc, error_type):
            return RpcFailure(code, exc.message)
    error_id = uuid.uuid4().hex
    # The traceback stays in our logs; the caller gets only an id to quote when reporting the problem.
    log.error("unhandled error in %s (error id %s)", method or "RPC", error_id, exc_info=exc)
    return RpcFailure(grpc.StatusCode.INTERNAL, f"internal error (error id {error_id})")


def bad_request_details(trailing_metadata) -> list[tuple[str, str]]:
    """(field, description) pairs from a google.rpc.BadRequest in a call's trailing metadata (client side)."""
    for key, value in trailing_metadata or ():
        if key == STATUS_DETAILS_KEY:
            status = status_pb2.Status.FromString(value)
            found = []
            for detail in status.details:
                if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
                    request = error_details_pb2.BadRequest()
                    detail.Unpack(request)
                    found += [(v.field, v.description) for v in request.field_violations]
            return found
    return []
