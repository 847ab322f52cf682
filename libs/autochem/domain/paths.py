"""Paths into a design, the addresses used by issues and provenance citations.

Grammar: dot-separated field names, each optionally followed by bracketed keys::

    pfd.flowsheet.streams[S-3].to_unit
    pfd.flowsheet.streams[S-3].composition.fractions[ammonia]
    pid.instrumentation.interlocks[I-101].final_elements[0]

A key selects from a list of identified items by their identifier (units by tag, streams/reactions/loops by
id, components by name, instruments and relief valves by tag); from a plain list or a list of unidentified
items (citations, issues) by position; from a mapping by key. Keys cannot contain brackets, which the
identifier type forbids.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

from autochem.domain.base import DomainModel

_SEGMENT_RE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)((?:\[[^\[\]]*\])*)")
_KEY_RE = re.compile(r"\[([^\[\]]*)\]")


def parse_path(path: str) -> list[tuple[str, list[str]]]:
    """Split a path into (field, [keys...]) segments; ValueError when it does not follow the grammar."""
    segments = []
    for part in _split_dots(path):
        match = _SEGMENT_RE.fullmatch(part)
        if match is None:
            raise ValueError(f"{path!r}: bad path segment {part!r}")
        segments.append((match[1], _KEY_RE.findall(match[2])))
    return segments


def _split_dots(path: str) -> list[str]:
    """Split on dots outside brackets (a key may contain dots, e.g. a document URI or a component name)."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(path):
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == "." and depth == 0:
            parts.append(path[start:i])
            start = i + 1
    parts.append(path[start:])
    return parts


def resolve_path(root: BaseModel, path: str) -> Any:
    """The value at ``path`` below ``root``. LookupError when it points at nothing (including a None field)."""
    try:
        segments = parse_path(path)
    except ValueError as exc:
        raise LookupError(str(exc)) from None
    value: Any = root
    walked = ""
    for field, keys in segments:
        walked = f"{walked}.{field}" if walked else field
        if not isinstance(value, BaseModel) or field not in type(value).model_fields:
            raise LookupError(f"{path!r}: {walked!r} is not a field")
        value = getattr(value, field)
        for key in keys:
            walked = f"{walked}[{key}]"
            value = _select(value, key, path, walked)
        if value is None:
            raise LookupError(f"{path!r}: {walked!r} is not set")
    return value


def path_exists(root: BaseModel, path: str) -> bool:
    try:
        resolve_path(root, path)
    except LookupError:
        return False
    return True


def _select(container: Any, key: str, path: str, walked: str) -> Any:
    if isinstance(container, dict):
        if key in container:
            return container[key]
    elif isinstance(container, list):
        for item in container:
            key_field = type(item).path_key if isinstance(item, DomainModel) else None
            if key_field is not None and getattr(item, key_field) == key:
                return item
        if key.isdigit() and int(key) < len(container):
            return container[int(key)]
    raise LookupError(f"{path!r}: nothing at {walked!r}")
