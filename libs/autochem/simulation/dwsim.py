"""DWSIM backend: the same flowsheet through DWSIM's Automation API (``DWSIM.Automation.Automation3``) via
pythonnet, where DWSIM is installed and selected (``backend="dwsim"`` and a ``dwsim_path``).

DWSIM is not installed on the development machines, so only the "unavailable" path is exercised by the
tests; the translation below follows DWSIM 8's documented automation interface (``CreateFlowsheet``,
``AddCompound``, ``AddObject``, ``ConnectObjects``, ``CreateAndAddPropertyPackage``,
``CalculateFlowsheet2``) and maps the unit types DWSIM has directly; everything else is a
``ComponentSeparator`` with the stated outlet splits, as in the BioSTEAM backend.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

from autochem.domain.flowsheet import REACTOR_TYPES, Flowsheet, UnitType
from autochem.domain.issues import Severity
from autochem.simulation.options import ValidationOptions
from autochem.simulation.stated import (
    issue,
    stated_molar_flows,
    structural_issues,
    topology,
    unit_path,
)
from autochem.simulation.steady_state import SteadyStateResult, StreamState, UnitState

_DLLS = (
    "CapeOpen.dll",
    "DWSIM.Automation.dll",
    "DWSIM.Interfaces.dll",
    "DWSIM.GlobalSettings.dll",
    "DWSIM.SharedClasses.dll",
    "DWSIM.Thermodynamics.dll",
    "DWSIM.UnitOperations.dll",
    "DWSIM.Inspector.dll",
    "System.Buffers.dll",
)

# DWSIM object type names (DWSIM.Interfaces.Enums.GraphicObjects.ObjectType) per unit type.
_OBJECT_TYPES = {
    UnitType.MIXER: "NodeIn",
    UnitType.SPLITTER: "NodeOut",
    UnitType.HEATER: "Heater",
    UnitType.FIRED_HEATER: "Heater",
    UnitType.EVAPORATOR: "Heater",
    UnitType.REBOILER: "Heater",
    UnitType.COOLER: "Cooler",
    UnitType.CONDENSER: "Cooler",
    UnitType.AIR_COOLER: "Cooler",
    UnitType.PUMP: "Pump",
    UnitType.COMPRESSOR: "Compressor",
    UnitType.BLOWER: "Compressor",
    UnitType.TURBINE: "Expander",
    UnitType.EXPANDER: "Expander",
    UnitType.VALVE: "Valve",
    UnitType.FLASH_DRUM: "Vessel",
    **{t: "RCT_Conversion" for t in REACTOR_TYPES},
}


class DwsimBackend:
    """Steady-state simulation through DWSIM; reports itself unavailable when DWSIM cannot be loaded."""

    name = "dwsim"

    def __init__(
        self, dwsim_path: str | os.PathLike | None, property_package: str = "Peng-Robinson (PR)"
    ) -> None:
        self.dwsim_path = Path(dwsim_path) if dwsim_path else None
        self.property_package = property_package
        self._automation = None

    def available(self) -> tuple[bool, str]:
        if self.dwsim_path is None:
            return False, "DWSIM backend unavailable: no dwsim_path configured (DWSIM is not installed here)"
        if not (self.dwsim_path / "DWSIM.Automation.dll").is_file():
            return False, f"DWSIM backend unavailable: DWSIM.Automation.dll not found under {self.dwsim_path}"
        try:
            import clr  # noqa: F401  (pythonnet)
        except ImportError as exc:
            return False, f"DWSIM backend unavailable: pythonnet is not installed ({exc})"
        return True, f"DWSIM at {self.dwsim_path}"

    def warm_up(self) -> None:
        ok, _ = self.available()
        if ok:
            self._load()

    def _load(self):
        if self._automation is None:
            import clr

            for dll in _DLLS:
                path = self.dwsim_path / dll
                if path.is_file():
                    clr.AddReference(str(path))
            from DWSIM.Automation import Automation3  # type: ignore[import-not-found]

            self._automation = Automation3()
        return self._automation

    def simulate(self, flowsheet: Flowsheet, options: ValidationOptions) -> SteadyStateResult:
        ok, reason = self.available()
        result = SteadyStateResult(simulator="dwsim")
        if not ok:
            result.issues.append(issue(Severity.INFO, "", "backend_unavailable", reason))
            result.messages.append(reason)
            return result
        result.issues.extend(structural_issues(flowsheet))
        if any(i.severity is Severity.ERROR for i in result.issues):
            return result
        try:
            self._simulate(flowsheet, options, result)
        except Exception as exc:  # the .NET side raises its own exception types
            result.issues.append(issue(Severity.ERROR, "pfd.flowsheet", "simulation_failed", f"DWSIM: {exc}"))
        return result

    def _simulate(self, flowsheet: Flowsheet, options: ValidationOptions, result: SteadyStateResult) -> None:
        from DWSIM.Interfaces.Enums.GraphicObjects import ObjectType  # type: ignore[import-not-found]
        from System import Array, Double  # type: ignore[import-not-found]

        automation = self._load()
        sim = automation.CreateFlowsheet()
        names = [c.name for c in flowsheet.components]
        for name in names:
            sim.AddCompound(name)
        sim.CreateAndAddPropertyPackage(self.property_package)
        molar_mass = {c.name: float(sim.SelectedCompounds[c.name].Molar_Weight) for c in flowsheet.components}
        topo = topology(flowsheet)
        streams = {}
        for k, s in enumerate(flowsheet.streams):
            obj = sim.AddObject(ObjectType.MaterialStream, 50 * k, 0, s.id)
            streams[s.id] = obj
            flows = stated_molar_flows(s, molar_mass)
            if s.from_unit is None and flows:
                ms = obj.GetAsObject()
                total = math.fsum(flows.values())
                ms.SetOverallComposition(Array[Double]([flows.get(n, 0.0) / total for n in names]))
                ms.SetMolarFlow(total)
                if s.temperature is not None:
                    ms.SetTemperature(s.temperature.magnitude_in("K"))
                if s.pressure is not None:
                    ms.SetPressure(s.pressure.magnitude_in("Pa"))
        units = {}
        for k, u in enumerate(flowsheet.units):
            kind = _OBJECT_TYPES.get(u.type, "ComponentSeparator")
            obj = sim.AddObject(getattr(ObjectType, kind), 50 * k, 100, u.tag)
            units[u.tag] = obj
            for i, s in enumerate(topo.inlets[u.tag]):
                sim.ConnectObjects(streams[s.id].GraphicObject, obj.GraphicObject, -1, i)
            for j, s in enumerate(topo.outlets[u.tag]):
                sim.ConnectObjects(obj.GraphicObject, streams[s.id].GraphicObject, j, -1)
            if kind in ("Heater", "Cooler", "Pump", "Compressor", "Expander", "RCT_Conversion"):
                energy = sim.AddObject(ObjectType.EnergyStream, 50 * k, 150, f"Q-{u.tag}")
                sim.ConnectObjects(obj.GraphicObject, energy.GraphicObject, -1, -1)
            outs = topo.outlets[u.tag]
            unit_obj = obj.GetAsObject()
            if kind in ("Heater", "Cooler") and outs and outs[0].temperature is not None:
                unit_obj.CalcMode = unit_obj.CalcMode.OutletTemperature
                unit_obj.OutletTemperature = outs[0].temperature.magnitude_in("K")
            if kind in ("Pump", "Compressor", "Expander", "Valve") and outs and outs[0].pressure is not None:
                unit_obj.CalcMode = unit_obj.CalcMode.OutletPressure
                unit_obj.POut = outs[0].pressure.magnitude_in("Pa")
        errors = automation.CalculateFlowsheet2(sim)
        if errors is not None and len(errors) > 0:
            for err in errors:
                result.issues.append(
                    issue(Severity.ERROR, "pfd.flowsheet", "simulation_failed", f"DWSIM: {err}")
                )
            return
        result.ran = True
        result.converged = True
        for s in flowsheet.streams:
            ms = streams[s.id].GetAsObject()
            mass = float(ms.GetMassFlow())
            result.streams[s.id] = StreamState(
                id=s.id,
                mol_s={},
                mass_kg_s=mass,
                temperature_k=float(ms.GetTemperature()),
                pressure_pa=float(ms.GetPressure()),
                vapor_fraction=0.0,
                volume_m3_s=float(ms.GetVolumetricFlow()),
                liquid_volume_m3_s=0.0,
                cp_j_kg_k=0.0,
            )
        for u in flowsheet.units:
            m_in = math.fsum(result.streams[s.id].mass_kg_s for s in topo.inlets[u.tag])
            m_out = math.fsum(result.streams[s.id].mass_kg_s for s in topo.outlets[u.tag])
            result.units[u.tag] = UnitState(u.tag, u.type, m_in, m_out, 0.0)
            if m_in > 0 and abs(m_out / m_in - 1) > options.unit_closure_tolerance:
                result.issues.append(
                    issue(
                        Severity.ERROR,
                        unit_path(u.tag),
                        "unit_mass_imbalance",
                        f"DWSIM closure {m_out / m_in:.4f}",
                    )
                )
        m_feed = math.fsum(result.streams[s.id].mass_kg_s for s in topo.feeds)
        m_prod = math.fsum(result.streams[s.id].mass_kg_s for s in topo.products)
        result.closure = m_prod / m_feed if m_feed > 0 else None
