from __future__ import annotations

import io
import json
import logging
import urllib.request

from opentelemetry import context, trace

from autochem.observability import configure_logging, configure_tracing, start_metrics_server
from autochem.observability.metrics import BUS_PUBLISHED
from autochem.observability.tracing import extract_headers, extract_metadata, inject_headers, inject_metadata


def test_json_logs_carry_service_and_trace_ids():
    configure_tracing("unit-test")
    stream = io.StringIO()
    configure_logging("kg-builder", "INFO", json=True, stream=stream)
    tracer = trace.get_tracer("t")
    with tracer.start_as_current_span("work") as span:
        logging.getLogger("autochem.test").info("chunked document", extra={"chunks": 12})
        trace_id = format(span.get_span_context().trace_id, "032x")
    line = json.loads(stream.getvalue().strip().splitlines()[-1])
    assert line["service"] == "kg-builder"
    assert line["message"] == "chunked document"
    assert line["chunks"] == 12
    assert line["level"] == "INFO"
    assert line["trace_id"] == trace_id


def test_trace_context_survives_kafka_headers_and_grpc_metadata():
    configure_tracing("unit-test")
    tracer = trace.get_tracer("t")
    with tracer.start_as_current_span("publish") as span:
        headers = inject_headers()
        metadata = inject_metadata()
        want = span.get_span_context().trace_id
    assert any(k == "traceparent" for k, _ in headers)
    for ctx in (extract_headers(headers), extract_metadata(metadata)):
        token = context.attach(ctx)
        try:
            with tracer.start_as_current_span("consume") as child:
                assert child.get_span_context().trace_id == want
        finally:
            context.detach(token)


def test_extract_without_headers_starts_a_new_trace():
    ctx = extract_headers(None)
    assert not trace.get_current_span(ctx).get_span_context().is_valid


def test_metrics_endpoint_serves_prometheus_text():
    port = start_metrics_server(0)
    BUS_PUBLISHED.labels(topic="unit.test").inc()
    body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    assert 'autochem_bus_published_total{topic="unit.test"}' in body
