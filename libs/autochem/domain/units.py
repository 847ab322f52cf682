"""Physical quantities: a magnitude and a unit string, checked by one shared pint registry.

A :class:`Quantity` keeps the unit string exactly as written ("degC", "t/h", "barg") so that JSON and
protobuf round trips are lossless; pint is used to check that the string means something and, through the
``Annotated`` aliases below (``Temperature``, ``Pressure``, ``FlowRate`` ...), that it has the dimension the
field implies. A failing check is a pydantic validation error whose ``loc`` names the field.

Additions to pint's default definitions, because process designs use them all the time:

* ``barg`` / ``psig``: gauge pressure, offset by one standard atmosphere (offset units, like degC);
* ``Nm3``: normal cubic metre, the amount of ideal gas in 1 m³ at 0 °C and 1 atm (about 44.615 mol) — a
  *molar* quantity, so ``Nm3/h`` is a molar flow. Without this pint would read ``Nm3`` as newton·m³.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Annotated, Any

import pint
from pydantic import AfterValidator, BaseModel, ConfigDict, field_validator

UREG = pint.UnitRegistry()
for _definition in (
    "bar_gauge = bar; offset: 1.01325 = barg",
    "psi_gauge = psi; offset: 14.695948775513449 = psig",
    "normal_cubic_meter = 101325 * pascal * meter ** 3 / (molar_gas_constant * 273.15 * kelvin) = Nm3",
):
    UREG.define(_definition)


@lru_cache(maxsize=4096)
def parse_unit(unit: str) -> pint.Unit:
    """The pint unit for ``unit``; ValueError (with the reason) when pint does not know it."""
    try:
        return UREG.Unit(unit)
    except (pint.errors.PintError, AttributeError, TypeError, ValueError, SyntaxError) as exc:
        raise ValueError(f"unknown unit {unit!r}: {exc}") from None


@lru_cache(maxsize=4096)
def dimensionality_of(unit: str) -> str:
    """The dimensionality of ``unit`` as a canonical string, e.g. ``[mass] / [time]`` for ``t/h``."""
    dims = parse_unit(unit).dimensionality
    return str(dims) if dims else "dimensionless"


# Dimensionalities, taken from a reference unit so that they compare equal to what pint prints.
TEMPERATURE = dimensionality_of("K")
PRESSURE = dimensionality_of("Pa")
MASS_FLOW = dimensionality_of("kg/s")
MOLAR_FLOW = dimensionality_of("mol/s")
VOLUMETRIC_FLOW = dimensionality_of("m**3/s")
POWER = dimensionality_of("W")
MOLAR_ENERGY = dimensionality_of("J/mol")
TIME = dimensionality_of("s")
LENGTH = dimensionality_of("m")
DIMENSIONLESS = dimensionality_of("")
FREQUENCY = dimensionality_of("1/s")
VELOCITY = dimensionality_of("m/s")
MASS = dimensionality_of("kg")
FORCE = dimensionality_of("N")
DENSITY = dimensionality_of("kg/m**3")
MOLAR_CONCENTRATION = dimensionality_of("mol/m**3")


def is_delta_unit(unit: str) -> bool:
    """True for temperature/pressure *differences* (delta_degC, or an offset unit inside a compound)."""
    return any(name.startswith("delta_") for name in parse_unit(unit)._units)


class Quantity(BaseModel):
    """A magnitude with a unit string pint understands. ``""`` means dimensionless."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    value: float
    unit: str = ""

    @field_validator("unit")
    @classmethod
    def _known_unit(cls, unit: str) -> str:
        parse_unit(unit)
        return unit

    @property
    def dimensionality(self) -> str:
        return dimensionality_of(self.unit)

    def as_pint(self) -> pint.Quantity:
        return UREG.Quantity(self.value, parse_unit(self.unit))

    def to(self, unit: str) -> Quantity:
        """The same quantity in ``unit``. Raises ValueError for an unknown unit and
        ``pint.DimensionalityError`` when the dimensions differ."""
        return Quantity(value=float(self.as_pint().to(parse_unit(unit)).magnitude), unit=unit)

    def magnitude_in(self, unit: str) -> float:
        """The magnitude expressed in ``unit`` (offset units such as degC/barg convert correctly)."""
        return float(self.as_pint().to(parse_unit(unit)).magnitude)

    def __str__(self) -> str:
        return f"{self.value:g} {self.unit}".rstrip()


def _dimension_check(
    kind: str,
    allowed: Iterable[str],
    *,
    absolute: bool = False,
    strictly_positive_in: str | None = None,
) -> Callable[[Quantity], Quantity]:
    """A validator that accepts quantities whose dimensionality is one of ``allowed``.

    ``absolute`` rejects difference units (delta_degC): a stream temperature is a state, not a difference.
    ``strictly_positive_in`` rejects magnitudes at or below zero on that absolute scale (0 K, 0 Pa).
    """
    allowed = tuple(allowed)

    def check(quantity: Quantity) -> Quantity:
        dims = quantity.dimensionality
        if dims not in allowed:
            raise ValueError(f"expected a {kind} ({' or '.join(allowed)}), got {quantity.unit!r} ({dims})")
        if absolute and is_delta_unit(quantity.unit):
            raise ValueError(f"expected an absolute {kind}, got the difference unit {quantity.unit!r}")
        if strictly_positive_in is not None and quantity.magnitude_in(strictly_positive_in) <= 0:
            raise ValueError(f"{kind} {quantity} is not above absolute zero")
        return quantity

    check.__name__ = f"check_{kind.replace(' ', '_')}"
    return check


def quantity_of(kind: str, *allowed: str, **options: Any) -> Any:
    """An ``Annotated[Quantity, ...]`` type restricted to the given dimensionalities."""
    return Annotated[Quantity, AfterValidator(_dimension_check(kind, allowed, **options))]


Temperature = quantity_of("temperature", TEMPERATURE, absolute=True, strictly_positive_in="K")
TemperatureDifference = quantity_of("temperature difference", TEMPERATURE)
Pressure = quantity_of("pressure", PRESSURE, absolute=True, strictly_positive_in="Pa")
PressureDifference = quantity_of("pressure difference", PRESSURE)
MassFlow = quantity_of("mass flow", MASS_FLOW)
MolarFlow = quantity_of("molar flow", MOLAR_FLOW)
VolumetricFlow = quantity_of("volumetric flow", VOLUMETRIC_FLOW)
FlowRate = quantity_of("flow rate", MASS_FLOW, MOLAR_FLOW, VOLUMETRIC_FLOW)
HeatDuty = quantity_of("heat duty", POWER)
MolarEnergy = quantity_of("molar energy", MOLAR_ENERGY)
Duration = quantity_of("duration", TIME)
Length = quantity_of("length", LENGTH)
Dimensionless = quantity_of("dimensionless quantity", DIMENSIONLESS)


def flow_basis(quantity: Quantity) -> str:
    """``mass``, ``molar`` or ``volumetric`` for a flow rate (ValueError for anything else)."""
    dims = quantity.dimensionality
    for basis, expected in (("mass", MASS_FLOW), ("molar", MOLAR_FLOW), ("volumetric", VOLUMETRIC_FLOW)):
        if dims == expected:
            return basis
    raise ValueError(f"{quantity.unit!r} is not a flow unit")
