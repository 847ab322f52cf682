"""Control-loop dynamics: SIMC tuning, closed-loop metrics with python-control, loop models built from a
simulated unit, pass/fail against limits; and the DWSIM backend's "unavailable" path."""

from __future__ import annotations

import math

import pytest

from autochem.domain.design import ValidationStatus
from autochem.domain.flowsheet import Flowsheet, UnitType
from autochem.domain.instrumentation import (
    ControlLoop,
    ControlStrategy,
    Instrument,
    Instrumentation,
    InstrumentType,
    MeasuredVariable,
)
from autochem.domain.units import Quantity
from autochem.simulation.dwsim import DwsimBackend
from autochem.simulation.dynamics import (
    Fopdt,
    LoopContext,
    PiTuning,
    analyze_loops,
    process_model,
    simc_pi,
    simulate_closed_loop,
)
from autochem.simulation.options import LoopLimits, ValidationOptions
from autochem.simulation.steady_state import SteadyStateResult, StreamState, UnitState
from autochem.simulation.validator import FlowsheetValidator
from tests.unit.simulation_cases import base_flowsheet


def test_simc_rules():
    model = Fopdt(gain=2.0, time_constant_s=100.0, dead_time_s=10.0)
    tuning = simc_pi(model, tau_c_s=10.0)
    assert tuning.kc == pytest.approx(100.0 / (2.0 * 20.0))
    assert tuning.ti_s == pytest.approx(min(100.0, 4 * 20.0))
    level = Fopdt(gain=0.5, time_constant_s=600.0, dead_time_s=2.0, integrating=True)
    lt = simc_pi(level, tau_c_s=60.0)
    assert lt.kc == pytest.approx(1.0 / (0.5 * 62.0))
    assert lt.ti_s == pytest.approx(4 * 62.0)


def test_simc_loop_is_stable_and_settles():
    model = Fopdt(gain=1.5, time_constant_s=60.0, dead_time_s=5.0)
    loop = simulate_closed_loop(model, simc_pi(model, 5.0))
    assert loop.stable
    assert 0.0 <= loop.overshoot < 0.2
    assert loop.settling_time_s is not None and loop.settling_time_s < 120.0
    assert loop.gain_margin > 2.0 and 40.0 < loop.phase_margin_deg < 80.0
    assert loop.disturbance_residual < 0.05
    # The IAE of a unit step with SIMC is about tau_c + theta + ... : of the order of 10 s, not 100.
    assert 5.0 < loop.iae_normalized < 40.0


def test_aggressive_tuning_is_caught_unstable():
    model = Fopdt(gain=1.0, time_constant_s=20.0, dead_time_s=10.0)
    tuning = simc_pi(model, 10.0)
    unstable = PiTuning(kc=tuning.kc * 6, ti_s=tuning.ti_s, tau_c_s=tuning.tau_c_s)
    result = simulate_closed_loop(model, unstable)
    assert result.stable is False
    assert math.isinf(result.overshoot)


def test_faster_tuning_overshoots_more():
    model = Fopdt(gain=1.0, time_constant_s=30.0, dead_time_s=6.0)
    slow = simulate_closed_loop(model, simc_pi(model, 12.0))
    fast = simulate_closed_loop(model, simc_pi(model, 3.0))
    assert fast.overshoot > slow.overshoot
    assert fast.gain_margin < slow.gain_margin


def _context(unit_type, duty_w=0.0, mass=10.0, liquid=0.01, gas=0.5, params=None):
    state = UnitState(tag="X-1", type=unit_type, mass_in_kg_s=mass, mass_out_kg_s=mass, duty_w=duty_w)
    return LoopContext("X-1", unit_type, state, mass, gas, liquid, 2000.0, 5e5, params or {})


def _loop(variable, strategy=ControlStrategy.FEEDBACK, setpoint=None, **extra):
    return ControlLoop(
        id="L-1",
        measured_variable=variable,
        strategy=strategy,
        sensor="XT-1",
        controller="XIC-1",
        final_element="XV-1",
        setpoint=setpoint,
        **extra,
    )


def test_models_follow_the_simulated_unit():
    # Temperature: K = duty / (m cp) = 2 MW / (10 kg/s x 2000 J/kg/K) = 100 K.
    temp = process_model(
        _loop(MeasuredVariable.TEMPERATURE, setpoint=Quantity(value=80, unit="degC")),
        _context(UnitType.COOLER, duty_w=-2e6),
    )
    assert temp.gain == pytest.approx(100.0)
    assert not temp.integrating
    # Level is integrating; a stated residence time sets k' = 200 %/residence time.
    level = process_model(
        _loop(MeasuredVariable.LEVEL, setpoint=Quantity(value=50, unit="percent")),
        _context(UnitType.FLASH_DRUM, params={"residence_time": Quantity(value=400, unit="s")}),
    )
    assert level.integrating and level.gain == pytest.approx(0.5)
    # A volume over the simulated liquid flow gives the residence time when none is stated.
    level2 = process_model(
        _loop(MeasuredVariable.LEVEL),
        _context(UnitType.FLASH_DRUM, liquid=0.02, params={"volume": Quantity(value=10, unit="m**3")}),
    )
    assert level2.gain == pytest.approx(200.0 / 500.0)
    # Pressure: a gas holdup volume over the simulated gas flow.
    pressure = process_model(
        _loop(MeasuredVariable.PRESSURE, setpoint=Quantity(value=5, unit="bar")),
        _context(UnitType.VESSEL, gas=2.0, params={"volume": Quantity(value=40, unit="m**3")}),
    )
    assert pressure.time_constant_s == pytest.approx(20.0)


def _instrumented(loops):
    instruments = [
        Instrument(tag="TT-1", type=InstrumentType.TRANSMITTER, stream_id="S-6"),
        Instrument(tag="TIC-1", type=InstrumentType.CONTROLLER),
        Instrument(tag="TV-1", type=InstrumentType.CONTROL_VALVE, unit_tag="E-102"),
        Instrument(tag="FT-2", type=InstrumentType.TRANSMITTER, stream_id="S-2"),
        Instrument(tag="FIC-2", type=InstrumentType.CONTROLLER),
        Instrument(tag="FV-2", type=InstrumentType.CONTROL_VALVE, stream_id="S-2"),
    ]
    return Instrumentation(instruments=instruments, control_loops=loops)


def _temperature_loop(**extra):
    return ControlLoop(
        id="TIC-1",
        measured_variable=MeasuredVariable.TEMPERATURE,
        strategy=ControlStrategy.FEEDBACK,
        sensor="TT-1",
        controller="TIC-1",
        final_element="TV-1",
        setpoint=Quantity(value=-20, unit="degC"),
        **extra,
    )


def _steady_for_cooler() -> SteadyStateResult:
    result = SteadyStateResult(simulator="test", ran=True, converged=True)
    result.units["E-102"] = UnitState("E-102", UnitType.COOLER, 4.0, 4.0, -3e6, outlet_ids=["S-6"])
    result.streams["S-6"] = StreamState("S-6", {}, 4.0, 253.0, 150e5, 0.7, 0.2, 0.001, 3000.0)
    return result


def test_analyze_loops_on_a_located_unit():
    fs: Flowsheet = base_flowsheet()
    outcomes = analyze_loops(fs, _instrumented([_temperature_loop()]), _steady_for_cooler(), LoopLimits())
    (outcome,) = outcomes
    assert outcome.passed and outcome.result.stable
    assert "E-102 (cooler)" in outcome.result.messages[0]
    assert "K = 3 MW" in outcome.result.messages[0]
    assert outcome.result.iae is not None and outcome.result.iae > 0
    assert outcome.result.messages[-1] == "PASS"


def test_loop_limits_fail_with_an_issue():
    limits = LoopLimits(default_max_settling_time_s=5.0, max_settling_time_s={})
    (outcome,) = analyze_loops(
        base_flowsheet(), _instrumented([_temperature_loop()]), _steady_for_cooler(), limits
    )
    assert not outcome.passed
    assert outcome.result.stable is True
    (issue,) = outcome.issues
    assert issue.code == "loop_limits_exceeded"
    assert issue.path == "pid.instrumentation.control_loops[TIC-1]"
    assert "settling time" in issue.message


def test_cascade_primary_sees_its_secondary():
    flow = ControlLoop(
        id="FIC-2",
        measured_variable=MeasuredVariable.FLOW,
        strategy=ControlStrategy.FEEDBACK,
        sensor="FT-2",
        controller="FIC-2",
        final_element="FV-2",
        setpoint=Quantity(value=100, unit="mol/s"),
        master_loop="TIC-1",
    )
    primary = ControlLoop(
        id="TIC-1",
        measured_variable=MeasuredVariable.TEMPERATURE,
        strategy=ControlStrategy.CASCADE,
        sensor="TT-1",
        controller="TIC-1",
        secondary_loop="FIC-2",
        setpoint=Quantity(value=-20, unit="degC"),
    )
    alone = analyze_loops(
        base_flowsheet(), _instrumented([_temperature_loop()]), _steady_for_cooler(), LoopLimits()
    )
    both = analyze_loops(base_flowsheet(), _instrumented([primary, flow]), _steady_for_cooler(), LoopLimits())
    assert [o.result.loop_id for o in both] == ["TIC-1", "FIC-2"]
    assert "secondary FIC-2 adds" in both[0].result.messages[0]
    assert both[0].result.settling_time.value > alone[0].result.settling_time.value


def test_dwsim_backend_reports_unavailable(tmp_path):
    ok, reason = DwsimBackend(None).available()
    assert not ok and "no dwsim_path" in reason
    ok, reason = DwsimBackend(tmp_path).available()
    assert not ok and "DWSIM.Automation.dll not found" in reason
    result = DwsimBackend(tmp_path).simulate(base_flowsheet(), ValidationOptions(backend="dwsim"))
    assert not result.ran
    assert [i.code for i in result.issues] == ["backend_unavailable"]


def test_validator_with_dwsim_selected_is_skipped_not_passed():
    validator = FlowsheetValidator({"dwsim": DwsimBackend(None)}, ValidationOptions(backend="dwsim"))
    report = validator.validate(base_flowsheet())
    assert report.status is ValidationStatus.SKIPPED
    assert report.issues[0].code == "backend_unavailable"
    assert "DWSIM backend unavailable" in report.messages[0]
    missing = validator.validate(base_flowsheet(), options=ValidationOptions(backend="biosteam"))
    assert missing.status is ValidationStatus.SKIPPED
    assert "not configured" in missing.messages[0]
