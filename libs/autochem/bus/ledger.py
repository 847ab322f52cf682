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
)
from sqlalchemy.dialects import postgresql, sqlite

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


_INSERT_IF_ABSENT = {
    # One INSERT ... ON CONFLICT DO NOTHING where the dialect has it. RETURNING, not rowcount, tells
    # whether the row is new: SQLAlchemy 2 does not promise an INSERT rowcount on every driver.
    name: dialect_insert(processed_events).on_conflict_do_nothing().returning(processed_events.c.idempotency_key)
    for name, dialect_insert in (("postgresql", postgresql.insert), ("sqlite", sqlite.insert))
}


def _insert_statement(dialect: str):
    # Built once: constructing and cache-keying a statement per event costs more than the insert on SQLite.
    try:
        return _INSERT_IF_ABSENT[dialect]
    except KeyError:
        raise NotImplementedError(
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
