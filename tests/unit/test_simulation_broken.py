"""Deliberately broken flowsheets: each is reported at the right path with the right code, never a crash
and never a pass."""

from __future__ import annotations

import pytest

pytest.importorskip(
    "biosteam", reason="thermosteam/biosteam are installed with --no-deps (see pyproject.toml)"
)

from autochem.domain.design import ValidationStatus
from autochem.simulation.validator import default_validator
from tests.unit.simulation_cases import BROKEN_CASES, base_flowsheet


@pytest.fixture(scope="module")
def validator():
    v = default_validator()
    v.warm_up()
    return v


def test_base_flowsheet_passes(validator):
    report = validator.validate(base_flowsheet())
    assert report.status is ValidationStatus.PASSED, [str(i) for i in report.issues]


def test_at_least_ten_broken_cases():
    assert len(BROKEN_CASES) >= 10
    assert len({c.code for c in BROKEN_CASES}) >= 10


@pytest.mark.parametrize("case", BROKEN_CASES, ids=lambda c: c.name)
def test_broken_flowsheet_is_reported_at_its_path(validator, case):
    report = validator.validate(case.build())
    matching = [i for i in report.issues if i.code == case.code and i.path == case.path]
    assert matching, [(i.code, i.path, i.message) for i in report.issues]
    assert matching[0].severity.value == "error"
    expected = ValidationStatus.FAILED if case.simulated else ValidationStatus.ERROR
    assert report.status is expected
    if not case.simulated:
        assert report.mass_balance_closure is None


def _mutated(seed: int):
    """A reference design with a few random edits (unit type, phase, temperature, dropped stream, flow)."""
    import random

    from autochem.domain.examples import reference_designs
    from autochem.domain.flowsheet import Phase, UnitType
    from autochem.domain.units import Quantity

    rng = random.Random(seed)
    design = list(reference_designs().values())[seed % 5]
    fs = design.pfd.flowsheet
    for _ in range(3):
        op = rng.choice(["type", "phase", "temp", "drop", "flow"])
        if op == "type":
            rng.choice(fs.units).type = rng.choice(list(UnitType))
        elif op == "phase":
            rng.choice(fs.streams).phase = rng.choice(list(Phase))
        elif op == "temp":
            rng.choice(fs.streams).temperature = Quantity(value=rng.uniform(-100, 1500), unit="degC")
        elif op == "drop":
            fs.streams.pop(rng.randrange(len(fs.streams)))
        else:
            s = rng.choice(fs.streams)
            if s.flow is not None:
                s.flow = Quantity(value=s.flow.value * rng.uniform(0.1, 3), unit=s.flow.unit)
    return fs


@pytest.mark.parametrize("seed", [3, 11, 25, 42, 56, 63])
def test_mutated_references_never_crash_and_never_pass_silently(validator, seed):
    from autochem.simulation.options import ValidationOptions

    report = validator.validate(_mutated(seed), options=ValidationOptions(run_dynamics=False))
    errors = [i for i in report.issues if i.severity.value == "error"]
    if report.status in (ValidationStatus.ERROR, ValidationStatus.FAILED):
        assert errors and all(i.path.startswith("pfd.flowsheet") for i in errors)
    else:
        assert report.status is not ValidationStatus.SKIPPED
        assert not errors
        assert abs(report.mass_balance_closure - 1) < 0.005


def test_backend_exception_becomes_an_error_report(caplog):
    """The last line of defence: a bug in the backend is an ERROR report naming it, logged, not raised."""
    from autochem.simulation.validator import FlowsheetValidator

    class Exploding:
        name = "biosteam"

        def available(self):
            return True, "test backend"

        def warm_up(self):
            return None

        def simulate(self, flowsheet, options):
            raise ZeroDivisionError("boom inside the backend")

    with caplog.at_level("ERROR", logger="autochem.simulation.validator"):
        report = FlowsheetValidator({"biosteam": Exploding()}).validate(base_flowsheet())
    assert report.status is ValidationStatus.ERROR
    (only,) = report.issues
    assert only.code == "internal_error" and only.severity.value == "error" and only.path
    assert "ZeroDivisionError" in only.message and "boom inside the backend" in only.message
    assert any(r.exc_info for r in caplog.records)
