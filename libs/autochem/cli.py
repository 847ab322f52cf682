"""The `autochem` command line: the local stack and the main job."""

from __future__ import annotations

import asyncio
import sys
import time

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


@app.command("run-main")
def run_main() -> None:
    """The main job on embedded defaults: stack up, the end-to-end path that exists, stack down.

    Until the design loop exists (issue 5) the path is the reference design's round trip through the
    artifact store, the real broker and the exactly-once archive consumer.
    """
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
    try:
        with console.status("starting the local stack"):
            stack.up(progress=_say)
        kg_rows = _build_graph_via_stack()
        with console.status("reference design round trip"):
            report = run_reference_round_trip(job_settings, progress=_say)
        with console.status("asking the services about the reference design"):
            service_rows = asyncio.run(_service_rows(report.chemical))
    except (RuntimeError, TimeoutError, grpc.RpcError) as exc:
        console.print(f"[red]main job failed:[/red] {exc}")
        raise typer.Exit(1) from exc
    finally:
        stack.down(progress=_say)
    table = Table("what", "result", title=f"main job: {report.chemical}")
    table.add_row("design", report.design_id)
    table.add_row("referential validation", f"{report.validation_issues} issues")
    table.add_row("proto round trip", "lossless" if report.proto_round_trip_lossless else "[red]LOSSY[/red]")
    table.add_row(
        "artifact",
        f"{report.artifact.uri} ({report.artifact.size_bytes} B, sha256 {report.artifact.sha256[:12]}…)",
    )
    table.add_row("event", f"designs.completed partition {report.partition} offset {report.offset}")
    a = report.archived
    table.add_row(
        "archived",
        f"{a['units']} units, {a['streams']} streams, {a['instruments']} instruments, "
        f"{a['control_loops']} loops at {a['archived_at']}",
    )
    table.add_row("consumer", f"{report.outcome}: {report.consumer_stats}")
    table.add_row("round-trip time", f"{report.seconds:.1f} s (stack start/stop not counted)")
    for name, value in [*kg_rows, *service_rows]:
        table.add_row(name, value)
    console.print(table)
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
    """What the running services say: slm-inference describes the process, critique reviews the design."""
    from autochem.domain.examples import reference_designs
    from autochem.jobs.service_checks import critique_via_service, describe_via_service
    from autochem.stack.registry import existing_services

    running = {s.name for s in existing_services()}
    rows: list[tuple[str, str]] = []
    if "slm-inference" in running:
        started = time.monotonic()
        _say("slm-inference: generating a short process description")
        reply = await describe_via_service(chemical)
        rate = reply.completion_tokens / max(time.monotonic() - started, 1e-9)
        rows.append(
            ("slm-inference", f"{reply.model_version}, {reply.completion_tokens} tokens, {rate:.1f} tok/s")
        )
        rows.append(("model says", reply.text.strip()))
    if "critique" in running:
        # The language-model steps take minutes per design on a laptop CPU: the first design gets them,
        # the other four the engineering rules only.
        _say("critique: rules on 5 reference designs; LLM review and judge scores on the first")
        for index, (name, design) in enumerate(reference_designs().items()):
            c = await critique_via_service(design, use_models=index == 0)
            scores = ", ".join(f"{k} {v:.1f}" for k, v in sorted(c.scores.items())) or "no judge scores"
            counts = ", ".join(f"{v} {k}" for k, v in c.counts.items() if v) or "no issues"
            rows.append(
                (f"critique: {name}", f"{'BLOCKING' if c.blocking else 'not blocking'}; {counts}; {scores}")
            )
            if index == 0:
                rows.extend((f"  {name} issue", text) for text in c.top_issues)
    return rows


def main() -> None:
    app()


if __name__ == "__main__":
    main()
