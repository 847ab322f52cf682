"""The part the PFD and the P&ID share: the flowsheet as a graph, its layout, and the drawing of the
equipment and the process lines.

Nodes are the units (keyed by tag; a repeated tag gets ``#2``, ``#3``), plus one battery-limit terminal per
feed (a stream with no source unit) and per product (no destination unit). A stream that names a unit
the flowsheet does not have is drawn from/to a terminal as well, so every stream gets exactly one arrow.
"""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field

from autochem.domain.flowsheet import Flowsheet, Phase, Stream, Unit, UnitType
from autochem.rendering.layout import EdgeSpec, Layout, LayoutOptions, NodeGeom, Point, layered_layout
from autochem.rendering.svg import (
    Box,
    el,
    fmt_quantity,
    lines_of_text,
    one_line,
    polyline_d,
    segment_box,
    shorten,
    text_width,
    title,
    wrap,
)
from autochem.rendering.symbols import STROKE, draw_symbol, outline_x, port_span, symbol_size

LINE_COLOR = "#1f2d3d"
RECYCLE_COLOR = "#8e44ad"
UTILITY_COLOR = "#2e6da4"


@dataclass
class FlowsheetView:
    flowsheet: Flowsheet
    layout: Layout
    units: dict[str, Unit]  # node key -> unit
    streams: dict[str, Stream]  # edge key -> stream (edge key "s<i>", i = position in the list)
    feeds: dict[str, Stream]  # terminal node key -> stream
    products: dict[str, Stream]
    bands: dict[str, Box] = field(default_factory=dict)  # node key -> reserved band above the symbol
    occupied: list[Box] = field(default_factory=list)

    def stream_key(self, stream_id: str) -> str | None:
        for key, stream in self.streams.items():
            if stream.id == stream_id:
                return key
        return None

    def unit_key(self, tag: str) -> str | None:
        return tag if tag in self.units else None


def unit_label_lines(unit: Unit) -> tuple[list[str], list[str]]:
    """Name lines and a conditions line under a symbol."""
    name = wrap(unit.name, 18, 2) if unit.name else []
    conditions = [fmt_quantity(q) for q in (unit.temperature, unit.pressure, unit.duty) if q is not None]
    return name, ([" · ".join(conditions)] if conditions else [])


TAG_SIZE, NAME_SIZE, COND_SIZE = 11.0, 9.0, 8.5


def _label_size(unit: Unit) -> tuple[float, float]:
    name, cond = unit_label_lines(unit)
    w = max(
        [text_width(unit.tag, TAG_SIZE)]
        + [text_width(n, NAME_SIZE) for n in name]
        + [text_width(c, COND_SIZE) for c in cond]
    )
    h = 6 + TAG_SIZE * 1.2 + len(name) * NAME_SIZE * 1.2 + len(cond) * COND_SIZE * 1.25
    return w, h


def terminal_text(stream: Stream) -> str:
    return shorten(stream.name or stream.id, 26)


def build_view(
    flowsheet: Flowsheet,
    *,
    band: Callable[[str], tuple[float, float]] | None = None,
    options: LayoutOptions | None = None,
    run_in: Callable[[str], float] | None = None,
    port_pitch: float = 14.0,
) -> FlowsheetView:
    """Lay out ``flowsheet``. ``band(unit_key)`` gives the (width, height) to reserve above a unit's symbol
    (the P&ID puts its instruments there); ``run_in(stream_key)`` the length of straight line wanted before
    the stream's destination (for the valves and instruments drawn on it)."""
    units: dict[str, Unit] = {}
    by_tag: dict[str, str] = {}
    for unit in flowsheet.units:
        key = unit.tag
        n = 2
        while key in units:
            key = f"{unit.tag}#{n}"
            n += 1
        units[key] = unit
        by_tag.setdefault(unit.tag, key)
    streams: dict[str, Stream] = {}
    feeds: dict[str, Stream] = {}
    products: dict[str, Stream] = {}
    edges: list[EdgeSpec] = []
    for i, stream in enumerate(flowsheet.streams):
        key = f"s{i}"
        streams[key] = stream
        src = by_tag.get(stream.from_unit) if stream.from_unit is not None else None
        dst = by_tag.get(stream.to_unit) if stream.to_unit is not None else None
        if src is None:
            src = f"feed:{i}"
            feeds[src] = stream
        if dst is None:
            dst = f"product:{i}"
            products[dst] = stream
        edges.append(EdgeSpec(key, src, dst))

    def geometry(key: str, n_in: int, n_out: int) -> NodeGeom:
        if key in feeds or key in products:
            stream = feeds.get(key) or products[key]
            w = text_width(terminal_text(stream), 9.0) + 22
            h = max(24.0, max(n_in, n_out) * 14.0 + 6)
            return NodeGeom(w, h, Box(0, 0, w, h))
        unit = units[key]
        sw, sh = symbol_size(unit.type, max(n_in, n_out), port_pitch)
        lw, lh = _label_size(unit)
        bw, bh = band(key) if band else (0.0, 0.0)
        top_extra = 16.0 if unit.type.value in ("reactor_cstr", "reactor_batch", "crystallizer") else 0.0
        top_extra = max(top_extra, bh)
        bottom_extra = 6.0 if unit.type.value in ("pump", "compressor", "turbine", "expander") else 0.0
        w = max(sw, lw, bw) + 8
        h = top_extra + sh + bottom_extra + lh
        lo, hi = port_span(unit.type, sh)
        return NodeGeom(w, h, Box((w - sw) / 2, top_extra, sw, sh), (top_extra + lo, top_extra + hi))

    layout = layered_layout(
        list(units) + list(feeds) + list(products),
        edges,
        geometry,
        feeds=list(feeds),
        products=list(products),
        options=options,
        run_in={key: run_in(key) for key in streams} if run_in else None,
        port_rank=_port_ranks(units, streams, edges),
    )
    view = FlowsheetView(flowsheet, layout, units, streams, feeds, products)
    # Lines end on the outline of round and tapered symbols rather than on their bounding box.
    for key, points in layout.routes.items():
        edge = edges[int(key[1:])]
        if len(points) < 2:
            continue
        layout.routes[key] = _snap(view, edge.src, points, 0) if edge.src in units else points
        points = layout.routes[key]
        layout.routes[key] = _snap(view, edge.dst, points, -1) if edge.dst in units else points
    for key in units:
        if band:
            bw, _bh = band(key)
            node, sym = layout.nodes[key], layout.symbols[key]
            view.bands[key] = Box(sym.cx - bw / 2, node.y, bw, max(sym.y - node.y - 4, 0.0))
    return view


_VAPOR = {Phase.VAPOR, Phase.SUPERCRITICAL, Phase.SOLID_VAPOR}
_LIQUID = {Phase.LIQUID, Phase.LIQUID_LIQUID, Phase.SOLID_LIQUID, Phase.SOLID}
_COLUMNS = {UnitType.DISTILLATION_COLUMN, UnitType.ABSORBER, UnitType.STRIPPER}
_SEPARATORS = {UnitType.FLASH_DRUM, UnitType.SEPARATOR, UnitType.EVAPORATOR, UnitType.VESSEL}


def _port_ranks(
    units: dict[str, Unit], streams: dict[str, Stream], edges: list[EdgeSpec]
) -> dict[tuple[str, str], float]:
    """Vapour leaves columns and separators at the top, liquid at the bottom; in a column, liquid enters
    near the top and vapour near the bottom (counter-current)."""
    ranks: dict[tuple[str, str], float] = {}
    for edge in edges:
        phase = streams[edge.key].phase
        if phase in _VAPOR:
            out_rank, in_rank = 0.0, 1.0
        elif phase in _LIQUID:
            out_rank, in_rank = 1.0, 0.0
        else:
            continue
        src, dst = units.get(edge.src), units.get(edge.dst)
        if src is not None and src.type in _COLUMNS | _SEPARATORS:
            ranks[(edge.src, edge.key)] = out_rank
        if dst is not None and dst.type in _COLUMNS:
            ranks[(edge.dst, edge.key)] = in_rank
    return ranks


def _snap(view: FlowsheetView, key: str, points: list[Point], index: int) -> list[Point]:
    sym = view.layout.symbols[key]
    x, y = points[index]
    side = "left" if abs(x - sym.x) < abs(x - sym.right) else "right"
    nx = outline_x(view.units[key].type, sym, y, side)
    points = list(points)
    points[index] = (nx, y)
    return points


def stream_color(view: FlowsheetView, key: str) -> str:
    if key in view.layout.reversed_edges:
        return RECYCLE_COLOR
    return LINE_COLOR


def draw_streams(parent: ET.Element, view: FlowsheetView, marker: str, recycle_marker: str) -> None:
    group = el(parent, "g", class_="streams", fill="none")
    for key, stream in view.streams.items():
        points = view.layout.routes[key]
        recycle = key in view.layout.reversed_edges
        g = el(
            group,
            "g",
            class_="stream",
            data_stream=one_line(stream.id),
            data_recycle="true" if recycle else None,
        )
        title(g, stream_tooltip(stream))
        el(
            g,
            "path",
            d=polyline_d(points),
            class_="stream-line",
            stroke=RECYCLE_COLOR if recycle else LINE_COLOR,
            stroke_width=1.6,
            fill="none",
            marker_end=f"url(#{recycle_marker if recycle else marker})",
        )


def stream_conditions(stream: Stream) -> list[str]:
    tp = [fmt_quantity(q) for q in (stream.temperature, stream.pressure) if q is not None]
    out = []
    if tp:
        out.append(", ".join(tp))
    if stream.flow is not None:
        out.append(fmt_quantity(stream.flow))
    return out


def stream_tooltip(stream: Stream) -> str:
    parts = [stream.id]
    if stream.name:
        parts.append(stream.name)
    parts.append(f"{stream.from_unit or 'feed'} → {stream.to_unit or 'product'}")
    if stream.phase is not None:
        parts.append(stream.phase.value.replace("_", "-"))
    parts += stream_conditions(stream)
    return one_line(" | ".join(parts))


def draw_units(parent: ET.Element, view: FlowsheetView) -> None:
    group = el(parent, "g", class_="units")
    for key, unit in view.units.items():
        sym = view.layout.symbols[key]
        node = view.layout.nodes[key]
        g = el(
            group,
            "g",
            class_="unit",
            data_tag=unit.tag,
            data_type=unit.type.value,
            data_bbox=sym.attr(),
            data_node_bbox=node.attr(),
        )
        tip = f"{unit.tag} — {unit.name or unit.type.value}"
        if unit.description:
            tip += f": {unit.description}"
        title(g, one_line(tip))
        draw_symbol(g, unit.type, sym)
        name, cond = unit_label_lines(unit)
        y = (
            sym.bottom
            + (6 if unit.type.value in ("pump", "compressor", "turbine", "expander") else 0)
            + 6
            + TAG_SIZE
        )
        el(
            g,
            "text",
            unit.tag,
            x=sym.cx,
            y=y,
            font_size=TAG_SIZE,
            font_weight="bold",
            text_anchor="middle",
            fill="#111",
            class_="unit-tag",
        )
        y += NAME_SIZE * 1.25
        lines_of_text(g, sym.cx, y, name, size=NAME_SIZE, fill="#333", class_="unit-name")
        y += len(name) * NAME_SIZE * 1.2 + 1
        lines_of_text(g, sym.cx, y, cond, size=COND_SIZE, fill="#5b6b7b", class_="unit-conditions")
        view.occupied.append(node)


def draw_terminals(parent: ET.Element, view: FlowsheetView) -> None:
    group = el(parent, "g", class_="terminals")
    for key, stream in list(view.feeds.items()) + list(view.products.items()):
        b = view.layout.symbols[key]
        kind = "feed" if key in view.feeds else "product"
        g = el(group, "g", class_=f"terminal {kind}", data_stream=one_line(stream.id), data_bbox=b.attr())
        title(g, f"{'Feed' if kind == 'feed' else 'Product'}: {stream_tooltip(stream)}")
        tip = 9.0
        d = (
            f"M {b.x:.1f} {b.y:.1f} L {b.right - tip:.1f} {b.y:.1f} L {b.right:.1f} {b.cy:.1f} "
            f"L {b.right - tip:.1f} {b.bottom:.1f} L {b.x:.1f} {b.bottom:.1f} Z"
        )
        fill = "#eef5ee" if kind == "feed" else "#fdf3e6"
        el(g, "path", d=d, fill=fill, stroke=STROKE, stroke_width=1.1)
        el(
            g,
            "text",
            terminal_text(stream),
            x=b.x + 6,
            y=b.cy + 3.2,
            font_size=9,
            text_anchor="start",
            fill="#222",
        )
        view.occupied.append(b)


def route_obstacles(view: FlowsheetView, skip: str | None = None) -> list[tuple[str, Box]]:
    out = []
    for key, points in view.layout.routes.items():
        for a, b in itertools.pairwise(points):
            out.append((key, segment_box(a[0], a[1], b[0], b[1], 2.0)))
    return [(k, b) for k, b in out if k != skip]


def horizontal_segments(points: list[Point]) -> list[tuple[float, float, float]]:
    """(x_left, x_right, y) of the horizontal pieces of a route, longest first."""
    segs = []
    for a, b in itertools.pairwise(points):
        if abs(a[1] - b[1]) < 0.01 and abs(a[0] - b[0]) > 1:
            segs.append((min(a[0], b[0]), max(a[0], b[0]), a[1]))
    return sorted(segs, key=lambda s: -(s[1] - s[0]))


def free(box: Box, obstacles: list[Box], margin: float = 2.0) -> bool:
    return not any(box.overlaps(o, margin) for o in obstacles)


def overlap_area(box: Box, obstacles: list[Box]) -> float:
    total = 0.0
    for o in obstacles:
        w = min(box.right, o.right) - max(box.x, o.x)
        h = min(box.bottom, o.bottom) - max(box.y, o.y)
        if w > 0 and h > 0:
            total += w * h
    return total
