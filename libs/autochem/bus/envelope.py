"""Build and parse the :class:`EventEnvelope` every Kafka message value carries (DESIGN.md §4)."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from google.protobuf.message import DecodeError, Message

from autochem.bus.topics import TopicSpec
from autochem.errors import InvalidArgument
from autochem.v1.events_pb2 import EventEnvelope

__all__ = ["ParsedEvent", "build_envelope", "default_idempotency_key", "parse_envelope"]


def default_idempotency_key(event_type: str, payload: Message) -> str:
    """A key derived from the event type and the payload's deterministic serialization.

    Publishing the same logical event twice (a producer retrying after a crash) yields the same key,
    so consumers apply it once. Callers whose events can legitimately repeat the same payload pass
    their own key (e.g. ``f"{run_id}:{step}"``).
    """
    digest = hashlib.sha256()
    digest.update(event_type.encode())
    digest.update(b"\x00")
    digest.update(payload.SerializeToString(deterministic=True))
    return f"{event_type}:{digest.hexdigest()}"


def build_envelope(
    spec: TopicSpec,
    payload: Message,
    *,
    producer: str,
    idempotency_key: str | None = None,
    event_id: str | None = None,
    produced_at: datetime | None = None,
) -> EventEnvelope:
    """Wrap ``payload`` for ``spec``'s topic. Raises ``InvalidArgument`` if the payload type is wrong."""
    if not isinstance(payload, spec.payload_type):
        raise InvalidArgument(
            "payload",
            f"topic {spec.name!r} carries {spec.payload_type_name}, got {type(payload).__name__}",
        )
    envelope = EventEnvelope(
        event_id=event_id or str(uuid.uuid4()),
        type=spec.event_type,
        schema_version=spec.schema_version,
        idempotency_key=idempotency_key or default_idempotency_key(spec.event_type, payload),
        producer=producer,
    )
    envelope.produced_at.FromDatetime(produced_at or datetime.now(UTC))
    envelope.payload.Pack(payload)
    return envelope


@dataclass(frozen=True)
class ParsedEvent:
    envelope: EventEnvelope
    payload: Message


def parse_envelope(value: bytes | None, spec: TopicSpec) -> ParsedEvent:
    """Parse and validate a message value read from ``spec``'s topic.

    Raises ``InvalidArgument`` naming the first thing that is wrong: bytes that are not an envelope,
    a missing event id or idempotency key, an event type that does not belong on this topic, an
    unsupported schema version, or a payload of another message type.
    """
    if not value:
        raise InvalidArgument("value", "empty message value; expected an EventEnvelope")
    envelope = EventEnvelope()
    try:
        envelope.ParseFromString(value)
    except DecodeError as exc:
        raise InvalidArgument("value", f"not a protobuf EventEnvelope: {exc}") from None
    # Arbitrary bytes sometimes decode as a protobuf with only unknown fields; the checks below catch that.
    try:
        uuid.UUID(envelope.event_id)
    except ValueError:
        raise InvalidArgument("event_id", f"not a UUID: {envelope.event_id[:64]!r}") from None
    if envelope.type != spec.event_type:
        raise InvalidArgument(
            "type", f"event type {envelope.type[:64]!r} does not belong on topic {spec.name!r} "
            f"(expected {spec.event_type!r})"
        )
    if not spec.accepts_schema_version(envelope.schema_version):
        raise InvalidArgument(
            "schema_version",
            f"unsupported schema version {envelope.schema_version} for {spec.event_type!r} "
            f"(supported: {sorted({spec.schema_version, *spec.compatible_schema_versions})})",
        )
    if not envelope.idempotency_key:
        raise InvalidArgument("idempotency_key", "missing")
    if not envelope.HasField("payload"):
        raise InvalidArgument("payload", "missing")
    payload = spec.payload_type()
    if not envelope.payload.Is(payload.DESCRIPTOR):
        raise InvalidArgument(
            "payload",
            f"payload is {envelope.payload.TypeName() or 'untyped'}, topic {spec.name!r} carries "
            f"{spec.payload_type_name}",
        )
    try:
        envelope.payload.Unpack(payload)
    except DecodeError as exc:
        raise InvalidArgument("payload", f"cannot decode {spec.payload_type_name}: {exc}") from None
    return ParsedEvent(envelope=envelope, payload=payload)
