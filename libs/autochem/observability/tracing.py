"""OpenTelemetry tracing with W3C trace context carried in gRPC metadata and Kafka headers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from opentelemetry import context, propagate, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

_configured = False


def configure_tracing(service: str, otlp_endpoint: str | None = None) -> TracerProvider:
    """Install a tracer provider for this process; export over OTLP/gRPC only when an endpoint is given.

    Without an endpoint spans are still created (ids appear in logs and propagate to peers) but not exported.
    """
    global _configured
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    if otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(
            BatchSpanProcessor(OTLPSpanExporter(endpoint=otlp_endpoint, insecure=True))
        )
    if not _configured:
        trace.set_tracer_provider(provider)
        _configured = True
    return provider


def tracer(name: str) -> trace.Tracer:
    return trace.get_tracer(name)


def inject_headers() -> list[tuple[str, bytes]]:
    """The current trace context as Kafka headers (traceparent, tracestate)."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return [(k, v.encode()) for k, v in carrier.items()]


def extract_headers(headers: Iterable[tuple[str, bytes | None]] | None) -> context.Context:
    """A context whose parent is the trace carried in Kafka headers (empty context if none)."""
    carrier = {k.lower(): v.decode("latin-1") for k, v in (headers or []) if v is not None}
    return propagate.extract(carrier)


def inject_metadata() -> list[tuple[str, str]]:
    """The current trace context as gRPC metadata."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return list(carrier.items())


def extract_metadata(metadata: Mapping[str, str] | Iterable[tuple[str, str]] | None) -> context.Context:
    items = metadata.items() if isinstance(metadata, Mapping) else (metadata or [])
    carrier = {k.lower(): v for k, v in items if isinstance(v, str)}
    return propagate.extract(carrier)
