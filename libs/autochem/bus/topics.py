"""Every topic of the pipeline, declared once: name, payload message, event type, schema version, layout.

Producers, consumers, the local stack and the Helm chart read these specs; nothing else spells a
topic name. Each topic has a dead-letter twin ``<name>.dlq`` that receives events whose handler
kept failing (see :mod:`autochem.bus.consumer`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from google.protobuf.message import Message
from kafka import KafkaAdminClient
from kafka.errors import TopicAlreadyExistsError

from autochem.errors import InvalidArgument, Unavailable
from autochem.v1 import events_pb2

log = logging.getLogger(__name__)

DAY_MS = 24 * 60 * 60 * 1000
DLQ_SUFFIX = ".dlq"


@dataclass(frozen=True)
class TopicSpec:
    """One topic and the contract of its messages.

    ``event_type`` is what ``EventEnvelope.type`` must say; it is kept separate from ``name`` so a
    test or a tenant can use a differently named topic (``dataclasses.replace(spec, name=...)``)
    carrying the same events. ``compatible_schema_versions`` lists older payload versions consumers
    still accept besides ``schema_version`` (the one producers write).
    """

    name: str
    payload_type: type[Message]
    event_type: str
    schema_version: int = 1
    partitions: int = 3
    retention_ms: int = 7 * DAY_MS
    dlq_partitions: int = 1
    dlq_retention_ms: int = 30 * DAY_MS
    compatible_schema_versions: frozenset[int] = field(default_factory=frozenset)

    @property
    def dlq_name(self) -> str:
        return f"{self.name}{DLQ_SUFFIX}"

    @property
    def payload_type_name(self) -> str:
        """Full protobuf name of the payload, e.g. ``autochem.v1.ChemicalRegistered``."""
        return self.payload_type.DESCRIPTOR.full_name

    def accepts_schema_version(self, version: int) -> bool:
        return version == self.schema_version or version in self.compatible_schema_versions


def _spec(name: str, payload_type: type[Message], **kwargs) -> TopicSpec:
    # On every pipeline topic the event type is the topic name (DESIGN.md §4).
    return TopicSpec(name=name, payload_type=payload_type, event_type=name, **kwargs)


_ALL_SPECS = (
    _spec("chemicals.registered", events_pb2.ChemicalRegistered),
    _spec("documents.harvested", events_pb2.DocumentsHarvested),
    _spec("kg.updated", events_pb2.KgUpdated),
    _spec("datasets.generated", events_pb2.DatasetsReady),
    _spec("datasets.scored", events_pb2.DatasetsReady),
    _spec("models.trained", events_pb2.ModelVersionReady),
    _spec("models.pruned", events_pb2.ModelVersionReady),
    # Every inference replica must see every promotion (hot swap), and promotions are rare: one partition
    # keeps them totally ordered.
    _spec("models.promoted", events_pb2.ModelVersionReady, partitions=1),
    _spec("designs.completed", events_pb2.DesignCompleted),
    _spec("validations.completed", events_pb2.ValidationCompleted),
)

TOPICS: dict[str, TopicSpec] = {spec.name: spec for spec in _ALL_SPECS}


def topic_spec(topic: TopicSpec | str) -> TopicSpec:
    """The spec itself, or the registered spec of that name (``InvalidArgument`` if unknown)."""
    if isinstance(topic, TopicSpec):
        return topic
    try:
        return TOPICS[topic]
    except KeyError:
        raise InvalidArgument("topic", f"unknown topic {topic!r}; known: {sorted(TOPICS)}") from None


def topic_definitions(specs: Iterable[TopicSpec], replication_factor: int = 1) -> dict[str, dict]:
    """Kafka topic definitions (each main topic and its DLQ) in ``KafkaAdminClient.create_topics`` form."""
    definitions: dict[str, dict] = {}
    for spec in specs:
        for name, partitions, retention_ms in (
            (spec.name, spec.partitions, spec.retention_ms),
            (spec.dlq_name, spec.dlq_partitions, spec.dlq_retention_ms),
        ):
            definitions[name] = {
                "num_partitions": partitions,
                "replication_factor": replication_factor,
                "configs": {"retention.ms": str(retention_ms)},
            }
    return definitions


def ensure_topics(
    bootstrap_servers: str,
    specs: Iterable[TopicSpec] | None = None,
    *,
    replication_factor: int = 1,
    **client_cfg,
) -> list[str]:
    """Create the topics of ``specs`` (default: all of :data:`TOPICS`) and their DLQs if missing.

    Idempotent and safe to race: existing topics are left as they are. Returns the names created now.
    ``client_cfg`` goes to ``KafkaAdminClient`` (client_id, security settings, ...).
    """
    wanted = topic_definitions(TOPICS.values() if specs is None else specs, replication_factor)
    admin = KafkaAdminClient(bootstrap_servers=bootstrap_servers, **client_cfg)
    try:
        existing = set(admin.list_topics())
        missing = {name: definition for name, definition in wanted.items() if name not in existing}
        if not missing:
            return []
        # raise_errors=False: another process may create some of them between list and create; that
        # answer (TOPIC_ALREADY_EXISTS) must not hide the topics this request did create.
        response = admin.create_topics(missing, raise_errors=False, wait_for_metadata=True)
        created: list[str] = []
        for result in response["topics"]:
            if result["error_code"] == 0:
                created.append(result["name"])
            elif result["error_code"] != TopicAlreadyExistsError.errno:
                raise Unavailable(
                    f"creating topic {result['name']!r} failed: error {result['error_code']} "
                    f"{result.get('error_message') or ''}".strip()
                )
        if created:
            log.info("created Kafka topics: %s", ", ".join(sorted(created)))
        return sorted(created)
    finally:
        admin.close()
