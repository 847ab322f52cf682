"""Equipment symbols for the diagrams, drawn inside a box, one shape family per class of equipment.

Shapes follow the usual PFD conventions (ISO 10628 / Turton): columns as tall capsules with trays or
packing, vessels as capsules, exchangers as circles crossed by a tube line, pumps as a circle with a
tangential outlet, compressors as a trapezoid narrowing towards the outlet and turbines widening, tanks
with a roof, furnaces with a stack and flames. Anything else is a labelled box.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

from autochem.domain.flowsheet import UnitType
from autochem.rendering.svg import Box, el, text

STROKE = "#1f2d3d"
FILL = "#ffffff"
ACCENT = "#5b7a99"
SW = 1.6

U = UnitType
COLUMNS = {U.DISTILLATION_COLUMN, U.ABSORBER, U.STRIPPER, U.EXTRACTOR}
ROUND = {
    U.HEAT_EXCHANGER,
    U.HEATER,
    U.COOLER,
    U.CONDENSER,
    U.REBOILER,
    U.PUMP,
    U.BLOWER,
}

HORIZONTAL = {U.DECANTER, U.REACTOR_PFR, U.WASTE_HEAT_BOILER, U.DRYER, U.AIR_COOLER}

# Base width and height of each symbol.
SIZES: dict[UnitType, tuple[float, float]] = {
    U.DISTILLATION_COLUMN: (46, 170),
    U.ABSORBER: (50, 170),
    U.STRIPPER: (44, 140),
    U.EXTRACTOR: (46, 150),
    U.REACTOR_CSTR: (70, 96),
    U.REACTOR_PFR: (120, 40),
    U.REACTOR_PACKED_BED: (58, 120),
    U.REACTOR_FLUIDIZED_BED: (58, 120),
    U.REACTOR_BATCH: (74, 96),
    U.REACTOR_CONVERTER: (62, 104),
    U.HEAT_EXCHANGER: (52, 52),
    U.HEATER: (46, 46),
    U.COOLER: (46, 46),
    U.CONDENSER: (46, 46),
    U.REBOILER: (46, 46),
    U.AIR_COOLER: (90, 44),
    U.FIRED_HEATER: (80, 110),
    U.WASTE_HEAT_BOILER: (104, 66),
    U.EVAPORATOR: (58, 104),
    U.FLASH_DRUM: (54, 96),
    U.SEPARATOR: (54, 96),
    U.VESSEL: (54, 90),
    U.DECANTER: (110, 48),
    U.CYCLONE: (44, 90),
    U.FILTER: (54, 62),
    U.CENTRIFUGE: (60, 56),
    U.CRYSTALLIZER: (74, 100),
    U.DRYER: (110, 46),
    U.PUMP: (40, 40),
    U.COMPRESSOR: (60, 52),
    U.BLOWER: (46, 46),
    U.TURBINE: (60, 52),
    U.EXPANDER: (60, 52),
    U.MIXER: (30, 34),
    U.SPLITTER: (30, 34),
    U.VALVE: (34, 22),
    U.TANK: (82, 74),
    U.OTHER: (96, 50),
}
PORT_PITCH = 14.0


def symbol_size(
    unit_type: UnitType | None, ports_per_side: int, pitch: float = PORT_PITCH
) -> tuple[float, float]:
    """Symbol size, grown so that ``ports_per_side`` lines, ``pitch`` apart, can attach to one side."""
    w, h = SIZES.get(unit_type, SIZES[U.OTHER]) if unit_type is not None else SIZES[U.OTHER]
    need = ports_per_side * pitch + 8 if ports_per_side > 1 else 0.0
    if need > h:
        if unit_type in ROUND:
            return need, need
        if unit_type in (U.MIXER, U.SPLITTER):
            return max(w, need * 0.6), need
        if unit_type in HORIZONTAL:  # keep a horizontal vessel looking horizontal
            return max(w, need * 2.0), need
        return w, need
    return w, h


WHB_SHELL_TOP = 0.42  # the waste-heat boiler's shell starts this far down its box (steam drum above)


def port_span(unit_type: UnitType | None, height: float) -> tuple[float, float]:
    """The stretch (from the symbol's top) of its sides that process lines attach to."""
    if unit_type is U.WASTE_HEAT_BOILER:
        return height * WHB_SHELL_TOP, height
    return 0.0, height


def _rounded_end(box: Box, y: float, side: str, r: float) -> float:
    """Outline x of a horizontal capsule of end radius ``r`` at height ``y``."""
    dy = min(abs(y - box.cy), r)
    inset = r - math.sqrt(max(r * r - dy * dy, 0.0))
    return box.x + inset if side == "left" else box.right - inset


def outline_x(unit_type: UnitType | None, box: Box, y: float, side: str) -> float:
    """Where a horizontal line at height ``y`` meets the outline on ``side`` ("left"/"right")."""
    sign = -1 if side == "left" else 1
    if unit_type is U.WASTE_HEAT_BOILER:
        shell = Box(box.x, box.y + box.h * WHB_SHELL_TOP, box.w, box.h * (1 - WHB_SHELL_TOP))
        return _rounded_end(shell, y, side, shell.h / 2)
    if unit_type in (U.REACTOR_PFR, U.DECANTER):
        return _rounded_end(box, y, side, min(box.w, box.h) / 2)
    if unit_type in ROUND:
        r = min(box.w, box.h) / 2
        dy = min(abs(y - box.cy), r)
        return box.cx + sign * math.sqrt(max(r * r - dy * dy, 0.0))
    if unit_type in (U.COMPRESSOR, U.TURBINE, U.EXPANDER):
        narrow_right = unit_type is U.COMPRESSOR
        narrow_side = "right" if narrow_right else "left"
        if side == narrow_side:
            half = box.h * 0.25
            dy = abs(y - box.cy)
            if dy <= half:
                return box.right if side == "right" else box.x
            frac = min((dy - half) / (box.h / 2 - half), 1.0)
            return box.right - frac * box.w * 0.8 if side == "right" else box.x + frac * box.w * 0.8
    if unit_type in (U.MIXER, U.SPLITTER):
        tip_side = "right" if unit_type is U.MIXER else "left"
        if side == tip_side:  # the slanted sides meet at the tip
            frac = min(abs(y - box.cy) / (box.h / 2), 1.0)
            return box.right - frac * box.w if side == "right" else box.x + frac * box.w
        return box.x if side == "left" else box.right
    return box.x if side == "left" else box.right


def _capsule(g: ET.Element, b: Box, fill: str = FILL) -> None:
    r = min(b.w, b.h) / 2
    el(g, "rect", x=b.x, y=b.y, width=b.w, height=b.h, rx=r, ry=r, fill=fill, stroke=STROKE, stroke_width=SW)


def _vessel(g: ET.Element, b: Box) -> None:
    """A vertical vessel with elliptical heads."""
    r = min(b.w / 2, b.h / 5)
    el(
        g,
        "rect",
        x=b.x,
        y=b.y,
        width=b.w,
        height=b.h,
        rx=b.w / 2,
        ry=r,
        fill=FILL,
        stroke=STROKE,
        stroke_width=SW,
    )


def _line(g: ET.Element, x1: float, y1: float, x2: float, y2: float, **kw: object) -> None:
    el(
        g,
        "line",
        x1=x1,
        y1=y1,
        x2=x2,
        y2=y2,
        stroke=kw.pop("stroke", STROKE),
        stroke_width=kw.pop("sw", 1.2),
        **kw,
    )


def _path(g: ET.Element, d: str, fill: str = "none", sw: float = SW, **kw: object) -> None:
    el(g, "path", d=d, fill=fill, stroke=kw.pop("stroke", STROKE), stroke_width=sw, **kw)


def _trays(g: ET.Element, b: Box, n: int) -> None:
    top, bottom = b.y + b.w * 0.55, b.bottom - b.w * 0.55
    for i in range(n):
        y = top + (i + 0.5) * (bottom - top) / n
        if i % 2 == 0:
            _line(g, b.x, y, b.x + b.w * 0.72, y)
        else:
            _line(g, b.right, y, b.x + b.w * 0.28, y)


def _packing(g: ET.Element, b: Box, y0: float, y1: float) -> None:
    el(g, "rect", x=b.x, y=y0, width=b.w, height=y1 - y0, fill="none", stroke=STROKE, stroke_width=1.0)
    _line(g, b.x, y0, b.right, y1, sw=0.9)
    _line(g, b.right, y0, b.x, y1, sw=0.9)


def _agitator(g: ET.Element, b: Box) -> None:
    cx = b.cx
    _line(g, cx, b.y - 8, cx, b.y + b.h * 0.68, sw=1.4)
    el(g, "rect", x=cx - 5, y=b.y - 14, width=10, height=7, fill=FILL, stroke=STROKE, stroke_width=1.2)
    y = b.y + b.h * 0.68
    el(g, "ellipse", cx=cx - 9, cy=y, rx=8, ry=3.5, fill=FILL, stroke=STROKE, stroke_width=1.2)
    el(g, "ellipse", cx=cx + 9, cy=y, rx=8, ry=3.5, fill=FILL, stroke=STROKE, stroke_width=1.2)


def _exchanger_circle(g: ET.Element, b: Box) -> float:
    r = min(b.w, b.h) / 2
    el(g, "circle", cx=b.cx, cy=b.cy, r=r, fill=FILL, stroke=STROKE, stroke_width=SW)
    return r


def _zigzag(g: ET.Element, x0: float, x1: float, y: float, amp: float, n: int = 4) -> None:
    pts = [(x0, y)]
    step = (x1 - x0) / (2 * n)
    for i in range(2 * n - 1):
        pts.append((x0 + (i + 1) * step, y + (amp if i % 2 == 0 else -amp)))
    pts.append((x1, y))
    _path(g, "M " + " L ".join(f"{x:.1f} {yy:.1f}" for x, yy in pts), sw=1.2)


def draw_symbol(g: ET.Element, unit_type: UnitType | None, b: Box) -> None:
    """Draw the symbol of ``unit_type`` filling ``b``."""
    t = unit_type
    if t in COLUMNS:
        _capsule(g, b)
        if t is U.ABSORBER:
            top, bottom = b.y + b.w * 0.6, b.bottom - b.w * 0.6
            mid = (top + bottom) / 2
            _packing(g, b, top, mid - 4)
            _packing(g, b, mid + 4, bottom)
        elif t is U.EXTRACTOR:
            _trays(g, b, 6)
            for i in range(5):
                el(
                    g,
                    "circle",
                    cx=b.cx + (6 if i % 2 else -6),
                    cy=b.y + b.h * (0.25 + i * 0.12),
                    r=1.6,
                    fill=STROKE,
                )
        else:
            _trays(g, b, 7 if t is U.DISTILLATION_COLUMN else 5)
    elif t is U.REACTOR_CSTR:
        _vessel(g, b)
        _agitator(g, b)
    elif t is U.REACTOR_BATCH:
        el(
            g,
            "rect",
            x=b.x - 4,
            y=b.y + b.h * 0.35,
            width=b.w + 8,
            height=b.h * 0.55,
            rx=8,
            fill="none",
            stroke=ACCENT,
            stroke_width=1.2,
        )
        _vessel(g, b)
        _agitator(g, b)
    elif t is U.REACTOR_PFR:
        _capsule(g, b)
        for i in range(1, 8):
            x = b.x + b.h / 2 + i * (b.w - b.h) / 8
            _line(g, x - 5, b.bottom - 6, x + 5, b.y + 6, sw=0.9)
    elif t is U.REACTOR_PACKED_BED:
        _vessel(g, b)
        _packing(g, b, b.y + b.h * 0.28, b.y + b.h * 0.72)
    elif t is U.REACTOR_FLUIDIZED_BED:
        _vessel(g, b)
        for i in range(14):
            el(
                g,
                "circle",
                cx=b.x + b.w * (0.2 + 0.6 * ((i * 37) % 11) / 10),
                cy=b.y + b.h * (0.35 + 0.45 * ((i * 53) % 13) / 12),
                r=1.6,
                fill=STROKE,
            )
        _line(g, b.x, b.y + b.h * 0.82, b.right, b.y + b.h * 0.82, stroke_dasharray="3 2")
    elif t is U.REACTOR_CONVERTER:
        _vessel(g, b)
        y = b.y + b.h * 0.42
        _zigzag(g, b.x + 3, b.right - 3, y, 3, 6)
        _zigzag(g, b.x + 3, b.right - 3, y + 7, 3, 6)
        # flame marks above the gauze: combustion
        for dx in (-12, 0, 12):
            _path(
                g,
                f"M {b.cx + dx - 4:.1f} {y - 6:.1f} Q {b.cx + dx:.1f} {y - 22:.1f} {b.cx + dx + 4:.1f} {y - 6:.1f}",
                sw=1.0,
                stroke="#c0392b",
            )
    elif t is U.HEAT_EXCHANGER:
        r = _exchanger_circle(g, b)
        _zigzag(g, b.cx - r, b.cx + r, b.cy, r * 0.35, 3)
    elif t in (U.HEATER, U.COOLER, U.CONDENSER, U.REBOILER):
        r = _exchanger_circle(g, b)
        _zigzag(g, b.cx - r, b.cx + r, b.cy, r * 0.3, 3)
        letter = {U.HEATER: "H", U.COOLER: "C", U.CONDENSER: "CD", U.REBOILER: "RB"}[t]
        color = "#c0392b" if t in (U.HEATER, U.REBOILER) else "#2e6da4"
        text(g, b.cx, b.y + r * 0.62, letter, size=max(7.0, r * 0.42), weight="bold", fill=color)
        # arrow showing the direction of heat
        if t in (U.HEATER, U.REBOILER):
            _path(
                g,
                f"M {b.cx:.1f} {b.bottom - 3:.1f} L {b.cx:.1f} {b.cy + 6:.1f} M {b.cx - 3:.1f} {b.cy + 9:.1f} L {b.cx:.1f} {b.cy + 6:.1f} L {b.cx + 3:.1f} {b.cy + 9:.1f}",
                sw=1.0,
                stroke=color,
            )
        else:
            _path(
                g,
                f"M {b.cx:.1f} {b.cy + 6:.1f} L {b.cx:.1f} {b.bottom - 3:.1f} M {b.cx - 3:.1f} {b.bottom - 6:.1f} L {b.cx:.1f} {b.bottom - 3:.1f} L {b.cx + 3:.1f} {b.bottom - 6:.1f}",
                sw=1.0,
                stroke=color,
            )
    elif t is U.AIR_COOLER:
        bundle = Box(b.x, b.y + b.h * 0.45, b.w, b.h * 0.55)
        el(
            g,
            "rect",
            x=bundle.x,
            y=bundle.y,
            width=bundle.w,
            height=bundle.h,
            fill=FILL,
            stroke=STROKE,
            stroke_width=SW,
        )
        _zigzag(g, bundle.x, bundle.right, bundle.cy, bundle.h * 0.25, 6)
        for fx in (b.x + b.w * 0.3, b.x + b.w * 0.7):
            el(
                g,
                "ellipse",
                cx=fx,
                cy=b.y + b.h * 0.22,
                rx=b.w * 0.16,
                ry=b.h * 0.16,
                fill=FILL,
                stroke=STROKE,
                stroke_width=1.2,
            )
            _line(g, fx - b.w * 0.12, b.y + b.h * 0.22, fx + b.w * 0.12, b.y + b.h * 0.22)
    elif t is U.FIRED_HEATER:
        body = Box(b.x, b.y + b.h * 0.3, b.w, b.h * 0.7)
        _path(
            g,
            f"M {b.cx - 9:.1f} {b.y:.1f} L {b.cx + 9:.1f} {b.y:.1f} L {b.cx + 9:.1f} {b.y + b.h * 0.15:.1f} L {body.right:.1f} {body.y:.1f} L {body.x:.1f} {body.y:.1f} L {b.cx - 9:.1f} {b.y + b.h * 0.15:.1f} Z",
            fill=FILL,
        )
        el(
            g,
            "rect",
            x=body.x,
            y=body.y,
            width=body.w,
            height=body.h,
            fill=FILL,
            stroke=STROKE,
            stroke_width=SW,
        )
        _zigzag(g, body.x + 4, body.right - 4, body.y + body.h * 0.3, 4, 5)
        for dx in (-16, 0, 16):
            _path(
                g,
                f"M {b.cx + dx - 5:.1f} {body.bottom - 2:.1f} Q {b.cx + dx:.1f} {body.bottom - 26:.1f} {b.cx + dx + 5:.1f} {body.bottom - 2:.1f}",
                sw=1.2,
                stroke="#c0392b",
            )
    elif t is U.WASTE_HEAT_BOILER:
        drum = Box(b.x + b.w * 0.25, b.y, b.w * 0.5, b.h * 0.28)
        shell = Box(b.x, b.y + b.h * WHB_SHELL_TOP, b.w, b.h * (1 - WHB_SHELL_TOP))
        _line(g, b.x + b.w * 0.35, drum.bottom, b.x + b.w * 0.35, shell.y)
        _line(g, b.x + b.w * 0.65, drum.bottom, b.x + b.w * 0.65, shell.y)
        _capsule(g, drum)
        _capsule(g, shell)
        _zigzag(g, shell.x + shell.h / 2, shell.right - shell.h / 2, shell.cy, shell.h * 0.25, 5)
    elif t is U.EVAPORATOR:
        _vessel(g, b)
        _zigzag(g, b.x + 4, b.right - 4, b.y + b.h * 0.7, 5, 4)
        _line(g, b.x, b.y + b.h * 0.5, b.right, b.y + b.h * 0.5, stroke_dasharray="4 3", sw=0.9)
    elif t in (U.FLASH_DRUM, U.SEPARATOR, U.VESSEL):
        _vessel(g, b)
        if t is not U.VESSEL:
            _line(
                g,
                b.x + 2,
                b.y + b.h * 0.62,
                b.right - 2,
                b.y + b.h * 0.62,
                stroke_dasharray="4 3",
                sw=0.9,
                stroke=ACCENT,
            )
        if t is U.SEPARATOR:
            _line(g, b.x + 6, b.y + b.h * 0.28, b.right - 6, b.y + b.h * 0.28, sw=0.9)
            _line(g, b.x + 6, b.y + b.h * 0.33, b.right - 6, b.y + b.h * 0.33, sw=0.9)
    elif t is U.DECANTER:
        _capsule(g, b)
        _line(
            g, b.x + b.h * 0.4, b.cy, b.right - b.h * 0.4, b.cy, stroke_dasharray="4 3", sw=0.9, stroke=ACCENT
        )
        _line(g, b.x + b.w * 0.7, b.bottom, b.x + b.w * 0.7, b.y + b.h * 0.3)
    elif t is U.CYCLONE:
        top = Box(b.x, b.y, b.w, b.h * 0.4)
        el(g, "rect", x=top.x, y=top.y, width=top.w, height=top.h, fill=FILL, stroke=STROKE, stroke_width=SW)
        _path(
            g,
            f"M {top.x:.1f} {top.bottom:.1f} L {top.right:.1f} {top.bottom:.1f} L {b.cx + 5:.1f} {b.bottom:.1f} L {b.cx - 5:.1f} {b.bottom:.1f} Z",
            fill=FILL,
        )
        _line(g, b.cx - 7, b.y - 6, b.cx - 7, b.y + top.h * 0.8)
        _line(g, b.cx + 7, b.y - 6, b.cx + 7, b.y + top.h * 0.8)
    elif t is U.FILTER:
        el(g, "rect", x=b.x, y=b.y, width=b.w, height=b.h, fill=FILL, stroke=STROKE, stroke_width=SW)
        _line(g, b.x, b.bottom, b.right, b.y, stroke_dasharray="5 3", sw=1.2)
        _line(g, b.x + 4, b.y + b.h * 0.5 + 6, b.x + b.w * 0.5 - 6, b.y + 4, sw=0.6, stroke=ACCENT)
    elif t is U.CENTRIFUGE:
        el(g, "rect", x=b.x, y=b.y, width=b.w, height=b.h, rx=6, fill=FILL, stroke=STROKE, stroke_width=SW)
        _path(
            g,
            f"M {b.x + 8:.1f} {b.y + 8:.1f} L {b.x + 14:.1f} {b.bottom - 8:.1f} L {b.right - 14:.1f} {b.bottom - 8:.1f} L {b.right - 8:.1f} {b.y + 8:.1f}",
            sw=1.2,
        )
        _line(g, b.cx, b.y + 4, b.cx, b.bottom + 4, sw=1.2)
    elif t is U.CRYSTALLIZER:
        _vessel(g, b)
        _agitator(g, b)
        for i in range(4):
            x, y = b.x + b.w * (0.25 + 0.17 * i), b.y + b.h * (0.45 + 0.06 * (i % 2))
            _path(
                g,
                f"M {x:.1f} {y - 3:.1f} L {x + 3:.1f} {y:.1f} L {x:.1f} {y + 3:.1f} L {x - 3:.1f} {y:.1f} Z",
                fill=ACCENT,
                sw=0.6,
            )
    elif t is U.DRYER:
        _path(
            g,
            f"M {b.x:.1f} {b.y + 6:.1f} L {b.right:.1f} {b.y + 14:.1f} L {b.right:.1f} {b.bottom:.1f} L {b.x:.1f} {b.bottom - 8:.1f} Z",
            fill=FILL,
        )
        for f in (0.25, 0.75):
            x = b.x + b.w * f
            _line(g, x, b.y + 6 + 8 * f - 3, x, b.bottom - 8 + 8 * f + 3, sw=2.4)
    elif t is U.PUMP:
        r = min(b.w, b.h) / 2
        _path(
            g,
            f"M {b.cx - r * 0.7:.1f} {b.cy + r * 0.72:.1f} L {b.cx - r:.1f} {b.bottom + 3:.1f} L {b.cx + r:.1f} {b.bottom + 3:.1f} L {b.cx + r * 0.7:.1f} {b.cy + r * 0.72:.1f}",
            fill=FILL,
            sw=1.2,
        )
        el(g, "circle", cx=b.cx, cy=b.cy, r=r, fill=FILL, stroke=STROKE, stroke_width=SW)
        _path(
            g, f"M {b.cx:.1f} {b.cy - r:.1f} L {b.right:.1f} {b.cy - r:.1f} L {b.right:.1f} {b.cy:.1f}", sw=SW
        )
        el(g, "circle", cx=b.cx, cy=b.cy, r=r * 0.28, fill="none", stroke=STROKE, stroke_width=1.0)
    elif t is U.BLOWER:
        r = min(b.w, b.h) / 2
        el(g, "circle", cx=b.cx, cy=b.cy, r=r, fill=FILL, stroke=STROKE, stroke_width=SW)
        for a in (0, 120, 240):
            rad = math.radians(a)
            _path(
                g,
                f"M {b.cx:.1f} {b.cy:.1f} Q {b.cx + r * 0.6 * math.cos(rad + 0.6):.1f} {b.cy + r * 0.6 * math.sin(rad + 0.6):.1f} {b.cx + r * 0.85 * math.cos(rad):.1f} {b.cy + r * 0.85 * math.sin(rad):.1f}",
                sw=1.1,
            )
    elif t in (U.COMPRESSOR, U.TURBINE, U.EXPANDER):
        narrow = b.h * 0.25
        if t is U.COMPRESSOR:
            d = f"M {b.x:.1f} {b.y:.1f} L {b.right:.1f} {b.cy - narrow:.1f} L {b.right:.1f} {b.cy + narrow:.1f} L {b.x:.1f} {b.bottom:.1f} Z"
        else:
            d = f"M {b.x:.1f} {b.cy - narrow:.1f} L {b.right:.1f} {b.y:.1f} L {b.right:.1f} {b.bottom:.1f} L {b.x:.1f} {b.cy + narrow:.1f} Z"
        _path(g, d, fill=FILL)
        _line(g, b.cx - 0.5, b.bottom - 2, b.cx - 0.5, b.bottom + 8, sw=2.2)  # shaft
        if t is U.TURBINE:
            text(g, b.cx + 6, b.cy + 4, "T", size=10, weight="bold", fill=ACCENT)
        if t is U.EXPANDER:
            text(g, b.cx + 6, b.cy + 4, "EX", size=9, weight="bold", fill=ACCENT)
    elif t is U.MIXER:
        _path(g, f"M {b.x:.1f} {b.y:.1f} L {b.right:.1f} {b.cy:.1f} L {b.x:.1f} {b.bottom:.1f} Z", fill=FILL)
    elif t is U.SPLITTER:
        _path(
            g, f"M {b.right:.1f} {b.y:.1f} L {b.x:.1f} {b.cy:.1f} L {b.right:.1f} {b.bottom:.1f} Z", fill=FILL
        )
    elif t is U.VALVE:
        _path(
            g,
            f"M {b.x:.1f} {b.y:.1f} L {b.right:.1f} {b.bottom:.1f} L {b.right:.1f} {b.y:.1f} L {b.x:.1f} {b.bottom:.1f} Z",
            fill=FILL,
        )
    elif t is U.TANK:
        roof = b.h * 0.18
        _path(
            g,
            f"M {b.x:.1f} {b.y + roof:.1f} L {b.cx:.1f} {b.y:.1f} L {b.right:.1f} {b.y + roof:.1f} L {b.right:.1f} {b.bottom:.1f} L {b.x:.1f} {b.bottom:.1f} Z",
            fill=FILL,
        )
        _line(
            g,
            b.x + 3,
            b.y + b.h * 0.5,
            b.right - 3,
            b.y + b.h * 0.5,
            stroke_dasharray="4 3",
            sw=0.9,
            stroke=ACCENT,
        )
    else:
        el(g, "rect", x=b.x, y=b.y, width=b.w, height=b.h, rx=3, fill=FILL, stroke=STROKE, stroke_width=SW)
        name = "equipment" if t is None else t.value.replace("_", " ")
        text(g, b.cx, b.cy + 3, name, size=8.5, fill=ACCENT)
