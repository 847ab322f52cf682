"""The readable report of a design: Markdown with the PFD and P&ID embedded, and the files on disk.

Every piece of design text goes through :func:`md_text` (prose) or :func:`md_cell` (table cells), which
neutralize Markdown and HTML: ``<script>`` stays text, ``a|b`` stays in its cell, a name starting with
``#`` does not become a heading.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePath
from typing import NamedTuple
from urllib.parse import quote

from autochem.domain.design import Design
from autochem.domain.flowsheet import Composition
from autochem.domain.issues import Issue
from autochem.domain.units import Quantity
from autochem.rendering.pfd import render_pfd_svg
from autochem.rendering.pid import render_pid_svg
from autochem.rendering.svg import fmt_number, fmt_quantity, one_line

# Characters that start emphasis, code, links, tables or strike-through anywhere in a line; the ones that
# only matter at the start of a line (headings, lists, quotes) are handled by _LINE_START.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_LINE_START = re.compile(r"^(\s*)(?:([-+=#])(?=\s|$)|(\d{1,9})([.)])(?=\s|$))")


def md_text(value: object) -> str:
    """``value`` as inline Markdown text that renders literally (one line)."""
    s = one_line(value)
    s = _MD_SPECIAL.sub(r"\\\1", s)
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _LINE_START.sub(lambda m: m[1] + ("\\" + m[2] if m[2] else m[3] + "\\" + m[4]), s)
    return s


def md_cell(value: object) -> str:
    """``value`` for a Markdown table cell (pipes and line breaks cannot end the cell or the row)."""
    s = md_text(value)
    return s if s else " "


def _q(quantity: Quantity | None) -> str:
    return md_cell(fmt_quantity(quantity)) if quantity is not None else "—"


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    for row in rows:
        out.append("| " + " | ".join(row) + " |")
    return out


def _link(path: str | PurePath) -> str:
    text = PurePath(path).as_posix() if not isinstance(path, str) else path.replace(os.sep, "/")
    return quote(text, safe="/:.-_~")


def _composition(comp: Composition | None, top: int = 3) -> str:
    if comp is None:
        return "—"
    items = sorted(comp.fractions.items(), key=lambda kv: -kv[1])
    parts = [f"{name} {value * 100:.3g} %" for name, value in items[:top]]
    if len(items) > top:
        parts.append(f"+{len(items) - top} more")
    return md_cell(f"{comp.basis.value}: " + ", ".join(parts))


def _n(count: int, noun: str, plural: str | None = None) -> str:
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


def _issues(issues: Sequence[Issue], none_text: str) -> list[str]:
    if not issues:
        return [none_text, ""]
    counts = {}
    for issue in issues:
        counts[issue.severity.value] = counts.get(issue.severity.value, 0) + 1
    summary = ", ".join(f"{n} {severity}" for severity, n in counts.items())
    rows = [
        [
            md_cell(i.severity.value),
            md_cell(i.code),
            md_cell(i.path or "design"),
            md_cell(i.message),
            md_cell(i.suggestion or "—"),
        ]
        for i in issues
    ]
    table = _table(["Severity", "Code", "Where", "Issue", "Suggestion"], rows)
    return [f"{_n(len(issues), 'issue')} ({summary}):", "", *table, ""]


def render_markdown_report(
    design: Design,
    pfd_svg_path: str | PurePath,
    pid_svg_path: str | PurePath,
    *,
    assumptions: Sequence[str] = (),
    notes: Sequence[str] = (),
) -> str:
    """The design as a Markdown report. The SVG paths are linked as given: pass them relative to where the
    report will be written (``write_design_report`` passes ``pfd.svg`` and ``pid.svg``). ``assumptions``
    (the basis the structure rests on where the sources were silent) and ``notes`` (what the run skipped
    or degraded) come from whoever produced the design; they get their own section when given."""
    out: list[str] = [f"# {md_text(design.chemical)} — process design", ""]
    out += [
        f"- Design: {md_text(design.id)}",
        f"- Created: {design.created_at:%Y-%m-%d %H:%M} UTC",
        "- Parts: "
        + ", ".join(
            f"{name} {'✓' if part is not None else '— not yet'}"
            for name, part in (
                ("context", design.process_context),
                ("PFD", design.pfd),
                ("P&ID", design.pid),
                ("critique", design.critique),
                ("validation", design.validation),
                ("provenance", design.provenance),
            )
        ),
        "",
    ]
    out += _context(design)
    out += _basis(assumptions, notes)
    out += _pfd(design, pfd_svg_path)
    out += _pid(design, pid_svg_path)
    out += _critique(design)
    out += _validation(design)
    out += _provenance(design)
    return "\n".join(out).rstrip() + "\n"


def _context(design: Design) -> list[str]:
    out = ["## Process context", ""]
    ctx = design.process_context
    if ctx is None:
        return [*out, "No process context has been produced yet.", ""]
    if ctx.summary:
        out += [md_text(ctx.summary), ""]
    if ctx.route:
        out += [f"**Route.** {md_text(ctx.route)}", ""]
    sections = [
        ("Reactions", ctx.reactions),
        ("Conditions", ctx.conditions),
        ("Purification", ctx.purification),
        ("By-products", ctx.by_products),
        ("Recycles", ctx.recycles),
        ("Heat integration", ctx.heat_integration),
        ("Safety", ctx.safety),
    ]
    if not ctx.summary and not ctx.route and not any(items for _, items in sections):
        return [*out, "The process context is empty.", ""]
    for heading, items in sections:
        if items:
            out += [f"### {heading}", ""] + [f"- {md_text(item)}" for item in items] + [""]
    missing = [heading.lower() for heading, items in sections if not items]
    if missing:
        out += [f"Not stated: {', '.join(missing)}.", ""]
    return out


def _pfd(design: Design, svg_path: str | PurePath) -> list[str]:
    out = ["## Process flow diagram (PFD)", ""]
    if design.pfd is None:
        return [*out, "No PFD has been produced yet.", ""]
    fs = design.pfd.flowsheet
    link = _link(svg_path)
    out += [f"[![Process flow diagram of {md_text(design.chemical)}]({link})]({link})", ""]
    out += ["(Select the diagram to open it full size.)", ""]
    if design.pfd.description:
        out += [md_text(design.pfd.description), ""]
    feeds = [s for s in fs.streams if s.from_unit is None]
    products = [s for s in fs.streams if s.to_unit is None]
    out += [
        f"{_n(len(fs.units), 'unit')}, {_n(len(fs.streams), 'stream')} ({_n(len(feeds), 'feed')}, "
        f"{_n(len(products), 'product')}), {_n(len(fs.reactions), 'reaction')}, "
        f"{_n(len(fs.components), 'component')}.",
        "",
    ]
    out += ["### Equipment", ""]
    if fs.units:
        rows = [
            [
                md_cell(u.tag),
                md_cell(u.type.value.replace("_", " ")),
                md_cell(u.name or "—"),
                _q(u.temperature),
                _q(u.pressure),
                _q(u.duty),
                md_cell(", ".join(f"{k} {fmt_quantity(v)}" for k, v in u.parameters.items()) or "—"),
                md_cell(", ".join(u.reaction_ids) or "—"),
            ]
            for u in fs.units
        ]
        out += [*_table(["Tag", "Type", "Name", "T", "P", "Duty", "Parameters", "Reactions"], rows), ""]
    else:
        out += ["No equipment.", ""]
    out += ["### Streams", ""]
    if fs.streams:
        rows = [
            [
                md_cell(s.id),
                md_cell(s.name or "—"),
                md_cell(s.from_unit or "feed"),
                md_cell(s.to_unit or "product"),
                md_cell(s.phase.value.replace("_", "-") if s.phase else "—"),
                _q(s.temperature),
                _q(s.pressure),
                _q(s.flow),
                _composition(s.composition),
            ]
            for s in fs.streams
        ]
        out += [*_table(["Stream", "Name", "From", "To", "Phase", "T", "P", "Flow", "Composition"], rows), ""]
    else:
        out += ["No streams.", ""]
    if fs.reactions:
        out += ["### Reactions", ""]
        rows = []
        for r in fs.reactions:
            how = (
                f"conversion {r.conversion * 100:.3g} % of {r.key_reactant}"
                if r.conversion is not None
                else (f"extent {fmt_quantity(r.extent)}" if r.extent is not None else "—")
            )
            rows.append(
                [
                    md_cell(r.id),
                    md_cell(r.name or "—"),
                    md_cell(r.equation()),
                    md_cell(how),
                    _q(r.heat_of_reaction),
                    md_cell(r.catalyst or "—"),
                ]
            )
        out += [*_table(["Reaction", "Name", "Equation", "Extent", "ΔH", "Catalyst"], rows), ""]
    if fs.components:
        out += ["### Components", ""]
        rows = [[md_cell(c.name), md_cell(c.formula or "—"), md_cell(c.cas or "—")] for c in fs.components]
        out += [*_table(["Component", "Formula", "CAS"], rows), ""]
    return out


def _pid(design: Design, svg_path: str | PurePath) -> list[str]:
    out = ["## Piping and instrumentation (P&ID)", ""]
    if design.pid is None:
        return [*out, "No P&ID has been produced yet: no instruments, control loops or safety systems.", ""]
    ins = design.pid.instrumentation
    link = _link(svg_path)
    out += [f"[![Piping and instrumentation diagram of {md_text(design.chemical)}]({link})]({link})", ""]
    if design.pid.description:
        out += [md_text(design.pid.description), ""]
    out += [
        f"{_n(len(ins.instruments), 'instrument')}, {_n(len(ins.control_loops), 'control loop')}, "
        f"{_n(len(ins.relief_valves), 'relief device')}, {_n(len(ins.interlocks), 'interlock')}, "
        f"{_n(len(ins.esd_systems), 'ESD system')}, {_n(len(ins.line_specs), 'line specification')}.",
        "",
    ]
    out += ["### Instruments", ""]
    if ins.instruments:
        rows = [
            [
                md_cell(i.tag),
                md_cell(i.type.value.replace("_", " ")),
                md_cell(i.unit_tag or i.stream_id or "control room / not located"),
                md_cell(i.description or "—"),
            ]
            for i in ins.instruments
        ]
        out += [*_table(["Tag", "Type", "Located on", "Description"], rows), ""]
    else:
        out += ["No instruments.", ""]
    out += ["### Control loops", ""]
    if ins.control_loops:
        rows = []
        for loop in ins.control_loops:
            notes = []
            if loop.secondary_loop:
                notes.append(f"sets the setpoint of {loop.secondary_loop}")
            if loop.master_loop:
                notes.append(f"setpoint from {loop.master_loop}")
            if loop.ratio is not None:
                notes.append(f"ratio {loop.ratio:g} to {loop.wild_stream}")
            if loop.disturbance_measurement:
                notes.append(f"feedforward from {loop.disturbance_measurement}")
            if loop.description:
                notes.append(loop.description)
            rows.append(
                [
                    md_cell(loop.id),
                    md_cell(loop.strategy.value),
                    md_cell(loop.measured_variable.value),
                    md_cell(loop.sensor),
                    md_cell(loop.controller),
                    md_cell(loop.final_element or "—"),
                    md_cell(loop.manipulated_stream or "—"),
                    _q(loop.setpoint),
                    md_cell("; ".join(notes) or "—"),
                ]
            )
        out += [
            *_table(
                [
                    "Loop",
                    "Strategy",
                    "Variable",
                    "Sensor",
                    "Controller",
                    "Final element",
                    "Manipulates",
                    "Setpoint",
                    "Notes",
                ],
                rows,
            ),
            "",
        ]
    else:
        out += ["No control loops.", ""]
    out += ["### Safety systems", ""]
    if ins.relief_valves:
        rows = [
            [
                md_cell(r.tag),
                md_cell(r.protected_unit),
                _q(r.set_pressure),
                _q(r.relieving_rate),
                md_cell(r.discharge_to),
                md_cell(r.scenario or "—"),
            ]
            for r in ins.relief_valves
        ]
        out += [
            "Relief devices:",
            "",
            *_table(["Tag", "Protects", "Set pressure", "Rate", "Discharges to", "Case"], rows),
            "",
        ]
    else:
        out += ["No relief devices.", ""]
    if ins.interlocks:
        rows = [
            [
                md_cell(i.id),
                md_cell(i.trigger),
                md_cell(i.condition),
                _q(i.trip_setpoint),
                md_cell("; ".join(i.actions)),
                md_cell(", ".join(i.final_elements) or "—"),
                md_cell(f"SIL {i.sil}" if i.sil else "—"),
            ]
            for i in ins.interlocks
        ]
        out += [
            "Interlocks:",
            "",
            *_table(["Interlock", "Trigger", "Condition", "Trip", "Actions", "Final elements", "SIL"], rows),
            "",
        ]
    else:
        out += ["No interlocks.", ""]
    if ins.esd_systems:
        rows = [
            [
                md_cell(e.id),
                md_cell(", ".join(e.initiators)),
                md_cell("; ".join(e.actions) or "—"),
                md_cell(", ".join(e.final_elements) or "—"),
            ]
            for e in ins.esd_systems
        ]
        out += [
            "Emergency shutdown:",
            "",
            *_table(["ESD", "Initiators", "Actions", "Final elements"], rows),
            "",
        ]
    else:
        out += ["No emergency shutdown system.", ""]
    if ins.line_specs:
        out += ["### Piping line specifications", ""]
        rows = [
            [
                md_cell(s.id),
                md_cell(s.service),
                md_cell(s.material),
                md_cell(s.pressure_class),
                _q(s.design_pressure),
                _q(s.design_temperature),
                _q(s.corrosion_allowance),
                md_cell(", ".join(s.stream_ids) or "—"),
            ]
            for s in ins.line_specs
        ]
        out += [
            *_table(
                ["Line spec", "Service", "Material", "Class", "Design P", "Design T", "CA", "Streams"], rows
            ),
            "",
        ]
    return out


def _critique(design: Design) -> list[str]:
    out = ["## Critique", ""]
    c = design.critique
    if c is None:
        return [*out, "No critique yet: the design has not been reviewed.", ""]
    if c.summary:
        out += [md_text(c.summary), ""]
    if c.scores:
        rows = [[md_cell(name), f"{score:.2g} / 4"] for name, score in c.scores.items()]
        out += [*_table(["Attribute", "Score"], rows), ""]
    else:
        out += ["No scores were given.", ""]
    out += _issues(c.issues, "The critique raised no issues.")
    return out


def _validation(design: Design) -> list[str]:
    out = ["## Validation", ""]
    v = design.validation
    if v is None:
        return [
            *out,
            "Not validated yet: no material/energy balance or control-loop simulation has been run.",
            "",
        ]
    out += [f"- Status: **{md_text(v.status.value.replace('_', ' '))}**"]
    out += [f"- Simulator: {md_text(v.simulator) if v.simulator else 'not stated'}"]
    out += [f"- Converged: {'yes' if v.converged else 'no' if v.converged is False else 'not stated'}"]
    if v.mass_balance_closure is not None:
        out += [
            f"- Mass balance closure (out/in): {v.mass_balance_closure:.4f} ({(v.mass_balance_closure - 1) * 100:+.2f} %)"
        ]
    else:
        out += ["- Mass balance closure: not computed"]
    if v.validated_at is not None:
        out += [f"- Validated at: {v.validated_at:%Y-%m-%d %H:%M} UTC"]
    out += [""]
    if v.unit_mass_balance_closure:
        rows = [[md_cell(k), f"{c:.4f}"] for k, c in v.unit_mass_balance_closure.items()]
        out += ["Mass closure per unit:", "", *_table(["Unit", "Closure (out/in)"], rows), ""]
    if v.energy_duties:
        rows = [[md_cell(k), _q(q)] for k, q in v.energy_duties.items()]
        out += [
            "Energy duties (positive: heat added to the process):",
            "",
            *_table(["Unit", "Duty"], rows),
            "",
        ]
    else:
        out += ["No energy duties were reported.", ""]
    if v.loop_results:
        rows = []
        for r in v.loop_results:
            stable = "yes" if r.stable else "no" if r.stable is False else "—"
            rows.append(
                [
                    md_cell(r.loop_id),
                    stable,
                    f"{r.overshoot * 100:.3g} %" if r.overshoot is not None else "—",
                    _q(r.settling_time),
                    _q(r.rise_time),
                    fmt_number(r.iae) if r.iae is not None else "—",
                    md_cell("; ".join(r.messages) or "—"),
                ]
            )
        out += ["Control loops (setpoint step and load disturbance):", ""]
        out += [*_table(["Loop", "Stable", "Overshoot", "Settling", "Rise", "IAE", "Notes"], rows), ""]
    else:
        out += ["No control loop was simulated.", ""]
    if design.pid is not None and v.loop_results:
        simulated = {r.loop_id for r in v.loop_results}
        missing = [loop.id for loop in design.pid.instrumentation.control_loops if loop.id not in simulated]
        if missing:
            out += [f"Not simulated: {md_text(', '.join(missing))}.", ""]
    if v.messages:
        out += ["Simulator messages:", ""] + [f"- {md_text(m)}" for m in v.messages] + [""]
    out += _issues(v.issues, "Validation raised no issues.")
    return out


def _provenance(design: Design) -> list[str]:
    out = ["## Provenance", ""]
    p = design.provenance
    if p is None:
        return [*out, "No provenance recorded: this design cites no knowledge-graph facts or documents.", ""]
    if not p.citations:
        return [*out, "The provenance lists no citations.", ""]
    rows = [
        [
            md_cell(c.path),
            md_cell(", ".join(c.kg_fact_ids) or "—"),
            md_cell(", ".join(c.document_uris) or "—"),
            md_cell(", ".join(c.chunk_ids) or "—"),
            md_cell(f"“{c.quote}”" if c.quote else "—"),
        ]
        for c in p.citations
    ]
    return out + _table(["Part", "KG facts", "Documents", "Chunks", "Quote"], rows) + [""]


class ReportPaths(NamedTuple):
    """The files :func:`write_design_report` wrote."""

    design_json: Path
    pfd_svg: Path
    pid_svg: Path
    report_md: Path


DESIGN_JSON, PFD_SVG, PID_SVG, REPORT_MD = "design.json", "pfd.svg", "pid.svg", "report.md"


def _basis(assumptions: Sequence[str], notes: Sequence[str]) -> list[str]:
    if not assumptions and not notes:
        return []
    out = ["## Assumptions and run notes", ""]
    if assumptions:
        out += ["Where the sources were silent, the design rests on:", ""]
        out += [f"- {md_text(a)}" for a in assumptions]
        out.append("")
    if notes:
        out += ["What this run skipped or degraded:", ""]
        out += [f"- {md_text(n)}" for n in notes]
        out.append("")
    return out


def _write(path: Path, content: str) -> None:
    """Write atomically: a reader never sees half a file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_design_report(
    design: Design,
    out_dir: str | os.PathLike[str],
    *,
    assumptions: Sequence[str] = (),
    notes: Sequence[str] = (),
) -> ReportPaths:
    """Write ``design.json``, ``pfd.svg``, ``pid.svg`` and ``report.md`` into ``out_dir`` (created if
    needed). The file names are fixed, whatever the design is called; the report links the SVGs by
    relative path, so the folder can be moved or published as a whole."""
    root = Path(out_dir)
    root.mkdir(parents=True, exist_ok=True)
    paths = ReportPaths(root / DESIGN_JSON, root / PFD_SVG, root / PID_SVG, root / REPORT_MD)
    _write(paths.design_json, design.model_dump_json(indent=2) + "\n")
    _write(paths.pfd_svg, render_pfd_svg(design))
    _write(paths.pid_svg, render_pid_svg(design))
    _write(
        paths.report_md,
        render_markdown_report(design, PFD_SVG, PID_SVG, assumptions=assumptions, notes=notes),
    )
    return paths
