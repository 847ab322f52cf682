"""Event consumption with at-least-once delivery and exactly-once effect (DESIGN.md §4).

For each record, in order per partition:

1. Parse the envelope. A record that is not a valid envelope for its topic goes straight to
   ``<topic>.dlq``: retrying cannot fix bytes.
2. In ONE database transaction: insert the ledger row (consumer group, idempotency key); if it was
   already there this is a redelivery, counted and skipped. Otherwise call the handler with that
   transaction's connection, so its effects commit atomically with the ledger row.
3. Handler errors are retried with exponential backoff up to ``kafka.max_attempts``; non-retryable
   errors (``InvalidArgument`` ...) are not retried. Then the event is published to ``<topic>.dlq``
   (a ``DeadLetter`` with error and origin, the same facts in headers), the DLQ ack is awaited and the
   dead-lettering is recorded in the ledger so a redelivery does not dead-letter it twice.
4. Kafka offsets are committed only after the effects are durable: every ``commit_interval_s`` (between
   events, after a batch), on revocation and on stop. A crash in between redelivers events whose ledger
   rows exist: harmless.

Each poll batch is handled on a worker thread. If it runs longer than a fraction of
``max.poll.interval.ms``, the poll loop pauses the assigned partitions and keeps calling ``poll()``:
kafka-python enforces ``max.poll.interval.ms`` on the gap between poll calls, so a slow handler would
otherwise get the member evicted and its partitions handed to another member. Long work should still
follow DESIGN.md §4: record a job and return.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from enum import StrEnum

from google.protobuf.message import Message
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.consumer.fetcher import ConsumerRecord
from kafka.consumer.subscription_state import ConsumerRebalanceListener
from kafka.errors import CommitFailedError, KafkaError
from kafka.structs import OffsetAndMetadata
from opentelemetry import trace
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from autochem.bus.client_config import common_client_config, consumer_group_config
from autochem.bus.envelope import ParsedEvent, parse_envelope
from autochem.bus.ledger import (
    already_settled,
    claim_for_processing,
    create_ledger,
    record_dead_letter,
)
from autochem.bus.retry import FailureAction, backoff_s, decide_after_failure
from autochem.bus.topics import TopicSpec, topic_spec
from autochem.config import KafkaSettings
from autochem.errors import InvalidArgument
from autochem.observability.metrics import BUS_CONSUMED, BUS_HANDLER_LATENCY, BUS_LAG
from autochem.observability.tracing import extract_headers, inject_headers, tracer
from autochem.v1.events_pb2 import DeadLetter, EventEnvelope

log = logging.getLogger(__name__)
_tracer = tracer(__name__)

# Dead-letter headers (the same facts are in the DeadLetter value for consumers that ignore headers).
HEADER_ERROR = "error"
HEADER_ORIGIN_TOPIC = "origin-topic"
HEADER_ORIGIN_PARTITION = "origin-partition"
HEADER_ORIGIN_OFFSET = "origin-offset"
HEADER_ATTEMPTS = "attempts"
MAX_ERROR_CHARS = 2000


class Outcome(StrEnum):
    PROCESSED = "processed"
    DUPLICATE = "duplicate"  # ledger hit: a redelivery whose effect is already committed
    DEAD_LETTERED = "dead_lettered"
    ABORTED = "aborted"  # stop() interrupted retries; not committed, so it is redelivered later


@dataclass
class EventContext:
    """What a handler gets for one event.

    ``connection`` is inside the transaction that also inserts the ledger row: write the event's
    effects through it (or through :attr:`session`) and they commit together with the ledger row —
    do not commit or roll back yourself. ``attempt`` starts at 1.
    """

    envelope: EventEnvelope
    payload: Message
    topic: str
    partition: int
    offset: int
    key: bytes | None
    headers: list[tuple[str, bytes]]
    connection: Connection
    attempt: int
    consumer_group: str
    _session: Session | None = field(default=None, repr=False)

    @property
    def session(self) -> Session:
        """An ORM session joined to the same transaction (created on first use, flushed by the consumer)."""
        if self._session is None:
            # join_transaction_mode default ("conservative_savepoint") joins the outer transaction: a
            # session.commit() in the handler does not commit it, so effects stay atomic with the ledger row.
            self._session = Session(bind=self.connection)
        return self._session


Handler = Callable[[EventContext], None]
OutcomeObserver = Callable[[Outcome, ConsumerRecord], None]


@dataclass
class ConsumerStats:
    """Counters of this consumer instance (the Prometheus metrics have the same, labelled)."""

    processed: int = 0
    duplicates: int = 0
    dead_lettered: int = 0
    retries: int = 0
    rebalances: int = 0
    commit_failures: int = 0


class _InfrastructureError(Exception):
    """The ledger, the database commit or the DLQ failed: not the handler's fault, never dead-lettered."""


class _RebalanceListener(ConsumerRebalanceListener):
    # kafka-python calls these on its network thread: they must not block on the consumer's own I/O.
    def __init__(self, owner: EventConsumer) -> None:
        self._owner = owner

    def on_partitions_revoked(self, revoked):
        self._owner._partitions_revoked(set(revoked), commit=True)

    def on_partitions_lost(self, lost):
        # Evicted from the group: the commit would be rejected; the next owner's ledger check covers us.
        self._owner._partitions_revoked(set(lost), commit=False)

    def on_partitions_assigned(self, assigned):
        self._owner._partitions_assigned(set(assigned))


class EventConsumer:
    """Consumes ``topic_specs`` as ``group_id`` and applies ``handler`` to each event exactly once in effect.

    ``engine`` holds the ledger (created if missing) and is where the handler writes its effects.
    """

    def __init__(
        self,
        kafka: KafkaSettings,
        group_id: str,
        topic_specs: Sequence[TopicSpec | str],
        handler: Handler,
        engine: Engine,
        *,
        service_name: str,
        poll_timeout_ms: int = 500,
        commit_interval_s: float = 1.0,
        dlq_ack_timeout_s: float = 30.0,
        on_outcome: OutcomeObserver | None = None,
    ) -> None:
        if not topic_specs:
            raise InvalidArgument("topic_specs", "at least one topic is required")
        self.kafka = kafka
        self.group_id = group_id
        self.specs: dict[str, TopicSpec] = {s.name: s for s in (topic_spec(t) for t in topic_specs)}
        self.handler = handler
        self.engine = engine
        self.service_name = service_name
        self.poll_timeout_ms = poll_timeout_ms
        self.commit_interval_s = commit_interval_s
        self.dlq_ack_timeout_s = dlq_ack_timeout_s
        self.on_outcome = on_outcome
        self.stats = ConsumerStats()
        # While a handler runs, poll at least this often: well inside max.poll.interval.ms, and often
        # enough that a rebalance elsewhere in the group is answered promptly.
        self._keepalive_s = min(1.0, kafka.max_poll_interval_ms / 1000.0 / 4)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._consumer: KafkaConsumer | None = None
        self._dlq_producer: KafkaProducer | None = None
        self._offsets_lock = threading.Lock()
        self._pending_offsets: dict[TopicPartition, int] = {}  # next offset to commit, per partition
        self._revoked: set[TopicPartition] = set()  # revoked since the current batch was polled
        self._next_offsets: dict[TopicPartition, int] = {}  # next offset to process, for the lag gauge
        self._last_poll = 0.0
        self._last_commit = 0.0
        self.assigned_event = threading.Event()  # set once partitions are assigned (tests, readiness probes)
        create_ledger(engine)

    # ------------------------------------------------------------------ lifecycle

    def run(self) -> None:
        """Consume until :meth:`stop` is called. Blocks the calling thread."""
        self._consumer = KafkaConsumer(
            **common_client_config(self.kafka, self.service_name, "consumer"),
            **consumer_group_config(self.kafka),
            group_id=self.group_id,
        )
        self._dlq_producer = KafkaProducer(
            **common_client_config(self.kafka, self.service_name, "dlq-producer"), acks="all"
        )
        self._consumer.subscribe(topics=sorted(self.specs), listener=_RebalanceListener(self))
        worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"bus-handler-{self.group_id}")
        self._last_commit = time.monotonic()
        try:
            while not self._stop.is_set():
                with self._offsets_lock:
                    self._revoked.clear()
                batch = self._consumer.poll(timeout_ms=self.poll_timeout_ms)
                self._last_poll = time.monotonic()
                self._report_lag(batch)
                if batch:
                    self._await_keeping_membership(worker.submit(self._process_batch, batch))
                self._commit_if_due()
        finally:
            worker.shutdown(wait=True)
            self._commit_pending()
            self._consumer.close(autocommit=False)
            self._dlq_producer.close(timeout=10)
            log.info("consumer %s stopped: %s", self.group_id, self.stats)

    def run_in_thread(self) -> threading.Thread:
        """Start :meth:`run` on a daemon thread and return it."""
        self._thread = threading.Thread(
            target=self._run_logged, name=f"bus-consumer-{self.group_id}", daemon=True
        )
        self._thread.start()
        return self._thread

    def _run_logged(self) -> None:
        try:
            self.run()
        except Exception:
            log.exception("consumer %s crashed", self.group_id)
            raise

    def stop(self, timeout_s: float | None = 30.0) -> None:
        """Finish the current event, commit, leave the group, close. Idempotent.

        The rest of the current poll batch is left uncommitted and is delivered again later.
        """
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout_s)

    # ------------------------------------------------------------------ poll loop (consumer thread)

    def _await_keeping_membership(self, future: Future) -> None:
        """Wait for the worker; meanwhile poll with partitions paused so the group keeps us as a member.

        Offsets of events the worker has finished are committed here too, so a long batch or a slow
        handler does not hold back the commits of the events before it.
        """
        paused: set[TopicPartition] = set()
        try:
            while True:
                wait_s = max(0.0, self._last_poll + self._keepalive_s - time.monotonic())
                try:
                    future.result(timeout=wait_s)
                    return
                except FutureTimeout:
                    pass
                newly_assigned = self._consumer.assignment() - paused
                if newly_assigned:
                    self._consumer.pause(*newly_assigned)
                    paused |= newly_assigned
                records = self._consumer.poll(timeout_ms=50)
                self._last_poll = time.monotonic()
                # A rebalance inside that poll can assign partitions that were not paused yet; give their
                # records back by rewinding, they are fetched again after this batch.
                for tp, returned in records.items():
                    self._consumer.seek(tp, returned[0].offset)
                self._commit_if_due()
        finally:
            still_assigned = paused & self._consumer.assignment()
            if still_assigned:
                self._consumer.resume(*still_assigned)

    def _commit_if_due(self) -> None:
        # Offsets are committed at most every commit_interval_s, not per event or per small batch: the
        # effects are already durable, so a later commit only widens the (harmless) redelivery window, while
        # a synchronous commit per poll would put a broker round trip in front of every next event.
        if time.monotonic() - self._last_commit >= self.commit_interval_s:
            self._commit_pending()

    def _commit_pending(self) -> None:
        with self._offsets_lock:
            offsets = {tp: OffsetAndMetadata(offset, "", -1) for tp, offset in self._pending_offsets.items()}
            self._pending_offsets.clear()
        self._last_commit = time.monotonic()
        if not offsets or self._consumer is None:
            return
        try:
            self._consumer.commit(offsets)
        except CommitFailedError as exc:
            # The group rebalanced under us. The effects are durable and in the ledger, so whoever owns the
            # partitions now will skip these events as duplicates; nothing is lost.
            self.stats.commit_failures += 1
            log.warning("offset commit failed after a rebalance (redelivery is harmless): %s", exc)
        except KafkaError as exc:
            self.stats.commit_failures += 1
            log.warning("offset commit failed (redelivery is harmless): %s", exc)

    def _report_lag(self, batch: dict[TopicPartition, list[ConsumerRecord]]) -> None:
        for tp in self._consumer.assignment():
            records = batch.get(tp)
            # Records of this batch are not processed yet: lag counts from the first of them. Elsewhere it
            # counts from the last processed event (KafkaConsumer.position() would cost a round trip
            # through kafka-python's network thread per partition per poll).
            next_offset = records[0].offset if records else self._next_offsets.get(tp)
            if next_offset is not None:
                self._set_lag(tp, next_offset)

    def _set_lag(self, tp: TopicPartition, next_offset: int) -> None:
        self._next_offsets[tp] = next_offset
        # The high watermark from fetch responses is right on Tansu (its ListOffsets is not, see admin.py).
        high_watermark = self._consumer.highwater(tp)
        if high_watermark is not None:
            lag = max(0, high_watermark - next_offset)
            BUS_LAG.labels(tp.topic, self.group_id, str(tp.partition)).set(lag)

    # ------------------------------------------------------------------ one batch (worker thread)

    def _process_batch(self, batch: dict[TopicPartition, list[ConsumerRecord]]) -> None:
        # The whole poll batch runs on the worker: one thread hand-off per batch instead of per event
        # (hand-offs cost about a third of the throughput when they were per event).
        for tp, records in batch.items():
            spec = self.specs[tp.topic]
            for record in records:
                if self._stop.is_set():
                    return  # stop() finishes the current event only; the rest is redelivered later
                if tp in self._revoked:
                    # The partition went to another member during this batch; it resumes from our commit.
                    break
                if self._process_record(spec, record) is Outcome.ABORTED:
                    return
                with self._offsets_lock:
                    if tp not in self._revoked:
                        self._pending_offsets[tp] = record.offset + 1
                self._set_lag(tp, record.offset + 1)

    # ------------------------------------------------------------------ rebalance callbacks (network thread)

    def _partitions_revoked(self, revoked: set[TopicPartition], *, commit: bool) -> None:
        if not revoked:
            return  # the first join of an eager rebalance revokes nothing
        if not self._stop.is_set():  # leaving the group on stop() is not a rebalance worth counting
            self.stats.rebalances += 1
        with self._offsets_lock:
            self._revoked |= revoked
            offsets = {
                tp: OffsetAndMetadata(self._pending_offsets.pop(tp), "", -1)
                for tp in revoked
                if tp in self._pending_offsets
            }
        log.info("partitions revoked from %s: %s", self.group_id, sorted(map(tuple, revoked)))
        if commit and offsets and self._consumer is not None:
            # Asynchronous: a blocking commit here would wait on the network thread we are running on.
            # If it loses the race with the rejoin, the new owner redelivers and the ledger skips.
            try:
                self._consumer.commit_async(offsets)
            except KafkaError as exc:
                log.warning("commit on revocation failed (redelivery is harmless): %s", exc)

    def _partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        log.info("partitions assigned to %s: %s", self.group_id, sorted(map(tuple, assigned)))
        if assigned:
            self.assigned_event.set()

    # ------------------------------------------------------------------ one event (worker thread)

    def _process_record(self, spec: TopicSpec, record: ConsumerRecord) -> Outcome:
        parent = extract_headers(record.headers)
        with _tracer.start_as_current_span(
            f"{record.topic} process", context=parent, kind=trace.SpanKind.CONSUMER
        ) as span:
            span.set_attribute("messaging.system", "kafka")
            span.set_attribute("messaging.destination.name", record.topic)
            span.set_attribute("messaging.kafka.destination.partition", record.partition)
            span.set_attribute("messaging.kafka.message.offset", record.offset)
            span.set_attribute("messaging.consumer.group.name", self.group_id)
            try:
                parsed = parse_envelope(record.value, spec)
            except InvalidArgument as exc:
                outcome = self._dead_letter(spec, record, exc, attempts=0, parsed=None)
            else:
                span.set_attribute("messaging.message.id", parsed.envelope.event_id)
                outcome = self._apply_with_retries(spec, record, parsed)
            span.set_attribute("autochem.bus.outcome", outcome.value)
        self._count(outcome, record)
        return outcome

    def _apply_with_retries(self, spec: TopicSpec, record: ConsumerRecord, parsed: ParsedEvent) -> Outcome:
        attempt = 1
        infrastructure_failures = 0
        while True:
            try:
                return self._apply_once(record, parsed, attempt)
            except _InfrastructureError as exc:
                # Database or broker trouble says nothing about the event: retry without limit (and without
                # using up the event's attempts) rather than dead-letter good events during an outage.
                infrastructure_failures += 1
                log.warning("infrastructure failure on %s/%d@%d (try %d): %s", record.topic, record.partition,
                            record.offset, infrastructure_failures, exc.__cause__ or exc)
                if self._stop.wait(backoff_s(infrastructure_failures, self.kafka.retry_backoff_ms)):
                    return Outcome.ABORTED
            except Exception as exc:
                action = decide_after_failure(exc, attempt, self.kafka.max_attempts)
                if action is FailureAction.DEAD_LETTER:
                    log.warning("handler failed on %s/%d@%d after %d attempt(s), dead-lettering: %r",
                                record.topic, record.partition, record.offset, attempt, exc)
                    return self._dead_letter(spec, record, exc, attempts=attempt, parsed=parsed)
                self.stats.retries += 1
                BUS_CONSUMED.labels(record.topic, self.group_id, "retried").inc()
                log.info("handler failed on %s/%d@%d (attempt %d), retrying: %r",
                         record.topic, record.partition, record.offset, attempt, exc)
                if self._stop.wait(backoff_s(attempt, self.kafka.retry_backoff_ms)):
                    return Outcome.ABORTED
                attempt += 1

    def _apply_once(self, record: ConsumerRecord, parsed: ParsedEvent, attempt: int) -> Outcome:
        """One attempt: ledger row and handler effects in one transaction; handler errors propagate."""
        envelope = parsed.envelope
        try:
            conn = self.engine.connect()
        except Exception as exc:
            raise _InfrastructureError("cannot connect to the ledger database") from exc
        with conn:
            try:
                transaction = conn.begin()
                fresh = claim_for_processing(
                    conn,
                    consumer_group=self.group_id,
                    idempotency_key=envelope.idempotency_key,
                    event_id=envelope.event_id,
                    topic=record.topic,
                    partition=record.partition,
                    offset=record.offset,
                )
            except Exception as exc:
                raise _InfrastructureError("ledger insert failed") from exc
            if not fresh:
                transaction.rollback()
                return Outcome.DUPLICATE
            context = EventContext(
                envelope=envelope,
                payload=parsed.payload,
                topic=record.topic,
                partition=record.partition,
                offset=record.offset,
                key=record.key,
                headers=list(record.headers or []),
                connection=conn,
                attempt=attempt,
                consumer_group=self.group_id,
            )
            started = time.perf_counter()
            try:
                self.handler(context)
                if context._session is not None:
                    context._session.flush()
            except BaseException:
                transaction.rollback()
                raise
            finally:
                BUS_HANDLER_LATENCY.labels(record.topic, self.group_id).observe(time.perf_counter() - started)
                if context._session is not None:
                    context._session.close()
            try:
                transaction.commit()
            except Exception as exc:
                # The next attempt finds the ledger row if the commit did land after all.
                raise _InfrastructureError("commit of effects and ledger row failed") from exc
        return Outcome.PROCESSED

    def _dead_letter(
        self, spec: TopicSpec, record: ConsumerRecord, error: BaseException, *, attempts: int,
        parsed: ParsedEvent | None,
    ) -> Outcome:
        """Publish a DeadLetter to ``<topic>.dlq``, wait for its ack, record it in the ledger."""
        # Unparseable records have no idempotency key: their position identifies them.
        if parsed is not None:
            idempotency_key = parsed.envelope.idempotency_key
        else:
            idempotency_key = f"offset:{record.topic}/{record.partition}/{record.offset}"
        error_text = f"{type(error).__name__}: {error}"[:MAX_ERROR_CHARS]
        dead_letter = DeadLetter(
            error=error_text,
            origin_topic=record.topic,
            origin_partition=record.partition,
            origin_offset=record.offset,
            attempts=attempts,
            original_value=record.value or b"",
        )
        headers = [
            (HEADER_ERROR, error_text.encode()),
            (HEADER_ORIGIN_TOPIC, record.topic.encode()),
            (HEADER_ORIGIN_PARTITION, str(record.partition).encode()),
            (HEADER_ORIGIN_OFFSET, str(record.offset).encode()),
            (HEADER_ATTEMPTS, str(attempts).encode()),
            *inject_headers(),
        ]
        failures = 0
        while True:
            try:
                event_id = parsed.envelope.event_id if parsed else ""
                with self.engine.connect() as conn:
                    if already_settled(conn, self.group_id, idempotency_key, event_id):
                        return Outcome.DUPLICATE  # dead-lettered before a crash; do not send it twice
                future = self._dlq_producer.send(
                    spec.dlq_name, value=dead_letter.SerializeToString(), key=record.key, headers=headers
                )
                future.get(timeout=self.dlq_ack_timeout_s)
                with self.engine.begin() as conn:
                    record_dead_letter(
                        conn,
                        consumer_group=self.group_id,
                        idempotency_key=idempotency_key,
                        event_id=event_id,
                        topic=record.topic,
                        partition=record.partition,
                        offset=record.offset,
                    )
                return Outcome.DEAD_LETTERED
            except Exception as exc:
                # Never commit past an event that is neither processed nor safely in the DLQ.
                failures += 1
                log.warning("dead-lettering %s/%d@%d failed (try %d): %s", record.topic, record.partition,
                            record.offset, failures, exc)
                if self._stop.wait(backoff_s(failures, self.kafka.retry_backoff_ms)):
                    return Outcome.ABORTED

    def _count(self, outcome: Outcome, record: ConsumerRecord) -> None:
        if outcome is Outcome.PROCESSED:
            self.stats.processed += 1
        elif outcome is Outcome.DUPLICATE:
            self.stats.duplicates += 1
        elif outcome is Outcome.DEAD_LETTERED:
            self.stats.dead_lettered += 1
        if outcome is not Outcome.ABORTED:
            BUS_CONSUMED.labels(record.topic, self.group_id, outcome.value).inc()
        if self.on_outcome is not None:
            self.on_outcome(outcome, record)

