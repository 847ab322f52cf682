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
