"""Referential validation: every reference in a design must point at something of the right kind.

The models check themselves one object at a time (pydantic); these functions check across objects and
report *every* problem as an :class:`~autochem.domain.issues.Issue` with a path (see
:mod:`autochem.domain.paths`) and a ``code`` per kind of problem, in document order. They never raise on
bad content. A part that is absent (no PFD yet) counts as empty: a P&ID reference to a unit then dangles.

Codes (severity ERROR unless marked W = WARNING):

=================================== ==================================================================
duplicate_component, duplicate_unit_tag, duplicate_stream_id, duplicate_reaction_id,
duplicate_instrument_tag, duplicate_loop_id, duplicate_relief_valve_tag, duplicate_interlock_id,
duplicate_esd_id, duplicate_line_spec_id      an identifier used twice (reported at each repeat)
unit_tag_prefix_mismatch (W)        tag prefix unusual for the equipment type (R for reactors ...)
unit_unknown_reaction               unit hosts a reaction that is not defined
unit_conversion_exceeds_one         hosted reactions consume more than all of one key reactant
unit_unconnected (W)                no stream enters or leaves the unit
stream_unknown_from_unit / stream_unknown_to_unit   stream connects to a missing unit
stream_unconnected                  stream has neither a source nor a destination
stream_unknown_component            composition names a component not in the flowsheet
reaction_unknown_species            stoichiometry names a component not in the flowsheet
reaction_element_imbalance          atoms not conserved (checked when every species has a formula)
reaction_unhosted (W)               no unit hosts the reaction
instrument_unknown_unit / instrument_unknown_stream   instrument located on a missing unit/stream
instrument_type_mismatch (W)        declared type disagrees with the ISA letters (a "TT" that is a valve)
loop_unknown_sensor, loop_sensor_not_measurement, loop_sensor_wrong_variable
loop_unknown_controller, loop_controller_not_controller, loop_controller_wrong_variable (W)
loop_unknown_final_element, loop_final_element_not_actuator
loop_unknown_manipulated_stream, loop_unknown_wild_stream, loop_unknown_disturbance_measurement
loop_unknown_cascade_loop, loop_cascade_inconsistent   cascade partner missing, or not pointing back
relief_valve_unknown_unit           relief device protects a missing unit
interlock_unknown_trigger / interlock_unknown_final_element
esd_unknown_initiator / esd_unknown_final_element
line_spec_unknown_stream            line spec lists a missing stream
validation_unknown_unit / validation_unknown_loop     report results for a missing unit/loop
provenance_dangling_path            citation path points at nothing in the design
=================================== ==================================================================
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from autochem.domain.design import Design, Provenance, ValidationReport
from autochem.domain.flowsheet import UNIT_TAG_PREFIXES, Flowsheet
from autochem.domain.instrumentation import (
    FINAL_ELEMENT_TYPES,
    INSTRUMENT_TYPE_FITS_TAG,
    ISA_FIRST_LETTER,
    Instrument,
    Instrumentation,
)
from autochem.domain.issues import Issue, Severity
from autochem.domain.paths import path_exists
from autochem.domain.tags import EquipmentTag

_EMPTY_FLOWSHEET = Flowsheet()
_EMPTY_INSTRUMENTATION = Instrumentation()


class _Report:
    def __init__(self) -> None:
        self.issues: list[Issue] = []

    def error(self, path: str, code: str, message: str, suggestion: str = "") -> None:
        self.issues.append(
            Issue(severity=Severity.ERROR, path=path, code=code, message=message, suggestion=suggestion)
        )

    def warning(self, path: str, code: str, message: str, suggestion: str = "") -> None:
        self.issues.append(
            Issue(severity=Severity.WARNING, path=path, code=code, message=message, suggestion=suggestion)
        )

    def duplicates(self, items: Sequence[Any], key: str, path: str, collection: str, code: str) -> None:
        seen: set[str] = set()
        for item in items:
            ident = getattr(item, key)
            if ident in seen:
                self.error(
                    f"{path}.{collection}[{ident}]",
                    code,
                    f"{collection} {key} {ident!r} is used more than once",
                )
            seen.add(ident)


def _first_by(items: Iterable[Any], key: str) -> dict[str, Any]:
    """Index items by identifier; with duplicates the first wins (the repeats are reported separately)."""
    index: dict[str, Any] = {}
    for item in items:
        index.setdefault(getattr(item, key), item)
    return index


def validate_design(design: Design) -> list[Issue]:
    """Every broken reference and inconsistency in ``design``; an empty list means clean."""
    flowsheet = design.pfd.flowsheet if design.pfd is not None else None
    instrumentation = design.pid.instrumentation if design.pid is not None else None
    issues: list[Issue] = []
    if flowsheet is not None:
        issues += validate_flowsheet(flowsheet)
    if instrumentation is not None:
        issues += validate_instrumentation(instrumentation, flowsheet)
    if design.validation is not None:
        issues += validate_validation_report(design.validation, flowsheet, instrumentation)
    if design.provenance is not None:
        issues += validate_provenance(design.provenance, design)
    return issues


def validate_flowsheet(flowsheet: Flowsheet, path: str = "pfd.flowsheet") -> list[Issue]:
    report = _Report()
    report.duplicates(flowsheet.components, "name", path, "components", "duplicate_component")
    report.duplicates(flowsheet.units, "tag", path, "units", "duplicate_unit_tag")
    report.duplicates(flowsheet.streams, "id", path, "streams", "duplicate_stream_id")
    report.duplicates(flowsheet.reactions, "id", path, "reactions", "duplicate_reaction_id")

    components = _first_by(flowsheet.components, "name")
    units = _first_by(flowsheet.units, "tag")
    reactions = _first_by(flowsheet.reactions, "id")
    connected = {s.from_unit for s in flowsheet.streams} | {s.to_unit for s in flowsheet.streams}
    hosted = {rid for unit in flowsheet.units for rid in unit.reaction_ids}

    for unit in flowsheet.units:
        at = f"{path}.units[{unit.tag}]"
        prefix = EquipmentTag.parse(unit.tag).prefix
        expected = UNIT_TAG_PREFIXES.get(unit.type)
        if expected is not None and prefix not in expected:
            report.warning(
                f"{at}.tag",
                "unit_tag_prefix_mismatch",
                f"prefix {prefix!r} is unusual for a {unit.type.value}",
                f"use one of {sorted(expected)}",
            )
        consumed: dict[str, float] = defaultdict(float)
        for i, rid in enumerate(unit.reaction_ids):
            reaction = reactions.get(rid)
            if reaction is None:
                report.error(
                    f"{at}.reaction_ids[{i}]",
                    "unit_unknown_reaction",
                    f"unit {unit.tag} hosts reaction {rid!r}, which is not defined",
                )
            elif reaction.conversion is not None:
                consumed[reaction.key_reactant] += reaction.conversion
        for species, total in consumed.items():
            if total > 1.0 + 1e-9:
                report.error(
                    f"{at}.reaction_ids",
                    "unit_conversion_exceeds_one",
                    f"hosted reactions convert {total:.4g} of key reactant {species!r} (more than all)",
                )
        if unit.tag not in connected:
            report.warning(at, "unit_unconnected", f"no stream enters or leaves {unit.tag}")

    for stream in flowsheet.streams:
        at = f"{path}.streams[{stream.id}]"
        if stream.from_unit is None and stream.to_unit is None:
            report.error(
                at, "stream_unconnected", f"stream {stream.id} has neither a source nor a destination"
            )
        if stream.from_unit is not None and stream.from_unit not in units:
            report.error(
                f"{at}.from_unit",
                "stream_unknown_from_unit",
                f"stream {stream.id} leaves unit {stream.from_unit!r}, which does not exist",
            )
        if stream.to_unit is not None and stream.to_unit not in units:
            report.error(
                f"{at}.to_unit",
                "stream_unknown_to_unit",
                f"stream {stream.id} enters unit {stream.to_unit!r}, which does not exist",
            )
        if stream.composition is not None:
            for name in stream.composition.fractions:
                if name not in components:
                    report.error(
                        f"{at}.composition.fractions[{name}]",
                        "stream_unknown_component",
                        f"stream {stream.id} contains {name!r}, which is not a component",
                    )

    for reaction in flowsheet.reactions:
        at = f"{path}.reactions[{reaction.id}]"
        unknown = [s for s in reaction.stoichiometry if s not in components]
        for species in unknown:
            report.error(
                f"{at}.stoichiometry[{species}]",
                "reaction_unknown_species",
                f"reaction {reaction.id} uses {species!r}, which is not a component",
            )
        if not unknown:
            imbalance = element_imbalance(
                reaction.stoichiometry, {n: c.formula for n, c in components.items()}
            )
            if imbalance:
                report.error(
                    f"{at}.stoichiometry",
                    "reaction_element_imbalance",
                    f"reaction {reaction.id} does not conserve {', '.join(sorted(imbalance))}: "
                    + ", ".join(f"{e} {d:+g}" for e, d in sorted(imbalance.items())),
                )
        if reaction.id not in hosted:
            report.warning(at, "reaction_unhosted", f"no unit hosts reaction {reaction.id}")
    return report.issues


def validate_instrumentation(
    instrumentation: Instrumentation, flowsheet: Flowsheet | None, path: str = "pid.instrumentation"
) -> list[Issue]:
    report = _Report()
    flowsheet = flowsheet if flowsheet is not None else _EMPTY_FLOWSHEET
    units = _first_by(flowsheet.units, "tag")
    streams = _first_by(flowsheet.streams, "id")
    report.duplicates(instrumentation.instruments, "tag", path, "instruments", "duplicate_instrument_tag")
    report.duplicates(instrumentation.control_loops, "id", path, "control_loops", "duplicate_loop_id")
    report.duplicates(
        instrumentation.relief_valves, "tag", path, "relief_valves", "duplicate_relief_valve_tag"
    )
    report.duplicates(instrumentation.interlocks, "id", path, "interlocks", "duplicate_interlock_id")
    report.duplicates(instrumentation.esd_systems, "id", path, "esd_systems", "duplicate_esd_id")
    report.duplicates(instrumentation.line_specs, "id", path, "line_specs", "duplicate_line_spec_id")
    instruments: dict[str, Instrument] = _first_by(instrumentation.instruments, "tag")
    loops = _first_by(instrumentation.control_loops, "id")

    for instrument in instrumentation.instruments:
        at = f"{path}.instruments[{instrument.tag}]"
        if instrument.unit_tag is not None and instrument.unit_tag not in units:
            report.error(
                f"{at}.unit_tag",
                "instrument_unknown_unit",
                f"{instrument.tag} is located on unit {instrument.unit_tag!r}, which does not exist",
            )
        if instrument.stream_id is not None and instrument.stream_id not in streams:
            report.error(
                f"{at}.stream_id",
                "instrument_unknown_stream",
                f"{instrument.tag} is located on stream {instrument.stream_id!r}, which does not exist",
            )
        if not INSTRUMENT_TYPE_FITS_TAG[instrument.type](instrument.isa):
            report.warning(
                f"{at}.type",
                "instrument_type_mismatch",
                f"{instrument.tag} is declared a {instrument.type.value}, which its ISA letters "
                f"{instrument.isa.letters!r} do not describe",
            )

    for loop in instrumentation.control_loops:
        at = f"{path}.control_loops[{loop.id}]"
        letter = ISA_FIRST_LETTER[loop.measured_variable]
        sensor = instruments.get(loop.sensor)
        if sensor is None:
            report.error(
                f"{at}.sensor", "loop_unknown_sensor", f"loop {loop.id}: no instrument {loop.sensor!r}"
            )
        else:
            if not sensor.isa.is_measurement:
                report.error(
                    f"{at}.sensor",
                    "loop_sensor_not_measurement",
                    f"loop {loop.id}: {sensor.tag} is not a transmitter or primary element",
                )
            if sensor.isa.first_letter != letter:
                report.error(
                    f"{at}.sensor",
                    "loop_sensor_wrong_variable",
                    f"loop {loop.id} controls {loop.measured_variable.value} ({letter}) but "
                    f"{sensor.tag} measures {sensor.isa.first_letter}",
                )
        controller = instruments.get(loop.controller)
        if controller is None:
            report.error(
                f"{at}.controller",
                "loop_unknown_controller",
                f"loop {loop.id}: no instrument {loop.controller!r}",
            )
        else:
            if not controller.isa.is_controller:
                report.error(
                    f"{at}.controller",
                    "loop_controller_not_controller",
                    f"loop {loop.id}: {controller.tag} has no control function (C)",
                )
            if controller.isa.first_letter != letter:
                report.warning(
                    f"{at}.controller",
                    "loop_controller_wrong_variable",
                    f"loop {loop.id} controls {loop.measured_variable.value} ({letter}) but the "
                    f"controller is tagged {controller.tag}",
                )
        if loop.final_element is not None:
            element = instruments.get(loop.final_element)
            if element is None:
                report.error(
                    f"{at}.final_element",
                    "loop_unknown_final_element",
                    f"loop {loop.id}: no instrument {loop.final_element!r}",
                )
            elif not (element.isa.is_final_element or element.type in FINAL_ELEMENT_TYPES):
                report.error(
                    f"{at}.final_element",
                    "loop_final_element_not_actuator",
                    f"loop {loop.id}: {element.tag} is not a valve or actuator",
                )
        for field, code in (
            ("manipulated_stream", "loop_unknown_manipulated_stream"),
            ("wild_stream", "loop_unknown_wild_stream"),
        ):
            stream_id = getattr(loop, field)
            if stream_id is not None and stream_id not in streams:
                report.error(f"{at}.{field}", code, f"loop {loop.id}: no stream {stream_id!r}")
        if loop.disturbance_measurement is not None and loop.disturbance_measurement not in instruments:
            report.error(
                f"{at}.disturbance_measurement",
                "loop_unknown_disturbance_measurement",
                f"loop {loop.id}: no instrument {loop.disturbance_measurement!r}",
            )
        _check_cascade(report, loop, loops, at)

    for valve in instrumentation.relief_valves:
        if valve.protected_unit not in units:
            report.error(
                f"{path}.relief_valves[{valve.tag}].protected_unit",
                "relief_valve_unknown_unit",
                f"{valve.tag} protects unit {valve.protected_unit!r}, which does not exist",
            )
    for interlock in instrumentation.interlocks:
        at = f"{path}.interlocks[{interlock.id}]"
        if interlock.trigger not in instruments:
            report.error(
                f"{at}.trigger",
                "interlock_unknown_trigger",
                f"interlock {interlock.id}: no instrument {interlock.trigger!r}",
            )
        _check_tags(
            report,
            interlock.final_elements,
            instruments,
            f"{at}.final_elements",
            "interlock_unknown_final_element",
            f"interlock {interlock.id}",
        )
    for esd in instrumentation.esd_systems:
        at = f"{path}.esd_systems[{esd.id}]"
        _check_tags(report, esd.initiators, instruments, f"{at}.initiators", "esd_unknown_initiator", esd.id)
        _check_tags(
            report,
            esd.final_elements,
            instruments,
            f"{at}.final_elements",
            "esd_unknown_final_element",
            esd.id,
        )
    for spec in instrumentation.line_specs:
        for i, stream_id in enumerate(spec.stream_ids):
            if stream_id not in streams:
                report.error(
                    f"{path}.line_specs[{spec.id}].stream_ids[{i}]",
                    "line_spec_unknown_stream",
                    f"line spec {spec.id} lists stream {stream_id!r}, which does not exist",
                )
    return report.issues


def _check_cascade(report: _Report, loop: Any, loops: dict[str, Any], at: str) -> None:
    if loop.secondary_loop is not None:
        secondary = loops.get(loop.secondary_loop)
        if secondary is None:
            report.error(
                f"{at}.secondary_loop",
                "loop_unknown_cascade_loop",
                f"loop {loop.id}: no secondary loop {loop.secondary_loop!r}",
            )
        elif secondary is loop or secondary.master_loop not in (None, loop.id):
            report.error(
                f"{at}.secondary_loop",
                "loop_cascade_inconsistent",
                f"loop {loop.id} drives {secondary.id}, whose master is {secondary.master_loop!r}",
            )
    if loop.master_loop is not None:
        master = loops.get(loop.master_loop)
        if master is None:
            report.error(
                f"{at}.master_loop",
                "loop_unknown_cascade_loop",
                f"loop {loop.id}: no master loop {loop.master_loop!r}",
            )
        elif master is loop or master.secondary_loop != loop.id:
            report.error(
                f"{at}.master_loop",
                "loop_cascade_inconsistent",
                f"loop {loop.id} names master {master.id}, which does not drive it "
                f"(its secondary_loop is {master.secondary_loop!r})",
            )


def _check_tags(
    report: _Report, tags: list[str], instruments: dict[str, Instrument], path: str, code: str, owner: str
) -> None:
    for i, tag in enumerate(tags):
        if tag not in instruments:
            report.error(f"{path}[{i}]", code, f"{owner}: no instrument {tag!r}")


def validate_validation_report(
    validation: ValidationReport,
    flowsheet: Flowsheet | None,
    instrumentation: Instrumentation | None,
    path: str = "validation",
) -> list[Issue]:
    report = _Report()
    units = {u.tag for u in (flowsheet or _EMPTY_FLOWSHEET).units}
    loops = {loop.id for loop in (instrumentation or _EMPTY_INSTRUMENTATION).control_loops}
    for field in ("unit_mass_balance_closure", "energy_duties"):
        for tag in getattr(validation, field):
            if tag not in units:
                report.error(
                    f"{path}.{field}[{tag}]",
                    "validation_unknown_unit",
                    f"result for unit {tag!r}, which is not in the flowsheet",
                )
    for result in validation.loop_results:
        if result.loop_id not in loops:
            report.error(
                f"{path}.loop_results[{result.loop_id}].loop_id",
                "validation_unknown_loop",
                f"result for loop {result.loop_id!r}, which is not in the P&ID",
            )
    return report.issues


def validate_provenance(provenance: Provenance, design: Design, path: str = "provenance") -> list[Issue]:
    report = _Report()
    for i, citation in enumerate(provenance.citations):
        if not path_exists(design, citation.path):
            report.error(
                f"{path}.citations[{i}].path",
                "provenance_dangling_path",
                f"citation points at {citation.path!r}, which is not in the design",
            )
    return report.issues


# --- element balance ---------------------------------------------------------------------------------

_TOKEN_RE = re.compile(r"([A-Z][a-z]?)|([(\[])|([)\]])|(\d+)")


def element_counts(formula: str) -> Counter[str] | None:
    """Atoms in a formula (``Ca(OH)2``, ``CuSO4·5H2O``); None for ions or anything it cannot read."""
    if re.search(r"[+-]", formula):
        return None
    total: Counter[str] = Counter()
    for part in re.split(r"[·.]", formula):
        match = re.match(r"^(\d+)(.*)$", part)
        multiplier, body = (int(match[1]), match[2]) if match else (1, part)
        counts = _parse_group(body)
        if counts is None:
            return None
        for element, n in counts.items():
            total[element] += n * multiplier
    return total


def _parse_group(body: str) -> Counter[str] | None:
    stack: list[Counter[str]] = [Counter()]
    last: Counter[str] | None = None  # what a following count multiplies
    last_element: str | None = None
    pos = 0
    while pos < len(body):
        match = _TOKEN_RE.match(body, pos)
        if match is None:
            return None
        element, opening, closing, digits = match.groups()
        pos = match.end()
        if element:
            stack[-1][element] += 1
            last, last_element = None, element
        elif opening:
            stack.append(Counter())
            last = last_element = None
        elif closing:
            if len(stack) == 1:
                return None
            group = stack.pop()
            stack[-1].update(group)
            last, last_element = group, None
        else:
            n = int(digits)
            if last_element is not None:
                stack[-1][last_element] += n - 1
            elif last is not None:
                for e, c in last.items():
                    stack[-1][e] += c * (n - 1)
            else:
                return None
            last = last_element = None
    return stack[0] if len(stack) == 1 else None


def element_imbalance(stoichiometry: dict[str, float], formulas: dict[str, str | None]) -> dict[str, float]:
    """Net atoms created per element (nonzero entries only); empty when balanced or not checkable."""
    net: dict[str, float] = defaultdict(float)
    for species, coefficient in stoichiometry.items():
        formula = formulas.get(species)
        counts = element_counts(formula) if formula else None
        if counts is None:
            return {}
        for element, n in counts.items():
            net[element] += coefficient * n
    scale = max((abs(c) for c in stoichiometry.values()), default=1.0)
    return {e: d for e, d in net.items() if not math.isclose(d, 0.0, abs_tol=1e-9 * scale)}
