"""gRPC servicer of ``autochem.v1.Validator`` (proto <-> domain only) and the ``designs.completed`` handler.

Simulation is CPU-bound and BioSTEAM keeps process-wide state, so a validation runs on a worker thread
(one at a time inside the simulator); the event loop keeps answering health checks meanwhile.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from autochem.domain.convert import (
    design_from_proto,
    flowsheet_from_proto,
    instrumentation_from_proto,
    validation_report_to_proto,
)
from autochem.domain.design import Design, ValidationReport, ValidationStatus
from autochem.errors import InvalidArgument
from autochem.simulation.options import ValidationOptions
from autochem.simulation.validator import FlowsheetValidator
from autochem.storage import ArtifactRef, ArtifactStore
from autochem.v1 import design_pb2, events_pb2, validator_pb2, validator_pb2_grpc

PASSING = (ValidationStatus.PASSED, ValidationStatus.PASSED_WITH_WARNINGS)


def options_from_proto(
    message: validator_pb2.ValidateOptions, defaults: ValidationOptions
) -> ValidationOptions:
    """Request options over the service defaults; InvalidArgument naming the option when out of range."""
    update: dict = {}
    if message.backend:
        if message.backend not in ("biosteam", "dwsim"):
            raise InvalidArgument("options.backend", f"{message.backend!r}: expected 'biosteam' or 'dwsim'")
        update["backend"] = message.backend
    if message.thermo_package:
        if message.thermo_package not in ("auto", "ideal", "activity"):
            raise InvalidArgument(
                "options.thermo_package",
                f"{message.thermo_package!r}: expected 'auto', 'ideal' or 'activity'",
            )
        update["thermo_package"] = message.thermo_package
    if message.HasField("run_dynamics"):
        update["run_dynamics"] = message.run_dynamics
    if message.HasField("closure_tolerance"):
        if not 0 < message.closure_tolerance <= 1:
            raise InvalidArgument("options.closure_tolerance", "must be in (0, 1]")
        update["closure_tolerance"] = message.closure_tolerance
    limits_update: dict = {}
    if message.HasField("max_overshoot"):
        if not message.max_overshoot >= 0:
            raise InvalidArgument("options.max_overshoot", "must be 0 or more")
        limits_update["max_overshoot"] = message.max_overshoot
    if message.HasField("max_settling_time_s"):
        if not message.max_settling_time_s > 0:
            raise InvalidArgument("options.max_settling_time_s", "must be positive")
        limits_update["max_settling_time_s"] = {}
        limits_update["default_max_settling_time_s"] = message.max_settling_time_s
    if limits_update:
        update["loop_limits"] = defaults.loop_limits.model_copy(update=limits_update)
    return defaults.model_copy(update=update)


def _prefixed(exc: InvalidArgument, prefix: str) -> InvalidArgument:
    return InvalidArgument(f"{prefix}.{exc.field}" if exc.field else prefix, exc.reason)


class ValidatorServicer(validator_pb2_grpc.ValidatorServicer):
    def __init__(self, validator: FlowsheetValidator) -> None:
        self.validator = validator

    async def Validate(self, request: validator_pb2.ValidateRequest, context) -> design_pb2.ValidationReport:
        options = options_from_proto(request.options, self.validator.defaults)
        target = request.WhichOneof("target")
        if target is None:
            raise InvalidArgument("target", "give a design or a flowsheet")
        if target == "design":
            try:
                design = design_from_proto(request.design)
            except InvalidArgument as exc:
                raise _prefixed(exc, "design") from None
            report = await asyncio.to_thread(self.validator.validate_design, design, options)
        else:
            bundle = request.flowsheet
            if not bundle.HasField("flowsheet"):
                raise InvalidArgument("flowsheet.flowsheet", "required")
            try:
                flowsheet = flowsheet_from_proto(bundle.flowsheet)
            except InvalidArgument as exc:
                raise _prefixed(exc, "flowsheet.flowsheet") from None
            instrumentation = None
            if bundle.HasField("instrumentation"):
                try:
                    instrumentation = instrumentation_from_proto(bundle.instrumentation)
                except InvalidArgument as exc:
                    raise _prefixed(exc, "flowsheet.instrumentation") from None
            report = await asyncio.to_thread(self.validator.validate, flowsheet, instrumentation, options)
        return validation_report_to_proto(report)


def designs_completed_handler(
    validator: FlowsheetValidator,
    store: ArtifactStore,
    publish: Callable[[events_pb2.ValidationCompleted, str], object],
    *,
    max_design_bytes: int = 16 * 1024 * 1024,
) -> Callable:
    """`designs.completed` → fetch the design → validate → store the report → `validations.completed`.

    The report is content-addressed and the published event's idempotency key derives from the input
    event, so a redelivered event (or a retry after a publish failure) announces the same validation once.
    """

    def handle(ctx) -> ValidationReport:
        event: events_pb2.DesignCompleted = ctx.payload
        if not event.HasField("design"):
            raise InvalidArgument(
                "payload.design", "a designs.completed event must reference the design artifact"
            )
        ref = ArtifactRef.from_proto(event.design)
        if ref.size_bytes > max_design_bytes:
            raise InvalidArgument(
                "payload.design.size_bytes", f"{ref.size_bytes} bytes exceeds {max_design_bytes}"
            )
        try:
            design = Design.model_validate_json(store.get_bytes(ref))
        except ValueError as exc:
            raise InvalidArgument("payload.design", f"the artifact is not a design: {exc}") from None
        if design.id != event.design_id:
            raise InvalidArgument(
                "payload.design_id", f"{event.design_id!r} but the artifact holds {design.id!r}"
            )
        report = validator.validate_design(design)
        report_ref = store.put_bytes(report.model_dump_json(indent=2).encode(), "application/json")
        publish(
            events_pb2.ValidationCompleted(
                design_id=design.id, passed=report.status in PASSING, report=report_ref.to_proto()
            ),
            f"validations.completed/{ctx.consumer_group}/{ctx.envelope.idempotency_key}",
        )
        return report

    return handle
