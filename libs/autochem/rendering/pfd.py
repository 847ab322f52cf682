"""The process flow diagram as SVG: equipment, streams with their conditions, and a stream table."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from autochem.domain.design import Design
from autochem.rendering.flowsheet_view import (
    LINE_COLOR,
    RECYCLE_COLOR,
    FlowsheetView,
    build_view,
    draw_streams,
    draw_terminals,
    draw_units,
    free,
    horizontal_segments,
    overlap_area,
    route_obstacles,
    stream_conditions,
)
from autochem.rendering.layout import LayoutOptions
from autochem.rendering.svg import (
    Box,
    arrow_marker,
    document,
    el,
    fmt_quantity,
    one_line,
    serialize,
    shorten,
    text,
    text_width,
)

HEADER = 56.0
LABEL_SIZE = 8.5


def render_pfd_svg(design: Design) -> str:
    """The design's PFD as a standalone SVG document (a placeholder sheet when there is no PFD yet)."""
    if design.pfd is None or not (design.pfd.flowsheet.units or design.pfd.flowsheet.streams):
        return placeholder_svg(f"PFD — {design.chemical}", "No process flow diagram has been produced yet.")
    view = build_view(design.pfd.flowsheet, options=LayoutOptions())
    return _draw(design, view)


def placeholder_svg(heading: str, message: str) -> str:
    root = document(640, 160, heading)
    text(root, 24, 40, heading, size=16, anchor="start", weight="bold")
    text(root, 24, 80, message, size=12, anchor="start", fill="#555", class_="placeholder")
    return serialize(root)


def header(root: ET.Element, design: Design, kind: str, width: float) -> None:
    g = el(root, "g", class_="title-block")
    text(g, 20, 26, f"{kind} — {shorten(design.chemical, 80)}", size=17, anchor="start", weight="bold")
    text(
        g,
        20,
        44,
        f"design {shorten(design.id, 60)} · {design.created_at:%Y-%m-%d}",
        size=10,
        anchor="start",
        fill="#555",
    )
    el(g, "line", x1=10, y1=HEADER - 4, x2=width - 10, y2=HEADER - 4, stroke="#bbb", stroke_width=1)


def _key(root: ET.Element, width: float) -> None:
    """A one-line key at the top right: what the line colours and the terminal flags mean."""
    g = el(root, "g", class_="key")
    x = width - 560
    el(
        g,
        "line",
        x1=x,
        y1=30,
        x2=x + 30,
        y2=30,
        stroke=LINE_COLOR,
        stroke_width=1.6,
        marker_end="url(#arrow)",
    )
    text(g, x + 36, 33, "process stream", size=9, anchor="start")
    x += 120
    el(
        g,
        "line",
        x1=x,
        y1=30,
        x2=x + 30,
        y2=30,
        stroke=RECYCLE_COLOR,
        stroke_width=1.6,
        marker_end="url(#arrow-recycle)",
    )
    text(g, x + 36, 33, "recycle (flows right to left)", size=9, anchor="start")
    x += 180
    for fill, label in (("#eef5ee", "feed"), ("#fdf3e6", "product")):
        el(
            g,
            "path",
            d=f"M {x} 23 L {x + 24} 23 L {x + 30} 30 L {x + 24} 37 L {x} 37 Z",
            fill=fill,
            stroke="#1f2d3d",
            stroke_width=1,
        )
        text(g, x + 36, 33, label, size=9, anchor="start")
        x += 80


def _draw(design: Design, view: FlowsheetView) -> str:
    layout = view.layout
    table_rows = list(view.streams.values())
    table_cols, table_w = _table_columns(view)
    table_h = 28 + 14 * (len(table_rows) + 1)
    width = max(layout.width, table_w + 40, 640)
    height = HEADER + layout.height + table_h + 20
    root = document(width, height, f"PFD — {one_line(design.chemical)}")
    defs = el(root, "defs")
    arrow_marker(defs, "arrow", LINE_COLOR)
    arrow_marker(defs, "arrow-recycle", RECYCLE_COLOR)
    header(root, design, "Process flow diagram", width)
    _key(root, width)
    diagram = el(root, "g", class_="diagram", transform=f"translate(0 {HEADER:.0f})")
    draw_streams(diagram, view, "arrow", "arrow-recycle")
    draw_units(diagram, view)
    draw_terminals(diagram, view)
    _stream_labels(diagram, view)
    _stream_table(root, view, table_cols, HEADER + layout.height + 8)
    return serialize(root)


def _stream_labels(parent: ET.Element, view: FlowsheetView) -> None:
    """One label per stream (id, then T/P and flow), placed where it hides nothing; the id alone when the
    full label fits nowhere."""
    group = el(parent, "g", class_="stream-labels")
    placed: list[Box] = []
    for key, stream in view.streams.items():
        points = view.layout.routes[key]
        obstacles = [b for _, b in route_obstacles(view, skip=key)] + view.occupied + placed
        full = [stream.id, *stream_conditions(stream)]
        spot = None
        for lines in (full, full[:2], [stream.id]):
            spot = _find_spot(points, lines, obstacles)
            if spot is not None:
                break
        if spot is None:  # crowded: the id on the longest run, over whatever is there
            lines = [stream.id]
            spot = _forced_spot(points, lines, obstacles)
        box = spot
        placed.append(box)
        g = el(group, "g", class_="stream-label", data_stream=one_line(stream.id))
        el(
            g,
            "rect",
            x=box.x,
            y=box.y,
            width=box.w,
            height=box.h,
            rx=2,
            fill="white",
            fill_opacity=0.85,
            stroke="none",
        )
        for i, line in enumerate(lines):
            text(
                g,
                box.cx,
                box.y + 9 + i * LABEL_SIZE * 1.2,
                line if i else shorten(line, 24),
                size=LABEL_SIZE + (0.5 if i == 0 else 0),
                weight="bold" if i == 0 else None,
                fill=RECYCLE_COLOR if key in view.layout.reversed_edges and i == 0 else "#1f2d3d",
            )


def _label_box_size(lines: list[str]) -> tuple[float, float]:
    w = (
        max(
            text_width(shorten(lines[0], 24), LABEL_SIZE + 0.5),
            *(text_width(ln, LABEL_SIZE) for ln in lines[1:]),
        )
        if len(lines) > 1
        else text_width(shorten(lines[0], 24), LABEL_SIZE + 0.5)
    )
    return w + 6, 3 + len(lines) * LABEL_SIZE * 1.2 + 1


def _candidates(points: list[tuple[float, float]], w: float, h: float):
    for x0, x1, y in horizontal_segments(points):
        if x1 - x0 < w + 4:
            continue
        for frac in (0.5, 0.35, 0.65, 0.2, 0.8):
            cx = x0 + frac * (x1 - x0)
            cx = min(max(cx, x0 + w / 2 + 2), x1 - w / 2 - 2)
            for above in (True, False):
                top = y - 2.5 - h if above else y + 2.5
                yield Box(cx - w / 2, top, w, h)


def _find_spot(points, lines: list[str], obstacles: list[Box]) -> Box | None:
    w, h = _label_box_size(lines)
    for box in _candidates(points, w, h):
        if box.y >= 4 and free(box, obstacles, 1.0):  # not above the sheet's top margin
            return box
    return None


def _forced_spot(points, lines: list[str], obstacles: list[Box]) -> Box:
    w, h = _label_box_size(lines)
    best, best_area = None, float("inf")
    segs = horizontal_segments(points)
    for x0, x1, y in segs:
        cx = (x0 + x1) / 2
        for top in (y - 2.5 - h, y + 2.5):
            box = Box(cx - w / 2, top, w, h)
            area = overlap_area(box, obstacles)
            if area < best_area:
                best, best_area = box, area
    if best is None:
        x, y = points[len(points) // 2]
        best = Box(x - w / 2, y - h - 2, w, h)
    return best


def _table_columns(view: FlowsheetView) -> tuple[list[tuple[str, float]], float]:
    headers = ["Stream", "Name", "From", "To", "Phase", "T", "P", "Flow"]
    rows = [_row(s) for s in view.streams.values()]
    widths = []
    for i, h in enumerate(headers):
        w = max([text_width(h, 9)] + [text_width(r[i], 9) for r in rows])
        widths.append(w + 14)
    return list(zip(headers, widths, strict=True)), sum(widths)


def _row(stream) -> list[str]:
    return [
        shorten(stream.id, 20),
        shorten(stream.name or "", 40),
        shorten(stream.from_unit or "feed", 16),
        shorten(stream.to_unit or "product", 16),
        stream.phase.value.replace("_", "-") if stream.phase else "",
        fmt_quantity(stream.temperature),
        fmt_quantity(stream.pressure),
        fmt_quantity(stream.flow),
    ]


def _stream_table(root: ET.Element, view: FlowsheetView, cols: list[tuple[str, float]], top: float) -> None:
    g = el(root, "g", class_="stream-table", transform=f"translate(20 {top:.0f})")
    text(g, 0, 14, "Stream table", size=11, anchor="start", weight="bold")
    y = 28.0
    total = sum(w for _, w in cols)
    el(g, "rect", x=0, y=y, width=total, height=14, fill="#e8eef4")
    x = 0.0
    for name, w in cols:
        text(g, x + 5, y + 10.5, name, size=9, anchor="start", weight="bold")
        x += w
    for i, stream in enumerate(view.streams.values()):
        y += 14
        if i % 2:
            el(g, "rect", x=0, y=y, width=total, height=14, fill="#f6f8fa")
        x = 0.0
        for value, (_, w) in zip(_row(stream), cols, strict=True):
            text(g, x + 5, y + 10.5, value, size=9, anchor="start")
            x += w
    el(g, "rect", x=0, y=28, width=total, height=y + 14 - 28, fill="none", stroke="#999", stroke_width=0.8)
