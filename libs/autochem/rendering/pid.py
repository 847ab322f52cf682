"""The piping and instrumentation diagram as SVG.

The equipment and process lines are laid out as on the PFD, with room reserved above each unit for the
instruments mounted on it. Instruments are ISA-5.1 bubbles (letters over loop number): field instruments
as plain circles, control-room (DCS) controllers as a circle in a square with a line through it. A
controller with no location of its own is drawn next to the sensor of its loop. Instruments on a stream
sit on that stream's line: control and shut-off valves in the line, transmitters and analyzers beside it.
Control loops are dashed signal lines sensor → controller → final element (and master → secondary for a
cascade, disturbance → controller for feedforward, wild flow → controller for ratio). Relief valves sit
on the unit they protect; interlock triggers carry a diamond; interlocks, ESD, relief devices, loops and
instruments with no location are listed below the drawing with a legend.
"""

from __future__ import annotations

import itertools
import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from autochem.domain.design import Design
from autochem.domain.instrumentation import (
    ControlStrategy,
    Instrument,
    Instrumentation,
    InstrumentType,
    ReliefValve,
)
from autochem.domain.tags import INSTRUMENT_TAG_RE
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
)
from autochem.rendering.layout import LayoutOptions
from autochem.rendering.pfd import HEADER, header, placeholder_svg
from autochem.rendering.svg import (
    Box,
    arrow_marker,
    document,
    el,
    fmt_quantity,
    one_line,
    segment_box,
    serialize,
    shorten,
    text,
    text_width,
    title,
    wrap,
)

R = 15.0  # bubble radius
PITCH = 40.0  # horizontal pitch of instrument stacks
VPITCH = 38.0  # vertical pitch inside a stack
LEADER = 14.0  # gap between a unit band and its symbol
SIGNAL = "#c0392b"
INSTRUMENT = "#1f2d3d"
PER_ROW = 5

VALVE_TYPES = {InstrumentType.CONTROL_VALVE, InstrumentType.ON_OFF_VALVE}


def split_tag(tag: str) -> tuple[str, str]:
    """ISA letters and loop number (with suffix) of an instrument tag."""
    match = INSTRUMENT_TAG_RE.match(tag)
    if match is None:
        return tag, ""
    return match["letters"], match["loop"] + match["suffix"]


@dataclass
class Item:
    kind: str  # bubble | board | valve | onoff | psv
    tag: str
    tooltip: str
    psv: ReliefValve | None = None


@dataclass
class Placed:
    item: Item
    cx: float
    cy: float  # bubble centre; for valves the body centre (on the line)

    def anchor(self) -> tuple[float, float]:
        """Where signal lines attach."""
        if self.item.kind == "valve":
            return self.cx, self.cy - 19
        if self.item.kind == "onoff":
            return self.cx, self.cy - 22
        return self.cx, self.cy


@dataclass
class Homes:
    units: dict[str, list[list[Item]]] = field(default_factory=dict)  # unit key -> stacks
    streams: dict[str, list[list[Item]]] = field(default_factory=dict)  # stream key -> stacks
    panel: list[Item] = field(default_factory=list)


def _kind(inst: Instrument) -> str:
    if inst.type is InstrumentType.CONTROLLER:
        return "board"
    if inst.type is InstrumentType.CONTROL_VALVE:
        return "valve"
    if inst.type is InstrumentType.ON_OFF_VALVE:
        return "onoff"
    if inst.type in (InstrumentType.SAFETY_VALVE, InstrumentType.RUPTURE_DISC):
        return "psv"
    return "bubble"


def _tooltip(inst: Instrument) -> str:
    where = inst.location
    text_ = f"{inst.tag} ({inst.type.value.replace('_', ' ')})"
    if inst.description:
        text_ += f": {inst.description}"
    if where:
        text_ += f" — on {where}"
    return one_line(text_)


def assign_homes(view: FlowsheetView | None, ins: Instrumentation) -> Homes:
    """Decide where each instrument and relief valve is drawn, grouping controllers on their sensors."""
    homes = Homes()
    items: dict[str, tuple[str, str | None, Item]] = {}  # tag -> (home kind, home key, item)
    order: list[tuple[str, str | None, Item]] = []
    loops_by_controller = {}
    for loop in ins.control_loops:
        loops_by_controller.setdefault(loop.controller, loop)
    located: dict[str, tuple[str, str | None]] = {}
    for inst in ins.instruments:
        home: tuple[str, str | None] = ("panel", None)
        if view is not None and inst.unit_tag is not None and view.unit_key(inst.unit_tag):
            home = ("unit", view.unit_key(inst.unit_tag))
        elif view is not None and inst.stream_id is not None and view.stream_key(inst.stream_id):
            home = ("stream", view.stream_key(inst.stream_id))
        located.setdefault(inst.tag, home)
    for inst in ins.instruments:
        home = located[inst.tag]
        if inst.location is None and inst.tag in loops_by_controller:
            sensor = loops_by_controller[inst.tag].sensor
            home = located.get(sensor, home)
        item = Item(_kind(inst), inst.tag, _tooltip(inst))
        entry = (home[0], home[1], item)
        items.setdefault(inst.tag, entry)
        order.append(entry)
    for rv in ins.relief_valves:
        tip = f"{rv.tag} relief on {rv.protected_unit}, set {fmt_quantity(rv.set_pressure)}, to {rv.discharge_to}"
        if rv.scenario:
            tip += f" ({rv.scenario})"
        item = Item("psv", rv.tag, one_line(tip), psv=rv)
        key = view.unit_key(rv.protected_unit) if view is not None else None
        order.append(("unit", key, item) if key else ("panel", None, item))

    # Stacks: a controller sits on top of its loop's sensor when both are drawn at the same place.
    stacks: dict[tuple[str, str | None], list[list[Item]]] = {}
    stack_of: dict[str, list[Item]] = {}
    for kind, key, item in order:
        if kind == "panel":
            homes.panel.append(item)
            continue
        target = stacks.setdefault((kind, key), [])
        loop = loops_by_controller.get(item.tag)
        if item.kind == "board" and loop is not None:
            sensor_stack = stack_of.get(loop.sensor)
            if sensor_stack is not None and items[loop.sensor][:2] == (kind, key):
                sensor_stack.append(item)
                stack_of[item.tag] = sensor_stack
                continue
        new = [item]
        # A sensor that comes after its controller picks the controller up.
        if item.kind == "bubble":
            for other in target:
                if (
                    len(other) == 1
                    and other[0].kind == "board"
                    and loops_by_controller.get(other[0].tag) is not None
                    and loops_by_controller[other[0].tag].sensor == item.tag
                ):
                    other.insert(0, item)
                    new = []
                    stack_of[item.tag] = other
                    break
        if new:
            target.append(new)
            stack_of[item.tag] = new
    for (kind, key), value in stacks.items():
        (homes.units if kind == "unit" else homes.streams)[key] = value
    return homes


def band_size(stacks: list[list[Item]]) -> tuple[float, float]:
    if not stacks:
        return 0.0, 0.0
    rows = [stacks[i : i + PER_ROW] for i in range(0, len(stacks), PER_ROW)]
    width = min(len(stacks), PER_ROW) * PITCH
    height = sum(max(len(s) for s in row) * VPITCH for row in rows) + LEADER + 4
    return width, height


def render_pid_svg(design: Design) -> str:
    """The design's P&ID as a standalone SVG document (a placeholder sheet when there is nothing yet)."""
    flowsheet = design.pfd.flowsheet if design.pfd is not None else None
    ins = design.pid.instrumentation if design.pid is not None else None
    has_flowsheet = flowsheet is not None and bool(flowsheet.units or flowsheet.streams)
    if not has_flowsheet and (ins is None or not (ins.instruments or ins.relief_valves)):
        return placeholder_svg(
            f"P&ID — {design.chemical}", "No piping and instrumentation diagram has been produced yet."
        )
    ins = ins or Instrumentation()
    view = None
    homes = assign_homes(None, ins)
    if has_flowsheet:
        # Homes need the view's keys, the view needs the band sizes: keys are tags and "s<i>", known upfront.
        probe = build_view(flowsheet, options=_options())
        homes = assign_homes(probe, ins)
        view = build_view(
            flowsheet,
            band=lambda key: band_size(homes.units.get(key, [])),
            options=_options(),
            run_in=lambda key: len(homes.streams.get(key, [])) * PITCH + 40 if key in homes.streams else 0.0,
            port_pitch=30.0,
        )
    return _draw(design, view, ins, homes)


def _options() -> LayoutOptions:
    return LayoutOptions(node_gap=60.0, lane_gap=26.0, zone=84.0, track_gap=12.0)


def _draw(design: Design, view: FlowsheetView | None, ins: Instrumentation, homes: Homes) -> str:
    placed: dict[str, Placed] = {}
    diagram = el(None, "g", class_="diagram")
    top, bottom, right = 0.0, 40.0, 0.0
    if view is not None:
        draw_streams(diagram, view, "arrow", "arrow-recycle")
        draw_units(diagram, view)
        draw_terminals(diagram, view)
        signal_layer = el(diagram, "g", class_="signals")
        inst_layer = el(diagram, "g", class_="instruments")
        _unit_instruments(inst_layer, view, homes, placed)
        _stream_instruments(inst_layer, view, homes, placed)
        _line_labels(diagram, view, ins)
        _signals(signal_layer, view, ins, placed)
        _interlock_marks(inst_layer, ins, placed)
        # Instruments drawn on the outermost lines may reach past the layout's margins: grow the sheet.
        top = min([0.0] + [b.y - 10 for b in view.occupied])
        bottom = max([view.layout.height] + [b.bottom + 10 for b in view.occupied])
        right = max([view.layout.width] + [b.right + 10 for b in view.occupied])
    else:
        text(
            diagram,
            20,
            20,
            "No PFD yet: instruments are listed without process lines.",
            size=11,
            anchor="start",
            fill="#555",
        )
    panel_blocks = _panel_blocks(design, ins, homes)
    panel_w = sum(w for w, _, _ in panel_blocks) + 30 * len(panel_blocks)
    panel_h = max((h for _, h, _ in panel_blocks), default=0.0)
    width = max(right, panel_w + 40, 700)
    diagram_h = bottom - top
    height = HEADER + diagram_h + panel_h + 40
    root = document(width, height, f"P&ID — {one_line(design.chemical)}")
    defs = el(root, "defs")
    arrow_marker(defs, "arrow", LINE_COLOR)
    arrow_marker(defs, "arrow-recycle", RECYCLE_COLOR)
    header(root, design, "Piping and instrumentation diagram", width)
    diagram.set("transform", f"translate(0 {HEADER - top:.0f})")
    root.append(diagram)
    panel = el(root, "g", class_="panel", transform=f"translate(20 {HEADER + diagram_h + 20:.0f})")
    x = 0.0
    for w, _, draw in panel_blocks:
        g = el(panel, "g", transform=f"translate({x:.0f} 0)")
        draw(g)
        x += w + 30
    if design.pid is None:
        text(root, width - 20, 26, "no instrumentation produced yet", size=11, anchor="end", fill=SIGNAL)
    return serialize(root)


# ---------------------------------------------------------------------------------------------- symbols


def draw_item(parent: ET.Element, item: Item, cx: float, cy: float) -> None:
    letters, number = split_tag(item.tag)
    g = el(parent, "g", class_=f"instrument {item.kind}", data_tag=item.tag, data_at=f"{cx:.1f} {cy:.1f}")
    title(g, item.tooltip)
    if item.kind in ("bubble", "board"):
        if item.kind == "board":
            el(
                g,
                "rect",
                x=cx - R - 2,
                y=cy - R - 2,
                width=2 * R + 4,
                height=2 * R + 4,
                fill="white",
                stroke=INSTRUMENT,
                stroke_width=1.0,
            )
        el(g, "circle", cx=cx, cy=cy, r=R, fill="white", stroke=INSTRUMENT, stroke_width=1.3)
        if item.kind == "board":
            el(g, "line", x1=cx - R, y1=cy, x2=cx + R, y2=cy, stroke=INSTRUMENT, stroke_width=1.0)
        size = 8.5 if len(letters) <= 3 else 7.0
        text(g, cx, cy - 2.5, letters, size=size, weight="bold", class_="isa-letters")
        text(g, cx, cy + 9.5, number, size=7.5, class_="isa-loop")
    elif item.kind in ("valve", "onoff"):
        w, h = 11.0, 7.0
        el(
            g,
            "path",
            d=f"M {cx - w:.1f} {cy - h:.1f} L {cx + w:.1f} {cy + h:.1f} L {cx + w:.1f} {cy - h:.1f} L {cx - w:.1f} {cy + h:.1f} Z",
            fill="white",
            stroke=INSTRUMENT,
            stroke_width=1.3,
        )
        el(g, "line", x1=cx, y1=cy, x2=cx, y2=cy - 14, stroke=INSTRUMENT, stroke_width=1.2)
        if item.kind == "valve":
            el(
                g,
                "path",
                d=f"M {cx - 8:.1f} {cy - 14:.1f} A 8 8 0 0 1 {cx + 8:.1f} {cy - 14:.1f} Z",
                fill="white",
                stroke=INSTRUMENT,
                stroke_width=1.2,
            )
        else:
            el(
                g,
                "rect",
                x=cx - 7,
                y=cy - 26,
                width=14,
                height=12,
                fill="white",
                stroke=INSTRUMENT,
                stroke_width=1.2,
            )
            text(g, cx, cy - 17, "S", size=7, weight="bold")
        ty = cy - 36 if item.kind == "valve" else cy - 39
        text(g, cx, ty, letters, size=8, weight="bold", class_="isa-letters")
        text(g, cx, ty + 8.5, number, size=7.5, class_="isa-loop")
    else:  # psv / rupture disc: angle valve with a spring, inlet from below
        el(
            g,
            "path",
            d=f"M {cx - 7:.1f} {cy + 12:.1f} L {cx + 7:.1f} {cy + 12:.1f} L {cx:.1f} {cy:.1f} Z",
            fill="white",
            stroke=INSTRUMENT,
            stroke_width=1.2,
        )
        el(
            g,
            "path",
            d=f"M {cx + 12:.1f} {cy - 7:.1f} L {cx + 12:.1f} {cy + 7:.1f} L {cx:.1f} {cy:.1f} Z",
            fill="white",
            stroke=INSTRUMENT,
            stroke_width=1.2,
        )
        el(
            g,
            "path",
            d=f"M {cx:.1f} {cy:.1f} L {cx:.1f} {cy - 4:.1f} L {cx - 4:.1f} {cy - 6:.1f} L {cx + 4:.1f} {cy - 9:.1f} L {cx - 4:.1f} {cy - 12:.1f} L {cx + 4:.1f} {cy - 15:.1f} L {cx:.1f} {cy - 17:.1f}",
            fill="none",
            stroke=INSTRUMENT,
            stroke_width=1.0,
        )
        el(g, "line", x1=cx + 12, y1=cy, x2=cx + 18, y2=cy, stroke=INSTRUMENT, stroke_width=1.2)
        text(g, cx - 2, cy - 21, item.tag, size=7.5, weight="bold", class_="isa-tag")
        if item.psv is not None:
            text(g, cx + 4, cy + 22, fmt_quantity(item.psv.set_pressure), size=7, fill="#555")


# --------------------------------------------------------------------------------------------- placement


def _unit_instruments(
    parent: ET.Element, view: FlowsheetView, homes: Homes, placed: dict[str, Placed]
) -> None:
    for key, stacks in homes.units.items():
        if key not in view.bands or not stacks:
            continue
        band = view.bands[key]
        sym = view.layout.symbols[key]
        rows = [stacks[i : i + PER_ROW] for i in range(0, len(stacks), PER_ROW)]
        bottom = sym.y - LEADER
        for row in rows:
            n = len(row)
            x0 = band.cx - (n - 1) * PITCH / 2
            row_h = max(len(s) for s in row) * VPITCH
            for j, stack in enumerate(row):
                cx = x0 + j * PITCH
                for k, item in enumerate(stack):
                    cy = bottom - VPITCH / 2 - k * VPITCH
                    if k == 0:
                        # process connection down to the vessel
                        foot_x = min(max(cx, sym.x + 6), sym.right - 6)
                        start = cy + (R if item.kind in ("bubble", "board") else 12)
                        el(
                            parent,
                            "path",
                            d=f"M {cx:.1f} {start:.1f} L {cx:.1f} {sym.y - 6:.1f} L {foot_x:.1f} {sym.y + 1:.1f}",
                            fill="none",
                            stroke=INSTRUMENT,
                            stroke_width=1.0,
                            class_="connection",
                        )
                    draw_item(parent, item, cx, cy)
                    placed.setdefault(item.tag, Placed(item, cx, cy))
                    view.occupied.append(Box(cx - R - 2, cy - R - 2, 2 * R + 4, 2 * R + 4))
            bottom -= row_h


def _extent(stacks: list[list[Item]], below: bool) -> tuple[float, float]:
    """Height used above and below the line by a cluster of stacks standing on it (or hanging below)."""
    up, down = 4.0, 4.0
    for stack in stacks:
        if stack[0].kind in ("valve", "onoff", "psv"):
            up = max(up, 48.0 + (len(stack) - 1) * VPITCH)
            down = max(down, 10.0)
        else:
            reach = 30 + R + (len(stack) - 1) * VPITCH + 2
            if below:
                down = max(down, reach)
            else:
                up = max(up, reach)
    return up, down


def _stream_instruments(
    parent: ET.Element, view: FlowsheetView, homes: Homes, placed: dict[str, Placed]
) -> None:
    for key, stacks in homes.streams.items():
        if key not in view.layout.routes or not stacks:
            continue
        points = view.layout.routes[key]
        width = len(stacks) * PITCH
        obstacles = [b for _, b in route_obstacles(view, skip=key)] + view.occupied
        own = [segment_box(a[0], a[1], b[0], b[1], 2.0) for a, b in itertools.pairwise(points)]
        best = None
        fallback, fallback_cost = None, float("inf")
        for x0, x1, y in horizontal_segments(points):
            others = [b for b in own if not (abs(b.cy - y) < 0.1 and b.h < 5)]
            fits = x1 - x0 >= width + 12
            for frac in (0.5, 0.3, 0.7, 0.15, 0.85):
                cx = x0 + frac * (x1 - x0)
                cx = min(max(cx, x0 + width / 2 + 6), x1 - width / 2 - 6) if fits else (x0 + x1) / 2
                for below in (False, True):
                    up, down = _extent(stacks, below)
                    box = Box(cx - width / 2, y - up, width, up + down)
                    if fits and free(box, obstacles + others, 2.0):
                        best = (cx, y, below, box)
                        break
                    cost = overlap_area(box, obstacles + others) + (0 if fits else 1e5)
                    if cost < fallback_cost:
                        fallback, fallback_cost = (cx, y, below, box), cost
                if best:
                    break
            if best:
                break
        if best is None:
            if len(stacks) > 1:
                # No room for the whole group together: each stack finds its own place on the line.
                for stack in stacks:
                    _place_stacks(parent, view, key, [stack], placed)
                continue
            best = fallback
        if best is None:
            continue
        _draw_cluster(parent, view, stacks, best, placed)


def _place_stacks(
    parent: ET.Element, view: FlowsheetView, key: str, stacks: list[list[Item]], placed: dict[str, Placed]
) -> None:
    points = view.layout.routes[key]
    width = len(stacks) * PITCH
    obstacles = [b for _, b in route_obstacles(view, skip=key)] + view.occupied
    own = [segment_box(a[0], a[1], b[0], b[1], 2.0) for a, b in itertools.pairwise(points)]
    fallback, fallback_cost = None, float("inf")
    for x0, x1, y in horizontal_segments(points):
        others = [b for b in own if not (abs(b.cy - y) < 0.1 and b.h < 5)]
        steps = max(int((x1 - x0 - width - 12) // 10), 0) + 1
        for i in range(steps):
            cx = x0 + 6 + width / 2 + i * 10 if x1 - x0 >= width + 12 else (x0 + x1) / 2
            for below in (False, True):
                up, down = _extent(stacks, below)
                box = Box(cx - width / 2, y - up, width, up + down)
                cost = overlap_area(box, obstacles + others) + (0 if x1 - x0 >= width + 12 else 1e5)
                if cost < fallback_cost:
                    fallback, fallback_cost = (cx, y, below, box), cost
                if cost == 0:
                    _draw_cluster(parent, view, stacks, fallback, placed)
                    return
    if fallback is not None:
        _draw_cluster(parent, view, stacks, fallback, placed)


def _draw_cluster(
    parent: ET.Element, view: FlowsheetView, stacks: list[list[Item]], spot: tuple, placed: dict[str, Placed]
) -> None:
    cx, y, below, box = spot
    width = len(stacks) * PITCH
    view.occupied.append(box)
    x = cx - width / 2 + PITCH / 2
    sign = 1 if below else -1
    for stack in stacks:
        first = stack[0]
        if first.kind in ("valve", "onoff", "psv"):
            cy = y if first.kind != "psv" else y - 12
            draw_item(parent, first, x, cy)
            placed.setdefault(first.tag, Placed(first, x, cy))
            positions = [y - 48 - VPITCH / 2 - k * VPITCH for k in range(len(stack) - 1)]
        else:
            cy = y + sign * 30
            el(
                parent,
                "line",
                x1=x,
                y1=y,
                x2=x,
                y2=cy - sign * R,
                stroke=INSTRUMENT,
                stroke_width=1.0,
                class_="connection",
            )
            positions = [cy + sign * k * VPITCH for k in range(len(stack))]
        for item, cy in zip(stack[len(stack) - len(positions) :], positions, strict=True):
            draw_item(parent, item, x, cy)
            placed.setdefault(item.tag, Placed(item, x, cy))
        x += PITCH


def _line_labels(parent: ET.Element, view: FlowsheetView, ins: Instrumentation) -> None:
    """Each line's stream id and piping class (line spec)."""
    spec_of: dict[str, str] = {}
    for spec in ins.line_specs:
        for sid in spec.stream_ids:
            spec_of.setdefault(sid, spec.id)
    group = el(parent, "g", class_="line-labels")
    for key, stream in view.streams.items():
        label = shorten(stream.id, 16) + (
            f" · {shorten(spec_of[stream.id], 10)}" if stream.id in spec_of else ""
        )
        w, h = text_width(label, 8.0) + 6, 11.0
        points = view.layout.routes[key]
        obstacles = [b for _, b in route_obstacles(view, skip=key)] + view.occupied
        spot = None
        for x0, x1, y in horizontal_segments(points):
            if x1 - x0 < w + 6:
                continue
            for frac in (0.5, 0.25, 0.75, 0.1, 0.9):
                cx = min(max(x0 + frac * (x1 - x0), x0 + w / 2 + 3), x1 - w / 2 - 3)
                for top in (y - h - 2, y + 2):
                    box = Box(cx - w / 2, top, w, h)
                    if free(box, obstacles, 1.0):
                        spot = box
                        break
                if spot:
                    break
            if spot:
                break
        if spot is None:
            best_area = float("inf")
            for x0, x1, y in horizontal_segments(points):
                for frac in (0.5, 0.2, 0.8):
                    for top in (y - h - 2, y + 2):
                        box = Box(x0 + frac * (x1 - x0) - w / 2, top, w, h)
                        area = overlap_area(box, obstacles)
                        if area < best_area:
                            spot, best_area = box, area
            if spot is None:
                continue
        view.occupied.append(spot)
        g = el(group, "g", class_="line-label", data_stream=one_line(stream.id))
        el(g, "rect", x=spot.x, y=spot.y, width=spot.w, height=spot.h, fill="white", fill_opacity=0.85)
        text(
            g,
            spot.cx,
            spot.y + 8.5,
            label,
            size=8.0,
            fill=RECYCLE_COLOR if key in view.layout.reversed_edges else "#1f2d3d",
        )


# ------------------------------------------------------------------------------------------------ signals


def _signals(
    parent: ET.Element, view: FlowsheetView, ins: Instrumentation, placed: dict[str, Placed]
) -> None:
    pairs: list[tuple[str, str, str, str]] = []  # (from tag, to tag, loop id, role)
    by_id = {loop.id: loop for loop in ins.control_loops}
    for loop in ins.control_loops:
        pairs.append((loop.sensor, loop.controller, loop.id, "measurement"))
        if loop.final_element:
            pairs.append((loop.controller, loop.final_element, loop.id, "output"))
        if loop.strategy is ControlStrategy.CASCADE and loop.secondary_loop in by_id:
            pairs.append((loop.controller, by_id[loop.secondary_loop].controller, loop.id, "setpoint"))
        if loop.disturbance_measurement:
            pairs.append((loop.disturbance_measurement, loop.controller, loop.id, "feedforward"))
        if loop.strategy is ControlStrategy.RATIO and loop.wild_stream:
            for inst in ins.instruments:
                if inst.stream_id == loop.wild_stream and inst.tag[:1] == "F" and inst.tag != loop.sensor:
                    pairs.append((inst.tag, loop.controller, loop.id, "wild flow"))
                    break
    symbols = list(view.layout.symbols.values())
    lx = view.layout.layer_x
    channels = [(lx[i][1] + lx[i + 1][0]) / 2 for i in range(len(lx) - 1)]
    drawn = set()
    for a, b, loop_id, role in pairs:
        if a not in placed or b not in placed or a == b or (a, b) in drawn:
            continue
        drawn.add((a, b))
        (x1, y1), (x2, y2) = placed[a].anchor(), placed[b].anchor()
        others = [Box(p.cx - R, p.cy - R, 2 * R, 2 * R) for t, p in placed.items() if t not in (a, b)]
        options: list[list[tuple[float, float]]] = [
            [(x1, y1), (x2, y1), (x2, y2)],
            [(x1, y1), (x1, y2), (x2, y2)],
            [(x1, y1), (x2, y2)],
        ]
        lo, hi = min(x1, x2) - 150, max(x1, x2) + 150
        options += [[(x1, y1), (xm, y1), (xm, y2), (x2, y2)] for xm in channels if lo <= xm <= hi]
        for ym in (min(y1, y2) - 26, max(y1, y2) + 26, (y1 + y2) / 2):
            options.append([(x1, y1), (x1, ym), (x2, ym), (x2, y2)])
        path = _simplify_path(min(options, key=lambda path: _signal_cost(path, symbols, others)))
        g = el(parent, "g", class_="signal", data_loop=one_line(loop_id), data_from=a, data_to=b)
        title(g, one_line(f"loop {loop_id}: {role} signal {a} → {b}"))
        d = "M " + " L ".join(f"{x:.1f} {y:.1f}" for x, y in path)
        el(g, "path", d=d, fill="none", stroke=SIGNAL, stroke_width=1.1, stroke_dasharray="5 3")


def _signal_cost(path: list[tuple[float, float]], symbols: list[Box], bubbles: list[Box]) -> float:
    """Running over equipment costs most, then over other instruments, then length and bends; a diagonal
    costs like a few bends (orthogonal lines read better)."""
    total = 0.0
    for p, q in itertools.pairwise(path):
        seg = segment_box(p[0], p[1], q[0], q[1], 1.0)
        total += 10 * overlap_area(seg, [s.grow(-2) for s in symbols]) + 3 * overlap_area(seg, bubbles)
        total += 0.02 * (abs(q[0] - p[0]) + abs(q[1] - p[1]))
        if abs(p[0] - q[0]) > 1 and abs(p[1] - q[1]) > 1:
            total += 8.0
    return total + 2.0 * (len(path) - 2)


def _simplify_path(path: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for p in path:
        if out and abs(out[-1][0] - p[0]) < 0.01 and abs(out[-1][1] - p[1]) < 0.01:
            continue
        out.append(p)
    return out


def _interlock_marks(parent: ET.Element, ins: Instrumentation, placed: dict[str, Placed]) -> None:
    marks: dict[str, list[str]] = {}
    for lock in ins.interlocks:
        marks.setdefault(lock.trigger, []).append(lock.id)
    for esd in ins.esd_systems:
        for tag in esd.initiators:
            marks.setdefault(tag, []).append(esd.id)
    for tag, ids in marks.items():
        if tag not in placed:
            continue
        p = placed[tag]
        cx, cy = p.cx + R + 2, p.cy - R + 2
        g = el(parent, "g", class_="interlock-mark", data_trigger=tag)
        title(g, one_line(f"{tag} initiates {', '.join(ids)}"))
        el(
            g,
            "path",
            d=f"M {cx:.1f} {cy - 7:.1f} L {cx + 7:.1f} {cy:.1f} L {cx:.1f} {cy + 7:.1f} L {cx - 7:.1f} {cy:.1f} Z",
            fill="#fff4d6",
            stroke=SIGNAL,
            stroke_width=1.0,
        )
        text(g, cx, cy + 3, "I", size=7.5, weight="bold", fill=SIGNAL)


# -------------------------------------------------------------------------------------------------- panel


def _text_block(title_text: str, lines: list[str], width_chars: int = 70):
    wrapped: list[tuple[str, bool]] = []
    for line in lines:
        for i, part in enumerate(wrap(line, width_chars, 4)):
            wrapped.append((part, i == 0))
    w = max([text_width(title_text, 11)] + [text_width(t, 9) + 10 for t, _ in wrapped]) + 4
    h = 22 + 12 * len(wrapped)

    def draw(g: ET.Element) -> None:
        text(g, 0, 12, title_text, size=11, anchor="start", weight="bold")
        for i, (t, first) in enumerate(wrapped):
            text(g, 0 if first else 10, 28 + 12 * i, t, size=9, anchor="start", fill="#222")

    return w, h, draw


def _panel_blocks(design: Design, ins: Instrumentation, homes: Homes):
    blocks = [_legend()]
    loops = []
    for loop in ins.control_loops:
        chain = " → ".join(t for t in (loop.sensor, loop.controller, loop.final_element) if t)
        extra = []
        if loop.setpoint is not None:
            extra.append(f"SP {fmt_quantity(loop.setpoint)}")
        if loop.secondary_loop:
            extra.append(f"sets {loop.secondary_loop}")
        if loop.ratio is not None:
            extra.append(f"ratio {loop.ratio:g} to {loop.wild_stream}")
        if loop.disturbance_measurement:
            extra.append(f"feedforward from {loop.disturbance_measurement}")
        loops.append(
            f"{loop.id} {loop.strategy.value} {loop.measured_variable.value}: {chain}"
            + (f" ({'; '.join(extra)})" if extra else "")
        )
    blocks.append(_text_block("Control loops", loops or ["none"], 64))
    safety = []
    for lock in ins.interlocks:
        sil = f" SIL {lock.sil}" if lock.sil else ""
        safety.append(f"{lock.id}{sil}: {lock.trigger} {lock.condition} → {'; '.join(lock.actions)}")
    for esd in ins.esd_systems:
        safety.append(
            f"{esd.id} (ESD): initiators {', '.join(esd.initiators)} → {'; '.join(esd.actions) or ', '.join(esd.final_elements) or 'no actions given'}"
        )
    for rv in ins.relief_valves:
        safety.append(
            f"{rv.tag} on {rv.protected_unit}: set {fmt_quantity(rv.set_pressure)}, to {rv.discharge_to}"
            + (f" ({rv.scenario})" if rv.scenario else "")
        )
    blocks.append(_text_block("Interlocks, ESD and relief", safety or ["none"], 70))
    if homes.panel:
        blocks.append(_panel_instruments(homes.panel))
    return blocks


def _panel_instruments(items: list[Item]):
    per_row = 8
    rows = math.ceil(len(items) / per_row)
    row_h = 64.0
    w = max(min(len(items), per_row) * PITCH, text_width("Control room / not located", 11))
    h = 20 + rows * row_h

    def draw(g: ET.Element) -> None:
        text(g, 0, 12, "Control room / not located", size=11, anchor="start", weight="bold")
        for i, item in enumerate(items):
            cx = R + 4 + (i % per_row) * PITCH
            base = 20 + (i // per_row) * row_h  # top of the row
            cy = base + (50 if item.kind in ("valve", "onoff") else 34 if item.kind == "psv" else 30)
            draw_item(g, item, cx, cy)

    return w, h, draw


def _legend():
    samples = [
        (Item("bubble", "TT-1", "field instrument"), "field instrument (ISA letters / loop)", 40.0),
        (Item("board", "TIC-1", "control-room controller"), "control-room (DCS) controller", 40.0),
        (Item("valve", "TV-1", "control valve"), "control valve with actuator", 58.0),
        (Item("onoff", "XV-1", "shut-off valve"), "on/off shut-off valve", 60.0),
        (Item("psv", "PSV-1", "relief valve"), "pressure relief valve", 44.0),
    ]
    w = 240.0
    h = 30 + 3 * 18 + 8 + sum(step for _, _, step in samples) + 24

    def draw(g: ET.Element) -> None:
        text(g, 0, 12, "Legend", size=11, anchor="start", weight="bold")
        el(g, "rect", x=-6, y=18, width=w, height=h - 18, fill="none", stroke="#bbb", stroke_width=0.8)
        y = 34.0
        for color, dash, label in (
            (LINE_COLOR, None, "process line"),
            (RECYCLE_COLOR, None, "recycle (runs against the layout)"),
            (SIGNAL, "5 3", "signal line (control loop)"),
        ):
            el(g, "line", x1=4, y1=y, x2=44, y2=y, stroke=color, stroke_width=1.4, stroke_dasharray=dash)
            text(g, 56, y + 3, label, size=9, anchor="start")
            y += 18
        y += 8
        for item, label, step in samples:
            g2 = el(g, "g", class_="legend-item")
            if item.kind in ("valve", "onoff"):
                cy = y + step - 12
                el(g2, "line", x1=4, y1=cy, x2=44, y2=cy, stroke=LINE_COLOR, stroke_width=1.4)
            elif item.kind == "psv":
                cy = y + 28
            else:
                cy = y + step / 2
            draw_item(g2, item, 24, cy)
            text(g, 56, cy + 3, label, size=9, anchor="start")
            y += step
        cx, cy = 24, y + 10
        el(
            g,
            "path",
            d=f"M {cx} {cy - 7} L {cx + 7} {cy} L {cx} {cy + 7} L {cx - 7} {cy} Z",
            fill="#fff4d6",
            stroke=SIGNAL,
            stroke_width=1.0,
        )
        text(g, cx, cy + 3, "I", size=7.5, weight="bold", fill=SIGNAL)
        text(g, 56, cy + 3, "initiates an interlock / ESD", size=9, anchor="start")

    return w + 10, h + 10, draw
