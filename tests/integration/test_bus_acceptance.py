"""Measured acceptance of the event bus against the real Tansu broker and real PostgreSQL (DESIGN.md §4).

(a) crash safety: a consumer process SIGKILLed five times mid-stream loses nothing and applies nothing twice;
(b) poison events go to the DLQ with their origin and the consumer keeps going until its lag is 0;
(c) a handler slower than max.poll.interval.ms runs once per event and the group does not rebalance.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from kafka import KafkaProducer
from sqlalchemy import func, select

from autochem.bus.admin import consumer_lag
from autochem.bus.consumer import EventConsumer
from autochem.bus.ledger import processed_events
from autochem.bus.producer import EventPublisher, OutgoingEvent
from autochem.bus.topics import ensure_topics
from autochem.observability.tracing import configure_tracing
from autochem.storage.db import make_engine
from autochem.v1.events_pb2 import DeadLetter
from tests.support.bus_harness import (
    chemical,
    effect_counts,
    effects_metadata,
    fast_kafka_settings,
    insert_effect_handler,
    read_all,
    unique_name,
    unique_topic_spec,
    wait_until,
)

pytestmark = pytest.mark.integration
REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def pg_engine(pg_url):
    engine = make_engine(pg_url)
    effects_metadata.create_all(engine)
    yield engine
    engine.dispose()


def ledger_rows(engine, group: str) -> int:
    with engine.connect() as conn:
        query = select(func.count()).where(processed_events.c.consumer_group == group)
        return conn.execute(query).scalar_one()


def lag_is_zero(bootstrap: str, group: str, topic: str) -> bool:
    return sum(consumer_lag(bootstrap, group, topic).values()) == 0


# ---------------------------------------------------------------------------------------------- (a)


@pytest.mark.timeout(300)
def test_crash_safety_sigkill_five_times_no_loss_no_duplicate_effects(broker, pg_url, pg_engine, tmp_path):
    total = 10_000
    kill_points = [1_000, 3_000, 5_000, 7_000, 9_000]
    spec = unique_topic_spec("crash", partitions=3)
    group = unique_name("crash-group")
    run_id = unique_name("crash")
    ensure_topics(broker.bootstrap_servers, [spec])
    with EventPublisher(fast_kafka_settings(broker.bootstrap_servers), "bus-test") as publisher:
        publisher.publish_many(spec, [OutgoingEvent(chemical(i, run_id), key=str(i)) for i in range(total)])

    logs: list[Path] = []

    def start_consumer() -> subprocess.Popen:
        log_path = tmp_path / f"consumer-{len(logs)}.log"
        logs.append(log_path)
        command = [
            sys.executable, "-m", "tests.support.bus_consumer_proc",
            "--bootstrap", broker.bootstrap_servers, "--topic", spec.name, "--group", group,
            "--db-url", pg_url, "--run-id", run_id,
        ]
        with open(log_path, "wb") as out:
            return subprocess.Popen(command, cwd=REPO_ROOT, stdout=out, stderr=subprocess.STDOUT)

    started = time.monotonic()
    kills = []
    process = start_consumer()
    try:
        for kill_at in kill_points:
            wait_until(lambda kill_at=kill_at: effect_counts(pg_engine, run_id)[0] >= kill_at, 90, 0.05,
                       f"{kill_at} effects")
            process.send_signal(signal.SIGKILL)
            process.wait(10)
            kills.append(effect_counts(pg_engine, run_id)[0])
            process = start_consumer()
        wait_until(lambda: effect_counts(pg_engine, run_id)[1] >= total, 120, 0.2, "all effects")
        wait_until(lambda: lag_is_zero(broker.bootstrap_servers, group, spec.name), 30, 0.5, "committed lag 0")
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
    elapsed = time.monotonic() - started

    rows, distinct = effect_counts(pg_engine, run_id)
    outputs = [p.read_text(errors="replace") for p in logs]
    redeliveries = sum(line.startswith("duplicate ") for text in outputs for line in text.splitlines())
    print(
        f"\ncrash test: {total} events, SIGKILL at effects={kills}, {len(logs)} consumer processes, "
        f"{elapsed:.1f}s; effects rows={rows} distinct={distinct}; "
        f"redeliveries caught by the ledger={redeliveries}"
    )
    assert len(kills) == 5
    assert distinct == total, "events lost"
    assert rows == total, f"{rows - total} duplicate effects"
    assert ledger_rows(pg_engine, group) == total
    assert redeliveries >= 0
    assert "stopped" in outputs[-1], outputs[-1][-2000:]


# ---------------------------------------------------------------------------------------------- (b)


@pytest.mark.timeout(180)
def test_poison_events_go_to_dlq_with_origin_and_consumer_keeps_going(broker, pg_engine):
    configure_tracing("bus-tests")  # so trace context is injected and must reach the DLQ headers
    spec = unique_topic_spec("poison", partitions=3)
    group = unique_name("poison-group")
    run_id = unique_name("poison")
    ensure_topics(broker.bootstrap_servers, [spec])
    kafka = fast_kafka_settings(broker.bootstrap_servers)

    with EventPublisher(kafka, "bus-test") as publisher:
        publisher.publish_many(spec, [OutgoingEvent(chemical(i, run_id)) for i in range(500)])
        raw = KafkaProducer(bootstrap_servers=broker.bootstrap_servers, acks="all")
        garbage = b"\xff\xfe this is not an EventEnvelope \x00\x01"
        garbage_meta = raw.send(spec.name, value=garbage).get(10)
        raw.close()
        publisher.publish_many(spec, [OutgoingEvent(chemical(i, run_id)) for i in range(500, 750)])
        failing_partition, failing_offset = publisher.publish(spec, chemical(750, run_id, fail=True))
        publisher.publish_many(spec, [OutgoingEvent(chemical(i, run_id)) for i in range(751, 999)])

    consumer = EventConsumer(
        kafka, group, [spec], insert_effect_handler(run_id), pg_engine, service_name="bus-test"
    )
    consumer.run_in_thread()
    try:
        wait_until(lambda: effect_counts(pg_engine, run_id)[1] >= 998, 90, 0.2, "998 effects")
        wait_until(lambda: lag_is_zero(broker.bootstrap_servers, group, spec.name), 30, 0.5, "lag 0")
    finally:
        consumer.stop()

    rows, distinct = effect_counts(pg_engine, run_id)
    assert (rows, distinct) == (998, 998)
    assert consumer.stats.dead_lettered == 2
    assert consumer.stats.retries == kafka.max_attempts - 1
    dead = read_all(broker.bootstrap_servers, spec.dlq_name, spec.dlq_partitions, expected=2)
    assert len(dead) == 2, [r.headers for r in dead]
    by_origin = {}
    for record in dead:
        headers = dict(record.headers)
        letter = DeadLetter.FromString(record.value)
        origin = (headers["origin-topic"].decode(), int(headers["origin-partition"]), int(headers["origin-offset"]))
        assert origin == (letter.origin_topic, letter.origin_partition, letter.origin_offset)
        assert headers["error"].decode() == letter.error and letter.error
        assert int(headers["attempts"]) == letter.attempts
        by_origin[origin] = (headers, letter)

    headers, letter = by_origin[(spec.name, garbage_meta.partition, garbage_meta.offset)]
    assert letter.original_value == garbage
    assert letter.attempts == 0  # unparseable: never retried
    assert "InvalidArgument" in letter.error

    headers, letter = by_origin[(spec.name, failing_partition, failing_offset)]
    assert letter.attempts == kafka.max_attempts
    assert "handler rejects" in letter.error
    # The DLQ message continues the trace of the event that failed.
    everything = read_all(broker.bootstrap_servers, spec.name, spec.partitions, expected=1000)
    original = next(r for r in everything if (r.partition, r.offset) == (failing_partition, failing_offset))
    original_trace_id = dict(original.headers)["traceparent"].split(b"-")[1]
    assert headers["traceparent"].split(b"-")[1] == original_trace_id


# ---------------------------------------------------------------------------------------------- (c)


@pytest.mark.timeout(120)
def test_handler_slower_than_max_poll_interval_runs_once_without_rebalance(broker, pg_engine):
    max_poll_interval_ms = 1000  # the smallest KafkaSettings allows; Tansu accepts it
    handler_s = 2.0 * max_poll_interval_ms / 1000
    events = 4
    spec = unique_topic_spec("slow", partitions=2)
    group = unique_name("slow-group")
    run_id = unique_name("slow")
    ensure_topics(broker.bootstrap_servers, [spec])
    kafka = fast_kafka_settings(
        broker.bootstrap_servers, max_poll_interval_ms=max_poll_interval_ms, session_timeout_ms=3000
    )
    with EventPublisher(kafka, "bus-test") as publisher:
        publisher.publish_many(spec, [OutgoingEvent(chemical(i, run_id), key=str(i)) for i in range(events)])

    calls: list[str] = []
    calls_lock = threading.Lock()
    insert_effect = insert_effect_handler(run_id)

    def slow_handler(ctx):
        with calls_lock:
            calls.append(ctx.payload.name)
        time.sleep(handler_s)
        insert_effect(ctx)

    consumer = EventConsumer(kafka, group, [spec], slow_handler, pg_engine, service_name="bus-test")
    consumer.run_in_thread()
    try:
        wait_until(lambda: effect_counts(pg_engine, run_id)[1] >= events, 60, 0.2, "all slow effects")
        wait_until(lambda: lag_is_zero(broker.bootstrap_servers, group, spec.name), 20, 0.5, "lag 0")
        stats_while_running = consumer.stats
        rebalances, duplicates, commit_failures = (
            stats_while_running.rebalances, stats_while_running.duplicates, stats_while_running.commit_failures
        )
    finally:
        consumer.stop()

    assert effect_counts(pg_engine, run_id) == (events, events)
    assert sorted(calls) == sorted(set(calls)) and len(calls) == events, calls  # once per event
    assert rebalances == 0, "the group rebalanced the work away from the slow consumer"
    assert duplicates == 0
    assert commit_failures == 0
