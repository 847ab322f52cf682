"""The ChemAtlas corpus that ships with the package, its held-out evaluation set and labelled sets.

Corpus documents are Markdown with YAML front matter (name, slug, synonyms, formula, CAS, sector) and
six sections; held-out documents add ``key_facts`` and carry a reference process, PFD and P&ID. The
held-out set is never indexed into the graph by default: it exists to test generalization.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import yaml

from autochem.errors import InvalidArgument
from autochem.knowledge.documents import SourceDocument

CORPUS_SECTIONS = (
    "Route and reactions",
    "Equipment and flow",
    "Instrumentation and control",
    "Separation and purification",
    "By-products and waste",
    "Safety",
)
HELDOUT_SECTIONS = ("Reference process", "PFD", "P&ID")
SECTORS = frozenset(
    {
        "inorganic",
        "petrochemical",
        "monomer",
        "fertilizer",
        "solvent",
        "pharma-intermediate",
        "electronics-battery",
    }
)
CORPUS_URI_SCHEME = "chematlas://"
_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)
_HEADING = re.compile(r"^## +(.+?)\s*$", re.M)


@dataclass(frozen=True)
class KeyFact:
    fact: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class ChemicalDocument:
    """One corpus or held-out document, parsed."""

    slug: str
    name: str
    synonyms: tuple[str, ...]
    formula: str
    cas: str
    sector: str
    body: str
    sections: dict[str, str]
    path: Path
    key_facts: tuple[KeyFact, ...] = field(default=())

    @property
    def source_url(self) -> str:
        return f"{CORPUS_URI_SCHEME}{self.path.parent.name}/{self.slug}"

    def to_source_document(self) -> SourceDocument:
        return SourceDocument(
            doc_id=self.source_url,
            title=self.name,
            text=self.body,
            source_url=self.source_url,
            chemical=self.name,
            metadata={"slug": self.slug, "cas": self.cas, "formula": self.formula, "sector": self.sector},
        )


def corpus_root() -> Path:
    return Path(str(resources.files("autochem.knowledge") / "corpus"))


def parse_document(path: Path, *, required_sections: tuple[str, ...]) -> ChemicalDocument:
    text = path.read_text(encoding="utf-8")
    match = _FRONT_MATTER.match(text)
    if not match:
        raise InvalidArgument(str(path), "missing YAML front matter between '---' lines")
    meta = yaml.safe_load(match.group(1)) or {}
    for key in ("name", "slug", "formula", "cas", "sector"):
        if not str(meta.get(key, "")).strip():
            raise InvalidArgument(f"{path}:{key}", "missing in front matter")
    if meta["sector"] not in SECTORS:
        raise InvalidArgument(f"{path}:sector", f"{meta['sector']!r} is not one of {sorted(SECTORS)}")
    body = text[match.end() :].strip() + "\n"
    sections = _split_sections(body)
    missing = [s for s in required_sections if s not in sections]
    if missing:
        raise InvalidArgument(str(path), f"missing sections {missing}")
    facts = tuple(
        KeyFact(fact=str(item["fact"]), keywords=tuple(str(k) for k in item.get("keywords", ())))
        for item in meta.get("key_facts", []) or []
    )
    return ChemicalDocument(
        slug=str(meta["slug"]),
        name=str(meta["name"]),
        synonyms=tuple(str(s) for s in meta.get("synonyms", []) or []),
        formula=str(meta["formula"]),
        cas=str(meta["cas"]),
        sector=str(meta["sector"]),
        body=body,
        sections=sections,
        path=path,
        key_facts=facts,
    )


def _split_sections(body: str) -> dict[str, str]:
    heads = list(_HEADING.finditer(body))
    out: dict[str, str] = {}
    for i, head in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(body)
        out[head.group(1).strip()] = body[head.end() : end].strip()
    return out


@cache
def load_corpus(root: Path | None = None) -> tuple[ChemicalDocument, ...]:
    """The ChemAtlas documents, sorted by slug."""
    folder = (root or corpus_root()) / "chematlas"
    return tuple(parse_document(p, required_sections=CORPUS_SECTIONS) for p in sorted(folder.glob("*.md")))


@cache
def load_heldout(root: Path | None = None) -> tuple[ChemicalDocument, ...]:
    """The held-out evaluation chemicals (never indexed by default)."""
    folder = (root or corpus_root()) / "heldout"
    return tuple(parse_document(p, required_sections=HELDOUT_SECTIONS) for p in sorted(folder.glob("*.md")))


def _read_jsonl(path: Path) -> list[dict]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise InvalidArgument(f"{path}:{n}", f"not JSON: {exc.msg}") from None
    return rows


@dataclass(frozen=True)
class RetrievalQuery:
    query: str
    chemical: str  # corpus slug whose chunks answer it
    section: str


def load_retrieval_queries(root: Path | None = None) -> list[RetrievalQuery]:
    folder = (root or corpus_root()) / "eval"
    return [
        RetrievalQuery(query=r["query"], chemical=r["chemical"], section=r.get("section", ""))
        for path in sorted(folder.glob("retrieval_*.jsonl"))
        for r in _read_jsonl(path)
    ]


@dataclass(frozen=True)
class EntityPair:
    a: str
    b: str
    same: bool
    why: str = ""


def load_canonicalization_pairs(root: Path | None = None) -> list[EntityPair]:
    path = (root or corpus_root()) / "eval" / "canonicalization_pairs.jsonl"
    return [
        EntityPair(a=r["a"], b=r["b"], same=bool(r["same"]), why=r.get("why", "")) for r in _read_jsonl(path)
    ]
