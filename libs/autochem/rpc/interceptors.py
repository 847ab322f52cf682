"""Server interceptors: tracing, metrics, bearer-token auth, admission (concurrency limit) and error mapping.

:class:`autochem.rpc.server.GrpcServer` installs them in that order (the first is the outermost). Each wraps
the servicer's behaviour in an async context manager (a *scope*) that runs around the whole RPC, streaming
responses included. grpc's own health and reflection services pass through untouched: probes must answer
even when the server is saturated, unauthenticated callers may ask for health, and probe traffic would
drown the RPC metrics.
"""

from __future__ import annotations

import asyncio
import fnmatch
import hmac
import inspect
import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import grpc
from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from autochem.errors import InvalidArgument
from autochem.observability.metrics import RPC_HANDLED, RPC_IN_FLIGHT, RPC_LATENCY, RPC_STARTED
from autochem.observability.tracing import extract_metadata
from autochem.rpc.context import RpcInfo, set_current_rpc
from autochem.rpc.errors import failure_for

Scope = Callable[[grpc.aio.ServicerContext], AbstractAsyncContextManager[None]]

EXEMPT_METHOD_PREFIXES = (
    "/grpc.health.v1.Health/",
    "/grpc.reflection.v1alpha.ServerReflection/",
    "/grpc.reflection.v1.ServerReflection/",
)

# Server-side codes that mean "the server failed" (OpenTelemetry gRPC semantic conventions); the rest are
# the caller's problem and leave the span status unset.
_SERVER_ERROR_CODES = frozenset(
    {
        grpc.StatusCode.UNKNOWN,
        grpc.StatusCode.DEADLINE_EXCEEDED,
        grpc.StatusCode.UNIMPLEMENTED,
        grpc.StatusCode.INTERNAL,
        grpc.StatusCode.UNAVAILABLE,
        grpc.StatusCode.DATA_LOSS,
    }
)


def is_exempt(method: str) -> bool:
    """Health and reflection: grpc's own services, never limited, authenticated, traced or counted."""
    return method.startswith(EXEMPT_METHOD_PREFIXES)


def final_code(context: grpc.aio.ServicerContext, exc: BaseException | None) -> grpc.StatusCode:
    """The status an RPC ends with, as seen from inside the interceptor chain."""
    if isinstance(exc, asyncio.CancelledError | GeneratorExit):
        remaining = context.time_remaining()
        if remaining is not None and remaining <= 0:
            return grpc.StatusCode.DEADLINE_EXCEEDED
        return grpc.StatusCode.CANCELLED
    code = context.code()  # set by context.abort()/set_code(); None when the handler just returned
    if code is not None:
        return code
    return grpc.StatusCode.OK if exc is None else grpc.StatusCode.UNKNOWN


# --- handler wrapping ---------------------------------------------------------------------------------


def _request_decoder(deserializer: Callable[[bytes], object]) -> Callable[[bytes], object]:
    message_type = getattr(deserializer, "__self__", None)  # Message.FromString is bound to its class
    name = getattr(getattr(message_type, "DESCRIPTOR", None), "full_name", None) or "request message"

    def decode(data: bytes) -> object:
        try:
            return deserializer(data)
        except Exception as exc:  # DecodeError for protobuf; any deserializer failure is the caller's bytes
            raise InvalidArgument("request", f"not a valid {name}") from exc

    return decode


async def _decoded(raw_requests: AsyncIterator[bytes], decode: Callable[[bytes], object]):
    async for data in raw_requests:
        yield decode(data)


def _wrap_behavior(behavior, scope: Scope, *, stream_request: bool, decode=None):
    """``behavior`` run inside ``scope``; keeps its flavour (coroutine vs async generator) because grpc.aio
    dispatches on it. ``decode`` parses raw request bytes inside the scope, so failures are mapped."""
    if stream_request:

        def request_arg(raw):
            return _decoded(raw, decode) if decode else raw
    else:

        def request_arg(raw):
            return decode(raw) if decode else raw

    if inspect.isasyncgenfunction(behavior):

        async def wrapped_stream(request, context):
            async with scope(context):
                async for response in behavior(request_arg(request), context):
                    yield response

        return wrapped_stream

    async def wrapped(request, context):
        async with scope(context):
            return await behavior(request_arg(request), context)

    return wrapped


def wrap_handler(handler: grpc.RpcMethodHandler, scope: Scope, *, decode_requests: bool = False):
    """A copy of ``handler`` whose behaviour runs inside ``scope``.

    With ``decode_requests`` the request deserializer is replaced by a bytes pass-through and the bytes are
    parsed inside the scope. grpc would otherwise fail undecodable requests itself, before any interceptor
    code runs, with a status that is not INVALID_ARGUMENT.
    """
    deserializer = handler.request_deserializer
    decode = None
    if decode_requests and deserializer is not None:
        decode = _request_decoder(deserializer)
        deserializer = None  # grpc hands the raw bytes to the behaviour
    serializer = handler.response_serializer
    if handler.unary_unary is not None:
        behavior = _wrap_behavior(handler.unary_unary, scope, stream_request=False, decode=decode)
        return grpc.unary_unary_rpc_method_handler(behavior, deserializer, serializer)
    if handler.unary_stream is not None:
        behavior = _wrap_behavior(handler.unary_stream, scope, stream_request=False, decode=decode)
        return grpc.unary_stream_rpc_method_handler(behavior, deserializer, serializer)
    if handler.stream_unary is not None:
        behavior = _wrap_behavior(handler.stream_unary, scope, stream_request=True, decode=decode)
        return grpc.stream_unary_rpc_method_handler(behavior, deserializer, serializer)
    behavior = _wrap_behavior(handler.stream_stream, scope, stream_request=True, decode=decode)
    return grpc.stream_stream_rpc_method_handler(behavior, deserializer, serializer)


# --- interceptors ---------------------------------------------------------------------------------------


class TracingInterceptor(grpc.aio.ServerInterceptor):
    """One SERVER span per RPC, child of the W3C trace context in the call metadata, current while the
    handler runs (so logs carry its ids and downstream calls propagate it)."""

    def __init__(self, tracer_provider: trace.TracerProvider | None = None) -> None:
        # None: the global provider (configure_tracing), resolved lazily by OpenTelemetry's proxy tracer.
        self._tracer = trace.get_tracer("autochem.rpc", tracer_provider=tracer_provider)

    async def intercept_service(self, continuation, handler_call_details):
        handler = await continuation(handler_call_details)
        method = handler_call_details.method
        if handler is None or is_exempt(method):
            return handler
        parent = extract_metadata(handler_call_details.invocation_metadata)
        service, _, rpc_method = method.lstrip("/").partition("/")
        tracer = self._tracer

        @asynccontextmanager
        async def traced(context):
            with tracer.start_as_current_span(
                method.lstrip("/"),
                context=parent,
                kind=SpanKind.SERVER,
                attributes={"rpc.system": "grpc", "rpc.service": service, "rpc.method": rpc_method},
                record_exception=False,
                set_status_on_exception=False,
            ) as span:
                error: BaseException | None = None
                try:
                    yield
                except BaseException as exc:
                    error = exc
                    raise
                finally:
                    code = final_code(context, error)
                    span.set_attribute("rpc.grpc.status_code", code.value[0])
                    if code in _SERVER_ERROR_CODES:
                        span.set_status(Status(StatusCode.ERROR, code.name))

        return wrap_handler(handler, traced)


class MetricsInterceptor(grpc.aio.ServerInterceptor):
    """RPC_STARTED / RPC_HANDLED (by final status code) / RPC_LATENCY / RPC_IN_FLIGHT."""

    def __init__(self, service_name: str) -> None:
        self._service = service_name

    async def intercept_service(self, continuation, handler_call_details):
        handler = await continuation(handler_call_details)
        method = handler_call_details.method
        if handler is None or is_exempt(method):
            return handler
        service = self._service

        @asynccontextmanager
        async def measured(context):
            RPC_STARTED.labels(service, method).inc()
            in_flight = RPC_IN_FLIGHT.labels(service)
            in_flight.inc()
            started = time.perf_counter()
            error: BaseException | None = None
            try:
                yield
            except BaseException as exc:
                error = exc
                raise
            finally:
                in_flight.dec()
                RPC_LATENCY.labels(service, method).observe(time.perf_counter() - started)
                RPC_HANDLED.labels(service, method, final_code(context, error).name).inc()

        return wrap_handler(handler, measured)


def _rejecting(code: grpc.StatusCode, message: str) -> Scope:
    @asynccontextmanager
    async def reject(context):
        await context.abort(code, message)  # raises; the handler never runs
        yield  # pragma: no cover - unreachable, makes this a generator

    return reject


class AuthInterceptor(grpc.aio.ServerInterceptor):
    """Bearer tokens from settings: ``authorization: Bearer <token>``; each token may call the methods
    matching its globs (``/autochem.v1.Designer/*``). No or unknown token: UNAUTHENTICATED; a known token
    outside its globs: PERMISSION_DENIED."""

    def __init__(self, tokens: Mapping[str, Sequence[str]]) -> None:
        self._tokens = {token.encode(): tuple(globs) for token, globs in tokens.items()}

    def _allowed_globs(self, metadata) -> tuple[str, ...] | None:
        for key, value in metadata or ():
            if key.lower() != "authorization" or not isinstance(value, str):
                continue
            scheme, _, presented = value.partition(" ")
            if scheme.lower() != "bearer":
                continue
            presented_bytes = presented.strip().encode()
            found = None
            for token, globs in self._tokens.items():
                # Compare with every token in constant time so timing does not reveal a valid prefix.
                if hmac.compare_digest(token, presented_bytes):
                    found = globs
            return found
        return None

    async def intercept_service(self, continuation, handler_call_details):
        handler = await continuation(handler_call_details)
        method = handler_call_details.method
        if handler is None or is_exempt(method):
            return handler
        globs = self._allowed_globs(handler_call_details.invocation_metadata)
        if globs is None:
            return wrap_handler(
                handler, _rejecting(grpc.StatusCode.UNAUTHENTICATED, "missing or unknown bearer token")
            )
        if not any(fnmatch.fnmatchcase(method, glob) for glob in globs):
            return wrap_handler(
                handler, _rejecting(grpc.StatusCode.PERMISSION_DENIED, f"token may not call {method}")
            )
        return handler


class AdmissionInterceptor(grpc.aio.ServerInterceptor):
    """At most ``max_concurrent_rpcs`` service RPCs at once; the next one gets RESOURCE_EXHAUSTED at once.

    Hand-rolled because grpc.aio.server(maximum_concurrent_rpcs=...) counts health checks too: a saturated
    server would fail its readiness/liveness probes and be restarted for being busy. Also counts the
    in-flight RPCs so shutdown can wait for them.
    """

    def __init__(self, max_concurrent_rpcs: int) -> None:
        self.limit = max_concurrent_rpcs
        self.in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def wait_idle(self) -> None:
        """Return once no service RPC is in flight."""
        await self._idle.wait()

    @asynccontextmanager
    async def _admitted(self, context):
        if self.in_flight >= self.limit:
            await context.abort(
                grpc.StatusCode.RESOURCE_EXHAUSTED, f"server busy: {self.limit} RPCs in flight; retry later"
            )
        self.in_flight += 1
        self._idle.clear()
        try:
            yield
        finally:
            self.in_flight -= 1
            if self.in_flight == 0:
                self._idle.set()

    async def intercept_service(self, continuation, handler_call_details):
        handler = await continuation(handler_call_details)
        if handler is None or is_exempt(handler_call_details.method):
            return handler
        return wrap_handler(handler, self._admitted)


class ErrorMappingInterceptor(grpc.aio.ServerInterceptor):
    """Innermost: parses request bytes (undecodable -> INVALID_ARGUMENT), makes the RPC reachable through
    :func:`autochem.rpc.context.current_rpc`, and turns exceptions into statuses (autochem.rpc.errors)."""

    async def intercept_service(self, continuation, handler_call_details):
        handler = await continuation(handler_call_details)
        method = handler_call_details.method
        if handler is None or is_exempt(method):
            return handler

        @asynccontextmanager
        async def mapped(context):
            set_current_rpc(RpcInfo(method, context))
            try:
                yield
            except grpc.aio.AbortError:
                raise  # the handler chose its status itself
            except Exception as exc:
                failure = failure_for(exc, method)
                await context.abort(failure.code, failure.message, failure.trailing_metadata)

        return wrap_handler(handler, mapped, decode_requests=True)
