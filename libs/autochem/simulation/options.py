"""Tolerances and limits of a validation run: one place for the defaults, overridable per request."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from autochem.domain.instrumentation import MeasuredVariable


class LoopLimits(BaseModel):
    """Pass/fail limits of a simulated control loop (setpoint step and load disturbance)."""

    model_config = ConfigDict(extra="forbid")

    max_overshoot: float = Field(0.25, ge=0, description="Largest peak overshoot, fraction of the step.")
    max_settling_time_s: dict[MeasuredVariable, float] = Field(
        default_factory=lambda: {
            MeasuredVariable.FLOW: 60.0,
            MeasuredVariable.PRESSURE: 300.0,
            MeasuredVariable.SPEED: 60.0,
            MeasuredVariable.LEVEL: 1800.0,
            MeasuredVariable.TEMPERATURE: 1800.0,
            MeasuredVariable.ANALYSIS: 3600.0,
        },
        description="Longest 2 % settling time of the setpoint response per measured variable, seconds.",
    )
    default_max_settling_time_s: float = Field(
        1800.0, gt=0, description="Settling-time limit for variables not listed above."
    )
    min_gain_margin: float = Field(1.5, gt=1, description="Smallest acceptable gain margin (ratio).")
    min_phase_margin_deg: float = Field(30.0, gt=0, description="Smallest acceptable phase margin.")
    disturbance_residual: float = Field(
        0.05,
        gt=0,
        description="After a load step the deviation must fall below this fraction of its peak by the "
        "end of the simulated horizon (integral action rejects it).",
    )

    def settling_limit(self, variable: MeasuredVariable) -> float:
        return self.max_settling_time_s.get(variable, self.default_max_settling_time_s)


class ValidationOptions(BaseModel):
    """Everything a validation run may be told; the defaults are the service's policy."""

    model_config = ConfigDict(extra="forbid")

    backend: Literal["biosteam", "dwsim"] = Field(
        "biosteam", description="Steady-state simulator: BioSTEAM/thermosteam (embedded) or DWSIM."
    )
    thermo_package: Literal["auto", "ideal", "activity"] = Field(
        "auto",
        description="Liquid-phase model: ideal (Raoult) or activity (modified UNIFAC, Dortmund); auto picks "
        "activity when a liquid-bearing stream holds a polar species. The vapour is an ideal gas.",
    )
    run_dynamics: bool = Field(True, description="Simulate the P&ID control loops.")
    closure_tolerance: float = Field(
        0.005, gt=0, le=1, description="Largest |mass out / mass in - 1| of the simulated flowsheet."
    )
    unit_closure_tolerance: float = Field(
        0.005, gt=0, le=1, description="Largest |mass out / mass in - 1| of one simulated unit."
    )
    stated_balance_tolerance: float = Field(
        0.01,
        gt=0,
        le=1,
        description="Largest |out / in - 1| of the mass flows the design itself states around one unit.",
    )
    flow_tolerance: float = Field(
        0.02, gt=0, description="Relative deviation of a simulated stream mass flow from the stated one."
    )
    composition_tolerance: float = Field(
        0.02, gt=0, le=1, description="Absolute deviation of a stream mole/mass fraction from the stated one."
    )
    temperature_tolerance_k: float = Field(
        10.0, gt=0, description="Deviation of a simulated temperature from the stated one, kelvin."
    )
    pressure_tolerance: float = Field(
        0.05, gt=0, description="Relative deviation of a simulated pressure from the stated one."
    )
    phase_margin_k: float = Field(
        5.0,
        gt=0,
        description="A stream's phase is checked this far on the favourable side of its stated temperature "
        "(hotter for a vapour, colder for a liquid): more than 10 % of the other phase there is a warning, "
        "more than half an error.",
    )
    duty_tolerance: float = Field(
        0.25, gt=0, description="Relative deviation of a simulated unit duty from the stated one."
    )
    exchanger_balance_tolerance: float = Field(
        0.10,
        gt=0,
        description="Largest |heat released - heat taken up| / heat released across a two-sided exchanger.",
    )
    default_compressor_efficiency: float = Field(
        0.75, gt=0, le=1, description="Isentropic efficiency when the design gives no outlet temperature."
    )
    default_turbine_efficiency: float = Field(
        0.80, gt=0, le=1, description="Isentropic efficiency of expanders."
    )
    recycle_relative_tolerance: float = Field(
        5e-4, gt=0, description="Relative change of the recycle flows at which the iteration has converged."
    )
    recycle_method: Literal["wegstein", "aitken", "fixedpoint"] = Field(
        "aitken", description="Accelerator of the recycle (tear stream) iteration."
    )
    max_recycle_iterations: int = Field(200, ge=1, description="Recycle (tear stream) iterations.")
    loop_limits: LoopLimits = Field(default_factory=LoopLimits, description="Control-loop pass/fail limits.")
