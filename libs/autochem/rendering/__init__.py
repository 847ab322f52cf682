"""Rendering of a design for people: the PFD and P&ID as SVG diagrams and a Markdown report.

Standard library only (``xml.etree`` for the SVG); the layout is a layered left-to-right drawing computed
here (see :mod:`autochem.rendering.layout`).

- :func:`render_pfd_svg` (design) -> SVG text of the process flow diagram
- :func:`render_pid_svg` (design) -> SVG text of the P&ID
- :func:`render_markdown_report` (design, pfd_svg_path, pid_svg_path) -> Markdown text
- :func:`write_design_report` (design, out_dir) -> :class:`ReportPaths` of design.json, pfd.svg, pid.svg,
  report.md
"""

from autochem.rendering.pfd import render_pfd_svg
from autochem.rendering.pid import render_pid_svg
from autochem.rendering.report import (
    ReportPaths,
    md_cell,
    md_text,
    render_markdown_report,
    write_design_report,
)

__all__ = [
    "ReportPaths",
    "md_cell",
    "md_text",
    "render_markdown_report",
    "render_pfd_svg",
    "render_pid_svg",
    "write_design_report",
]
