"""Prometheus metrics shared by the runtime. Each process exposes them on its own /metrics port."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram, start_http_server

RPC_STARTED = Counter("autochem_rpc_started_total", "gRPC calls started.", ["service", "method"])
RPC_HANDLED = Counter(
    "autochem_rpc_handled_total", "gRPC calls finished, by status code.", ["service", "method", "code"]
)
RPC_LATENCY = Histogram(
    "autochem_rpc_duration_seconds",
    "gRPC handling time.",
    ["service", "method"],
    buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
)
RPC_IN_FLIGHT = Gauge("autochem_rpc_in_flight", "gRPC calls being handled now.", ["service"])

BUS_PUBLISHED = Counter("autochem_bus_published_total", "Events published.", ["topic"])
BUS_CONSUMED = Counter(
    "autochem_bus_consumed_total",
    "Events consumed, by outcome (processed, duplicate, dead_lettered, retried).",
    ["topic", "group", "outcome"],
)
BUS_HANDLER_LATENCY = Histogram(
    "autochem_bus_handler_duration_seconds",
    "Event handler time.",
    ["topic", "group"],
    buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120, 600),
)
BUS_LAG = Gauge(
    "autochem_bus_consumer_lag",
    "High watermark minus position, per partition.",
    ["topic", "group", "partition"],
)


def start_metrics_server(port: int, host: str = "127.0.0.1") -> int:
    """Serve /metrics on ``host:port``; returns the bound port (0 picks a free one)."""
    server, _thread = start_http_server(port, addr=host)
    return server.server_port
