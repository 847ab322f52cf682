"""The designer's memory: every request and every design version it produced (SQLite by default,
PostgreSQL by URL).

A design is stored as its JSON (the data model's own serializer) with the loop's record beside it
(rounds, notes, stage timings, assumptions), so ``GetDesign`` returns exactly what ``DesignProcess``
returned. Versions of one design id count up from 1.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime

from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    insert,
    select,
)

from autochem.designer.loop import DesignOutcome, DesignRound
from autochem.domain import Design
from autochem.errors import NotFound

memory_metadata = MetaData()

design_requests = Table(
    "designer_requests",
    memory_metadata,
    Column("request_id", String(128), primary_key=True),
    Column("chemical", String(200), nullable=False),
    Column("constraints_json", Text, nullable=False),
    Column("design_id", String(128), nullable=True),
    Column("status", String(32), nullable=False),  # running | done | failed
    Column("error", Text, nullable=True),
    Column("received_at", DateTime(timezone=True), nullable=False),
)

design_versions = Table(
    "designer_designs",
    memory_metadata,
    Column("design_id", String(128), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("chemical", String(200), nullable=False, index=True),
    Column("request_id", String(128), nullable=False),
    Column("design_json", Text, nullable=False),
    Column("record_json", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)


class DesignMemory:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        memory_metadata.create_all(engine)

    def record_request(self, request_id: str, chemical: str, constraints: dict) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                insert(design_requests).values(
                    request_id=request_id,
                    chemical=chemical,
                    constraints_json=json.dumps(constraints, default=str),
                    status="running",
                    received_at=datetime.now(UTC),
                )
            )

    def finish_request(
        self, request_id: str, *, design_id: str | None = None, error: str | None = None
    ) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                design_requests.update()
                .where(design_requests.c.request_id == request_id)
                .values(design_id=design_id, status="failed" if error else "done", error=error)
            )

    def save(self, outcome: DesignOutcome) -> int:
        """Store the outcome as the next version of its design id; returns the version."""
        record = {
            "rounds": [asdict(r) for r in outcome.rounds],
            "stage_seconds": outcome.stage_seconds,
            "notes": outcome.notes,
            "retrieval_used": outcome.retrieval_used,
            "validated": outcome.validated,
            "confidence": outcome.confidence,
            "assumptions": outcome.assumptions,
            "model_version": outcome.model_version,
        }
        with self.engine.begin() as conn:
            latest = conn.execute(
                select(func.max(design_versions.c.version)).where(
                    design_versions.c.design_id == outcome.design.id
                )
            ).scalar()
            version = (latest or 0) + 1
            conn.execute(
                insert(design_versions).values(
                    design_id=outcome.design.id,
                    version=version,
                    chemical=outcome.design.chemical,
                    request_id=outcome.request_id,
                    design_json=outcome.design.model_dump_json(),
                    record_json=json.dumps(record),
                    created_at=datetime.now(UTC),
                )
            )
        outcome.version = version
        return version

    def load(self, design_id: str, version: int = 0) -> DesignOutcome:
        query = select(design_versions).where(design_versions.c.design_id == design_id)
        query = (
            query.where(design_versions.c.version == version)
            if version
            else query.order_by(design_versions.c.version.desc()).limit(1)
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).mappings().first()
        if row is None:
            what = f"design {design_id!r}" + (f" version {version}" if version else "")
            raise NotFound(f"{what} is not in the designer's memory")
        record = json.loads(row["record_json"])
        return DesignOutcome(
            design=Design.model_validate_json(row["design_json"]),
            rounds=[DesignRound(**r) for r in record["rounds"]],
            stage_seconds=record["stage_seconds"],
            notes=record["notes"],
            retrieval_used=record["retrieval_used"],
            validated=record["validated"],
            confidence=record["confidence"],
            assumptions=record["assumptions"],
            request_id=row["request_id"],
            model_version=record.get("model_version", ""),
            version=row["version"],
        )

    def recent(self, chemical: str, limit: int = 5) -> list[tuple[str, int]]:
        """(design id, version) of the latest designs for a chemical, newest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(design_versions.c.design_id, design_versions.c.version)
                .where(func.lower(design_versions.c.chemical) == chemical.casefold())
                .order_by(design_versions.c.created_at.desc())
                .limit(limit)
            ).all()
        return [(r[0], r[1]) for r in rows]
