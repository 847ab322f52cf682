"""The dwsim-validator service over real gRPC (in-process server on a free port): reference designs come
back simulated with closed balances and stable loops, a broken flowsheet is a report (status ERROR, issue at
its path) rather than an RPC error, malformed requests are INVALID_ARGUMENT naming the field, and the
designs.completed handler stores the report and announces validations.completed."""

from __future__ import annotations

from types import SimpleNamespace

import grpc
import pytest
import pytest_asyncio

pytest.importorskip(
    "biosteam", reason="thermosteam/biosteam are installed with --no-deps (see pyproject.toml)"
)

from autochem.config import GrpcSettings
from autochem.domain import (
    ValidationReport,
    design_to_proto,
    flowsheet_to_proto,
    instrumentation_to_proto,
    validation_report_from_proto,
)
from autochem.domain.design import ValidationStatus
from autochem.domain.examples import reference_designs
from autochem.errors import InvalidArgument
from autochem.rpc import GrpcServer, make_channel
from autochem.simulation.service import ValidatorServicer, designs_completed_handler
from autochem.simulation.validator import default_validator
from autochem.storage import ArtifactStore
from autochem.v1 import events_pb2, validator_pb2, validator_pb2_grpc
from tests.unit.simulation_cases import BROKEN_CASES, base_flowsheet

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="module")]


@pytest.fixture(scope="module")
def validator():
    v = default_validator()
    v.warm_up()
    return v


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def stub(validator):
    settings = GrpcSettings(port=0)
    server = GrpcServer(settings, "validator-test")
    server.add(ValidatorServicer(validator), validator_pb2_grpc.add_ValidatorServicer_to_server)
    async with server:
        await server.set_serving(True)
        channel = make_channel(f"127.0.0.1:{server.port}", max_message_bytes=settings.max_message_bytes)
        try:
            yield validator_pb2_grpc.ValidatorStub(channel)
        finally:
            await channel.close()


@pytest.mark.parametrize("name", ["nitric acid", "methanol"])
async def test_reference_design_validates(stub, name):
    design = reference_designs()[name]
    reply = await stub.Validate(validator_pb2.ValidateRequest(design=design_to_proto(design)), timeout=120)
    report = validation_report_from_proto(reply)
    assert report.status in (ValidationStatus.PASSED, ValidationStatus.PASSED_WITH_WARNINGS)
    assert report.converged is True
    assert abs(report.mass_balance_closure - 1) < 0.005
    assert report.simulator.startswith("biosteam 2.51.19")
    assert len(report.loop_results) == len(design.pid.instrumentation.control_loops)
    assert all(lr.stable for lr in report.loop_results)
    assert report.validated_at is not None


async def test_flowsheet_target_without_dynamics(stub):
    design = reference_designs()["ammonia"]
    request = validator_pb2.ValidateRequest(
        flowsheet=validator_pb2.FlowsheetTarget(
            flowsheet=flowsheet_to_proto(design.pfd.flowsheet),
            instrumentation=instrumentation_to_proto(design.pid.instrumentation),
        ),
        options=validator_pb2.ValidateOptions(run_dynamics=False, closure_tolerance=0.001),
    )
    report = validation_report_from_proto(await stub.Validate(request, timeout=120))
    assert report.loop_results == []
    assert abs(report.mass_balance_closure - 1) < 0.001
    assert "E-103" in report.energy_duties and report.energy_duties["E-103"].unit == "MW"


async def test_broken_flowsheet_is_a_report_not_an_rpc_error(stub):
    case = next(c for c in BROKEN_CASES if c.code == "unbalanced_reaction")
    request = validator_pb2.ValidateRequest(
        flowsheet=validator_pb2.FlowsheetTarget(flowsheet=flowsheet_to_proto(case.build()))
    )
    report = validation_report_from_proto(await stub.Validate(request, timeout=60))
    assert report.status is ValidationStatus.ERROR
    assert any(i.code == case.code and i.path == case.path for i in report.issues)


async def test_dwsim_backend_is_reported_unavailable(stub):
    request = validator_pb2.ValidateRequest(
        flowsheet=validator_pb2.FlowsheetTarget(flowsheet=flowsheet_to_proto(base_flowsheet())),
        options=validator_pb2.ValidateOptions(backend="dwsim"),
    )
    report = validation_report_from_proto(await stub.Validate(request, timeout=60))
    assert report.status is ValidationStatus.SKIPPED
    assert report.issues[0].code == "backend_unavailable"


def _design_request(edit):
    message = design_to_proto(reference_designs()["ammonia"])
    edit(message)
    return validator_pb2.ValidateRequest(design=message)


@pytest.mark.parametrize(
    ("request_factory", "field"),
    [
        (lambda: validator_pb2.ValidateRequest(), "target"),
        (lambda: validator_pb2.ValidateRequest(flowsheet=validator_pb2.FlowsheetTarget()), "flowsheet.flowsheet"),
        (lambda: validator_pb2.ValidateRequest(design=design_to_proto(reference_designs()["ammonia"]), options=validator_pb2.ValidateOptions(backend="aspen")), "options.backend"),
        (lambda: validator_pb2.ValidateRequest(design=design_to_proto(reference_designs()["ammonia"]), options=validator_pb2.ValidateOptions(closure_tolerance=-0.1)), "options.closure_tolerance"),
        (lambda: validator_pb2.ValidateRequest(design=design_to_proto(reference_designs()["ammonia"]), options=validator_pb2.ValidateOptions(max_settling_time_s=0)), "options.max_settling_time_s"),
        (lambda: validator_pb2.ValidateRequest(design=design_to_proto(reference_designs()["ammonia"]), options=validator_pb2.ValidateOptions(thermo_package="srk")), "options.thermo_package"),
        (lambda: _design_request(lambda m: setattr(m.pfd.flowsheet.units[0], "type", 999)), "design.pfd.flowsheet.units[0].type"),
        (lambda: _design_request(lambda m: setattr(m.pfd.flowsheet.streams[0].temperature, "unit", "blorps")), "design.pfd.flowsheet.streams[0].temperature.unit"),
        (lambda: _design_request(lambda m: setattr(m.pfd.flowsheet.units[1], "tag", "compressor 2")), "design.pfd.flowsheet.units[1].tag"),
    ],
    ids=["no-target", "no-flowsheet", "bad-backend", "negative-closure", "zero-settling", "bad-thermo", "unknown-unit-type", "bad-unit-string", "bad-equipment-tag"],
)  # fmt: skip
async def test_bad_request_is_invalid_argument_naming_the_field(stub, request_factory, field):
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.Validate(request_factory(), timeout=30)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert field in caught.value.details()


def _ctx(event, key="design-key-1"):
    return SimpleNamespace(
        payload=event, consumer_group="dwsim-validator", envelope=SimpleNamespace(idempotency_key=key)
    )


async def test_designs_completed_handler_stores_and_announces(validator, tmp_path):
    store = ArtifactStore(tmp_path.as_uri())
    design = reference_designs()["styrene"]
    ref = store.put_bytes(design.model_dump_json().encode(), "application/json")
    published = []
    handler = designs_completed_handler(validator, store, lambda event, key: published.append((event, key)))
    event = events_pb2.DesignCompleted(design_id=design.id, chemical=design.chemical, design=ref.to_proto())
    report = handler(_ctx(event))
    ((announced, key),) = published
    assert announced.design_id == design.id
    assert announced.passed == (
        report.status in (ValidationStatus.PASSED, ValidationStatus.PASSED_WITH_WARNINGS)
    )
    assert announced.passed
    assert key == "validations.completed/dwsim-validator/design-key-1"
    from autochem.storage import ArtifactRef

    stored = ValidationReport.model_validate_json(store.get_bytes(ArtifactRef.from_proto(announced.report)))
    assert stored.mass_balance_closure == report.mass_balance_closure
    assert len(stored.loop_results) == len(design.pid.instrumentation.control_loops)


async def test_designs_completed_handler_rejects_bad_events(validator, tmp_path):
    store = ArtifactStore(tmp_path.as_uri())
    handler = designs_completed_handler(validator, store, lambda event, key: None)
    with pytest.raises(InvalidArgument) as missing:
        handler(_ctx(events_pb2.DesignCompleted(design_id="x")))
    assert missing.value.field == "payload.design"
    design = reference_designs()["ammonia"]
    ref = store.put_bytes(design.model_dump_json().encode(), "application/json")
    with pytest.raises(InvalidArgument) as wrong_id:
        handler(_ctx(events_pb2.DesignCompleted(design_id="someone-else", design=ref.to_proto())))
    assert wrong_id.value.field == "payload.design_id"
    junk = store.put_bytes(b"not a design", "application/json")
    with pytest.raises(InvalidArgument) as not_design:
        handler(_ctx(events_pb2.DesignCompleted(design_id="x", design=junk.to_proto())))
    assert not_design.value.field == "payload.design"
