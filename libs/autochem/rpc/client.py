"""Channels and calls to AutoChem services: a deadline on every call, trace context and bearer token in
metadata, and retries of UNAVAILABLE only.

Retries are grpc's own (a retryPolicy in the channel's service config): exponential backoff with full
jitter, bounded by the call's deadline, transparent to callers and limited to UNAVAILABLE, so a call that
the server rejected or failed (INVALID_ARGUMENT, INTERNAL, ...) is never sent twice.
"""

from __future__ import annotations

import collections
import json
from collections.abc import Sequence
from dataclasses import dataclass

import grpc

from autochem.observability.tracing import inject_metadata
from autochem.rpc.context import time_remaining

DEFAULT_TIMEOUT_S = 10.0
"""Deadline for calls that name none. Callers of long RPCs pass their own."""

Metadata = Sequence[tuple[str, str | bytes]]


@dataclass(frozen=True)
class RetryPolicy:
    """gRPC retry policy (gRFC A6). grpc caps ``max_attempts`` at 5; the call deadline bounds the total."""

    max_attempts: int = 4
    initial_backoff_s: float = 0.1
    max_backoff_s: float = 2.0
    backoff_multiplier: float = 2.0

    def __post_init__(self) -> None:
        if not 2 <= self.max_attempts <= 5:
            raise ValueError("max_attempts must be 2..5 (grpc's limit); pass retry=None for no retries")
        if self.initial_backoff_s <= 0 or self.max_backoff_s <= 0 or self.backoff_multiplier <= 0:
            raise ValueError("backoffs and multiplier must be positive")

    def service_config(self) -> str:
        return json.dumps(
            {
                "methodConfig": [
                    {
                        "name": [{}],  # every method of every service on the channel
                        "retryPolicy": {
                            "maxAttempts": self.max_attempts,
                            "initialBackoff": f"{self.initial_backoff_s}s",
                            "maxBackoff": f"{self.max_backoff_s}s",
                            "backoffMultiplier": self.backoff_multiplier,
                            "retryableStatusCodes": ["UNAVAILABLE"],
                        },
                    }
                ]
            }
        )


DEFAULT_RETRY = RetryPolicy()


def channel_options(max_message_bytes: int, retry: RetryPolicy | None) -> list[tuple[str, object]]:
    options: list[tuple[str, object]] = [
        ("grpc.max_receive_message_length", max_message_bytes),
        ("grpc.max_send_message_length", max_message_bytes),
    ]
    if retry is None:
        options.append(("grpc.enable_retries", 0))
    else:
        options += [("grpc.enable_retries", 1), ("grpc.service_config", retry.service_config())]
    return options


def outgoing_metadata(metadata: Metadata | None, token: str | None) -> list[tuple[str, str | bytes]]:
    """Caller metadata plus the current trace context (traceparent) and the bearer token."""
    merged = list(metadata or ())
    merged += inject_metadata()
    if token is not None:
        merged.append(("authorization", f"Bearer {token}"))
    return merged


def propagated_timeout(timeout: float) -> float:
    """A downstream call made while handling an RPC gets at most what is left of that RPC's deadline:
    work for a caller that has already given up is wasted and only queues behind live requests."""
    remaining = time_remaining()
    if remaining is None:
        return timeout
    return max(0.001, min(timeout, remaining))


def _checked_timeout(timeout: float | None) -> float:
    if timeout is None or timeout <= 0:
        raise ValueError("every call needs a positive deadline (timeout in seconds)")
    return timeout


# --- asyncio ---------------------------------------------------------------------------------------------


class _AioCallDefaults(
    grpc.aio.UnaryUnaryClientInterceptor,
    grpc.aio.UnaryStreamClientInterceptor,
    grpc.aio.StreamUnaryClientInterceptor,
    grpc.aio.StreamStreamClientInterceptor,
):
    """Gives every call on the channel a deadline (default when none) and the outgoing metadata, so even
    direct stub calls that bypass :func:`call` are bounded and traced."""

    def __init__(self, token: str | None, default_timeout_s: float) -> None:
        self._token = token
        self._default_timeout_s = default_timeout_s

    def _details(self, details: grpc.aio.ClientCallDetails) -> grpc.aio.ClientCallDetails:
        return grpc.aio.ClientCallDetails(
            method=details.method,
            timeout=propagated_timeout(
                details.timeout if details.timeout is not None else self._default_timeout_s
            ),
            metadata=grpc.aio.Metadata(*outgoing_metadata(details.metadata, self._token)),
            credentials=details.credentials,
            wait_for_ready=details.wait_for_ready,
        )

    async def intercept_unary_unary(self, continuation, client_call_details, request):
        return await continuation(self._details(client_call_details), request)

    async def intercept_unary_stream(self, continuation, client_call_details, request):
        return await continuation(self._details(client_call_details), request)

    async def intercept_stream_unary(self, continuation, client_call_details, request_iterator):
        return await continuation(self._details(client_call_details), request_iterator)

    async def intercept_stream_stream(self, continuation, client_call_details, request_iterator):
        return await continuation(self._details(client_call_details), request_iterator)


def make_channel(
    target: str,
    *,
    max_message_bytes: int,
    token: str | None = None,
    retry: RetryPolicy | None = DEFAULT_RETRY,
    default_timeout_s: float = DEFAULT_TIMEOUT_S,
) -> grpc.aio.Channel:
    """An asyncio channel to ``target`` (host:port). ``max_message_bytes`` should match the server's
    ``GrpcSettings.max_message_bytes``; ``token`` is sent as ``authorization: Bearer``."""
    _checked_timeout(default_timeout_s)
    return grpc.aio.insecure_channel(
        target,
        options=channel_options(max_message_bytes, retry),
        interceptors=[_AioCallDefaults(token, default_timeout_s)],
    )


async def call(method, request, *, timeout: float = DEFAULT_TIMEOUT_S, metadata: Metadata | None = None):
    """Invoke a unary-unary ``method`` (``stub.DesignProcess``) with a mandatory deadline.

    Retries (UNAVAILABLE only) happen inside the channel; other errors raise grpc.aio.AioRpcError at once.
    """
    return await method(request, timeout=_checked_timeout(timeout), metadata=metadata)


# --- blocking (CLI, scripts) -----------------------------------------------------------------------------


_SYNC_CALL_FIELDS = "method timeout metadata credentials wait_for_ready compression"


class _SyncCallDetails(collections.namedtuple("_SyncCallDetails", _SYNC_CALL_FIELDS), grpc.ClientCallDetails):
    pass


class _SyncCallDefaults(
    grpc.UnaryUnaryClientInterceptor,
    grpc.UnaryStreamClientInterceptor,
    grpc.StreamUnaryClientInterceptor,
    grpc.StreamStreamClientInterceptor,
):
    def __init__(self, token: str | None, default_timeout_s: float) -> None:
        self._token = token
        self._default_timeout_s = default_timeout_s

    def _details(self, details) -> _SyncCallDetails:
        return _SyncCallDetails(
            details.method,
            propagated_timeout(details.timeout if details.timeout is not None else self._default_timeout_s),
            outgoing_metadata(details.metadata, self._token),
            details.credentials,
            getattr(details, "wait_for_ready", None),
            getattr(details, "compression", None),
        )

    def intercept_unary_unary(self, continuation, client_call_details, request):
        return continuation(self._details(client_call_details), request)

    def intercept_unary_stream(self, continuation, client_call_details, request):
        return continuation(self._details(client_call_details), request)

    def intercept_stream_unary(self, continuation, client_call_details, request_iterator):
        return continuation(self._details(client_call_details), request_iterator)

    def intercept_stream_stream(self, continuation, client_call_details, request_iterator):
        return continuation(self._details(client_call_details), request_iterator)


def make_sync_channel(
    target: str,
    *,
    max_message_bytes: int,
    token: str | None = None,
    retry: RetryPolicy | None = DEFAULT_RETRY,
    default_timeout_s: float = DEFAULT_TIMEOUT_S,
) -> grpc.Channel:
    """Blocking twin of :func:`make_channel` (same deadline, metadata and retry behaviour)."""
    _checked_timeout(default_timeout_s)
    channel = grpc.insecure_channel(target, options=channel_options(max_message_bytes, retry))
    return grpc.intercept_channel(channel, _SyncCallDefaults(token, default_timeout_s))


def call_sync(method, request, *, timeout: float = DEFAULT_TIMEOUT_S, metadata: Metadata | None = None):
    """Blocking twin of :func:`call`."""
    return method(request, timeout=_checked_timeout(timeout), metadata=metadata)
