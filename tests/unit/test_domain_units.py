"""Quantities: pint-checked unit strings, conversions, and dimension checks that name the field."""

from __future__ import annotations

import pint
import pytest
from pydantic import ValidationError

from autochem.domain import Quantity, Reaction, Stream, Unit, UnitType
from autochem.domain.instrumentation import (
    ControlLoop,
    ControlStrategy,
    LineSpec,
    MeasuredVariable,
    ReliefValve,
)
from autochem.domain.units import flow_basis


def q(value, unit):
    return {"value": value, "unit": unit}


def error_locs(exc: ValidationError) -> list[tuple]:
    return [e["loc"] for e in exc.errors()]


@pytest.mark.parametrize(
    ("value", "unit", "target", "expected"),
    [
        (25, "degC", "K", 298.15),
        (0, "degC", "degF", 32.0),
        (1, "bar", "kPa", 100.0),
        (0, "barg", "bar", 1.01325),
        (10, "barg", "kPa", 1101.325),
        (0, "psig", "psi", 14.695948775513449),
        (12, "t/h", "kg/s", 12000 / 3600),
        (1, "Nm3", "mol", 44.6150334),
        (1, "MW", "kW", 1000.0),
        (5, "delta_degC", "K", 5.0),
        (50, "percent", "", 0.5),
    ],
)
def test_magnitude_in_converts(value, unit, target, expected):
    assert Quantity(value=value, unit=unit).magnitude_in(target) == pytest.approx(expected, rel=1e-9)


def test_to_returns_a_quantity_in_the_new_unit():
    converted = Quantity(value=890, unit="degC").to("K")
    assert converted.unit == "K" and converted.value == pytest.approx(1163.15)
    assert str(Quantity(value=5, unit="bar")) == "5 bar"
    with pytest.raises(pint.DimensionalityError):
        Quantity(value=1, unit="kg").to("m")


def test_nm3_is_a_molar_flow_not_newton_cubic_metres():
    assert flow_basis(Quantity(value=1000, unit="Nm3/h")) == "molar"
    assert flow_basis(Quantity(value=1, unit="kg/h")) == "mass"
    assert flow_basis(Quantity(value=1, unit="m**3/h")) == "volumetric"
    with pytest.raises(ValueError):
        flow_basis(Quantity(value=1, unit="kg"))


def test_unknown_unit_names_the_unit_field():
    with pytest.raises(ValidationError) as exc:
        Quantity(value=1, unit="furlongz")
    assert error_locs(exc.value) == [("unit",)]
    with pytest.raises(ValidationError) as exc:
        Stream(id="S-1", to_unit="R-1", temperature=q(25, "degCC"))
    assert error_locs(exc.value) == [("temperature", "unit")]


def test_quantities_are_finite():
    with pytest.raises(ValidationError):
        Quantity(value=float("nan"), unit="K")
    with pytest.raises(ValidationError):
        Quantity(value=float("inf"), unit="K")


@pytest.mark.parametrize(
    ("model", "field", "bad", "fragment"),
    [
        (Stream, "temperature", q(1, "bar"), "expected a temperature"),
        (Stream, "temperature", q(5, "delta_degC"), "difference unit"),
        (Stream, "temperature", q(-300, "degC"), "absolute zero"),
        (Stream, "pressure", q(1, "K"), "expected a pressure"),
        (Stream, "pressure", q(-2, "barg"), "absolute zero"),
        (Stream, "flow", q(1, "kg"), "expected a flow rate"),
        (Stream, "flow", q(1, "m/s"), "expected a flow rate"),
        (Unit, "duty", q(1, "kJ"), "expected a heat duty"),
        (Unit, "temperature", q(1, "W"), "expected a temperature"),
        (Reaction, "heat_of_reaction", q(-906, "kJ"), "expected a molar energy"),
        (Reaction, "extent", q(1, "kg/s"), "expected a molar flow"),
        (ReliefValve, "set_pressure", q(16, "m"), "expected a pressure"),
        (LineSpec, "corrosion_allowance", q(3, "kg"), "expected a length"),
        (LineSpec, "design_temperature", q(3, "s"), "expected a temperature"),
    ],
)
def test_dimension_errors_name_the_field(model, field, bad, fragment):
    base = {
        Stream: {"id": "S-1", "to_unit": "R-1"},
        Unit: {"tag": "R-1", "type": UnitType.REACTOR_CSTR},
        Reaction: {"id": "RX-1", "stoichiometry": {"a": -1, "b": 1}, "key_reactant": "a"},
        ReliefValve: {
            "tag": "PSV-1",
            "protected_unit": "R-1",
            "set_pressure": q(10, "barg"),
            "discharge_to": "flare",
        },
        LineSpec: {"id": "A1", "service": "s", "material": "m", "pressure_class": "Class 150"},
    }[model]
    with pytest.raises(ValidationError) as exc:
        model(**{**base, field: bad})
    assert error_locs(exc.value) == [(field,)]
    assert fragment in str(exc.value)


@pytest.mark.parametrize(
    ("variable", "setpoint", "ok"),
    [
        (MeasuredVariable.TEMPERATURE, q(890, "degC"), True),
        (MeasuredVariable.TEMPERATURE, q(5, "delta_degC"), False),
        (MeasuredVariable.TEMPERATURE, q(5, "bar"), False),
        (MeasuredVariable.LEVEL, q(50, "percent"), True),
        (MeasuredVariable.LEVEL, q(1.2, "m"), True),
        (MeasuredVariable.LEVEL, q(1.2, "kg"), False),
        (MeasuredVariable.FLOW, q(12, "t/h"), True),
        (MeasuredVariable.FLOW, q(1000, "Nm3/h"), True),
        (MeasuredVariable.FLOW, q(12, "t"), False),
        (MeasuredVariable.PRESSURE, q(10.6, "bar"), True),
        (MeasuredVariable.PRESSURE, q(10.6, "m"), False),
        (MeasuredVariable.ANALYSIS, q(200, "ppm"), True),
        (MeasuredVariable.SPEED, q(1500, "rpm"), True),
    ],
)
def test_setpoint_dimension_follows_the_measured_variable(variable, setpoint, ok):
    fields = {
        "id": "L1",
        "measured_variable": variable,
        "strategy": ControlStrategy.FEEDBACK,
        "sensor": "XT-1",
        "controller": "XIC-1",
        "final_element": "XV-1",
        "setpoint": setpoint,
    }
    if ok:
        ControlLoop(**fields)
    else:
        with pytest.raises(ValidationError) as exc:
            ControlLoop(**fields)
        assert error_locs(exc.value) == [("setpoint",)]
