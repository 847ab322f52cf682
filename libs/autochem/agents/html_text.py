"""The prose of an HTML page that a human reader sees, and nothing else.

Prompt injections hide where a reader never looks but a naive extractor still reads: comments, scripts,
templates, attributes (alt, title, data-*), meta tags, elements hidden by ``hidden``, ``aria-hidden`` or
CSS, zero-size, transparent, off-screen or same-colour-as-background text, SVG and iframes. Only text a
browser would render visibly goes through; everything else is dropped and counted by reason.

CSS is read from inline ``style`` attributes, old presentational attributes (``<font color>``,
``bgcolor``) and simple ``.class`` / ``#id`` / ``tag.class`` rules in ``<style>`` blocks. The page
background is taken to be white unless an ancestor sets one inline, so white text with no known
background behind it counts as hidden: dropping some prose of a dark-themed page is the cheaper error.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

from bs4 import (
    BeautifulSoup,
    CData,
    Comment,
    Declaration,
    Doctype,
    NavigableString,
    ProcessingInstruction,
    Tag,
)

# Never rendered as prose: code, metadata, embedded documents and graphics, form controls.
_DROPPED_TAGS = frozenset(
    {
        "script", "style", "noscript", "template", "iframe", "frame", "frameset", "object", "embed",
        "applet", "svg", "math", "canvas", "head", "meta", "link", "title", "base", "audio", "video",
        "picture", "source", "track", "map", "area", "input", "textarea", "select", "option", "optgroup",
        "datalist", "button", "param", "slot",
    }
)  # fmt: skip
# Elements that start a new paragraph.
_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "div",
        "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
        "h6", "header", "hgroup", "hr", "html", "legend", "li", "main", "nav", "ol", "p", "pre",
        "section", "summary", "table", "tbody", "tfoot", "thead", "tr", "ul",
    }
)  # fmt: skip
_CELL_TAGS = frozenset({"td", "th"})
_NON_TEXT_NODES = (Comment, CData, Declaration, Doctype, ProcessingInstruction)

_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_CSS_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_SIMPLE_SELECTOR = re.compile(r"([a-z][a-z0-9]*)?([.#])([a-z0-9_-]+)", re.I)
_LENGTH = re.compile(r"^(-?(?:\d+\.?\d*|\.\d+))\s*([a-z%]*)$")
_HEX_COLOR = re.compile(r"^#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$")
_FUNCTION_COLOR = re.compile(r"^rgba?\(([^)]*)\)$")
# Named colours an attacker would pick for "invisible": the page white and its near-whites, and the
# basic ones for dark backgrounds.
_NAMED_COLORS = {
    "white": (255, 255, 255), "snow": (255, 250, 250), "ghostwhite": (248, 248, 255),
    "whitesmoke": (245, 245, 245), "ivory": (255, 255, 240), "floralwhite": (255, 250, 240),
    "black": (0, 0, 0), "silver": (192, 192, 192), "gray": (128, 128, 128), "grey": (128, 128, 128),
    "red": (255, 0, 0), "green": (0, 128, 0), "blue": (0, 0, 255), "yellow": (255, 255, 0),
    "navy": (0, 0, 128), "maroon": (128, 0, 0), "purple": (128, 0, 128), "teal": (0, 128, 128),
    "olive": (128, 128, 0), "lime": (0, 255, 0), "aqua": (0, 255, 255), "fuchsia": (255, 0, 255),
}  # fmt: skip
_WHITE = (255, 255, 255, 1.0)
# Text whose colour is this close to its background (sum of channel differences) cannot be read.
_MIN_COLOR_DISTANCE = 30
_OFFSET_PROPERTIES = ("left", "top", "right", "bottom", "margin-left", "margin-top", "text-indent")

Rgba = tuple[int, int, int, float]


class _Break(Enum):
    PARAGRAPH = "paragraph"
    LINE = "line"
    CELL = "cell"


@dataclass(frozen=True)
class ExtractedText:
    title: str  # the document <title>; as untrusted as the text
    text: str  # paragraphs separated by blank lines, whitespace collapsed
    dropped: Mapping[str, int] = field(default_factory=dict)  # reason -> elements or nodes dropped


@dataclass(frozen=True)
class _Paint:
    """Colours in effect at an element: its text colour (None: the page default, dark) and the nearest
    background behind it."""

    color: Rgba | None = None
    background: Rgba = _WHITE

    def under(
        self, declarations: Mapping[str, str], color_attr: object = None, bgcolor_attr: object = None
    ) -> _Paint:
        """The paint inside an element with these inline declarations (and presentational attributes)."""
        color = self.color
        own_color = declarations.get("color") or color_attr
        if isinstance(own_color, str):
            color = _parse_color(own_color) or color
        background = self.background
        own_background = (
            declarations.get("background-color") or declarations.get("background") or bgcolor_attr
        )
        if isinstance(own_background, str):
            parsed = _first_color(own_background)
            if parsed is not None and parsed[3] > 0:  # a transparent background shows the one behind it
                background = parsed
        return _Paint(color, background)

    def text_invisible(self) -> bool:
        if self.color is None:
            return False
        if self.color[3] <= 0.05:
            return True
        distance = sum(abs(a - b) for a, b in zip(self.color[:3], self.background[:3], strict=True))
        return distance < _MIN_COLOR_DISTANCE


def html_to_text(html: str) -> ExtractedText:
    """Visible prose of ``html``: headings, paragraphs, list items and table cells, with paragraph breaks."""
    soup = BeautifulSoup(html, "lxml")
    dropped: Counter[str] = Counter()
    title = _document_title(soup)
    hidden_rules = _stylesheet_hiding_rules(soup)
    pieces: list[str | _Break] = []
    # An explicit stack rather than recursion: a hostile page may nest elements thousands deep.
    stack: list[tuple[object, _Paint] | _Break] = [(child, _Paint()) for child in reversed(soup.contents)]
    while stack:
        item = stack.pop()
        if isinstance(item, _Break):
            pieces.append(item)
            continue
        node, paint = item
        if isinstance(node, Doctype):
            continue
        if isinstance(node, _NON_TEXT_NODES):
            dropped["comment" if isinstance(node, Comment) else "declaration"] += 1
            continue
        if isinstance(node, NavigableString):
            pieces.append(str(node))
            continue
        if not isinstance(node, Tag):
            continue
        declarations = _declarations(node.get("style"))
        reason = _hidden_reason(node, declarations, hidden_rules)
        if reason:
            dropped[reason] += 1
            continue
        font_color = node.get("color") if node.name == "font" else None
        inner_paint = paint.under(declarations, font_color, node.get("bgcolor"))
        if inner_paint.text_invisible() and node.get_text(strip=True):
            dropped["text colour matches background"] += 1
            continue
        name = node.name
        if name == "br":
            pieces.append(_Break.LINE)
            continue
        if name in _CELL_TAGS:
            pieces.append(_Break.CELL)
        if name in _BLOCK_TAGS:
            pieces.append(_Break.PARAGRAPH)
            stack.append(_Break.PARAGRAPH)
        stack.extend((child, inner_paint) for child in reversed(node.contents))
    return ExtractedText(title=title, text=_assemble(pieces), dropped=dict(dropped))


def _assemble(pieces: list[str | _Break]) -> str:
    paragraphs: list[str] = []
    lines: list[str] = []
    current: list[str] = []

    def end_line() -> None:
        line = " ".join("".join(current).split())
        if line:
            lines.append(line)
        current.clear()

    def end_paragraph() -> None:
        end_line()
        if lines:
            paragraphs.append("\n".join(lines))
        lines.clear()

    for piece in pieces:
        if piece is _Break.PARAGRAPH:
            end_paragraph()
        elif piece is _Break.LINE:
            end_line()
        elif piece is _Break.CELL:
            if "".join(current).strip():
                current.append(" | ")
        else:
            current.append(piece)
    end_paragraph()
    return "\n\n".join(paragraphs)


def _document_title(soup: BeautifulSoup) -> str:
    for title in soup.find_all("title"):
        if not title.find_parent(["svg", "math"]):  # an SVG <title> is a tooltip, not the page title
            return " ".join(title.get_text().split())
    return ""


def _hidden_reason(
    tag: Tag, declarations: Mapping[str, str], hidden_rules: list[tuple[str | None, str, str]]
) -> str | None:
    name = tag.name
    if name in _DROPPED_TAGS:
        return name
    if name == "dialog" and not tag.has_attr("open"):
        return "closed dialog"
    if tag.has_attr("hidden"):
        return "hidden attribute"
    if str(tag.get("aria-hidden", "")).strip().lower() == "true":
        return "aria-hidden"
    style_reason = _style_hides(declarations)
    if style_reason:
        return f"inline style {style_reason}"
    if hidden_rules and _matches_any(tag, hidden_rules):
        return "stylesheet rule hides it"
    return None


def _style_hides(declarations: Mapping[str, str]) -> str | None:
    """Which declaration makes an element invisible, or None."""
    if declarations.get("display") == "none":
        return "display:none"
    if declarations.get("visibility") in ("hidden", "collapse"):
        return "visibility:hidden"
    opacity = _number(declarations.get("opacity", ""))
    if opacity is not None and opacity[0] <= (5 if opacity[1] == "%" else 0.05):
        return "opacity:0"
    font_size = _number(declarations.get("font-size", ""))
    if font_size is not None and _too_small(*font_size):
        return "font-size:0"
    for prop in _OFFSET_PROPERTIES:
        offset = _number(declarations.get(prop, ""))
        if offset is not None and _off_screen(*offset):
            return f"{prop} off-screen"
    transform = declarations.get("transform", "")
    if re.search(r"scale[xy]?\(\s*0(\.0*)?\s*[,)]", transform):
        return "transform:scale(0)"
    clip = declarations.get("clip", "") + declarations.get("clip-path", "")
    if re.search(r"rect\(\s*0[a-z]*[\s,]+0", clip) or re.search(r"inset\(\s*(50|100)%", clip):
        return "clipped away"
    if declarations.get("overflow") == "hidden":
        for prop in ("height", "width", "max-height", "max-width"):
            size = _number(declarations.get(prop, ""))
            if size is not None and size[0] <= 1:
                return f"{prop}:0 with overflow:hidden"
    color = _parse_color(declarations.get("color", ""))
    if color is not None and color[3] <= 0.05:
        return "transparent text"
    return None


def _too_small(value: float, unit: str) -> bool:
    if value <= 0:
        return True
    if unit in ("px", "pt", ""):
        return value < 2
    if unit in ("em", "rem", "ex", "ch"):
        return value < 0.2
    if unit == "%":
        return value < 20
    return False


def _off_screen(value: float, unit: str) -> bool:
    if unit in ("px", "pt", ""):
        return abs(value) >= 1000
    if unit in ("em", "rem"):
        return abs(value) >= 60
    if unit in ("vw", "vh", "%"):
        return abs(value) >= 100
    return False


def _number(value: str) -> tuple[float, str] | None:
    match = _LENGTH.match(value.strip())
    if not match:
        return None
    return float(match.group(1)), match.group(2)


def _declarations(style: object) -> dict[str, str]:
    """Inline CSS as property -> value (lower case, ``!important`` dropped, later ones win)."""
    if not isinstance(style, str) or not style:
        return {}
    result: dict[str, str] = {}
    for declaration in _CSS_COMMENT.sub("", style).split(";"):
        prop, sep, value = declaration.partition(":")
        if sep:
            value = value.replace("!important", "").strip().lower()
            result[prop.strip().lower()] = " ".join(value.split())
    return result


def _stylesheet_hiding_rules(soup: BeautifulSoup) -> list[tuple[str | None, str, str]]:
    """(tag or None, '.' or '#', class or id) of simple <style> rules whose declarations hide elements.
    Compound selectors (descendants, attributes, pseudo-classes) are not evaluated."""
    rules: list[tuple[str | None, str, str]] = []
    for style in soup.find_all("style"):
        css = _CSS_COMMENT.sub("", style.get_text())
        for selectors, body in _CSS_RULE.findall(css):
            declarations = _declarations(body)
            paint = _Paint().under(declarations)
            if not (_style_hides(declarations) or paint.text_invisible()):
                continue
            for selector in selectors.split(","):
                match = _SIMPLE_SELECTOR.fullmatch(selector.strip())
                if match:
                    tag_name = match.group(1).lower() if match.group(1) else None
                    rules.append((tag_name, match.group(2), match.group(3)))
    return rules


def _matches_any(tag: Tag, rules: list[tuple[str | None, str, str]]) -> bool:
    classes = tag.get("class") or []
    element_id = tag.get("id")
    for tag_name, kind, value in rules:
        if tag_name and tag_name != tag.name:
            continue
        if (kind == "." and value in classes) or (kind == "#" and value == element_id):
            return True
    return False


def _first_color(value: str) -> Rgba | None:
    """The colour in a ``background`` shorthand (``url(x) #fff no-repeat``)."""
    parsed = _parse_color(value)
    if parsed is not None:
        return parsed
    for token in re.findall(r"rgba?\([^)]*\)|#[0-9a-f]+|[a-z]+", value):
        parsed = _parse_color(token)
        if parsed is not None:
            return parsed
    return None


def _parse_color(value: str) -> Rgba | None:
    value = value.strip().lower()
    if value == "transparent":
        return (0, 0, 0, 0.0)
    if value in _NAMED_COLORS:
        return (*_NAMED_COLORS[value], 1.0)
    hex_match = _HEX_COLOR.match(value)
    if hex_match:
        digits = hex_match.group(1)
        if len(digits) in (3, 4):
            digits = "".join(ch * 2 for ch in digits)
        alpha = int(digits[6:8], 16) / 255 if len(digits) == 8 else 1.0
        return (int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16), alpha)
    function_match = _FUNCTION_COLOR.match(value)
    if function_match:
        parts = [p for p in re.split(r"[\s,/]+", function_match.group(1).strip()) if p]
        if len(parts) not in (3, 4):
            return None
        try:
            channels = [
                round(float(p[:-1]) * 2.55) if p.endswith("%") else round(float(p)) for p in parts[:3]
            ]
            alpha = 1.0
            if len(parts) == 4:
                alpha = float(parts[3][:-1]) / 100 if parts[3].endswith("%") else float(parts[3])
        except ValueError:
            return None
        r, g, b = (max(0, min(255, c)) for c in channels)
        return (r, g, b, alpha)
    return None
