"""The few lines every service main needs: settings → logs, traces, metrics → gRPC server + Kafka consumers.

A service's ``__main__`` builds its settings and domain objects, then::

    run_service(settings, register=lambda server: server.add(MyServicer(...), add_MyServicer_to_server),
                consumers=lambda rt: [EventConsumer(...)], ready=warm_up)

Order of events: the gRPC server starts NOT_SERVING; ``ready`` runs (load models, open the graph);
consumers start; health turns SERVING. On SIGTERM health turns NOT_SERVING at once, in-flight RPCs drain,
then consumers finish their current event, commit and close.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from functools import cached_property
from typing import Protocol

from autochem.config import ServiceSettings
from autochem.observability import configure_logging, configure_tracing, start_metrics_server
from autochem.rpc import GrpcServer
from autochem.storage import ArtifactStore, make_engine

log = logging.getLogger(__name__)


class BackgroundConsumer(Protocol):
    def run_in_thread(self): ...

    def stop(self) -> None: ...


class ServiceRuntime:
    """Process-wide resources of one service, created once from its settings."""

    def __init__(self, settings: ServiceSettings) -> None:
        self.settings = settings
        configure_logging(settings.service_name, settings.log_level, settings.log_json)
        self.tracer_provider = configure_tracing(settings.service_name, settings.otlp_endpoint)
        self.metrics_port = (
            start_metrics_server(settings.metrics_port, settings.metrics_host) if settings.metrics_port else None
        )

    @cached_property
    def engine(self):
        """The ledger/memory database (SQLite under state_dir unless database_url is set)."""
        return make_engine(self.settings.resolved_database_url())

    @cached_property
    def artifacts(self) -> ArtifactStore:
        return ArtifactStore(self.settings.resolved_artifact_url())

    @cached_property
    def publisher(self):
        from autochem.bus.producer import EventPublisher

        return EventPublisher(self.settings.kafka, self.settings.service_name)

    async def serve(
        self,
        register: Callable[[GrpcServer], None],
        *,
        consumers: Callable[[ServiceRuntime], Sequence[BackgroundConsumer]] | None = None,
        ready: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        server = GrpcServer(self.settings.grpc, self.settings.service_name, tracer_provider=self.tracer_provider)
        register(server)
        await server.start()
        server.install_signal_handlers()
        if ready is not None:
            await ready()
        running = list(consumers(self)) if consumers else []
        for consumer in running:
            consumer.run_in_thread()
        await server.set_serving(True)
        log.info("%s ready", self.settings.service_name, extra={"grpc_port": server.port, "consumers": len(running)})
        await server.wait_for_termination()
        loop = asyncio.get_running_loop()
        await asyncio.gather(*(loop.run_in_executor(None, c.stop) for c in running))
        self.close()

    def close(self) -> None:
        if "publisher" in self.__dict__:
            self.publisher.close()
        if "engine" in self.__dict__:
            self.engine.dispose()


def run_service(
    settings: ServiceSettings,
    register: Callable[[GrpcServer], None],
    *,
    consumers: Callable[[ServiceRuntime], Sequence[BackgroundConsumer]] | None = None,
    ready: Callable[[], Awaitable[None]] | None = None,
) -> None:
    """Run one service until SIGTERM/SIGINT has drained it."""
    runtime = ServiceRuntime(settings)
    asyncio.run(runtime.serve(register, consumers=consumers, ready=ready))
