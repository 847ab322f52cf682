"""JSON logs with the service name and the current trace/span ids on every line."""

from __future__ import annotations

import logging
import sys

from opentelemetry import trace
from pythonjsonlogger.json import JsonFormatter


class _ContextFilter(logging.Filter):
    """Stamps each record with the service name and, inside a span, its trace and span ids."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        record.service = self.service
        ctx = trace.get_current_span().get_span_context()
        if ctx.is_valid:
            record.trace_id = format(ctx.trace_id, "032x")
            record.span_id = format(ctx.span_id, "016x")
        return True


def configure_logging(service: str, level: str = "INFO", json: bool = True, stream=None) -> None:
    """Replace the root handlers with one that writes to ``stream`` (stderr by default)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    if json:
        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s",
                rename_fields={"asctime": "ts", "levelname": "level", "name": "logger"},
                timestamp=False,
            )
        )
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)-7s %(service)s %(name)s: %(message)s")
        )
    handler.addFilter(_ContextFilter(service))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    # kafka-python is chatty at INFO about every connection and rebalance step.
    logging.getLogger("kafka").setLevel(max(logging.WARNING, root.level))
