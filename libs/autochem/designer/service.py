"""designer: the gRPC servicer (proto <-> domain) and what happens to a finished design (memory, artifact
store, `designs.completed`).

``DesignProcess`` and ``DesignProcessStream`` run the same loop; the stream sends one update per stage
and the whole response last. A finished design is stored in the memory (a new version of its id), its
JSON written to the artifact store and announced on `designs.completed` (reference and sha256 only).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import asdict

from autochem.designer.loop import (
    DesignConstraints,
    DesignLoop,
    DesignOutcome,
    StageUpdate,
    check_chemical,
    check_constraints,
)
from autochem.designer.memory import DesignMemory
from autochem.domain import design_to_proto
from autochem.errors import FailedPrecondition, InvalidArgument
from autochem.storage import ArtifactStore
from autochem.v1 import critique_pb2, designer_pb2, designer_pb2_grpc, events_pb2

log = logging.getLogger(__name__)

JSON_MEDIA_TYPE = "application/json"
# Mass-flow units accepted for the production rate, as t/d.
_T_PER_DAY = {
    "t/d": 1.0,
    "t/day": 1.0,
    "tpd": 1.0,
    "kg/h": 0.024,
    "t/h": 24.0,
    "kt/y": 1000 / 365.25,
    "t/y": 1 / 365.25,
}


def constraints_from_proto(c: designer_pb2.DesignConstraints) -> DesignConstraints:
    rate = None
    if c.HasField("production_rate"):
        unit = c.production_rate.unit.strip().casefold()
        if unit not in _T_PER_DAY:
            raise InvalidArgument(
                "constraints.production_rate.unit", f"{unit[:20]!r} is not one of {sorted(_T_PER_DAY)}"
            )
        rate = c.production_rate.value * _T_PER_DAY[unit]
        if not rate > 0:
            raise InvalidArgument("constraints.production_rate.value", "must be positive")
    if c.max_new_tokens < 0:
        raise InvalidArgument("constraints.max_new_tokens", "must be 0 (default) or in 32..1024")
    return DesignConstraints(
        production_t_per_day=rate,
        focus=c.focus,
        max_critique_rounds=c.max_critique_rounds if c.HasField("max_critique_rounds") else None,
        max_validation_rounds=c.max_validation_rounds if c.HasField("max_validation_rounds") else None,
        skip_retrieval=c.skip_retrieval,
        test_time_scaling=c.test_time_scaling,
        llm_critique=c.llm_critique,
        max_new_tokens=c.max_new_tokens or None,
    )


def outcome_to_proto(outcome: DesignOutcome) -> designer_pb2.DesignResponse:
    return designer_pb2.DesignResponse(
        design=design_to_proto(outcome.design),
        rounds=[
            designer_pb2.DesignRound(
                round=r.round,
                stage=r.stage,
                counts=critique_pb2.IssueCounts(
                    info=r.counts.get("info", 0),
                    warning=r.counts.get("warning", 0),
                    error=r.counts.get("error", 0),
                    blocking=r.counts.get("blocking", 0),
                ),
                scores=r.scores,
                fixed=r.fixed,
                status=r.status,
            )
            for r in outcome.rounds
        ],
        stage_seconds=outcome.stage_seconds,
        notes=outcome.notes,
        retrieval_used=outcome.retrieval_used,
        validated=outcome.validated,
        confidence=outcome.confidence,
        assumptions=outcome.assumptions,
        version=outcome.version,
        request_id=outcome.request_id,
        model_version=outcome.model_version,
    )


class DesignerServicer(designer_pb2_grpc.DesignerServicer):
    """``loop`` may be attached after the server starts (clients connect in the ready hook)."""

    def __init__(
        self,
        loop: DesignLoop | None,
        memory: DesignMemory,
        *,
        store: ArtifactStore | None = None,
        publish: Callable[[events_pb2.DesignCompleted], object] | None = None,
    ) -> None:
        self._loop = loop
        self.memory = memory
        self.store = store
        self.publish = publish

    def attach(self, loop: DesignLoop) -> None:
        self._loop = loop

    @property
    def loop(self) -> DesignLoop:
        if self._loop is None:
            raise FailedPrecondition("the designer is still starting")
        return self._loop

    async def run(
        self, request: designer_pb2.DesignRequest, progress: Callable[[StageUpdate], None] | None = None
    ) -> DesignOutcome:
        loop = self.loop
        chemical = check_chemical(request.chemical)
        constraints = check_constraints(constraints_from_proto(request.constraints))
        if len(request.request_id) > 128:
            raise InvalidArgument("request_id", "at most 128 characters")
        request_id = request.request_id or uuid.uuid4().hex
        await asyncio.to_thread(self.memory.record_request, request_id, chemical, asdict(constraints))
        try:
            outcome = await loop.design(chemical, constraints, progress, request_id=request_id)
        except Exception as exc:
            await asyncio.to_thread(
                self.memory.finish_request, request_id, error=f"{type(exc).__name__}: {exc}"[:2000]
            )
            raise
        await asyncio.to_thread(self._finish, outcome)
        return outcome

    def _finish(self, outcome: DesignOutcome) -> None:
        self.memory.save(outcome)
        self.memory.finish_request(outcome.request_id, design_id=outcome.design.id)
        if self.store is not None and self.publish is not None:
            ref = self.store.put_bytes(outcome.design.model_dump_json().encode("utf-8"), JSON_MEDIA_TYPE)
            try:
                self.publish(
                    events_pb2.DesignCompleted(
                        design_id=outcome.design.id, chemical=outcome.design.chemical, design=ref.to_proto()
                    )
                )
            except Exception as exc:  # the design is stored; the announcement is retried by nobody: say so
                log.error("designs.completed not published for %s: %s", outcome.design.id, exc)
                outcome.notes.append(f"designs.completed not published: {exc}")

    async def DesignProcess(self, request, context) -> designer_pb2.DesignResponse:
        return outcome_to_proto(await self.run(request))

    async def DesignProcessStream(self, request, context) -> AsyncIterator[designer_pb2.DesignUpdate]:
        queue: asyncio.Queue = asyncio.Queue()

        def progress(update: StageUpdate) -> None:
            queue.put_nowait(update)

        task = asyncio.ensure_future(self.run(request, progress))
        try:
            while True:
                getter = asyncio.ensure_future(queue.get())
                done, _ = await asyncio.wait({getter, task}, return_when=asyncio.FIRST_COMPLETED)
                if getter in done:
                    u = getter.result()
                    yield designer_pb2.DesignUpdate(
                        stage=u.stage, message=u.message, fraction=u.fraction, elapsed_s=u.elapsed_s
                    )
                    continue
                getter.cancel()
                while not queue.empty():
                    u = queue.get_nowait()
                    yield designer_pb2.DesignUpdate(
                        stage=u.stage, message=u.message, fraction=u.fraction, elapsed_s=u.elapsed_s
                    )
                outcome = task.result()  # raises the loop's error (mapped by the error interceptor)
                yield designer_pb2.DesignUpdate(
                    stage="done", message="design complete", fraction=1.0,
                    elapsed_s=outcome.stage_seconds.get("total", 0.0), result=outcome_to_proto(outcome),
                )  # fmt: skip
                return
        finally:
            if not task.done():
                task.cancel()

    async def GetDesign(self, request, context) -> designer_pb2.DesignResponse:
        if not request.design_id.strip():
            raise InvalidArgument("design_id", "must not be empty")
        if request.version < 0:
            raise InvalidArgument("version", "must be 0 (latest) or positive")
        outcome = await asyncio.to_thread(self.memory.load, request.design_id, request.version)
        return outcome_to_proto(outcome)
