"""Design-loop latency: per stage (retrieve, generate, structure, critique, validate) and total for one
design, side by side with the baseline of plain generation (the same three prose parts from the same model,
no retrieval, structure, critique or validation), in one run; and the validation time of a 15-unit
flowsheet, side by side with the validation of a small (mixer-reactor-cooler) flowsheet.

    .venv/bin/python benchmarks/bench_design.py [--chemical "nitric acid"] [--repeats 2] [--no-llm]

Everything runs in this process on the embedded defaults (llama.cpp on the SmolLM2 GGUF, the graph that
`autochem kg build` wrote, BioSTEAM), warmed before timing. Reported as seconds and ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time

from autochem.designer.loop import PROSE_PARTS, DesignConstraints
from autochem.designer.prompts import part_messages
from autochem.designer.wiring import local_design_loop
from autochem.inference.api import GenerationRequest, SamplingParams
from autochem.knowledge.factory import KnowledgeSettings
from autochem.stack.local import StackSettings


async def main_async(args) -> dict:
    graph = StackSettings().state_dir / "kg" / "graph.lbug"
    if not graph.exists():
        from autochem.jobs.kg_jobs import build_in_process, corpus_documents

        await build_in_process(KnowledgeSettings(ladybug_path=graph), corpus_documents())
    local = await local_design_loop(graph, use_llm=not args.no_llm)
    loop, llm, simulator = local.loop, local.llm, local.simulator
    from autochem.simulation.examples import base_flowsheet, fifteen_unit_flowsheet

    await loop.design(args.chemical)  # warm-up: caches, first-call imports

    runs = []
    for _ in range(args.repeats):
        outcome = await loop.design(args.chemical, DesignConstraints())
        runs.append(outcome.stage_seconds)
    stages = sorted({k for r in runs for k in r})
    median = {k: round(statistics.median(r.get(k, 0.0) for r in runs), 3) for k in stages}

    baseline_s = None
    if llm is not None:
        times = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            for part in PROSE_PARTS:
                await llm.generate(
                    GenerationRequest(
                        messages=part_messages(part, args.chemical, ""),
                        params=SamplingParams(max_new_tokens=loop.settings.max_new_tokens, temperature=0.0),
                    )
                )
            times.append(time.perf_counter() - t0)
        baseline_s = round(statistics.median(times), 3)

    flowsheet, small = fifteen_unit_flowsheet(), base_flowsheet()
    full, steady = [], []
    for _ in range(max(args.repeats, 3)):
        t0 = time.perf_counter()
        report = simulator.validate(flowsheet)
        full.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        simulator.validate(small)
        steady.append(time.perf_counter() - t0)
    await local.close()
    result = {
        "chemical": args.chemical,
        "repeats": args.repeats,
        "design_stage_seconds_median": median,
        "baseline_plain_generation_s": baseline_s,
        "design_total_vs_plain_generation": round(median["total"] / baseline_s, 2) if baseline_s else None,
        "validation_15_units": {
            "units": len(flowsheet.units),
            "status": report.status.value,
            "validation_s": round(statistics.median(full), 3),
            "baseline_small_flowsheet_units": len(small.units),
            "baseline_small_flowsheet_s": round(statistics.median(steady), 3),
            "ratio_vs_small_flowsheet": round(statistics.median(full) / statistics.median(steady), 2),
        },
    }
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--chemical", default="nitric acid")
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument(
        "--no-llm", action="store_true", help="extractive prose: times the loop without the model"
    )
    args = ap.parse_args()
    print(json.dumps(asyncio.run(main_async(args)), indent=2))


if __name__ == "__main__":
    main()
