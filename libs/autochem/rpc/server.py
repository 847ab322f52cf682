"""The gRPC server every service runs: health, reflection, limits, interceptors and graceful drain.

    server = GrpcServer(settings.grpc, settings.service_name)
    server.add(DesignerServicer(...), design_pb2_grpc.add_DesignerServicer_to_server)
    await server.start()
    server.install_signal_handlers()
    await server.set_serving(True)      # once models/connections are ready
    await server.wait_for_termination() # returns after SIGTERM has drained in-flight RPCs

Create it inside a running event loop (grpc.aio binds to the loop).
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import signal
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_health.v1._async import HealthServicer  # grpc_health exports the asyncio servicer only here
from grpc_reflection.v1alpha import reflection
from opentelemetry.trace import TracerProvider

from autochem.config import GrpcSettings
from autochem.rpc.interceptors import (
    AdmissionInterceptor,
    AuthInterceptor,
    ErrorMappingInterceptor,
    MetricsInterceptor,
    TracingInterceptor,
)

log = logging.getLogger(__name__)

SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


def _check_async(service_name: str, method_handlers: Mapping[str, grpc.RpcMethodHandler]) -> None:
    for name, handler in method_handlers.items():
        behavior = (
            handler.unary_unary or handler.unary_stream or handler.stream_unary or handler.stream_stream
        )
        if not (inspect.iscoroutinefunction(behavior) or inspect.isasyncgenfunction(behavior)):
            raise TypeError(f"{service_name}/{name}: handlers must be async (async def / async generator)")


class _Registrar:
    """Passed to a generated ``add_XServicer_to_server`` in place of the server, to learn which services it
    registers (for health and reflection) and to refuse sync handlers up front."""

    def __init__(self, server: grpc.aio.Server, service_names: list[str]) -> None:
        self._server = server
        self._service_names = service_names

    def add_generic_rpc_handlers(self, generic_handlers) -> None:
        for generic in generic_handlers:
            name = generic.service_name() if hasattr(generic, "service_name") else None
            if name and name not in self._service_names:
                self._service_names.append(name)
        self._server.add_generic_rpc_handlers(generic_handlers)

    def add_registered_method_handlers(self, service_name: str, method_handlers) -> None:
        _check_async(service_name, method_handlers)
        if service_name not in self._service_names:
            self._service_names.append(service_name)
        self._server.add_registered_method_handlers(service_name, method_handlers)


class GrpcServer:
    """A grpc.aio server configured from :class:`GrpcSettings`.

    Interceptors, outermost first: tracing, metrics, auth (only when ``settings.auth_tokens``), admission
    (``max_concurrent_rpcs``), ``extra_interceptors``, error mapping. Spans go to ``tracer_provider``
    (default: the global one from configure_tracing). Health starts NOT_SERVING for every
    registered service until :meth:`set_serving`; shutdown flips it back to NOT_SERVING first.
    """

    def __init__(
        self,
        settings: GrpcSettings,
        service_name: str,
        *,
        extra_interceptors: Sequence[grpc.aio.ServerInterceptor] = (),
        tracer_provider: TracerProvider | None = None,
    ) -> None:
        self.settings = settings
        self.service_name = service_name
        self.port: int | None = None
        self._service_names: list[str] = []
        self._health = HealthServicer()
        self._admission = AdmissionInterceptor(settings.max_concurrent_rpcs)
        chain: list[grpc.aio.ServerInterceptor] = [
            TracingInterceptor(tracer_provider),
            MetricsInterceptor(service_name),
        ]
        if settings.auth_tokens:
            chain.append(AuthInterceptor(settings.auth_tokens))
        chain += [self._admission, *extra_interceptors, ErrorMappingInterceptor()]
        self._server = grpc.aio.server(
            interceptors=chain,
            options=[
                # Oversize messages fail with RESOURCE_EXHAUSTED in grpc core, before any handler runs.
                ("grpc.max_receive_message_length", settings.max_message_bytes),
                ("grpc.max_send_message_length", settings.max_message_bytes),
            ],
            # No maximum_concurrent_rpcs here: see AdmissionInterceptor.
        )
        health_pb2_grpc.add_HealthServicer_to_server(self._health, self._server)
        self._shutdown_task: asyncio.Task | None = None
        self._forced_stop: asyncio.Future | None = None  # referenced so the task is not garbage-collected

    # --- registration -----------------------------------------------------------------------------------

    def add(self, servicer: Any, add_to_server: Callable[[Any, Any], None]) -> None:
        """Register a servicer with its generated ``add_XServicer_to_server`` function."""
        add_to_server(servicer, _Registrar(self._server, self._service_names))

    def add_handlers(self, service_name: str, method_handlers: Mapping[str, grpc.RpcMethodHandler]) -> None:
        """Register hand-built handlers (``grpc.unary_unary_rpc_method_handler`` ...) the way generated code
        does; for services without a .proto service definition."""
        registrar = _Registrar(self._server, self._service_names)
        generic = grpc.method_handlers_generic_handler(service_name, method_handlers)
        registrar.add_generic_rpc_handlers((generic,))
        registrar.add_registered_method_handlers(service_name, method_handlers)

    @property
    def service_names(self) -> tuple[str, ...]:
        return tuple(self._service_names)

    @property
    def in_flight(self) -> int:
        """Service RPCs being handled now (health and reflection not counted)."""
        return self._admission.in_flight

    # --- lifecycle --------------------------------------------------------------------------------------

    async def start(self) -> int:
        """Bind and start serving; returns the bound port (``settings.port`` 0 picks a free one)."""
        await self._set_all(NOT_SERVING)
        if self.settings.reflection:
            reflection.enable_server_reflection(
                (*self._service_names, health.SERVICE_NAME, reflection.SERVICE_NAME), self._server
            )
        host = self.settings.host
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"  # IPv6 literal
        self.port = self._server.add_insecure_port(f"{host}:{self.settings.port}")
        await self._server.start()
        log.info(
            "gRPC server %s listening on %s:%d",
            self.service_name,
            host,
            self.port,
            extra={"services": self._service_names},
        )
        return self.port

    async def set_serving(self, serving: bool) -> None:
        """Report every registered service (and the server as a whole, "") SERVING or NOT_SERVING.
        Ignored once shutdown has begun."""
        await self._set_all(SERVING if serving else NOT_SERVING)

    async def _set_all(self, status) -> None:
        for name in ("", *self._service_names):
            await self._health.set(name, status)

    def install_signal_handlers(
        self, signals: Sequence[signal.Signals] = (signal.SIGTERM, signal.SIGINT)
    ) -> None:
        """SIGTERM/SIGINT start :meth:`shutdown`; a second signal stops at once without waiting."""
        loop = asyncio.get_running_loop()
        for sig in signals:
            loop.add_signal_handler(sig, self._on_signal, sig)

    def _on_signal(self, sig: signal.Signals) -> None:
        if self._shutdown_task is None:
            log.info("%s received: draining %d in-flight RPCs", sig.name, self.in_flight)
            self._shutdown_task = asyncio.ensure_future(self._drain_and_stop(self.settings.drain_grace_s))
        else:
            log.warning("%s received again: stopping now", sig.name)
            self._forced_stop = asyncio.ensure_future(self._server.stop(0))

    async def shutdown(self, grace_s: float | None = None) -> None:
        """Graceful stop: NOT_SERVING at once, then in-flight RPCs get up to ``grace_s`` (default
        ``settings.drain_grace_s``) to finish; whatever is left after that is cancelled. Idempotent."""
        if self._shutdown_task is None:
            grace = self.settings.drain_grace_s if grace_s is None else grace_s
            self._shutdown_task = asyncio.ensure_future(self._drain_and_stop(grace))
        await asyncio.shield(self._shutdown_task)

    async def _drain_and_stop(self, grace_s: float) -> None:
        await self._health.enter_graceful_shutdown()  # every service NOT_SERVING, later set()s ignored
        loop = asyncio.get_running_loop()
        deadline = loop.time() + grace_s
        # grpc's server.stop(grace) refuses new RPCs at once, health checks included, so load balancers and
        # probes would see connection errors instead of NOT_SERVING. Keep serving (and answering probes)
        # while in-flight RPCs finish, then let stop() wait out what remains of the grace period.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._admission.wait_idle(), timeout=grace_s)
        await self._server.stop(max(0.0, deadline - loop.time()))
        log.info("gRPC server %s stopped", self.service_name)

    async def wait_for_termination(self) -> None:
        """Return once the server has stopped (after a signal or :meth:`shutdown`)."""
        await self._server.wait_for_termination()
        if self._shutdown_task is not None:
            await asyncio.shield(self._shutdown_task)

    async def __aenter__(self) -> GrpcServer:
        await self.start()
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.shutdown(grace_s=0)
