"""The processed-event ledger: which (consumer group, idempotency key) pairs already had their effect.

A consumer inserts the ledger row in the same database transaction as the handler's effects, so
"effect applied" and "event recorded" commit together or not at all. A redelivered event then finds
its row and is skipped: at-least-once delivery, exactly-once effect. Works on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    bindparam,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from autochem.errors import FailedPrecondition

ledger_metadata = MetaData()

processed_events = Table(
    "processed_events",
    ledger_metadata,
    Column("consumer_group", String(255), primary_key=True),
    Column("idempotency_key", String(512), primary_key=True),
    Column("event_id", String(64), nullable=False),
    Column("topic", String(255), nullable=False),
    Column("partition", Integer, nullable=False),
    Column("offset", BigInteger, nullable=False),
    # processed, or dead_lettered: a dead-lettered event is recorded too, so its redelivery does not
    # produce a second dead letter.
    Column("outcome", String(16), nullable=False, server_default="processed"),
    Column("processed_at", DateTime(timezone=True), nullable=False),
)

OUTCOME_PROCESSED = "processed"
OUTCOME_DEAD_LETTERED = "dead_lettered"


def create_ledger(engine: Engine) -> None:
    """Create the ledger table if it is missing (idempotent)."""
    ledger_metadata.create_all(engine, checkfirst=True)


def record_event(
    conn: Connection,
    *,
    consumer_group: str,
    idempotency_key: str,
    event_id: str,
    topic: str,
    partition: int,
    offset: int,
    outcome: str = OUTCOME_PROCESSED,
) -> bool:
    """Insert the ledger row inside the caller's transaction; False if the group already had this event.

    This is one ``INSERT ... ON CONFLICT DO NOTHING`` (PostgreSQL, SQLite): when two consumers race
    on the same key (a rebalance moved the partition mid-event), PostgreSQL makes the second wait for the
    first transaction and then reports the conflict, so exactly one of them applies the effect.
    """
    row = {
        "consumer_group": consumer_group,
        "idempotency_key": idempotency_key,
        "event_id": event_id,
        "topic": topic,
        "partition": partition,
        "offset": offset,
        "outcome": outcome,
        "processed_at": datetime.now(UTC),
    }
    return conn.execute(_insert_statement(conn.dialect.name), row).first() is not None


def claim_for_processing(
    conn: Connection,
    *,
    consumer_group: str,
    idempotency_key: str,
    event_id: str,
    topic: str,
    partition: int,
    offset: int,
) -> bool:
    """Like :func:`record_event` (outcome processed), but an event that was dead-lettered may be claimed
    again by a *new* publish of it (a replay from the DLQ after a fix, a re-publish by its producer): the
    dead-letter row becomes this event's processed row. A redelivery of the very message that was
    dead-lettered (same event id) is still a duplicate, so it is not dead-lettered twice.
    """
    if record_event(
        conn,
        consumer_group=consumer_group,
        idempotency_key=idempotency_key,
        event_id=event_id,
        topic=topic,
        partition=partition,
        offset=offset,
    ):
        return True
    reclaimed = conn.execute(
        update(processed_events)
        .where(
            processed_events.c.consumer_group == consumer_group,
            processed_events.c.idempotency_key == idempotency_key,
            processed_events.c.outcome == OUTCOME_DEAD_LETTERED,
            processed_events.c.event_id != event_id,
        )
        .values(
            event_id=event_id,
            topic=topic,
            partition=partition,
            offset=offset,
            outcome=OUTCOME_PROCESSED,
            processed_at=datetime.now(UTC),
        )
        .returning(processed_events.c.idempotency_key)
    ).first()
    return reclaimed is not None


_INSERT_IF_ABSENT = {
    # One INSERT ... ON CONFLICT DO NOTHING where the dialect has it. RETURNING, not rowcount, tells
    # whether the row is new: SQLAlchemy 2 does not promise an INSERT rowcount on every driver.
    name: dialect_insert(processed_events)
    .on_conflict_do_nothing()
    .returning(processed_events.c.idempotency_key)
    for name, dialect_insert in (("postgresql", postgresql.insert), ("sqlite", sqlite.insert))
}


def _insert_statement(dialect: str):
    # Built once: constructing and cache-keying a statement per event costs more than the insert on SQLite.
    try:
        return _INSERT_IF_ABSENT[dialect]
    except KeyError:
        raise FailedPrecondition(
            f"the processed-event ledger needs INSERT ... ON CONFLICT (PostgreSQL, SQLite), not {dialect!r}"
        ) from None


_SELECT_PROCESSED = select(processed_events.c.event_id).where(
    and_(
        processed_events.c.consumer_group == bindparam("consumer_group"),
        processed_events.c.idempotency_key == bindparam("idempotency_key"),
    )
)


def already_processed(conn: Connection, consumer_group: str, idempotency_key: str) -> bool:
    params = {"consumer_group": consumer_group, "idempotency_key": idempotency_key}
    return conn.execute(_SELECT_PROCESSED, params).first() is not None


def already_settled(conn: Connection, consumer_group: str, idempotency_key: str, event_id: str) -> bool:
    """True when the key was processed, or when this very message (event id) was already dead-lettered.

    A new publish of an event that was dead-lettered earlier is not settled: if it fails again it gets a
    dead letter of its own (see :func:`claim_for_processing` for the success path).
    """
    row = conn.execute(
        select(processed_events.c.outcome, processed_events.c.event_id).where(
            processed_events.c.consumer_group == consumer_group,
            processed_events.c.idempotency_key == idempotency_key,
        )
    ).first()
    return row is not None and (row.outcome == OUTCOME_PROCESSED or row.event_id == event_id)


def record_dead_letter(
    conn: Connection,
    *,
    consumer_group: str,
    idempotency_key: str,
    event_id: str,
    topic: str,
    partition: int,
    offset: int,
) -> None:
    """Record that this message went to the DLQ (replacing an older dead letter of the same key)."""
    values = {"event_id": event_id, "topic": topic, "partition": partition, "offset": offset}
    if record_event(
        conn,
        consumer_group=consumer_group,
        idempotency_key=idempotency_key,
        outcome=OUTCOME_DEAD_LETTERED,
        **values,
    ):
        return
    conn.execute(
        update(processed_events)
        .where(
            processed_events.c.consumer_group == consumer_group,
            processed_events.c.idempotency_key == idempotency_key,
            processed_events.c.outcome == OUTCOME_DEAD_LETTERED,
        )
        .values(processed_at=datetime.now(UTC), **values)
    )
