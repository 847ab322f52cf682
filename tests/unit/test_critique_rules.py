"""Measured acceptance of the critique rules: seeded defects in the five reference designs are found, and
the clean reference designs raise no error.

Each defect is one realistic drafting mistake applied to a fresh reference design; it counts as found when
an issue with the expected code appears at (or below) the expected path. Mutations that the models' own
validators would refuse (a negative absolute pressure, a malformed tag) go through ``model_copy`` /
``model_construct``, as a design assembled from unvalidated model output would.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from autochem.critique import critique_design, parse_llm_issues, run_rules
from autochem.domain import Instrument, InstrumentType, Quantity, ReliefValve, Severity, Unit, UnitType
from autochem.domain.examples import (
    ammonia_design,
    methanol_design,
    nitric_acid_design,
    reference_designs,
    styrene_design,
    sulfuric_acid_design,
)
from autochem.inference.api import FinishReason, GenerationResult

FS = "pfd.flowsheet"
PI = "pid.instrumentation"


def q(value, unit):
    return Quantity(value=value, unit=unit)


def _find(items, key, value):
    return next(i for i, item in enumerate(items) if getattr(item, key) == value)


def set_unit(**changes):
    def apply(design, tag):
        units = design.pfd.flowsheet.units
        i = _find(units, "tag", tag)
        units[i] = units[i].model_copy(update=changes)

    return apply


def edit_unit(tag, **changes):
    return lambda d: set_unit(**changes)(d, tag)


def edit_stream(sid, **changes):
    def apply(design):
        streams = design.pfd.flowsheet.streams
        i = _find(streams, "id", sid)
        streams[i] = streams[i].model_copy(update=changes)

    return apply


def remove(collection, key, *values):
    def apply(design):
        owner = (
            design.pfd.flowsheet
            if collection in ("units", "streams", "components")
            else design.pid.instrumentation
        )
        items = getattr(owner, collection)
        items[:] = [item for item in items if getattr(item, key) not in values]

    return apply


def edit_instrument(current_tag, **changes):
    def apply(design):
        items = design.pid.instrumentation.instruments
        i = _find(items, "tag", current_tag)
        items[i] = Instrument.model_construct(**{**dict(items[i]), **changes})

    return apply


def edit_item(collection, key, value, **changes):
    def apply(design):
        items = getattr(design.pid.instrumentation, collection)
        i = _find(items, key, value)
        items[i] = items[i].model_copy(update=changes)

    return apply


def add_unit(unit):
    return lambda d: d.pfd.flowsheet.units.append(unit)


def both(*mutations):
    def apply(design):
        for mutation in mutations:
            mutation(design)

    return apply


@dataclass(frozen=True)
class Defect:
    name: str
    design: str
    mutate: Callable
    code: str
    path: str


U = lambda tag: f"{FS}.units[{tag}]"  # noqa: E731
S = lambda sid: f"{FS}.streams[{sid}]"  # noqa: E731
L = lambda lid: f"{PI}.control_loops[{lid}]"  # noqa: E731

DEFECTS = [
    # nitric acid
    Defect("loop missing its valve", "nitric acid", remove("instruments", "tag", "LV-106"), "loop_unknown_final_element", f"{L('LIC-106')}.final_element"),
    Defect("dangling stream", "nitric acid", edit_stream("S-13", to_unit="V-999"), "stream_unknown_to_unit", f"{S('S-13')}.to_unit"),
    Defect("bad ISA tag", "nitric acid", edit_instrument("TT-105", tag="TQ-105"), "isa_tag_invalid", f"{PI}.instruments[TQ-105].tag"),
    Defect("pump lowering pressure", "nitric acid", edit_stream("S-15", pressure=q(3.0, "bar")), "pump_pressure_not_raised", U("P-101A")),
    Defect("cooler heating", "nitric acid", edit_stream("S-18", temperature=q(200, "degC")), "cooler_heats", U("E-105")),
    Defect("negative absolute pressure", "nitric acid", edit_stream("S-24", pressure=q(-0.5, "bar")), "pressure_not_positive", f"{S('S-24')}.pressure"),
    Defect("missing product stream", "nitric acid", remove("streams", "id", "S-25"), "product_stream_missing", f"{FS}.streams"),
    Defect("unconnected unit", "nitric acid", add_unit(Unit(tag="V-199", type=UnitType.VESSEL, name="spare drum")), "unit_unconnected", U("V-199")),
    Defect("compressor without control", "nitric acid", remove("control_loops", "id", "PIC-202"), "compressor_without_control", U("C-102")),
    Defect("vessel without level control", "nitric acid", remove("control_loops", "id", "LIC-106"), "vessel_without_level_control", U("V-101")),
    Defect("interlock with missing trip instrument", "nitric acid", remove("instruments", "tag", "TSHH-108"), "interlock_unknown_trigger", f"{PI}.interlocks[I-102].trigger"),
    Defect("exothermic reactor without temperature control", "nitric acid", remove("control_loops", "id", "TIC-102"), "exothermic_reactor_without_temperature_control", U("R-101")),
    Defect("gauze below light-off", "nitric acid", edit_unit("R-101", temperature=q(600, "degC")), "reactor_temperature_outside_catalyst_window", U("R-101")),
    # sulfuric acid
    Defect("V2O5 bed overheated", "sulfuric acid", edit_unit("R-102", temperature=q(700, "degC")), "reactor_temperature_outside_catalyst_window", U("R-102")),
    Defect("bed without inlet temperature control", "sulfuric acid", remove("control_loops", "id", "TIC-105"), "exothermic_reactor_without_temperature_control", U("R-103")),
    Defect("blower lowering pressure", "sulfuric acid", edit_stream("S-5", pressure=q(0.9, "bar")), "compressor_pressure_not_raised", U("K-101")),
    Defect("boiler without relief", "sulfuric acid", remove("relief_valves", "tag", "PSV-118"), "pressure_vessel_without_relief", U("E-101")),
    Defect("pump tank without level control", "sulfuric acid", remove("control_loops", "id", "LIC-108"), "vessel_without_level_control", U("V-101")),
    Defect("ESD initiated by a valve", "sulfuric acid", edit_item("esd_systems", "id", "ESD-1", initiators=["HS-001", "XV-117"]), "esd_initiator_not_trip_instrument", f"{PI}.esd_systems[ESD-1].initiators[1]"),
    Defect("temperature above 2000 °C", "sulfuric acid", edit_unit("R-101", temperature=q(2500, "degC")), "temperature_implausible", U("R-101")),
    Defect("acid return leaves the plant", "sulfuric acid", edit_stream("S-24", to_unit=None), "unit_mass_imbalance", U("V-101")),
    Defect("product recycled instead of delivered", "sulfuric acid", edit_stream("S-32", to_unit="V-101"), "product_stream_missing", f"{FS}.streams"),
    # ammonia
    Defect("let-down vessel without relief", "ammonia", remove("relief_valves", "tag", "PSV-116"), "pressure_vessel_without_relief", U("V-102")),
    Defect("syngas compressor without control", "ammonia", remove("control_loops", "id", "PIC-101", "SIC-102", "FIC-103"), "compressor_without_control", U("C-101")),
    Defect("separator hotter than feed", "ammonia", edit_unit("V-101", temperature=q(20, "degC")), "separator_hotter_than_feed", U("V-101")),
    Defect("iron catalyst overheated", "ammonia", edit_unit("R-101", temperature=q(650, "degC")), "reactor_temperature_outside_catalyst_window", U("R-101")),
    Defect("transmitter declared a control valve", "ammonia", edit_instrument("LT-107", type=InstrumentType.CONTROL_VALVE), "isa_final_element_tag_mismatch", f"{PI}.instruments[LT-107]"),
    Defect("interlock triggered by a controller", "ammonia", edit_item("interlocks", "id", "I-101", trigger="TIC-105"), "interlock_trigger_not_trip_instrument", f"{PI}.interlocks[I-101].trigger"),
    Defect("flash drum above feed pressure", "ammonia", edit_unit("V-102", pressure=q(200, "bar")), "separator_pressure_above_feed", U("V-102")),
    # methanol
    Defect("reactor without relief", "methanol", remove("relief_valves", "tag", "PSV-130", "PSV-131"), "pressure_vessel_without_relief", U("R-101")),
    Defect("methanol reactor without temperature control", "methanol", remove("control_loops", "id", "TIC-104"), "exothermic_reactor_without_temperature_control", U("R-101")),
    Defect("copper catalyst overheated", "methanol", edit_unit("R-101", temperature=q(350, "degC")), "reactor_temperature_outside_catalyst_window", U("R-101")),
    Defect("cascade secondary without valve", "methanol", remove("instruments", "tag", "PV-105"), "loop_unknown_final_element", f"{L('PIC-105')}.final_element"),
    Defect("column without sump level control", "methanol", remove("control_loops", "id", "LIC-113"), "vessel_without_level_control", U("T-102")),
    Defect("air cooler heating", "methanol", edit_stream("S-7", temperature=q(150, "degC")), "cooler_heats", U("E-102")),
    Defect("unit hosts an undefined reaction", "methanol", edit_unit("R-101", reaction_ids=["RX-1", "RX-2", "RX-3", "RX-9"]), "unit_unknown_reaction", U("R-101")),
    # styrene
    Defect("fired heater cooling", "styrene", edit_stream("S-7", temperature=q(100, "degC")), "heater_cools", U("H-101")),
    Defect("temperature below absolute zero", "styrene", edit_stream("S-23", temperature=q(-300, "degC")), "temperature_below_absolute_zero", S("S-23")),
    Defect("decanter without level control", "styrene", remove("control_loops", "id", "LIC-108", "LIC-109"), "vessel_without_level_control", U("V-101")),
    Defect("vent gas compressor without control", "styrene", remove("control_loops", "id", "PIC-107"), "compressor_without_control", U("C-101")),
    Defect(
        "relief device tagged as a control valve",
        "styrene",
        lambda d: d.pid.instrumentation.relief_valves.__setitem__(
            0, ReliefValve.model_construct(**{**dict(d.pid.instrumentation.relief_valves[0]), "tag": "PV-130"})
        ),
        "relief_tag_not_safety_device",
        f"{PI}.relief_valves[PV-130]",
    ),
    Defect("dehydrogenation too cold", "styrene", edit_unit("R-101", temperature=q(450, "degC")), "reactor_temperature_outside_catalyst_window", U("R-101")),
    Defect("loop controller is a transmitter", "styrene", edit_item("control_loops", "id", "FIC-115", controller="FT-115"), "loop_controller_not_controller", f"{L('FIC-115')}.controller"),
    Defect("loop numbers mixed", "styrene", edit_item("control_loops", "id", "TIC-113", final_element="TV-116"), "loop_tag_number_mismatch", L("TIC-113")),
]  # fmt: skip


BUILDERS = {
    "nitric acid": nitric_acid_design,
    "sulfuric acid": sulfuric_acid_design,
    "ammonia": ammonia_design,
    "methanol": methanol_design,
    "styrene": styrene_design,
}


def run_defect(defect: Defect) -> tuple[bool, list]:
    design = BUILDERS[defect.design]()
    defect.mutate(design)
    issues = run_rules(design)
    found = any(i.code == defect.code and i.path.startswith(defect.path) for i in issues)
    return found, issues


def test_clean_reference_designs_raise_no_error():
    print("\nclean reference designs (issues by severity):")
    for name, design in reference_designs().items():
        issues = run_rules(design)
        errors = [i for i in issues if i.severity in (Severity.ERROR, Severity.BLOCKING)]
        warnings = [i for i in issues if i.severity is Severity.WARNING]
        print(
            f"  {name:14s} error {len(errors)}  warning {len(warnings)}  info {len(issues) - len(errors) - len(warnings)}"
        )
        for issue in warnings:
            print(f"      {issue}")
        assert not errors, [str(i) for i in errors]
        # The one warning left is a real gap of the nitric acid reference (its bleacher T-102 drains to the
        # atmospheric tank without level control); the other four are clean of warnings too.
        assert [i.code for i in warnings] in ([], ["vessel_without_level_control"]), [
            str(i) for i in warnings
        ]
        if name != "nitric acid":
            assert not warnings


def test_seeded_defects_are_found():
    assert len(DEFECTS) >= 30
    rows, misses = [], []
    for defect in DEFECTS:
        found, issues = run_defect(defect)
        rows.append((defect, found))
        # A found defect always surfaces as something the designer sees as a problem (not only INFO).
        assert not found or any(i.severity is not Severity.INFO for i in issues), defect.name
        if not found:
            misses.append((defect, [str(i) for i in issues if i.severity is not Severity.INFO][:5]))
    rate = sum(found for _, found in rows) / len(rows)
    print(f"\nseeded defects: {len(rows)}, found {sum(f for _, f in rows)} ({rate:.0%})")
    print(f"  {'design':14s} {'defect':48s} {'expected code':48s} found")
    for defect, found in rows:
        print(f"  {defect.design:14s} {defect.name:48s} {defect.code:48s} {'yes' if found else 'MISS'}")
    for defect, issues in misses:
        print(f"  MISS {defect.name}: got {issues}")
    assert rate >= 0.9, misses


# --------------------------------------------------------------------------- LLM and judge steps (fakes)


class FakeLlm:
    def __init__(self, text: str = "", error: Exception | None = None) -> None:
        self.text, self.error, self.requests = text, error, []

    async def generate(self, request):
        self.requests.append(request)
        if self.error is not None:
            raise self.error
        return GenerationResult(self.text, [], FinishReason.STOP, 0, "fake")


async def test_llm_output_never_blocks_and_is_treated_as_data():
    design = reference_designs()["ammonia"]
    text = "\n".join(
        [
            '{"severity": "blocking", "topic": "safety", "path": "process_context.safety", "issue": "No H2 '
            'detection \\u0000 mentioned.", "fix": "Add detectors."}',
            '{"severity": "info", "topic": "rm -rf /; DROP TABLE", "path": "pfd.flowsheet.units[X-999]", '
            '"issue": "' + "x" * 5000 + '"}',
            "not json at all",
        ]
    )
    llm = FakeLlm(text)
    report = await critique_design(design, llm=llm)
    llm_issues = [i for i in report.issues if i.code.startswith("llm_")]
    assert [i.severity for i in llm_issues] == [Severity.WARNING, Severity.INFO]
    assert llm_issues[0].path == "process_context.safety" and "\x00" not in llm_issues[0].message
    assert llm_issues[1].path == "" and len(llm_issues[1].message) <= 400  # invented path dropped
    assert all(c in "abcdefghijklmnopqrstuvwxyz0123456789_" for c in llm_issues[1].code)
    assert not report.blocking
    assert "ammonia" in llm.requests[0].messages[1].content


def test_parse_llm_bullets_and_none():
    design = reference_designs()["methanol"]
    assert parse_llm_issues("NONE", design) == []
    issues = parse_llm_issues("- WARNING: purge rate is not justified by an inerts balance\n- ok", design)
    assert len(issues) == 1 and issues[0].severity is Severity.WARNING and issues[0].code == "llm_review"


async def test_unreachable_llm_and_judge_give_the_rule_critique_with_info():
    design = reference_designs()["styrene"]

    def broken_judge(prompt, response):
        raise ConnectionError("reward-judge not up")

    report = await critique_design(
        design, llm=FakeLlm(error=ConnectionError("slm-inference not up")), judge=broken_judge
    )
    codes = {i.code: i for i in report.issues}
    assert codes["llm_critique_skipped"].severity is Severity.INFO
    assert "slm-inference not up" in codes["llm_critique_skipped"].message
    assert codes["judge_scores_skipped"].severity is Severity.INFO
    assert not report.blocking and report.scores == {}


async def test_judge_scores_are_clipped_and_attached():
    async def judge(prompt, response):
        assert "styrene" in prompt and "Control loops" in response
        return {"helpfulness": 3.5, "Correctness": 9.0, "verbosity": -1.0}

    report = await critique_design(reference_designs()["styrene"], judge=judge)
    assert report.scores == {"helpfulness": 3.5, "correctness": 4.0, "verbosity": 0.0}
    critique = report.to_critique()
    assert critique.scores == report.scores and critique.summary.startswith("no blocking issue")
