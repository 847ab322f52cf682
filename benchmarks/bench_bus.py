"""Event bus benchmark (``make bench-bus``): our EventConsumer vs a plain kafka-python consumer.

Both contenders run in this process against the same freshly started Tansu broker and apply the same
effect per 1 KB event: parse the EventEnvelope and insert one row into an effects table, committed.

* ours:     autochem.bus EventConsumer — ledger row in the effect's transaction, handler on a worker
            thread, Kafka offsets committed only after the effect is durable (at-least-once, exactly-once
            effect).
* baseline: plain KafkaConsumer with enable_auto_commit=True and no ledger (at-most-once/at-least-once
            depending on timing, duplicates possible after a crash).

Two phases per contender, each on its own topic and consumer group:

* throughput: N events are published first; events/s = N / (last effect commit - first effect commit).
* latency:    events are published at a steady rate below both contenders' capacity; latency is
              effect committed - envelope.produced_at (same process, same clock).

Usage: python benchmarks/bench_bus.py [--events 5000] [--latency-events 1000] [--rate 250] [--pg URL]
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from kafka import KafkaConsumer
from sqlalchemy import Column, Engine, Integer, MetaData, String, Table

from autochem.bus.consumer import EventConsumer, Outcome
from autochem.bus.envelope import build_envelope
from autochem.bus.producer import EventPublisher, OutgoingEvent
from autochem.bus.topics import TOPICS, TopicSpec, ensure_topics
from autochem.config import KafkaSettings
from autochem.stack.broker import TansuBroker, free_port
from autochem.storage.db import make_engine, scratch_postgres_database
from autochem.v1.events_pb2 import ChemicalRegistered, EventEnvelope

EVENT_BYTES = 1024
SPEC = TOPICS["chemicals.registered"]
metadata = MetaData()
bench_effects = Table(
    "bench_effects",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("contender", String(32), nullable=False),
    Column("event_name", String(255), nullable=False),
)


@dataclasses.dataclass
class PhaseResult:
    events: int
    seconds: float
    latencies_ms: list[float]

    @property
    def events_per_s(self) -> float:
        return self.events / self.seconds if self.seconds > 0 else float("nan")

    def percentile(self, q: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class EffectClock:
    """Collects (commit time, latency) per effect from the consumer's thread, signals when all arrived."""

    def __init__(self, expected: int) -> None:
        self.expected = expected
        self.commit_times: list[float] = []
        self.latencies_ms: list[float] = []
        self.lock = threading.Lock()
        self.done = threading.Event()

    def record(self, envelope: EventEnvelope) -> None:
        now_ns = time.time_ns()
        produced_ns = envelope.produced_at.ToNanoseconds()
        with self.lock:
            self.commit_times.append(time.monotonic())
            self.latencies_ms.append((now_ns - produced_ns) / 1e6)
            if len(self.commit_times) >= self.expected:
                self.done.set()

    def result(self) -> PhaseResult:
        with self.lock:
            seconds = self.commit_times[-1] - self.commit_times[0] if len(self.commit_times) > 1 else 0.0
            return PhaseResult(len(self.commit_times), seconds, list(self.latencies_ms))


def one_kb_payload(seq: int, run: str, *, filler_chars: int | None = None) -> ChemicalRegistered:
    """A payload whose envelope (the Kafka message value) serializes to EVENT_BYTES."""
    payload = ChemicalRegistered(name=f"{run}-{seq:08d}", formula="HNO3", requested_by="bench")
    payload.synonyms.append("x" * (_filler_chars(run) if filler_chars is None else filler_chars))
    return payload


_filler_cache: dict[int, int] = {}


def _filler_chars(run: str) -> int:
    # Measure the envelope around a 200-char filler once per run-name length (the name is in the payload);
    # the overhead is constant for fillers of 128..16383 chars (two-byte length prefix).
    if len(run) not in _filler_cache:
        probe = build_envelope(SPEC, one_kb_payload(0, run, filler_chars=200), producer="bench")
        _filler_cache[len(run)] = EVENT_BYTES - (len(probe.SerializeToString()) - 200)
    return _filler_cache[len(run)]


def insert_effect(conn, contender: str, name: str) -> None:
    conn.execute(bench_effects.insert(), {"contender": contender, "event_name": name})


# ------------------------------------------------------------------------------------------ contenders


def run_ours(kafka: KafkaSettings, spec: TopicSpec, engine: Engine, clock: EffectClock) -> Callable[[], None]:
    """Start our EventConsumer; returns its stop function once its partitions are assigned."""

    def handler(ctx) -> None:
        insert_effect(ctx.connection, "ours", ctx.payload.name)

    envelopes: dict[tuple[int, int], EventEnvelope] = {}

    def handler_recording(ctx) -> None:
        handler(ctx)
        envelopes[(ctx.partition, ctx.offset)] = ctx.envelope

    def on_outcome(outcome: Outcome, record) -> None:
        # Called after the transaction (effect + ledger row) committed.
        if outcome is Outcome.PROCESSED:
            clock.record(envelopes.pop((record.partition, record.offset)))

    consumer = EventConsumer(
        kafka,
        f"bench-ours-{spec.name}",
        [spec],
        handler_recording,
        engine,
        service_name="bench",
        on_outcome=on_outcome,
    )
    consumer.run_in_thread()
    if not consumer.assigned_event.wait(60):
        raise RuntimeError("our consumer got no partitions within 60 s")
    return consumer.stop


def run_baseline(
    kafka: KafkaSettings, spec: TopicSpec, engine: Engine, clock: EffectClock
) -> Callable[[], None]:
    """Start a plain kafka-python consumer (auto-commit, no ledger) doing the same effect."""
    stop = threading.Event()
    assigned = threading.Event()

    def loop() -> None:
        consumer = KafkaConsumer(
            spec.name,
            bootstrap_servers=kafka.bootstrap_servers,
            group_id=f"bench-baseline-{spec.name}",
            enable_auto_commit=True,
            auto_offset_reset="earliest",
            max_poll_interval_ms=kafka.max_poll_interval_ms,
            session_timeout_ms=kafka.session_timeout_ms,
            heartbeat_interval_ms=kafka.heartbeat_interval_ms,
            max_poll_records=kafka.max_poll_records,
        )
        try:
            while not stop.is_set():
                batch = consumer.poll(timeout_ms=200)
                if consumer.assignment():
                    assigned.set()
                for records in batch.values():
                    for record in records:
                        envelope = EventEnvelope.FromString(record.value)
                        payload = ChemicalRegistered()
                        envelope.payload.Unpack(payload)
                        with engine.begin() as conn:
                            insert_effect(conn, "baseline", payload.name)
                        clock.record(envelope)
        finally:
            consumer.close()

    thread = threading.Thread(target=loop, name="bench-baseline", daemon=True)
    thread.start()
    if not assigned.wait(60):
        raise RuntimeError("baseline consumer got no partitions within 60 s")

    def stop_baseline() -> None:
        stop.set()
        thread.join(30)

    return stop_baseline


# ------------------------------------------------------------------------------------------ phases


def throughput_phase(start, kafka, spec, engine, publisher, events: int, run: str) -> PhaseResult:
    clock = EffectClock(events)
    # Publish the backlog before the consumer joins, so events/s measures consumption only.
    for first in range(0, events, 1000):
        batch = range(first, min(events, first + 1000))
        publisher.publish_many(spec, [OutgoingEvent(one_kb_payload(i, run)) for i in batch])
    stop = start(kafka, spec, engine, clock)
    try:
        if not clock.done.wait(600):
            raise RuntimeError(f"only {len(clock.commit_times)}/{events} effects within 600 s")
    finally:
        stop()
    return clock.result()


def latency_phase(start, kafka, spec, engine, publisher, events: int, rate: float, run: str) -> PhaseResult:
    clock = EffectClock(events)
    stop = start(kafka, spec, engine, clock)
    try:
        interval = 1.0 / rate
        next_send = time.monotonic()
        for i in range(events):
            next_send += interval
            publisher.publish(spec, one_kb_payload(i, run))
            time.sleep(max(0.0, next_send - time.monotonic()))
        if not clock.done.wait(120):
            raise RuntimeError(f"only {len(clock.commit_times)}/{events} effects within 120 s")
    finally:
        stop()
    return clock.result()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=5000, help="events in the throughput phase")
    parser.add_argument("--latency-events", type=int, default=1000, help="events in the latency phase")
    parser.add_argument(
        "--rate", type=float, default=250.0, help="publish rate (events/s) in the latency phase"
    )
    parser.add_argument(
        "--pg",
        metavar="ADMIN_URL",
        help="PostgreSQL URL of an existing database (e.g. .../postgres); the benchmark creates a scratch "
        "database beside it for ledger and effects and drops it afterwards (default: SQLite)",
    )
    args = parser.parse_args(argv)

    with contextlib.ExitStack() as scratch:
        pg_url = (
            scratch.enter_context(scratch_postgres_database(args.pg, "autochem_bench")) if args.pg else None
        )
        return _run(args, pg_url)


def _run(args: argparse.Namespace, pg_url: str | None) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="bench-bus-"))
    broker = TansuBroker(port=free_port(), log_path=workdir / "tansu.log").start()
    started = time.monotonic()
    try:
        # Short group timings: Tansu makes a joining member wait for the rebalance timeout.
        kafka = KafkaSettings(
            bootstrap_servers=broker.bootstrap_servers,
            max_poll_interval_ms=3000,
            session_timeout_ms=3000,
            heartbeat_interval_ms=500,
            max_poll_records=500,
        )
        results: dict[tuple[str, str], PhaseResult] = {}
        with EventPublisher(kafka, "bench") as publisher:
            for contender, start in (("baseline", run_baseline), ("ours", run_ours)):
                db_url = pg_url or f"sqlite:///{workdir / (contender + '.sqlite')}"
                engine = make_engine(db_url)
                metadata.create_all(engine)
                for phase in ("throughput", "latency"):
                    spec = dataclasses.replace(SPEC, name=f"bench.{contender}.{phase}", partitions=3)
                    ensure_topics(broker.bootstrap_servers, [spec])
                    run = f"{contender}-{phase}-{time.time_ns()}"
                    if phase == "throughput":
                        result = throughput_phase(start, kafka, spec, engine, publisher, args.events, run)
                    else:
                        result = latency_phase(
                            start, kafka, spec, engine, publisher, args.latency_events, args.rate, run
                        )
                    results[(contender, phase)] = result
                    print(f"  {contender:8s} {phase:10s} done: {result.events} events", file=sys.stderr)
                engine.dispose()
    finally:
        broker.stop()

    envelope_bytes = len(
        build_envelope(SPEC, one_kb_payload(0, "size"), producer="bench").SerializeToString()
    )
    ours_tp, base_tp = results[("ours", "throughput")], results[("baseline", "throughput")]
    ours_lat, base_lat = results[("ours", "latency")], results[("baseline", "latency")]
    db = "PostgreSQL" if args.pg else "SQLite"
    print()
    print(
        f"Event bus benchmark: {envelope_bytes}-byte events, Tansu broker (memory), effects in {db}, "
        f"wall {time.monotonic() - started:.0f}s"
    )
    print(
        f"throughput phase: {args.events} pre-published events; latency phase: {args.latency_events} events "
        f"at {args.rate:g}/s (latency = effect committed - produced_at)"
    )
    print()
    header = (
        f"{'metric':28s} {'ours (ledger, commit after effect)':>36s} {'baseline (auto-commit)':>24s} "
        f"{'ours/baseline':>14s}"
    )
    print(header)
    print("-" * len(header))
    rows = [
        ("throughput events/s", ours_tp.events_per_s, base_tp.events_per_s),
        ("latency p50 ms (paced)", ours_lat.percentile(0.50), base_lat.percentile(0.50)),
        ("latency p99 ms (paced)", ours_lat.percentile(0.99), base_lat.percentile(0.99)),
        ("latency p50 ms (backlog)", ours_tp.percentile(0.50), base_tp.percentile(0.50)),
        ("latency p99 ms (backlog)", ours_tp.percentile(0.99), base_tp.percentile(0.99)),
    ]
    for name, ours, base in rows:
        ratio = ours / base if base else float("nan")
        print(f"{name:28s} {ours:36.1f} {base:24.1f} {ratio:14.2f}")
    print()
    print("backlog latency includes time queued behind the pre-published events (it grows with --events).")
    if min(ours_tp.events, base_tp.events) < args.events:
        print("WARNING: not every event was counted", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
