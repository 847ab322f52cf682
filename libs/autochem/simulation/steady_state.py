"""Steady-state simulation of a domain :class:`Flowsheet` with BioSTEAM/thermosteam.

Translation
-----------
* **Components** are resolved by CAS number, then name, then formula (``thermosteam.Chemical``); a formula
  that disagrees with the resolved chemical is a warning, a name nothing resolves is an error. A species the
  database cannot put into the vapour (no vapour pressure or vapour enthalpy: salts, oxides) is fixed in its
  condensed phase (reported ``nonvolatile_component``); a missing heat of formation is taken as 0 (a warning
  where the species reacts).
* **Thermodynamics**: vapour as an ideal gas; liquid activity by modified UNIFAC (Dortmund) when a stream
  that can hold liquid carries a polar species (one with O, N, S, halogens besides O2/N2 and the like),
  Raoult's law otherwise (``ValidationOptions.thermo_package`` overrides). The choice is reported.
* **Units**, by type and connectivity:

  =============================================  ==========================================================
  mixer (one outlet)                             ``bst.Mixer`` (adiabatic; pressure of the lowest inlet)
  splitter (two outlets)                         ``bst.Splitter``, split from the stated outlet flows
  heater/cooler/condenser/... (1 in, 1 out)      ``bst.HXutility`` to the stated outlet temperature;
                                                 rigorous VLE when the outlet is two-phase or unstated
  pump                                           ``bst.Pump`` to the stated outlet pressure
  compressor/blower                              ``bst.IsentropicCompressor``; efficiency implied by the
                                                 stated outlet temperature when that lies in 0.5..1,
                                                 else the default efficiency
  turbine/expander                               ``bst.IsentropicTurbine``
  valve                                          ``bst.IsenthalpicValve`` (adiabatic flash)
  flash drum (2 outlets, T and P stated)         ``bst.Flash`` (vapour-liquid equilibrium)
  distillation column (1 in, 2 out)              ``bst.ShortcutColumn`` (Fenske-Underwood-Gilliland, R =
                                                 1.2 Rmin): light/heavy keys and their recoveries read
                                                 from the stated outlets; products at their stated T and
                                                 P; the stated split if the shortcut fails (reported)
  reactors, and any unit hosting reactions       :class:`DesignUnit`: the hosted ``tmo.Reaction``\\ s
                                                 applied together (a conversion of the key reactant
                                                 entering the unit, or a fixed extent); only the net
                                                 result must leave no species negative
  absorbers, strippers, extractors, separators,  :class:`DesignUnit` with component splits taken from the
  decanters, filters ... (several outlets)       stated outlet streams — an approximation, reported as
                                                 such (no stage-by-stage model)
  exchangers with several sides (n in = n out)   :class:`DesignUnit`, sides paired by composition; one
                                                 side without a stated outlet temperature closes the
                                                 energy balance
  anything else                                  :class:`DesignUnit` as mix → outlets, reported as an
                                                 approximation (``unit_approximated``)
  =============================================  ==========================================================

* **Streams**: feeds are set from their stated flow, composition, temperature, pressure and phase;
  every other stream starts from its stated values as the initial guess of the recycle iteration.

Everything a run finds is an :class:`~autochem.domain.issues.Issue` at a design path; an exception from
the simulator is caught and reported at the unit that raised it.
"""

from __future__ import annotations

import logging
import math
import re
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autochem.domain.flowsheet import REACTOR_TYPES, Flowsheet, Phase, Reaction, Stream, Unit, UnitType
from autochem.domain.issues import Issue, Severity
from autochem.simulation.options import ValidationOptions
from autochem.simulation.stated import (
    component_path,
    issue,
    mass_flow,
    reaction_path,
    stated_balance_issues,
    stated_molar_flows,
    stream_path,
    structural_issues,
    topology,
    unit_path,
)

log = logging.getLogger(__name__)

KJ_PER_H_TO_W = 1000.0 / 3600.0
MOL_S_TO_KMOL_H = 3.6

HEAT_TYPES = frozenset(
    {
        UnitType.HEAT_EXCHANGER,
        UnitType.HEATER,
        UnitType.COOLER,
        UnitType.CONDENSER,
        UnitType.REBOILER,
        UnitType.AIR_COOLER,
        UnitType.FIRED_HEATER,
        UnitType.WASTE_HEAT_BOILER,
        UnitType.EVAPORATOR,
    }
)
SEPARATION_TYPES = frozenset(
    {
        UnitType.DISTILLATION_COLUMN,
        UnitType.ABSORBER,
        UnitType.STRIPPER,
        UnitType.EXTRACTOR,
        UnitType.FLASH_DRUM,
        UnitType.SEPARATOR,
        UnitType.DECANTER,
        UnitType.CYCLONE,
        UnitType.FILTER,
        UnitType.CENTRIFUGE,
        UnitType.CRYSTALLIZER,
        UnitType.DRYER,
    }
)
PASS_THROUGH_TYPES = frozenset({UnitType.TANK, UnitType.VESSEL, UnitType.FILTER, UnitType.CYCLONE})
# Species whose presence in a liquid makes ideal (Raoult) mixing a poor model.
_POLAR_ELEMENTS = frozenset({"O", "N", "S", "F", "Cl", "Br", "I", "P"})
_NONPOLAR_EXCEPTIONS = frozenset({"O2", "N2", "CO", "CO2", "N2O", "NO", "O3"})

_bst_lock = threading.Lock()  # BioSTEAM keeps a process-wide flowsheet registry and thermo settings
_bst_modules: tuple[Any, Any] | None = None


def load_biosteam() -> tuple[Any, Any]:
    """Import biosteam and thermosteam once (about 10 s) and return them; ImportError if not installed."""
    global _bst_modules
    if _bst_modules is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import biosteam as bst
            import thermosteam as tmo

        _bst_modules = (bst, tmo)
    return _bst_modules


def biosteam_version() -> str:
    bst, tmo = load_biosteam()
    return f"biosteam {bst.__version__} / thermosteam {tmo.__version__}"


class SimulationProblem(Exception):
    """A problem that stops the simulation, located at a design path."""

    def __init__(self, path: str, code: str, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.code = code
        self.message = message


@dataclass
class StreamState:
    """A simulated stream, in SI units."""

    id: str
    mol_s: dict[str, float]
    mass_kg_s: float
    temperature_k: float
    pressure_pa: float
    vapor_fraction: float
    volume_m3_s: float
    liquid_volume_m3_s: float
    cp_j_kg_k: float


@dataclass
class UnitState:
    """A simulated unit: its balance, its duty (enthalpy change = heat + shaft work added, W) and the
    figures the loop models read."""

    tag: str
    type: UnitType
    mass_in_kg_s: float
    mass_out_kg_s: float
    duty_w: float
    reaction_heat_w: float = 0.0
    side_duties_w: list[float] = field(default_factory=list)
    inlet_ids: list[str] = field(default_factory=list)
    outlet_ids: list[str] = field(default_factory=list)
    model: str = ""

    @property
    def closure(self) -> float | None:
        return self.mass_out_kg_s / self.mass_in_kg_s if self.mass_in_kg_s > 0 else None


@dataclass
class SteadyStateResult:
    simulator: str
    ran: bool = False
    converged: bool | None = None
    closure: float | None = None
    streams: dict[str, StreamState] = field(default_factory=dict)
    units: dict[str, UnitState] = field(default_factory=dict)
    duties_w: dict[str, float] = field(default_factory=dict)
    stated_unit_closure: dict[str, float] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _safe_id(text: str, prefix: str) -> str:
    ident = re.sub(r"\W+", "_", text).strip("_") or prefix
    return ident if ident[0].isalpha() else f"{prefix}_{ident}"


def _formula_atoms(formula: str) -> dict[str, float] | None:
    try:
        from chemicals.elements import nested_formula_parser

        return dict(nested_formula_parser(formula.replace("·", ".")))
    except Exception:
        return None


@dataclass
class _ReactionSpec:
    id: str
    nu: np.ndarray  # per chemical index, per mole of reaction as written
    key: int
    conversion: float | None
    extent_kmol_h: float | None


@dataclass
class _OutletSpec:
    phase: str | None  # 'g', 'l', 's', 'vle' or None (keep)
    temperature: float | None
    pressure: float | None


class BioSteamSimulator:
    """Translates and simulates flowsheets. One instance per process; ``warm_up`` pays the import once."""

    name = "biosteam"

    def __init__(self) -> None:
        self._runs = 0

    def available(self) -> tuple[bool, str]:
        try:
            load_biosteam()
        except ImportError as exc:
            return False, f"BioSTEAM is not installed ({exc})"
        return True, biosteam_version()

    def warm_up(self) -> None:
        """Import the simulator and run a tiny flowsheet so the first request does not pay for it."""
        bst, tmo = load_biosteam()
        with _bst_lock, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # Both activity models and a multicomponent VLE, so that numba compiles them now (~20 s), not
            # during the first request.
            chems = tmo.Chemicals(
                [
                    tmo.Chemical("water", search_ID="7732-18-5"),
                    tmo.Chemical("methanol", search_ID="67-56-1"),
                    tmo.Chemical("nitrogen", search_ID="7727-37-9"),
                ]
            )
            chems.compile()
            bst.main_flowsheet.set_flowsheet("autochem_warm_up")
            for gamma in (
                tmo.equilibrium.DortmundActivityCoefficients,
                tmo.equilibrium.IdealActivityCoefficients,
            ):
                thermo = tmo.Thermo(chems, Gamma=gamma)
                feed = bst.Stream(None, thermo=thermo, water=1.0, methanol=1.0, nitrogen=0.1, T=300.0, P=2e5)
                heater = bst.HXutility(None, ins=feed, T=340.0, rigorous=True, thermo=thermo)
                heater.run()
                flash = bst.Flash(None, ins=heater - 0, T=330.0, P=1e5, thermo=thermo)
                flash.run()
                probe = heater.outs[0].copy()
                probe.dew_point_at_P()
                probe.bubble_point_at_P()

    # ------------------------------------------------------------------------------------------------
    def simulate(self, flowsheet: Flowsheet, options: ValidationOptions) -> SteadyStateResult:
        started = time.perf_counter()
        result = SteadyStateResult(simulator="")
        result.issues.extend(structural_issues(flowsheet))
        try:
            bst, tmo = load_biosteam()
        except ImportError as exc:
            result.issues.append(
                issue(Severity.ERROR, "", "backend_unavailable", f"BioSTEAM is not installed: {exc}")
            )
            return result
        result.simulator = biosteam_version()
        if any(i.severity is Severity.ERROR for i in result.issues):
            result.messages.append("not simulated: the flowsheet has structural errors")
            return result
        with _bst_lock, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                _Run(self, bst, tmo, flowsheet, options, result).execute()
            except SimulationProblem as problem:
                result.issues.append(issue(Severity.ERROR, problem.path, problem.code, problem.message))
                result.ran = False
            finally:
                result.seconds = time.perf_counter() - started
        return result


class _Run:
    """One translation + simulation (holds the maps between domain ids and BioSTEAM objects)."""

    def __init__(self, owner, bst, tmo, flowsheet: Flowsheet, options: ValidationOptions, result) -> None:
        self.owner = owner
        self.bst, self.tmo = bst, tmo
        self.fs = flowsheet
        self.options = options
        self.result = result
        self.topo = topology(flowsheet)
        self.units_by_tag = {u.tag: u for u in flowsheet.units}
        self.reactions_by_id = {r.id: r for r in flowsheet.reactions}
        self.chem_id: dict[str, str] = {}
        self.molar_mass: dict[str, float] = {}
        self.stated: dict[str, dict[str, float] | None] = {}
        self.bst_streams: dict[str, Any] = {}
        self.bst_units: dict[str, Any] = {}
        self.models: dict[str, str] = {}

    # -- helpers --------------------------------------------------------------------------------------
    def add(self, severity: Severity, path: str, code: str, message: str, suggestion: str = "") -> None:
        self.result.issues.append(issue(severity, path, code, message, suggestion))

    def errors(self) -> bool:
        return any(i.severity is Severity.ERROR for i in self.result.issues)

    def execute(self) -> None:
        self.resolve_chemicals()
        if self.errors():
            self.result.messages.append("not simulated: components could not be resolved")
            return
        self.prepare_reactions()
        if self.errors():
            self.result.messages.append("not simulated: a reaction is not physically possible")
            return
        self.state_flows()
        before = len(self.result.issues)
        self.build()
        if any(i.severity is Severity.ERROR for i in self.result.issues[before:]):
            self.result.messages.append("not simulated: the flowsheet could not be translated")
            return
        self.run_system()
        if self.result.ran:
            self.collect()
            self.compare_with_design()
            self.check_phases()

    # -- chemicals and thermodynamics ------------------------------------------------------------------
    def resolve_chemicals(self) -> None:
        tmo = self.tmo
        chemicals = []
        used: set[str] = set()
        for comp in self.fs.components:
            ident = _safe_id(comp.name, "c")
            while ident in used:
                ident += "_"
            used.add(ident)
            chem = None
            tried = []
            for key in (comp.cas, comp.name, comp.formula):
                if not key or key in tried:
                    continue
                tried.append(key)
                try:
                    chem = tmo.Chemical(ident, search_ID=key)
                    break
                except Exception as exc:  # thermosteam raises LookupError or ValueError for unknown names
                    log.debug("%s not found as %r: %s", comp.name, key, exc)
            if chem is None:
                only_formula = not comp.cas and (not comp.formula or comp.name == comp.formula)
                named = (
                    f"component {comp.name!r}, named only by its formula (no name or CAS number),"
                    if only_formula
                    else f"component {comp.name!r}"
                )
                self.add(
                    Severity.ERROR,
                    component_path(comp.name),
                    "unknown_chemical",
                    f"{named} is not in the thermodynamic database (tried {', '.join(tried) or 'nothing'})",
                    "give its name and CAS number, or a species the database knows",
                )
                continue
            if comp.formula:
                stated, found = _formula_atoms(comp.formula), _formula_atoms(chem.formula or "")
                if stated is not None and found is not None and stated != found:
                    self.add(
                        Severity.WARNING,
                        f"{component_path(comp.name)}.formula",
                        "formula_mismatch",
                        f"{comp.name}: the database entry found by {tried[0]!r} has formula {chem.formula}, "
                        f"the design states {comp.formula}",
                    )
            self.lock_if_nonvolatile(comp.name, chem)
            self.fill_heat_of_formation(comp.name, chem)
            chemicals.append(chem)
            self.chem_id[comp.name] = ident
            self.molar_mass[comp.name] = float(chem.MW)
        if self.errors():
            return
        chems = tmo.Chemicals(chemicals)
        try:
            chems.compile()
        except Exception as exc:
            missing = []
            for chem in chems:
                try:
                    chem.default()
                    missing.append(chem.ID)
                except Exception as exc3:
                    log.debug("no defaults for %s: %s", chem.ID, exc3)
            chems = tmo.Chemicals(list(chems))
            try:
                chems.compile(skip_checks=True)
            except Exception as exc2:
                self.add(
                    Severity.ERROR,
                    f"{self.fs_path}.components",
                    "missing_properties",
                    f"the components lack properties the simulator needs: {exc2}",
                )
                return
            self.add(
                Severity.WARNING,
                f"{self.fs_path}.components",
                "missing_properties",
                f"some component properties were missing ({exc}); defaults filled in",
            )
        self.chems = chems
        self.index = {name: chems.index(ident) for name, ident in self.chem_id.items()}
        self.thermo = self.choose_thermo(chems)

    fs_path = "pfd.flowsheet"

    def fill_heat_of_formation(self, name: str, chem) -> None:
        """A species without a heat of formation gets 0: a missing one turns every stream enthalpy (and duty)
        of the run into NaN. It only matters where the species reacts, and there it is reported."""
        try:
            hf = chem.Hf
            known = hf is not None and math.isfinite(float(hf))
        except Exception:
            known = False
        if known:
            return
        chem.Hf = 0.0
        reacting = [r.id for r in self.fs.reactions if name in r.stoichiometry]
        if reacting:
            self.add(
                Severity.WARNING,
                f"{component_path(name)}.heat_of_formation",
                "missing_heat_of_formation",
                f"component {name!r} has no heat of formation in the database: taken as 0, so the heat of "
                f"{', '.join(reacting)} and the duties and temperatures it sets are not reliable",
                "give its CAS number, or state the reactor outlet temperatures and duties",
            )

    def lock_if_nonvolatile(self, name: str, chem) -> None:
        """Fix a species the database cannot put into the vapour (no vapour pressure or no vapour enthalpy:
        salts, oxides, many solids) in its condensed phase, so that it stays out of the phase equilibria
        and its enthalpy is that of the solid (or liquid) at any temperature.

        Left volatile, such a species makes thermosteam fail deep inside a flash or an enthalpy with a
        ``None`` in the arithmetic; locked, the simulation runs and the approximation is reported."""

        def works(phase: str) -> bool:
            try:
                values = [float(chem.H(phase, t, 101325.0)) for t in (300.0, 450.0)]
            except Exception:
                return False
            return all(math.isfinite(v) for v in values)

        if chem.locked_state:
            return
        try:
            if chem.Sfus is None and chem.Hfus and chem.Tm:
                # The entropy of fusion follows from the enthalpy at the melting point; without it every
                # liquid or vapour entropy (isentropic compressors, turbines) is None + float.
                chem.Sfus = chem.Hfus / chem.Tm
        except Exception as exc:
            log.debug("no entropy of fusion for %s: %s", chem.ID, exc)
        try:
            psat = chem.Psat
            volatile = psat is not None and psat.Tmax is not None and psat.Tmin is not None
        except Exception:
            volatile = False
        if volatile and works("g") and works("l"):
            return
        tm = chem.Tm
        candidates = ("s", "l") if tm is None or tm > 298.15 else ("l", "s")
        phase = next((ph for ph in candidates if works(ph)), None)
        if phase is None:
            try:
                chem.default()
            except Exception as exc:
                log.debug("no defaults for %s: %s", chem.ID, exc)
            phase = next((ph for ph in candidates if works(ph)), None)
        if phase is None:
            self.add(
                Severity.ERROR,
                component_path(name),
                "missing_properties",
                f"component {name!r} ({chem.formula or 'no formula'}): the thermodynamic database has no "
                "enthalpy for it in any phase",
                "give its CAS number, or a species with known properties",
            )
            return
        chem.at_state(phase)
        state = "solid" if phase == "s" else "liquid"
        tb = chem.Tb
        self.add(
            Severity.INFO if tb is None or tb > 500.0 else Severity.WARNING,
            component_path(name),
            "nonvolatile_component",
            f"component {name!r} ({chem.formula}) has no vapour pressure or vapour enthalpy in the database: "
            f"simulated as a non-volatile {state} (it takes no part in vapour-liquid equilibria)",
        )

    def choose_thermo(self, chems):
        tmo = self.tmo
        polar = []
        liquid_species: set[str] = set()
        for s in self.fs.streams:
            if s.phase in (None, Phase.LIQUID, Phase.VAPOR_LIQUID, Phase.LIQUID_LIQUID, Phase.SOLID_LIQUID):
                if s.composition is not None:
                    liquid_species.update(s.composition.fractions)
        for comp in self.fs.components:
            if comp.name not in liquid_species or comp.name not in self.chem_id:
                continue
            formula = comp.formula or getattr(chems[self.chem_id[comp.name]], "formula", "") or ""
            atoms = _formula_atoms(formula) or {}
            if formula not in _NONPOLAR_EXCEPTIONS and _POLAR_ELEMENTS & set(atoms):
                polar.append(comp.name)
        choice = self.options.thermo_package
        if choice == "auto":
            choice = "activity" if polar else "ideal"
        if choice == "activity":
            gamma = tmo.equilibrium.DortmundActivityCoefficients
            described = "liquid: modified UNIFAC (Dortmund) activity coefficients"
            if polar:
                described += f" (polar species in liquid-bearing streams: {', '.join(polar[:6])})"
        else:
            gamma = tmo.equilibrium.IdealActivityCoefficients
            described = "liquid: ideal solution (Raoult's law)"
        max_p = max((s.pressure.magnitude_in("bar") for s in self.fs.streams if s.pressure), default=1.0)
        vapour = "vapour: ideal gas"
        if max_p > 30:
            vapour += f" (non-ideality not modelled; streams reach {max_p:.0f} bar)"
        self.result.messages.append(f"thermodynamic package: {described}; {vapour}")
        self.thermo_package = choice
        return tmo.Thermo(chems, Gamma=gamma)

    # -- reactions ---------------------------------------------------------------------------------------
    def prepare_reactions(self) -> None:
        tmo = self.tmo
        self.reaction_specs: dict[str, _ReactionSpec] = {}
        for r in self.fs.reactions:
            at = reaction_path(r.id)
            stoich = {self.chem_id[s]: c for s, c in r.stoichiometry.items()}
            try:
                rxn = tmo.Reaction(
                    stoich,
                    self.chem_id[r.key_reactant],
                    r.conversion if r.conversion is not None else 1.0,
                    chemicals=self.chems,
                    check_atomic_balance=False,
                )
                rxn.check_atomic_balance()
            except Exception as exc:
                text = " ".join(str(exc).split())
                self.add(
                    Severity.ERROR,
                    f"{at}.stoichiometry",
                    "unbalanced_reaction",
                    f"reaction {r.id} ({r.equation()}) does not conserve atoms: {text}",
                    "correct the stoichiometric coefficients",
                )
                continue
            nu = np.zeros(len(self.chems))
            for species, coefficient in r.stoichiometry.items():
                nu[self.index[species]] = coefficient
            extent = r.extent.magnitude_in("mol/s") * MOL_S_TO_KMOL_H if r.extent is not None else None
            if extent is not None and extent < 0:
                self.add(
                    Severity.ERROR,
                    f"{at}.extent",
                    "negative_extent",
                    f"reaction {r.id} has a negative extent",
                )
                continue
            if r.conversion is None and r.extent is None:
                self.add(
                    Severity.ERROR,
                    at,
                    "reaction_without_extent",
                    f"reaction {r.id} gives neither a conversion nor an extent: how far it goes is unknown",
                )
                continue
            self.reaction_specs[r.id] = _ReactionSpec(
                r.id, nu, self.index[r.key_reactant], r.conversion, extent
            )
            self.check_heat_of_reaction(r, rxn)

    def check_heat_of_reaction(self, r: Reaction, rxn) -> None:
        if r.heat_of_reaction is None:
            return
        if r.phase is not Phase.VAPOR:
            return  # heats of formation are at each species' reference phase: comparable for gases only
        try:
            per_key = 0.0
            for species, coefficient in r.stoichiometry.items():
                chem = self.chems[self.chem_id[species]]
                hf = float(chem.Hf)
                if getattr(chem, "phase_ref", "g") == "l":
                    hf += float(chem.Hvap(298.15))
                per_key += coefficient * hf
            per_key /= abs(r.stoichiometry[r.key_reactant])  # J/mol of key reactant, gases at 25 °C
        except Exception:
            return
        stated = r.heat_of_reaction.magnitude_in("J/mol") / abs(r.stoichiometry[r.key_reactant])
        if abs(stated - per_key) > max(0.5 * abs(per_key), 30e3):
            self.add(
                Severity.WARNING,
                f"{reaction_path(r.id)}.heat_of_reaction",
                "heat_of_reaction_mismatch",
                f"reaction {r.id}: stated {stated / 1e3:.0f} kJ per mol {r.key_reactant}, heats of formation "
                f"give {per_key / 1e3:.0f} kJ/mol",
            )

    # -- stated flows ------------------------------------------------------------------------------------
    def liquid_molar_volume(self, component: str, t: float, p: float) -> float:
        chem = self.chems[self.chem_id[component]]
        try:
            return float(chem.V("l", t, p))
        except Exception:
            return float(self.molar_mass[component]) / 1e6  # 1 g/cm3 when the database has no density

    def state_flows(self) -> None:
        for s in self.fs.streams:
            try:
                self.stated[s.id] = stated_molar_flows(s, self.molar_mass, self.liquid_molar_volume)
            except Exception as exc:
                self.stated[s.id] = None
                self.add(Severity.WARNING, f"{stream_path(s.id)}.flow", "unreadable_flow", f"{s.id}: {exc}")
        issues, closures = stated_balance_issues(
            self.fs, self.stated, self.molar_mass, self.options.stated_balance_tolerance
        )
        self.result.issues.extend(issues)
        self.result.stated_unit_closure = closures

    # -- translation ---------------------------------------------------------------------------------------
    @staticmethod
    def phase_letter(phase: Phase | None) -> str | None:
        return (
            {
                Phase.VAPOR: "g",
                Phase.SUPERCRITICAL: "g",
                Phase.LIQUID: "l",
                Phase.LIQUID_LIQUID: "l",
                Phase.SOLID: "s",
                Phase.SOLID_LIQUID: "l",
                Phase.SOLID_VAPOR: "g",
                Phase.VAPOR_LIQUID: "vle",
            }.get(phase)
            if phase is not None
            else None
        )

    def fill_stream(self, target, s: Stream) -> None:
        """Set a BioSTEAM stream from the stated data of ``s`` (feed values or initial guesses)."""
        flows = self.stated.get(s.id)
        t = s.temperature.magnitude_in("K") if s.temperature else 298.15
        p = s.pressure.magnitude_in("Pa") if s.pressure else 101325.0
        letter = self.phase_letter(s.phase)
        target.phase = "l" if letter in (None, "vle") else letter
        target.empty()
        if flows:
            mol = np.zeros(len(self.chems))
            for name, rate in flows.items():
                mol[self.index[name]] = rate * MOL_S_TO_KMOL_H
            target.mol[:] = mol
        target.T, target.P = t, p
        if letter == "vle" and flows:
            try:
                target.vle(T=t, P=p)
            except Exception:
                target.phase = "l"
        if letter is None and flows:
            try:
                target.vle(T=t, P=p)
            except Exception:
                target.phase = "g"

    def build(self) -> None:
        bst = self.bst
        self.flowsheet_id = f"autochem_{id(self)}_{self.owner._runs}"
        self.owner._runs += 1
        bst.main_flowsheet.set_flowsheet(self.flowsheet_id)
        for i, s in enumerate(self.fs.streams):
            bs = bst.Stream(f"s{i}_{_safe_id(s.id, 's')}", thermo=self.thermo)
            self.fill_stream(bs, s)
            self.bst_streams[s.id] = bs
        for u in self.fs.units:
            try:
                self.bst_units[u.tag] = self.make_unit(u)
            except SimulationProblem as problem:
                self.add(Severity.ERROR, problem.path, problem.code, problem.message)
            except Exception as exc:
                self.add(
                    Severity.ERROR,
                    unit_path(u.tag),
                    "translation_failed",
                    f"unit {u.tag} ({u.type.value}) could not be translated: {exc}",
                )

    def outlet_spec(self, u: Unit, s: Stream, single: bool) -> _OutletSpec:
        t = s.temperature.magnitude_in("K") if s.temperature else None
        p = s.pressure.magnitude_in("Pa") if s.pressure else None
        if t is None and single and u.temperature is not None:
            t = u.temperature.magnitude_in("K")
        if p is None and u.pressure is not None:
            p = u.pressure.magnitude_in("Pa")
        return _OutletSpec(self.phase_letter(s.phase), t, p)

    def split_from_stated(self, u: Unit, outs: list[Stream], uniform: bool) -> np.ndarray:
        """Fraction of each component going to each outlet, from the stated outlet flows."""
        n = len(self.chems)
        table = np.zeros((len(outs), n))
        for k, s in enumerate(outs):
            flows = self.stated.get(s.id)
            if flows is None:
                raise SimulationProblem(
                    f"{stream_path(s.id)}.flow",
                    "split_unknown",
                    f"{u.tag} ({u.type.value}) is modelled with the split its outlets state, but outlet {s.id} "
                    "states no flow and composition",
                )
            for name, rate in flows.items():
                table[k, self.index[name]] = rate
        if uniform:
            totals = table.sum(axis=1)
            if totals.sum() <= 0:
                raise SimulationProblem(
                    unit_path(u.tag), "split_unknown", f"{u.tag}: outlets state zero flow"
                )
            return np.repeat((totals / totals.sum())[:, None], n, axis=1)
        column = table.sum(axis=0)
        split = np.zeros_like(table)
        # A species no outlet states goes by volatility: to the outlet whose stated species boil lowest if
        # it boils below the stated species' mean, else to the one whose species boil highest.
        tb = np.array([float(c.Tb or 400.0) for c in self.chems])
        weights = table / np.maximum(table.sum(axis=1, keepdims=True), 1e-30)
        mean_tb = weights @ tb
        lightest, heaviest = int(np.argmin(mean_tb)), int(np.argmax(mean_tb))
        overall = float((column / max(column.sum(), 1e-30)) @ tb)
        for j in range(n):
            if column[j] > 0:
                split[:, j] = table[:, j] / column[j]
            else:
                split[lightest if tb[j] <= overall else heaviest, j] = 1.0
        return split

    def pairs(self, ins: list[Stream], outs: list[Stream]) -> list[tuple[int, int]]:
        """Pair the sides of a multi-stream exchanger by stated composition (cosine), else by order."""
        vectors = {}
        for s in (*ins, *outs):
            flows = self.stated.get(s.id)
            if flows:
                v = np.zeros(len(self.chems))
                for name, rate in flows.items():
                    v[self.index[name]] = rate
                norm = np.linalg.norm(v)
                vectors[s.id] = v / norm if norm > 0 else v
        remaining = list(range(len(outs)))
        result = []
        for i, s_in in enumerate(ins):
            best, score = remaining[0], -1.0
            for j in remaining:
                if s_in.id in vectors and outs[j].id in vectors:
                    sim = float(vectors[s_in.id] @ vectors[outs[j].id])
                else:
                    sim = 0.5 if j == i else 0.0
                if sim > score + 1e-9:
                    best, score = j, sim
            remaining.remove(best)
            result.append((i, best))
        return result

    def make_unit(self, u: Unit):
        bst = self.bst
        ins, outs = self.topo.inlets[u.tag], self.topo.outlets[u.tag]
        b_ins = [self.bst_streams[s.id] for s in ins]
        b_outs = [self.bst_streams[s.id] for s in outs]
        ident = f"U_{_safe_id(u.tag, 'u')}"
        kw = {"ins": b_ins, "outs": b_outs, "thermo": self.thermo}
        hosted = [self.reaction_specs[r] for r in u.reaction_ids if r in self.reaction_specs]
        single_out = len(outs) == 1
        out_specs = [self.outlet_spec(u, s, single_out) for s in outs]
        approx = self.result.messages.append
        if u.reaction_ids and not hosted:
            raise SimulationProblem(
                unit_path(u.tag), "reaction_unusable", f"{u.tag}: hosted reactions unusable"
            )
        t = u.type
        plain = not hosted
        if t is UnitType.MIXER and plain:
            if not single_out:
                raise SimulationProblem(
                    unit_path(u.tag),
                    "bad_connectivity",
                    f"mixer {u.tag} has {len(outs)} outlets; a mixer has one",
                )
            self.models[u.tag] = "bst.Mixer"
            return bst.Mixer(ident, **kw)
        if t is UnitType.SPLITTER and plain and len(outs) == 2:
            split = self.split_from_stated(u, outs, uniform=True)[0, 0]
            self.models[u.tag] = "bst.Splitter"
            return bst.Splitter(ident, split=float(split), **kw)
        if t in (UnitType.PUMP, UnitType.COMPRESSOR, UnitType.BLOWER, UnitType.TURBINE, UnitType.EXPANDER):
            return self.make_mover(u, ident, ins, outs, kw, out_specs)
        if t is UnitType.VALVE and plain and len(ins) == 1 and single_out and out_specs[0].pressure:
            self.models[u.tag] = "bst.IsenthalpicValve"
            return bst.IsenthalpicValve(ident, P=out_specs[0].pressure, vle=True, **kw)
        if t in HEAT_TYPES and plain and len(ins) == 1 and single_out and out_specs[0].temperature:
            spec = out_specs[0]
            # Rigorous VLE when the outlet is two-phase, unstated, or changes phase (a vaporizer, a
            # condenser); a sensible heater/cooler keeps its stated phase.
            inlet_letter = self.phase_letter(ins[0].phase)
            rigorous = spec.phase in (None, "vle") or inlet_letter != spec.phase
            extra: dict[str, Any] = {"T": spec.temperature, "rigorous": rigorous}
            if not rigorous and spec.phase in ("g", "l"):
                extra["V"] = 1.0 if spec.phase == "g" else 0.0
            if ins[0].pressure is not None and spec.pressure is not None:
                extra["dP"] = max(ins[0].pressure.magnitude_in("Pa") - spec.pressure, 0.0)
            self.models[u.tag] = "bst.HXutility"
            return bst.HXutility(ident, **extra, **kw)
        if (
            t is UnitType.FLASH_DRUM
            and plain
            and len(ins) == 1
            and len(outs) == 2
            and out_specs[0].pressure is not None
            and (u.temperature is not None or outs[0].temperature is not None)
        ):
            vapour_first = outs[1].phase is not Phase.VAPOR
            tt = u.temperature.magnitude_in("K") if u.temperature else outs[0].temperature.magnitude_in("K")
            ordered = b_outs if vapour_first else b_outs[::-1]
            self.models[u.tag] = "bst.Flash"
            return bst.Flash(
                ident, ins=b_ins, outs=ordered, T=tt, P=out_specs[0].pressure, thermo=self.thermo
            )
        if t is UnitType.DISTILLATION_COLUMN and plain and len(ins) == 1 and len(outs) == 2:
            column = self.make_column(u, ident, outs, b_ins, b_outs, out_specs)
            if column is not None:
                return column
        # Everything else: the generic design unit.
        mode = "mix"
        split = None
        if t in HEAT_TYPES or t in REACTOR_TYPES:
            if len(ins) == len(outs) and len(ins) >= 2:
                mode = "paired"
        if mode == "mix" and len(outs) > 1:
            uniform = t is UnitType.SPLITTER
            split = self.split_from_stated(u, outs, uniform=uniform)
            if t is not UnitType.SPLITTER:
                approx(
                    f"{u.tag} ({t.value}): component splits taken from the stated outlet streams "
                    "(no stage-by-stage or equilibrium model)"
                )
        if t is UnitType.OTHER:
            self.add(
                Severity.WARNING,
                f"{unit_path(u.tag)}.type",
                "unit_approximated",
                f"{u.tag}: unit type 'other' has no model; simulated as mixing its inlets into its outlets "
                "at the stated conditions",
            )
        elif (
            t not in HEAT_TYPES
            and t not in REACTOR_TYPES
            and t not in SEPARATION_TYPES
            and t
            not in (
                UnitType.MIXER,
                UnitType.SPLITTER,
                UnitType.TANK,
                UnitType.VESSEL,
                UnitType.VALVE,
            )
        ):
            self.add(
                Severity.WARNING,
                unit_path(u.tag),
                "unit_approximated",
                f"{u.tag} ({t.value}) is simulated as mixing its inlets into its outlets at the stated conditions",
            )
        duty = u.duty.magnitude_in("W") * 3.6 if u.duty is not None else None  # kJ/h
        if mode == "paired":
            pairs = self.pairs(ins, outs)
        else:
            pairs = []
        self.models[u.tag] = "DesignUnit(" + mode + (", stated split" if split is not None else "") + ")"
        return _design_unit_class(bst)(
            ident,
            spec={
                "tag": u.tag,
                "type": t,
                "mode": mode,
                "pairs": pairs,
                "split": split,
                "outlets": out_specs,
                "reactions": hosted,
                "duty": duty,
                "unit_T": u.temperature.magnitude_in("K") if u.temperature else None,
                "stream_ids": [s.id for s in outs],
                "names": {i: name for name, i in self.index.items()},
            },
            **kw,
        )

    def make_column(self, u: Unit, ident: str, outs, b_ins, b_outs, out_specs):
        """``bst.ShortcutColumn`` (Fenske-Underwood-Gilliland) with light/heavy keys and their recoveries
        read from the stated outlets; None when no key pair can be read (then the stated split is used)."""
        split = self.split_from_stated(u, outs, uniform=False)
        table = np.zeros_like(split)
        for k, s in enumerate(outs):
            for name, rate in (self.stated.get(s.id) or {}).items():
                table[k, self.index[name]] = rate
        tb = np.array([float(c.Tb) if c.Tb else np.nan for c in self.chems])
        weights = table / np.maximum(table.sum(axis=1, keepdims=True), 1e-30)
        top = int(np.argmin(np.nan_to_num(weights @ np.nan_to_num(tb, nan=1e4), nan=1e9)))
        recovery = split[top]
        present = [j for j in range(len(self.chems)) if table[:, j].sum() > 0 and np.isfinite(tb[j])]
        lights = [j for j in present if recovery[j] >= 0.5]
        if not lights:
            return None
        lk = max(lights, key=lambda j: tb[j])
        heavies = [j for j in present if recovery[j] < 0.5 and tb[j] > tb[lk]]
        if not heavies:
            return None
        hk = min(heavies, key=lambda j: tb[j])
        pressure = next((o.pressure for o in out_specs if o.pressure), None) or (
            u.pressure.magnitude_in("Pa") if u.pressure else 101325.0
        )
        ordered = (b_outs[top], b_outs[1 - top])
        ids = self.chems.IDs
        column = _column_class(self.bst)(
            ident,
            ins=b_ins,
            outs=ordered,
            LHK=(ids[lk], ids[hk]),
            Lr=float(np.clip(recovery[lk], 0.51, 0.9999)),
            Hr=float(np.clip(1.0 - recovery[hk], 0.51, 0.9999)),
            k=1.2,
            P=pressure,
            partial_condenser=outs[top].phase is Phase.VAPOR,
            thermo=self.thermo,
        )
        column.check_LHK = False
        column.fallback_split = np.vstack([split[top], split[1 - top]])
        column.fallback_specs = [out_specs[top], out_specs[1 - top]]
        names = {i: name for name, i in self.index.items()}
        self.models[u.tag] = f"bst.ShortcutColumn (keys {names[lk]}/{names[hk]})"
        return column

    def make_mover(self, u: Unit, ident: str, ins, outs, kw, out_specs):
        bst = self.bst
        if len(ins) != 1 or len(outs) != 1:
            raise SimulationProblem(
                unit_path(u.tag),
                "bad_connectivity",
                f"{u.tag} ({u.type.value}) has {len(ins)} inlets and {len(outs)} outlets; a {u.type.value} has one of each",
            )
        spec = out_specs[0]
        p_out = spec.pressure
        if p_out is None and ins[0].pressure is not None and "pressure_ratio" in u.parameters:
            ratio = u.parameters["pressure_ratio"].magnitude_in("")
            p_out = ins[0].pressure.magnitude_in("Pa") * (
                ratio if u.type not in (UnitType.TURBINE, UnitType.EXPANDER) else 1 / ratio
            )
        if p_out is None:
            raise SimulationProblem(
                unit_path(u.tag),
                "missing_specification",
                f"{u.tag} ({u.type.value}): no outlet pressure (stream, unit pressure or pressure_ratio)",
            )
        if u.type is UnitType.PUMP:
            self.models[u.tag] = "bst.Pump"
            return bst.Pump(ident, P=p_out, **kw)
        if u.type in (UnitType.TURBINE, UnitType.EXPANDER):
            eta = _parameter(u, "isentropic_efficiency", None)
            self.models[u.tag] = "bst.IsentropicTurbine"
            unit = _turbine_class(bst)(
                ident, P=p_out, eta=eta or self.options.default_turbine_efficiency, vle=False, **kw
            )
            unit.implied_from_T = spec.temperature if eta is None else None
            unit.default_eta = self.options.default_turbine_efficiency
            return unit
        eta = _parameter(u, "isentropic_efficiency", None)
        self.models[u.tag] = "bst.IsentropicCompressor"
        unit = _compressor_class(bst)(
            ident, P=p_out, eta=eta or self.options.default_compressor_efficiency, **kw
        )
        unit.implied_from_T = spec.temperature if eta is None else None
        unit.default_eta = self.options.default_compressor_efficiency
        return unit

    # -- simulation ----------------------------------------------------------------------------------------
    def run_system(self) -> None:
        bst = self.bst
        units = list(self.bst_units.values())
        tag_of = {id(unit): tag for tag, unit in self.bst_units.items()}
        for unit in units:
            _guard(unit, tag_of[id(unit)])
        try:
            system = bst.System.from_units(f"sys_{_safe_id(self.flowsheet_id, 'f')}", units)
        except Exception as exc:
            self.add(Severity.ERROR, self.fs_path, "translation_failed", f"the flowsheet network: {exc}")
            return
        self.system = system
        relative = self.options.recycle_relative_tolerance
        for attempt in range(3):
            self.configure(system, relative)
            try:
                system.simulate(design_and_cost=False)
                self.result.converged = True
            except SimulationProblem as problem:
                self.add(Severity.ERROR, problem.path, problem.code, problem.message)
                return
            except Exception as exc:
                text = " ".join(str(exc).split())
                log.debug("simulation of %s raised", self.flowsheet_id, exc_info=True)
                if "could not converge" not in text:
                    self.add(
                        Severity.ERROR,
                        self.fs_path,
                        "simulation_failed",
                        f"the simulation failed: {text[:400]}",
                    )
                    return
                if attempt > 0:  # the base tolerance was met; only the refinement stalled
                    self.result.messages.append(f"refined recycle iteration stalled: {text[:200]}")
                    break
                self.result.converged = False
                self.add(
                    Severity.ERROR,
                    self.fs_path,
                    "not_converged",
                    f"the recycle loop did not converge in {system.maxiter} iterations: {text[:300]}",
                )
                break
            # A recycle much larger than the throughput can meet the relative tolerance and still leave the
            # overall balance visibly open: iterate on from here with a tighter tolerance.
            closure = self.quick_closure()
            if closure is None or abs(closure - 1) <= 0.2 * self.options.closure_tolerance:
                break
            relative *= 0.02
            self.result.messages.append(
                f"overall closure {closure:.5f} after converging the recycles to {relative * 50:.0e}: "
                f"iterating on to {relative:.0e}"
            )
        self.result.ran = True
        recycles = system.get_all_recycles() if hasattr(system, "get_all_recycles") else []
        if recycles:
            self.result.messages.append(
                f"recycle streams torn and converged by {system.algorithm} iteration: "
                + ", ".join(self.domain_stream_id(s) for s in recycles)
            )

    def configure(self, system, relative: float) -> None:
        # BioSTEAM's defaults (1 kmol/h or 1 %) leave a trace species' recycle visibly unclosed; nested
        # recycle loops are subsystems with their own settings.
        pending = [system]
        while pending:
            sub = pending.pop()
            sub.maxiter = self.options.max_recycle_iterations
            sub.molar_tolerance = 1e-4  # kmol/h
            sub.relative_molar_tolerance = relative
            sub.temperature_tolerance = 0.01
            sub.relative_temperature_tolerance = 1e-6
            sub.method = self.options.recycle_method
            pending.extend(getattr(sub, "subsystems", []))

    def quick_closure(self) -> float | None:
        feed = math.fsum(float(self.bst_streams[s.id].F_mass) for s in self.topo.feeds)
        product = math.fsum(float(self.bst_streams[s.id].F_mass) for s in self.topo.products)
        return product / feed if feed > 0 else None

    def domain_stream_id(self, bs) -> str:
        for sid, stream in self.bst_streams.items():
            if stream is bs:
                return sid
        return str(bs)

    # -- results -------------------------------------------------------------------------------------------
    def stream_state(self, sid: str) -> StreamState:
        bs = self.bst_streams[sid]
        mol = (
            np.asarray(bs.mol.to_array(), dtype=float) if hasattr(bs.mol, "to_array") else np.asarray(bs.mol)
        )
        mass = float(bs.F_mass) / 3600.0
        try:
            cp = float(bs.Cp)  # J/g/K... thermosteam Cp is kJ/kg/K
            cp *= 1000.0
        except Exception:
            cp = 2000.0
        try:
            vf = float(bs.vapor_fraction)
        except Exception:
            vf = 0.0
        try:
            vol = float(bs.F_vol) / 3600.0
        except Exception:
            vol = 0.0
        try:
            liquid = (
                float(bs["l"].F_vol) / 3600.0 if len(bs.phases) > 1 else (vol if bs.phase == "l" else 0.0)
            )
        except Exception:
            liquid = 0.0
        return StreamState(
            id=sid,
            mol_s={name: float(mol[i]) / MOL_S_TO_KMOL_H for name, i in self.index.items() if mol[i] > 0},
            mass_kg_s=mass,
            temperature_k=float(bs.T),
            pressure_pa=float(bs.P),
            vapor_fraction=vf,
            volume_m3_s=vol,
            liquid_volume_m3_s=liquid,
            cp_j_kg_k=cp,
        )

    def collect(self) -> None:
        res = self.result
        for sid in self.bst_streams:
            res.streams[sid] = self.stream_state(sid)
        for u in self.fs.units:
            bu = self.bst_units[u.tag]
            ins, outs = self.topo.inlets[u.tag], self.topo.outlets[u.tag]
            m_in = math.fsum(res.streams[s.id].mass_kg_s for s in ins)
            m_out = math.fsum(res.streams[s.id].mass_kg_s for s in outs)
            h_in = math.fsum(float(self.bst_streams[s.id].Hnet) for s in ins)
            h_out = math.fsum(float(self.bst_streams[s.id].Hnet) for s in outs)
            hf_in = math.fsum(float(self.bst_streams[s.id].Hf) for s in ins)
            hf_out = math.fsum(float(self.bst_streams[s.id].Hf) for s in outs)
            state = UnitState(
                tag=u.tag,
                type=u.type,
                mass_in_kg_s=m_in,
                mass_out_kg_s=m_out,
                duty_w=(h_out - h_in) * KJ_PER_H_TO_W,
                reaction_heat_w=(hf_in - hf_out) * KJ_PER_H_TO_W,
                side_duties_w=[float(d) * KJ_PER_H_TO_W for d in getattr(bu, "side_duties", [])],
                inlet_ids=[s.id for s in ins],
                outlet_ids=[s.id for s in outs],
                model=self.models.get(u.tag, ""),
            )
            res.units[u.tag] = state
            duty = float(self.reported_duty(u, state))
            if math.isfinite(duty):
                res.duties_w[u.tag] = duty
            else:
                self.add(
                    Severity.ERROR,
                    f"{unit_path(u.tag)}.duty",
                    "duty_not_computed",
                    f"{u.tag}: the simulated enthalpy balance is not a number (a thermodynamic property of a "
                    "species here is missing from the database)",
                )
            closure = state.closure
            if closure is not None and abs(closure - 1) > self.options.unit_closure_tolerance:
                self.add(
                    Severity.ERROR,
                    unit_path(u.tag),
                    "unit_mass_imbalance",
                    f"simulated {u.tag} puts out {m_out * 3.6:.4g} t/h for {m_in * 3.6:.4g} t/h in "
                    f"(closure {closure:.4f})",
                )
            fallback = getattr(bu, "fallback_reason", None)
            if fallback:
                self.add(
                    Severity.WARNING,
                    unit_path(u.tag),
                    "unit_approximated",
                    f"{u.tag}: the shortcut column could not be solved ({fallback}); split taken from the stated "
                    "outlets instead",
                )
            eta = getattr(bu, "eta_used", None)
            if eta is not None:
                res.messages.append(f"{u.tag}: isentropic efficiency {eta:.2f} ({bu.eta_source})")
        feeds = [s.id for s in self.topo.feeds]
        products = [s.id for s in self.topo.products]
        m_feed = math.fsum(res.streams[s].mass_kg_s for s in feeds)
        m_prod = math.fsum(res.streams[s].mass_kg_s for s in products)
        res.closure = m_prod / m_feed if m_feed > 0 else None
        if res.closure is not None and abs(res.closure - 1) > self.options.closure_tolerance:
            self.add(
                Severity.ERROR,
                self.fs_path,
                "mass_imbalance",
                f"products carry {m_prod * 3.6:.4g} t/h for {m_feed * 3.6:.4g} t/h of feed "
                f"(closure {res.closure:.4f}, tolerance {self.options.closure_tolerance})",
            )
        res.messages.append(
            "unit models: " + "; ".join(f"{tag} {model}" for tag, model in self.models.items())
        )

    def reported_duty(self, u: Unit, state: UnitState) -> float:
        """The duty reported for a unit: its enthalpy change, except for a multi-sided exchanger or a
        cooled reactor, where it is the heat moved from the process (hot or reacting) side."""
        sides = state.side_duties_w
        if len(sides) >= 2:
            bu = self.bst_units[u.tag]
            reacting = getattr(bu, "reacting_side", None)
            if reacting is not None:
                return sides[reacting]
            if u.duty is not None and u.duty.value > 0:
                return max(sides)
            return min(sides)
        return state.duty_w

    def compare_with_design(self) -> None:
        opts = self.options
        res = self.result
        w = Severity.WARNING
        for s in self.fs.streams:
            if s.from_unit is None:
                continue
            sim = res.streams[s.id]
            at = stream_path(s.id)
            flows = self.stated.get(s.id)
            if flows is not None:
                stated_mass = mass_flow(flows, self.molar_mass)
                if stated_mass > 0 or sim.mass_kg_s > 0:
                    dev = abs(sim.mass_kg_s - stated_mass) / max(stated_mass, sim.mass_kg_s)
                    if dev > opts.flow_tolerance:
                        self.add(
                            w,
                            f"{at}.flow",
                            "stream_flow_deviation",
                            f"{s.id}: stated {stated_mass * 3.6:.4g} t/h, simulated {sim.mass_kg_s * 3.6:.4g} t/h "
                            f"({dev:.1%})",
                        )
                if s.composition is not None and sim.mass_kg_s > 0:
                    worst = self.composition_deviation(s, sim)
                    if worst is not None and worst[1] > opts.composition_tolerance:
                        self.add(
                            w,
                            f"{at}.composition.fractions[{worst[0]}]",
                            "stream_composition_deviation",
                            f"{s.id}: {worst[0]} stated {worst[2]:.4f}, simulated {worst[3]:.4f} "
                            f"({s.composition.basis.value} fraction)",
                        )
            if s.temperature is not None:
                stated_t = s.temperature.magnitude_in("K")
                if abs(stated_t - sim.temperature_k) > opts.temperature_tolerance_k:
                    self.add(
                        w,
                        f"{at}.temperature",
                        "stream_temperature_deviation",
                        f"{s.id}: stated {stated_t - 273.15:.1f} °C, simulated {sim.temperature_k - 273.15:.1f} °C",
                    )
            if s.pressure is not None:
                stated_p = s.pressure.magnitude_in("Pa")
                if abs(stated_p - sim.pressure_pa) / stated_p > opts.pressure_tolerance:
                    self.add(
                        w,
                        f"{at}.pressure",
                        "stream_pressure_deviation",
                        f"{s.id}: stated {stated_p / 1e5:.4g} bar, simulated {sim.pressure_pa / 1e5:.4g} bar",
                    )
        for u in self.fs.units:
            state = res.units[u.tag]
            if u.duty is not None and u.tag in res.duties_w:
                stated = u.duty.magnitude_in("W")
                simulated = res.duties_w[u.tag]
                scale = max(abs(stated), abs(simulated), 1.0)
                if abs(stated - simulated) / scale > opts.duty_tolerance:
                    self.add(
                        w,
                        f"{unit_path(u.tag)}.duty",
                        "duty_deviation",
                        f"{u.tag}: stated duty {stated / 1e6:.3g} MW, simulated {simulated / 1e6:.3g} MW",
                    )
            sides = state.side_duties_w
            if len(sides) >= 2 and getattr(self.bst_units[u.tag], "reacting_side", None) is None:
                released = -sum(d for d in sides if d < 0)
                taken = sum(d for d in sides if d > 0)
                scale = max(released, taken)
                if scale > 0 and abs(released - taken) / scale > opts.exchanger_balance_tolerance:
                    self.add(
                        w,
                        unit_path(u.tag),
                        "exchanger_heat_imbalance",
                        f"{u.tag}: the hot side gives up {released / 1e6:.3g} MW but the cold side takes up "
                        f"{taken / 1e6:.3g} MW at the stated temperatures",
                    )

    def composition_deviation(self, s: Stream, sim: StreamState):
        fractions = s.composition.fractions
        if s.composition.basis.value == "mass":
            masses = {c: n * self.molar_mass[c] for c, n in sim.mol_s.items()}
        else:
            masses = dict(sim.mol_s)
        total = math.fsum(masses.values())
        if total <= 0:
            return None
        worst = None
        for name in set(fractions) | set(masses):
            stated = fractions.get(name, 0.0)
            simulated = masses.get(name, 0.0) / total
            dev = abs(stated - simulated)
            if worst is None or dev > worst[1]:
                worst = (name, dev, stated, simulated)
        return worst

    def check_phases(self) -> None:
        """Equilibrium phase of each stream at its stated (else simulated) T and P vs. its stated phase."""
        tmo = self.tmo
        for s in self.fs.streams:
            if s.phase not in (Phase.VAPOR, Phase.LIQUID):
                continue
            sim = self.result.streams.get(s.id)
            if sim is None or sim.mass_kg_s <= 0:
                continue
            t = s.temperature.magnitude_in("K") if s.temperature else sim.temperature_k
            p = s.pressure.magnitude_in("Pa") if s.pressure else sim.pressure_pa
            probe = tmo.Stream(None, thermo=self.thermo)
            probe.copy_like(self.bst_streams[s.id])
            probe.P = p
            margin = self.options.phase_margin_k
            # Vapour fraction a few kelvin on the favourable side of the stated temperature, so that a
            # saturated stream (steam at its boiling point) is not called wrong.
            probe_t = t + margin if s.phase is Phase.VAPOR else t - margin
            try:
                probe.vle(T=probe_t, P=p)
                vf = float(probe.vapor_fraction)
            except Exception as exc:
                self.result.messages.append(
                    f"phase check of {s.id} skipped: {' '.join(str(exc).split())[:120]}"
                )
                continue
            finally:
                self.tmo_unregister(probe)
            wrong = 1.0 - vf if s.phase is Phase.VAPOR else vf
            if wrong > 0.1:
                self.add(
                    Severity.ERROR if wrong > 0.5 else Severity.WARNING,
                    f"{stream_path(s.id)}.phase",
                    "phase_contradiction",
                    f"{s.id} is stated {s.phase.value} at {t - 273.15:.1f} °C and {p / 1e5:.4g} bar, but at "
                    f"equilibrium ({probe_t - 273.15:.1f} °C) it is {vf:.0%} vapour",
                )

    def tmo_unregister(self, stream) -> None:
        try:
            self.bst.main_flowsheet.stream.discard(stream)
        except Exception:
            return


def _parameter(u: Unit, name: str, default: float | None) -> float | None:
    q = u.parameters.get(name)
    if q is None:
        return default
    try:
        value = q.magnitude_in("")
    except Exception:
        return default
    return value if 0 < value <= 1 else default


def _widen_outlet_phases(unit) -> None:
    """Give each multi-phase outlet every phase the inlets bring (a solid, typically).

    thermosteam moves flows into a stream that is already multi-phase (vapour/liquid after a flash) by
    phase: ``mix_from`` then fails with ``KeyError: 'S'`` and ``copy_flow`` (heaters) silently drops the
    phase the outlet lacks, so the solids vanish from the balance."""
    brought = {p for s in unit.ins for p in s.phases}
    for out in unit.outs:
        phases = set(out.phases)
        if len(phases) > 1 and not brought <= phases:
            out.phases = tuple(sorted(brought | phases))


def _guard(unit, tag: str) -> None:
    """Report any exception a unit raises as a SimulationProblem at that unit's path."""
    run = unit._run

    def guarded() -> None:
        try:
            _widen_outlet_phases(unit)
            run()
        except SimulationProblem:
            raise
        except Exception as exc:
            text = " ".join(str(exc).split())[:300]
            if isinstance(exc, TypeError) and "NoneType" in text:
                # thermosteam computes with a property its database lacks (None) for a species here
                text = f"a thermodynamic property this unit needs is missing from the database ({text})"
            log.debug("unit %s raised", tag, exc_info=True)
            raise SimulationProblem(
                unit_path(tag), "unit_failed", f"{tag} could not be simulated: {type(exc).__name__}: {text}"
            ) from exc

    unit._run = guarded


_classes: dict[str, type] = {}


def _compressor_class(bst) -> type:
    """``bst.IsentropicCompressor`` whose efficiency is implied by a stated outlet temperature."""
    return _stated_efficiency_class(bst, "compressor")


def _turbine_class(bst) -> type:
    """``bst.IsentropicTurbine`` whose efficiency is implied by a stated outlet temperature."""
    return _stated_efficiency_class(bst, "turbine")


def _stated_efficiency_class(bst, kind: str) -> type:
    """An isentropic machine that reads its efficiency off a stated outlet temperature when it can.

    It runs once at efficiency 1 (the isentropic enthalpy change), compares that with the enthalpy change to
    the stated outlet temperature, and keeps the ratio when it is a plausible efficiency (0.5-1.0); else it
    runs at the default and says what the stated temperature would have needed."""
    if kind in _classes:
        return _classes[kind]
    compressor = kind == "compressor"
    base = bst.IsentropicCompressor if compressor else bst.IsentropicTurbine
    # work in / work out: a compressor needs more than the isentropic work, a turbine gives less
    sign = 1.0 if compressor else -1.0
    hint = " (intercooling?)" if compressor else ""

    class StatedMachine(base):
        implied_from_T: float | None = None
        default_eta: float = 0.75 if compressor else 0.8
        eta_used: float | None = None
        eta_source: str = ""

        def _run(self):
            t_out = self.implied_from_T
            if t_out is not None:
                feed = self.ins[0]
                self.eta = 1.0
                super()._run()
                dh_s = sign * (self.outs[0].H - feed.H)
                probe = self.outs[0].copy()
                probe.T = t_out
                dh = sign * (probe.H - feed.H)
                if compressor:
                    eta = dh_s / dh if dh > 0 else 0.0
                else:
                    eta = dh / dh_s if dh_s > 0 else 0.0
                if 0.5 <= eta <= 1.0:
                    self.eta, self.eta_source = eta, "implied by the stated outlet temperature"
                else:
                    self.eta = self.default_eta
                    self.eta_source = f"default; the stated outlet temperature would need {eta:.2f}{hint}"
            else:
                self.eta_source = "stated or default"
            self.eta_used = self.eta
            super()._run()

    StatedMachine.__name__ = StatedMachine.__qualname__ = f"Stated{kind.capitalize()}"
    _classes[kind] = StatedMachine
    return StatedMachine


def _column_class(bst) -> type:
    """``bst.ShortcutColumn`` that falls back to the stated split when the shortcut method fails."""
    if "column" in _classes:
        return _classes["column"]

    class StatedShortcutColumn(bst.ShortcutColumn):
        fallback_split = None
        fallback_specs = None
        fallback_reason: str | None = None

        def _run(self):
            self.fallback_reason = None
            try:
                super()._run()
                mol_in = sum(np.asarray(s.mol.to_array(), float) for s in self.ins)
                mol_out = sum(np.asarray(s.mol.to_array(), float) for s in self.outs)
                if not np.allclose(mol_in, mol_out, rtol=1e-6, atol=1e-9) or not np.all(np.isfinite(mol_out)):
                    raise RuntimeError("the shortcut solution does not close the balance")
                # The shortcut sets the split; the products leave at their stated conditions (subcooled
                # reflux drum, bottoms at the bottom pressure), which the condenser/reboiler duties absorb.
                for k, out in enumerate(self.outs):
                    spec = self.fallback_specs[k]
                    if spec.phase in ("g", "l"):
                        out.phase = spec.phase
                    if spec.pressure:
                        out.P = spec.pressure
                    if spec.temperature:
                        out.T = spec.temperature
                return
            except Exception as exc:
                self.fallback_reason = " ".join(str(exc).split())[:200] or type(exc).__name__
            mixed = sum(np.asarray(s.mol.to_array(), float) for s in self.ins)
            t_feed = self.ins[0].T
            for k, out in enumerate(self.outs):
                spec = self.fallback_specs[k]
                out.phase = "l" if spec.phase in (None, "vle") else spec.phase
                out.mol[:] = mixed * self.fallback_split[k]
                out.P = spec.pressure or self.P
                out.T = spec.temperature or t_feed

    _classes["column"] = StatedShortcutColumn
    return StatedShortcutColumn


def _design_unit_class(bst) -> type:
    if "design" in _classes:
        return _classes["design"]

    class DesignUnit(bst.Unit):
        """Mixes its inlets (or keeps paired sides apart), applies its hosted reactions, and delivers its
        outlets at their stated conditions: by stated component split when it has several outlets.

        With no stated outlet temperature an outlet is adiabatic (the enthalpy of the inlets, reactions
        included). In paired mode one side without a stated temperature closes the energy balance of the
        exchanger; more than one such side keeps its inlet temperature.
        """

        _N_ins = 1
        _N_outs = 1
        _ins_size_is_fixed = False
        _outs_size_is_fixed = False
        _N_heat_utilities = 0

        def _init(self, spec: dict):
            self.spec = spec
            self.side_duties: list[float] = []
            self.reacting_side: int | None = None

        def _design(self):
            return

        def _cost(self):
            return

        def react(self, mol: np.ndarray) -> np.ndarray:
            """Apply the hosted reactions together: a conversion is a fraction of the key reactant entering
            the unit, an extent a fixed molar rate; only the net result must leave no species negative (an
            absorber oxidizes NO that its own absorption reaction releases)."""
            spec = self.spec
            base = mol.copy()
            change = np.zeros_like(mol)
            extents = []
            for r in spec["reactions"]:
                coefficient = -r.nu[r.key]
                extent = (
                    r.extent_kmol_h
                    if r.extent_kmol_h is not None
                    else r.conversion * base[r.key] / coefficient
                )
                extents.append((r, extent))
                change += r.nu * extent
            after = base + change
            scale = max(1.0, float(base.sum()))
            short = np.nonzero(after < -1e-9 * scale)[0]
            if short.size:
                j = int(short[0])
                consumers = [(r, e) for r, e in extents if r.nu[j] < 0 and e > 0]
                r = (
                    max(consumers, key=lambda item: -item[0].nu[j] * item[1])[0]
                    if consumers
                    else extents[0][0]
                )
                needed = -sum(min(rr.nu[j], 0.0) * e for rr, e in extents)
                made = sum(max(rr.nu[j], 0.0) * e for rr, e in extents)
                raise SimulationProblem(
                    reaction_path(r.id),
                    "infeasible_reaction",
                    f"in {spec['tag']}, the reactions consume {needed / MOL_S_TO_KMOL_H:.4g} mol/s of "
                    f"{spec['names'][j]} but only {(base[j] + made) / MOL_S_TO_KMOL_H:.4g} mol/s enters or is "
                    f"formed there ({r.id} is the largest consumer)",
                )
            return np.maximum(after, 0.0)

        def place(self, out, mol: np.ndarray, spec: _OutletSpec, h_target: float | None, p_default: float):
            phase = spec.phase
            out.phase = "l" if phase in (None, "vle") else phase
            out.mol[:] = mol
            out.P = spec.pressure or p_default
            if spec.temperature is not None:
                out.T = spec.temperature
                if phase in (None, "vle") and out.F_mol > 0:
                    try:
                        out.vle(T=spec.temperature, P=out.P)
                    except Exception:
                        out.phase = "g" if phase is None else "l"
                        out.T = spec.temperature
            elif h_target is not None and out.F_mol > 0:
                if phase in (None, "vle"):
                    try:
                        out.vle(H=h_target, P=out.P)
                        return
                    except Exception:
                        out.phase = "l"
                out.H = h_target

        def _run(self):
            spec = self.spec
            ins, outs = list(self.ins), list(self.outs)
            self.side_duties = []
            if spec["mode"] == "paired":
                self.run_paired(ins, outs)
                return
            mixed = sum((np.asarray(s.mol.to_array(), float) for s in ins), np.zeros(self.chemicals.size))
            h_in = sum(s.Hnet for s in ins)
            p_in = min((s.P for s in ins), default=101325.0)
            mol = self.react(mixed) if spec["reactions"] else mixed
            out_specs: list[_OutletSpec] = spec["outlets"]
            split = spec["split"]
            parts = [mol] if split is None else [mol * split[k] for k in range(len(outs))]
            duty = spec["duty"]
            adiabatic_t = None
            if any(o.temperature is None for o in out_specs):
                # Outlets without a stated temperature: the enthalpy balance (plus a stated duty) sets it.
                probe = outs[0]
                probe.phase = "g"
                probe.mol[:] = mol
                probe.P = p_in
                h_target = h_in + (duty or 0.0) - probe.Hf
                try:
                    probe.H = h_target
                    adiabatic_t = probe.T
                except Exception:
                    adiabatic_t = spec["unit_T"] or (max(s.T for s in ins) if ins else 298.15)
                if spec["unit_T"] is not None:
                    adiabatic_t = spec["unit_T"]
            for k, out in enumerate(outs):
                o = out_specs[k]
                if o.temperature is None:
                    o = _OutletSpec(o.phase, adiabatic_t, o.pressure)
                self.place(out, parts[k], o, None, p_in)
            self.side_duties = []

        def run_paired(self, ins, outs):
            spec = self.spec
            out_specs: list[_OutletSpec] = spec["outlets"]
            reacting = None
            if spec["reactions"]:
                key = spec["reactions"][0].key
                reacting = max(range(len(spec["pairs"])), key=lambda n: ins[spec["pairs"][n][0]].mol[key])
            self.reacting_side = reacting
            open_sides = []
            known = 0.0
            duties = [0.0] * len(spec["pairs"])
            for n, (i, j) in enumerate(spec["pairs"]):
                s_in, out = ins[i], outs[j]
                mol = np.asarray(s_in.mol.to_array(), float)
                if n == reacting:
                    mol = self.react(mol)
                o = out_specs[j]
                if o.temperature is None:
                    open_sides.append((n, i, j, mol))
                    continue
                self.place(out, mol, o, None, s_in.P)
                duties[n] = out.Hnet - s_in.Hnet
                known += duties[n]
            for n, i, j, mol in open_sides:
                s_in, out = ins[i], outs[j]
                o = out_specs[j]
                if len(open_sides) == 1 and reacting is None:
                    h_target = s_in.Hnet - known
                    out.phase = "l" if o.phase in (None, "vle") else o.phase
                    out.mol[:] = mol
                    self.place(out, mol, _OutletSpec(o.phase, None, o.pressure), h_target - out.Hf, s_in.P)
                else:
                    self.place(out, mol, _OutletSpec(o.phase, s_in.T, o.pressure), None, s_in.P)
                duties[n] = out.Hnet - s_in.Hnet
            self.side_duties = duties

    _classes["design"] = DesignUnit
    return DesignUnit


SimulatorFactory = Callable[[], BioSteamSimulator]
