"""The Markdown report and the report folder: every part present is shown, every missing part is said so,
links point at the files written next to the report, and design text cannot break the Markdown."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest

from autochem.domain.design import (
    Citation,
    Critique,
    Design,
    LoopResult,
    Provenance,
    ValidationReport,
    ValidationStatus,
)
from autochem.domain.examples import nitric_acid_design, reference_designs
from autochem.domain.issues import Issue, Severity
from autochem.domain.units import Quantity
from autochem.rendering import (
    md_cell,
    render_markdown_report,
    render_pfd_svg,
    render_pid_svg,
    write_design_report,
)

LINK = re.compile(r"!\[[^\]]*\]\(([^)]+)\)")


def cells(row: str) -> list[str]:
    """Cells of a Markdown table row, splitting only on unescaped pipes."""
    assert row.startswith("|") and row.endswith("|") and not row.endswith("\\|")
    return re.split(r"(?<!\\)\|", row[1:-1])


def tables(markdown: str) -> list[list[str]]:
    out, current = [], []
    for line in markdown.splitlines():
        if line.startswith("|"):
            current.append(line)
        elif current:
            out.append(current)
            current = []
    if current:
        out.append(current)
    return out


def reviewed(design: Design) -> Design:
    return design.model_copy(
        update={
            "critique": Critique(
                summary="Sound design; the tail gas needs abatement.",
                scores={"correctness": 3.5, "helpfulness": 3.0},
                issues=[
                    Issue(
                        severity=Severity.WARNING,
                        path="pfd.flowsheet.streams[S-27]",
                        code="tail_gas_nox",
                        message="NOx in the tail gas above 200 ppm | check",
                        suggestion="add SCR",
                    )
                ],
            ),
            "validation": ValidationReport(
                status=ValidationStatus.PASSED_WITH_WARNINGS,
                simulator="builtin-sequential",
                converged=True,
                mass_balance_closure=0.9987,
                unit_mass_balance_closure={"R-101": 1.0},
                energy_duties={"E-101": Quantity(value=4.1, unit="MW")},
                loop_results=[
                    LoopResult(
                        loop_id="TIC-105",
                        stable=True,
                        overshoot=0.08,
                        settling_time=Quantity(value=120, unit="s"),
                        iae=3.2,
                    ),
                    LoopResult(loop_id="LIC-106", stable=False, messages=["oscillates"]),
                ],
                validated_at=datetime(2025, 1, 2, tzinfo=UTC),
            ),
            "provenance": Provenance(
                citations=[
                    Citation(
                        path="pfd.flowsheet.units[R-101]",
                        kg_fact_ids=["fact-17"],
                        document_uris=["https://example.org/ostwald"],
                        quote="gauze at 890 °C",
                    )
                ]
            ),
        }
    )


def test_report_has_every_section_with_its_content() -> None:
    design = reviewed(nitric_acid_design())
    md = render_markdown_report(design, "pfd.svg", "pid.svg")
    headings = [line for line in md.splitlines() if line.startswith("## ")]
    assert headings == [
        "## Process context",
        "## Process flow diagram (PFD)",
        "## Piping and instrumentation (P&ID)",
        "## Critique",
        "## Validation",
        "## Provenance",
    ]
    assert LINK.findall(md) == ["pfd.svg", "pid.svg"]
    fs, ins = design.pfd.flowsheet, design.pid.instrumentation
    for tag in [u.tag for u in fs.units] + [s.id for s in fs.streams] + [i.tag for i in ins.instruments]:
        assert f"| {md_cell(tag)} |" in md
    for loop in ins.control_loops:
        assert f"| {md_cell(loop.id)} | {loop.strategy.value} |" in md
    assert "correctness | 3.5 / 4" in md
    assert "tail\\_gas\\_nox" in md and "add SCR" in md and "1 issue (1 warning):" in md
    assert "**passed with warnings**" in md
    assert "0.9987" in md and "-0.13 %" in md
    assert "| TIC-105 | yes | 8 % |" in md and "| LIC-106 | no |" in md
    assert "Not simulated: FFIC-101, TIC-102, LIC-201, LIC-205, PIC-202, FIC-203." in md
    assert "1 ESD system," in md and "8 control loops" in md
    assert "4.1 MW" in md
    assert "fact-17" in md and "https://example.org/ostwald" in md
    # every table row has as many cells as its header
    for table in tables(md):
        width = len(cells(table[0]))
        assert all(len(cells(row)) == width for row in table), table[0]


def test_missing_parts_are_said_plainly() -> None:
    bare = Design(id="bare", chemical="water", created_at=datetime(2025, 1, 1, tzinfo=UTC))
    md = render_markdown_report(bare, "pfd.svg", "pid.svg")
    for sentence in (
        "No process context has been produced yet.",
        "No PFD has been produced yet.",
        "No P&ID has been produced yet",
        "No critique yet",
        "Not validated yet",
        "No provenance recorded",
    ):
        assert sentence in md
    assert not LINK.findall(md)  # nothing to show, no broken images
    # A design fresh from the generator: diagrams but no critique, validation or provenance.
    md = render_markdown_report(nitric_acid_design(), "pfd.svg", "pid.svg")
    assert "No critique yet" in md and "Not validated yet" in md and "No provenance recorded" in md
    assert "No process context" not in md


@pytest.mark.parametrize("name", list(reference_designs()))
def test_write_design_report(tmp_path, name: str) -> None:
    design = reviewed(reference_designs()[name])
    paths = write_design_report(design, tmp_path / "out" / "nested")
    assert [p.name for p in paths] == ["design.json", "pfd.svg", "pid.svg", "report.md"]
    assert all(p.parent == tmp_path / "out" / "nested" for p in paths)
    assert Design.model_validate_json(paths.design_json.read_text()) == design
    assert paths.pfd_svg.read_text() == render_pfd_svg(design)
    assert paths.pid_svg.read_text() == render_pid_svg(design)
    for svg in (paths.pfd_svg, paths.pid_svg):
        ET.parse(svg)
    md = paths.report_md.read_text()
    links = LINK.findall(md)
    assert len(links) == 2
    for link in links:
        target = paths.report_md.parent / link
        assert target.is_file() and target in (paths.pfd_svg, paths.pid_svg)
    assert not [p for p in paths.report_md.parent.iterdir() if p.name.startswith(".")]  # no temp files left
    # Writing again replaces the files.
    assert write_design_report(design, tmp_path / "out" / "nested") == paths


def test_hostile_names_do_not_break_markdown(tmp_path) -> None:
    design = nitric_acid_design()
    fs = design.pfd.flowsheet
    fs.units[0].name = "<script>alert(1)</script>"
    fs.units[1].name = "a|b"
    fs.streams[0].name = "# heading\nand `code` [link](javascript:x) *bold*"
    design.pid.instrumentation.instruments[0].description = "1. list | with pipe"
    paths = write_design_report(
        design.model_copy(update={"chemical": "<img src=x onerror=alert(1)>"}), tmp_path
    )
    md = paths.report_md.read_text()
    assert "<script>" not in md and "<img" not in md
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in md
    assert "| a\\|b |" in md
    assert not re.search(r"(?<!\\)\]\(javascript", md)  # the link text's brackets are escaped
    assert "\\# heading and \\`code\\` \\[link\\](javascript:x) \\*bold\\*" in md
    assert not [line for line in md.splitlines() if line.startswith("# heading")]
    for table in tables(md):
        width = len(cells(table[0]))
        assert all(len(cells(row)) == width for row in table), table[0]
    for svg in (paths.pfd_svg, paths.pid_svg):
        root = ET.parse(svg).getroot()
        assert not [e for e in root.iter() if e.tag.endswith("}script") or e.tag.endswith("}img")]


def test_links_are_percent_encoded_paths() -> None:
    md = render_markdown_report(nitric_acid_design(), "diagrams/my pfd.svg", "diagrams/p&id (1).svg")
    assert LINK.findall(md) == ["diagrams/my%20pfd.svg", "diagrams/p%26id%20%281%29.svg"]


def test_assumptions_and_run_notes_get_their_own_section() -> None:
    design = nitric_acid_design()
    assert "## Assumptions and run notes" not in render_markdown_report(design, "pfd.svg", "pid.svg")
    md = render_markdown_report(
        design,
        "pfd.svg",
        "pid.svg",
        assumptions=["per-pass conversion of ammonia taken as 98% (not stated in the texts)"],
        notes=["dwsim-validator unavailable: the design is unvalidated"],
    )
    section = md.split("## Assumptions and run notes", 1)[1].split("\n## ", 1)[0]
    assert "- per-pass conversion of ammonia taken as 98% (not stated in the texts)" in section
    assert "- dwsim-validator unavailable: the design is unvalidated" in section
    # it sits between the process context and the PFD
    assert md.index("## Process context") < md.index("## Assumptions") < md.index("## Process flow diagram")
