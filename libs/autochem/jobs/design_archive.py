"""Archive of completed designs, fed by the `designs.completed` topic.

The consumer fetches each announced design from the artifact store (its sha256 is verified), parses
it into the domain model, runs the referential validation and records one archive row in the same
transaction as the ledger row, so a redelivered event never archives twice.

``run_reference_round_trip`` is the end-to-end path `make run` drives until the design loop exists:
the hand-built nitric-acid reference design goes through the artifact store, the real broker and this
consumer, and the archived row is read back.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Column, DateTime, Engine, Integer, MetaData, String, Table, select

from autochem.bus.consumer import EventConsumer, EventContext, Outcome
from autochem.bus.producer import EventPublisher
from autochem.config import ServiceSettings
from autochem.domain import Design, design_from_proto, design_to_proto, validate_design
from autochem.domain.examples import nitric_acid_design
from autochem.errors import InvalidArgument
from autochem.storage import ArtifactRef, ArtifactStore, make_engine
from autochem.v1.events_pb2 import DesignCompleted

DESIGNS_COMPLETED = "designs.completed"
ARCHIVE_GROUP = "design-archive"

archive_metadata = MetaData()
# One row per version of a design: a revised design keeps its id and gets a new content digest.
design_archive = Table(
    "design_versions",
    archive_metadata,
    Column("design_id", String(128), primary_key=True),
    Column("sha256", String(64), primary_key=True),
    Column("chemical", String(200), nullable=False),
    Column("artifact_uri", String(1024), nullable=False),
    Column("units", Integer, nullable=False),
    Column("streams", Integer, nullable=False),
    Column("instruments", Integer, nullable=False),
    Column("control_loops", Integer, nullable=False),
    Column("validation_issues", Integer, nullable=False),
    Column("archived_at", DateTime(timezone=True), nullable=False),
)


def archive_handler(store: ArtifactStore) -> Callable[[EventContext], None]:
    """Handler for `designs.completed`: verify, parse, validate and archive the announced design."""

    def handle(ctx: EventContext) -> None:
        event: DesignCompleted = ctx.payload  # type: ignore[assignment]
        if not event.HasField("design"):
            raise InvalidArgument(
                "payload.design", "a designs.completed event must reference the design artifact"
            )
        ref = ArtifactRef.from_proto(event.design)
        design = Design.model_validate_json(store.get_bytes(ref))
        if design.id != event.design_id:
            raise InvalidArgument(
                "payload.design_id", f"{event.design_id!r} but the artifact holds {design.id!r}"
            )
        flowsheet = design.pfd.flowsheet if design.pfd else None
        instrumentation = design.pid.instrumentation if design.pid else None
        ctx.connection.execute(
            design_archive.insert().values(
                design_id=design.id,
                chemical=design.chemical,
                artifact_uri=ref.uri,
                sha256=ref.sha256,
                units=len(flowsheet.units) if flowsheet else 0,
                streams=len(flowsheet.streams) if flowsheet else 0,
                instruments=len(instrumentation.instruments) if instrumentation else 0,
                control_loops=len(instrumentation.control_loops) if instrumentation else 0,
                validation_issues=len(validate_design(design)),
                archived_at=datetime.now(UTC),
            )
        )

    return handle


@dataclass
class RoundTripReport:
    design_id: str
    chemical: str
    validation_issues: int
    proto_round_trip_lossless: bool
    artifact: ArtifactRef
    partition: int
    offset: int
    archived: dict
    seconds: float
    consumer_stats: str
    outcome: str


def run_reference_round_trip(
    settings: ServiceSettings, progress: Callable[[str], None] = print, timeout_s: float = 90.0
) -> RoundTripReport:
    """Send the reference design through store → broker → archive consumer and read the archive back."""
    started = time.monotonic()
    design = nitric_acid_design()
    issues = validate_design(design)
    progress(f"reference design '{design.chemical}': {len(issues)} validation issues")
    lossless = design_from_proto(design_to_proto(design)) == design
    store = ArtifactStore(settings.resolved_artifact_url())
    ref = store.put_bytes(design.model_dump_json(indent=2).encode(), "application/json")
    progress(f"stored design artifact {ref.uri} ({ref.size_bytes} bytes)")

    engine: Engine = make_engine(settings.resolved_database_url())
    archive_metadata.create_all(engine, checkfirst=True)
    handled: dict[tuple[int, int], Outcome] = {}
    handled_changed = threading.Condition()

    def observe(outcome: Outcome, record) -> None:
        with handled_changed:
            handled[(record.partition, record.offset)] = outcome
            handled_changed.notify_all()

    consumer = EventConsumer(
        settings.kafka,
        ARCHIVE_GROUP,
        [DESIGNS_COMPLETED],
        archive_handler(store),
        engine,
        service_name=settings.service_name,
        on_outcome=observe,
    )
    consumer.run_in_thread()
    try:
        with EventPublisher(settings.kafka, settings.service_name) as publisher:
            partition, offset = publisher.publish(
                DESIGNS_COMPLETED,
                DesignCompleted(design_id=design.id, chemical=design.chemical, design=ref.to_proto()),
                key=design.id,
                idempotency_key=f"design:{design.id}:{ref.sha256}",
            )
        progress(f"published designs.completed at partition {partition}, offset {offset}")
        # Wait for the consumer's verdict on this very record: a re-run publishes an event whose effect
        # is already archived, and the ledger turns it into a counted duplicate.
        with handled_changed:
            if not handled_changed.wait_for(lambda: (partition, offset) in handled, timeout=timeout_s):
                raise TimeoutError(f"designs.completed offset {offset} was not consumed within {timeout_s}s")
        outcome = handled[(partition, offset)]
        if outcome not in (Outcome.PROCESSED, Outcome.DUPLICATE):
            raise RuntimeError(f"the archive consumer {outcome} the design event; see its dead-letter topic")
        with engine.connect() as conn:
            row = (
                conn.execute(
                    select(design_archive).where(
                        design_archive.c.design_id == design.id, design_archive.c.sha256 == ref.sha256
                    )
                )
                .mappings()
                .one()
            )
        progress(f"archive consumer: {outcome}")
    finally:
        consumer.stop()
        engine.dispose()
    return RoundTripReport(
        design_id=design.id,
        chemical=design.chemical,
        validation_issues=len(issues),
        proto_round_trip_lossless=lossless,
        artifact=ref,
        partition=partition,
        offset=offset,
        archived=dict(row),
        seconds=time.monotonic() - started,
        consumer_stats=str(consumer.stats),
        outcome=str(outcome),
    )
