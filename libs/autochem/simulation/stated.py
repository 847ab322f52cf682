"""What the design itself states, checked before anything is simulated.

Structural checks (a stream pointing at no unit, a unit without an outlet, a feed without a flow, a negative
flow, a species that is not a component) are reported as issues at the path of the offending field; any of
them stops the simulation, because a simulator given such a flowsheet would either crash or guess.

The stated stream flows are also turned into component molar flows (mol/s) here, so that a separator's
split can be taken from its stated outlets and the design's own numbers can be balanced around each unit.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from autochem.domain.flowsheet import CompositionBasis, Flowsheet, Phase, Stream
from autochem.domain.issues import Issue, Severity
from autochem.domain.units import flow_basis

FLOWSHEET = "pfd.flowsheet"
R_GAS = 8.314462618  # J/(mol K)
STANDARD_T = 298.15
STANDARD_P = 101325.0


def unit_path(tag: str) -> str:
    return f"{FLOWSHEET}.units[{tag}]"


def stream_path(stream_id: str) -> str:
    return f"{FLOWSHEET}.streams[{stream_id}]"


def reaction_path(reaction_id: str) -> str:
    return f"{FLOWSHEET}.reactions[{reaction_id}]"


def component_path(name: str) -> str:
    return f"{FLOWSHEET}.components[{name}]"


def issue(severity: Severity, path: str, code: str, message: str, suggestion: str = "") -> Issue:
    return Issue(severity=severity, path=path, code=code, message=message, suggestion=suggestion)


@dataclass
class Topology:
    """Inlets and outlets of each unit, in the order the streams are listed."""

    inlets: dict[str, list[Stream]] = field(default_factory=dict)
    outlets: dict[str, list[Stream]] = field(default_factory=dict)
    feeds: list[Stream] = field(default_factory=list)
    products: list[Stream] = field(default_factory=list)


def topology(flowsheet: Flowsheet) -> Topology:
    topo = Topology(inlets={u.tag: [] for u in flowsheet.units}, outlets={u.tag: [] for u in flowsheet.units})
    for stream in flowsheet.streams:
        if stream.to_unit in topo.inlets:
            topo.inlets[stream.to_unit].append(stream)
        if stream.from_unit in topo.outlets:
            topo.outlets[stream.from_unit].append(stream)
        if stream.from_unit is None and stream.to_unit is not None:
            topo.feeds.append(stream)
        if stream.to_unit is None and stream.from_unit is not None:
            topo.products.append(stream)
    return topo


def structural_issues(flowsheet: Flowsheet) -> list[Issue]:
    """Everything that makes the flowsheet impossible to simulate, each at its path (never raises)."""
    found: list[Issue] = []
    err = Severity.ERROR
    tags = [u.tag for u in flowsheet.units]
    components = {c.name for c in flowsheet.components}
    reactions = {r.id for r in flowsheet.reactions}
    if not flowsheet.units:
        found.append(issue(err, f"{FLOWSHEET}.units", "no_units", "the flowsheet has no units to simulate"))
    if not flowsheet.components:
        found.append(
            issue(err, f"{FLOWSHEET}.components", "no_components", "the flowsheet names no components")
        )
    for seen, kind, items in (
        (set(), "unit tag", tags),
        (set(), "stream id", [s.id for s in flowsheet.streams]),
        (set(), "component", [c.name for c in flowsheet.components]),
        (set(), "reaction id", [r.id for r in flowsheet.reactions]),
    ):
        for item in items:
            if item in seen:
                found.append(issue(err, FLOWSHEET, "duplicate_id", f"{kind} {item!r} is used twice"))
            seen.add(item)
    known = set(tags)
    for s in flowsheet.streams:
        at = stream_path(s.id)
        if s.from_unit is None and s.to_unit is None:
            found.append(
                issue(err, at, "unconnected_stream", f"stream {s.id} connects no unit at either end")
            )
        if s.from_unit is not None and s.from_unit not in known:
            found.append(
                issue(
                    err,
                    f"{at}.from_unit",
                    "dangling_stream",
                    f"stream {s.id} comes from unit {s.from_unit!r}, which is not on the flowsheet",
                )
            )
        if s.to_unit is not None and s.to_unit not in known:
            found.append(
                issue(
                    err,
                    f"{at}.to_unit",
                    "dangling_stream",
                    f"stream {s.id} goes to unit {s.to_unit!r}, which is not on the flowsheet",
                )
            )
        if s.from_unit is not None and s.from_unit == s.to_unit:
            found.append(issue(err, at, "self_loop", f"stream {s.id} leaves and enters {s.from_unit}"))
        if s.flow is not None and s.flow.value < 0:
            found.append(
                issue(err, f"{at}.flow", "negative_flow", f"stream {s.id} has a negative flow ({s.flow})")
            )
        if s.composition is not None:
            for species in s.composition.fractions:
                if species not in components:
                    found.append(
                        issue(
                            err,
                            f"{at}.composition.fractions[{species}]",
                            "unknown_species",
                            f"stream {s.id} carries {species!r}, which is not a flowsheet component",
                        )
                    )
        if s.from_unit is None and s.to_unit in known:
            if s.flow is None:
                found.append(
                    issue(
                        err,
                        f"{at}.flow",
                        "feed_without_flow",
                        f"feed stream {s.id} has no flow: nothing to simulate",
                    )
                )
            if s.composition is None:
                found.append(
                    issue(
                        err,
                        f"{at}.composition",
                        "feed_without_composition",
                        f"feed stream {s.id} has no composition",
                    )
                )
    topo = topology(flowsheet)
    for u in flowsheet.units:
        at = unit_path(u.tag)
        if not topo.inlets[u.tag]:
            found.append(
                issue(err, at, "unit_without_inlet", f"unit {u.tag} ({u.type.value}) has no inlet stream")
            )
        if not topo.outlets[u.tag]:
            found.append(
                issue(
                    err,
                    at,
                    "unit_without_outlet",
                    f"unit {u.tag} ({u.type.value}) has no outlet stream: its material has nowhere to go",
                )
            )
        for i, rid in enumerate(u.reaction_ids):
            if rid not in reactions:
                found.append(
                    issue(
                        err,
                        f"{at}.reaction_ids[{i}]",
                        "unknown_reaction",
                        f"unit {u.tag} hosts reaction {rid!r}, which is not on the flowsheet",
                    )
                )
    for r in flowsheet.reactions:
        for species in r.stoichiometry:
            if species not in components:
                found.append(
                    issue(
                        err,
                        f"{reaction_path(r.id)}.stoichiometry[{species}]",
                        "unknown_species",
                        f"reaction {r.id} involves {species!r}, which is not a flowsheet component",
                    )
                )
    return found


MolarVolume = Callable[[str, float, float], float]  # (component, T [K], P [Pa]) -> liquid m3/mol


def stated_molar_flows(
    stream: Stream, molar_mass: Mapping[str, float], liquid_molar_volume: MolarVolume | None = None
) -> dict[str, float] | None:
    """Component molar flows (mol/s) of a stream's stated flow and composition; None if either is missing.

    Mass fractions are converted with the component molar masses (g/mol). A volumetric flow is read at the
    stated temperature and pressure (25 °C, 1 atm where they are missing): ideal gas for a vapour,
    the components' liquid molar volumes (ideal mixing) otherwise.
    """
    if stream.flow is None or stream.composition is None:
        return None
    fractions = stream.composition.fractions
    if stream.composition.basis is CompositionBasis.MASS:
        moles = {c: w / molar_mass[c] for c, w in fractions.items()}  # mol per g of mixture
        total = math.fsum(moles.values())
        mole_fractions = {c: n / total for c, n in moles.items()} if total > 0 else {}
    else:
        mole_fractions = dict(fractions)
    mean_mw = math.fsum(x * molar_mass[c] for c, x in mole_fractions.items())  # g/mol
    basis = flow_basis(stream.flow)
    if basis == "molar":
        total_mol_s = stream.flow.magnitude_in("mol/s")
    elif basis == "mass":
        total_mol_s = stream.flow.magnitude_in("kg/s") * 1000.0 / mean_mw if mean_mw > 0 else 0.0
    else:
        volume = stream.flow.magnitude_in("m**3/s")
        t = stream.temperature.magnitude_in("K") if stream.temperature else STANDARD_T
        p = stream.pressure.magnitude_in("Pa") if stream.pressure else STANDARD_P
        if stream.phase in (Phase.VAPOR, Phase.SUPERCRITICAL) or liquid_molar_volume is None:
            molar_volume = R_GAS * t / p
        else:
            molar_volume = math.fsum(x * liquid_molar_volume(c, t, p) for c, x in mole_fractions.items())
        total_mol_s = volume / molar_volume if molar_volume > 0 else 0.0
    return {c: x * total_mol_s for c, x in mole_fractions.items()}


def mass_flow(molar_flows: Mapping[str, float], molar_mass: Mapping[str, float]) -> float:
    """kg/s of component molar flows (mol/s)."""
    return math.fsum(n * molar_mass[c] for c, n in molar_flows.items()) / 1000.0


def stated_balance_issues(
    flowsheet: Flowsheet,
    flows: Mapping[str, dict[str, float] | None],
    molar_mass: Mapping[str, float],
    tolerance: float,
) -> tuple[list[Issue], dict[str, float]]:
    """Mass in vs. mass out of the design's own stated streams, around every unit whose streams all state
    a flow and composition. Returns the issues and each checked unit's stated closure (out / in)."""
    topo = topology(flowsheet)
    found: list[Issue] = []
    closures: dict[str, float] = {}
    for u in flowsheet.units:
        ins, outs = topo.inlets[u.tag], topo.outlets[u.tag]
        if not ins or not outs or any(flows.get(s.id) is None for s in (*ins, *outs)):
            continue
        m_in = math.fsum(mass_flow(flows[s.id], molar_mass) for s in ins)
        m_out = math.fsum(mass_flow(flows[s.id], molar_mass) for s in outs)
        if m_in <= 0:
            continue
        closures[u.tag] = m_out / m_in
        if abs(m_out / m_in - 1) > tolerance:
            found.append(
                issue(
                    Severity.ERROR,
                    unit_path(u.tag),
                    "stated_mass_imbalance",
                    f"the streams stated around {u.tag} carry {m_in * 3.6:.4g} t/h in "
                    f"({', '.join(s.id for s in ins)}) but {m_out * 3.6:.4g} t/h out "
                    f"({', '.join(s.id for s in outs)}): closure {m_out / m_in:.4f}",
                    "make the stated flows agree with the feeds and reactions",
                )
            )
    return found, closures
