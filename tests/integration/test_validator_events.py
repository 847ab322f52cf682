"""dwsim-validator on the real broker: designs.completed → validate → report in the artifact store →
validations.completed; a redelivered event is validated once, a bad event goes to the DLQ."""

from __future__ import annotations

import dataclasses

import pytest

pytest.importorskip(
    "biosteam", reason="thermosteam/biosteam are installed with --no-deps (see pyproject.toml)"
)

from autochem.bus.consumer import EventConsumer
from autochem.bus.envelope import parse_envelope
from autochem.bus.producer import EventPublisher
from autochem.bus.topics import TOPICS, ensure_topics
from autochem.domain.design import ValidationReport, ValidationStatus
from autochem.domain.examples import reference_designs
from autochem.simulation.service import designs_completed_handler
from autochem.simulation.validator import default_validator
from autochem.storage import ArtifactStore, make_engine
from autochem.storage.artifacts import ArtifactRef
from autochem.v1 import events_pb2
from tests.support.bus_harness import fast_kafka_settings, read_all, unique_name, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.mark.timeout(300)
def test_designs_completed_to_validations_completed(broker, tmp_path):
    completed = dataclasses.replace(TOPICS["designs.completed"], name=unique_name("designs"), partitions=1)
    validated = dataclasses.replace(
        TOPICS["validations.completed"], name=unique_name("validations"), partitions=1
    )
    ensure_topics(broker.bootstrap_servers, [completed, validated])
    kafka = fast_kafka_settings(broker.bootstrap_servers)
    artifacts = ArtifactStore(f"file://{tmp_path}/artifacts")
    design = reference_designs()["nitric acid"]
    ref = artifacts.put_bytes(design.model_dump_json().encode(), "application/json")
    good = events_pb2.DesignCompleted(design_id=design.id, chemical=design.chemical, design=ref.to_proto())
    with EventPublisher(kafka, "designer-test") as publisher:
        publisher.publish(completed, good, key=design.id)
        publisher.publish(completed, good, key=design.id)  # redelivery: same idempotency key
        publisher.publish(completed, events_pb2.DesignCompleted(design_id="no-artifact"), key="x")
    validator = default_validator()
    validator.warm_up()
    out = EventPublisher(kafka, "dwsim-validator-test")
    handler = designs_completed_handler(
        validator,
        artifacts,
        lambda event, key: out.publish(validated, event, key=event.design_id, idempotency_key=key),
    )
    consumer = EventConsumer(
        kafka,
        unique_name("validator-group"),
        [completed],
        handler,
        make_engine(f"sqlite:///{tmp_path}/ledger.sqlite"),
        service_name="dwsim-validator-test",
    )
    consumer.run_in_thread()
    try:
        wait_until(
            lambda: consumer.stats.processed + consumer.stats.dead_lettered + consumer.stats.duplicates >= 3,
            240,
            0.2,
            "3 events settled",
        )
    finally:
        consumer.stop()
        out.close()
    assert consumer.stats.processed == 1 and consumer.stats.duplicates == 1
    assert consumer.stats.dead_lettered == 1
    dead = read_all(broker.bootstrap_servers, completed.dlq_name, completed.dlq_partitions, expected=1)
    assert "payload.design" in dict(dead[0].headers)["error"].decode()
    (record,) = read_all(broker.bootstrap_servers, validated.name, 1, expected=1)
    event = parse_envelope(record.value, validated).payload
    assert event.design_id == design.id and event.passed
    report = ValidationReport.model_validate_json(artifacts.get_bytes(ArtifactRef.from_proto(event.report)))
    assert report.status in (ValidationStatus.PASSED, ValidationStatus.PASSED_WITH_WARNINGS)
    assert abs(report.mass_balance_closure - 1) < 0.005
    assert len(report.loop_results) == len(design.pid.instrumentation.control_loops)
