"""Shared pieces of the bus tests: unique topics, an effects table, consumer settings, waiting helpers."""

from __future__ import annotations

import dataclasses
import time
import uuid
from collections.abc import Callable

from kafka import KafkaConsumer, TopicPartition
from sqlalchemy import Column, DateTime, Engine, Integer, MetaData, String, Table, func, select

from autochem.bus.consumer import EventContext
from autochem.bus.topics import TOPICS, TopicSpec
from autochem.config import KafkaSettings
from autochem.v1.events_pb2 import ChemicalRegistered

effects_metadata = MetaData()

# One row per applied effect. Deliberately NO unique constraint on the event: a duplicate effect must
# show up as an extra row, not be hidden by the database.
effects = Table(
    "bus_test_effects",
    effects_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(64), nullable=False, index=True),
    Column("idempotency_key", String(512), nullable=False),
    Column("event_name", String(255), nullable=False),
    Column("partition", Integer, nullable=False),
    Column("offset", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), server_default=func.now()),
)


def unique_name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def unique_topic_spec(prefix: str, partitions: int = 3) -> TopicSpec:
    """A uniquely named topic carrying chemicals.registered events (same contract, own name)."""
    return dataclasses.replace(TOPICS["chemicals.registered"], name=unique_name(prefix), partitions=partitions)


def fast_kafka_settings(bootstrap_servers: str, **overrides) -> KafkaSettings:
    """Group timing short enough for tests on Tansu (joins wait for the rebalance timeout there)."""
    values = {
        "bootstrap_servers": bootstrap_servers,
        "max_poll_interval_ms": 3000,
        "session_timeout_ms": 3000,
        "heartbeat_interval_ms": 500,
        "retry_backoff_ms": 20,
        "max_attempts": 3,
    }
    values.update(overrides)
    return KafkaSettings(**values)


def chemical(seq: int, run_id: str = "", *, fail: bool = False) -> ChemicalRegistered:
    """Event number ``seq``; ``fail`` marks the one the test handler always rejects."""
    return ChemicalRegistered(
        name=f"chem-{run_id}-{seq:06d}", formula="FAIL" if fail else "H2O", requested_by=run_id
    )


def insert_effect_handler(run_id: str, *, fail_formula: str = "FAIL") -> Callable[[EventContext], None]:
    """A handler that writes one effects row per event in the consumer's transaction."""

    def handle(ctx: EventContext) -> None:
        if ctx.payload.formula == fail_formula:
            raise RuntimeError(f"handler rejects {ctx.payload.name}")
        row = {
            "run_id": run_id,
            "idempotency_key": ctx.envelope.idempotency_key,
            "event_name": ctx.payload.name,
            "partition": ctx.partition,
            "offset": ctx.offset,
        }
        ctx.connection.execute(effects.insert(), row)

    return handle


def effect_counts(engine: Engine, run_id: str) -> tuple[int, int]:
    """(rows, distinct events) in the effects table for ``run_id``."""
    with engine.connect() as conn:
        rows = conn.execute(select(func.count()).where(effects.c.run_id == run_id)).scalar_one()
        distinct = conn.execute(
            select(func.count(func.distinct(effects.c.event_name))).where(effects.c.run_id == run_id)
        ).scalar_one()
    return rows, distinct


def wait_until(predicate: Callable[[], bool], timeout_s: float, interval_s: float = 0.1, what: str = "") -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s}s waiting for {what or predicate}")
        time.sleep(interval_s)


def read_all(bootstrap_servers: str, topic: str, partitions: int, expected: int, timeout_s: float = 15.0):
    """Every record currently in ``topic`` (group-less reader from offset 0), waiting for ``expected`` of them."""
    reader = KafkaConsumer(bootstrap_servers=bootstrap_servers, group_id=None, enable_auto_commit=False)
    try:
        tps = [TopicPartition(topic, p) for p in range(partitions)]
        reader.assign(tps)
        reader.seek_to_beginning(*tps)
        records = []
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for batch in reader.poll(timeout_ms=200).values():
                records.extend(batch)
            if len(records) >= expected:
                # One more short poll: anything beyond ``expected`` is a bug the caller should see.
                for batch in reader.poll(timeout_ms=500).values():
                    records.extend(batch)
                break
        return records
    finally:
        reader.close(autocommit=False)
