"""Topic registry and envelope contract: declared once, built and parsed strictly."""

from __future__ import annotations

import dataclasses
import uuid

import pytest
from google.protobuf import any_pb2

from autochem.bus.envelope import build_envelope, default_idempotency_key, parse_envelope
from autochem.bus.topics import TOPICS, TopicSpec, topic_definitions, topic_spec
from autochem.errors import InvalidArgument
from autochem.v1 import events_pb2

EXPECTED_PAYLOADS = {
    "chemicals.registered": events_pb2.ChemicalRegistered,
    "documents.harvested": events_pb2.DocumentsHarvested,
    "kg.updated": events_pb2.KgUpdated,
    "datasets.generated": events_pb2.DatasetsReady,
    "datasets.scored": events_pb2.DatasetsReady,
    "models.trained": events_pb2.ModelVersionReady,
    "models.pruned": events_pb2.ModelVersionReady,
    "models.promoted": events_pb2.ModelVersionReady,
    "designs.completed": events_pb2.DesignCompleted,
    "validations.completed": events_pb2.ValidationCompleted,
}

SPEC = TOPICS["chemicals.registered"]


def test_registry_declares_every_pipeline_topic_with_its_payload_and_dlq():
    assert {name: spec.payload_type for name, spec in TOPICS.items()} == EXPECTED_PAYLOADS
    for name, spec in TOPICS.items():
        assert spec.name == name == spec.event_type
        assert spec.dlq_name == f"{name}.dlq"
        assert spec.schema_version >= 1 and spec.partitions >= 1 and spec.retention_ms > 0


def test_topic_definitions_include_dlqs_with_retention():
    definitions = topic_definitions(TOPICS.values())
    assert len(definitions) == 2 * len(TOPICS)
    for spec in TOPICS.values():
        assert definitions[spec.name]["num_partitions"] == spec.partitions
        assert definitions[spec.dlq_name]["num_partitions"] == spec.dlq_partitions
        assert definitions[spec.name]["configs"]["retention.ms"] == str(spec.retention_ms)


def test_topic_spec_lookup():
    assert topic_spec("kg.updated") is TOPICS["kg.updated"]
    assert topic_spec(SPEC) is SPEC
    with pytest.raises(InvalidArgument, match="unknown topic"):
        topic_spec("no.such.topic")


def test_envelope_round_trip():
    payload = events_pb2.ChemicalRegistered(name="nitric acid", formula="HNO3")
    envelope = build_envelope(SPEC, payload, producer="web-agents")
    parsed = parse_envelope(envelope.SerializeToString(), SPEC)
    assert parsed.payload == payload
    assert isinstance(parsed.payload, events_pb2.ChemicalRegistered)
    assert uuid.UUID(parsed.envelope.event_id)
    assert parsed.envelope.type == "chemicals.registered"
    assert parsed.envelope.schema_version == SPEC.schema_version
    assert parsed.envelope.producer == "web-agents"
    assert parsed.envelope.produced_at.seconds > 0
    assert parsed.envelope.idempotency_key == default_idempotency_key(SPEC.event_type, payload)


def test_default_idempotency_key_is_deterministic_and_caller_key_wins():
    a = events_pb2.ChemicalRegistered(name="a")
    first = build_envelope(SPEC, a, producer="p")
    again = build_envelope(SPEC, events_pb2.ChemicalRegistered(name="a"), producer="p")
    other = build_envelope(SPEC, events_pb2.ChemicalRegistered(name="b"), producer="p")
    assert first.idempotency_key == again.idempotency_key != other.idempotency_key
    assert first.event_id != again.event_id  # same logical event, two publishes
    assert build_envelope(SPEC, a, producer="p", idempotency_key="run-7:step-3").idempotency_key == "run-7:step-3"


def test_build_rejects_wrong_payload_type():
    with pytest.raises(InvalidArgument, match=r"carries autochem\.v1\.ChemicalRegistered") as info:
        build_envelope(SPEC, events_pb2.KgUpdated(chemical="x"), producer="p")
    assert info.value.field == "payload"


def _valid_envelope():
    return build_envelope(SPEC, events_pb2.ChemicalRegistered(name="x"), producer="p")


@pytest.mark.parametrize(
    ("mutate", "field", "message"),
    [
        (lambda e: None, None, None),
        (lambda e: setattr(e, "event_id", "not-a-uuid"), "event_id", "not a UUID"),
        (lambda e: setattr(e, "type", "kg.updated"), "type", "does not belong on topic"),
        (lambda e: setattr(e, "schema_version", 99), "schema_version", "unsupported schema version 99"),
        (lambda e: setattr(e, "idempotency_key", ""), "idempotency_key", "missing"),
        (lambda e: e.ClearField("payload"), "payload", "missing"),
        (lambda e: e.payload.Pack(events_pb2.KgUpdated(chemical="x")), "payload", "payload is autochem.v1.KgUpdated"),
    ],
)
def test_parse_names_what_is_wrong(mutate, field, message):
    envelope = _valid_envelope()
    mutate(envelope)
    if field is None:
        parse_envelope(envelope.SerializeToString(), SPEC)
        return
    with pytest.raises(InvalidArgument, match=message) as info:
        parse_envelope(envelope.SerializeToString(), SPEC)
    assert info.value.field == field


@pytest.mark.parametrize("value", [None, b"", b"\xff\xfe not protobuf \x00", b"plain text", b"\x08\x96\x01"])
def test_parse_rejects_bytes_that_are_not_an_envelope(value):
    with pytest.raises(InvalidArgument):
        parse_envelope(value, SPEC)


def test_parse_rejects_undecodable_payload_bytes():
    envelope = _valid_envelope()
    envelope.payload.CopyFrom(any_pb2.Any(type_url=envelope.payload.type_url, value=b"\xff\xff\xff"))
    with pytest.raises(InvalidArgument, match="cannot decode") as info:
        parse_envelope(envelope.SerializeToString(), SPEC)
    assert info.value.field == "payload"


def test_compatible_schema_versions_are_accepted():
    v2 = dataclasses.replace(SPEC, schema_version=2, compatible_schema_versions=frozenset({1}))
    old = _valid_envelope()  # written at version 1
    assert parse_envelope(old.SerializeToString(), v2).payload.name == "x"
    strict_v2 = dataclasses.replace(SPEC, schema_version=2)
    with pytest.raises(InvalidArgument, match="supported: \\[2\\]"):
        parse_envelope(old.SerializeToString(), strict_v2)


def test_renamed_spec_keeps_event_contract():
    renamed = dataclasses.replace(SPEC, name="tenant-a.chemicals")
    assert isinstance(renamed, TopicSpec)
    assert renamed.dlq_name == "tenant-a.chemicals.dlq"
    envelope = build_envelope(renamed, events_pb2.ChemicalRegistered(name="x"), producer="p")
    assert parse_envelope(envelope.SerializeToString(), SPEC).envelope.type == "chemicals.registered"
