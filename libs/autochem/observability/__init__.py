"""Structured logs, Prometheus metrics and OpenTelemetry tracing, configured once per process."""

from autochem.observability.logging import configure_logging
from autochem.observability.metrics import start_metrics_server
from autochem.observability.tracing import configure_tracing

__all__ = ["configure_logging", "configure_tracing", "start_metrics_server"]
