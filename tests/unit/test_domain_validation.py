"""Referential validation: every kind of broken reference, seeded into the reference design, is reported with
exactly the right path and code; the clean reference design reports nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from autochem.domain import (
    Citation,
    Component,
    Design,
    Instrument,
    InstrumentType,
    LoopResult,
    Severity,
    Unit,
    UnitType,
    ValidationReport,
    ValidationStatus,
    path_exists,
    validate_design,
    validate_flowsheet,
    validate_instrumentation,
)
from autochem.domain.random_designs import random_design
from tests.unit.domain_samples import annotated_nitric_acid_design as nitric_acid_design

FS = "pfd.flowsheet"
IN = "pid.instrumentation"


def unit(d: Design, tag: str):
    return next(u for u in d.pfd.flowsheet.units if u.tag == tag)


def stream(d: Design, sid: str):
    return next(s for s in d.pfd.flowsheet.streams if s.id == sid)


def reaction(d: Design, rid: str):
    return next(r for r in d.pfd.flowsheet.reactions if r.id == rid)


def instrument(d: Design, tag: str):
    return next(i for i in d.pid.instrumentation.instruments if i.tag == tag)


def loop(d: Design, lid: str):
    return next(lp for lp in d.pid.instrumentation.control_loops if lp.id == lid)


def first(items, key, value):
    return next(i for i in items if getattr(i, key) == value)


def _set(obj, **fields):
    for name, value in fields.items():
        setattr(obj, name, value)


def _append_copy(items: list, key: str, value: str) -> None:
    items.append(first(items, key, value).model_copy(deep=True))


def _replace_in_list(items: list, index: int, value: str) -> None:
    items[index] = value


def _stoich(d: Design, rid: str, **changes: float) -> None:
    r = reaction(d, rid)
    r.stoichiometry = {**r.stoichiometry, **{k.replace("_", " "): v for k, v in changes.items()}}


def _fractions(d: Design, sid: str, fractions: dict[str, float]) -> None:
    s = stream(d, sid)
    s.composition = s.composition.model_copy(update={"fractions": fractions})


def _validation(d: Design, **fields) -> None:
    d.validation = ValidationReport(status=ValidationStatus.PASSED, **fields)


# (case id, mutation, expected path, expected code, expected severity)
CASES: list[tuple[str, Callable[[Design], None], str, str, Severity]] = [
    (
        "stream to missing unit",
        lambda d: _set(stream(d, "S-3"), to_unit="F-999"),
        f"{FS}.streams[S-3].to_unit",
        "stream_unknown_to_unit",
        Severity.ERROR,
    ),
    (
        "stream from missing unit",
        lambda d: _set(stream(d, "S-4"), from_unit="F-999"),
        f"{FS}.streams[S-4].from_unit",
        "stream_unknown_from_unit",
        Severity.ERROR,
    ),
    (
        "stream going nowhere",
        lambda d: _set(stream(d, "S-30"), to_unit=None),
        f"{FS}.streams[S-30]",
        "stream_unconnected",
        Severity.ERROR,
    ),
    (
        "composition with unknown component",
        lambda d: _fractions(d, "S-1", {"ammonia": 0.5, "unobtainium": 0.5}),
        f"{FS}.streams[S-1].composition.fractions[unobtainium]",
        "stream_unknown_component",
        Severity.ERROR,
    ),
    (
        "unit hosts missing reaction",
        lambda d: unit(d, "R-101").reaction_ids.append("RX-99"),
        f"{FS}.units[R-101].reaction_ids[3]",
        "unit_unknown_reaction",
        Severity.ERROR,
    ),
    (
        "hosted conversions above one",
        lambda d: _set(reaction(d, "RX-2"), conversion=0.5),
        f"{FS}.units[R-101].reaction_ids",
        "unit_conversion_exceeds_one",
        Severity.ERROR,
    ),
    (
        "unit without streams",
        lambda d: d.pfd.flowsheet.units.append(Unit(tag="V-999", type=UnitType.VESSEL)),
        f"{FS}.units[V-999]",
        "unit_unconnected",
        Severity.WARNING,
    ),
    (
        "unusual tag prefix",
        lambda d: _set(unit(d, "E-103"), type=UnitType.PUMP),
        f"{FS}.units[E-103].tag",
        "unit_tag_prefix_mismatch",
        Severity.WARNING,
    ),
    (
        "duplicate unit tag",
        lambda d: _append_copy(d.pfd.flowsheet.units, "tag", "P-102"),
        f"{FS}.units[P-102]",
        "duplicate_unit_tag",
        Severity.ERROR,
    ),
    (
        "duplicate stream id",
        lambda d: _append_copy(d.pfd.flowsheet.streams, "id", "S-31"),
        f"{FS}.streams[S-31]",
        "duplicate_stream_id",
        Severity.ERROR,
    ),
    (
        "duplicate component",
        lambda d: d.pfd.flowsheet.components.append(Component(name="water")),
        f"{FS}.components[water]",
        "duplicate_component",
        Severity.ERROR,
    ),
    (
        "duplicate reaction id",
        lambda d: _append_copy(d.pfd.flowsheet.reactions, "id", "RX-7"),
        f"{FS}.reactions[RX-7]",
        "duplicate_reaction_id",
        Severity.ERROR,
    ),
    (
        "reaction species not a component",
        lambda d: _stoich(d, "RX-4", ozone=-1.0),
        f"{FS}.reactions[RX-4].stoichiometry[ozone]",
        "reaction_unknown_species",
        Severity.ERROR,
    ),
    (
        "reaction not balanced",
        lambda d: _stoich(d, "RX-1", water=5.0),
        f"{FS}.reactions[RX-1].stoichiometry",
        "reaction_element_imbalance",
        Severity.ERROR,
    ),
    (
        "reaction hosted nowhere",
        lambda d: _set(unit(d, "E-104"), reaction_ids=["RX-4"]),
        f"{FS}.reactions[RX-5]",
        "reaction_unhosted",
        Severity.WARNING,
    ),
    (
        "instrument on missing unit",
        lambda d: _set(instrument(d, "LT-201"), unit_tag="T-999"),
        f"{IN}.instruments[LT-201].unit_tag",
        "instrument_unknown_unit",
        Severity.ERROR,
    ),
    (
        "instrument on missing stream",
        lambda d: _set(instrument(d, "FT-101"), stream_id="S-999"),
        f"{IN}.instruments[FT-101].stream_id",
        "instrument_unknown_stream",
        Severity.ERROR,
    ),
    (
        "instrument type contradicts tag",
        lambda d: _set(instrument(d, "TT-102"), type=InstrumentType.CONTROL_VALVE),
        f"{IN}.instruments[TT-102].type",
        "instrument_type_mismatch",
        Severity.WARNING,
    ),
    (
        "duplicate instrument tag",
        lambda d: d.pid.instrumentation.instruments.append(
            Instrument(tag="PT-202", type=InstrumentType.TRANSMITTER)
        ),
        f"{IN}.instruments[PT-202]",
        "duplicate_instrument_tag",
        Severity.ERROR,
    ),
    (
        "loop sensor missing",
        lambda d: _set(loop(d, "LIC-201"), sensor="LT-999"),
        f"{IN}.control_loops[LIC-201].sensor",
        "loop_unknown_sensor",
        Severity.ERROR,
    ),
    (
        "loop sensor is a controller",
        lambda d: _set(loop(d, "LIC-201"), sensor="LIC-201"),
        f"{IN}.control_loops[LIC-201].sensor",
        "loop_sensor_not_measurement",
        Severity.ERROR,
    ),
    (
        "loop sensor measures pressure",
        lambda d: _set(loop(d, "LIC-201"), sensor="PT-202"),
        f"{IN}.control_loops[LIC-201].sensor",
        "loop_sensor_wrong_variable",
        Severity.ERROR,
    ),
    (
        "loop controller missing",
        lambda d: _set(loop(d, "PIC-202"), controller="PIC-999"),
        f"{IN}.control_loops[PIC-202].controller",
        "loop_unknown_controller",
        Severity.ERROR,
    ),
    (
        "loop controller is a transmitter",
        lambda d: _set(loop(d, "PIC-202"), controller="PT-202"),
        f"{IN}.control_loops[PIC-202].controller",
        "loop_controller_not_controller",
        Severity.ERROR,
    ),
    (
        "loop controller of another variable",
        lambda d: _set(loop(d, "PIC-202"), controller="LIC-201"),
        f"{IN}.control_loops[PIC-202].controller",
        "loop_controller_wrong_variable",
        Severity.WARNING,
    ),
    (
        "loop final element missing",
        lambda d: _set(loop(d, "TIC-105"), final_element="TV-999"),
        f"{IN}.control_loops[TIC-105].final_element",
        "loop_unknown_final_element",
        Severity.ERROR,
    ),
    (
        "loop final element is a transmitter",
        lambda d: _set(loop(d, "TIC-105"), final_element="TT-105"),
        f"{IN}.control_loops[TIC-105].final_element",
        "loop_final_element_not_actuator",
        Severity.ERROR,
    ),
    (
        "loop manipulated stream missing",
        lambda d: _set(loop(d, "LIC-106"), manipulated_stream="S-999"),
        f"{IN}.control_loops[LIC-106].manipulated_stream",
        "loop_unknown_manipulated_stream",
        Severity.ERROR,
    ),
    (
        "ratio wild stream missing",
        lambda d: _set(loop(d, "FFIC-101"), wild_stream="S-999"),
        f"{IN}.control_loops[FFIC-101].wild_stream",
        "loop_unknown_wild_stream",
        Severity.ERROR,
    ),
    (
        "feedforward measurement missing",
        lambda d: _set(loop(d, "FIC-203"), disturbance_measurement="FT-999"),
        f"{IN}.control_loops[FIC-203].disturbance_measurement",
        "loop_unknown_disturbance_measurement",
        Severity.ERROR,
    ),
    (
        "cascade master missing",
        lambda d: _set(loop(d, "LIC-106"), master_loop="LIC-999"),
        f"{IN}.control_loops[LIC-106].master_loop",
        "loop_unknown_cascade_loop",
        Severity.ERROR,
    ),
    (
        "cascade master does not drive this loop",
        lambda d: _set(loop(d, "PIC-202"), master_loop="TIC-102"),
        f"{IN}.control_loops[PIC-202].master_loop",
        "loop_cascade_inconsistent",
        Severity.ERROR,
    ),
    (
        "duplicate loop id",
        lambda d: _append_copy(d.pid.instrumentation.control_loops, "id", "LIC-106"),
        f"{IN}.control_loops[LIC-106]",
        "duplicate_loop_id",
        Severity.ERROR,
    ),
    (
        "relief valve protects missing unit",
        lambda d: _set(d.pid.instrumentation.relief_valves[2], protected_unit="T-999"),
        f"{IN}.relief_valves[PSV-207].protected_unit",
        "relief_valve_unknown_unit",
        Severity.ERROR,
    ),
    (
        "duplicate relief valve",
        lambda d: _append_copy(d.pid.instrumentation.relief_valves, "tag", "PSV-112"),
        f"{IN}.relief_valves[PSV-112]",
        "duplicate_relief_valve_tag",
        Severity.ERROR,
    ),
    (
        "interlock trigger missing",
        lambda d: _set(d.pid.instrumentation.interlocks[1], trigger="TSHH-999"),
        f"{IN}.interlocks[I-102].trigger",
        "interlock_unknown_trigger",
        Severity.ERROR,
    ),
    (
        "interlock final element missing",
        lambda d: _replace_in_list(d.pid.instrumentation.interlocks[0].final_elements, 1, "FV-999"),
        f"{IN}.interlocks[I-101].final_elements[1]",
        "interlock_unknown_final_element",
        Severity.ERROR,
    ),
    (
        "duplicate interlock",
        lambda d: _append_copy(d.pid.instrumentation.interlocks, "id", "I-102"),
        f"{IN}.interlocks[I-102]",
        "duplicate_interlock_id",
        Severity.ERROR,
    ),
    (
        "ESD initiator missing",
        lambda d: _replace_in_list(d.pid.instrumentation.esd_systems[0].initiators, 3, "PSHH-999"),
        f"{IN}.esd_systems[ESD-1].initiators[3]",
        "esd_unknown_initiator",
        Severity.ERROR,
    ),
    (
        "ESD final element missing",
        lambda d: _replace_in_list(d.pid.instrumentation.esd_systems[0].final_elements, 0, "XV-999"),
        f"{IN}.esd_systems[ESD-1].final_elements[0]",
        "esd_unknown_final_element",
        Severity.ERROR,
    ),
    (
        "duplicate ESD",
        lambda d: _append_copy(d.pid.instrumentation.esd_systems, "id", "ESD-1"),
        f"{IN}.esd_systems[ESD-1]",
        "duplicate_esd_id",
        Severity.ERROR,
    ),
    (
        "line spec lists missing stream",
        lambda d: _replace_in_list(d.pid.instrumentation.line_specs[0].stream_ids, 1, "S-999"),
        f"{IN}.line_specs[A1].stream_ids[1]",
        "line_spec_unknown_stream",
        Severity.ERROR,
    ),
    (
        "duplicate line spec",
        lambda d: _append_copy(d.pid.instrumentation.line_specs, "id", "E1"),
        f"{IN}.line_specs[E1]",
        "duplicate_line_spec_id",
        Severity.ERROR,
    ),
    (
        "closure for missing unit",
        lambda d: _validation(d, unit_mass_balance_closure={"R-101": 1.0, "R-999": 1.0}),
        "validation.unit_mass_balance_closure[R-999]",
        "validation_unknown_unit",
        Severity.ERROR,
    ),
    (
        "duty for missing unit",
        lambda d: _validation(d, energy_duties={"E-999": {"value": 1, "unit": "MW"}}),
        "validation.energy_duties[E-999]",
        "validation_unknown_unit",
        Severity.ERROR,
    ),
    (
        "result for missing loop",
        lambda d: _validation(d, loop_results=[LoopResult(loop_id="XIC-1")]),
        "validation.loop_results[XIC-1].loop_id",
        "validation_unknown_loop",
        Severity.ERROR,
    ),
    (
        "provenance path dangles",
        lambda d: d.provenance.citations.append(
            Citation(path="pfd.flowsheet.units[R-999]", kg_fact_ids=["f"])
        ),
        "provenance.citations[4].path",
        "provenance_dangling_path",
        Severity.ERROR,
    ),
    (
        "provenance path to an unset part",
        lambda d: _set(d.provenance.citations[1], path="validation.converged"),
        "provenance.citations[1].path",
        "provenance_dangling_path",
        Severity.ERROR,
    ),
]


def test_reference_design_is_clean():
    assert validate_design(nitric_acid_design()) == []


@pytest.mark.parametrize(
    ("mutate", "path", "code", "severity"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_each_broken_reference_is_reported_exactly(mutate, path, code, severity):
    design = nitric_acid_design()
    mutate(design)
    issues = validate_design(design)
    assert [(i.path, i.code, i.severity) for i in issues] == [(path, code, severity)]
    assert issues[0].message
    assert path_exists(design, path)  # the issue points at the field holding the bad reference


def test_every_code_has_a_case():
    import autochem.domain.validation as module

    documented = {
        code
        for code in module.__doc__.replace(",", " ").replace("/", " ").split()
        if "_" in code and code.islower() and not code.startswith(("autochem", "validate"))
    }
    assert documented == {c[3] for c in CASES}


def test_all_broken_references_at_once_are_all_reported():
    design = nitric_acid_design()
    expected = set()
    seen_paths = set()
    for _, mutate, path, code, _ in CASES:
        if path in seen_paths or path.startswith("validation."):
            continue  # cases that rewrite the same field (or the whole report) would overwrite each other
        seen_paths.add(path)
        mutate(design)
        expected.add((path, code))
    design.validation = ValidationReport(
        status=ValidationStatus.FAILED,
        energy_duties={"E-999": {"value": 1, "unit": "MW"}},
        loop_results=[LoopResult(loop_id="XIC-1")],
    )
    expected |= {
        ("validation.energy_duties[E-999]", "validation_unknown_unit"),
        ("validation.loop_results[XIC-1].loop_id", "validation_unknown_loop"),
        # both of F-101's streams were re-pointed, so it is now unconnected as well
        ("pfd.flowsheet.units[F-101]", "unit_unconnected"),
    }
    found = {(i.path, i.code) for i in validate_design(design)}
    assert found == expected


def test_pid_without_pfd_dangles_everywhere_it_points_into_the_flowsheet():
    design = nitric_acid_design()
    design.pfd = None
    codes = {i.code for i in validate_design(design)}
    assert {
        "instrument_unknown_unit",
        "instrument_unknown_stream",
        "loop_unknown_manipulated_stream",
        "relief_valve_unknown_unit",
        "line_spec_unknown_stream",
        "provenance_dangling_path",
    } <= codes


def test_part_validators_take_a_path_prefix():
    design = nitric_acid_design()
    _set(stream(design, "S-3"), to_unit="F-999")
    issues = validate_flowsheet(design.pfd.flowsheet, path="flowsheet")
    assert [(i.path, i.code) for i in issues] == [
        ("flowsheet.streams[S-3].to_unit", "stream_unknown_to_unit")
    ]
    issues = validate_instrumentation(design.pid.instrumentation, design.pfd.flowsheet, path="p")
    assert issues == []


def test_issue_paths_always_resolve_on_random_designs():
    for seed in range(200):
        design = random_design(seed)
        for issue in validate_design(design):
            assert path_exists(design, issue.path), (seed, issue)
