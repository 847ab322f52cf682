"""PFD and P&ID SVGs: well-formed, complete (every unit, stream and instrument drawn), readable (no
overlapping equipment, no line through equipment, feeds left and products right, instruments near what they
measure) and safe with hostile text."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

import pytest

from autochem.domain.design import Design, Pfd, Pid
from autochem.domain.examples import nitric_acid_design, reference_designs
from autochem.domain.flowsheet import Flowsheet, Stream, Unit, UnitType
from autochem.domain.instrumentation import Instrument, Instrumentation, InstrumentType
from autochem.domain.random_designs import random_design
from autochem.rendering import render_pfd_svg, render_pid_svg
from autochem.rendering.layout import EdgeSpec, NodeGeom, layered_layout
from autochem.rendering.pid import split_tag
from autochem.rendering.svg import Box

NS = {"s": "http://www.w3.org/2000/svg"}
REFERENCES = reference_designs()


def parse(svg: str) -> ET.Element:
    assert svg.startswith("<?xml")
    return ET.fromstring(svg)


def groups(root: ET.Element, cls: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{{{NS['s']}}}g") if cls in (g.get("class") or "").split()]


def box(attr: str) -> Box:
    x, y, w, h = map(float, attr.split())
    return Box(x, y, w, h)


def texts(element: ET.Element) -> list[str]:
    return [t.text or "" for t in element.iter(f"{{{NS['s']}}}text")]


def path_points(d: str) -> list[tuple[float, float]]:
    tokens = d.replace("M", " ").replace("L", " ").split()
    values = list(map(float, tokens))
    return list(zip(values[::2], values[1::2], strict=True))


@pytest.fixture(scope="module")
def rendered() -> dict[str, tuple[ET.Element, ET.Element]]:
    return {name: (parse(render_pfd_svg(d)), parse(render_pid_svg(d))) for name, d in REFERENCES.items()}


@pytest.mark.parametrize("name", list(REFERENCES))
def test_every_unit_and_stream_is_drawn_once(name: str, rendered) -> None:
    design = REFERENCES[name]
    fs = design.pfd.flowsheet
    for root in rendered[name]:
        units = groups(root, "unit")
        assert sorted(g.get("data-tag") for g in units) == sorted(u.tag for u in fs.units)
        for g, unit in zip(
            sorted(units, key=lambda g: g.get("data-tag")), sorted(fs.units, key=lambda u: u.tag), strict=True
        ):
            assert unit.tag in texts(g)  # the tag is written, not only an attribute
            assert g.get("data-type") == unit.type.value
        streams = groups(root, "stream")
        assert sorted(g.get("data-stream") for g in streams) == sorted(s.id for s in fs.streams)
        arrows = [p for g in streams for p in g.iter(f"{{{NS['s']}}}path") if p.get("marker-end")]
        assert len(arrows) == len(fs.streams)


@pytest.mark.parametrize("name", list(REFERENCES))
def test_pfd_labels_streams_with_their_conditions(name: str, rendered) -> None:
    design = REFERENCES[name]
    pfd, _ = rendered[name]
    labels = {g.get("data-stream"): texts(g) for g in groups(pfd, "stream-label")}
    assert set(labels) == {s.id for s in design.pfd.flowsheet.streams}
    with_conditions = [lines for lines in labels.values() if len(lines) > 1]
    # Most labels carry T/P/flow (the rest, in tight spots, at least the id; all are in the stream table).
    assert len(with_conditions) >= 0.6 * len(labels)
    table = texts(groups(pfd, "stream-table")[0])
    for stream in design.pfd.flowsheet.streams:
        assert stream.id in table


@pytest.mark.parametrize("name", list(REFERENCES))
def test_equipment_does_not_overlap(name: str, rendered) -> None:
    for root in rendered[name]:
        symbols = [box(g.get("data-bbox")) for g in groups(root, "unit")]
        nodes = [box(g.get("data-node-bbox")) for g in groups(root, "unit")]
        terminals = [box(g.get("data-bbox")) for g in groups(root, "terminal")]
        for a, b in itertools.combinations(symbols + terminals, 2):
            assert not a.overlaps(b), (a, b)
        for a, b in itertools.combinations(nodes + terminals, 2):  # labels included
            assert not a.overlaps(b), (a, b)


@pytest.mark.parametrize("name", list(REFERENCES))
def test_process_lines_are_orthogonal_and_never_cross_equipment(name: str, rendered) -> None:
    design = REFERENCES[name]
    ends = {s.id: {s.from_unit, s.to_unit} for s in design.pfd.flowsheet.streams}
    for root in rendered[name]:
        symbols = {g.get("data-tag"): box(g.get("data-bbox")).grow(-1.5) for g in groups(root, "unit")}
        for g in groups(root, "stream"):
            points = path_points(g.find("s:path", NS).get("d"))
            assert len(points) >= 2
            for (x1, y1), (x2, y2) in itertools.pairwise(points):
                assert abs(x1 - x2) < 0.05 or abs(y1 - y2) < 0.05, "diagonal process line"
                seg = Box(min(x1, x2), min(y1, y2), abs(x2 - x1) + 0.01, abs(y2 - y1) + 0.01)
                for tag, sym in symbols.items():
                    if tag not in ends[g.get("data-stream")]:
                        assert not seg.overlaps(sym), (g.get("data-stream"), tag)


@pytest.mark.parametrize("name", list(REFERENCES))
def test_feeds_enter_left_and_products_leave_right(name: str, rendered) -> None:
    pfd, _ = rendered[name]
    units = [box(g.get("data-bbox")) for g in groups(pfd, "unit")]
    feeds = [box(g.get("data-bbox")) for g in groups(pfd, "feed")]
    products = [box(g.get("data-bbox")) for g in groups(pfd, "product")]
    assert feeds and products
    assert max(f.right for f in feeds) < min(u.x for u in units)
    assert min(p.x for p in products) > max(u.right for u in units)


def test_layout_is_layered_left_to_right_with_recycles_reversed() -> None:
    edges = [
        EdgeSpec("a", "feed", "A"),
        EdgeSpec("b", "A", "B"),
        EdgeSpec("c", "B", "C"),
        EdgeSpec("r", "C", "A"),  # recycle
        EdgeSpec("d", "C", "product"),
    ]
    layout = layered_layout(
        ["A", "B", "C", "feed", "product"],
        edges,
        lambda key, n_in, n_out: NodeGeom(40, 40, Box(0, 0, 40, 40)),
        feeds=["feed"],
        products=["product"],
    )
    assert layout.layers == {"feed": 0, "A": 1, "B": 2, "C": 3, "product": 4}
    assert layout.reversed_edges == {"r"}
    xs = [layout.nodes[k].x for k in ("feed", "A", "B", "C", "product")]
    assert xs == sorted(xs) and len(set(xs)) == 5
    # The recycle leaves C on its left side and arrives at A's right side, pointing back upstream.
    recycle = layout.routes["r"]
    assert recycle[0][0] == pytest.approx(layout.symbols["C"].x)
    assert recycle[-1][0] == pytest.approx(layout.symbols["A"].right)
    assert recycle[-1][0] < recycle[-2][0]


@pytest.mark.parametrize("name", list(REFERENCES))
def test_pid_draws_every_instrument_with_isa_letters_over_loop_number(name: str, rendered) -> None:
    design = REFERENCES[name]
    ins = design.pid.instrumentation
    _, pid = rendered[name]
    drawn = {}
    for g in groups(pid, "instrument"):
        if not any(g in list(p.iter()) for p in groups(pid, "legend-item")):
            drawn.setdefault(g.get("data-tag"), g)
    wanted = {i.tag for i in ins.instruments} | {r.tag for r in ins.relief_valves}
    assert wanted <= set(drawn)
    for inst in ins.instruments:
        g = drawn[inst.tag]
        letters, number = split_tag(inst.tag)
        if inst.type in (
            InstrumentType.CONTROL_VALVE,
            InstrumentType.ON_OFF_VALVE,
            InstrumentType.SAFETY_VALVE,
        ):
            assert inst.tag in "".join(texts(g)) or [letters, number] == texts(g)[-2:]
            continue
        assert g.find("s:circle", NS) is not None, inst.tag  # a bubble
        assert texts(g)[-2:] == [letters, number]
        # the letters sit above the loop number
        y = [float(t.get("y")) for t in g.iter(f"{{{NS['s']}}}text")][-2:]
        assert y[0] < y[1]


@pytest.mark.parametrize("name", list(REFERENCES))
def test_pid_instruments_sit_near_their_unit(name: str, rendered) -> None:
    design = REFERENCES[name]
    _, pid = rendered[name]
    units = {g.get("data-tag"): box(g.get("data-node-bbox")) for g in groups(pid, "unit")}
    at = {g.get("data-tag"): tuple(map(float, g.get("data-at").split())) for g in groups(pid, "instrument")}
    checked = 0
    for inst in design.pid.instrumentation.instruments:
        if inst.unit_tag in units:
            x, y = at[inst.tag]
            node = units[inst.unit_tag]
            assert node.x - 5 <= x <= node.right + 5 and node.y - 5 <= y <= node.bottom + 5, inst.tag
            checked += 1
    for rv in design.pid.instrumentation.relief_valves:
        x, y = at[rv.tag]
        node = units[rv.protected_unit]
        assert node.x - 5 <= x <= node.right + 5 and node.y - 5 <= y <= node.bottom + 5, rv.tag
        checked += 1
    assert checked > 0


@pytest.mark.parametrize("name", list(REFERENCES))
def test_pid_control_loops_are_dashed_signal_lines(name: str, rendered) -> None:
    design = REFERENCES[name]
    _, pid = rendered[name]
    signals = groups(pid, "signal")
    by_loop: dict[str, set[tuple[str, str]]] = {}
    for g in signals:
        assert g.find("s:path", NS).get("stroke-dasharray")
        by_loop.setdefault(g.get("data-loop"), set()).add((g.get("data-from"), g.get("data-to")))
    for loop in design.pid.instrumentation.control_loops:
        assert (loop.sensor, loop.controller) in by_loop[loop.id]
        if loop.final_element:
            assert (loop.controller, loop.final_element) in by_loop[loop.id]
    # Interlock and ESD initiators are marked; the legend and the safety list are there.
    triggers = {lock.trigger for lock in design.pid.instrumentation.interlocks}
    assert triggers <= {g.get("data-trigger") for g in groups(pid, "interlock-mark")}
    assert len(groups(pid, "legend-item")) >= 5
    panel_text = " ".join(texts(groups(pid, "panel")[0]))
    for lock in design.pid.instrumentation.interlocks:
        assert lock.id in panel_text
    for esd in design.pid.instrumentation.esd_systems:
        assert esd.id in panel_text


def test_nitric_acid_pid_puts_control_valves_on_their_lines() -> None:
    root = parse(render_pid_svg(nitric_acid_design()))
    lines = {g.get("data-stream"): path_points(g.find("s:path", NS).get("d")) for g in groups(root, "stream")}
    valves = {g.get("data-tag"): tuple(map(float, g.get("data-at").split())) for g in groups(root, "valve")}
    for tag, stream in (("FV-101", "S-2"), ("LV-106", "S-15"), ("PV-202", "S-20"), ("FV-203", "S-19")):
        x, y = valves[tag]
        on_line = any(
            abs(a[1] - y) < 0.2 and abs(b[1] - y) < 0.2 and min(a[0], b[0]) <= x <= max(a[0], b[0])
            for a, b in itertools.pairwise(lines[stream])
        )
        assert on_line, tag


@pytest.mark.parametrize("seed", range(25))
def test_random_designs_render(seed: int) -> None:
    design = random_design(seed)
    for render in (render_pfd_svg, render_pid_svg):
        root = parse(render(design))
        symbols = [box(g.get("data-bbox")) for g in groups(root, "unit")]
        for a, b in itertools.combinations(symbols, 2):
            assert not a.overlaps(b)
        if design.pfd is not None:
            assert len(groups(root, "stream")) == len(design.pfd.flowsheet.streams)


HOSTILE = '<script>alert("x")</script> & a|b \x01\x1b ]]> 🧪'


def hostile_design() -> Design:
    units = [
        Unit(tag="R-101", type=UnitType.REACTOR_CSTR, name=HOSTILE, description=HOSTILE),
        Unit(tag="X-1", type=UnitType.OTHER, name="a|b"),
    ]
    streams = [
        Stream(id="S-1", name=HOSTILE, to_unit="R-101"),
        Stream(id="<S&2>", name="x", from_unit="R-101", to_unit="X-1"),
        Stream(id="S-3", from_unit="X-1", to_unit="NOWHERE-9"),  # a unit that does not exist
    ]
    ins = Instrumentation(
        instruments=[
            Instrument(tag="TT-1", type=InstrumentType.TRANSMITTER, description=HOSTILE, unit_tag="R-101"),
            Instrument(tag="FT-2", type=InstrumentType.TRANSMITTER, stream_id="<S&2>"),
            Instrument(tag="HS-3", type=InstrumentType.HAND_SWITCH, description=HOSTILE),
        ]
    )
    return Design(
        id="hostile",
        chemical=HOSTILE,
        created_at=nitric_acid_design().created_at,
        pfd=Pfd(description=HOSTILE, flowsheet=Flowsheet(units=units, streams=streams)),
        pid=Pid(description=HOSTILE, instrumentation=ins),
    )


@pytest.mark.parametrize("render", [render_pfd_svg, render_pid_svg])
def test_hostile_text_stays_text(render) -> None:
    svg = render(hostile_design())
    root = parse(svg)  # well-formed despite control characters and markup in names
    assert not [e for e in root.iter() if e.tag.split("}")[-1] in ("script", "foreignObject")]
    assert "<script" not in svg
    assert any('<script>alert("x")</script>' in t for t in texts(root) + [e.text or "" for e in root.iter()])
    assert sorted(g.get("data-stream") for g in groups(root, "stream")) == ["<S&2>", "S-1", "S-3"]


def test_missing_parts_render_placeholders() -> None:
    bare = Design(id="bare", chemical="water", created_at=nitric_acid_design().created_at)
    pfd, pid = parse(render_pfd_svg(bare)), parse(render_pid_svg(bare))
    assert "No process flow diagram" in " ".join(texts(pfd))
    assert "No piping and instrumentation diagram" in " ".join(texts(pid))
    # A PFD without a P&ID: the P&ID sheet shows the process and says instrumentation is missing.
    no_pid = nitric_acid_design().model_copy(update={"pid": None})
    root = parse(render_pid_svg(no_pid))
    assert len(groups(root, "unit")) == len(no_pid.pfd.flowsheet.units)
    assert "no instrumentation produced yet" in " ".join(texts(root))


def segments(root: ET.Element) -> list[tuple[str, Box]]:
    out = []
    for g in groups(root, "stream"):
        points = path_points(g.find("s:path", NS).get("d"))
        for (x1, y1), (x2, y2) in itertools.pairwise(points):
            out.append(
                (g.get("data-stream"), Box(min(x1, x2), min(y1, y2), abs(x2 - x1) + 0.1, abs(y2 - y1) + 0.1))
            )
    return out


@pytest.mark.parametrize("name", list(REFERENCES))
def test_pfd_stream_labels_hide_nothing(name: str, rendered) -> None:
    pfd, _ = rendered[name]
    labels = []
    for g in groups(pfd, "stream-label"):
        r = g.find("s:rect", NS)
        labels.append(
            (g.get("data-stream"), Box(*(float(r.get(k)) for k in ("x", "y", "width", "height"))).grow(-0.5))
        )
    nodes = [box(g.get("data-node-bbox")) for g in groups(pfd, "unit")]
    lines = segments(pfd)
    for sid, label in labels:
        assert not any(label.overlaps(n) for n in nodes), sid
        assert not any(label.overlaps(seg) for other, seg in lines if other != sid), sid
        assert not any(label.overlaps(b) for other, b in labels if other != sid), sid


@pytest.mark.parametrize("name", list(REFERENCES))
def test_pid_instruments_hide_nothing(name: str, rendered) -> None:
    _, pid = rendered[name]
    diagram = groups(pid, "diagram")[0]
    items = [
        (g.get("data-tag"), g.get("class"), tuple(map(float, g.get("data-at").split())))
        for g in groups(diagram, "instrument")
    ]
    assert (
        len(items) >= len(REFERENCES[name].pid.instrumentation.instruments) - 2
    )  # all but control-room ones
    bubbles = [(tag, Box(x - 15, y - 15, 30, 30)) for tag, cls, (x, y) in items]
    for (a, ba), (b, bb) in itertools.combinations(bubbles, 2):
        assert not ba.overlaps(bb), (a, b)
    symbols = [(g.get("data-tag"), box(g.get("data-bbox"))) for g in groups(pid, "unit")]
    for tag, bubble in bubbles:
        assert not any(bubble.overlaps(sym) for _, sym in symbols), tag
    # No process line runs through a bubble (valves sit on their lines by design).
    lines = segments(pid)
    for (tag, cls, _), (_, bubble) in zip(items, bubbles, strict=True):
        if "valve" in cls.split() or "onoff" in cls.split():
            continue
        assert not any(bubble.grow(-3).overlaps(seg) for _, seg in lines), tag


@pytest.mark.parametrize("name", list(REFERENCES))
def test_everything_is_on_the_sheet_below_the_title(name: str, rendered) -> None:
    for root in rendered[name]:
        width, height = (float(v) for v in root.get("viewBox").split()[2:])
        diagram = groups(root, "diagram")[0]
        dy = float(diagram.get("transform").split()[1].rstrip(")"))
        title_bottom = max(
            float(t.get("y")) for t in groups(root, "title-block")[0].iter(f"{{{NS['s']}}}text")
        )
        points = [tuple(map(float, g.get("data-at").split())) for g in groups(diagram, "instrument")]
        points += [(b.x, b.y) for b in (box(g.get("data-node-bbox")) for g in groups(diagram, "unit"))]
        for g in groups(diagram, "stream-label"):
            r = g.find("s:rect", NS)
            points.append((float(r.get("x")), float(r.get("y"))))
        for x, y in points:
            assert 0 <= x <= width and title_bottom < y + dy - 15 <= height, (x, y)


def edge_case_designs() -> dict[str, Design]:
    base = nitric_acid_design()
    when = base.created_at
    ins = base.pid.instrumentation
    only_streams = Flowsheet(streams=[Stream(id="S-1", name="bypass")])
    only_units = Flowsheet(units=[Unit(tag="V-1", type=UnitType.VESSEL), Unit(tag="V-1", type=UnitType.TANK)])
    return {
        "instruments without a PFD": Design(id="a", chemical="x", created_at=when, pid=base.pid),
        "streams without units": Design(
            id="b", chemical="x", created_at=when, pfd=Pfd(flowsheet=only_streams)
        ),
        "duplicate unit tags, no streams": Design(
            id="c", chemical="x", created_at=when, pfd=Pfd(flowsheet=only_units), pid=base.pid
        ),
        "P&ID pointing at nothing": base.model_copy(
            update={"pfd": Pfd(flowsheet=only_units), "pid": Pid(instrumentation=ins.model_copy())}
        ),
    }


@pytest.mark.parametrize("case", list(edge_case_designs()))
def test_partial_and_inconsistent_designs_still_render(case: str) -> None:
    design = edge_case_designs()[case]
    pfd, pid = parse(render_pfd_svg(design)), parse(render_pid_svg(design))
    fs = design.pfd.flowsheet if design.pfd else None
    for root in (pfd, pid):
        assert len(groups(root, "unit")) == (len(fs.units) if fs else 0)
        assert len(groups(root, "stream")) == (len(fs.streams) if fs else 0)
    if design.pid is not None:
        drawn = {g.get("data-tag") for g in groups(pid, "instrument")}
        assert {i.tag for i in design.pid.instrumentation.instruments} <= drawn
