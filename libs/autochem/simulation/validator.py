"""The validation a design gets: steady state (chosen backend) + control loops → one ``ValidationReport``.

Status:

* ``skipped``: nothing to validate (no PFD), or the selected backend is unavailable (the report says why);
* ``error``: the simulation could not run — structural errors, unknown chemicals, an impossible reaction,
  a unit the simulator rejected; the issues name the unit/stream/reaction and the reason;
* ``failed``: it ran, but something physical is wrong — mass not closed, recycle not converged, the
  design's own streams out of balance, a phase contradicting its conditions, a loop unstable or outside
  its limits (ERROR issues);
* ``passed_with_warnings``: deviations from the stated figures (WARNING issues), nothing wrong;
* ``passed``.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Protocol

from autochem.domain.design import Design, ValidationReport, ValidationStatus
from autochem.domain.flowsheet import Flowsheet
from autochem.domain.instrumentation import Instrumentation
from autochem.domain.issues import Issue, Severity
from autochem.domain.units import Quantity
from autochem.simulation.dynamics import analyze_loops
from autochem.simulation.options import ValidationOptions
from autochem.simulation.steady_state import SteadyStateResult

log = logging.getLogger(__name__)


class SteadyStateBackend(Protocol):
    name: str

    def available(self) -> tuple[bool, str]: ...

    def warm_up(self) -> None: ...

    def simulate(self, flowsheet: Flowsheet, options: ValidationOptions) -> SteadyStateResult: ...


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def _significant(value: float, digits: int = 6) -> float:
    return float(f"{value:.{digits}g}")


class FlowsheetValidator:
    """Holds the (warm) simulators; thread-safe (the BioSTEAM backend serializes its runs)."""

    def __init__(self, backends: Mapping[str, SteadyStateBackend], defaults: ValidationOptions | None = None):
        self.backends = dict(backends)
        self.defaults = defaults or ValidationOptions()

    def warm_up(self) -> None:
        backend = self.backends.get(self.defaults.backend)
        if backend is not None:
            started = time.perf_counter()
            ok, reason = backend.available()
            if not ok:  # serve anyway: every request then reports the backend unavailable
                log.warning("simulator %s unavailable: %s", backend.name, reason)
                return
            backend.warm_up()
            log.info("simulator %s warm in %.1f s", backend.name, time.perf_counter() - started)

    def validate_design(self, design: Design, options: ValidationOptions | None = None) -> ValidationReport:
        if design.pfd is None:
            return ValidationReport(
                status=ValidationStatus.SKIPPED,
                messages=["the design has no PFD yet: nothing to simulate"],
                validated_at=datetime.now(UTC),
            )
        return self.validate(
            design.pfd.flowsheet, design.pid.instrumentation if design.pid else None, options
        )

    def validate(
        self,
        flowsheet: Flowsheet,
        instrumentation: Instrumentation | None = None,
        options: ValidationOptions | None = None,
    ) -> ValidationReport:
        """Simulate and check; never raises for a flowsheet: an unexpected exception in the backend or the
        checks (a bug) becomes an ERROR report with an ``internal_error`` issue, and is logged."""
        options = options or self.defaults
        try:
            return self._validate(flowsheet, instrumentation, options)
        except Exception as exc:
            log.exception(
                "validation of a flowsheet (%d units, %d streams) failed unexpectedly",
                len(flowsheet.units),
                len(flowsheet.streams),
            )
            text = " ".join(str(exc).split())[:300]
            message = f"the validator failed unexpectedly: {type(exc).__name__}: {text}"
            return ValidationReport(
                status=ValidationStatus.ERROR,
                simulator=options.backend,
                messages=[message],
                issues=[
                    Issue(
                        severity=Severity.ERROR,
                        path="pfd.flowsheet",
                        code="internal_error",
                        message=message,
                        suggestion="this is a validator bug, not a design fault: report it with the design",
                    )
                ],
                validated_at=datetime.now(UTC),
            )

    def _validate(
        self,
        flowsheet: Flowsheet,
        instrumentation: Instrumentation | None,
        options: ValidationOptions,
    ) -> ValidationReport:
        started = time.perf_counter()
        backend = self.backends.get(options.backend)
        if backend is None:
            return ValidationReport(
                status=ValidationStatus.SKIPPED,
                simulator=options.backend,
                messages=[f"backend unavailable: {options.backend!r} is not configured in this service"],
                issues=[
                    Issue(
                        severity=Severity.INFO,
                        path="",
                        code="backend_unavailable",
                        message=f"backend {options.backend!r} is not configured",
                    )
                ],
                validated_at=datetime.now(UTC),
            )
        ok, reason = backend.available()
        if not ok:
            return ValidationReport(
                status=ValidationStatus.SKIPPED,
                simulator=backend.name,
                messages=[reason],
                issues=[Issue(severity=Severity.INFO, path="", code="backend_unavailable", message=reason)],
                validated_at=datetime.now(UTC),
            )
        steady = backend.simulate(flowsheet, options)
        issues = list(steady.issues)
        messages = list(steady.messages)
        loop_results = []
        loops_failed = False
        if instrumentation is not None and instrumentation.control_loops and options.run_dynamics:
            loop_started = time.perf_counter()
            outcomes = analyze_loops(flowsheet, instrumentation, steady, options.loop_limits)
            for outcome in outcomes:
                loop_results.append(outcome.result)
                issues.extend(outcome.issues)
                loops_failed |= not outcome.passed
            passed = sum(o.passed for o in outcomes)
            messages.append(
                f"control loops: {passed}/{len(outcomes)} within limits "
                f"({time.perf_counter() - loop_started:.2f} s)"
            )
        errors = any(i.severity in (Severity.ERROR, Severity.BLOCKING) for i in issues)
        warnings_ = any(i.severity is Severity.WARNING for i in issues)
        if not steady.ran:
            status = ValidationStatus.ERROR
        elif errors or loops_failed or steady.converged is False:
            status = ValidationStatus.FAILED
        elif warnings_:
            status = ValidationStatus.PASSED_WITH_WARNINGS
        else:
            status = ValidationStatus.PASSED
        messages.insert(
            0, f"steady state {'simulated' if steady.ran else 'not simulated'} in {steady.seconds:.2f} s"
        )
        messages.append(f"validation took {time.perf_counter() - started:.2f} s")
        severity_order = {Severity.BLOCKING: 0, Severity.ERROR: 1, Severity.WARNING: 2, Severity.INFO: 3}
        issues.sort(key=lambda i: severity_order[i.severity])
        return ValidationReport(
            status=status,
            simulator=steady.simulator or backend.name,
            converged=steady.converged,
            mass_balance_closure=_significant(steady.closure) if _finite(steady.closure) else None,
            unit_mass_balance_closure={
                tag: _significant(state.closure)
                for tag, state in steady.units.items()
                if _finite(state.closure)
            },
            energy_duties={
                tag: Quantity(value=_significant(w / 1e6, 5), unit="MW")
                for tag, w in steady.duties_w.items()
                if _finite(w)
            },
            loop_results=loop_results,
            messages=messages,
            issues=issues,
            validated_at=datetime.now(UTC),
        )


def default_validator(
    dwsim_path: str | None = None, defaults: ValidationOptions | None = None
) -> FlowsheetValidator:
    """BioSTEAM (embedded) and DWSIM (where installed at ``dwsim_path``)."""
    from autochem.simulation.dwsim import DwsimBackend
    from autochem.simulation.steady_state import BioSteamSimulator

    return FlowsheetValidator(
        {"biosteam": BioSteamSimulator(), "dwsim": DwsimBackend(dwsim_path)}, defaults=defaults
    )
