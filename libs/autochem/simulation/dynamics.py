"""Control-loop dynamics: a FOPDT process model per P&ID loop, SIMC PI tuning, closed-loop simulation.

Process models (first order plus dead time, ``K e^(-θs) / (τs + 1)``, or integrating ``k' e^(-θs) / s`` for
level) are built from the simulated steady state of the unit the loop's sensor sits on (a stream sensor
belongs to the unit the stream leaves, else the one it enters). Assumptions, per measured variable:

* **flow**: the valve and line respond with τ = ``flow_time_constant_s`` (3 s), θ = 1 s; a fully open valve
  passes twice the nominal flow, so K = 2 x nominal flow.
* **level**: integrating. The vessel holds ``residence_time`` (unit parameter) or the default liquid
  residence time of its class at 100 % level; the outlet valve at full travel moves twice the simulated
  liquid outflow, so k' = 200 % / residence time per unit of controller output; θ = 2 s.
* **pressure**: the gas holdup, τ = holdup volume / simulated gas flow (``volume`` parameter, else a default
  gas residence time of the class); K = half the operating pressure over the valve's travel; θ = 1 s.
* **temperature**: τ = thermal residence time (``residence_time``/``volume`` parameter, else the default of
  the class) plus half the sensor lag; θ = transport (2 s) plus the other half of the sensor lag (SIMC half
  rule); K = |duty| / (ṁ cp) — the temperature change when the manipulated duty runs from nominal to zero or
  double (for a reactor with little duty the heat of reaction stands in).
* **analysis**: mixing residence time of the unit, θ = analyzer dead time (60 s).
* **speed**: τ = 5 s (rotor), θ = 0.5 s. Anything else: τ = 10 s, θ = 1 s (reported as generic).

A cascade primary sees its secondary loop as extra delay (τc + θ of the secondary). Tuning is SIMC
(Skogestad 2003): Kc = τ / (K (τc + θ)), τI = min(τ, 4 (τc + θ)), and for an integrating process
Kc = 1 / (k' (τc + θ)), τI = 4 (τc + θ); τc = θ (``tau_c_factor``) unless the variable asks for a slower
loop (level: a tenth of the residence time, averaging control). No derivative action: the models are first
order, and SIMC adds D only for a second time constant. The dead time is a 6th-order Padé approximant.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from autochem.domain.design import LoopResult
from autochem.domain.flowsheet import REACTOR_TYPES, Flowsheet, UnitType
from autochem.domain.instrumentation import ControlLoop, ControlStrategy, Instrumentation, MeasuredVariable
from autochem.domain.issues import Issue, Severity
from autochem.domain.units import Quantity
from autochem.simulation.options import LoopLimits
from autochem.simulation.steady_state import SteadyStateResult, UnitState

PADE_ORDER = 6
FLOW_TIME_CONSTANT_S = 3.0
SENSOR_LAG_S = {MeasuredVariable.TEMPERATURE: 10.0}
ANALYZER_DEAD_TIME_S = 60.0

_COLUMNS = {UnitType.DISTILLATION_COLUMN, UnitType.ABSORBER, UnitType.STRIPPER, UnitType.EXTRACTOR}
_VESSELS = {
    UnitType.FLASH_DRUM,
    UnitType.SEPARATOR,
    UnitType.DECANTER,
    UnitType.TANK,
    UnitType.VESSEL,
    UnitType.EVAPORATOR,
}


def _class_defaults(unit_type: UnitType | None) -> tuple[float, float, float]:
    """(liquid residence time at 100 % level, thermal time constant, gas residence time), seconds."""
    if unit_type in _VESSELS:
        return 600.0, 300.0, 30.0
    if unit_type in _COLUMNS:
        return 300.0, 300.0, 30.0
    if unit_type in REACTOR_TYPES:
        return 300.0, 120.0, 10.0
    if unit_type in (UnitType.FIRED_HEATER, UnitType.WASTE_HEAT_BOILER):
        return 300.0, 120.0, 5.0
    if unit_type is not None and unit_type.value in {
        "heat_exchanger",
        "heater",
        "cooler",
        "condenser",
        "reboiler",
        "air_cooler",
    }:
        return 120.0, 30.0, 5.0
    return 300.0, 60.0, 5.0


@dataclass
class Fopdt:
    """A process model in loop units per unit of controller output (0..1 of valve travel)."""

    gain: float
    time_constant_s: float
    dead_time_s: float
    integrating: bool = False
    basis: list[str] = field(default_factory=list)

    def describe(self) -> str:
        if self.integrating:
            return f"integrating k'={self.gain:.4g}/s, θ={self.dead_time_s:.3g} s"
        return f"FOPDT K={self.gain:.4g}, τ={self.time_constant_s:.3g} s, θ={self.dead_time_s:.3g} s"


@dataclass
class PiTuning:
    kc: float
    ti_s: float
    tau_c_s: float
    td_s: float = 0.0


def simc_pi(model: Fopdt, tau_c_s: float) -> PiTuning:
    """SIMC PI settings for a FOPDT (or integrating) model and a desired closed-loop time constant."""
    theta = model.dead_time_s
    if model.integrating:
        return PiTuning(
            kc=1.0 / (model.gain * (tau_c_s + theta)), ti_s=4.0 * (tau_c_s + theta), tau_c_s=tau_c_s
        )
    tau = model.time_constant_s
    return PiTuning(
        kc=tau / (model.gain * (tau_c_s + theta)), ti_s=min(tau, 4.0 * (tau_c_s + theta)), tau_c_s=tau_c_s
    )


@dataclass
class ClosedLoop:
    stable: bool
    overshoot: float
    rise_time_s: float | None
    settling_time_s: float | None
    iae_normalized: float  # of a unit setpoint step, s
    gain_margin: float
    phase_margin_deg: float
    disturbance_peak: float  # loop units, for a 10 % step of controller output at the process input
    disturbance_residual: float  # |deviation| at the end of the horizon / peak
    disturbance_iae: float
    horizon_s: float


def simulate_closed_loop(model: Fopdt, tuning: PiTuning, load_step: float = 0.1, load_factor: float = 1.0):
    """Setpoint step and load disturbance of the PI loop around the model, with python-control."""
    import control

    num, den = control.pade(max(model.dead_time_s, 1e-6), PADE_ORDER)
    delay = control.tf(num, den)
    plant = (
        control.tf([model.gain], [1.0, 0.0] if model.integrating else [model.time_constant_s, 1.0]) * delay
    )
    controller = control.tf([tuning.kc * tuning.ti_s, tuning.kc], [tuning.ti_s, 0.0])
    open_loop = controller * plant
    tracking = control.feedback(open_loop, 1)
    load = control.feedback(plant, controller)
    stable = bool(np.all(np.real(control.poles(tracking)) < 0))
    horizon = max(
        20.0 * (tuning.tau_c_s + model.dead_time_s),
        6.0 * tuning.ti_s,
        (5.0 * model.time_constant_s if not model.integrating else 0.0),
        30.0,
    )
    t = np.linspace(0.0, horizon, 4000)
    y = np.squeeze(control.step_response(tracking, t).outputs)
    yd = np.squeeze(control.step_response(load, t).outputs) * load_step * load_factor
    gm, pm, *_ = control.stability_margins(open_loop)
    if not stable or not np.all(np.isfinite(y)):
        return ClosedLoop(
            False, math.inf, None, None, math.inf, gm, pm, math.inf, math.inf, math.inf, horizon
        )
    error = np.abs(1.0 - y)
    outside = np.nonzero(error > 0.02)[0]
    if outside.size == 0:
        settling = 0.0
    elif outside[-1] == len(t) - 1:
        settling = None
    else:
        settling = float(t[outside[-1] + 1])
    above10 = np.nonzero(y >= 0.1)[0]
    above90 = np.nonzero(y >= 0.9)[0]
    rise = float(t[above90[0]] - t[above10[0]]) if above10.size and above90.size else None
    peak_d = float(np.max(np.abs(yd)))
    residual = float(abs(yd[-1]) / peak_d) if peak_d > 0 else 0.0
    return ClosedLoop(
        stable=True,
        overshoot=max(0.0, float(np.max(y)) - 1.0),
        rise_time_s=rise,
        settling_time_s=settling,
        iae_normalized=float(np.trapezoid(error, t)),
        gain_margin=float(gm) if gm is not None else math.inf,
        phase_margin_deg=float(pm) if pm is not None else math.inf,
        disturbance_peak=peak_d,
        disturbance_residual=residual,
        disturbance_iae=float(np.trapezoid(np.abs(yd), t)),
        horizon_s=horizon,
    )


@dataclass
class LoopContext:
    """Where a loop sits and the simulated figures of that unit."""

    unit_tag: str | None
    unit_type: UnitType | None
    state: UnitState | None
    mass_flow_kg_s: float | None
    gas_flow_m3_s: float | None
    liquid_flow_m3_s: float | None
    cp_j_kg_k: float | None
    pressure_pa: float | None
    parameters: dict[str, Quantity]


def _locate(
    loop: ControlLoop, flowsheet: Flowsheet, instr: Instrumentation, steady: SteadyStateResult | None
):
    instruments = {i.tag: i for i in instr.instruments}
    streams = {s.id: s for s in flowsheet.streams}
    units = {u.tag: u for u in flowsheet.units}
    unit_tag = None
    for tag in (loop.sensor, loop.controller, loop.final_element):
        inst = instruments.get(tag) if tag else None
        if inst is None:
            continue
        if inst.unit_tag in units:
            unit_tag = inst.unit_tag
            break
        if inst.stream_id in streams:
            s = streams[inst.stream_id]
            unit_tag = s.from_unit if s.from_unit in units else s.to_unit
            break
    if unit_tag is None and loop.manipulated_stream in streams:
        s = streams[loop.manipulated_stream]
        unit_tag = s.from_unit if s.from_unit in units else s.to_unit
    unit = units.get(unit_tag) if unit_tag else None
    state = steady.units.get(unit_tag) if (steady and steady.ran and unit_tag) else None
    mass = gas = liquid = cp = pressure = None
    if state is not None and steady is not None:
        outs = [steady.streams[s] for s in state.outlet_ids if s in steady.streams]
        mass = sum(s.mass_kg_s for s in outs)
        liquid = sum(s.liquid_volume_m3_s for s in outs)
        gas = sum(max(s.volume_m3_s - s.liquid_volume_m3_s, 0.0) for s in outs)
        cp = sum(s.cp_j_kg_k * s.mass_kg_s for s in outs) / mass if mass else None
        pressure = max((s.pressure_pa for s in outs), default=None)
    return LoopContext(
        unit_tag,
        unit.type if unit else None,
        state,
        mass,
        gas,
        liquid,
        cp,
        pressure,
        dict(unit.parameters) if unit else {},
    )


def _param_seconds(ctx: LoopContext, name: str) -> float | None:
    q = ctx.parameters.get(name)
    if q is None:
        return None
    try:
        return q.magnitude_in("s")
    except Exception:
        return None


def _param_volume(ctx: LoopContext) -> float | None:
    for name in ("volume", "holdup_volume", "liquid_volume"):
        q = ctx.parameters.get(name)
        if q is not None and q.dimensionality == "[length] ** 3":
            return q.magnitude_in("m**3")
    return None


def _setpoint_value(loop: ControlLoop) -> float | None:
    if loop.setpoint is None:
        return None
    if loop.measured_variable is MeasuredVariable.TEMPERATURE:
        return loop.setpoint.magnitude_in("K")
    return loop.setpoint.value


def process_model(loop: ControlLoop, ctx: LoopContext) -> Fopdt:
    """The FOPDT/integrating model of one loop (see the module docstring for the assumptions)."""
    var = loop.measured_variable
    liquid_rt, thermal_t, gas_rt = _class_defaults(ctx.unit_type)
    basis: list[str] = []
    volume = _param_volume(ctx)
    residence = _param_seconds(ctx, "residence_time")
    setpoint = _setpoint_value(loop)
    where = f"{ctx.unit_tag} ({ctx.unit_type.value})" if ctx.unit_type else "no unit located"
    basis.append(f"unit: {where}")
    if ctx.state is None:
        basis.append("no simulated state: class defaults only")
    if var is MeasuredVariable.FLOW:
        nominal = abs(setpoint) if setpoint else 1.0
        return Fopdt(2.0 * nominal, FLOW_TIME_CONSTANT_S, 1.0, basis=[*basis, "valve/line lag 3 s"])
    if var is MeasuredVariable.LEVEL:
        if residence is None and volume is not None and ctx.liquid_flow_m3_s:
            residence = volume / ctx.liquid_flow_m3_s
            basis.append(f"holdup {volume:.3g} m3 over {ctx.liquid_flow_m3_s * 3600:.3g} m3/h of liquid")
        if residence is None:
            residence = liquid_rt
            basis.append(f"default liquid residence time {liquid_rt:.0f} s at 100 % level")
        return Fopdt(200.0 / residence, residence, 2.0, integrating=True, basis=basis)
    if var is MeasuredVariable.PRESSURE:
        tau = gas_rt
        if volume is not None and ctx.gas_flow_m3_s:
            tau = volume / ctx.gas_flow_m3_s
            basis.append(f"gas holdup {volume:.3g} m3 over {ctx.gas_flow_m3_s:.3g} m3/s")
        else:
            basis.append(f"default gas residence time {gas_rt:.0f} s")
        p = abs(setpoint) if setpoint else (ctx.pressure_pa / 1e5 if ctx.pressure_pa else 1.0)
        return Fopdt(0.5 * p, max(tau, 0.5), 1.0, basis=basis)
    if var is MeasuredVariable.TEMPERATURE:
        lag = SENSOR_LAG_S[MeasuredVariable.TEMPERATURE]
        tau = residence
        if tau is None and volume is not None and ctx.mass_flow_kg_s and ctx.gas_flow_m3_s is not None:
            flow = (ctx.liquid_flow_m3_s or 0.0) + (ctx.gas_flow_m3_s or 0.0)
            tau = volume / flow if flow > 0 else None
        if tau is None:
            tau = thermal_t
            basis.append(f"default thermal time constant {thermal_t:.0f} s")
        gain = 50.0
        if ctx.state is not None and ctx.mass_flow_kg_s and ctx.cp_j_kg_k:
            heat = abs(ctx.state.duty_w)
            if ctx.unit_type in REACTOR_TYPES and abs(ctx.state.reaction_heat_w) > heat:
                heat = abs(ctx.state.reaction_heat_w)
                basis.append("gain from the heat of reaction")
            if heat > 0:
                gain = heat / (ctx.mass_flow_kg_s * ctx.cp_j_kg_k)
                basis.append(
                    f"K = {heat / 1e6:.3g} MW / ({ctx.mass_flow_kg_s:.3g} kg/s x {ctx.cp_j_kg_k:.0f} J/kg/K)"
                )
        if gain < 1.0:
            gain = 1.0
        return Fopdt(
            gain, tau + lag / 2, 2.0 + lag / 2, basis=[*basis, f"sensor lag {lag:.0f} s (half rule)"]
        )
    if var is MeasuredVariable.ANALYSIS:
        tau = residence or liquid_rt / 2
        return Fopdt(
            10.0,
            tau,
            ANALYZER_DEAD_TIME_S,
            basis=[*basis, f"mixing {tau:.0f} s, analyzer {ANALYZER_DEAD_TIME_S:.0f} s"],
        )
    if var is MeasuredVariable.SPEED:
        return Fopdt(
            0.5 * (abs(setpoint) if setpoint else 1.0), 5.0, 0.5, basis=[*basis, "rotor inertia 5 s"]
        )
    return Fopdt(1.0, 10.0, 1.0, basis=[*basis, "generic model"])


def step_size(loop: ControlLoop) -> tuple[float, str]:
    """The setpoint step simulated, in loop units, and the unit it is in."""
    var = loop.measured_variable
    if var is MeasuredVariable.TEMPERATURE:
        return 5.0, "K"
    if var is MeasuredVariable.LEVEL:
        return 5.0, loop.setpoint.unit if loop.setpoint else "percent"
    if loop.setpoint is not None and loop.setpoint.value:
        return 0.05 * abs(loop.setpoint.value), loop.setpoint.unit
    return 0.05, "fraction of span"


@dataclass
class LoopOutcome:
    result: LoopResult
    issues: list[Issue]
    passed: bool


def tau_c_for(loop: ControlLoop, model: Fopdt, factor: float) -> float:
    tau_c = factor * model.dead_time_s
    if loop.measured_variable is MeasuredVariable.LEVEL:
        tau_c = max(tau_c, 0.1 * model.time_constant_s)  # averaging level control
    return max(tau_c, 0.5)


def analyze_loops(
    flowsheet: Flowsheet,
    instrumentation: Instrumentation,
    steady: SteadyStateResult | None,
    limits: LoopLimits,
    tau_c_factor: float = 1.0,
    feedforward_effectiveness: float = 0.8,
) -> list[LoopOutcome]:
    """Model, tune and simulate every control loop; never raises (a loop that cannot be modelled says why)."""
    loops = {lp.id: lp for lp in instrumentation.control_loops}
    models: dict[str, Fopdt] = {}
    tunings: dict[str, PiTuning] = {}
    outcomes: list[LoopOutcome] = []
    # Secondaries first so that a cascade primary can see its inner loop.
    order = sorted(loops.values(), key=lambda lp: lp.strategy is ControlStrategy.CASCADE)
    for loop in order:
        at = f"pid.instrumentation.control_loops[{loop.id}]"
        try:
            ctx = _locate(loop, flowsheet, instrumentation, steady)
            model = process_model(loop, ctx)
            if loop.strategy is ControlStrategy.CASCADE and loop.secondary_loop in tunings:
                inner_model, inner = models[loop.secondary_loop], tunings[loop.secondary_loop]
                extra = inner.tau_c_s + inner_model.dead_time_s
                model.dead_time_s += extra
                model.basis.append(f"secondary {loop.secondary_loop} adds {extra:.3g} s of lag")
            tuning = simc_pi(model, tau_c_for(loop, model, tau_c_factor))
            load_factor = 1.0
            if loop.strategy is ControlStrategy.FEEDFORWARD:
                load_factor = 1.0 - feedforward_effectiveness
            sim = simulate_closed_loop(model, tuning, load_factor=load_factor)
        except Exception as exc:  # a loop that cannot be modelled is reported, not raised
            outcomes.append(
                LoopOutcome(
                    LoopResult(loop_id=loop.id, stable=None, messages=[f"not simulated: {exc}"]),
                    [
                        Issue(
                            severity=Severity.WARNING,
                            path=at,
                            code="loop_not_simulated",
                            message=f"{loop.id}: {exc}",
                        )
                    ],
                    False,
                )
            )
            continue
        models[loop.id], tunings[loop.id] = model, tuning
        step, unit = step_size(loop)
        limit = limits.settling_limit(loop.measured_variable)
        failures = []
        if not sim.stable:
            failures.append("closed loop unstable")
        else:
            if sim.overshoot > limits.max_overshoot:
                failures.append(f"overshoot {sim.overshoot:.0%} > {limits.max_overshoot:.0%}")
            if sim.settling_time_s is None:
                failures.append(f"does not settle within {sim.horizon_s:.0f} s")
            elif sim.settling_time_s > limit:
                failures.append(f"settling time {sim.settling_time_s:.0f} s > {limit:.0f} s")
            if sim.gain_margin < limits.min_gain_margin:
                failures.append(f"gain margin {sim.gain_margin:.2f} < {limits.min_gain_margin}")
            if sim.phase_margin_deg < limits.min_phase_margin_deg:
                failures.append(
                    f"phase margin {sim.phase_margin_deg:.0f}° < {limits.min_phase_margin_deg:.0f}°"
                )
            if sim.disturbance_residual > limits.disturbance_residual:
                failures.append(
                    f"load disturbance not rejected ({sim.disturbance_residual:.0%} of its peak left)"
                )
        messages = [
            f"model: {model.describe()} ({'; '.join(model.basis)})",
            f"SIMC PI: Kc={tuning.kc:.4g} per {unit if loop.measured_variable is not MeasuredVariable.TEMPERATURE else 'K'}, "
            f"τI={tuning.ti_s:.4g} s, τc={tuning.tau_c_s:.3g} s, no derivative",
            f"setpoint step {step:.4g} {unit}; gain margin {sim.gain_margin:.2f}, phase margin {sim.phase_margin_deg:.0f}°",
            f"load step (10 % of valve travel): peak {sim.disturbance_peak:.4g}, IAE {sim.disturbance_iae:.4g} "
            f"loop units x s, {sim.disturbance_residual:.1%} left after {sim.horizon_s:.0f} s"
            + (f" (feedforward removes {feedforward_effectiveness:.0%})" if load_factor < 1 else ""),
            "PASS" if not failures else "FAIL: " + "; ".join(failures),
        ]
        result = LoopResult(
            loop_id=loop.id,
            stable=sim.stable,
            overshoot=sim.overshoot if sim.stable else None,
            settling_time=Quantity(value=round(sim.settling_time_s, 3), unit="s")
            if sim.settling_time_s is not None
            else None,
            rise_time=Quantity(value=round(sim.rise_time_s, 3), unit="s")
            if sim.rise_time_s is not None
            else None,
            iae=sim.iae_normalized * step if sim.stable else None,
            messages=messages,
        )
        issues = []
        if failures:
            issues.append(
                Issue(
                    severity=Severity.ERROR,
                    path=at,
                    code="loop_unstable" if not sim.stable else "loop_limits_exceeded",
                    message=f"{loop.id}: " + "; ".join(failures),
                    suggestion="retune (slower τc) or revise the control structure",
                )
            )
        outcomes.append(LoopOutcome(result, issues, not failures))
    by_id = {o.result.loop_id: o for o in outcomes}
    return [by_id[lp.id] for lp in instrumentation.control_loops if lp.id in by_id]
