"""Ledger (SQLite), retry/DLQ decisions, and the consumer's per-event semantics without a broker."""

from __future__ import annotations

import pytest
from kafka.consumer.fetcher import ConsumerRecord
from sqlalchemy import func, inspect, select

from autochem.bus.consumer import EventConsumer, Outcome
from autochem.bus.envelope import build_envelope
from autochem.bus.ledger import (
    OUTCOME_DEAD_LETTERED,
    already_processed,
    create_ledger,
    processed_events,
    record_event,
)
from autochem.bus.retry import FailureAction, backoff_s, decide_after_failure, is_retryable
from autochem.bus.topics import TOPICS
from autochem.config import KafkaSettings
from autochem.errors import FailedPrecondition, InvalidArgument, Unavailable
from autochem.storage.db import make_engine
from autochem.v1.events_pb2 import ChemicalRegistered, DeadLetter
from tests.support.bus_harness import effect_counts, effects_metadata, insert_effect_handler

SPEC = TOPICS["chemicals.registered"]


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    create_ledger(engine)
    effects_metadata.create_all(engine)
    yield engine
    engine.dispose()


def _record(conn, key, group="g", **kw):
    values = {"event_id": "e", "topic": "t", "partition": 0, "offset": 1} | kw
    return record_event(conn, consumer_group=group, idempotency_key=key, **values)


# ------------------------------------------------------------------------------------------- ledger


def test_ledger_table_shape_and_idempotent_creation(engine):
    create_ledger(engine)  # again: no error
    columns = {c["name"] for c in inspect(engine).get_columns("processed_events")}
    assert {
        "consumer_group",
        "idempotency_key",
        "event_id",
        "topic",
        "partition",
        "offset",
        "processed_at",
    } <= columns
    assert inspect(engine).get_pk_constraint("processed_events")["constrained_columns"] == [
        "consumer_group",
        "idempotency_key",
    ]


def test_ledger_records_once_per_group(engine):
    with engine.begin() as conn:
        assert _record(conn, "k1") is True
        assert _record(conn, "k1") is False  # redelivery
        assert _record(conn, "k1", group="other-group") is True  # another group has its own effect
        assert already_processed(conn, "g", "k1")
        assert not already_processed(conn, "g", "k2")


def test_ledger_row_rolls_back_with_the_transaction(engine):
    with engine.connect() as conn:
        transaction = conn.begin()
        assert _record(conn, "k1") is True
        transaction.rollback()
    with engine.begin() as conn:
        assert _record(conn, "k1") is True  # the failed attempt left nothing behind


# ------------------------------------------------------------------------------------------ decisions


@pytest.mark.parametrize(
    ("exc", "attempt", "expected"),
    [
        (RuntimeError("boom"), 1, FailureAction.RETRY),
        (RuntimeError("boom"), 2, FailureAction.RETRY),
        (RuntimeError("boom"), 3, FailureAction.DEAD_LETTER),
        (Unavailable("db down"), 1, FailureAction.RETRY),
        (InvalidArgument("name", "empty"), 1, FailureAction.DEAD_LETTER),
        (FailedPrecondition("no model"), 1, FailureAction.DEAD_LETTER),
    ],
)
def test_decide_after_failure(exc, attempt, expected):
    assert decide_after_failure(exc, attempt, max_attempts=3) is expected


def test_retryability_of_errors():
    assert is_retryable(TimeoutError()) and is_retryable(Unavailable("x"))
    assert not is_retryable(InvalidArgument("f", "bad"))


def test_backoff_doubles_and_is_capped():
    delays = [backoff_s(a, 100, jitter=0) for a in (1, 2, 3, 4)]
    assert delays == pytest.approx([0.1, 0.2, 0.4, 0.8])
    assert backoff_s(30, 100, cap_s=5, jitter=0) == 5
    assert 0.09 <= backoff_s(1, 100) <= 0.11


# ---------------------------------------------------------------------- per-event semantics (no broker)


class _Ack:
    def get(self, timeout=None):
        return None


class FakeDlqProducer:
    def __init__(self):
        self.sent = []

    def send(self, topic, value, key=None, headers=None):
        self.sent.append((topic, value, key, dict(headers or [])))
        return _Ack()


def _consumer(engine, handler, max_attempts=3):
    kafka = KafkaSettings(max_attempts=max_attempts, retry_backoff_ms=0)
    consumer = EventConsumer(kafka, "unit-group", [SPEC], handler, engine, service_name="unit")
    consumer._dlq_producer = FakeDlqProducer()
    return consumer


def _kafka_record(value, offset=7, partition=2):
    return ConsumerRecord(
        topic=SPEC.name,
        partition=partition,
        leader_epoch=-1,
        offset=offset,
        timestamp=0,
        timestamp_type=0,
        key=b"k",
        value=value,
        headers=[],
        checksum=None,
        serialized_key_size=1,
        serialized_value_size=len(value or b""),
        serialized_header_size=0,
    )


def _event_bytes(name="c1", **kw):
    return build_envelope(SPEC, ChemicalRegistered(name=name, **kw), producer="unit").SerializeToString()


def test_event_is_applied_once_and_redelivery_is_a_counted_duplicate(engine):
    consumer = _consumer(engine, insert_effect_handler("run"))
    record = _kafka_record(_event_bytes())
    assert consumer._process_record(SPEC, record) is Outcome.PROCESSED
    assert consumer._process_record(SPEC, record) is Outcome.DUPLICATE
    assert effect_counts(engine, "run") == (1, 1)
    assert (consumer.stats.processed, consumer.stats.duplicates) == (1, 1)


def test_transient_failure_is_retried_then_succeeds_with_attempt_numbers(engine):
    attempts = []
    insert = insert_effect_handler("run")

    def flaky(ctx):
        attempts.append(ctx.attempt)
        insert(ctx)  # written, then rolled back when we raise
        if ctx.attempt < 3:
            raise TimeoutError("transient")

    consumer = _consumer(engine, flaky)
    assert consumer._process_record(SPEC, _kafka_record(_event_bytes())) is Outcome.PROCESSED
    assert attempts == [1, 2, 3]
    assert effect_counts(engine, "run") == (1, 1)  # failed attempts left no effect
    assert consumer.stats.retries == 2
    assert consumer._dlq_producer.sent == []


def test_persistent_failure_goes_to_dlq_after_max_attempts_with_origin(engine):
    consumer = _consumer(engine, insert_effect_handler("run"), max_attempts=3)
    value = _event_bytes(formula="FAIL")
    assert consumer._process_record(SPEC, _kafka_record(value)) is Outcome.DEAD_LETTERED
    [(topic, dead_value, key, headers)] = consumer._dlq_producer.sent
    assert topic == "chemicals.registered.dlq" and key == b"k"
    assert headers["origin-topic"] == b"chemicals.registered"
    assert (headers["origin-partition"], headers["origin-offset"], headers["attempts"]) == (b"2", b"7", b"3")
    assert b"handler rejects" in headers["error"]
    letter = DeadLetter.FromString(dead_value)
    assert (letter.origin_partition, letter.origin_offset, letter.attempts) == (2, 7, 3)
    assert letter.original_value == value
    assert effect_counts(engine, "run") == (0, 0)
    # Redelivered after a crash: recorded as dead-lettered, so not sent twice.
    assert consumer._process_record(SPEC, _kafka_record(value)) is Outcome.DUPLICATE
    assert len(consumer._dlq_producer.sent) == 1
    with engine.connect() as conn:
        outcome = conn.execute(select(processed_events.c.outcome)).scalar_one()
    assert outcome == OUTCOME_DEAD_LETTERED


def test_non_retryable_error_goes_to_dlq_at_once(engine):
    calls = []

    def rejects(ctx):
        calls.append(ctx.attempt)
        raise InvalidArgument("name", "not a chemical")

    consumer = _consumer(engine, rejects, max_attempts=5)
    assert consumer._process_record(SPEC, _kafka_record(_event_bytes())) is Outcome.DEAD_LETTERED
    assert calls == [1]
    assert consumer._dlq_producer.sent[0][3]["attempts"] == b"1"


def test_unparseable_record_goes_to_dlq_without_calling_the_handler(engine):
    calls = []
    consumer = _consumer(engine, calls.append)
    garbage = b"\x00garbage\xff"
    assert consumer._process_record(SPEC, _kafka_record(garbage, offset=11)) is Outcome.DEAD_LETTERED
    assert calls == []
    headers = consumer._dlq_producer.sent[0][3]
    assert headers["attempts"] == b"0" and headers["origin-offset"] == b"11"
    assert b"InvalidArgument" in headers["error"]
    assert consumer._process_record(SPEC, _kafka_record(garbage, offset=11)) is Outcome.DUPLICATE


def test_handler_session_commits_with_the_ledger_row(engine):
    def via_session(ctx):
        ctx.session.execute(
            effects_metadata.tables["bus_test_effects"]
            .insert()
            .values(
                run_id="orm",
                idempotency_key=ctx.envelope.idempotency_key,
                event_name="x",
                partition=0,
                offset=0,
            )
        )

    consumer = _consumer(engine, via_session)
    assert consumer._process_record(SPEC, _kafka_record(_event_bytes())) is Outcome.PROCESSED
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(processed_events)).scalar_one() == 1
    assert effect_counts(engine, "orm") == (1, 1)


def test_a_new_publish_of_a_dead_lettered_event_is_processed_once_the_handler_is_fixed(engine):
    """Replaying from the DLQ (a new message with the same idempotency key) must not be a 'duplicate'."""
    broken = True

    def handler(ctx):
        if broken:
            raise InvalidArgument("name", "rejected by the old code")
        insert_effect_handler("run")(ctx)

    consumer = _consumer(engine, handler)
    first = _kafka_record(_event_bytes("replayed"), offset=1)
    assert consumer._process_record(SPEC, first) is Outcome.DEAD_LETTERED
    # The same message redelivered is still settled: no second dead letter.
    assert consumer._process_record(SPEC, first) is Outcome.DUPLICATE
    # Re-published while still broken: a new message, so a dead letter of its own.
    assert (
        consumer._process_record(SPEC, _kafka_record(_event_bytes("replayed"), offset=2))
        is Outcome.DEAD_LETTERED
    )
    assert len(consumer._dlq_producer.sent) == 2
    broken = False
    replay = _kafka_record(_event_bytes("replayed"), offset=3)
    assert consumer._process_record(SPEC, replay) is Outcome.PROCESSED
    assert consumer._process_record(SPEC, replay) is Outcome.DUPLICATE
    assert (
        consumer._process_record(SPEC, _kafka_record(_event_bytes("replayed"), offset=4)) is Outcome.DUPLICATE
    )
    assert effect_counts(engine, "run") == (1, 1)
    with engine.connect() as conn:
        assert conn.execute(select(processed_events.c.outcome)).scalar_one() == "processed"
