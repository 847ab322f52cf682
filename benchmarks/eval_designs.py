"""End-to-end design evaluation: the closed loop on corpus and held-out chemicals, with and without
Graph RAG, on the local SLM, in this process (the same loop the designer service runs).

    .venv/bin/python benchmarks/eval_designs.py [--corpus 5] [--heldout 5] [--no-llm] [--out results/eval]

Per chemical and mode it reports: whether the design completed (or the error naming what was missing),
rounds used, critique issues before/after, simulation status, mass closure, loops stable, and a
fact-recall score — the share of the chemical's key facts (held-out set: `key_facts` with keywords;
corpus: none, so n/a) whose keywords all appear in the design's prose and structure. Each completed design
is written as a report (design.json, pfd.svg, pid.svg, report.md) under --out.

The graph is the one `autochem kg build` wrote (built here first when missing). The held-out chemicals are
not in it: their "with Graph RAG" run retrieves whatever the corpus offers, which measures what retrieval
of *related* knowledge adds. With --index-heldout a scratch graph under --out also indexes the held-out
documents, which measures what retrieval from an indexed source adds (key-fact recall with vs without).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path

from autochem.designer.loop import DesignConstraints
from autochem.designer.wiring import local_design_loop
from autochem.errors import AutoChemError
from autochem.knowledge.corpus import load_corpus, load_heldout
from autochem.knowledge.factory import KnowledgeSettings
from autochem.rendering import write_design_report
from autochem.stack.local import StackSettings


def design_text(design) -> str:
    parts = []
    if design.process_context is not None:
        c = design.process_context
        parts += [c.summary, c.route, *c.reactions, *c.conditions]
    if design.pfd is not None:
        parts.append(design.pfd.description)
        fs = design.pfd.flowsheet
        parts += [f"{u.name or ''} {u.type.value} {u.description}" for u in fs.units]
        parts += [c.name for c in fs.components]
        parts += [r.name or r.id for r in fs.reactions]
    if design.pid is not None:
        parts.append(design.pid.description)
    return " ".join(p for p in parts if p).casefold().replace("_", " ")


def fact_recall(design, key_facts) -> tuple[int, int]:
    text = design_text(design)
    found = sum(1 for f in key_facts if all(k.casefold() in text for k in f.keywords))
    return found, len(key_facts)


async def run(args) -> dict:
    corpus = load_corpus()[: args.corpus]
    heldout = load_heldout()[: args.heldout]
    from autochem.jobs.kg_jobs import build_in_process, corpus_documents

    if args.index_heldout:
        # An experiment, not the default: a scratch graph that also holds the held-out documents, so the
        # "with Graph RAG" runs show what retrieval from an indexed source gives the loop.
        settings = KnowledgeSettings(ladybug_path=Path(args.out) / "graph-with-heldout.lbug")
        print("building a scratch graph with the held-out documents indexed…", file=sys.stderr)
        await build_in_process(settings, corpus_documents(include_heldout=True))
    else:
        settings = KnowledgeSettings(ladybug_path=StackSettings().state_dir / "kg" / "graph.lbug")
        if not settings.ladybug_path.exists():
            print("building the knowledge graph first (autochem kg build)…", file=sys.stderr)
            await build_in_process(settings, corpus_documents())
    local = await local_design_loop(settings.ladybug_path, use_llm=not args.no_llm)
    loop = local.loop

    rows = []
    cases = [(d, "corpus") for d in corpus] + [(d, "heldout") for d in heldout]
    for doc, kind in cases:
        for mode in ("with_rag", "without_rag"):
            constraints = DesignConstraints(skip_retrieval=mode == "without_rag")
            started = time.perf_counter()
            row = {"chemical": doc.name, "set": kind, "mode": mode}
            try:
                outcome = await loop.design(doc.name, constraints)
            except AutoChemError as exc:
                row.update(completed=False, error=f"{type(exc).__name__}: {exc}"[:300])
                rows.append(row)
                print(json.dumps(row), flush=True)
                continue
            d = outcome.design
            critiques = [r for r in outcome.rounds if r.stage == "critique"]
            v = d.validation
            loops = v.loop_results if v else []
            key_facts = getattr(doc, "key_facts", None) or []
            found, total = fact_recall(d, key_facts) if key_facts else (None, None)
            paths = write_design_report(
                d, Path(args.out) / mode / doc.slug, assumptions=outcome.assumptions, notes=outcome.notes
            )
            row.update(
                completed=True,
                seconds=round(time.perf_counter() - started, 1),
                confidence=outcome.confidence,
                units=len(d.pfd.flowsheet.units),
                streams=len(d.pfd.flowsheet.streams),
                loops=len(d.pid.instrumentation.control_loops),
                critique_rounds=len(critiques),
                issues_before=_issues(critiques[0].counts) if critiques else None,
                issues_after=_issues(critiques[-1].counts) if critiques else None,
                simulation=v.status.value if v else "none",
                mass_closure=round(v.mass_balance_closure, 5) if v and v.mass_balance_closure else None,
                loops_stable=f"{sum(1 for lr in loops if lr.stable)}/{len(loops)}",
                fact_recall=f"{found}/{total}" if total else "n/a",
                stage_seconds={k: round(s, 2) for k, s in outcome.stage_seconds.items()},
                notes=outcome.notes,
                report=str(paths.report_md),
            )
            rows.append(row)
            print(json.dumps(row), flush=True)
    await local.close()
    return {"rows": rows, "summary": summarize(rows)}


def _issues(counts: dict) -> str:
    return f"{counts.get('blocking', 0) + counts.get('error', 0)}E/{counts.get('warning', 0)}W/{counts.get('info', 0)}I"


def summarize(rows) -> dict:
    out = {}
    for kind in ("corpus", "heldout"):
        for mode in ("with_rag", "without_rag"):
            sel = [r for r in rows if r["set"] == kind and r["mode"] == mode]
            done = [r for r in sel if r.get("completed")]
            recall = [r["fact_recall"] for r in done if r.get("fact_recall") not in (None, "n/a")]
            found = sum(int(x.split("/")[0]) for x in recall)
            total = sum(int(x.split("/")[1]) for x in recall)
            out[f"{kind}/{mode}"] = {
                "completed": f"{len(done)}/{len(sel)}",
                "passed_simulation": sum(
                    1 for r in done if r["simulation"] in ("passed", "passed_with_warnings")
                ),
                "fact_recall": f"{found}/{total}" if total else "n/a",
            }
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=int, default=5, help="corpus chemicals to design")
    ap.add_argument("--heldout", type=int, default=5, help="held-out chemicals to design")
    ap.add_argument("--no-llm", action="store_true", help="extractive prose (no language model)")
    ap.add_argument("--out", default="results/eval", help="where reports and eval.json go")
    ap.add_argument(
        "--index-heldout",
        action="store_true",
        help="design against a scratch graph that also indexes the held-out documents (default: the corpus "
        "graph, where held-out chemicals are absent)",
    )
    args = ap.parse_args()
    Path(args.out).mkdir(parents=True, exist_ok=True)
    result = asyncio.run(run(args))
    (Path(args.out) / "eval.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result["summary"], indent=2))


if __name__ == "__main__":
    main()
