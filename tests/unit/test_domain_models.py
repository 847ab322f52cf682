"""Single-object checks of the design models (pydantic validation) and helpers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from autochem.domain import (
    Citation,
    Component,
    Composition,
    CompositionBasis,
    ControlLoop,
    ControlStrategy,
    Design,
    Instrument,
    InstrumentType,
    Interlock,
    MeasuredVariable,
    Reaction,
    ReliefValve,
    Stream,
    Unit,
    UnitType,
)
from autochem.domain.paths import parse_path, path_exists, resolve_path
from autochem.domain.validation import element_counts, element_imbalance
from tests.unit.domain_samples import annotated_nitric_acid_design as nitric_acid_design


def locs(exc: pytest.ExceptionInfo) -> list[tuple]:
    return [e["loc"] for e in exc.value.errors()]


def test_extra_fields_are_forbidden():
    with pytest.raises(ValidationError) as exc:
        Stream(id="S-1", to_unit="R-1", colour="red")
    assert locs(exc) == [("colour",)]


def test_assignment_is_validated():
    stream = Stream(id="S-1", to_unit="R-1")
    with pytest.raises(ValidationError):
        stream.temperature = {"value": 1, "unit": "kg"}
    with pytest.raises(ValidationError):
        stream.id = ""


@pytest.mark.parametrize("bad", ["", " S-1", "S-1 ", "S[1]", "a]b"])
def test_identifiers_fit_in_paths(bad):
    with pytest.raises(ValidationError):
        Stream(id=bad, to_unit="R-1")


def test_composition_sums_to_one_within_tolerance():
    Composition(basis=CompositionBasis.MOLE, fractions={"a": 0.6, "b": 0.4004})
    with pytest.raises(ValidationError) as exc:
        Composition(basis=CompositionBasis.MOLE, fractions={"a": 0.6, "b": 0.39})
    assert locs(exc) == [("fractions",)]
    with pytest.raises(ValidationError):
        Composition(basis=CompositionBasis.MASS, fractions={"a": 1.5, "b": -0.5})
    with pytest.raises(ValidationError):
        Composition(basis=CompositionBasis.MASS, fractions={})


@pytest.mark.parametrize("cas", ["7664-41-7", "7697-37-2", "7732-18-5", "10102-44-0", "50-00-0"])
def test_valid_cas_numbers(cas):
    assert Component(name="x", cas=cas).cas == cas


@pytest.mark.parametrize("cas", ["7664-41-8", "7664417", "1-00-0", "12345678-00-1", "CAS 7664-41-7"])
def test_invalid_cas_numbers(cas):
    with pytest.raises(ValidationError) as exc:
        Component(name="x", cas=cas)
    assert locs(exc) == [("cas",)]


@pytest.mark.parametrize(
    "formula", ["NH3", "HNO3", "N2O4", "Ca(OH)2", "CuSO4·5H2O", "NH4+", "SO4-2", "[Fe(CN)6]"]
)
def test_formulas_accepted(formula):
    Component(name="x", formula=formula)


@pytest.mark.parametrize("formula", ["nh3", "3NH3", "NH 3", "", "H2O!"])
def test_formulas_rejected(formula):
    with pytest.raises(ValidationError):
        Component(name="x", formula=formula)


def test_element_counting():
    assert element_counts("Ca(OH)2") == {"Ca": 1, "O": 2, "H": 2}
    assert element_counts("CuSO4·5H2O") == {"Cu": 1, "S": 1, "O": 9, "H": 10}
    assert element_counts("[Fe(CN)6]") == {"Fe": 1, "C": 6, "N": 6}
    assert element_counts("NH4+") is None
    assert (
        element_imbalance(
            {"NH3": -4, "O2": -5, "NO": 4, "H2O": 6}, {s: s for s in ("NH3", "O2", "NO", "H2O")}
        )
        == {}
    )
    assert element_imbalance(
        {"NH3": -4, "O2": -5, "NO": 4, "H2O": 5}, {s: s for s in ("NH3", "O2", "NO", "H2O")}
    ) == {"H": -2.0, "O": -1.0}
    assert element_imbalance({"a": -1, "b": 1}, {"a": "NH3", "b": None}) == {}  # not checkable


def test_reaction_rules():
    ok = {"id": "RX-1", "stoichiometry": {"a": -1, "b": 2}, "key_reactant": "a"}
    assert Reaction(**ok).equation() == "a -> 2 b"
    for bad in (
        {**ok, "key_reactant": "b"},
        {**ok, "key_reactant": "c"},
        {**ok, "stoichiometry": {"a": -1, "b": 0}},
        {**ok, "stoichiometry": {"a": -1, "b": -1}},
        {**ok, "conversion": 1.2},
        {**ok, "conversion": -0.1},
        {**ok, "conversion": 0.5, "extent": {"value": 1, "unit": "mol/s"}},
    ):
        with pytest.raises(ValidationError):
            Reaction(**bad)
    assert Reaction(**{**ok, "conversion": 0.0}).conversion == 0.0


LOOP = {
    "id": "L1",
    "measured_variable": MeasuredVariable.FLOW,
    "sensor": "FT-1",
    "controller": "FIC-1",
    "final_element": "FV-1",
}


@pytest.mark.parametrize(
    ("fields", "ok"),
    [
        ({"strategy": ControlStrategy.FEEDBACK}, True),
        ({"strategy": ControlStrategy.FEEDBACK, "final_element": None}, False),
        ({"strategy": ControlStrategy.CASCADE, "secondary_loop": "L2", "final_element": None}, True),
        ({"strategy": ControlStrategy.CASCADE}, False),
        ({"strategy": ControlStrategy.FEEDBACK, "secondary_loop": "L2"}, False),
        ({"strategy": ControlStrategy.RATIO, "ratio": 0.111, "wild_stream": "S-6"}, True),
        ({"strategy": ControlStrategy.RATIO, "ratio": 0.111}, False),
        ({"strategy": ControlStrategy.RATIO, "ratio": 0.0, "wild_stream": "S-6"}, False),
        ({"strategy": ControlStrategy.FEEDBACK, "ratio": 2.0}, False),
        ({"strategy": ControlStrategy.FEEDFORWARD, "disturbance_measurement": "FT-2"}, True),
        ({"strategy": ControlStrategy.FEEDFORWARD}, False),
        ({"strategy": ControlStrategy.FEEDBACK, "disturbance_measurement": "FT-2"}, False),
        ({"strategy": ControlStrategy.FEEDBACK, "master_loop": "L0"}, True),
    ],
)
def test_control_loop_strategy_fields(fields, ok):
    if ok:
        ControlLoop(**{**LOOP, **fields})
    else:
        with pytest.raises(ValidationError):
            ControlLoop(**{**LOOP, **fields})


def test_instrument_sits_on_one_place_at_most():
    assert Instrument(tag="TT-1", type=InstrumentType.TRANSMITTER, unit_tag="R-1").location == "R-1"
    assert Instrument(tag="TT-1", type=InstrumentType.TRANSMITTER).location is None
    with pytest.raises(ValidationError):
        Instrument(tag="TT-1", type=InstrumentType.TRANSMITTER, unit_tag="R-1", stream_id="S-1")


def test_relief_valve_tag_must_be_a_relief_device():
    fields = {"protected_unit": "R-1", "set_pressure": {"value": 10, "unit": "barg"}, "discharge_to": "flare"}
    ReliefValve(tag="PSV-1", **fields)
    ReliefValve(tag="PSE-1", **fields)
    with pytest.raises(ValidationError) as exc:
        ReliefValve(tag="PV-1", **fields)
    assert locs(exc) == [("tag",)]


def test_interlock_sil_and_actions():
    fields = {"id": "I-1", "trigger": "TSHH-1", "condition": "too hot", "actions": ["trip"]}
    assert Interlock(**fields, sil=4).sil == 4
    for bad in ({"sil": 0}, {"sil": 5}, {"actions": []}):
        with pytest.raises(ValidationError):
            Interlock(**{**fields, **bad})


def test_citation_needs_a_source():
    with pytest.raises(ValidationError):
        Citation(path="pfd")
    Citation(path="pfd", chunk_ids=["c1"])


def test_created_at_must_be_aware_and_is_normalized_to_utc():
    with pytest.raises(ValidationError):
        Design(id="d", chemical="x", created_at=datetime(2025, 1, 1))
    local = datetime(2025, 1, 1, 3, tzinfo=timezone(timedelta(hours=3)))
    design = Design(id="d", chemical="x", created_at=local)
    assert design.created_at == datetime(2025, 1, 1, tzinfo=UTC)
    assert design.created_at.tzinfo == UTC


def test_unit_type_and_tag_mismatch_is_not_a_model_error():
    # Prefix conventions differ between companies; the validator warns instead (see test_domain_validation).
    Unit(tag="E-1", type=UnitType.PUMP)


def test_paths_parse_and_resolve():
    design = nitric_acid_design()
    assert parse_path("pfd.flowsheet.streams[S-3].composition.fractions[oxygen]") == [
        ("pfd", []),
        ("flowsheet", []),
        ("streams", ["S-3"]),
        ("composition", []),
        ("fractions", ["oxygen"]),
    ]
    assert resolve_path(design, "pfd.flowsheet.streams[S-3].composition.fractions[oxygen]") == 0.2095
    assert resolve_path(design, "pfd.flowsheet.units[R-101].temperature").magnitude_in("degC") == 890
    assert resolve_path(design, "pfd.flowsheet.units[0].tag") == "E-101"  # position also works
    assert resolve_path(design, "pid.instrumentation.interlocks[I-101].final_elements[1]") == "FV-101"
    assert resolve_path(design, "provenance.citations[0].path") == "pfd.flowsheet.reactions[RX-1]"
    assert resolve_path(design, "chemical") == "nitric acid"
    for dangling in (
        "pfd.flowsheet.units[R-999]",
        "validation",
        "pfd.nothing",
        "pfd..flowsheet",
        "pfd.flowsheet[0]",
        "pfd.flowsheet.units[R-101].name.upper",
        "",
        "pfd.flowsheet.streams[S-1].composition.fractions[x]",
    ):
        assert not path_exists(design, dangling), dangling


def test_reference_design_is_a_consistent_ostwald_plant():
    design = nitric_acid_design()
    flowsheet = design.pfd.flowsheet
    units = {u.tag: u for u in flowsheet.units}
    streams = {s.id: s for s in flowsheet.streams}
    assert units["R-101"].type is UnitType.REACTOR_CONVERTER
    assert 850 <= units["R-101"].temperature.magnitude_in("degC") <= 950
    # About 10 vol% ammonia in the converter feed, below the lower flammability limit of ~15 vol%.
    assert streams["S-8"].composition.fractions["ammonia"] == pytest.approx(0.10, abs=0.005)
    # 60 wt% product acid.
    assert streams["S-25"].composition.basis is CompositionBasis.MASS
    assert streams["S-25"].composition.fractions["nitric acid"] == pytest.approx(0.60, abs=0.005)
    ratio_loop = next(
        loop for loop in design.pid.instrumentation.control_loops if loop.strategy is ControlStrategy.RATIO
    )
    assert ratio_loop.manipulated_stream == "S-2" and ratio_loop.wild_stream == "S-6"
    interlock = design.pid.instrumentation.interlocks[0]
    assert interlock.sil == 2 and "XV-109" in interlock.final_elements
    assert nitric_acid_design() == design  # deterministic, and a fresh copy per call
    assert nitric_acid_design() is not design
