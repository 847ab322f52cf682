"""Validate the five reference designs and time a 15-unit flowsheet: ``python -m autochem.simulation``.

Prints, per reference design, the status, convergence, overall and worst per-unit mass closure, the loop
results and the issues; then the validation time of the 15-unit example (median of five runs after the
simulator is warm; the one-off warm-up is printed separately).
"""

from __future__ import annotations

import statistics
import sys
import time

from autochem.domain.examples import reference_designs
from autochem.simulation.examples import fifteen_unit_flowsheet
from autochem.simulation.validator import default_validator


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    started = time.perf_counter()
    validator = default_validator()
    validator.warm_up()
    print(f"simulator warm-up (import + JIT): {time.perf_counter() - started:.1f} s")
    for name, design in reference_designs().items():
        t0 = time.perf_counter()
        report = validator.validate_design(design)
        seconds = time.perf_counter() - t0
        worst = max((abs(c - 1) for c in report.unit_mass_balance_closure.values()), default=float("nan"))
        passed = sum(1 for lr in report.loop_results if lr.messages and lr.messages[-1] == "PASS")
        stable = sum(1 for lr in report.loop_results if lr.stable)
        counts = {s: sum(1 for i in report.issues if i.severity.value == s) for s in ("error", "warning")}
        print(
            f"\n{name}: {report.status.value}; converged {report.converged}; closure "
            f"{report.mass_balance_closure:.6f} (|1-c| {abs(report.mass_balance_closure - 1):.1e}); worst unit "
            f"|1-c| {worst:.1e}; loops {stable}/{len(report.loop_results)} stable, {passed} within limits; "
            f"{counts['error']} errors, {counts['warning']} warnings; {seconds:.2f} s"
        )
        for lr in report.loop_results:
            ts = f"{lr.settling_time.value:.0f} s" if lr.settling_time else "-"
            print(
                f"  {lr.loop_id:10} stable={lr.stable} overshoot={lr.overshoot:.1%} settling={ts} "
                f"IAE={lr.iae:.4g} {lr.messages[-1]}"
            )
            if verbose:
                for message in lr.messages[:-1]:
                    print(f"      {message}")
        for issue in report.issues:
            print(f"  {issue.severity.value:7} {issue.code}: {issue.path}: {issue.message}")
    flowsheet = fifteen_unit_flowsheet()
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        report = validator.validate(flowsheet)
        times.append(time.perf_counter() - t0)
    print(
        f"\n15-unit flowsheet ({len(flowsheet.units)} units, {len(flowsheet.streams)} streams, one recycle): "
        f"{report.status.value}, closure {report.mass_balance_closure:.6f}; validation time median "
        f"{statistics.median(times):.3f} s (min {min(times):.3f}, max {max(times):.3f}) over 5 runs"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
