"""Deliberately broken copies of the small ammonia flowsheet, each with the issue code and design path the
validator must report (the flowsheets themselves are in ``autochem.simulation.examples``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from autochem.domain.flowsheet import Component, Flowsheet, Phase, Reaction, Stream, Unit, UnitType
from autochem.simulation.examples import (
    H2,
    N2,
    NH3,
    base_flowsheet,
    fifteen_unit_flowsheet,
    mole,
    q,
)

__all__ = ["BROKEN_CASES", "BrokenCase", "base_flowsheet", "fifteen_unit_flowsheet", "q"]


@dataclass(frozen=True)
class BrokenCase:
    name: str
    build: Callable[[], Flowsheet]
    code: str
    path: str
    simulated: bool  # True: the simulation runs and the report is FAILED; False: it cannot run (ERROR)


def _edit(change: Callable[[Flowsheet], None]) -> Callable[[], Flowsheet]:
    def build() -> Flowsheet:
        fs = base_flowsheet()
        change(fs)
        return Flowsheet.model_validate(fs.model_dump())

    return build


def _stream(fs: Flowsheet, sid: str) -> Stream:
    return next(s for s in fs.streams if s.id == sid)


def _unit(fs: Flowsheet, tag: str) -> Unit:
    return next(u for u in fs.units if u.tag == tag)


def _dangling(fs):
    _stream(fs, "S-5").to_unit = "E-999"


def _unknown_chemical(fs):
    fs.components.append(Component(name="unobtainium"))
    _stream(fs, "S-1").composition = mole(hydrogen=0.99, unobtainium=0.01)


def _unbalanced(fs):
    fs.reactions[0] = fs.reactions[0].model_copy(update={"stoichiometry": {N2: -1, H2: -2, NH3: 2}})


def _negative_flow(fs):
    _stream(fs, "S-2").flow = q(-33.3, "mol/s")


def _no_outlet(fs):
    fs.units.append(Unit(tag="TK-101", type=UnitType.TANK))
    _stream(fs, "S-8").to_unit = "TK-101"


def _stated_imbalance(fs):
    # The heater outlet states twice what the feeds bring in.
    s = _stream(fs, "S-4")
    s.flow = q(266.7, "mol/s")
    s.composition = mole(hydrogen=0.75, nitrogen=0.25)
    s3 = _stream(fs, "S-3")
    s3.flow = q(133.3, "mol/s")
    s3.composition = mole(hydrogen=0.75, nitrogen=0.25)


def _phase_contradiction(fs):
    _stream(fs, "S-1").phase = Phase.LIQUID  # hydrogen at 25 °C is no liquid at any pressure


def _infeasible_extent(fs):
    fs.reactions[0] = fs.reactions[0].model_copy(update={"conversion": None, "extent": q(50.0, "mol/s")})


def _feed_without_composition(fs):
    _stream(fs, "S-1").composition = None


def _unknown_reaction(fs):
    _unit(fs, "R-101").reaction_ids = ["RX-9"]


def _unconnected(fs):
    fs.streams.append(Stream(id="S-99", flow=q(1, "kg/s")))


def _species_not_component(fs):
    _stream(fs, "S-2").composition = mole(nitrogen=0.99, argon=0.01)


def _mixer_two_outlets(fs):
    fs.streams.append(Stream(id="S-3b", from_unit="M-101", to_unit=None, phase=Phase.VAPOR))


def _no_extent(fs):
    fs.reactions[0] = fs.reactions[0].model_copy(update={"conversion": None})


def _split_unknown(fs):
    _unit(fs, "V-101").type = UnitType.SEPARATOR  # a stated-split separator whose outlets state nothing


def _conversion_over_one(fs):
    # Two reactions on the same key reactant converting 70 % + 50 % of it: more N2 than enters.
    fs.reactions[0] = fs.reactions[0].model_copy(update={"conversion": 0.7})
    fs.reactions.append(
        Reaction(id="RX-2", stoichiometry={N2: -1, H2: -3, NH3: 2}, key_reactant=N2, conversion=0.5)
    )
    _unit(fs, "R-101").reaction_ids = ["RX-1", "RX-2"]


BROKEN_CASES = [
    BrokenCase(
        "dangling stream", _edit(_dangling), "dangling_stream", "pfd.flowsheet.streams[S-5].to_unit", False
    ),
    BrokenCase(
        "unknown chemical",
        _edit(_unknown_chemical),
        "unknown_chemical",
        "pfd.flowsheet.components[unobtainium]",
        False,
    ),
    BrokenCase(
        "impossible stoichiometry",
        _edit(_unbalanced),
        "unbalanced_reaction",
        "pfd.flowsheet.reactions[RX-1].stoichiometry",
        False,
    ),
    BrokenCase(
        "negative flow", _edit(_negative_flow), "negative_flow", "pfd.flowsheet.streams[S-2].flow", False
    ),
    BrokenCase(
        "unit with no outlet", _edit(_no_outlet), "unit_without_outlet", "pfd.flowsheet.units[TK-101]", False
    ),
    BrokenCase(
        "stated mass imbalance",
        _edit(_stated_imbalance),
        "stated_mass_imbalance",
        "pfd.flowsheet.units[E-101]",
        True,
    ),
    BrokenCase(
        "phase contradicting conditions",
        _edit(_phase_contradiction),
        "phase_contradiction",
        "pfd.flowsheet.streams[S-1].phase",
        True,
    ),
    BrokenCase(
        "extent beyond the key reactant",
        _edit(_infeasible_extent),
        "infeasible_reaction",
        "pfd.flowsheet.reactions[RX-1]",
        False,
    ),
    BrokenCase(
        "conversions adding up past 100 %",
        _edit(_conversion_over_one),
        "infeasible_reaction",
        "pfd.flowsheet.reactions[RX-1]",
        False,
    ),
    BrokenCase(
        "feed without composition",
        _edit(_feed_without_composition),
        "feed_without_composition",
        "pfd.flowsheet.streams[S-1].composition",
        False,
    ),
    BrokenCase(
        "unit hosts an unknown reaction",
        _edit(_unknown_reaction),
        "unknown_reaction",
        "pfd.flowsheet.units[R-101].reaction_ids[0]",
        False,
    ),
    BrokenCase(
        "stream connected to nothing",
        _edit(_unconnected),
        "unconnected_stream",
        "pfd.flowsheet.streams[S-99]",
        False,
    ),
    BrokenCase(
        "species that is not a component",
        _edit(_species_not_component),
        "unknown_species",
        "pfd.flowsheet.streams[S-2].composition.fractions[argon]",
        False,
    ),
    BrokenCase(
        "mixer with two outlets",
        _edit(_mixer_two_outlets),
        "bad_connectivity",
        "pfd.flowsheet.units[M-101]",
        False,
    ),
    BrokenCase(
        "reaction with no extent",
        _edit(_no_extent),
        "reaction_without_extent",
        "pfd.flowsheet.reactions[RX-1]",
        False,
    ),
    BrokenCase(
        "separator whose split is unknown",
        _edit(_split_unknown),
        "split_unknown",
        "pfd.flowsheet.streams[S-7].flow",
        False,
    ),
]
