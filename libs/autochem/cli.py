"""The `autochem` command line: the local stack and the main job."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import grpc
import typer
from rich.console import Console
from rich.table import Table

from autochem.stack.local import LocalStack, StackSettings, tail

app = typer.Typer(add_completion=False, no_args_is_help=True, help="AutoChem: design chemical processes.")
console = Console()


def _stack() -> LocalStack:
    return LocalStack(StackSettings())


def _say(msg: str) -> None:
    console.print(f"[cyan]•[/cyan] {msg}")


@app.command()
def up() -> None:
    """Start the Kafka-protocol broker, create the topics and start every service that exists."""
    try:
        started = _stack().up(progress=_say)
    except RuntimeError as exc:
        console.print(f"[red]up failed:[/red] {exc}")
        raise typer.Exit(1) from exc
    console.print(f"[green]stack up[/green]: {', '.join(p.name for p in started)}")


@app.command()
def down() -> None:
    """Stop exactly the processes `up` started."""
    results = _stack().down(progress=_say)
    if not results:
        console.print("nothing was running")


@app.command()
def status() -> None:
    """Each component's process and gRPC health."""
    rows = _stack().status()
    table = Table("component", "pid", "process", "endpoint", "health")
    for r in rows:
        colour = "green" if r.health in ("SERVING", "LISTENING") else "red"
        table.add_row(
            r.name,
            str(r.pid or "-"),
            "running" if r.running else "stopped",
            r.endpoint,
            f"[{colour}]{r.health}[/{colour}]",
        )
    console.print(table)
    if not all(r.running for r in rows):
        raise typer.Exit(3)


@app.command()
def logs(
    name: str = typer.Argument("broker", help="broker or a service name"),
    lines: int = typer.Option(50, "-n", "--lines", min=1, help="how many lines from the end"),
    follow: bool = typer.Option(False, "-f", "--follow", help="keep printing new lines"),
) -> None:
    """Show a component's log."""
    path = _stack().log_path(name)
    if not path.exists():
        console.print(f"[red]no log for {name!r}[/red] at {path}")
        raise typer.Exit(2)
    sys.stdout.write(tail(path, lines))
    if follow:
        with open(path, errors="replace") as fh:
            fh.seek(0, 2)
            try:
                while True:
                    line = fh.readline()
                    if line:
                        sys.stdout.write(line)
                        sys.stdout.flush()
                    else:
                        time.sleep(0.2)
            except KeyboardInterrupt:
                pass


kg_app = typer.Typer(no_args_is_help=True, help="Build and query the knowledge graph.")
app.add_typer(kg_app, name="kg")


def _knowledge_settings():
    from autochem.knowledge.factory import KnowledgeSettings

    state_dir = StackSettings().state_dir
    return KnowledgeSettings(ladybug_path=state_dir / "kg" / "graph.lbug")


def _progress_bar():
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("{task.description:>14}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    )


@kg_app.command("build")
def kg_build(
    target: str = typer.Option("", help="host:port of a running kg-builder; empty builds in this process"),
    heldout: bool = typer.Option(False, help="also index the held-out evaluation chemicals (off by default)"),
) -> None:
    """Build (or incrementally update) the knowledge graph from the bundled ChemAtlas corpus."""
    from autochem.errors import AutoChemError
    from autochem.jobs.kg_jobs import build_in_process, build_via_service, corpus_documents

    docs = corpus_documents(include_heldout=heldout)
    with _progress_bar() as bar:
        tasks: dict[str, int] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=max(total, 1))
            bar.update(tasks[stage], completed=done, total=max(total, 1))

        try:
            if target:
                report = asyncio.run(build_via_service(target, docs, progress))
            else:
                report = asyncio.run(build_in_process(_knowledge_settings(), docs, progress))
        except (AutoChemError, grpc.RpcError) as exc:
            console.print(f"[red]kg build failed:[/red] {exc}")
            raise typer.Exit(1) from exc
    console.print(
        f"[green]graph {report.graph_version}[/green]: {len(report.added)} added, {len(report.changed)} changed, "
        f"{len(report.unchanged)} unchanged, {report.chunks_processed} chunks, +{report.entities_added} entities, "
        f"+{report.relations_added} relations, {report.communities_resummarized}/{report.communities_total} communities summarized"
    )


@kg_app.command("query")
def kg_query(
    query: str = typer.Argument(..., help="a question about a chemical process"),
    target: str = typer.Option("", help="host:port of a running kg-builder; empty reads the local graph"),
    k: int = typer.Option(5, "-k", min=1, max=100, help="communities to rank"),
    chunks: int = typer.Option(5, min=1, max=100, help="source chunks to return"),
    as_json: bool = typer.Option(False, "--json", help="print the context as JSON"),
) -> None:
    """Graph RAG retrieval: the cited context for QUERY."""
    from autochem.errors import AutoChemError
    from autochem.jobs.kg_jobs import query_in_process, query_via_service
    from autochem.knowledge.service import context_to_proto

    try:
        if target:
            resp = asyncio.run(query_via_service(target, query, top_k=k, max_chunks=chunks))
        else:
            resp = context_to_proto(
                query_in_process(_knowledge_settings(), query, top_k=k, max_chunks=chunks)
            )
    except (AutoChemError, grpc.RpcError) as exc:
        console.print(f"[red]kg query failed:[/red] {exc}")
        raise typer.Exit(1) from exc
    if as_json:
        from google.protobuf.json_format import MessageToJson

        print(MessageToJson(resp))
        return
    console.print(resp.context)
    console.print("[bold]Citations[/bold]")
    for c in resp.citations:
        console.print(f"  [{c.index}] {c.title} — {c.source_url}")


@app.command("design")
def design(
    chemical: str = typer.Argument(..., help='the chemical to design a process for, e.g. "nitric acid"'),
    out: Path = typer.Option(Path("results"), help="folder for the report (a sub-folder per chemical)"),
    target: str = typer.Option("", help="host:port of the designer; empty: the local stack's designer"),
    production: float | None = typer.Option(None, help="production rate in t/d (default: the designer's)"),
    focus: str = typer.Option("", help="aspect to stress, e.g. 'low NOx emissions'"),
    no_retrieval: bool = typer.Option(False, help="design without the knowledge graph"),
    tts: bool = typer.Option(False, help="draft the prose with test-time scaling (slower)"),
    llm_critique: bool = typer.Option(False, help="add the LLM review and judge scores to the critique"),
) -> None:
    """Design a process for CHEMICAL through the designer service; write design.json, pfd.svg, pid.svg,
    report.md and run.json under OUT/<chemical>/."""
    files = _design_with_progress(
        chemical,
        out,
        target,
        production=production,
        focus=focus,
        skip_retrieval=no_retrieval,
        test_time_scaling=tts,
        llm_critique=llm_critique,
    )
    _print_design_summary(files)


def _design_with_progress(chemical: str, out: Path, target: str = "", **options):
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from autochem.jobs.design_job import design_request, design_via_service, write_outputs
    from autochem.stack.registry import by_name

    target = target or f"127.0.0.1:{by_name('designer').grpc_port}"
    production = options.pop("production", None)
    request = design_request(chemical, production_t_per_day=production, **options)
    columns = (
        TextColumn("{task.description:<48}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console) as bar:
        task = bar.add_task(f"designing {chemical}", total=1.0)

        def on_update(update) -> None:
            bar.update(task, completed=update.fraction, description=f"{update.stage}: {update.message}"[:48])

        try:
            response = asyncio.run(design_via_service(target, request, on_update))
        except grpc.RpcError as exc:
            console.print(f"[red]design failed:[/red] {exc.code().name}: {exc.details()}")  # type: ignore[attr-defined]
            raise typer.Exit(1) from exc
    return write_outputs(response, out)


def _print_design_summary(files) -> None:
    from autochem.jobs.design_job import summary_rows

    table = Table("what", "result", title=f"design: {files.design.chemical}")
    for name, value in summary_rows(files):
        table.add_row(name, value)
    console.print(table)


@app.command("run-main")
def run_main(
    chemical: str = typer.Option("nitric acid", help="the chemical the main job designs"),
    out: Path = typer.Option(Path("results"), help="where the design report is written"),
) -> None:
    """The main job on embedded defaults: stack up → knowledge graph from the corpus → research → one
    design end to end (report written) → the bus's exactly-once archive → stack down."""
    from autochem.config import KafkaSettings, ServiceSettings
    from autochem.jobs.design_archive import run_reference_round_trip

    stack = _stack()
    if stack.running():
        console.print("[red]a local stack is already up[/red]; run `autochem down` first")
        raise typer.Exit(1)
    job_settings = ServiceSettings(
        service_name="main-job",
        log_json=False,
        state_dir=stack.settings.state_dir,
        kafka=KafkaSettings(bootstrap_servers=stack.bootstrap_servers),
    )
    files = None
    try:
        with console.status("starting the local stack"):
            stack.up(progress=_say)
        kg_rows = _build_graph_via_stack()
        with console.status("web-agents: researching"):
            service_rows = asyncio.run(_service_rows(chemical))
        _say(f"designer: designing {chemical} (retrieve → generate → structure → critique → validate)")
        files = _design_with_progress(chemical, out)
        with console.status("event bus: exactly-once archive of the reference design"):
            report = run_reference_round_trip(job_settings, progress=_say)
    except (RuntimeError, TimeoutError, grpc.RpcError) as exc:
        console.print(f"[red]main job failed:[/red] {exc}")
        raise typer.Exit(1) from exc
    finally:
        stack.down(progress=_say)
    table = Table("what", "result", title="main job: the stack")
    for name, value in [*kg_rows, *service_rows]:
        table.add_row(name, value)
    a = report.archived
    table.add_row(
        "event bus",
        f"reference design ({report.chemical}) → artifact store → designs.completed partition {report.partition} "
        f"offset {report.offset} → archived exactly once ({a['units']} units, {a['control_loops']} loops; "
        f"{report.outcome}); proto round trip {'lossless' if report.proto_round_trip_lossless else 'LOSSY'}",
    )
    console.print(table)
    _print_design_summary(files)
    console.print(f"[green]report:[/green] {files.report.report_md}  (diagrams: {files.report.pfd_svg.name}, "
                  f"{files.report.pid_svg.name}; data: {files.report.design_json.name}, {files.run_json.name})")  # fmt: skip
    if report.validation_issues or not report.proto_round_trip_lossless:
        raise typer.Exit(1)


def _build_graph_via_stack() -> list[tuple[str, str]]:
    """Build the knowledge graph from the corpus through the running kg-builder, then ask it one question."""
    from autochem.jobs.kg_jobs import build_via_service, corpus_documents, query_via_service
    from autochem.stack.registry import by_name, existing_services

    if "kg-builder" not in {s.name for s in existing_services()}:
        return []
    target = f"127.0.0.1:{by_name('kg-builder').grpc_port}"
    docs = corpus_documents()
    with _progress_bar() as bar:
        tasks: dict[str, int] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=max(total, 1))
            bar.update(tasks[stage], completed=done, total=max(total, 1))

        t0 = time.perf_counter()
        report = asyncio.run(build_via_service(target, docs, progress))
        seconds = time.perf_counter() - t0
    question = "What catalyst and conditions oxidize ammonia in a nitric acid plant?"
    answer = asyncio.run(query_via_service(target, question))
    top = answer.chunks[0] if answer.chunks else None
    return [
        (
            "knowledge graph",
            f"{len(docs)} corpus documents ({len(report.added)} added, {len(report.changed)} changed, "
            f"{len(report.unchanged)} unchanged) → +{report.entities_added} entities, +{report.relations_added} relations, "
            f"{report.communities_resummarized}/{report.communities_total} communities summarized in {seconds:.0f} s",
        ),
        (
            "graph RAG",
            f"{question!r} → {len(answer.chunks)} chunks, {len(answer.facts)} cited facts; top: "
            f"{top.title + ' / ' + top.section if top else 'nothing'}",
        ),
    ]


async def _service_rows(chemical: str) -> list[tuple[str, str]]:
    """What web-agents finds about the chemical: routed subtasks, harvested documents, judged rounds."""
    from autochem.jobs.service_checks import research_via_service
    from autochem.stack.registry import existing_services

    rows: list[tuple[str, str]] = []
    if "web-agents" not in {s.name for s in existing_services()}:
        return rows
    started = time.monotonic()
    research = await research_via_service(chemical)
    routed = ", ".join(f"{s.id}→{s.expert}" for s in research.subtasks)
    synthesized = "/".join(sorted({s.synthesized_by for s in research.subtasks}))
    best = research.rounds[research.final_round] if research.rounds else None
    judged = (
        f"{len(research.rounds)} judged round(s), final round {research.final_round} "
        f"(weakest {best.weakest_attribute} {best.weakest_score:.1f})"
        if best
        else "not judged"
    )
    rows.append(
        (
            "web-agents",
            f"{len(research.subtasks)} subtasks ({routed}); {len(research.documents)} documents harvested into "
            f"the artifact store; answers by {synthesized}; {judged}; {time.monotonic() - started:.0f} s",
        )
    )
    rows.extend(("  research degraded", note) for note in research.degraded[:3])
    return rows


def main() -> None:
    app()


if __name__ == "__main__":
    main()
