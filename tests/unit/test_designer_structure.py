"""The deterministic structurer: corpus prose in, a valid, mass-balanced flowsheet and P&ID out.

Texts are taken straight from the corpus documents' sections, as retrieval would hand them over: for the
chematlas documents the "Equipment and flow" section plays the PFD prose, "Route and reactions" the process
context, "Instrumentation and control" the P&ID prose, and the remaining sections come in as retrieved chunks;
the held-out documents have their own "Reference process", "PFD" and "P&ID" sections.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest

from autochem.critique import run_rules
from autochem.critique.rules import PRESSURE_VESSEL_TYPES
from autochem.designer.structure import (
    SourceText,
    StructuredDesign,
    build_flowsheet,
    build_instrumentation,
    extract_process_facts,
    structure_design,
)
from autochem.domain import Quantity, Severity, UnitType, validate_design
from autochem.domain.flowsheet import REACTOR_TYPES
from autochem.domain.validation import element_imbalance
from autochem.errors import InvalidArgument

CORPUS = Path(__file__).resolve().parents[2] / "libs" / "autochem" / "knowledge" / "corpus"
CORPUS_CHEMICALS = [
    "nitric-acid",
    "methanol",
    "ammonia",
    "sulfuric-acid",
    "ethylene-oxide",
    "cumene",
    "styrene",
    "acrylonitrile",
    "formaldehyde",
    "vinyl-chloride",
]
HELDOUT_CHEMICALS = ["dimethyl-ether", "ethylene-carbonate", "maleic-anhydride", "melamine"]
ALL = [f"chematlas/{c}" for c in CORPUS_CHEMICALS] + [f"heldout/{c}" for c in HELDOUT_CHEMICALS]
SERIOUS = {Severity.ERROR, Severity.WARNING, Severity.BLOCKING}


def _sections(path: Path) -> dict[str, str]:
    text = path.read_text(encoding="utf-8")
    body = text.split("\n---", 1)[1] if text.startswith("---") else text
    out = {}
    for part in re.split(r"^## ", body, flags=re.M)[1:]:
        title, _, content = part.partition("\n")
        out[title.strip()] = content.strip()
    return out


def _inputs(slug: str) -> tuple[str, str, str, str, list[SourceText]]:
    path = CORPUS / f"{slug}.md"
    chemical = re.search(r"^name: (.*)$", path.read_text(encoding="utf-8"), re.M).group(1).strip()
    s = _sections(path)
    uri = f"corpus://{slug}"
    if "PFD" in s:
        return chemical, s["Reference process"], s["PFD"], s["P&ID"], []
    chunks = [
        SourceText(s[name], chunk_id=f"{path.stem}#{i}", document_uri=uri, title=name)
        for i, name in enumerate(["Route and reactions", "Separation and purification", "Safety"])
    ]
    return (
        chemical,
        s["Route and reactions"],
        s["Equipment and flow"],
        s["Instrumentation and control"],
        chunks,
    )


@cache
def _design(slug: str) -> StructuredDesign:
    chemical, context, pfd, pid, chunks = _inputs(slug)
    return structure_design(
        chemical, context, pfd, pid, chunks, production_rate=Quantity(value=10, unit="t/h")
    )


@pytest.mark.parametrize("slug", ALL)
def test_design_passes_validation_and_critique_rules(slug: str) -> None:
    design = _design(slug).as_design()
    assert validate_design(design) == []
    serious = [str(i) for i in run_rules(design) if i.severity in SERIOUS]
    assert serious == []


@pytest.mark.parametrize("slug", ALL)
def test_reactions_are_atom_balanced(slug: str) -> None:
    structured = _design(slug)
    formulas = {c.name: c.formula for c in structured.flowsheet.components}
    assert structured.flowsheet.reactions
    assert all(formulas.values())  # every component has a formula, so the balance is really checked
    for reaction in structured.flowsheet.reactions:
        assert element_imbalance(reaction.stoichiometry, formulas) == {}, reaction.equation()
    for reaction in structured.facts.reactions:
        net: dict[str, float] = defaultdict(float)
        for name, coefficient in reaction.stoichiometry.items():
            species = next(s for s in structured.facts.species.values() if s.name == name)
            for element, n in species.counts:
                net[element] += coefficient * n
        assert all(abs(v) < 1e-9 for v in net.values()), reaction.equation


@pytest.mark.parametrize("slug", ALL)
def test_mass_balance_closes_overall_and_per_unit(slug: str) -> None:
    flowsheet = _design(slug).flowsheet
    kg_h = {s.id: s.flow.magnitude_in("kg/h") for s in flowsheet.streams}
    feeds = math.fsum(kg_h[s.id] for s in flowsheet.streams if s.from_unit is None)
    products = math.fsum(kg_h[s.id] for s in flowsheet.streams if s.to_unit is None)
    assert feeds > 0
    assert abs(products - feeds) / feeds <= 1e-3
    for unit in flowsheet.units:
        mass_in = math.fsum(kg_h[s.id] for s in flowsheet.streams if s.to_unit == unit.tag)
        mass_out = math.fsum(kg_h[s.id] for s in flowsheet.streams if s.from_unit == unit.tag)
        assert mass_in > 0 and mass_out > 0, unit.tag
        assert abs(mass_out - mass_in) / mass_in <= 1e-3, unit.tag
    for stream in flowsheet.streams:
        assert stream.from_unit is not None or stream.to_unit is not None
        assert kg_h[stream.id] > 0, stream.id


@pytest.mark.parametrize("slug", ALL)
def test_product_stream_carries_the_production_rate(slug: str) -> None:
    structured = _design(slug)
    name = structured.facts.product.name
    products = [s for s in structured.flowsheet.streams if s.name == f"{structured.chemical} product"]
    assert len(products) == 1 and products[0].to_unit is None
    fractions = products[0].composition.fractions
    assert max(fractions, key=fractions.get) == name and fractions[name] >= 0.5
    made = products[0].flow.magnitude_in("kg/h") * products[0].composition.fractions[name]
    assert made == pytest.approx(10_000, rel=1e-3)


@pytest.mark.parametrize("slug", ALL)
def test_every_equipment_phrase_of_the_pfd_prose_maps_to_a_unit(slug: str) -> None:
    structured = _design(slug)
    mentions = [m for m in structured.facts.equipment if m.span.text_index == 0]
    assert len(mentions) >= 3
    covered = defaultdict(set)
    units = {u.tag: u for u in structured.flowsheet.units}
    for tag, phrases in structured.unit_mentions.items():
        for phrase in phrases:
            covered[phrase].add(units[tag].type)
    for mention in mentions:
        assert mention.phrase in covered, mention.phrase
        assert mention.unit_type in covered[mention.phrase] or any(
            t in REACTOR_TYPES for t in covered[mention.phrase]
        ), mention.phrase


@pytest.mark.parametrize("slug", ALL)
def test_instrumentation_by_unit_type(slug: str) -> None:
    structured = _design(slug)
    flowsheet, pid = structured.flowsheet, structured.instrumentation
    protected = {r.protected_unit for r in pid.relief_valves}
    instruments = {i.tag: i for i in pid.instruments}
    for unit in flowsheet.units:
        if unit.type in PRESSURE_VESSEL_TYPES:
            assert unit.tag in protected, unit.tag
        if unit.type in REACTOR_TYPES:
            assert any(
                loop.measured_variable.value == "temperature"
                and instruments[loop.sensor].unit_tag == unit.tag
                for loop in pid.control_loops
            ), unit.tag
    reactant_feeds = [s for s in flowsheet.streams if s.from_unit is None]
    if len(reactant_feeds) >= 2:
        assert any(loop.strategy.value == "ratio" for loop in pid.control_loops)
    assert pid.esd_systems and pid.esd_systems[0].final_elements
    assert any(i.type.value == "analyzer" for i in pid.instruments)
    assert pid.line_specs


def test_heldout_designs_cover_three_or_more_chemicals() -> None:
    built = [_design(f"heldout/{c}") for c in HELDOUT_CHEMICALS]
    assert len({d.chemical for d in built}) >= 3


# ------------------------------------------------------------------------------------------- specifics


def test_nitric_acid_chemistry_units_and_materials() -> None:
    structured = _design("chematlas/nitric-acid")
    flowsheet = structured.flowsheet
    types = {u.type for u in flowsheet.units}
    assert UnitType.REACTOR_CONVERTER in types  # gauze converter / burner
    assert UnitType.ABSORBER in types and UnitType.WASTE_HEAT_BOILER in types
    absorber = next(u for u in flowsheet.units if u.type is UnitType.ABSORBER)
    hosted = [r for r in flowsheet.reactions if r.id in absorber.reaction_ids]
    assert any(r.stoichiometry.get("nitric acid", 0) > 0 for r in hosted)
    converter = next(u for u in flowsheet.units if u.type is UnitType.REACTOR_CONVERTER)
    assert 780 <= converter.temperature.magnitude_in("degC") <= 960
    first = flowsheet.reactions[0]
    assert first.stoichiometry == {"ammonia": -4, "oxygen": -5, "nitric oxide": 4, "water": 6}
    assert first.heat_of_reaction.magnitude_in("kJ/mol") == pytest.approx(-906)
    product = next(
        s for s in flowsheet.streams if s.to_unit is None and "nitric acid" in s.composition.fractions
    )
    assert product.composition.fractions["nitric acid"] == pytest.approx(
        structured.facts.product_strength, abs=1e-3
    )
    assert "stainless" in structured.instrumentation.line_specs[0].material.lower()
    assert any(i.trigger.startswith("TSHH") for i in structured.instrumentation.interlocks)
    assert any(c.chunk_ids for c in structured.citations)


def test_methanol_recycle_loop_with_purge() -> None:
    flowsheet = _design("chematlas/methanol").flowsheet
    types = [u.type for u in flowsheet.units]
    assert UnitType.SPLITTER in types
    units = {u.tag: u for u in flowsheet.units}
    assert any(
        s.name == "recycle" and units[s.to_unit].type is UnitType.MIXER
        for s in flowsheet.streams
        if s.to_unit
    )
    converter = next(u for u in flowsheet.units if "RX-2" in u.reaction_ids)
    assert 190 <= converter.temperature.magnitude_in("degC") <= 300
    assert 35 <= converter.pressure.magnitude_in("bar") <= 120


def test_dimethyl_ether_uses_stated_conversion_and_prose_tags() -> None:
    structured = _design("heldout/dimethyl-ether")
    reaction = structured.flowsheet.reactions[0]
    assert reaction.conversion == pytest.approx(0.775, abs=1e-3)  # "70-85 %" per pass
    tags = {u.tag for u in structured.flowsheet.units}
    assert {"R-101", "C-101", "C-102", "E-101"} <= tags


def test_production_rate_scales_every_flow() -> None:
    chemical, context, pfd, pid, chunks = _inputs("chematlas/cumene")
    small = structure_design(
        chemical, context, pfd, pid, chunks, production_rate=Quantity(value=5, unit="t/h")
    )
    large = structure_design(
        chemical, context, pfd, pid, chunks, production_rate=Quantity(value=240, unit="t/d")
    )
    for a, b in zip(small.flowsheet.streams, large.flowsheet.streams, strict=True):
        assert b.flow.value == pytest.approx(2 * a.flow.value, rel=1e-5)


def test_structuring_is_deterministic() -> None:
    chemical, context, pfd, pid, chunks = _inputs("chematlas/styrene")
    first = structure_design(chemical, context, pfd, pid, chunks)
    second = structure_design(chemical, context, pfd, pid, chunks)
    assert first.flowsheet == second.flowsheet and first.instrumentation == second.instrumentation


# ------------------------------------------------------------------------------------------- extraction


def test_equation_notations_and_names() -> None:
    texts = [
        "Oxidation: 4 NH3 + 5 O2 -> 4 NO + 6 H2O (ΔH = -906 kJ).",
        "Alkylation: benzene + propylene → cumene, ΔH ≈ \u221299 kJ/mol.",
        "Synthesis: N2 + 3H2 ⇌ 2NH3 at 450 °C and 20 MPa.",
        "Neutralization: 2 NaOH + H2SO4 = Na2SO4 + 2 H2O",
        "Oxidation: SO2 + ½O2 ⇌ SO3, ΔH ≈ \u221299 kJ/mol",
    ]
    facts = extract_process_facts("cumene", texts)
    written = {r.written() for r in facts.reactions}
    assert "4 ammonia + 5 oxygen -> 4 nitric oxide + 6 water" in written
    assert "benzene + propene -> cumene" in written
    assert facts.main is not None and facts.main.stoichiometry["cumene"] == 1
    assert facts.main.heat_of_reaction_kj_per_mol == pytest.approx(-99)
    assert facts.heat == "exothermic"
    synthesis = next(r for r in facts.reactions if "ammonia" in r.products)
    assert synthesis.reversible and synthesis.stoichiometry["hydrogen"] == -3
    assert synthesis.temperature_c == pytest.approx(450) and synthesis.pressure_bar == pytest.approx(200)
    assert any("sodium sulfate" in r.stoichiometry for r in facts.reactions)
    oxidation = next(r for r in facts.reactions if "sulfur trioxide" in r.stoichiometry)
    assert oxidation.stoichiometry["oxygen"] == -0.5


def test_unbalanced_equation_is_rebalanced_and_nonsense_rejected() -> None:
    facts = extract_process_facts(
        "nitric oxide", ["The burner converts NH3 + O2 → NO + H2O quickly.", "X + Q2 → Z9"]
    )
    reaction = facts.main
    assert reaction is not None and reaction.rebalanced
    assert reaction.stoichiometry == {"ammonia": -4, "oxygen": -5, "nitric oxide": 4, "water": 6}


def test_conditions_units_conversion_and_per_reaction_association() -> None:
    text = (
        "Reforming runs at 1073 K and 3 MPa.\n\n"
        "The synthesis CO + 2 H2 → CH3OH takes place at 250 °C and 80 atm; per-pass conversion is 20-30 %.\n"
        "The let-down drum is kept at 150 kPa."
    )
    facts = extract_process_facts("methanol", [text])
    temperatures = sorted(round(c.value, 2) for c in facts.conditions if c.kind == "temperature")
    pressures = sorted(round(c.value, 3) for c in facts.conditions if c.kind == "pressure")
    assert temperatures == [250.0, 799.85]
    assert pressures == [1.5, 30.0, pytest.approx(81.06, abs=0.01)]
    assert facts.main.temperature_c == pytest.approx(250)
    assert facts.main.pressure_bar == pytest.approx(81.06, abs=0.01)
    assert facts.conversion == pytest.approx(0.25)


@pytest.mark.parametrize(
    ("phrase", "unit_type"),
    [
        ("absorption column", UnitType.ABSORBER),
        ("waste heat boiler", UnitType.WASTE_HEAT_BOILER),
        ("gauze converter", UnitType.REACTOR_CONVERTER),
        ("fixed-bed reactor", UnitType.REACTOR_PACKED_BED),
        ("fluidized-bed reactor", UnitType.REACTOR_FLUIDIZED_BED),
        ("flash drum", UnitType.FLASH_DRUM),
        ("distillation column", UnitType.DISTILLATION_COLUMN),
        ("centrifugal compressor", UnitType.COMPRESSOR),
        ("feed pump", UnitType.PUMP),
        ("crystallizer", UnitType.CRYSTALLIZER),
    ],
)
def test_equipment_phrases_map_to_unit_types(phrase: str, unit_type: UnitType) -> None:
    facts = extract_process_facts("methanol", [f"The gas then passes the {phrase} before storage."])
    assert [m.unit_type for m in facts.equipment][:1] == [unit_type]
    mention = facts.equipment[0]
    assert facts.texts[0].text[mention.span.start : mention.span.end].lower().startswith(
        phrase.split()[-1][:4]
    ) or (phrase.lower() in facts.texts[0].text[mention.span.start : mention.span.end].lower())


# ------------------------------------------------------------------------------------------- garbage


def test_garbage_prose_is_a_clear_invalid_argument() -> None:
    with pytest.raises(InvalidArgument) as caught:
        structure_design("nitric acid", "blah blah", "blah blah", "blah blah")
    assert "reaction" in str(caught.value) and "nitric acid" in str(caught.value).lower()


def test_text_without_a_reaction_names_what_is_missing() -> None:
    prose = "The plant has a reactor at 300 °C and 20 bar, a flash drum and a distillation column."
    facts = extract_process_facts("styrene", [prose])
    assert facts.main is None and facts.confidence < 0.5
    assert any("reaction" in m for m in facts.missing)
    with pytest.raises(InvalidArgument) as caught:
        build_flowsheet("styrene", facts)
    assert "reaction" in caught.value.reason


def test_unknown_chemical_and_empty_name() -> None:
    facts = extract_process_facts("blah", ["blah blah"])
    assert facts.product is None and any("identity" in m for m in facts.missing)
    with pytest.raises(InvalidArgument) as caught:
        extract_process_facts("  ", ["4 NH3 + 5 O2 -> 4 NO + 6 H2O"])
    assert caught.value.field == "chemical"


def test_build_functions_compose() -> None:
    chemical, context, pfd, pid, chunks = _inputs("chematlas/ethylbenzene")
    facts = extract_process_facts(chemical, [pfd, context, pid, *chunks])
    flowsheet = build_flowsheet(chemical, facts, Quantity(value=1000, unit="kg/h"))
    instrumentation = build_instrumentation(flowsheet, facts)
    assert flowsheet.reactions and instrumentation.control_loops
    assert {u.tag for u in flowsheet.units} >= {
        i.unit_tag for i in instrumentation.instruments if i.unit_tag is not None
    }


def test_short_generated_prose_with_retrieved_chunks_and_citations() -> None:
    from autochem.knowledge.retrieval import RetrievedChunk

    context = (
        "Cumene is made by alkylation of benzene with propylene over a zeolite catalyst: "
        "C6H6 + C3H6 -> C6H5CH(CH3)2, exothermic. The reactor runs at 180 C and 30 bar."
    )
    pfd = (
        "Benzene and propylene are pumped to a fixed-bed reactor. The effluent is cooled in a cooler "
        "and sent to a flash drum, then to a distillation column that takes cumene as product."
    )
    pid = "TIC-101 controls the reactor temperature. LIC-102 holds the flash drum level."
    chunk = RetrievedChunk(
        chunk_id="cumene-0003",
        doc_id="corpus://chematlas/cumene",
        title="Cumene",
        section="Route and reactions",
        text="Alkylation of benzene with propylene runs at 150-220 °C and 20-40 bar in the liquid phase.",
        score=0.8,
        citation=0,
    )
    structured = structure_design("cumene", context, pfd, pid, [chunk])
    design = structured.as_design()
    assert validate_design(design) == []
    assert [str(i) for i in run_rules(design) if i.severity in SERIOUS] == []
    reactor = next(u for u in structured.flowsheet.units if u.type in REACTOR_TYPES)
    assert reactor.type is UnitType.REACTOR_PACKED_BED
    assert reactor.pressure.magnitude_in("bar") == pytest.approx(30)
    phrases = {p for ps in structured.unit_mentions.values() for p in ps}
    assert {"pumped", "fixed-bed reactor", "cooler", "flash drum", "distillation column"} - phrases == {
        "pumped"
    }
    cited = [c for c in structured.citations if "cumene-0003" in c.chunk_ids]
    assert cited and all(c.document_uris == ["corpus://chematlas/cumene"] for c in cited)
    # what only the generated prose says is reported as uncited, never given an invented source
    assert structured.uncited


@pytest.mark.slow
def test_structured_designs_simulate_and_close_within_half_a_percent() -> None:
    """The steady-state simulator (BioSTEAM) runs every structured design and closes its mass balance."""
    pytest.importorskip(
        "biosteam", reason="thermosteam/biosteam are installed with --no-deps (see pyproject.toml)"
    )
    from autochem.simulation.options import ValidationOptions
    from autochem.simulation.steady_state import BioSteamSimulator

    simulator = BioSteamSimulator()
    options = ValidationOptions(run_dynamics=False)
    for slug in ALL:
        result = simulator.simulate(_design(slug).flowsheet, options)
        errors = [str(i) for i in result.issues if i.severity in (Severity.ERROR, Severity.BLOCKING)]
        assert result.ran and result.converged, (slug, errors)
        assert errors == [], slug
        assert abs(result.closure - 1.0) <= 0.005, slug


@pytest.mark.parametrize(
    "rate", [Quantity(value=0, unit="t/h"), Quantity(value=3, unit="m**3/h"), Quantity(value=2, unit="kg")]
)
def test_production_rate_must_be_a_positive_mass_or_molar_flow(rate: Quantity) -> None:
    chemical, context, pfd, pid, chunks = _inputs("chematlas/cumene")
    with pytest.raises(InvalidArgument) as caught:
        structure_design(chemical, context, pfd, pid, chunks, production_rate=rate)
    assert caught.value.field == "production_rate"


def test_mangled_prose_gives_a_valid_design_or_invalid_argument_never_a_crash() -> None:
    """Truncated, shuffled and re-wrapped corpus sections, as a small model might garble them."""
    import random

    rng = random.Random(11)
    paths = sorted(CORPUS.glob("chematlas/*.md")) + sorted(CORPUS.glob("heldout/*.md"))
    outcomes = {"valid": 0, "invalid": 0}

    def mangle(text: str) -> str:
        words = text.split(" ")
        mode = rng.randrange(4)
        if mode == 0:
            return " ".join(words[rng.randrange(len(words)) :][: rng.randrange(1, 80)])
        if mode == 1:
            rng.shuffle(words)
            return " ".join(words[:200])
        if mode == 2:
            return text[: rng.randrange(len(text))]
        return text.replace(" ", rng.choice(["  ", "\n"]))

    for _ in range(40):
        path = rng.choice(paths)
        sections = list(_sections(path).values())
        chemical = re.search(r"^name: (.*)$", path.read_text(encoding="utf-8"), re.M).group(1)
        texts = [mangle(rng.choice(sections)) for _ in range(3)]
        chunks = [mangle(x) for x in rng.sample(sections, 2)]
        try:
            structured = structure_design(chemical, texts[0], texts[1], texts[2], chunks)
        except InvalidArgument as exc:
            assert exc.reason
            outcomes["invalid"] += 1
            continue
        design = structured.as_design()
        assert [str(i) for i in run_rules(design) if i.severity in SERIOUS] == [], path.stem
        outcomes["valid"] += 1
    assert outcomes["valid"] >= 5 and outcomes["invalid"] >= 5
