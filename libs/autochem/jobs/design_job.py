"""`autochem design`: one design through the designer service, written out as a readable report.

The designer streams stage updates (fed to the CLI's progress bar); the final response becomes a folder
``<out>/<chemical-slug>/`` with ``design.json``, ``pfd.svg``, ``pid.svg``, ``report.md`` (rendering) and
``run.json`` (rounds, notes, stage timings, assumptions: what the loop did to get there).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from google.protobuf.json_format import MessageToDict

from autochem.domain import Design, design_from_proto
from autochem.rendering import ReportPaths, write_design_report
from autochem.rpc import make_channel
from autochem.v1 import common_pb2, designer_pb2, designer_pb2_grpc

UpdateFn = Callable[[designer_pb2.DesignUpdate], None]


@dataclass
class DesignFiles:
    report: ReportPaths
    run_json: Path
    design: Design
    response: designer_pb2.DesignResponse


def design_request(
    chemical: str,
    *,
    production_t_per_day: float | None = None,
    focus: str = "",
    skip_retrieval: bool = False,
    test_time_scaling: bool = False,
    llm_critique: bool = False,
    max_critique_rounds: int | None = None,
) -> designer_pb2.DesignRequest:
    constraints = designer_pb2.DesignConstraints(
        focus=focus,
        skip_retrieval=skip_retrieval,
        test_time_scaling=test_time_scaling,
        llm_critique=llm_critique,
    )
    if production_t_per_day is not None:
        constraints.production_rate.CopyFrom(common_pb2.Quantity(value=production_t_per_day, unit="t/d"))
    if max_critique_rounds is not None:
        constraints.max_critique_rounds = max_critique_rounds
    return designer_pb2.DesignRequest(chemical=chemical, constraints=constraints)


async def design_via_service(
    target: str,
    request: designer_pb2.DesignRequest,
    on_update: UpdateFn | None = None,
    *,
    timeout_s: float = 3600.0,
) -> designer_pb2.DesignResponse:
    """DesignProcessStream: every update to ``on_update``; the final response is returned."""
    async with make_channel(target, max_message_bytes=64 << 20) as channel:
        stub = designer_pb2_grpc.DesignerStub(channel)
        result = None
        async for update in stub.DesignProcessStream(request, timeout=timeout_s):
            if on_update is not None:
                on_update(update)
            if update.HasField("result"):
                result = update.result
        if result is None:
            raise RuntimeError("the designer's stream ended without a result")
        return result


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")[:60] or "design"


def write_outputs(response: designer_pb2.DesignResponse, out_dir: str | Path) -> DesignFiles:
    design = design_from_proto(response.design)
    folder = Path(out_dir) / slug(design.chemical)
    report = write_design_report(
        design, folder, assumptions=list(response.assumptions), notes=list(response.notes)
    )
    record = MessageToDict(response, preserving_proto_field_name=True)
    record.pop("design", None)  # design.json has it
    run_json = folder / "run.json"
    run_json.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return DesignFiles(report, run_json, design, response)


def summary_rows(files: DesignFiles) -> list[tuple[str, str]]:
    """What a person wants to know about a finished design, as (what, result) rows."""
    r, d = files.response, files.design
    fs = d.pfd.flowsheet if d.pfd else None
    ins = d.pid.instrumentation if d.pid else None
    rows = [
        ("design", f"{d.id} v{r.version} ({r.confidence} confidence)"),
        ("model", r.model_version or "none (extractive prose)"),
        ("retrieval", "Graph RAG context used" if r.retrieval_used else "no retrieval"),
    ]
    if fs is not None:
        rows.append(
            ("PFD", f"{len(fs.units)} units, {len(fs.streams)} streams, {len(fs.reactions)} reactions")
        )
    if ins is not None:
        rows.append(
            (
                "P&ID",
                f"{len(ins.instruments)} instruments, {len(ins.control_loops)} loops, "
                f"{len(ins.relief_valves)} relief valves",
            )
        )
    for rd in r.rounds:
        c = rd.counts
        text = f"{c.blocking} blocking, {c.error} error, {c.warning} warning, {c.info} info"
        if rd.status:
            text = f"{rd.status}; " + text
        if rd.fixed:
            text += f"; then {'; '.join(rd.fixed)}"
        rows.append((f"{rd.stage} round {rd.round}", text))
    v = d.validation
    if v is not None:
        closure = f"{v.mass_balance_closure:.4f}" if v.mass_balance_closure is not None else "n/a"
        stable = sum(1 for lr in v.loop_results if lr.stable)
        rows.append(
            (
                "validation",
                f"{v.status.value}; mass closure {closure}; {stable}/{len(v.loop_results)} loops stable",
            )
        )
    timings = ", ".join(f"{k} {v:.1f} s" for k, v in r.stage_seconds.items())
    rows.append(("stage timings", timings))
    rows.extend(("note", n) for n in r.notes)
    rows.append(("report", str(files.report.report_md)))
    return rows
