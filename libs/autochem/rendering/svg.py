"""A small SVG writer on top of :mod:`xml.etree.ElementTree`, and the text helpers the diagrams share.

ElementTree escapes ``<``, ``&`` and quotes in text and attributes; what it does not do is refuse characters
XML 1.0 forbids (most C0 controls, lone surrogates, U+FFFE/U+FFFF), which would make the document
ill-formed. :func:`clean` removes those, and every piece of design text goes through it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass

from autochem.domain.units import Quantity

SVG_NS = "http://www.w3.org/2000/svg"
FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"

# Characters XML 1.0 does not allow anywhere in a document.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(text: object) -> str:
    """``text`` as a string XML can carry (forbidden characters dropped)."""
    return _NOT_XML.sub("", str(text))


def one_line(text: object) -> str:
    """``text`` cleaned, with all runs of whitespace (newlines included) collapsed to one space."""
    return " ".join(clean(text).split())


def text_width(text: str, size: float) -> float:
    """A conservative estimate of the rendered width of ``text`` in a sans-serif font of ``size`` px."""
    wide = sum(1 for ch in text if ord(ch) > 0x2E80)  # CJK and emoji take about a full em
    return (len(text) - wide) * size * 0.6 + wide * size * 1.05


def shorten(text: str, limit: int) -> str:
    text = one_line(text)
    return text if len(text) <= limit else text[: max(1, limit - 1)].rstrip() + "…"


def wrap(text: str, width: int, max_lines: int) -> list[str]:
    """Greedy word wrap to ``width`` characters, at most ``max_lines`` lines (the last one ellipsized)."""
    words = one_line(text).split(" ")
    lines: list[str] = []
    current = ""
    for word in words:
        if not word:
            continue
        while len(word) > width:  # a word longer than a line is cut
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:width])
            word = word[width:]
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= width:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = shorten(lines[-1] + " …", width)
    return lines


def fmt_number(value: float) -> str:
    """Figures as an engineer writes them: 3 significant digits for small numbers, thousands separated."""
    magnitude = abs(value)
    if magnitude >= 1000:
        return f"{value:,.0f}"
    if magnitude >= 100 or magnitude == 0:
        return f"{value:.0f}" if float(value).is_integer() or magnitude >= 100 else f"{value:g}"
    return f"{value:.3g}"


_UNIT_DISPLAY = {
    "degC": "°C",
    "degF": "°F",
    "kelvin": "K",
    "percent": "%",
    "m**3/h": "m³/h",
    "Nm3/h": "Nm³/h",
    "m**3": "m³",
}


def fmt_quantity(quantity: Quantity | None) -> str:
    if quantity is None:
        return ""
    unit = _UNIT_DISPLAY.get(quantity.unit, quantity.unit)
    return f"{fmt_number(quantity.value)} {unit}".rstrip()


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle: left, top, width, height."""

    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    def overlaps(self, other: Box, margin: float = 0.0) -> bool:
        return (
            self.x < other.right + margin
            and other.x < self.right + margin
            and self.y < other.bottom + margin
            and other.y < self.bottom + margin
        )

    def grow(self, margin: float) -> Box:
        return Box(self.x - margin, self.y - margin, self.w + 2 * margin, self.h + 2 * margin)

    def attr(self) -> str:
        return f"{self.x:.1f} {self.y:.1f} {self.w:.1f} {self.h:.1f}"


def segment_box(x1: float, y1: float, x2: float, y2: float, half_width: float = 1.5) -> Box:
    return Box(
        min(x1, x2) - half_width,
        min(y1, y2) - half_width,
        abs(x2 - x1) + 2 * half_width,
        abs(y2 - y1) + 2 * half_width,
    )


def _num(value: object) -> str:
    if isinstance(value, float):
        text = f"{value:.1f}"
        return text[:-2] if text.endswith(".0") else text
    return clean(value)


def el(parent: ET.Element | None, tag: str, text: str | None = None, **attrs: object) -> ET.Element:
    """A child element; ``class_`` and ``stroke_width``-style names become ``class`` and ``stroke-width``;
    attributes that are None are left out."""
    items = {}
    for key, value in attrs.items():
        if value is None:
            continue
        name = key.rstrip("_").replace("_", "-")
        items[name] = _num(value)
    node = ET.Element(tag, items) if parent is None else ET.SubElement(parent, tag, items)
    if text is not None:
        node.text = clean(text)
    return node


def title(parent: ET.Element, text: str) -> None:
    """A tooltip (and accessible name) for ``parent``."""
    if text:
        el(parent, "title", text)


def text(
    parent: ET.Element,
    x: float,
    y: float,
    content: str,
    size: float = 10,
    anchor: str = "middle",
    weight: str | None = None,
    fill: str = "#111",
    **attrs: object,
) -> ET.Element:
    return el(
        parent,
        "text",
        one_line(content),
        x=x,
        y=y,
        font_size=size,
        text_anchor=anchor,
        font_weight=weight,
        fill=fill,
        **attrs,
    )


def lines_of_text(
    parent: ET.Element,
    x: float,
    y: float,
    lines: Iterable[str],
    size: float = 10,
    anchor: str = "middle",
    weight: str | None = None,
    leading: float = 1.2,
    **attrs: object,
) -> None:
    for i, line in enumerate(lines):
        text(parent, x, y + i * size * leading, line, size=size, anchor=anchor, weight=weight, **attrs)


def polyline_d(points: list[tuple[float, float]]) -> str:
    return "M " + " L ".join(f"{x:.1f} {y:.1f}" for x, y in points)


def document(width: float, height: float, title_text: str) -> ET.Element:
    root = ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            "version": "1.1",
            "width": _num(float(round(width))),
            "height": _num(float(round(height))),
            "viewBox": f"0 0 {round(width)} {round(height)}",
            "font-family": FONT,
        },
    )
    el(root, "title", title_text)
    el(root, "rect", x=0, y=0, width=round(width), height=round(height), fill="white")
    return root


def serialize(root: ET.Element) -> str:
    ET.indent(root, space=" ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def arrow_marker(defs: ET.Element, marker_id: str, color: str, size: float = 8) -> None:
    marker = el(
        defs,
        "marker",
        id=marker_id,
        viewBox="0 0 10 10",
        refX=9,
        refY=5,
        markerWidth=size,
        markerHeight=size,
        markerUnits="userSpaceOnUse",
        orient="auto",
    )
    el(marker, "path", d="M 0 0 L 10 5 L 0 10 z", fill=color)
