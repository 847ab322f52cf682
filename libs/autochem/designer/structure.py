"""The deterministic structurer of the design loop: prose and retrieved chunks in, Flowsheet + P&ID out.

The small language model writes process-context, PFD and P&ID *prose*; it cannot be trusted to write JSON.
This module reads that prose together with the retrieved Graph-RAG chunks and builds the structured design
by rule, so that the result always satisfies the data model, the referential validator and the critique
rules:

1. :func:`extract_process_facts` pulls facts out of the texts (reaction equations with stoichiometry, heat of
   reaction, operating conditions, catalysts, per-pass conversion, recycle, materials, and the equipment
   named, each with the span of text it came from);
2. :func:`build_flowsheet` turns the facts into a connected PFD: feeds sized by stoichiometry for the
   production rate, feed preparation, reactor(s), effluent cooling, separation, product and off-gas
   streams, and a recycle loop when the text asks for one. Flows come from a small sequential-modular
   component balance (conversions and sharp splits), so every unit and the plant as a whole close their mass
   balance by construction;
3. :func:`build_instrumentation` puts ISA-5.1 instruments, control loops, relief valves, interlocks, an ESD
   and line specifications on that flowsheet, by unit type;
4. :func:`structure_design` runs the three and adds the assumptions made and citations (which document or
   chunk each unit and reaction rests on).

Everything is deterministic: the same texts give the same design. What the texts do not say is assumed and
listed in ``assumptions``; what cannot be assumed (no reaction forming the chemical) raises
:class:`~autochem.errors.InvalidArgument` naming what is missing.

How the flowsheet is modelled, and what that leaves out:

* chemistry: the main reaction (the first one forming the product, texts in priority order) and the
  reactions upstream that make its non-commodity reactants (NO2 <- NO <- NH3), or its commodity ones when
  the prose names more reactors (a reformer before a methanol converter). Side reactions are not modelled;
  each reaction runs at a per-pass conversion of its key reactant (stated, or assumed and listed);
* separation: sharp splits by normal boiling point relative to the product (lighter than the product by
  10 K or more goes up/out), with water kept with a product sold as an aqueous solution (inorganic acids, or
  a stated wt% strength). Azeotropes, solubility and partial condensation are not modelled;
* a recycle (only when the texts say so) returns the unreacted feed with a small purge, solved by
  successive substitution to 1e-13; flows are then scaled to the production rate;
* temperatures/pressures come from the texts near each equation (or defaults, listed), are held inside
  the catalyst windows the critique knows, and are made consistent with each unit type (coolers cool,
  machines raise or lower pressure, separators run at their feed's conditions). A stream's phase is
  stated only where a rough Trouton/Clausius-Clapeyron estimate leaves no doubt;
* every unit the PFD prose names stands in the train; a unit with nothing to do in this model passes its
  stream on (said in its description).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from fractions import Fraction
from functools import lru_cache
from typing import Any

from autochem.critique.rules import LIQUID_HOLDUP_TYPES, PRESSURE_VESSEL_TYPES
from autochem.domain.design import Citation, Design, Pfd, Pid, Provenance
from autochem.domain.flowsheet import (
    REACTOR_TYPES,
    UNIT_TAG_PREFIXES,
    Component,
    Composition,
    CompositionBasis,
    Flowsheet,
    Phase,
    Reaction,
    Stream,
    Unit,
    UnitType,
)
from autochem.domain.instrumentation import (
    ControlLoop,
    ControlStrategy,
    EmergencyShutdown,
    Instrument,
    Instrumentation,
    InstrumentType,
    Interlock,
    LineSpec,
    MeasuredVariable,
    ReliefValve,
)
from autochem.domain.units import Quantity, flow_basis
from autochem.domain.validation import element_counts
from autochem.errors import InvalidArgument
from autochem.knowledge.chemnames import ChemicalIdentity, ChemicalNameResolver
from autochem.knowledge.vocabulary import CATALYST, CONDITION

__all__ = [
    "DEFAULT_PRODUCTION_RATE",
    "Condition",
    "EquipmentMention",
    "ExtractedReaction",
    "ProcessFacts",
    "SourceText",
    "Species",
    "StructuredDesign",
    "TextSpan",
    "build_flowsheet",
    "build_instrumentation",
    "extract_process_facts",
    "structure_design",
]

DEFAULT_PRODUCTION_RATE = Quantity(value=10.0, unit="t/h")
AMBIENT_C = 25.0
ATM_BAR = 1.01325
# Per-pass conversion of the key reactant when the texts state none: near-complete for an irreversible
# reaction, equilibrium-limited (recycled) for a reversible one.
DEFAULT_CONVERSION_IRREVERSIBLE = 0.98
DEFAULT_CONVERSION_REVERSIBLE = 0.30
# Fraction of a recycle stream purged so that inerts and by-products cannot accumulate without bound.
PURGE_FRACTION_GAS = 0.05
PURGE_FRACTION_LIQUID = 0.02
# Excess of a non-key reactant over stoichiometry (air/oxygen runs lean in fuel, others near stoichiometric).
EXCESS_OXYGEN = 0.10
EXCESS_OTHER = 0.02
# Species this many kelvin apart in normal boiling point are separated sharply by a flash or a column.
VOLATILITY_GAP_K = 10.0
# A product melting above this is handled as a solid (crystallized, dried).
SOLID_PRODUCT_TM_K = 373.15
COOLING_WATER_OUTLET_C = 40.0
TROUTON = 10.58  # heat of vaporization / (R Tb) by Trouton's rule
REACTION_STAGES_IN_COLUMN = 25  # trays over which a reaction hosted in an absorber is repeated

# Formulas (element-count keys) of commodity feedstocks: a reaction's reactant among these is bought, not
# made upstream, unless the PFD prose names a reactor for making it.
_COMMODITY_FORMULAS = (
    "H2O O2 N2 H2 CO CO2 CH4 NH3 Cl2 HCl C2H4 C3H6 C6H6 CH4O C2H6 C3H8 C4H10 H2SO4 HNO3 NaOH NaCl S C2H4O2 "
    "C3H6O C7H8 C8H10 CaCO3 Na2CO3 C2H6O C4H8 C4H6 H2S SO2 CH2O C6H12O6"
).split()

AIR = {"nitrogen": 0.7808, "oxygen": 0.2095, "argon": 0.0097}
_AIR_SPECIES = {
    "nitrogen": ("N2", "7727-37-9"),
    "oxygen": ("O2", "7782-44-7"),
    "argon": ("Ar", "7440-37-1"),
}


# ============================================================================================= text sources


@dataclass(frozen=True)
class SourceText:
    """One input text and where it came from (a chunk of a corpus document, or generated prose)."""

    text: str
    chunk_id: str | None = None
    document_uri: str | None = None
    title: str | None = None
    kind: str = "chunk"  # "pfd", "context", "pid" for generated prose

    @property
    def citable(self) -> bool:
        return bool(self.chunk_id or self.document_uri)


def _as_source(item: Any, kind: str = "chunk") -> SourceText:
    if isinstance(item, SourceText):
        return item
    if isinstance(item, str):
        return SourceText(text=item, kind=kind)
    if isinstance(item, dict):
        return SourceText(
            text=str(item.get("text", "")),
            chunk_id=item.get("chunk_id"),
            document_uri=item.get("document_uri") or item.get("doc_id") or item.get("source_url"),
            title=item.get("title"),
            kind=kind,
        )
    # duck-typed RetrievedChunk (autochem.knowledge.retrieval)
    return SourceText(
        text=str(getattr(item, "text", "")),
        chunk_id=getattr(item, "chunk_id", None),
        document_uri=getattr(item, "doc_id", None) or getattr(item, "document_uri", None),
        title=getattr(item, "title", None),
        kind=kind,
    )


@dataclass(frozen=True)
class TextSpan:
    """Where a fact was read: text ``text_index`` of the input list, characters ``start:end``."""

    text_index: int
    start: int
    end: int
    quote: str


# ============================================================================================= species


@dataclass(frozen=True)
class Species:
    name: str
    formula: str  # Hill notation
    cas: str | None
    counts: tuple[tuple[str, int], ...]

    @property
    def molar_mass(self) -> float:
        """g/mol."""
        return _molar_mass(self.counts)

    @property
    def key(self) -> str:
        return self.formula


@lru_cache(maxsize=4096)
def _molar_mass(counts: tuple[tuple[str, int], ...]) -> float:
    from chemicals.elements import periodic_table

    return math.fsum(periodic_table[element].MW * n for element, n in counts)


def _hill(counts: dict[str, int]) -> str:
    def part(element: str) -> str:
        n = counts[element]
        return element + (str(n) if n != 1 else "")

    if "C" in counts:
        order = ["C"] + (["H"] if "H" in counts else []) + sorted(e for e in counts if e not in ("C", "H"))
    else:
        order = sorted(counts)
    return "".join(part(e) for e in order)


_BOND_CHARS = re.compile(r"[=≡#\-\u2013\u2014]")
_ISOMER_PREFIX = re.compile(r"^(?:[ompn]|cis|trans|iso|sec|tert|[0-9,]+)-(?=[A-Z(\[])")


def _formula_counts(token: str) -> dict[str, int] | None:
    """Element counts of a (possibly condensed structural) formula: CH2=CHCN, (CH3)2CHOH, HO-C6H4-OH."""
    text = _ISOMER_PREFIX.sub("", token.strip())
    text = _BOND_CHARS.sub("", text)
    if not text or not re.match(r"^[A-Z(\[]", text):
        return None
    counts = element_counts(text)
    if not counts:
        return None
    from chemicals.elements import periodic_table

    for element in counts:
        try:
            periodic_table[element]
        except Exception:
            return None
    if any(n <= 0 for n in counts.values()):
        return None
    return dict(counts)


_RESOLVER = ChemicalNameResolver()
# Condensed formulas the name database maps to the wrong isomer (it searches by molecular formula).
_CONDENSED_NAMES = {
    "CH3COOH": "acetic acid",
    "(CH3)2CO": "acetone",
    "CH3COCH3": "acetone",
    "C6H5C2H5": "ethylbenzene",
    "C6H5CH2CH3": "ethylbenzene",
    "C6H5CH=CH2": "styrene",
    "CH2=CHCH3": "propylene",
    "CH3CH=CH2": "propylene",
    "CH2=CH-CH3": "propylene",
    "C2H5OH": "ethanol",
    "CH3CH2OH": "ethanol",
    "CH3OCH3": "dimethyl ether",
    "HCHO": "formaldehyde",
    "CH3CHO": "acetaldehyde",
    "CH2=CHCl": "vinyl chloride",
    "ClCH2CH2Cl": "1,2-dichloroethane",
    "CH2=CHCN": "acrylonitrile",
    "(CH3)2CHOH": "isopropanol",
    "C6H5CH(CH3)2": "cumene",
    "C6H5OH": "phenol",
    "HOCH2CH2OH": "ethylene glycol",
    "CH3COOC2H5": "ethyl acetate",
    "CO(NH2)2": "urea",
    "NH2CONH2": "urea",
    "CH3OH": "methanol",
    "CH3NH2": "methylamine",
    "HOCH2CH2NH2": "ethanolamine",
    "C2H4O": "ethylene oxide",
}


def _identity(text: str) -> ChemicalIdentity | None:
    try:
        return _RESOLVER.resolve(text)
    except Exception:  # the database raises on odd inputs; a miss is None
        return None


def _clean_name(name: str) -> str:
    name = " ".join(name.replace("[", "(").replace("]", ")").split()).strip(" .,;:")
    return name.lower() if name[:1].isupper() and not name[1:2].isupper() else name


_CHEMICAL_SUFFIX = re.compile(
    r"(?:ene|ane|yne|ol|one|al|ide|ate|ite|ine|ether|acid|anhydride|amine|amide|ester|oxide|ketone|aldehyde|"
    r"xylene|phenol|benzene|toluene|glycol|ium|ose|ile|lactone|lactam|apatite|spodumene)s?$"
)


@lru_cache(maxsize=512)
def _names_in(text: str) -> tuple[tuple[str, str], ...]:
    """(Hill formula, name as written) for every chemical name (1-3 words) in ``text``."""
    found = []
    words = re.findall(r"[A-Za-z0-9,'()\-]+", text)
    for i in range(len(words)):
        for n in (1, 2, 3):
            if i + n > len(words):
                break
            if not re.fullmatch(r"[a-z][a-z\-]{3,}", words[i + n - 1]):
                continue
            phrase = " ".join(words[i : i + n])
            if _CHEMICAL_SUFFIX.search(phrase) is None:
                continue
            identity = _identity(phrase)
            if identity is None or not identity.formula:
                continue
            resolved = _formula_counts(identity.formula)
            if resolved is not None:
                found.append((_hill(resolved), phrase.lower()))
    return tuple(found)


@dataclass
class _SpeciesTable:
    """Resolves species tokens (formulas or names) to one :class:`Species` each, merged by formula."""

    product_name: str
    product_identity: ChemicalIdentity | None
    by_formula: dict[str, Species] = field(default_factory=dict)
    texts: list[str] = field(default_factory=list)
    _text_names: dict[str, str] | None = None

    def product_species(self) -> Species | None:
        ident = self.product_identity
        if ident is None or not ident.formula:
            return None
        counts = _formula_counts(ident.formula)
        if counts is None:
            return None
        hill = _hill(counts)
        species = Species(self.product_name, hill, ident.cas, tuple(sorted(counts.items())))
        self.by_formula.setdefault(hill, species)
        return self.by_formula[hill]

    def resolve(self, token: str) -> Species | None:
        token = token.strip()
        token = re.sub(r"\s*\((?:g|l|s|aq|v|liq|gas)\)$", "", token).rstrip("↓↑ ")
        if not token:
            return None
        counts = _formula_counts(token) if re.match(r"^(?:[a-z]+-)?[A-Z(\[]", token) else None
        identity: ChemicalIdentity | None = None
        if counts is None:
            identity = _identity(token)
            if identity is None or not identity.formula:
                return None
            counts = _formula_counts(identity.formula)
            if counts is None:
                return None
        hill = _hill(counts)
        known = self.by_formula.get(hill)
        if known is not None:
            return known
        if identity is None:
            alias = _CONDENSED_NAMES.get(token)
            identity = _identity(alias) if alias else None
            if identity is None and counts.get("C", 0) >= 2:
                # the database picks one isomer of a molecular formula: prefer a name the texts use
                named = self.text_names().get(hill)
                identity = _identity(named) if named else None
            if identity is None and (counts.get("C", 0) < 2 or token in _CONDENSED_NAMES):
                identity = _identity(token)
            if identity is not None and identity.formula:
                resolved = _formula_counts(identity.formula)
                if resolved is None or _hill(resolved) != hill:
                    identity = None
            if identity is None and counts.get("C", 0) >= 2 and re.fullmatch(r"[A-Za-z0-9()=\-]+", token):
                cleaned = token  # a structural formula names the compound better than a wrong isomer would
                if not any(sp.name == cleaned for sp in self.by_formula.values()):
                    species = Species(cleaned, hill, None, tuple(sorted(counts.items())))
                    self.by_formula[hill] = species
                    return species
        if len(counts) == 1 and identity is None:
            from chemicals.elements import periodic_table

            element = periodic_table[next(iter(counts))]
            name, cas = str(element.name).lower(), str(element.CAS)
            if sum(counts.values()) > 1 and hill not in ("H2", "N2", "O2", "Cl2", "F2", "Br2", "I2"):
                name = f"{name} ({hill})"
        elif identity is not None:
            name, cas = _clean_name(identity.preferred_name), identity.cas
        else:
            name, cas = hill, None
        if name == self.product_name or any(s.name == name for s in self.by_formula.values()):
            name = f"{name} ({hill})"
        species = Species(name, hill, cas, tuple(sorted(counts.items())))
        self.by_formula[hill] = species
        return species

    def text_names(self) -> dict[str, str]:
        """Hill formula -> the chemical name the texts use most for it (names only, no formulas)."""
        if self._text_names is None:
            counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
            for text in self.texts:
                for hill, phrase in _names_in(text):
                    counts[hill][phrase] += 1
            self._text_names = {
                hill: max(names.items(), key=lambda kv: (kv[1], len(kv[0])))[0]
                for hill, names in counts.items()
            }
        return self._text_names

    def named(self, name: str) -> Species | None:
        return next((s for s in self.by_formula.values() if s.name == name), None)


# ============================================================================================= facts


@dataclass
class ExtractedReaction:
    """A reaction equation read from the texts, as a stoichiometry over resolved species (by name)."""

    equation: str
    stoichiometry: dict[str, float]
    reversible: bool
    span: TextSpan
    heat_of_reaction_kj_per_mol: float | None = None  # per mole of reaction as written
    exothermic: bool | None = None
    catalyst: str | None = None
    temperature_c: float | None = None
    pressure_bar: float | None = None
    rebalanced: bool = False
    label: str = ""  # words before the equation, e.g. "Ammonia oxidation"

    @property
    def reactants(self) -> list[str]:
        return [s for s, c in self.stoichiometry.items() if c < 0]

    @property
    def products(self) -> list[str]:
        return [s for s, c in self.stoichiometry.items() if c > 0]

    def written(self) -> str:
        def side(sign: int) -> str:
            return " + ".join(
                (f"{abs(c):g} {s}" if abs(c) != 1 else s)
                for s, c in self.stoichiometry.items()
                if c * sign > 0
            )

        return f"{side(-1)} -> {side(1)}"


@dataclass(frozen=True)
class Condition:
    """An operating condition with units as written; ``value`` is the midpoint in degC or bar (absolute)."""

    kind: str  # "temperature" | "pressure"
    value: float
    low: float
    high: float
    unit: str
    span: TextSpan


@dataclass(frozen=True)
class EquipmentMention:
    phrase: str
    canonical: str
    unit_type: UnitType
    span: TextSpan
    tag: str | None = None  # an equipment tag written next to the phrase (C-101)
    context: str = ""  # the sentence it sits in, lower case


@dataclass
class ProcessFacts:
    chemical: str
    product: Species | None
    species: dict[str, Species]
    reactions: list[ExtractedReaction]
    main_reaction: int | None
    heat: str | None  # "exothermic" | "endothermic" (of the main reaction)
    conditions: list[Condition]
    catalysts: list[str]
    equipment: list[EquipmentMention]
    conversion: float | None
    conversion_span: TextSpan | None
    recycle: bool
    air_feed: bool
    materials: list[tuple[str, TextSpan]]
    product_strength: float | None  # mass fraction of the product in water, when sold as a solution
    missing: list[str]
    rejected_equations: list[str]
    texts: list[SourceText] = field(repr=False, default_factory=list)

    def species_by_name(self, name: str) -> Species:
        """The species called ``name`` (water and the air gases are known even when no text names them)."""
        for species in self.species.values():
            if species.name == name:
                return species
        if name == "water":
            return Species("water", "H2O", "7732-18-5", (("H", 2), ("O", 1)))
        if name in _AIR_SPECIES:
            formula, cas = _AIR_SPECIES[name]
            counts = _formula_counts(formula) or {}
            return Species(name, formula, cas, tuple(sorted(counts.items())))
        raise KeyError(name)

    @property
    def main(self) -> ExtractedReaction | None:
        return self.reactions[self.main_reaction] if self.main_reaction is not None else None

    @property
    def confidence(self) -> float:
        """0..1: how much of what a design needs the texts supplied."""
        score = 0.0
        score += 0.45 if self.main is not None else 0.0
        score += 0.15 if self.product is not None else 0.0
        score += 0.15 if self.equipment else 0.0
        score += 0.1 if any(c.kind == "temperature" for c in self.conditions) else 0.0
        score += 0.1 if any(c.kind == "pressure" for c in self.conditions) else 0.0
        score += 0.05 if self.catalysts else 0.0
        # without a reaction forming the product nothing can be built: never more than low confidence
        return round(score if self.main is not None else min(score, 0.4), 3)


# --------------------------------------------------------------------------------------- reaction parsing

_ARROW = re.compile(r"\s*(?:→|⟶|⇌|⇄|↔|⇋|⟷|<=>|<->|-->|->|=>|(?<=\s)=(?=\s))\s*")
_REVERSIBLE_ARROWS = ("⇌", "⇄", "↔", "⇋", "⟷", "<=>", "<->")
_COEF = r"(?:\d+/\d+|\d+(?:\.\d+)?|[½¼¾⅓⅔])"
_FORMULA_PATTERN = (
    r"(?:[a-z]{1,5}-)?[\[(]*[A-Z](?:[A-Za-z0-9()\[\]=≡#·]|[\-\u2013](?=[A-Za-z(\[])|\.(?=\d*[A-Z]))*"
    r"(?:\s?\((?:g|l|s|aq|v)\))?[↓↑]?"
)
_NAME_PATTERN = r"[a-z][a-z0-9,'\-]*(?:\s[a-z][a-z0-9,'\-]*){0,3}"
_TERM = rf"(?:{_COEF}\s*)?(?:{_FORMULA_PATTERN}|{_NAME_PATTERN})"
_SIDE = rf"{_TERM}(?:\s*\+\s*{_TERM})*"
_LEFT_SIDE = re.compile(rf"({_SIDE})\s*$")
_RIGHT_SIDE = re.compile(rf"^\s*({_SIDE})")
_TERM_SPLIT = re.compile(rf"^({_COEF})?\s*(.+)$", re.S)
_FRACTIONS = {"½": 0.5, "¼": 0.25, "¾": 0.75, "⅓": 1 / 3, "⅔": 2 / 3}
_DELTA_H = re.compile(
    r"(?:Δ\s?H|ΔH°?|dH|enthalpy)[^0-9+\-\u2212]{0,20}?([+\-\u2212]?\s?\d[\d,]*(?:\.\d+)?)"
    r"(?:\s*(?:-|\u2013|to)\s*[+\-\u2212]?\d[\d,]*(?:\.\d+)?)?\s*(kJ|MJ|kcal)(?:\s*/\s*mol(?:e)?(?:\s+([A-Za-z0-9()]+))?)?"
)
_PAREN_HEAT = re.compile(
    r"\((?:[a-z ,]*?)(?:about\s*)?([+\-\u2212]\s?\d[\d,]*(?:\.\d+)?)(?:\s*(?:-|\u2013|to)\s*[+\-\u2212]?\d[\d,]*(?:\.\d+)?)?\s*"
    r"(kJ|MJ|kcal)(?:\s*/\s*mol(?:e)?(?:\s+([A-Za-z0-9()]+))?)?"
)


def _coefficient(text: str | None) -> float:
    if not text:
        return 1.0
    if text in _FRACTIONS:
        return _FRACTIONS[text]
    if "/" in text:
        num, den = text.split("/")
        return int(num) / int(den)
    return float(text)


def _split_terms(side: str) -> list[tuple[float, str]]:
    terms = []
    for raw in re.split(r"\s*\+\s*", side.strip()):
        match = _TERM_SPLIT.match(raw.strip())
        if match is None:
            return []
        coefficient, token = match.groups()
        # "3H2" is 3 H2, but "2C2H4" too; a bare leading digit run belongs to the coefficient.
        terms.append((_coefficient(coefficient), token.strip()))
    return terms


def _resolve_terms(
    terms: list[tuple[float, str]], table: _SpeciesTable, left: bool
) -> list[tuple[float, Species]] | None:
    resolved = []
    for i, (coefficient, token) in enumerate(terms):
        species = table.resolve(token)
        edge = (i == 0) if left else (i == len(terms) - 1)
        if species is None and edge and " " in token:
            words = token.split()
            for k in range(1, len(words)):
                candidate = " ".join(words[k:]) if left else " ".join(words[:-k])
                species = table.resolve(candidate)
                if species is not None:
                    break
        if species is None:
            return None
        resolved.append((coefficient, species))
    return resolved


def _balance(stoichiometry: dict[str, float], species: dict[str, Species]) -> dict[str, float] | None:
    """Integer coefficients with the same signs that conserve every element, if the species set has one."""
    names = list(stoichiometry)
    elements = sorted({e for n in names for e, _ in species[n].counts})
    rows = [[Fraction(dict(species[n].counts).get(e, 0)) for n in names] for e in elements]
    # Solve A x = 0 with x[0] = 1 by Gaussian elimination on the remaining unknowns.
    m = len(names)
    matrix = [[*row[1:], -row[0]] for row in rows]
    pivots: list[int] = []
    r = 0
    for c in range(m - 1):
        pivot = next((i for i in range(r, len(matrix)) if matrix[i][c] != 0), None)
        if pivot is None:
            continue
        matrix[r], matrix[pivot] = matrix[pivot], matrix[r]
        lead = matrix[r][c]
        matrix[r] = [v / lead for v in matrix[r]]
        for i in range(len(matrix)):
            if i != r and matrix[i][c] != 0:
                factor = matrix[i][c]
                matrix[i] = [a - factor * b for a, b in zip(matrix[i], matrix[r], strict=True)]
        pivots.append(c)
        r += 1
    if len(pivots) != m - 1:
        return None  # not unique
    if any(all(v == 0 for v in row[:-1]) and row[-1] != 0 for row in matrix):
        return None  # inconsistent
    solution = [Fraction(1)] + [Fraction(0)] * (m - 1)
    for i, c in enumerate(pivots):
        solution[c + 1] = matrix[i][-1]
    signs_ok = all(
        (x > 0) == (stoichiometry[n] > 0) and x != 0 for x, n in zip(solution, names, strict=True)
    ) or all((x < 0) == (stoichiometry[n] > 0) and x != 0 for x, n in zip(solution, names, strict=True))
    if not signs_ok:
        return None
    denominator = math.lcm(*(x.denominator for x in solution))
    integers = [abs(x * denominator) for x in solution]
    divisor = math.gcd(*(int(x) for x in integers))
    return {
        n: math.copysign(float(x / divisor), stoichiometry[n]) for n, x in zip(names, integers, strict=True)
    }


def _imbalanced(stoichiometry: dict[str, float], species: dict[str, Species]) -> bool:
    net: dict[str, float] = defaultdict(float)
    for name, coefficient in stoichiometry.items():
        for element, n in species[name].counts:
            net[element] += coefficient * n
    return any(abs(v) > 1e-9 for v in net.values())


def _number(text: str) -> float:
    return float(text.replace("\u2212", "-").replace(",", "").replace(" ", ""))


def _heat_near(after: str, stoichiometry: dict[str, float], table: _SpeciesTable) -> float | None:
    """kJ per mole of reaction as written, from "dH = -906 kJ" or "(about -226 kJ/mol NH3)" after an equation."""
    window = after[:160]
    nxt = _ARROW.search(window[3:])
    if nxt is not None:
        window = window[: nxt.start() + 3]
    match = _DELTA_H.search(window) or _PAREN_HEAT.search(window)
    if match is None:
        return None
    value = _number(match.group(1))
    unit = match.group(2)
    value *= {"kJ": 1.0, "MJ": 1000.0, "kcal": 4.184}[unit]
    per = match.group(3)
    if per:
        species = table.resolve(per)
        if species is not None and species.name in stoichiometry:
            value *= abs(stoichiometry[species.name])
    return value


def _paragraph_bounds(text: str, position: int) -> tuple[int, int]:
    start = text.rfind("\n\n", 0, position)
    end = text.find("\n\n", position)
    return (0 if start < 0 else start), (len(text) if end < 0 else end)


def _parse_reactions(
    texts: list[SourceText], table: _SpeciesTable
) -> tuple[list[ExtractedReaction], list[str]]:
    found: list[ExtractedReaction] = []
    rejected: list[str] = []
    seen: set[tuple[tuple[str, float], ...]] = set()
    for index, source in enumerate(texts):
        text = source.text
        for arrow in _ARROW.finditer(text):
            line_start = max(text.rfind("\n", 0, arrow.start()) + 1, arrow.start() - 200)
            line_end = text.find("\n", arrow.end())
            line_end = len(text) if line_end < 0 else min(line_end, arrow.end() + 200)
            left_text = text[line_start : arrow.start()]
            right_text = text[arrow.end() : line_end]
            left = _LEFT_SIDE.search(left_text)
            right = _RIGHT_SIDE.match(right_text)
            if left is None or right is None:
                continue
            left_terms, right_terms = _split_terms(left.group(1)), _split_terms(right.group(1))
            if not left_terms or not right_terms:
                continue
            left_species = _resolve_terms(left_terms, table, left=True)
            right_species = _resolve_terms(right_terms, table, left=False)
            equation_text = f"{left.group(1).strip()} {arrow.group(0).strip()} {right.group(1).strip()}"
            if left_species is None or right_species is None:
                if any(ch.isdigit() for ch in equation_text):
                    rejected.append(f"{equation_text} (species not recognized)")
                continue
            stoichiometry: dict[str, float] = defaultdict(float)
            by_name: dict[str, Species] = {}
            for coefficient, species in left_species:
                stoichiometry[species.name] -= coefficient
                by_name[species.name] = species
            for coefficient, species in right_species:
                stoichiometry[species.name] += coefficient
                by_name[species.name] = species
            stoichiometry = {n: c for n, c in stoichiometry.items() if abs(c) > 1e-12}
            if not any(c < 0 for c in stoichiometry.values()) or not any(
                c > 0 for c in stoichiometry.values()
            ):
                continue
            rebalanced = False
            if _imbalanced(stoichiometry, by_name):
                balanced = _balance(stoichiometry, by_name)
                if balanced is None:
                    rejected.append(f"{equation_text} (not atom-balanced)")
                    continue
                stoichiometry, rebalanced = balanced, True
            scale = max(abs(c) for c in stoichiometry.values())
            signature = tuple(sorted((n, round(c / scale, 6)) for n, c in stoichiometry.items()))
            if signature in seen:
                continue
            seen.add(signature)
            start = line_start + left.start(1)
            end = arrow.end() + right.end(1)
            label = re.sub(r"^[\s\-*•\d.)]+", "", text[line_start:start]).strip(" :,-\u2013")[-60:]
            found.append(
                ExtractedReaction(
                    equation=equation_text,
                    stoichiometry=stoichiometry,
                    reversible=any(a in arrow.group(0) for a in _REVERSIBLE_ARROWS),
                    span=TextSpan(index, start, end, text[start:end]),
                    heat_of_reaction_kj_per_mol=_heat_near(text[end:], stoichiometry, table),
                    rebalanced=rebalanced,
                    label=label,
                )
            )
    return found, rejected


# -------------------------------------------------------------------------------------- conditions

_TEMPERATURE_UNITS = {"°C": "degC", "°F": "degF", "K": "K"}
_PRESSURE_TO_BAR = {
    "bar": 1.0,
    "bara": 1.0,
    "MPa": 10.0,
    "kPa": 0.01,
    "Pa": 1e-5,
    "atm": ATM_BAR,
    "psia": 1 / 14.5038,
    "psi": 1 / 14.5038,
    "mbar": 1e-3,
}
_CONDITION_SKIP = re.compile(
    r"(flash point|boil|melt|freez|ambient|storage|stored|azeotrope|flame|autoignit|ignition|exposure|"
    r"decompos|dew point|below about|sinter|deactivat|damage|limit)",
    re.I,
)
_STEAM_AFTER = re.compile(r"^\s*(?:[a-z]+\s){0,2}steam", re.I)


def _normalized(text: str) -> str:
    """Same length as ``text`` (spans stay valid): unicode minus and degree variants made ASCII."""
    return text.replace("\u2212", "-").replace("º", "°").replace("˚", "°")


def _parse_conditions(texts: list[SourceText]) -> list[Condition]:
    conditions = []
    for index, source in enumerate(texts):
        text = _normalized(source.text)
        for match in CONDITION.finditer(text):
            unit = re.sub(r"\s", "", match.group("unit"))
            raw = match.group("value")
            parts = re.split(r"\s*(?:(?<=\d)-|\u2013|\u2014|to)\s*", raw)
            try:
                values = [float(p.replace(",", "")) for p in parts if p]
            except ValueError:
                continue
            if not values:
                continue
            before = text[max(0, match.start() - 45) : match.start()]
            after = text[match.end() : match.end() + 25]
            if _CONDITION_SKIP.search(before):
                continue
            if unit in _TEMPERATURE_UNITS:
                if unit == "K" and max(values) < 150:
                    continue
                converted = [
                    v - 273.15 if unit == "K" else (v - 32) * 5 / 9 if unit == "°F" else v for v in values
                ]
                kind = "temperature"
                if not -150 <= min(converted) and max(converted) <= 1600:
                    continue
            elif unit in _PRESSURE_TO_BAR or unit in ("barg", "psig"):
                if _STEAM_AFTER.match(after):
                    continue
                if unit == "barg":
                    converted = [v + ATM_BAR for v in values]
                elif unit == "psig":
                    converted = [v / 14.5038 + ATM_BAR for v in values]
                else:
                    converted = [v * _PRESSURE_TO_BAR[unit] for v in values]
                kind = "pressure"
                if not 0.01 <= min(converted) and max(converted) <= 1000:
                    continue
            else:
                continue
            low, high = min(converted), max(converted)
            conditions.append(
                Condition(
                    kind,
                    (low + high) / 2,
                    low,
                    high,
                    unit,
                    TextSpan(index, match.start(), match.end(), source.text[match.start() : match.end()]),
                )
            )
    return conditions


def _nearest_condition(
    conditions: list[Condition], kind: str, span: TextSpan, texts: list[SourceText], reach: int = 900
) -> Condition | None:
    text = texts[span.text_index].text
    para_start, para_end = _paragraph_bounds(text, span.start)
    best: tuple[float, Condition] | None = None
    for condition in conditions:
        if condition.kind != kind or condition.span.text_index != span.text_index:
            continue
        if condition.span.end <= span.start:
            distance = span.start - condition.span.end
        elif condition.span.start >= span.end:
            distance = condition.span.start - span.end
        else:
            distance = 0
        if distance > reach:
            continue
        if not para_start <= condition.span.start <= para_end:
            distance += reach  # another paragraph: only if nothing closer
        # a condition between this equation and the next equation belongs to this one
        if best is None or distance < best[0]:
            best = (distance, condition)
    return best[1] if best else None


# ---------------------------------------------------------------------------------------- equipment

# phrase -> (canonical name, unit type). Unit type None: decided from the sentence (reactors).
_EQUIPMENT: dict[str, tuple[str, UnitType | None]] = {
    "fixed-bed reactor": ("reactor", UnitType.REACTOR_PACKED_BED),
    "fixed bed reactor": ("reactor", UnitType.REACTOR_PACKED_BED),
    "packed-bed reactor": ("reactor", UnitType.REACTOR_PACKED_BED),
    "packed bed reactor": ("reactor", UnitType.REACTOR_PACKED_BED),
    "multitubular reactor": ("reactor", UnitType.REACTOR_PACKED_BED),
    "tubular reactor": ("reactor", None),
    "fluidized-bed reactor": ("reactor", UnitType.REACTOR_FLUIDIZED_BED),
    "fluidised-bed reactor": ("reactor", UnitType.REACTOR_FLUIDIZED_BED),
    "fluidized bed reactor": ("reactor", UnitType.REACTOR_FLUIDIZED_BED),
    "fluidized bed": ("reactor", UnitType.REACTOR_FLUIDIZED_BED),
    "fluidized-bed": ("reactor", UnitType.REACTOR_FLUIDIZED_BED),
    "loop reactor": ("reactor", UnitType.REACTOR_CSTR),
    "stirred tank reactor": ("reactor", UnitType.REACTOR_CSTR),
    "stirred reactor": ("reactor", UnitType.REACTOR_CSTR),
    "cstr": ("reactor", UnitType.REACTOR_CSTR),
    "batch reactor": ("reactor", UnitType.REACTOR_BATCH),
    "bubble column": ("reactor", UnitType.REACTOR_CSTR),
    "autoclave": ("reactor", UnitType.REACTOR_CSTR),
    "neutralizer": ("reactor", UnitType.REACTOR_CSTR),
    "reactor": ("reactor", None),
    "gauze converter": ("converter", UnitType.REACTOR_CONVERTER),
    "converter": ("converter", None),
    "burner": ("burner", UnitType.REACTOR_CONVERTER),
    "combustor": ("converter", UnitType.REACTOR_CONVERTER),
    "sulfur furnace": ("converter", UnitType.REACTOR_CONVERTER),
    "reformer": ("reformer", UnitType.REACTOR_PACKED_BED),
    "cracking furnace": ("cracking furnace", UnitType.REACTOR_PFR),
    "cracker": ("cracking furnace", UnitType.REACTOR_PFR),
    "kiln": ("kiln", UnitType.REACTOR_PFR),
    "electrolyzer": ("electrolyzer", UnitType.REACTOR_CSTR),
    "electrolyser": ("electrolyzer", UnitType.REACTOR_CSTR),
    "membrane cell": ("electrolyzer", UnitType.REACTOR_CSTR),
    "waste-heat boiler": ("waste heat boiler", UnitType.WASTE_HEAT_BOILER),
    "waste heat boiler": ("waste heat boiler", UnitType.WASTE_HEAT_BOILER),
    "steam generator": ("waste heat boiler", UnitType.WASTE_HEAT_BOILER),
    "feed-effluent exchanger": ("feed/effluent exchanger", UnitType.HEAT_EXCHANGER),
    "feed/effluent exchanger": ("feed/effluent exchanger", UnitType.HEAT_EXCHANGER),
    "feed/effluent heat exchanger": ("feed/effluent exchanger", UnitType.HEAT_EXCHANGER),
    "feed-effluent heat exchanger": ("feed/effluent exchanger", UnitType.HEAT_EXCHANGER),
    "heat exchanger": ("heat exchanger", UnitType.HEAT_EXCHANGER),
    "interchanger": ("heat exchanger", UnitType.HEAT_EXCHANGER),
    "economizer": ("heat exchanger", UnitType.HEAT_EXCHANGER),
    "superheater": ("heater", UnitType.HEATER),
    "preheater": ("heater", UnitType.HEATER),
    "heater": ("heater", UnitType.HEATER),
    "fired heater": ("fired heater", UnitType.FIRED_HEATER),
    "furnace": ("fired heater", UnitType.FIRED_HEATER),
    "incinerator": ("incinerator", UnitType.FIRED_HEATER),
    "thermal oxidizer": ("incinerator", UnitType.FIRED_HEATER),
    "vaporizer": ("vaporizer", UnitType.EVAPORATOR),
    "vaporiser": ("vaporizer", UnitType.EVAPORATOR),
    "evaporator": ("evaporator", UnitType.EVAPORATOR),
    "reboiler": ("reboiler", UnitType.REBOILER),
    "cooler-condenser": ("condenser", UnitType.CONDENSER),
    "condenser": ("condenser", UnitType.CONDENSER),
    "air cooler": ("air cooler", UnitType.AIR_COOLER),
    "aftercooler": ("cooler", UnitType.COOLER),
    "after-cooler": ("cooler", UnitType.COOLER),
    "intercooler": ("cooler", UnitType.COOLER),
    "cooler": ("cooler", UnitType.COOLER),
    "chiller": ("cooler", UnitType.COOLER),
    "quench tower": ("quench", UnitType.COOLER),
    "quench column": ("quench", UnitType.COOLER),
    "absorption tower": ("absorber", UnitType.ABSORBER),
    "absorption column": ("absorber", UnitType.ABSORBER),
    "absorber": ("absorber", UnitType.ABSORBER),
    "scrubber": ("scrubber", UnitType.ABSORBER),
    "bleacher": ("stripper", UnitType.STRIPPER),
    "stripping column": ("stripper", UnitType.STRIPPER),
    "stripper": ("stripper", UnitType.STRIPPER),
    "extraction column": ("extractor", UnitType.EXTRACTOR),
    "extractor": ("extractor", UnitType.EXTRACTOR),
    "distillation column": ("distillation column", UnitType.DISTILLATION_COLUMN),
    "fractionation column": ("distillation column", UnitType.DISTILLATION_COLUMN),
    "fractionator": ("distillation column", UnitType.DISTILLATION_COLUMN),
    "rectifying column": ("distillation column", UnitType.DISTILLATION_COLUMN),
    "refining column": ("distillation column", UnitType.DISTILLATION_COLUMN),
    "column": ("distillation column", UnitType.DISTILLATION_COLUMN),
    "flash drum": ("flash drum", UnitType.FLASH_DRUM),
    "flash vessel": ("flash drum", UnitType.FLASH_DRUM),
    "flash tank": ("flash drum", UnitType.FLASH_DRUM),
    "let-down vessel": ("flash drum", UnitType.FLASH_DRUM),
    "knockout drum": ("flash drum", UnitType.FLASH_DRUM),
    "knock-out drum": ("flash drum", UnitType.FLASH_DRUM),
    "separator": ("separator", UnitType.SEPARATOR),
    "decanter": ("decanter", UnitType.DECANTER),
    "settler": ("decanter", UnitType.DECANTER),
    "cyclone": ("cyclone", UnitType.CYCLONE),
    "filter": ("filter", UnitType.FILTER),
    "centrifuge": ("centrifuge", UnitType.CENTRIFUGE),
    "crystallizer": ("crystallizer", UnitType.CRYSTALLIZER),
    "crystalliser": ("crystallizer", UnitType.CRYSTALLIZER),
    "dryer": ("dryer", UnitType.DRYER),
    "drier": ("dryer", UnitType.DRYER),
    "prilling tower": ("dryer", UnitType.DRYER),
    "granulator": ("dryer", UnitType.DRYER),
    "compressor": ("compressor", UnitType.COMPRESSOR),
    "circulator": ("recycle compressor", UnitType.COMPRESSOR),
    "blower": ("blower", UnitType.BLOWER),
    "expander": ("expander", UnitType.EXPANDER),
    "turbine": ("turbine", UnitType.TURBINE),
    "pump": ("pump", UnitType.PUMP),
    "pumps": ("pump", UnitType.PUMP),
    "static mixer": ("mixer", UnitType.MIXER),
    "mixer": ("mixer", UnitType.MIXER),
    "storage tank": ("tank", UnitType.TANK),
    "tank": ("tank", UnitType.TANK),
    "sphere": ("tank", UnitType.TANK),
    "spheres": ("tank", UnitType.TANK),
    "reflux drum": ("reflux drum", UnitType.VESSEL),
    "surge drum": ("feed drum", UnitType.VESSEL),
    "feed drum": ("feed drum", UnitType.VESSEL),
    "flare": ("flare", UnitType.OTHER),
}
# Phrases that name utilities or parts of something else, never process equipment.
_EQUIPMENT_EXCLUDE = re.compile(
    r"boiler feed|cooling tower|cooling-water|tank farm|column reboilers? and|steam turbine|turbine[- ]driven|"
    r"column internals|storage tanks? (?:and|or) spheres",
    re.I,
)
_EQUIPMENT_RE = re.compile(
    r"\b(" + "|".join(re.escape(p) for p in sorted(_EQUIPMENT, key=len, reverse=True)) + r")s?\b", re.I
)
_TAG_NEAR = re.compile(r"^\s*\(?([A-Z]{1,3}-\d{2,5}[A-Z]?)\b")
_TAG_BEFORE = re.compile(r"\b([A-Z]{1,3}-\d{2,5}[A-Z]?)\s*\(?\s*$")


def _sentence(text: str, start: int, end: int) -> str:
    left = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start))
    right_candidates = [i for i in (text.find(". ", end), text.find("\n", end)) if i >= 0]
    right = min(right_candidates) if right_candidates else len(text)
    return text[left + 1 : right]


def _reactor_type(sentence: str, has_catalyst: bool) -> UnitType:
    s = sentence.lower()
    if re.search(r"fluidi[sz]ed", s):
        return UnitType.REACTOR_FLUIDIZED_BED
    if re.search(r"gauze|burner|flame|combust", s):
        return UnitType.REACTOR_CONVERTER
    if re.search(
        r"fixed[- ]bed|packed|catalyst[- ](?:bed|filled)|multitubular|adiabatic bed|boiling-water", s
    ):
        return UnitType.REACTOR_PACKED_BED
    if re.search(r"stirred|cstr|loop reactor|slurry|bubble column|autoclave|liquid[- ]phase", s):
        return UnitType.REACTOR_CSTR
    if re.search(r"\bbatch", s):
        return UnitType.REACTOR_BATCH
    if re.search(r"tubular|pipe reactor", s):
        return UnitType.REACTOR_PACKED_BED if has_catalyst else UnitType.REACTOR_PFR
    return UnitType.REACTOR_PACKED_BED if has_catalyst else UnitType.REACTOR_CSTR


def _parse_equipment(texts: list[SourceText], has_catalyst: bool) -> list[EquipmentMention]:
    mentions = []
    for index, source in enumerate(texts):
        text = source.text
        for match in _EQUIPMENT_RE.finditer(text):
            phrase = match.group(1).lower()
            context = text[max(0, match.start() - 20) : match.end() + 20]
            if _EQUIPMENT_EXCLUDE.search(context):
                window = text[max(0, match.start() - 25) : match.end() + 25].lower()
                if any(x.search(window) for x in [_EQUIPMENT_EXCLUDE]) and _overlaps_exclusion(
                    text, match.start(), match.end()
                ):
                    continue
            canonical, unit_type = _EQUIPMENT[phrase]
            sentence = _sentence(text, match.start(), match.end())
            if unit_type is None:
                unit_type = _reactor_type(sentence, has_catalyst)
            tag_match = _TAG_NEAR.match(text[match.end() : match.end() + 14]) or _TAG_BEFORE.search(
                text[max(0, match.start() - 14) : match.start()]
            )
            tag = tag_match.group(1) if tag_match else None
            if tag is not None and not _tag_fits(tag, unit_type):
                tag = None
            mentions.append(
                EquipmentMention(
                    phrase=phrase,
                    canonical=canonical,
                    unit_type=unit_type,
                    span=TextSpan(index, match.start(), match.end(), text[match.start() : match.end()]),
                    tag=tag,
                    context=sentence.lower(),
                )
            )
    return mentions


def _overlaps_exclusion(text: str, start: int, end: int) -> bool:
    for match in _EQUIPMENT_EXCLUDE.finditer(text[max(0, start - 30) : end + 30]):
        absolute = (max(0, start - 30) + match.start(), max(0, start - 30) + match.end())
        if absolute[0] < end and absolute[1] > start:
            return True
    return False


def _tag_fits(tag: str, unit_type: UnitType) -> bool:
    prefix = tag.split("-")[0]
    allowed = UNIT_TAG_PREFIXES.get(unit_type)
    return allowed is None or prefix in allowed


# -------------------------------------------------------------------------------------- other facts

_CONVERSION = re.compile(r"conversion", re.I)
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*(?:(?:-|\u2013|to)\s*(\d+(?:\.\d+)?))?\s*%")
_RECYCLE = re.compile(r"\brecycl", re.I)
_AIR = re.compile(
    r"\b(?:in|with|of|and|compressed|process|combustion|primary)\s+air\b|\bair\s+(?:compressor|feed|blower|filter)",
    re.I,
)
_MATERIAL = re.compile(
    r"\b((?:low-carbon\s+)?(?:austenitic\s+)?stainless steels?(?:\s*\((?:[^)]{0,40})\))?|(?:AISI\s*)?3(?:04|16|21|47)L?H?(?:\s*NAG)?\b|"
    r"chromium-molybdenum steels?|Cr-Mo steels?|carbon steel|killed carbon steel|Hastelloy(?:\s*[A-Z]-?\d+)?|"
    r"Inconel(?:\s*\d+)?|Monel|titanium|zirconium|glass-lined steel|PTFE-lined steel|rubber-lined steel|"
    r"duplex stainless steel|high-silicon (?:stainless|iron)|Ni-Cr alloys?|nickel alloys?)",
    re.I,
)
_NEGATIVE_MATERIAL = re.compile(r"exclud|avoid|not suitable|unsuitable|attack|corrodes|cannot", re.I)


def _parse_conversion(texts: list[SourceText]) -> tuple[float | None, TextSpan | None]:
    for index, source in enumerate(texts):
        text = source.text
        for match in _CONVERSION.finditer(text):
            window_start = match.end()
            window = text[window_start : window_start + 90]
            stop = re.search(r"[.;]\s|selectiv|yield", window)
            if stop:
                window = window[: stop.start()]
            percent = _PERCENT.search(window)
            if percent is None:
                continue
            low = float(percent.group(1))
            high = float(percent.group(2)) if percent.group(2) else low
            value = (low + high) / 200
            if 0.02 <= value <= 1.0:
                end = window_start + percent.end()
                return min(value, 0.99), TextSpan(index, match.start(), end, text[match.start() : end])
    return None, None


def _parse_materials(texts: list[SourceText]) -> list[tuple[str, TextSpan]]:
    found = []
    for index, source in enumerate(texts):
        text = source.text
        for match in _MATERIAL.finditer(text):
            sentence = _sentence(text, match.start(), match.end())
            near = text[max(0, match.start() - 10) : match.end() + 40]
            if _NEGATIVE_MATERIAL.search(near) and _NEGATIVE_MATERIAL.search(sentence):
                continue
            found.append((match.group(1), TextSpan(index, match.start(), match.end(), match.group(1))))
    return found


def _parse_catalysts(texts: list[SourceText]) -> list[tuple[str, TextSpan]]:
    found = []
    over = re.compile(
        r"\bover\s+(?:an?\s+|the\s+)?([A-Z][A-Za-z0-9]*(?:[/\u2013-][A-Za-z0-9]+)+|[A-Z][a-z]?\d*O\d*)\b"
    )
    gauze = re.compile(r"\b((?:platinum|palladium)[a-z\-\u2013]*\s+gauzes?|Pt-Rh gauzes?)", re.I)
    for index, source in enumerate(texts):
        text = source.text
        for pattern in (CATALYST, over, gauze):
            for match in pattern.finditer(text):
                group = next((g for g in match.groups() if g), None)
                if not group:
                    continue
                name = " ".join(group.split()).strip(" -\u2013,")
                if len(name) < 2 or name.lower() in ("a", "the", "solid", "same", "new", "spent", "fresh"):
                    continue
                start = match.start()
                found.append((name, TextSpan(index, start, match.end(), text[start : match.end()])))
    found.sort(key=lambda item: (item[1].text_index, item[1].start))
    return found


def _parse_strength(texts: list[SourceText], product: Species | None, table: _SpeciesTable) -> float | None:
    if product is None:
        return None
    pattern = re.compile(
        r"(\d+(?:\.\d+)?)\s*(?:(?:-|\u2013|to)\s*(\d+(?:\.\d+)?))?\s*(?:wt\s?%|% by (?:weight|mass)|mass\s?%)\s+"
        r"(?:of\s+)?([A-Za-z0-9()]+(?:\s+acid)?)"
    )
    for source in texts:
        for match in pattern.finditer(source.text):
            species = table.resolve(match.group(3))
            if species is None or species.formula != product.formula:
                continue
            low = float(match.group(1))
            high = float(match.group(2)) if match.group(2) else low
            value = (low + high) / 200
            if 0.2 <= value < 0.9:
                return round(value, 3)
    return None


def _texts(texts: Sequence[Any]) -> list[SourceText]:
    return [_as_source(t) for t in texts]


def extract_process_facts(chemical: str, texts: Sequence[str | SourceText | Any]) -> ProcessFacts:
    """Facts for designing ``chemical`` read from ``texts`` (generated prose and retrieved chunks, highest
    priority first; plain strings, :class:`SourceText`, or retrieval chunks with ``text``/``chunk_id``).

    Never raises on content: what it cannot find is listed in ``missing`` and lowers ``confidence``.
    Raises :class:`InvalidArgument` only for an empty chemical name.
    """
    chemical_name = " ".join(str(chemical or "").split()).strip()
    if not chemical_name or "[" in chemical_name or "]" in chemical_name:
        raise InvalidArgument("chemical", "give the chemical's name (no brackets)")
    sources = _texts(texts)
    identity = _identity(chemical_name)
    product_name = chemical_name.lower() if not chemical_name.isupper() else chemical_name
    table = _SpeciesTable(
        product_name=product_name, product_identity=identity, texts=[s.text for s in sources]
    )
    product = table.product_species()
    reactions, rejected = _parse_reactions(sources, table)
    if product is None:
        # an unknown name can still be a species written by name in an equation
        product = table.named(product_name)
    conditions = _parse_conditions(sources)
    catalysts = _parse_catalysts(sources)
    missing: list[str] = []
    if product is None:
        missing.append(f"identity of {chemical_name!r} (not a known chemical name, formula or CAS)")

    main_index = None
    if product is not None:
        for i, reaction in enumerate(reactions):
            if reaction.stoichiometry.get(product.name, 0.0) > 0:
                main_index = i
                break
    if main_index is None:
        missing.append(
            f"a balanced reaction equation forming {chemical_name}"
            + (f" (rejected: {'; '.join(rejected[:3])})" if rejected else "")
        )

    for reaction in reactions:
        temperature = _nearest_condition(conditions, "temperature", reaction.span, sources)
        pressure = _nearest_condition(conditions, "pressure", reaction.span, sources)
        reaction.temperature_c = temperature.value if temperature else None
        reaction.pressure_bar = pressure.value if pressure else None
        source_text = sources[reaction.span.text_index].text
        around = _sentence(source_text, reaction.span.start, reaction.span.end).lower()
        if reaction.heat_of_reaction_kj_per_mol is not None:
            reaction.exothermic = reaction.heat_of_reaction_kj_per_mol < 0
        elif "endothermic" in around:
            reaction.exothermic = False
        elif "exothermic" in around:
            reaction.exothermic = True
        nearest_catalyst = None
        for name, span in catalysts:
            if span.text_index == reaction.span.text_index and abs(span.start - reaction.span.start) < 700:
                if nearest_catalyst is None or abs(span.start - reaction.span.start) < nearest_catalyst[0]:
                    nearest_catalyst = (abs(span.start - reaction.span.start), name)
        reaction.catalyst = nearest_catalyst[1] if nearest_catalyst else None

    heat = None
    main = reactions[main_index] if main_index is not None else None
    if main is not None and main.exothermic is not None:
        heat = "exothermic" if main.exothermic else "endothermic"
    elif main is not None:
        joined = " ".join(s.text.lower() for s in sources[:3])
        if "exothermic" in joined and "endothermic" not in joined:
            heat = "exothermic"
        elif "endothermic" in joined and "exothermic" not in joined:
            heat = "endothermic"

    equipment = _parse_equipment(sources, has_catalyst=bool(catalysts))
    if not any(m.span.text_index == 0 for m in equipment):
        missing.append("equipment named in the PFD prose")
    if not any(c.kind == "temperature" for c in conditions):
        missing.append("an operating temperature")
    if not any(c.kind == "pressure" for c in conditions):
        missing.append("an operating pressure")
    conversion, conversion_span = _parse_conversion(sources)
    joined_all = "\n".join(s.text for s in sources)
    return ProcessFacts(
        chemical=chemical_name,
        product=product,
        species=dict(table.by_formula),
        reactions=reactions,
        main_reaction=main_index,
        heat=heat,
        conditions=conditions,
        catalysts=list(dict.fromkeys(name for name, _ in catalysts)),
        equipment=equipment,
        conversion=conversion,
        conversion_span=conversion_span,
        recycle=bool(_RECYCLE.search(joined_all)),
        air_feed=bool(_AIR.search(joined_all)),
        materials=_parse_materials(sources),
        product_strength=_parse_strength(sources, product, table),
        missing=missing,
        rejected_equations=rejected,
        texts=sources,
    )


# ============================================================================================= flowsheet

_SEPARATION_RANK = {
    UnitType.VALVE: 0,
    UnitType.CYCLONE: 1,
    UnitType.FLASH_DRUM: 2,
    UnitType.SEPARATOR: 2,
    UnitType.ABSORBER: 3,
    UnitType.STRIPPER: 4,
    UnitType.DECANTER: 5,
    UnitType.EXTRACTOR: 6,
    UnitType.EVAPORATOR: 7,
    UnitType.DISTILLATION_COLUMN: 8,
    UnitType.CRYSTALLIZER: 9,
    UnitType.CENTRIFUGE: 10,
    UnitType.FILTER: 10,
    UnitType.DRYER: 11,
}
_TAG_PREFIX = {
    **{t: "R" for t in REACTOR_TYPES},
    UnitType.HEAT_EXCHANGER: "E",
    UnitType.HEATER: "E",
    UnitType.COOLER: "E",
    UnitType.CONDENSER: "E",
    UnitType.REBOILER: "E",
    UnitType.AIR_COOLER: "AC",
    UnitType.FIRED_HEATER: "H",
    UnitType.WASTE_HEAT_BOILER: "E",
    UnitType.EVAPORATOR: "E",
    UnitType.DISTILLATION_COLUMN: "T",
    UnitType.ABSORBER: "T",
    UnitType.STRIPPER: "T",
    UnitType.EXTRACTOR: "T",
    UnitType.FLASH_DRUM: "V",
    UnitType.SEPARATOR: "V",
    UnitType.DECANTER: "V",
    UnitType.CYCLONE: "CY",
    UnitType.FILTER: "F",
    UnitType.CENTRIFUGE: "CF",
    UnitType.CRYSTALLIZER: "CR",
    UnitType.DRYER: "DR",
    UnitType.PUMP: "P",
    UnitType.COMPRESSOR: "K",
    UnitType.BLOWER: "K",
    UnitType.TURBINE: "KT",
    UnitType.EXPANDER: "EX",
    UnitType.MIXER: "M",
    UnitType.SPLITTER: "SP",
    UnitType.VALVE: "VL",
    UnitType.TANK: "TK",
    UnitType.VESSEL: "V",
    UnitType.OTHER: "X",
}


@dataclass
class _MentionGroup:
    """Mentions of one piece of equipment in the PFD prose (same canonical name, or the same tag)."""

    canonical: str
    unit_type: UnitType
    mentions: list[EquipmentMention]
    tag: str | None = None
    used: bool = False

    @property
    def phrase(self) -> str:
        return self.mentions[0].phrase

    @property
    def context(self) -> str:
        return " ".join(m.context for m in self.mentions)


_TAIL_GAS = re.compile(r"tail[- ]gas|abatement|denox|\bscr\b|off-gas|vent gas")


def _group_mentions(mentions: list[EquipmentMention]) -> list[_MentionGroup]:
    groups: list[_MentionGroup] = []
    previous: EquipmentMention | None = None
    for mention in mentions:
        if previous is not None and previous.span.text_index == mention.span.text_index:
            gap_start, gap_end = previous.span.end, mention.span.start
            if (
                0 <= gap_end - gap_start <= 3
                and previous.unit_type in REACTOR_TYPES
                and mention.unit_type in REACTOR_TYPES
            ):
                owner = next(g for g in groups if previous in g.mentions)
                owner.mentions.append(mention)
                previous = mention
                continue
        previous = mention
        canonical = mention.canonical
        if mention.unit_type in REACTOR_TYPES and _TAIL_GAS.search(mention.context):
            canonical = "tail-gas reactor"
        same = [g for g in groups if g.canonical == canonical]
        if canonical == "reactor":  # "the reactor" refers to the reactor already named, whatever its name
            same = same or [g for g in groups if g.unit_type in REACTOR_TYPES]
        target = None
        if mention.tag is not None:
            target = next((g for g in same if g.tag == mention.tag), None)
            if target is None:
                target = next((g for g in same if g.tag is None), None)
                if target is not None:
                    target.tag = mention.tag
        elif same:
            target = same[0]
        if target is None:
            groups.append(_MentionGroup(canonical, mention.unit_type, [mention], mention.tag))
        else:
            target.mentions.append(mention)
            if (
                target.unit_type in REACTOR_TYPES
                and mention.unit_type in REACTOR_TYPES
                and mention.phrase != "reactor"
            ):
                target.unit_type = (
                    mention.unit_type if target.mentions[0].phrase == "reactor" else target.unit_type
                )
    return groups


@dataclass
class _StreamSpec:
    id: str
    name: str
    src: str | None
    dst: str | None
    temperature: float
    pressure: float
    phase: Phase | None = None
    moles: dict[str, float] = field(default_factory=dict)
    description: str = ""


@dataclass
class _UnitSpec:
    tag: str
    type: UnitType
    name: str
    description: str
    temperature: float | None = None
    pressure: float | None = None
    parameters: dict[str, Quantity] = field(default_factory=dict)
    reaction_ids: list[str] = field(default_factory=list)
    group: _MentionGroup | None = None
    role: str = ""


@dataclass
class _ReactionSpec:
    id: str
    reaction: ExtractedReaction
    key: str
    conversion: float  # per pass (per stage when staged)
    host: str = ""
    stages: int = 1
    extent: float = 0.0  # mol/s, from the last evaluation
    inlet_key: float = 0.0


class _Train:
    """A flowsheet under construction and its component balance (mol/s per species, sharp splits)."""

    def __init__(self, facts: ProcessFacts, species: dict[str, Species]) -> None:
        self.facts = facts
        self.species = species  # by name
        self.units: list[_UnitSpec] = []
        self.streams: dict[str, _StreamSpec] = {}
        self.steps: list[Callable[[], None]] = []
        self.reactions: list[_ReactionSpec] = []
        self.tags: set[str] = set()
        self.assumptions: list[str] = []
        self.stream_count = 0
        self._mixer_inlets: dict[str, list[_StreamSpec]] = {}
        self.reserved: set[str] = set()  # tags the prose gives its equipment: kept for those units

    # ------------------------------------------------------------------------------ naming
    def new_tag(self, unit_type: UnitType, preferred: str | None = None) -> str:
        if preferred and preferred not in self.tags and _tag_fits(preferred, unit_type):
            self.tags.add(preferred)
            return preferred
        prefix = _TAG_PREFIX[unit_type]
        number = 101
        while f"{prefix}-{number}" in self.tags or f"{prefix}-{number}" in self.reserved:
            number += 1
        tag = f"{prefix}-{number}"
        self.tags.add(tag)
        return tag

    def add_unit(
        self,
        unit_type: UnitType,
        name: str,
        group: _MentionGroup | None = None,
        description: str = "",
        role: str = "",
    ) -> _UnitSpec:
        if group is not None:
            group.used = True
            unit_type = group.unit_type
        tag = self.new_tag(unit_type, group.tag if group is not None else None)
        if group is not None and group.phrase not in name.lower():
            name = f"{group.phrase} ({name})"
        if group is None:
            description = (
                description + " " if description else ""
            ) + "(added by the structurer: not named in the PFD prose)"
        else:
            quoted = ", ".join(dict.fromkeys(m.phrase for m in group.mentions))
            description = (description + " " if description else "") + f"(PFD prose: {quoted})"
        unit = _UnitSpec(
            tag=tag, type=unit_type, name=name, description=description.strip(), group=group, role=role
        )
        self.units.append(unit)
        return unit

    def new_stream(
        self,
        name: str,
        src: str | None,
        dst: str | None,
        temperature: float,
        pressure: float,
        phase: Phase | None = None,
    ) -> _StreamSpec:
        self.stream_count += 1
        stream = _StreamSpec(f"S-{self.stream_count}", name, src, dst, temperature, pressure, phase)
        self.streams[stream.id] = stream
        return stream

    def run(self, step: Callable[[], None]) -> None:
        self.steps.append(step)
        step()

    # ------------------------------------------------------------------------------ species properties
    def tb(self, name: str) -> float:
        return _boiling_point(self.species[name])

    def volatile_at(self, name: str, temperature_c: float) -> bool:
        return self.tb(name) < temperature_c + 273.15

    # ------------------------------------------------------------------------------ operations
    def passthrough(
        self,
        stream: _StreamSpec,
        unit: _UnitSpec,
        temperature: float,
        pressure: float,
        name: str,
        phase: Phase | None = None,
    ) -> _StreamSpec:
        stream.dst = unit.tag
        out = self.new_stream(name, unit.tag, None, temperature, pressure, phase)

        def step(src: _StreamSpec = stream, dst: _StreamSpec = out) -> None:
            dst.moles = dict(src.moles)

        self.run(step)
        return out

    def mix(
        self, inlets: list[_StreamSpec], unit: _UnitSpec, temperature: float, pressure: float, name: str
    ) -> _StreamSpec:
        for s in inlets:
            s.dst = unit.tag
        out = self.new_stream(name, unit.tag, None, temperature, pressure)
        members = list(inlets)

        def step(srcs: list[_StreamSpec] = members, dst: _StreamSpec = out) -> None:
            total: dict[str, float] = defaultdict(float)
            for s in srcs:
                for k, v in s.moles.items():
                    total[k] += v
            dst.moles = dict(total)

        self.run(step)
        unit_inlets = members  # recycle streams are appended to this list later
        out.description = ""
        self._mixer_inlets[unit.tag] = unit_inlets
        return out

    def react(
        self,
        stream: _StreamSpec,
        unit: _UnitSpec,
        specs: list[_ReactionSpec],
        temperature: float,
        pressure: float,
        name: str,
    ) -> _StreamSpec:
        stream.dst = unit.tag
        out = self.new_stream(name, unit.tag, None, temperature, pressure)
        for spec in specs:
            spec.host = unit.tag
            unit.reaction_ids.append(spec.id)

        def step(
            src: _StreamSpec = stream, dst: _StreamSpec = out, hosted: list[_ReactionSpec] = specs
        ) -> None:
            moles = dict(src.moles)
            for spec in hosted:
                spec.extent = 0.0
                spec.inlet_key = src.moles.get(spec.key, 0.0)
            passes = max(s.stages for s in hosted) if hosted else 1
            for _ in range(passes):
                for spec in hosted:
                    nu = spec.reaction.stoichiometry
                    key_amount = moles.get(spec.key, 0.0)
                    extent = spec.conversion * key_amount / abs(nu[spec.key])
                    for species, c in nu.items():
                        if c < 0:
                            extent = min(extent, moles.get(species, 0.0) / abs(c))
                    extent = max(extent, 0.0)
                    for species, c in nu.items():
                        moles[species] = moles.get(species, 0.0) + c * extent
                        if abs(moles[species]) < 1e-15:
                            moles[species] = 0.0
                    spec.extent += extent
            dst.moles = {k: max(v, 0.0) for k, v in moles.items()}

        self.run(step)
        return out

    def split(
        self,
        stream: _StreamSpec,
        unit: _UnitSpec,
        outlets: list[tuple[str, float, float, Phase | None, Callable[[str], float]]],
    ) -> list[_StreamSpec]:
        """Outlets as (name, T, P, phase, fraction of each species going there); the last takes the rest."""
        stream.dst = unit.tag
        outs = [self.new_stream(name, unit.tag, None, t, p, phase) for name, t, p, phase, _ in outlets]
        fractions = [f for *_, f in outlets]

        def step(
            src: _StreamSpec = stream,
            dsts: list[_StreamSpec] = outs,
            fns: list[Callable[[str], float]] = fractions,
        ) -> None:
            for dst in dsts:
                dst.moles = {}
            for species, amount in src.moles.items():
                left = amount
                for dst, fn in zip(dsts[:-1], fns[:-1], strict=True):
                    part = amount * min(max(fn(species), 0.0), 1.0)
                    part = min(part, left)
                    if part > 0:
                        dst.moles[species] = part
                    left -= part
                if left > 0:
                    dsts[-1].moles[species] = left

        self.run(step)
        return outs

    def evaluate(self, tear: list[_StreamSpec]) -> None:
        """Re-run every step until the recycle (tear) streams stop changing."""
        for _ in range(5000):
            before = [dict(s.moles) for s in tear]
            for step in self.steps:
                step()
            change = 0.0
            scale = 1e-30
            for old, s in zip(before, tear, strict=True):
                for k in set(old) | set(s.moles):
                    change = max(change, abs(old.get(k, 0.0) - s.moles.get(k, 0.0)))
                    scale = max(scale, abs(s.moles.get(k, 0.0)))
            if not tear or change <= 1e-13 * scale:
                return
        self.assumptions.append("recycle iteration stopped at its limit; the balance may be off slightly")


def _boiling_point(species: Species) -> float:
    """Normal boiling point in K (a large number for salts and anything that does not boil)."""
    value = None
    # without its own CAS an isomer of the same formula stands in: boiling points of isomers are close
    cas = species.cas or (ident.cas if (ident := _identity(species.formula)) is not None else None)
    if cas:
        try:
            from chemicals.phase_change import Tb

            value = Tb(cas)
        except Exception:
            value = None
    if value:
        return float(value)
    metals = {"Li", "Na", "K", "Ca", "Mg", "Al", "Fe", "Ti", "Zn", "Cu", "Ni", "Ba", "Mn", "Cr", "Co"}
    if any(e in metals for e, _ in species.counts):
        return 2000.0
    return 200.0 + 2.2 * species.molar_mass


def _boiling_at(tb: float, pressure_bar: float) -> float:
    """Boiling point (K) at ``pressure_bar`` from the normal boiling point: Clausius-Clapeyron with
    Trouton's rule (heat of vaporization 88 J/mol/K times Tb), held below 1.6 Tb (about the critical
    point). Rough: some 20 K high for water at 10 bar, close for light gases near their critical point."""
    drop = math.log(max(pressure_bar, 0.01) / ATM_BAR) / TROUTON
    return min(tb / max(1 - drop, 1e-3), 1.6 * tb)


def _column_pressure(top_tb: float, feed_pressure: float) -> float:
    """Operating pressure of a column whose overhead boils at ``top_tb`` (K) at 1 atm: high enough that
    cooling water condenses the overhead, never above the feed pressure, at least 1.5 bar."""
    needed = ATM_BAR * math.exp(TROUTON * (1 - top_tb / (COOLING_WATER_OUTLET_C + 5 + 273.15)))
    return max(min(max(needed, 1.5), feed_pressure), min(1.5, feed_pressure))


def _melting_point(species: Species) -> float | None:
    if not species.cas:
        return None
    try:
        from chemicals.phase_change import Tm

        value = Tm(species.cas)
    except Exception:
        return None
    return float(value) if value else None


def _key_reactant(reaction: ExtractedReaction, species: dict[str, Species]) -> str:
    cheap = {"O2", "H2O", "N2", "Ar"}
    reactants = reaction.reactants
    candidates = [r for r in reactants if species[r].formula not in cheap] or reactants
    return max(candidates, key=lambda r: (abs(reaction.stoichiometry[r]) * species[r].molar_mass, r))


def _chain(facts: ProcessFacts, reactor_groups: int) -> list[ExtractedReaction]:
    """The main reaction and the upstream reactions making its non-commodity reactants (upstream first).

    A reactant that is a commodity is bought, unless the PFD prose names more reactors than the chain has:
    then the first reaction making it is pulled in too (a reformer before a methanol converter)."""
    main = facts.main
    assert main is not None and facts.product is not None
    chain = [main]
    product = facts.product.name
    used = {id(main)}
    frontier = list(main.reactants)
    depth = 0
    while frontier and depth < 3:
        depth += 1
        following = []
        for needed in frontier:
            commodity = facts.species_by_name(needed).formula in _COMMODITY_FORMULAS
            if commodity and len(chain) >= reactor_groups:
                continue
            for reaction in facts.reactions:
                if id(reaction) in used or reaction.stoichiometry.get(needed, 0.0) <= 0:
                    continue
                if product in reaction.stoichiometry:
                    continue
                if any(s in reaction.reactants for s in main.reactants):
                    continue  # consumes what the main reaction needs (water-gas shift before a CO user)
                chain.insert(0, reaction)
                used.add(id(reaction))
                following.extend(reaction.reactants)
                break
        frontier = following
    return chain


@dataclass
class _BuiltFlowsheet:
    flowsheet: Flowsheet
    assumptions: list[str]
    unit_mentions: dict[str, list[EquipmentMention]]  # unit tag -> the PFD-prose mentions it stands for
    reaction_sources: dict[str, ExtractedReaction]  # reaction id -> where it was read


def _production_mol_s(rate: Quantity, product: Species) -> float:
    try:
        basis = flow_basis(rate)
    except ValueError:
        basis = "none"
    if rate.value <= 0:
        raise InvalidArgument("production_rate", f"must be positive, got {rate}")
    if basis == "mass":
        return rate.magnitude_in("kg/s") * 1000 / product.molar_mass
    if basis == "molar":
        return rate.magnitude_in("mol/s")
    raise InvalidArgument(
        "production_rate", f"give a mass or molar flow (t/h, kg/h, kmol/h), not {rate.unit!r}"
    )


def _clamp_window(
    reaction: ExtractedReaction,
    species: dict[str, Species],
    temperature: float,
    pressure: float,
    assumptions: list[str],
) -> tuple[float, float]:
    """Hold the reactor inside the catalyst window the critique knows for this chemistry."""
    from autochem.critique.rules import KNOWN_CHEMISTRIES

    def key(name: str) -> str:
        counts = dict(species[name].counts)
        return "".join(f"{e}{counts[e]}" for e in sorted(counts))

    reactants = {key(s) for s in reaction.reactants}
    products = {key(s) for s in reaction.products}
    for chemistry in KNOWN_CHEMISTRIES:
        if chemistry.reactants <= reactants and chemistry.products <= products:
            low, high = chemistry.temperature_degc
            if not low <= temperature <= high:
                new = min(max(temperature, low + 0.1 * (high - low)), high - 0.1 * (high - low))
                assumptions.append(
                    f"{chemistry.name}: reactor temperature {temperature:g} °C moved to {new:g} °C, inside the "
                    f"catalyst window {low:g}-{high:g} °C"
                )
                temperature = new
            if chemistry.pressure_bar is not None:
                p_low, p_high = chemistry.pressure_bar
                if not p_low <= pressure <= p_high:
                    new_p = (p_low + p_high) / 2 if pressure < p_low or pressure > p_high else pressure
                    assumptions.append(
                        f"{chemistry.name}: reactor pressure {pressure:g} bar moved to {new_p:g} bar (plants use "
                        f"{p_low:g}-{p_high:g} bar)"
                    )
                    pressure = new_p
    return temperature, pressure


def _floor_sig(value: float, digits: int = 6) -> float:
    """Rounded down to ``digits`` significant digits: a stated extent never consumes more than is there."""
    if value <= 0:
        return 0.0
    exponent = math.floor(math.log10(value)) - digits + 1
    return math.floor(value / 10**exponent) * 10**exponent


def _round_sig(value: float, digits: int = 6) -> float:
    return float(f"{value:.{digits}g}") if value else 0.0


def build_flowsheet(
    chemical: str, facts: ProcessFacts, production_rate: Quantity = DEFAULT_PRODUCTION_RATE
) -> Flowsheet:
    """A connected, mass-balanced PFD for ``chemical`` from ``facts`` (see :func:`extract_process_facts`).

    Raises :class:`InvalidArgument` when the facts hold no balanced reaction forming the chemical."""
    return _build(chemical, facts, production_rate).flowsheet


def _pfd_mentions(facts: ProcessFacts) -> list[EquipmentMention]:
    by_text: dict[int, list[EquipmentMention]] = defaultdict(list)
    for mention in facts.equipment:
        by_text[mention.span.text_index].append(mention)
    if by_text.get(0):
        return by_text[0]
    for index in sorted(by_text):
        if facts.texts and facts.texts[index].kind != "chunk":
            return by_text[index]
    return []


def _default_conditions(facts: ProcessFacts, kind: str) -> float | None:
    """A reactor condition when no equation has one nearby: the first stated near 'reactor'/'catalyst'."""
    for condition in facts.conditions:
        if condition.kind != kind:
            continue
        text = facts.texts[condition.span.text_index].text
        sentence = _sentence(text, condition.span.start, condition.span.end).lower()
        if re.search(r"react|convert|catalys|bed|synthes|oxidi|burn", sentence):
            return condition.value
    return None


def _build(chemical: str, facts: ProcessFacts, production_rate: Quantity) -> _BuiltFlowsheet:
    if facts.main is None or facts.product is None:
        missing = "; ".join(facts.missing) or "a reaction forming the chemical"
        raise InvalidArgument(
            "facts.reactions", f"cannot structure a design for {chemical!r}: missing {missing}"
        )
    product = facts.product
    target = _production_mol_s(production_rate, product)
    groups = _group_mentions(_pfd_mentions(facts))
    reactor_groups = [g for g in groups if g.unit_type in REACTOR_TYPES]
    process_reactor_groups = [g for g in reactor_groups if g.canonical != "tail-gas reactor"]
    chain = _chain(facts, max(1, len(process_reactor_groups)))
    main = chain[-1]

    species: dict[str, Species] = {}
    for reaction in chain:
        for name in reaction.stoichiometry:
            species[name] = facts.species_by_name(name)
    species[product.name] = product
    oxygen = next((n for n, s in species.items() if s.formula == "O2"), None)
    use_air = oxygen is not None and facts.air_feed
    if use_air:
        for name in AIR:
            if name not in species:
                species[name] = (
                    facts.species_by_name(name)
                    if name != "argon"
                    else Species("argon", "Ar", "7440-37-1", (("Ar", 1),))
                )
    train = _Train(facts, species)
    train.reserved = {g.tag for g in groups if g.tag}
    assumptions = train.assumptions
    tb_product = _boiling_point(product)
    tm_product = _melting_point(product)
    solid_product = tm_product is not None and tm_product > SOLID_PRODUCT_TM_K
    water = next((n for n, s in species.items() if s.formula == "H2O"), None)
    if water is None:  # known up front, so that an absorbent or process water can be added later
        water = "water"
        species[water] = facts.species_by_name("water")
    coproducts = {product.name}
    inorganic_acid = "acid" in product.name and "C" not in dict(product.counts)
    strength = facts.product_strength
    if strength is not None and strength < 0.5:
        assumptions.append(
            f"product made at 50 wt% (the texts give {strength:.0%}; dilute further at the loading station)"
        )
        strength = 0.5
    if water is not None and (facts.product_strength is not None or inorganic_acid):
        coproducts.add(water)  # sold as an aqueous solution: water stays with the product

    def is_light(name: str) -> bool:
        return name not in coproducts and train.tb(name) < tb_product - VOLATILITY_GAP_K

    def is_heavy(name: str) -> bool:
        return name not in coproducts and not is_light(name)

    def pool(
        *types: UnitType, canonical: str | None = None, context: str | None = None
    ) -> _MentionGroup | None:
        for g in groups:
            if g.used or g.unit_type not in types:
                continue
            if canonical is not None and g.canonical != canonical:
                continue
            if context is not None and not re.search(context, g.context):
                continue
            return g
        return None

    # ---------------------------------------------------------------- hosting and conversions
    absorber_group = next(
        (g for g in groups if g.unit_type is UnitType.ABSORBER and g.canonical != "scrubber"), None
    )
    in_absorber: list[ExtractedReaction] = []
    if (
        absorber_group is not None
        and len(chain) > 1
        and ((water is not None and main.stoichiometry.get(water, 0.0) < 0) or "absor" in main.label.lower())
    ):
        reactors_available = max(1, len(process_reactor_groups))
        in_reactors = max(1, min(reactors_available, len(chain) - 1))
        in_absorber = chain[in_reactors:]
    in_reactor = [r for r in chain if r not in in_absorber]
    recycle_planned = facts.recycle and main in in_reactor

    specs: dict[int, _ReactionSpec] = {}
    for i, reaction in enumerate(chain, start=1):
        key = _key_reactant(reaction, species)
        if reaction in in_absorber:
            conversion, stages = 0.3, REACTION_STAGES_IN_COLUMN
        elif reaction is main and facts.conversion is not None:
            conversion, stages = facts.conversion, 1
        elif reaction.reversible:
            conversion = DEFAULT_CONVERSION_REVERSIBLE if (reaction is main and recycle_planned) else 0.75
            stages = 1
        else:
            conversion, stages = DEFAULT_CONVERSION_IRREVERSIBLE, 1
        if reaction not in in_absorber and not (reaction is main and facts.conversion is not None):
            assumptions.append(
                f"RX-{i} ({reaction.written()}): per-pass conversion of {key} taken as {conversion:.0%} "
                "(not stated in the texts)"
            )
        specs[id(reaction)] = _ReactionSpec(f"RX-{i}", reaction, key, conversion, stages=stages)

    # ---------------------------------------------------------------- feeds by backward stoichiometry
    targets: dict[str, float] = defaultdict(float)
    targets[product.name] = 1.0
    for reaction in reversed(chain):
        spec = specs[id(reaction)]
        nu = reaction.stoichiometry
        needs = [targets[s] / nu[s] for s in reaction.products if targets.get(s, 0.0) > 0]
        if not needs:
            continue
        extent = max(needs)
        for s in reaction.products:
            targets[s] = max(0.0, targets.get(s, 0.0) - nu[s] * extent)
        overall = (
            0.98
            if reaction in in_absorber
            else (0.95 if (reaction is main and recycle_planned) else spec.conversion)
        )
        for s in reaction.reactants:
            excess = 0.0 if s == spec.key else (EXCESS_OXYGEN if species[s].formula == "O2" else EXCESS_OTHER)
            targets[s] += abs(nu[s]) * extent / overall * (1 + excess)
    feeds = {s: a for s, a in targets.items() if a > 1e-12 and s != product.name}
    # a reactant only the absorber-hosted reactions use is fed to the absorber, not through the reactors
    absorber_feeds = {
        s: a
        for s, a in feeds.items()
        if any(s in r.reactants for r in in_absorber) and not any(s in r.reactants for r in in_reactor)
    }
    feeds = {s: a for s, a in feeds.items() if s not in absorber_feeds}
    if not feeds:
        raise InvalidArgument(
            "facts.reactions", f"the reactions forming {chemical!r} consume nothing to feed"
        )

    # ---------------------------------------------------------------- conditions of each reactor
    reactor_conditions: dict[int, tuple[float, float]] = {}
    fallback_t = _default_conditions(facts, "temperature")
    fallback_p = _default_conditions(facts, "pressure")
    for reaction in in_reactor:
        t = reaction.temperature_c if reaction.temperature_c is not None else fallback_t
        p = reaction.pressure_bar if reaction.pressure_bar is not None else fallback_p
        if t is None:
            t = 250.0
            assumptions.append(f"{reaction.written()}: reactor temperature not stated, 250 °C assumed")
        if p is None:
            p = 5.0
            assumptions.append(f"{reaction.written()}: reactor pressure not stated, 5 bar assumed")
        p = max(p, 1.2)
        reactor_conditions[id(reaction)] = _clamp_window(reaction, species, t, p, assumptions)

    first_t, first_p = reactor_conditions[id(in_reactor[0])]

    # ---------------------------------------------------------------- feed lines
    lines: list[tuple[str, dict[str, float], Phase]] = []
    for name, amount in sorted(feeds.items(), key=lambda item: -item[1] * species[item[0]].molar_mass):
        if name == oxygen and use_air:
            lines.append(("air", {n: amount / AIR["oxygen"] * x for n, x in AIR.items()}, Phase.VAPOR))
            assumptions.append("oxygen is supplied as air (the texts mention air)")
            continue
        tb = train.tb(name)
        tm = _melting_point(species[name])
        liquefied = (
            tb > 200.0
            and any(g.canonical == "vaporizer" for g in groups)
            and not any(label == "liquefied" for label, _, _ in lines)
        )
        if tb < AMBIENT_C + 273.15 and not liquefied:
            phase = Phase.VAPOR
        elif tb < AMBIENT_C + 273.15:
            phase = Phase.LIQUID
            assumptions.append(
                f"{name} is fed as a liquefied gas and vaporized (the PFD prose names a vaporizer)"
            )
        elif tm is not None and tm > AMBIENT_C + 273.15 + 30 and tb > 600:
            phase = Phase.SOLID
        else:
            phase = Phase.LIQUID
        lines.append((name, {name: amount}, phase))

    line_outlets: list[_StreamSpec] = []
    feed_streams: list[_StreamSpec] = []
    for label, moles, phase in lines:
        pressure = ATM_BAR if phase is Phase.VAPOR else 1.5
        if phase is Phase.LIQUID:
            tb_feed = max(train.tb(n) for n in moles)
            # vapour pressure at ambient by Trouton's rule: a liquefied gas is stored under pressure
            pressure = max(1.5, ATM_BAR * math.exp(TROUTON * (1 - tb_feed / (AMBIENT_C + 273.15))) + 1.0)
            pressure = round(pressure, 3)
        stream = train.new_stream(f"{label} feed", None, None, AMBIENT_C, pressure, phase)
        stream.moles = dict(moles)
        base = dict(moles)

        def feed_step(s: _StreamSpec = stream, m: dict[str, float] = base) -> None:
            s.moles = dict(m)

        train.run(feed_step)
        feed_streams.append(stream)
        current = stream
        if phase is Phase.VAPOR:
            if label == "air":
                group = pool(UnitType.FILTER, context=r"\bair\b")
                if group is not None:
                    unit = train.add_unit(UnitType.FILTER, "air filter", group, role="feed")
                    current = train.passthrough(
                        current,
                        unit,
                        current.temperature,
                        current.pressure - 0.02,
                        "filtered air",
                        Phase.VAPOR,
                    )
            discharge = first_p + 0.5
            if discharge > 2.0:
                group = pool(UnitType.COMPRESSOR, canonical="compressor") or pool(
                    UnitType.COMPRESSOR, UnitType.BLOWER
                )
                unit = train.add_unit(UnitType.COMPRESSOR, f"{label} compressor", group, role="feed")
            else:
                group = pool(UnitType.BLOWER, UnitType.COMPRESSOR)
                unit = train.add_unit(UnitType.BLOWER, f"{label} blower", group, role="feed")
            ratio = discharge / current.pressure
            t_out = (current.temperature + 273.15) * ratio ** (
                0.286 / max(1, math.ceil(math.log(ratio, 4) or 1))
            ) - 273.15
            t_out = round(min(max(t_out, current.temperature + 5), 220.0), 1)
            current = train.passthrough(
                current, unit, t_out, round(discharge, 3), f"compressed {label}", Phase.VAPOR
            )
        elif phase is Phase.LIQUID:
            group = pool(UnitType.VESSEL, canonical="feed drum") or pool(
                UnitType.TANK, context=r"feed|raw|fresh"
            )
            if group is not None:
                kind = group.unit_type
                unit = train.add_unit(kind, f"{label} feed drum", group, role="feed")
                current = train.passthrough(
                    current, unit, current.temperature, current.pressure, f"{label} to pump", Phase.LIQUID
                )
            group = pool(UnitType.PUMP)
            unit = train.add_unit(UnitType.PUMP, f"{label} feed pump", group, role="feed")
            current = train.passthrough(
                current,
                unit,
                current.temperature,
                round(max(first_p + 1.5, current.pressure + 2.0), 3),
                f"{label} to reactor",
                Phase.LIQUID,
            )
            group = pool(UnitType.EVAPORATOR, canonical="vaporizer")
            if (
                group is not None
                or first_t > train.tb(label if label in species else next(iter(moles))) - 273.15 + 30
            ):
                if group is not None:
                    unit = train.add_unit(UnitType.EVAPORATOR, f"{label} vaporizer", group, role="feed")
                    t_out = max(
                        current.temperature,
                        min(
                            first_t, _boiling_at(train.tb(next(iter(moles))), current.pressure) - 273.15 + 10
                        ),
                    )
                    current = train.passthrough(
                        current,
                        unit,
                        round(t_out, 1),
                        round(current.pressure - 0.2, 3),
                        f"{label} vapour",
                        Phase.VAPOR,
                    )
        line_outlets.append(current)

    # ---------------------------------------------------------------- reactors in chain order
    def preheat(current: _StreamSpec, t_target: float, main_reactor: bool) -> _StreamSpec:
        if main_reactor:
            group = pool(UnitType.HEAT_EXCHANGER, canonical="feed/effluent exchanger")
            if group is not None:
                unit = train.add_unit(UnitType.HEAT_EXCHANGER, "feed/effluent exchanger", group, role="fe")
                t_out = current.temperature + 0.7 * max(0.0, t_target - current.temperature)
                out = train.passthrough(
                    current, unit, round(t_out, 1), round(current.pressure - 0.2, 3), "preheated feed"
                )
                fe_exchanger.append((unit, current.temperature))
                current = out
        if t_target > current.temperature + 20:
            group = pool(UnitType.HEATER) or pool(UnitType.FIRED_HEATER, canonical="fired heater")
            kind = (
                group.unit_type
                if group is not None
                else (UnitType.FIRED_HEATER if t_target > 450 else UnitType.HEATER)
            )
            unit = train.add_unit(kind, "feed preheater", group, role="preheat")
            current = train.passthrough(
                current, unit, round(t_target, 1), round(current.pressure - 0.2, 3), "reactor feed"
            )
        return current

    fe_exchanger: list[tuple[_UnitSpec, float]] = []
    loop_mixer: _UnitSpec | None = None
    current: _StreamSpec
    if len(line_outlets) > 1 or (recycle_planned and len(in_reactor) == 1):
        group = pool(UnitType.MIXER)
        unit = train.add_unit(UnitType.MIXER, "feed mixer", group, role="mixer")
        current = train.mix(
            line_outlets,
            unit,
            round(
                sum(s.temperature * sum(s.moles.values()) for s in line_outlets)
                / max(sum(sum(s.moles.values()) for s in line_outlets), 1e-30),
                1,
            ),
            round(min(s.pressure for s in line_outlets), 3),
            "mixed feed",
        )
        if recycle_planned and len(in_reactor) == 1:
            loop_mixer = unit
    else:
        current = line_outlets[0]

    reactor_units: list[_UnitSpec] = []
    # the main reaction goes to the last reactor the prose names, upstream ones to the first, in order
    assigned: dict[int, _MentionGroup | None] = {}
    groups_left = list(process_reactor_groups)
    if groups_left:
        assigned[id(in_reactor[-1])] = groups_left.pop()
    for reaction in in_reactor[:-1]:
        assigned[id(reaction)] = groups_left.pop(0) if groups_left else None
    named_positions = sorted(
        (g.mentions[0].span.start, id(r)) for r in in_reactor if (g := assigned.get(id(r))) is not None
    )

    def extras_after(reaction: ExtractedReaction) -> list[_MentionGroup]:
        """Reactors named beyond the chain that the prose puts after this reaction's reactor."""
        own = assigned.get(id(reaction))
        if own is None:
            return []
        start = own.mentions[0].span.start
        later = [p for p, _ in named_positions if p > start]
        end = min(later) if later else math.inf
        return [g for g in groups_left if start < g.mentions[0].span.start < end]

    side_streams: list[tuple[_StreamSpec, str]] = []  # (stream, "vapor" | "liquid" | "solid")
    for index, reaction in enumerate(in_reactor):
        t_r, p_r = reactor_conditions[id(reaction)]
        is_main = reaction is in_reactor[-1]
        if index > 0:
            if current.temperature > t_r + 50:
                group = pool(UnitType.WASTE_HEAT_BOILER) if current.temperature > 300 else None
                group = group or pool(UnitType.COOLER, UnitType.AIR_COOLER)
                kind = group.unit_type if group is not None else UnitType.COOLER
                unit = train.add_unit(kind, "interstage cooler", group, role="cooling")
                current = train.passthrough(
                    current,
                    unit,
                    round(max(t_r - 20, 40.0), 1),
                    round(current.pressure - 0.3, 3),
                    "cooled intermediate",
                )
            if p_r > current.pressure * 1.1:
                if current.temperature > 60:
                    unit = train.add_unit(
                        UnitType.COOLER, "compressor suction cooler", pool(UnitType.COOLER), role="cooling"
                    )
                    current = train.passthrough(
                        current, unit, 40.0, round(current.pressure - 0.2, 3), "cooled gas to compressor"
                    )
                later = {sp for r in chain[chain.index(reaction) :] for sp in r.reactants}
                condensing = [
                    sp
                    for sp, v in current.moles.items()
                    if v > 0
                    and sp not in later
                    and _boiling_at(train.tb(sp), current.pressure) > current.temperature + 273.15
                ]
                if condensing and len(condensing) < len([v for v in current.moles.values() if v > 0]):
                    group = pool(UnitType.FLASH_DRUM, UnitType.SEPARATOR, context=r"condensate|knock")
                    unit = train.add_unit(UnitType.FLASH_DRUM, "knock-out drum", group, role="separation")
                    unit.temperature, unit.pressure = current.temperature, current.pressure
                    gas, condensate = train.split(
                        current,
                        unit,
                        [
                            (
                                "gas to compressor",
                                current.temperature,
                                current.pressure,
                                Phase.VAPOR,
                                lambda sp, c=frozenset(condensing): 0.0 if sp in c else 1.0,
                            ),
                            (
                                "process condensate",
                                current.temperature,
                                current.pressure,
                                Phase.LIQUID,
                                lambda sp: 1.0,
                            ),
                        ],
                    )
                    side_streams.append((condensate, "liquid"))
                    current = gas
                group = pool(UnitType.COMPRESSOR, canonical="compressor") or (
                    None if recycle_planned else pool(UnitType.COMPRESSOR)
                )
                unit = train.add_unit(UnitType.COMPRESSOR, "compressor", group, role="feed")
                current = train.passthrough(
                    current, unit, min(current.temperature + 80, 150.0), round(p_r + 0.5, 3), "compressed gas"
                )
            if is_main and recycle_planned:
                group = pool(UnitType.MIXER)
                loop_mixer = train.add_unit(UnitType.MIXER, "loop mixer", group, role="mixer")
                current = train.mix([current], loop_mixer, current.temperature, current.pressure, "loop feed")
        exothermic = reaction.exothermic if reaction.exothermic is not None else facts.heat == "exothermic"
        # an exothermic reactor heats its own feed: preheat to light-off, not to the reaction temperature
        t_in = (min(t_r - 20, 250.0) if t_r > 400 else t_r - 20) if exothermic else t_r
        current = preheat(current, max(t_in, current.temperature), is_main)
        if current.pressure < p_r:
            p_r = current.pressure
        group = assigned.get(id(reaction))
        kind = (
            group.unit_type
            if group is not None
            else _reactor_type(
                _sentence(facts.texts[reaction.span.text_index].text, reaction.span.start, reaction.span.end),
                bool(reaction.catalyst),
            )
        )
        name = (reaction.label or reaction.written())[:60].strip()
        unit = train.add_unit(
            kind,
            group.phrase if group is not None else "reactor",
            group,
            description=f"hosts {reaction.written()}",
            role="reactor",
        )
        if group is not None:
            group.used = True
        unit.temperature, unit.pressure = round(t_r, 1), round(p_r, 3)
        spec = specs[id(reaction)]
        if reaction.catalyst:
            unit.description += f"; catalyst: {reaction.catalyst}"
        unit.parameters["per_pass_conversion"] = Quantity(value=round(spec.conversion, 4), unit="")
        stated = reaction is main and facts.conversion is not None
        unit.description += f"; per-pass conversion of {spec.key} {spec.conversion:.0%} ({'stated in the texts' if stated else 'assumed'})"
        current = train.react(current, unit, [spec], round(t_r, 1), round(p_r, 3), f"{name} effluent")
        reactor_units.append(unit)
        for extra in extras_after(reaction):
            after = train.add_unit(
                extra.unit_type, extra.phrase, extra, description="no reaction modelled", role="reactor"
            )
            after.temperature, after.pressure = current.temperature, round(current.pressure - 0.1, 3)
            current = train.passthrough(
                current,
                after,
                current.temperature,
                round(current.pressure - 0.1, 3),
                f"{extra.phrase} outlet",
            )
    for group in [g for g in groups_left if not g.used]:  # named beyond the chain: downstream, no reaction
        unit = train.add_unit(
            group.unit_type, group.phrase, group, description="no reaction modelled", role="reactor"
        )
        unit.temperature, unit.pressure = current.temperature, current.pressure
        current = train.passthrough(
            current, unit, current.temperature, round(current.pressure - 0.1, 3), f"{group.phrase} outlet"
        )

    # ---------------------------------------------------------------- effluent heat recovery and cooling
    for unit, cold_in in fe_exchanger:
        t_out = max(cold_in + 20, current.temperature - 0.7 * max(0.0, current.temperature - cold_in))
        t_out = min(t_out, current.temperature)
        current.dst = unit.tag
        out = train.new_stream(
            "cooled effluent", unit.tag, None, round(t_out, 1), round(current.pressure - 0.2, 3)
        )

        def fe_step(src: _StreamSpec = current, dst: _StreamSpec = out) -> None:
            dst.moles = dict(src.moles)

        train.run(fe_step)
        current = out
    cooling_order = (
        UnitType.WASTE_HEAT_BOILER,
        UnitType.HEAT_EXCHANGER,
        UnitType.AIR_COOLER,
        UnitType.COOLER,
        UnitType.CONDENSER,
    )
    cooled = False
    for kind in cooling_order:
        while (group := pool(kind)) is not None or (
            kind is UnitType.HEAT_EXCHANGER
            and (
                group := pool(UnitType.EVAPORATOR, context=r"steam|heat recovery|boiler|superheater|economi")
            )
            is not None
        ):
            kind_here = group.unit_type
            if kind is UnitType.HEAT_EXCHANGER and group.canonical == "feed/effluent exchanger":
                group.unit_type = UnitType.HEAT_EXCHANGER
            t_in = current.temperature
            if kind_here is UnitType.WASTE_HEAT_BOILER:
                t_out = min(t_in, 250.0) if t_in > 260 else t_in - 5
            elif kind_here in (UnitType.HEAT_EXCHANGER, UnitType.EVAPORATOR):
                t_out = t_in - 0.3 * max(0.0, t_in - COOLING_WATER_OUTLET_C)
            elif kind is UnitType.AIR_COOLER:
                t_out = min(t_in, 60.0)
            else:
                t_out = min(t_in, COOLING_WATER_OUTLET_C)
            t_out = max(min(t_out, t_in), -50.0)
            unit = train.add_unit(kind_here, group.phrase, group, role="cooling")
            if kind_here is UnitType.EVAPORATOR:
                unit.description = ("raises steam from the reactor effluent " + unit.description).strip()
                unit.pressure = round(current.pressure - 0.1, 3)
            current = train.passthrough(
                current, unit, round(t_out, 1), round(current.pressure - 0.1, 3), f"{group.phrase} outlet"
            )
            cooled = True
    if not cooled and current.temperature > 60:
        unit = train.add_unit(UnitType.COOLER, "effluent cooler", role="cooling")
        current = train.passthrough(
            current, unit, COOLING_WATER_OUTLET_C, round(current.pressure - 0.1, 3), "cooled effluent"
        )

    # ---------------------------------------------------------------- separation
    offgas_types = {UnitType.TURBINE, UnitType.EXPANDER, UnitType.OTHER}
    offgas_groups = [
        g
        for g in groups
        if not g.used
        and (
            g.unit_type in offgas_types
            or g.canonical in ("scrubber", "incinerator")
            or (g.unit_type in REACTOR_TYPES and g not in process_reactor_groups)
        )
    ]
    for g in offgas_groups:
        g.used = True  # reserved for the off-gas line
    separation_groups = sorted(
        (
            g
            for g in groups
            if not g.used
            and g.unit_type in _SEPARATION_RANK
            and not (g.unit_type is UnitType.FILTER and re.search(r"\bair\b", g.context))
            and g.canonical != "vaporizer"
        ),
        key=lambda g: (_SEPARATION_RANK[g.unit_type], g.mentions[0].span.start),
    )
    deferred_columns: list[_MentionGroup] = []
    first_column: dict[str, _StreamSpec] = {}
    needs_vent = bool(offgas_groups) and not any(is_light(s) for s in current.moles if current.moles[s] > 0)

    def present(stream: _StreamSpec) -> list[str]:
        total = sum(stream.moles.values()) or 1.0
        return [s for s, v in stream.moles.items() if v > 1e-9 * total]

    separator_inlets: dict[str, list[_StreamSpec]] = {}

    def separate(
        stream: _StreamSpec,
        unit: _UnitSpec,
        top: tuple[str, Phase],
        bottom: tuple[str, Phase],
        to_top: Callable[[str], float],
        t_top: float,
        t_bottom: float,
        p: float,
        extra_inlets: Sequence[_StreamSpec] = (),
        hosted: Sequence[_ReactionSpec] = (),
    ) -> tuple[_StreamSpec, _StreamSpec]:
        nonlocal needs_vent
        inlets = [stream, *extra_inlets]
        separator_inlets[unit.tag] = inlets
        for s in inlets:
            s.dst = unit.tag
        vent = None
        if needs_vent:
            vent = train.new_stream("vent gas", unit.tag, None, t_top, p, Phase.VAPOR)
            needs_vent = False
            side_streams.append((vent, "vapor"))
        top_stream = train.new_stream(top[0], unit.tag, None, t_top, p, top[1])
        bottom_stream = train.new_stream(bottom[0], unit.tag, None, t_bottom, p, bottom[1])
        for spec in hosted:
            spec.host = unit.tag
            unit.reaction_ids.append(spec.id)

        def step(
            srcs: list[_StreamSpec] = inlets,
            top_s: _StreamSpec = top_stream,
            bot_s: _StreamSpec = bottom_stream,
            vent_s: _StreamSpec | None = vent,
            reactions: Sequence[_ReactionSpec] = hosted,
        ) -> None:
            moles: dict[str, float] = defaultdict(float)
            for s in srcs:
                for k, v in s.moles.items():
                    moles[k] += v
            if reactions:
                for spec in reactions:
                    spec.extent = 0.0
                    spec.inlet_key = moles.get(spec.key, 0.0)
                for _ in range(max(r.stages for r in reactions)):
                    for spec in reactions:
                        nu = spec.reaction.stoichiometry
                        extent = spec.conversion * moles.get(spec.key, 0.0) / abs(nu[spec.key])
                        for sp, c in nu.items():
                            if c < 0:
                                extent = min(extent, moles.get(sp, 0.0) / abs(c))
                        extent = max(extent, 0.0)
                        for sp, c in nu.items():
                            moles[sp] = max(moles.get(sp, 0.0) + c * extent, 0.0)
                        spec.extent += extent
            if vent_s is not None:
                vent_s.moles = {k: v * 0.001 for k, v in moles.items() if v > 0}
                moles = defaultdict(float, {k: v * 0.999 for k, v in moles.items()})
            top_s.moles, bot_s.moles = {}, {}
            for k, v in moles.items():
                if v <= 0:
                    continue
                share = min(max(to_top(k), 0.0), 1.0)
                if share > 0:
                    top_s.moles[k] = v * share
                if share < 1:
                    bot_s.moles[k] = v * (1 - share)

        train.run(step)
        return top_stream, bottom_stream

    absorber_specs = [specs[id(r)] for r in in_absorber]

    def apply_separation(
        group: _MentionGroup | None, kind: UnitType, current: _StreamSpec
    ) -> _StreamSpec | None:
        """Run one separation step on the product route; None when it has nothing to separate."""
        names = present(current)
        lights = [s for s in names if is_light(s)]
        heavies = [s for s in names if is_heavy(s)]
        t, p = current.temperature, current.pressure
        label = group.phrase if group is not None else kind.value.replace("_", " ")
        if kind in (UnitType.FLASH_DRUM, UnitType.SEPARATOR, UnitType.CYCLONE):
            if not lights:
                return None
            unit = train.add_unit(kind, label, group, role="separation")
            unit.temperature, unit.pressure = t, p
            vapor, liquid = separate(
                current,
                unit,
                (f"{label} vapour", Phase.VAPOR),
                (
                    f"{label} liquid",
                    Phase.SOLID if solid_product and kind is UnitType.CYCLONE else Phase.LIQUID,
                ),
                lambda s: 1.0 if is_light(s) else 0.0,
                t,
                t,
                p,
            )
            side_streams.append((vapor, "vapor"))
            return liquid
        if kind is UnitType.ABSORBER:
            extra: list[_StreamSpec] = []
            hosted = absorber_specs if absorber_specs and not any(s.host for s in absorber_specs) else []
            if hosted:
                for name, amount in absorber_feeds.items():
                    feed = train.new_stream(f"{name} to {label}", None, None, 30.0, p + 0.5, Phase.LIQUID)
                    base = {name: amount}

                    def absorbent_step(s: _StreamSpec = feed, m: dict[str, float] = base) -> None:
                        s.moles = dict(m)

                    train.run(absorbent_step)
                    feed_streams.append(feed)
                    extra.append(feed)
            if not hosted and not lights:
                return None
            if not hosted and (water is None or water not in names):
                solvent = species[water]
                made_here = current.moles.get(product.name, 0.0)
                if strength is not None and water in coproducts:
                    amount = made_here * product.molar_mass * (1 / strength - 1) / species[water].molar_mass
                    amount = max(amount - current.moles.get(water, 0.0), 1e-6 * made_here) or 1.0
                else:
                    amount = 4.0 * made_here or 1.0
                feed = train.new_stream("absorbent water", None, None, 30.0, p + 0.5, Phase.LIQUID)
                base = {solvent.name: amount}

                def solvent_step(s: _StreamSpec = feed, m: dict[str, float] = base) -> None:
                    s.moles = dict(m)

                train.run(solvent_step)
                feed_streams.append(feed)
                extra.append(feed)
                assumptions.append(
                    "absorbent: process water"
                    + (
                        f" for a {strength:.0%} product"
                        if strength is not None
                        else ", 4 mol per mol of product"
                    )
                )
            species_after = set(names) | {s for spec in hosted for s in spec.reaction.stoichiometry}
            if not any(is_light(s) for s in species_after) and not hosted and not extra:
                return None
            unit = train.add_unit(kind, label, group, role="separation")
            unit.temperature, unit.pressure = 40.0, p
            gas, liquid = separate(
                current,
                unit,
                ("tail gas", Phase.VAPOR),
                (f"{label} bottoms", Phase.LIQUID),
                lambda s: 1.0 if is_light(s) else 0.0,
                min(t, 40.0),
                min(t, 50.0),
                p,
                extra_inlets=extra,
                hosted=hosted,
            )
            side_streams.append((gas, "vapor"))
            return liquid
        if kind is UnitType.STRIPPER:
            air_strip = bool(group is not None and re.search(r"\bair\b", group.context)) and use_air
            extra = []
            if air_strip:
                amount = 0.3 * current.moles.get(product.name, 0.0) or 1.0
                feed = train.new_stream("stripping air", None, None, AMBIENT_C, p + 0.5, Phase.VAPOR)
                base = {n: amount * x for n, x in AIR.items()}

                def air_step(s: _StreamSpec = feed, m: dict[str, float] = base) -> None:
                    s.moles = dict(m)

                train.run(air_step)
                feed_streams.append(feed)
                extra.append(feed)
            elif not lights:
                if not heavies:
                    return None
                # nothing lighter to strip off: the product is stripped overhead from the heavier rest
                unit = train.add_unit(kind, label, group, role="separation")
                unit.temperature, unit.pressure = t, p
                top, bottom = separate(
                    current,
                    unit,
                    (f"{label} overhead", Phase.VAPOR),
                    (f"{label} bottoms", Phase.LIQUID),
                    lambda s: 0.0 if is_heavy(s) else 1.0,
                    t,
                    t,
                    p,
                )
                side_streams.append((bottom, "liquid"))
                return top
            unit = train.add_unit(kind, label, group, role="separation")
            unit.temperature, unit.pressure = t, p
            air_names = set(AIR) if air_strip else set()
            top, bottom = separate(
                current,
                unit,
                (f"{label} overhead", Phase.VAPOR),
                (f"{label} bottoms", Phase.LIQUID),
                lambda s: 1.0 if (is_light(s) or (s in air_names and s not in coproducts)) else 0.0,
                t,
                t,
                p,
                extra_inlets=extra,
            )
            side_streams.append((top, "vapor"))
            return bottom
        if kind is UnitType.DECANTER:
            if water is None or water in coproducts or water not in names or len(names) < 2:
                return None
            unit = train.add_unit(kind, label, group, role="separation")
            unit.temperature, unit.pressure = t, p
            organic, aqueous = separate(
                current,
                unit,
                (f"{label} organic phase", Phase.LIQUID),
                (f"{label} aqueous phase", Phase.LIQUID),
                lambda s: 0.0 if s == water else 1.0,
                t,
                t,
                p,
            )
            side_streams.append((aqueous, "liquid"))
            return organic
        if kind in (UnitType.DISTILLATION_COLUMN, UnitType.EXTRACTOR, UnitType.EVAPORATOR):
            if not lights and not heavies:
                return None
            if kind is UnitType.EVAPORATOR and not lights:
                return None
            unit = train.add_unit(kind, label, group, role="separation")
            top_tb = min(train.tb(s) for s in (lights or [product.name]))
            p_col = _column_pressure(top_tb, p)
            unit.pressure = round(p_col, 3)

            def saturated(names: Sequence[str]) -> float:
                """degC a little below the bubble point of a liquid of these species at the column pressure."""
                return round(_boiling_at(min(train.tb(n) for n in names), p_col) - 273.15 - 5.0, 1)

            rest = [n for n in names if n not in lights and n not in heavies] or [product.name]
            if lights:
                non_condensable = all(train.tb(n) < 200.0 for n in lights)
                top_t = COOLING_WATER_OUTLET_C if non_condensable else saturated(lights)
                bottom_t = saturated(rest + heavies)
                top, bottom = separate(
                    current,
                    unit,
                    (f"{label} overhead", Phase.VAPOR if non_condensable else Phase.LIQUID),
                    (f"{label} bottoms", Phase.LIQUID),
                    lambda s: 1.0 if is_light(s) else 0.0,
                    top_t,
                    bottom_t,
                    round(p_col, 3),
                )
                side_streams.append((top, "vapor" if non_condensable else "liquid"))
                first_column.setdefault("overhead", top)
                first_column.setdefault("bottoms", bottom)
                unit.temperature = bottom_t
                return bottom
            top_t, bottom_t = saturated(rest), saturated(heavies)
            top, bottom = separate(
                current,
                unit,
                (f"{label} overhead", Phase.LIQUID),
                (f"{label} bottoms", Phase.LIQUID),
                lambda s: 0.0 if is_heavy(s) else 1.0,
                top_t,
                min(bottom_t, 400.0),
                round(p_col, 3),
            )
            side_streams.append((bottom, "liquid"))
            first_column.setdefault("overhead", top)
            first_column.setdefault("bottoms", bottom)
            unit.temperature = top_t
            return top
        if kind is UnitType.CRYSTALLIZER:
            unit = train.add_unit(kind, label, group, role="separation")
            unit.temperature, unit.pressure = min(t, 40.0), p
            return train.passthrough(current, unit, min(t, 40.0), p, "crystal slurry", Phase.SOLID_LIQUID)
        if kind in (UnitType.CENTRIFUGE, UnitType.FILTER):
            others = [s for s in names if s not in coproducts]
            if not others:
                return None
            unit = train.add_unit(kind, label, group, role="separation")
            moisture = 0.03 if any(g.unit_type is UnitType.DRYER and not g.used for g in groups) else 0.0
            cake, liquor = separate(
                current,
                unit,
                ("wet cake" if moisture else "cake", Phase.SOLID),
                ("mother liquor", Phase.LIQUID),
                lambda s: 1.0 if s in coproducts else moisture,
                t,
                t,
                max(p - 0.2, 1.05),
            )
            side_streams.append((liquor, "liquid"))
            return cake
        if kind is UnitType.DRYER:
            others = [s for s in names if s not in coproducts]
            if not others:
                return None
            unit = train.add_unit(kind, label, group, role="separation")
            unit.temperature, unit.pressure = max(t, 80.0), ATM_BAR
            vapor, dry = separate(
                current,
                unit,
                ("dryer exhaust", Phase.VAPOR),
                ("dried product", Phase.SOLID),
                lambda s: 0.0 if s in coproducts else 1.0,
                max(t, 80.0),
                max(t, 60.0),
                ATM_BAR,
            )
            side_streams.append((vapor, "vapor"))
            return dry
        if kind is UnitType.VALVE:
            unit = train.add_unit(kind, label, group, role="separation")
            return train.passthrough(current, unit, t, round(max(p * 0.5, 1.2), 3), "let-down liquid")
        return None

    for group in separation_groups:
        if group.used:
            continue
        result = apply_separation(group, group.unit_type, current)
        if result is None:
            if group.unit_type is UnitType.DISTILLATION_COLUMN:
                deferred_columns.append(group)
                continue
            # nothing to separate: the unit still stands in the train, passing the stream on
            unit = train.add_unit(
                group.unit_type,
                group.phrase,
                group,
                description="nothing left to separate here",
                role="separation",
            )
            unit.temperature, unit.pressure = current.temperature, current.pressure
            phase = (
                Phase.SOLID
                if group.unit_type in (UnitType.DRYER, UnitType.CENTRIFUGE, UnitType.FILTER) and solid_product
                else (
                    Phase.LIQUID
                    if group.unit_type
                    in (
                        UnitType.FLASH_DRUM,
                        UnitType.SEPARATOR,
                        UnitType.DECANTER,
                        UnitType.STRIPPER,
                        UnitType.ABSORBER,
                        UnitType.EVAPORATOR,
                        UnitType.CRYSTALLIZER,
                    )
                    else None
                )
            )
            current = train.passthrough(
                current, unit, current.temperature, current.pressure, f"{group.phrase} outlet", phase
            )
        else:
            current = result

    # auto separation until the product route is clean
    for _ in range(4):
        names = present(current)
        total_mass = sum(current.moles[s] * species[s].molar_mass for s in names) or 1.0
        impurity = (
            sum(current.moles[s] * species[s].molar_mass for s in names if s not in coproducts) / total_mass
        )
        if impurity < 0.005:
            break
        lights = [s for s in names if is_light(s)]
        if solid_product:
            kind = UnitType.DRYER
        elif lights and all(train.tb(s) < 273.15 for s in lights) and current.phase is not Phase.VAPOR:
            kind = UnitType.FLASH_DRUM
        else:
            kind = UnitType.DISTILLATION_COLUMN
        group = (
            deferred_columns.pop(0) if (kind is UnitType.DISTILLATION_COLUMN and deferred_columns) else None
        )
        result = apply_separation(group, kind, current)
        if result is None:
            break
        current = result

    reboiler = pool(UnitType.REBOILER)
    if reboiler is not None:
        unit = train.add_unit(UnitType.REBOILER, reboiler.phrase, reboiler, role="separation")
        host = first_column.get("bottoms") or current
        if (
            host.dst is not None
        ):  # already feeds another unit: the reboiler/drum goes on the open product line
            host = current
        out = train.passthrough(host, unit, host.temperature, host.pressure, "reboiler outlet", Phase.LIQUID)
        if host is current:
            current = out
        else:
            side_streams[:] = [((out if s is host else s), k) for s, k in side_streams]
            if first_column.get("bottoms") is current:
                current = out
    reflux = pool(UnitType.VESSEL, canonical="reflux drum")
    if reflux is not None:
        unit = train.add_unit(UnitType.VESSEL, reflux.phrase, reflux, role="separation")
        host = first_column.get("overhead") or current
        if (
            host.dst is not None
        ):  # already feeds another unit: the reboiler/drum goes on the open product line
            host = current
        unit.temperature, unit.pressure = host.temperature, host.pressure
        out = train.passthrough(
            host, unit, host.temperature, host.pressure, "reflux drum outlet", Phase.LIQUID
        )
        if host is current:
            current = out
        else:
            side_streams[:] = [((out if s is host else s), k) for s, k in side_streams]
    # ---------------------------------------------------------------- recycle
    recycle_stream: _StreamSpec | None = None
    main_spec = specs[id(main)]
    if recycle_planned and loop_mixer is not None and side_streams:
        key = main_spec.key
        candidate, phase_kind = max(side_streams, key=lambda item: item[0].moles.get(key, 0.0))
        reactant_names = set(main.reactants)
        reactant_share = sum(v for sp, v in candidate.moles.items() if sp in reactant_names) / (
            sum(candidate.moles.values()) or 1.0
        )
        if phase_kind == "vapor" and reactant_share < 0.5:
            assumptions.append(
                f"no recycle: the stream holding unreacted {key} is mostly by-products ({reactant_share:.0%} reactants)"
            )
        elif candidate.moles.get(key, 0.0) > 0:
            total = sum(candidate.moles.values())
            foreign = sum(v for s, v in candidate.moles.items() if s not in reactant_names) / (total or 1.0)
            purge_fraction = PURGE_FRACTION_GAS if phase_kind == "vapor" else PURGE_FRACTION_LIQUID
            source = candidate
            if phase_kind != "vapor" and foreign > 0.05:
                inside = [s for s in present(candidate) if s in reactant_names]
                outside = [s for s in present(candidate) if s not in reactant_names]
                top_reactants = max(train.tb(s) for s in inside) + VOLATILITY_GAP_K < min(
                    train.tb(s) for s in outside
                )
                bottom_reactants = (
                    min(train.tb(s) for s in inside) > max(train.tb(s) for s in outside) + VOLATILITY_GAP_K
                )
                if top_reactants or bottom_reactants:
                    side_streams.remove((candidate, phase_kind))
                    group = deferred_columns.pop(0) if deferred_columns else None
                    unit = train.add_unit(
                        UnitType.DISTILLATION_COLUMN,
                        group.phrase if group else "recovery column",
                        group,
                        description="recovers unreacted feed for recycle",
                        role="separation",
                    )
                    unit.pressure = candidate.pressure
                    unit.temperature = round(max(train.tb(s) for s in inside) - 273.15, 1)
                    t_in = round(min(train.tb(s) for s in inside) - 273.15, 1)
                    t_out = round(min(train.tb(s) for s in outside) - 273.15, 1)
                    recovered, rest = separate(
                        candidate,
                        unit,
                        ("recovered reactants", Phase.LIQUID),
                        (f"{unit.name} bottoms", Phase.LIQUID),
                        (lambda s: 1.0 if s in reactant_names else 0.0),
                        t_in,
                        t_out,
                        candidate.pressure,
                    )
                    if bottom_reactants:
                        recovered.name, rest.name = f"{unit.name} overhead", "recovered reactants"
                        recovered, rest = rest, recovered
                        assumptions.append("reactants recovered as bottoms of the recovery column")
                    side_streams.append((rest, "liquid"))
                    source = recovered
                else:
                    source = None
                    assumptions.append(
                        "no recycle: the unreacted feed cannot be split from the by-products by boiling point"
                    )
            if source is not None:
                if source is candidate:
                    side_streams.remove((candidate, phase_kind))
                unit = train.add_unit(
                    UnitType.SPLITTER,
                    "purge splitter",
                    description=f"purges {purge_fraction:.0%} of the recycle",
                    role="purge",
                )
                unit.parameters["purge_fraction"] = Quantity(value=purge_fraction, unit="")
                purge, back = train.split(
                    source,
                    unit,
                    [
                        (
                            "purge",
                            source.temperature,
                            source.pressure,
                            source.phase,
                            lambda s: purge_fraction,
                        ),
                        ("recycle", source.temperature, source.pressure, source.phase, lambda s: 1.0),
                    ],
                )
                side_streams.append((purge, phase_kind))
                mixer_p = min(s.pressure for s in train._mixer_inlets[loop_mixer.tag])
                if phase_kind == "vapor":
                    group = pool(UnitType.COMPRESSOR, canonical="recycle compressor") or pool(
                        UnitType.COMPRESSOR
                    )
                    mover = train.add_unit(UnitType.COMPRESSOR, "recycle compressor", group, role="recycle")
                    phase = Phase.VAPOR
                else:
                    group = pool(UnitType.PUMP)
                    mover = train.add_unit(UnitType.PUMP, "recycle pump", group, role="recycle")
                    phase = Phase.LIQUID
                p_out = max(mixer_p + 0.3, back.pressure * 1.1)
                recycle_stream = train.passthrough(
                    back,
                    mover,
                    round(back.temperature + (15 if phase is Phase.VAPOR else 0), 1),
                    round(p_out, 3),
                    "recycle",
                    phase,
                )
                recycle_stream.dst = loop_mixer.tag
                train._mixer_inlets[loop_mixer.tag].append(recycle_stream)
                assumptions.append(
                    f"unreacted {key} recycled to the reactor with a {purge_fraction:.0%} purge "
                    f"(per-pass conversion {main_spec.conversion:.0%})"
                )
    if facts.recycle and recycle_stream is None:
        assumptions.append(
            "the texts mention a recycle, but no recycle was drawn: unreacted feed leaves as a by-product"
        )

    # ---------------------------------------------------------------- off-gas line
    vapors = [s for s, kind in side_streams if kind == "vapor"]
    if offgas_groups:
        line = vapors[0] if vapors else (side_streams[0][0] if side_streams else None)
        if line is not None:
            side_streams[:] = [(s, k) for s, k in side_streams if s is not line]
            order = {
                UnitType.ABSORBER: 0,
                UnitType.FIRED_HEATER: 2,
                UnitType.EXPANDER: 3,
                UnitType.TURBINE: 3,
                UnitType.OTHER: 5,
            }
            for group in sorted(
                offgas_groups, key=lambda g: (order.get(g.unit_type, 1), g.mentions[0].span.start)
            ):
                t, p = line.temperature, line.pressure
                kind = group.unit_type
                if kind in (UnitType.EXPANDER, UnitType.TURBINE):
                    t_out = max(t - 60, 20.0)
                    p_out = max(ATM_BAR * 1.05, p / 4) if p > ATM_BAR * 1.1 else p - 0.03
                elif kind is UnitType.FIRED_HEATER:
                    t_out, p_out = max(t, 850.0), p - 0.05
                elif kind is UnitType.ABSORBER:
                    t_out, p_out = min(t, 40.0), p - 0.05
                else:
                    t_out, p_out = t, p - 0.02
                unit = train.add_unit(kind, group.phrase, group, role="offgas")
                if kind in REACTOR_TYPES or kind is UnitType.ABSORBER:
                    unit.temperature, unit.pressure = round(t_out, 1), round(p_out, 3)
                line = train.passthrough(
                    line, unit, round(t_out, 1), round(p_out, 3), f"{group.phrase} outlet", line.phase
                )
            side_streams.insert(0, (line, "vapor"))

    # ---------------------------------------------------------------- product handling
    # anything named in the prose and not placed yet stands on the product line
    for group in groups:
        if group.used or group.unit_type is UnitType.TANK:
            continue
        kind = group.unit_type
        t, p = current.temperature, current.pressure
        t_out, p_out = t, p
        if kind in (UnitType.PUMP,):
            p_out = p + 3.0
        elif kind in (UnitType.COMPRESSOR, UnitType.BLOWER):
            p_out = p * 1.3
        elif kind in (UnitType.COOLER, UnitType.CONDENSER, UnitType.AIR_COOLER, UnitType.WASTE_HEAT_BOILER):
            t_out = min(t, COOLING_WATER_OUTLET_C)
        elif kind in (UnitType.EXPANDER, UnitType.TURBINE, UnitType.VALVE):
            p_out = max(p * 0.8, 1.05) if p > 1.3 else p * 0.9
        unit = train.add_unit(kind, group.phrase, group, role="product")
        if kind in REACTOR_TYPES or kind in _SEPARATION_RANK or kind is UnitType.VESSEL:
            unit.temperature, unit.pressure = round(t_out, 1), round(p_out, 3)
        current = train.passthrough(
            current, unit, round(t_out, 1), round(p_out, 3), f"{group.phrase} outlet", current.phase
        )
    for group in [g for g in groups if not g.used and g.unit_type is UnitType.TANK]:
        unit = train.add_unit(UnitType.TANK, "product storage", group, role="product")
        current = train.passthrough(
            current,
            unit,
            min(current.temperature, 40.0),
            max(current.pressure, 1.05),
            f"{chemical} to storage",
            current.phase,
        )
    current.name = f"{chemical} product"
    product_stream = current

    # ---------------------------------------------------------------- solve and scale
    train.evaluate([recycle_stream] if recycle_stream is not None else [])
    absorber_unit = next(
        (u for u in train.units if u.type is UnitType.ABSORBER and u.tag in separator_inlets), None
    )
    if strength is not None and water in coproducts and absorber_unit is not None:
        water_feed: _StreamSpec | None = None
        for _ in range(4):
            made = product_stream.moles.get(product.name, 0.0)
            wanted = made * product.molar_mass * (1 / strength - 1) / species[water].molar_mass
            deficit = wanted - product_stream.moles.get(water, 0.0)
            if deficit <= 1e-9 * wanted:
                break
            if water_feed is None:
                water_feed = train.new_stream(
                    "process water",
                    None,
                    absorber_unit.tag,
                    30.0,
                    round((absorber_unit.pressure or 2.0) + 0.5, 3),
                    Phase.LIQUID,
                )
                water_base: dict[str, float] = {water: 0.0}

                def water_step(s: _StreamSpec = water_feed, m: dict[str, float] = water_base) -> None:
                    s.moles = dict(m)

                train.steps.insert(0, water_step)
                separator_inlets[absorber_unit.tag].append(water_feed)
                feed_streams.append(water_feed)
                assumptions.append(
                    f"process water to {absorber_unit.tag} sized for a {strength:.0%} product (strength stated in the texts)"
                )
            water_base[water] += deficit
            train.evaluate([recycle_stream] if recycle_stream is not None else [])
    made = product_stream.moles.get(product.name, 0.0)
    if made <= 0:
        raise InvalidArgument(
            "facts.reactions", f"the extracted chemistry does not deliver {chemical!r} to the product stream"
        )
    scale = target / made
    return _emit(chemical, train, specs, chain, product, product_stream, scale, feed_streams)


PHASE_MARGIN_K = 20.0  # the rough saturation estimate must clear the stream temperature by this much


def _stream_phase(train: _Train, stream: _StreamSpec) -> Phase | None:
    """The phase to state: only when every species is clearly superheated (vapour) or clearly subcooled
    (liquid) at the stream's T and P by the rough saturation estimate; solids as intended; else None, so
    that a simulator's equilibrium never contradicts a stated phase."""
    if stream.phase in (Phase.SOLID, Phase.SOLID_LIQUID):
        return stream.phase
    total = sum(stream.moles.values())
    moles = {k: v for k, v in stream.moles.items() if v > 1e-6 * total}
    if not moles:
        return None
    t_k = stream.temperature + 273.15
    saturation = [_boiling_at(train.tb(s), stream.pressure) for s in moles]
    confident = None
    if all(t < t_k - PHASE_MARGIN_K for t in saturation):
        confident = Phase.VAPOR
    elif all(t > t_k + PHASE_MARGIN_K for t in saturation):
        confident = Phase.LIQUID
    if stream.phase is None or stream.phase is confident:
        return confident
    return None


def _emit(
    chemical: str,
    train: _Train,
    specs: dict[int, _ReactionSpec],
    chain: list[ExtractedReaction],
    product: Species,
    product_stream: _StreamSpec,
    scale: float,
    feed_streams: list[_StreamSpec],
) -> _BuiltFlowsheet:
    species = train.species
    used_species: set[str] = set()
    for stream in train.streams.values():
        used_species |= {k for k, v in stream.moles.items() if v > 0}
    for reaction in chain:
        used_species |= set(reaction.stoichiometry)
    components = [
        Component(name=name, formula=species[name].formula, cas=species[name].cas)
        for name in sorted(used_species, key=lambda n: (n != product.name, n))
    ]
    reactions = []
    reaction_sources: dict[str, ExtractedReaction] = {}
    units_by_tag = {u.tag: u for u in train.units}
    for reaction in chain:
        spec = specs[id(reaction)]
        reaction_sources[spec.id] = reaction
        host = units_by_tag.get(spec.host)
        hosted = [s for s in specs.values() if s.host == spec.host]
        regenerated = any(
            other is not spec and other.reaction.stoichiometry.get(spec.key, 0.0) > 0 for other in hosted
        )
        consumed = spec.extent * abs(reaction.stoichiometry[spec.key])
        conversion = consumed / spec.inlet_key if spec.inlet_key > 0 else None
        use_conversion = (
            conversion is not None
            and not regenerated
            and conversion <= 1.0
            and host is not None
            and sum(
                (o.extent * abs(o.reaction.stoichiometry[o.key]) / o.inlet_key)
                for o in hosted
                if o.key == spec.key and o.inlet_key > 0
            )
            <= 1.0
        )
        heat = reaction.heat_of_reaction_kj_per_mol
        reactions.append(
            Reaction(
                id=spec.id,
                name=(reaction.label or None) if reaction.label and len(reaction.label) < 60 else None,
                stoichiometry=dict(reaction.stoichiometry),
                key_reactant=spec.key,
                conversion=math.floor(min(conversion, 1.0) * 1e6) / 1e6
                if use_conversion and conversion is not None
                else None,
                extent=None
                if use_conversion
                else Quantity(value=_floor_sig(spec.extent * scale * 3.6 * (1 - 1e-6)), unit="kmol/h"),
                heat_of_reaction=Quantity(value=round(heat, 3), unit="kJ/mol") if heat is not None else None,
                catalyst=reaction.catalyst,
            )
        )
    units = [
        Unit(
            tag=u.tag,
            type=u.type,
            name=u.name[:120] if u.name else None,
            description=u.description,
            temperature=Quantity(value=u.temperature, unit="degC") if u.temperature is not None else None,
            pressure=Quantity(value=u.pressure, unit="bar") if u.pressure is not None else None,
            parameters=u.parameters,
            reaction_ids=u.reaction_ids,
        )
        for u in train.units
    ]
    streams = []
    for s in train.streams.values():
        masses = {k: v * scale * species[k].molar_mass / 1000 for k, v in s.moles.items() if v > 0}  # kg/s
        total = math.fsum(masses.values())
        composition = None
        if total > 0:
            fractions = {k: round(m / total, 9) for k, m in masses.items() if m / total >= 1e-9}
            composition = Composition(basis=CompositionBasis.MASS, fractions=fractions)
        streams.append(
            Stream(
                id=s.id,
                name=s.name,
                description=(
                    s.description or (f"intended phase: {s.phase.value}" if s.phase is not None else "")
                )
                if _stream_phase(train, s) is None
                else s.description,
                from_unit=s.src,
                to_unit=s.dst,
                phase=_stream_phase(train, s),
                temperature=Quantity(value=round(s.temperature, 1), unit="degC"),
                pressure=Quantity(value=round(s.pressure, 3), unit="bar"),
                flow=Quantity(value=_round_sig(total * 3600), unit="kg/h"),
                composition=composition,
            )
        )
    unit_mentions = {u.tag: list(u.group.mentions) for u in train.units if u.group is not None}
    flowsheet = Flowsheet(components=components, units=units, streams=streams, reactions=reactions)
    return _BuiltFlowsheet(flowsheet, list(dict.fromkeys(train.assumptions)), unit_mentions, reaction_sources)


# ============================================================================================= instrumentation

_LIQUID = frozenset({Phase.LIQUID, Phase.LIQUID_LIQUID, Phase.SOLID_LIQUID})
_COLUMNS = frozenset({UnitType.DISTILLATION_COLUMN, UnitType.ABSORBER, UnitType.STRIPPER, UnitType.EXTRACTOR})
_FLAMMABLE_HINT = re.compile(
    r"flammab|explosi|hydrogen|hydrocarbon|methan|ethyl|propyl|benzen|ether|alcohol", re.I
)


def _bar(q: Quantity | None) -> float | None:
    return q.magnitude_in("bar") if q is not None else None


def _degc(q: Quantity | None) -> float | None:
    return q.magnitude_in("degC") if q is not None else None


def _pressure_class(design_barg: float) -> str:
    for limit, rating in ((19.0, 150), (51.0, 300), (102.0, 600), (153.0, 900), (255.0, 1500)):
        if design_barg <= limit:
            return f"ASME B16.5 Class {rating}"
    return "ASME B16.5 Class 2500"


def build_instrumentation(flowsheet: Flowsheet, facts: ProcessFacts) -> Instrumentation:
    """ISA-5.1 instruments, control loops, relief valves, interlocks, an ESD and line specs for
    ``flowsheet``, by unit type (see the module docstring)."""
    streams = {s.id: s for s in flowsheet.streams}
    inlets: dict[str, list[Stream]] = defaultdict(list)
    outlets: dict[str, list[Stream]] = defaultdict(list)
    for s in flowsheet.streams:
        if s.to_unit:
            inlets[s.to_unit].append(s)
        if s.from_unit:
            outlets[s.from_unit].append(s)
    reactions = {r.id: r for r in flowsheet.reactions}
    instruments: list[Instrument] = []
    loops: list[ControlLoop] = []
    relief: list[ReliefValve] = []
    interlocks: list[Interlock] = []
    counter = [100]

    def number() -> int:
        counter[0] += 1
        return counter[0]

    def inst(
        tag: str, kind: InstrumentType, description: str, unit: str | None = None, stream: str | None = None
    ) -> str:
        instruments.append(
            Instrument(tag=tag, type=kind, description=description, unit_tag=unit, stream_id=stream)
        )
        return tag

    def feedback(
        variable: MeasuredVariable,
        letter: str,
        description: str,
        sensor_at: tuple[str | None, str | None],
        valve_at: tuple[str | None, str | None],
        setpoint: Quantity | None,
        manipulated: str | None = None,
    ) -> ControlLoop:
        n = number()
        sensor = inst(
            f"{letter}T-{n}",
            InstrumentType.TRANSMITTER,
            f"{description} transmitter",
            unit=sensor_at[0],
            stream=sensor_at[1],
        )
        controller = inst(f"{letter}IC-{n}", InstrumentType.CONTROLLER, f"{description} controller")
        valve = inst(
            f"{letter}V-{n}",
            InstrumentType.CONTROL_VALVE,
            f"{description} control valve",
            unit=valve_at[0],
            stream=valve_at[1],
        )
        loop = ControlLoop(
            id=controller,
            description=description,
            measured_variable=variable,
            strategy=ControlStrategy.FEEDBACK,
            sensor=sensor,
            controller=controller,
            final_element=valve,
            manipulated_stream=manipulated,
            setpoint=setpoint,
        )
        loops.append(loop)
        return loop

    def flow_setpoint(stream: Stream) -> Quantity | None:
        return stream.flow if stream.flow is not None and stream.flow.value > 0 else None

    # feeds: ratio control of each further reactant feed to the largest, shut-off valves for the ESD
    feeds = [s for s in flowsheet.streams if s.from_unit is None]
    shutoffs: list[str] = []
    feed_lines: list[tuple[Stream, Stream]] = []  # (battery-limit feed, stream where its flow is controlled)
    units = {u.tag: u for u in flowsheet.units}
    for feed in feeds:
        controlled = feed
        seen = set()
        while controlled.to_unit and controlled.to_unit not in seen:
            seen.add(controlled.to_unit)
            unit = units[controlled.to_unit]
            if unit.type in (UnitType.PUMP, UnitType.COMPRESSOR, UnitType.BLOWER):
                controlled = outlets[unit.tag][0]
                break
            if (
                unit.type not in (UnitType.FILTER, UnitType.VESSEL, UnitType.TANK)
                or len(outlets[unit.tag]) != 1
            ):
                break
            controlled = outlets[unit.tag][0]
        feed_lines.append((feed, controlled))
    feed_lines.sort(key=lambda item: -(item[0].flow.value if item[0].flow else 0.0))
    wild = feed_lines[0][1] if feed_lines else None
    for i, (feed, controlled) in enumerate(feed_lines):
        n = number()
        shutoffs.append(
            inst(f"XV-{n}", InstrumentType.ON_OFF_VALVE, f"{feed.name} shut-off valve (ESD)", stream=feed.id)
        )
        if i == 0:
            feedback(
                MeasuredVariable.FLOW,
                "F",
                f"{feed.name} flow (sets plant load)",
                (None, controlled.id),
                (None, controlled.id),
                flow_setpoint(controlled),
                controlled.id,
            )
            continue
        n = number()
        sensor = inst(
            f"FT-{n}", InstrumentType.TRANSMITTER, f"{feed.name} flow transmitter", stream=controlled.id
        )
        controller = inst(
            f"FFIC-{n}", InstrumentType.CONTROLLER, f"{feed.name} / {wild.name} ratio controller"
        )
        valve = inst(
            f"FV-{n}", InstrumentType.CONTROL_VALVE, f"{feed.name} flow control valve", stream=controlled.id
        )
        ratio = (
            (controlled.flow.value / wild.flow.value)
            if (controlled.flow and wild and wild.flow and wild.flow.value)
            else 1.0
        )
        loops.append(
            ControlLoop(
                id=controller,
                description=f"{feed.name} follows {wild.name} at the stoichiometric ratio",
                measured_variable=MeasuredVariable.FLOW,
                strategy=ControlStrategy.RATIO,
                sensor=sensor,
                controller=controller,
                final_element=valve,
                manipulated_stream=controlled.id,
                ratio=round(max(ratio, 1e-6), 6),
                wild_stream=wild.id,
                setpoint=flow_setpoint(controlled),
            )
        )

    exothermic_reactors: list[str] = []
    for unit in flowsheet.units:
        tag = unit.tag
        outs = outlets[tag]
        liquid_out = [
            s
            for s in outs
            if s.phase in _LIQUID or re.search(r"intended phase: (?:liquid|solid_liquid)", s.description)
        ]
        vapor_out = [
            s
            for s in outs
            if s.phase in (Phase.VAPOR, Phase.SUPERCRITICAL) or "intended phase: vapor" in s.description
        ]
        main_out = outs[0] if outs else None
        if unit.type in REACTOR_TYPES:
            heats = [reactions[r].heat_of_reaction for r in unit.reaction_ids if r in reactions]
            kj = [h.magnitude_in("kJ/mol") for h in heats if h is not None]
            exo = (sum(kj) < 0) if kj else (facts.heat == "exothermic" and bool(unit.reaction_ids))
            medium = "coolant" if exo or not unit.reaction_ids else "heating medium"
            setpoint = unit.temperature
            feedback(
                MeasuredVariable.TEMPERATURE,
                "T",
                f"{tag} reactor temperature ({medium})",
                (tag, None),
                (tag, None),
                setpoint,
            )
            if exo:
                exothermic_reactors.append(tag)
            if (
                unit.pressure is not None
                and _bar(unit.pressure)
                and _bar(unit.pressure) > 1.6
                and main_out is not None
            ):
                feedback(
                    MeasuredVariable.PRESSURE,
                    "P",
                    f"{tag} reactor pressure",
                    (tag, None),
                    (None, main_out.id),
                    unit.pressure,
                )
        elif unit.type in (UnitType.COMPRESSOR, UnitType.BLOWER) and main_out is not None:
            n = number()
            sensor = inst(
                f"FT-{n}", InstrumentType.TRANSMITTER, f"{tag} flow (anti-surge)", stream=main_out.id
            )
            controller = inst(f"FIC-{n}", InstrumentType.CONTROLLER, f"{tag} anti-surge controller")
            valve = inst(
                f"FV-{n}",
                InstrumentType.CONTROL_VALVE,
                f"{tag} anti-surge recycle (spillback) valve",
                unit=tag,
            )
            loops.append(
                ControlLoop(
                    id=controller,
                    description=f"anti-surge control of {tag}",
                    measured_variable=MeasuredVariable.FLOW,
                    strategy=ControlStrategy.FEEDBACK,
                    sensor=sensor,
                    controller=controller,
                    final_element=valve,
                    setpoint=flow_setpoint(main_out),
                )
            )
            feedback(
                MeasuredVariable.PRESSURE,
                "P",
                f"{tag} discharge pressure",
                (None, main_out.id),
                (tag, None),
                main_out.pressure,
            )
        elif unit.type is UnitType.PUMP and main_out is not None:
            if not any(c.id == main_out.id for _, c in feed_lines):
                feedback(
                    MeasuredVariable.FLOW,
                    "F",
                    f"{tag} discharge flow",
                    (None, main_out.id),
                    (None, main_out.id),
                    flow_setpoint(main_out),
                    main_out.id,
                )
        elif (
            unit.type
            in (
                UnitType.HEATER,
                UnitType.FIRED_HEATER,
                UnitType.COOLER,
                UnitType.CONDENSER,
                UnitType.AIR_COOLER,
                UnitType.EVAPORATOR,
            )
            and main_out is not None
        ):
            medium = (
                "fuel gas"
                if unit.type is UnitType.FIRED_HEATER
                else ("steam" if unit.type in (UnitType.HEATER, UnitType.EVAPORATOR) else "cooling medium")
            )
            feedback(
                MeasuredVariable.TEMPERATURE,
                "T",
                f"{tag} outlet temperature ({medium})",
                (None, main_out.id),
                (tag, None),
                main_out.temperature,
            )
        elif unit.type is UnitType.WASTE_HEAT_BOILER and main_out is not None:
            feedback(
                MeasuredVariable.PRESSURE,
                "P",
                f"{tag} steam drum pressure",
                (tag, None),
                (tag, None),
                Quantity(value=40.0, unit="bar"),
            )
        elif unit.type is UnitType.SPLITTER and outs:
            purge = outs[0]
            feedback(
                MeasuredVariable.FLOW,
                "F",
                f"{tag} purge flow",
                (None, purge.id),
                (None, purge.id),
                flow_setpoint(purge),
                purge.id,
            )
        if unit.type in LIQUID_HOLDUP_TYPES and liquid_out:
            target = max(liquid_out, key=lambda s: s.flow.value if s.flow else 0.0)
            feedback(
                MeasuredVariable.LEVEL,
                "L",
                f"{tag} level",
                (tag, None),
                (None, target.id),
                Quantity(value=50.0, unit="percent"),
                target.id,
            )
        if (
            unit.type
            in _COLUMNS
            | {
                UnitType.FLASH_DRUM,
                UnitType.SEPARATOR,
                UnitType.DECANTER,
                UnitType.VESSEL,
                UnitType.EVAPORATOR,
            }
            and outs
        ):
            top = vapor_out[0] if vapor_out else outs[0]
            if not (unit.type is UnitType.EVAPORATOR and not vapor_out):
                feedback(
                    MeasuredVariable.PRESSURE,
                    "P",
                    f"{tag} pressure",
                    (tag, None),
                    (None, top.id),
                    unit.pressure or top.pressure,
                )
        if unit.type is UnitType.DISTILLATION_COLUMN:
            feedback(
                MeasuredVariable.TEMPERATURE,
                "T",
                f"{tag} control-tray temperature (reboiler steam)",
                (tag, None),
                (tag, None),
                unit.temperature,
            )
        if unit.type in PRESSURE_VESSEL_TYPES:
            operating = _bar(unit.pressure) or max(
                (_bar(s.pressure) or ATM_BAR for s in outs), default=ATM_BAR
            )
            barg = max(operating - ATM_BAR, 0.0)
            set_barg = round(max(barg * 1.1, barg + 1.0, 3.5), 1)
            n = number()
            relief.append(
                ReliefValve(
                    tag=f"PSV-{n}",
                    protected_unit=tag,
                    set_pressure=Quantity(value=set_barg, unit="barg"),
                    discharge_to="flare header"
                    if _FLAMMABLE_HINT.search(" ".join(c.name for c in flowsheet.components))
                    else "vent stack at a safe location",
                    scenario="blocked outlet / external fire",
                    description=f"relief of {tag}",
                )
            )

    # product analyzer
    product_streams = [
        s
        for s in flowsheet.streams
        if s.to_unit is None
        and s.composition is not None
        and facts.product is not None
        and s.composition.fractions.get(facts.product.name, 0.0) >= 0.5
    ]
    for s in product_streams[:1]:
        n = number()
        inst(f"AT-{n}", InstrumentType.ANALYZER, f"{facts.chemical} purity analyzer", stream=s.id)
        inst(f"AI-{n}", InstrumentType.INDICATOR, f"{facts.chemical} purity indicator")

    # high-temperature trips of exothermic reactors, and the ESD
    trips: list[str] = []
    for tag in exothermic_reactors:
        n = number()
        trip = inst(
            f"TSHH-{n}", InstrumentType.SWITCH, f"{tag} temperature high-high (independent sensor)", unit=tag
        )
        trips.append(trip)
        unit = units[tag]
        trip_point = None
        if unit.temperature is not None:
            trip_point = Quantity(value=round(unit.temperature.magnitude_in("degC") + 30, 1), unit="degC")
        interlocks.append(
            Interlock(
                id=f"I-{n}",
                description=f"runaway protection of {tag}",
                trigger=trip,
                condition=f"{tag} temperature high-high",
                trip_setpoint=trip_point,
                actions=["close the reactant feed shut-off valves", "open the coolant fully"],
                final_elements=list(shutoffs),
                sil=2,
            )
        )
    for unit in flowsheet.units:
        if (
            unit.type in PRESSURE_VESSEL_TYPES
            and unit.type not in REACTOR_TYPES
            and (_bar(unit.pressure) or 0) > 10
        ):
            n = number()
            trips.append(
                inst(f"PSHH-{n}", InstrumentType.SWITCH, f"{unit.tag} pressure high-high", unit=unit.tag)
            )
    hand = inst("HS-001", InstrumentType.HAND_SWITCH, "emergency shutdown push button in the control room")
    esd = [
        EmergencyShutdown(
            id="ESD-1",
            description="plant emergency shutdown: isolate the feeds and depressure to the flare",
            initiators=[hand, *trips],
            actions=["close all feed shut-off valves", "trip the machines"],
            final_elements=list(shutoffs),
        )
    ]

    # line specifications from the materials the texts name
    positive = [m for m, _ in facts.materials]
    stainless = next((m for m in positive if re.search(r"stainless|3(?:04|16|21|47)", m, re.I)), None)
    alloy = next((m for m in positive if re.search(r"Cr-?Mo|chromium|Ni-Cr|Inconel|nickel", m, re.I)), None)
    corrosive = bool(
        re.search(
            r"\bacid\b|\bchlor|corrosi",
            facts.chemical
            + " "
            + " ".join(re.findall(r"[^.]*corrosi[^.]*", " ".join(s.text for s in facts.texts))),
            re.I,
        )
    )
    if stainless:
        process_material = f"{stainless} (stated in the texts)"
    elif positive:
        process_material = f"{positive[0]} (stated in the texts)"
    elif corrosive:
        process_material = "austenitic stainless steel 316L (assumed: corrosive service)"
    else:
        process_material = "carbon steel ASTM A106 Gr. B (assumed: non-corrosive service)"
    hot = [s.id for s in flowsheet.streams if (_degc(s.temperature) or 0) > 400]
    rest = [s.id for s in flowsheet.streams if s.id not in hot]
    line_specs = []

    def spec(spec_id: str, service: str, material: str, ids: list[str]) -> None:
        if not ids:
            return
        p = max((_bar(streams[i].pressure) or ATM_BAR) for i in ids)
        t = max((_degc(streams[i].temperature) or AMBIENT_C) for i in ids)
        design_barg = max((p - ATM_BAR) * 1.1, 3.5)
        line_specs.append(
            LineSpec(
                id=spec_id,
                service=service,
                material=material,
                pressure_class=_pressure_class(design_barg),
                design_pressure=Quantity(value=round(design_barg, 1), unit="barg"),
                design_temperature=Quantity(value=round(t + 25, 0), unit="degC"),
                corrosion_allowance=Quantity(value=3.0 if "carbon" in material else 1.0, unit="mm"),
                stream_ids=ids,
            )
        )

    spec("LS-1", "process lines", process_material, rest)
    spec(
        "LS-2",
        "hot reactor gas (above 400 °C)",
        f"{alloy} (stated in the texts)" if alloy else "alloy steel ASTM A335 P11 (assumed: hot gas)",
        hot,
    )
    return Instrumentation(
        instruments=instruments,
        control_loops=loops,
        relief_valves=relief,
        interlocks=interlocks,
        esd_systems=esd,
        line_specs=line_specs,
    )


# ============================================================================================= the design


@dataclass
class StructuredDesign:
    chemical: str
    flowsheet: Flowsheet
    instrumentation: Instrumentation
    facts: ProcessFacts
    assumptions: list[str]
    citations: list[Citation]
    unit_mentions: dict[str, list[str]]  # unit tag -> phrases of the PFD prose it stands for
    uncited: list[str]  # design paths resting on generated prose only

    @property
    def confidence(self) -> float:
        return self.facts.confidence

    def as_design(
        self,
        design_id: str | None = None,
        created_at: datetime | None = None,
        pfd_description: str = "",
        pid_description: str = "",
    ) -> Design:
        """The structured parts as a domain :class:`Design` (for validation, critique and rendering)."""
        slug = re.sub(r"[^a-z0-9]+", "-", self.chemical.lower()).strip("-") or "design"
        return Design(
            id=design_id or f"structured-{slug}",
            chemical=self.chemical,
            created_at=created_at or datetime.now(UTC),
            pfd=Pfd(description=pfd_description, flowsheet=self.flowsheet),
            pid=Pid(description=pid_description, instrumentation=self.instrumentation),
            provenance=Provenance(citations=self.citations) if self.citations else None,
        )


def _citations(facts: ProcessFacts, built: _BuiltFlowsheet) -> tuple[list[Citation], list[str]]:
    citations: list[Citation] = []
    uncited: list[str] = []
    chunks = [(i, s) for i, s in enumerate(facts.texts) if s.citable]

    def cite(path: str, direct: TextSpan | None, needles: list[str], species: Sequence[str] = ()) -> None:
        docs: list[str] = []
        ids: list[str] = []
        quote = None
        sources = []
        if direct is not None and facts.texts[direct.text_index].citable:
            sources.append(facts.texts[direct.text_index])
            quote = direct.quote[:300]
        for _, source in chunks:
            low = source.text.lower()
            formulas_here = {hill for hill, _ in _names_in(source.text)}
            named = sum(
                1 for n in species if n in formulas_here or re.search(rf"\b{re.escape(n.lower())}\b", low)
            )
            if (any(n and n.lower() in low for n in needles) or named >= 2) and source not in sources:
                sources.append(source)
        for source in sources[:5]:
            if source.document_uri and source.document_uri not in docs:
                docs.append(source.document_uri)
            if source.chunk_id and source.chunk_id not in ids:
                ids.append(source.chunk_id)
        if docs or ids:
            citations.append(Citation(path=path, document_uris=docs, chunk_ids=ids, quote=quote))
        else:
            uncited.append(path)

    for reaction in built.flowsheet.reactions:
        source = built.reaction_sources[reaction.id]
        named_species = [facts.species_by_name(name).formula for name in reaction.stoichiometry]
        cite(f"pfd.flowsheet.reactions[{reaction.id}]", source.span, [source.equation], named_species)
    for unit in built.flowsheet.units:
        mentions = built.unit_mentions.get(unit.tag)
        if mentions:
            cite(f"pfd.flowsheet.units[{unit.tag}]", mentions[0].span, [m.phrase for m in mentions])
    return citations, uncited


def structure_design(
    chemical: str,
    prose_context: str,
    pfd_prose: str,
    pid_prose: str,
    retrieved_chunks: Sequence[str | SourceText | Any] = (),
    production_rate: Quantity = DEFAULT_PRODUCTION_RATE,
) -> StructuredDesign:
    """Flowsheet, instrumentation, facts, assumptions and citations for ``chemical`` from the loop's prose
    and the retrieved chunks. Raises :class:`InvalidArgument` naming what is missing when the texts hold no
    usable chemistry (no balanced reaction forming the chemical)."""
    texts: list[SourceText] = [
        SourceText(pfd_prose or "", kind="pfd"),
        SourceText(prose_context or "", kind="context"),
        SourceText(pid_prose or "", kind="pid"),
        *(_as_source(chunk) for chunk in retrieved_chunks),
    ]
    facts = extract_process_facts(chemical, texts)
    if facts.main is None:
        raise InvalidArgument(
            "prose_context",
            f"cannot structure a design for {facts.chemical!r} (confidence {facts.confidence:.2f}): missing "
            + "; ".join(facts.missing),
        )
    built = _build(facts.chemical, facts, production_rate)
    instrumentation = build_instrumentation(built.flowsheet, facts)
    citations, uncited = _citations(facts, built)
    assumptions = list(built.assumptions)
    if facts.product_strength is not None:
        assumptions.append(f"product sold as a {facts.product_strength:.0%} solution in water (texts)")
    return StructuredDesign(
        chemical=facts.chemical,
        flowsheet=built.flowsheet,
        instrumentation=instrumentation,
        facts=facts,
        assumptions=assumptions,
        citations=citations,
        unit_mentions={tag: [m.phrase for m in ms] for tag, ms in built.unit_mentions.items()},
        uncited=uncited,
    )
