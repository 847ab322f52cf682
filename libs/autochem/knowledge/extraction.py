"""Triple extraction: chunk text → entity mentions and (subject, predicate, object) relations.

Two extractors share one output type. :class:`DomainTripleExtractor` needs no language model: it
finds chemicals through the ``chemicals`` database, equipment through the unit-operation vocabulary,
conditions with their units, ISA instrument tags, named processes and catalysts, and relates them
sentence by sentence with a small set of verb cues. :class:`LlmTripleExtractor` asks the language
model for JSON, validates it, and keeps only triples whose entities occur in the chunk — so a model
that invents entities (or a page that tries to inject them) cannot add them to the graph.
"""

from __future__ import annotations

import itertools
import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from autochem.knowledge.chemnames import ChemicalNameResolver, looks_like_formula
from autochem.knowledge.chunking import Chunk
from autochem.knowledge.vocabulary import (
    CATALYST,
    CONDITION,
    CONDITION_KIND,
    HAZARDS,
    INSTRUMENT_TAG,
    NAMED_PROCESS,
    UNIT_OPERATIONS,
    is_instrument_tag,
)

log = logging.getLogger(__name__)

ENTITY_TYPES = ("chemical", "unit_operation", "condition", "instrument", "process", "catalyst", "hazard")
_SENTENCE = re.compile(r"(?<=[.!?;])\s+(?=[A-Z(\d])|\n+")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9,'()+\-]*")
_UNIT_PATTERN = re.compile(
    r"\b(" + "|".join(re.escape(p) for p in sorted(UNIT_OPERATIONS, key=len, reverse=True)) + r")(e?s)?\b",
    re.I,
)
_HAZARD_PATTERN = re.compile(
    r"\b(" + "|".join(re.escape(p) for p in sorted(HAZARDS, key=len, reverse=True)) + r")\b", re.I
)
# Verb cues between two mentions in one sentence, checked in order; the first that matches names the relation.
_CUES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p, re.I), pred)
    for p, pred in (
        (r"\b(?:is|are)?\s*(?:oxidi[sz]ed|burn(?:ed|t)?)\s+(?:to|into)\b", "oxidized_to"),
        (r"\b(?:is|are)?\s*(?:hydrogenated|reduced)\s+(?:to|into)\b", "reduced_to"),
        (
            r"\b(?:convert(?:s|ed)?|transform(?:s|ed)?)\b.*\b(?:to|into)\b|\bto (?:form|give|yield|produce)\b|"
            r"\b(?:yield(?:s|ing)?|giv(?:es|ing)|form(?:s|ing)|produc(?:es|ing))\b",
            "converts_to",
        ),
        (r"\breact(?:s|ed|ing)?\s+with\b|\bwith\b", "reacts_with"),
        (
            r"\b(?:fed|sent|pumped|routed|passed|passes|flows?|enters?|goes|returned|recycled)\s+(?:back\s+)?"
            r"(?:to|into)\b",
            "feeds",
        ),
        (r"\babsorb(?:s|ed)?\b", "absorbs"),
        (r"\bcool(?:s|ed)?\b|\bquench(?:es|ed)?\b", "cools"),
        (r"\bheat(?:s|ed)?\b|\bpreheat(?:s|ed)?\b", "heats"),
        (r"\bcontrol(?:s|led|ling)?\b|\bmanipulat(?:es|ed|ing)\b|\btrim(?:s|med)?\b", "controls"),
        (r"\bseparat(?:es|ed|ing)\b|\bremov(?:es|ed|ing)\b|\brecover(?:s|ed|ing)?\b", "separates"),
    )
)


@dataclass(frozen=True)
class Mention:
    surface: str
    type: str
    cas: str = ""  # set for chemicals the database knows
    attrs: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Triple:
    subject: Mention
    predicate: str
    object: Mention


@dataclass
class ChunkExtraction:
    chunk_id: str
    mentions: list[Mention] = field(default_factory=list)
    triples: list[Triple] = field(default_factory=list)


class TripleExtractor(Protocol):
    name: str

    async def extract(
        self, chunks: Sequence[Chunk], *, document_chemical: str = ""
    ) -> list[ChunkExtraction]: ...


class DomainTripleExtractor:
    """Deterministic extraction from chemistry and process-engineering vocabulary (no LLM)."""

    name = "domain"

    def __init__(self, resolver: ChemicalNameResolver | None = None, *, max_ngram: int = 4) -> None:
        self.resolver = resolver or ChemicalNameResolver()
        self.max_ngram = max_ngram

    async def extract(self, chunks: Sequence[Chunk], *, document_chemical: str = "") -> list[ChunkExtraction]:
        return [self.extract_chunk(c, document_chemical=document_chemical) for c in chunks]

    def extract_chunk(self, chunk: Chunk, *, document_chemical: str = "") -> ChunkExtraction:
        out = ChunkExtraction(chunk_id=chunk.chunk_id)
        seen: set[Mention] = set()
        topic = self._topic(document_chemical)
        for sentence in _SENTENCE.split(chunk.text):
            found = self._mentions(sentence)
            for _, m in found:
                if m not in seen:
                    seen.add(m)
                    out.mentions.append(m)
            out.triples.extend(self._relate(sentence, found, topic, chunk.section))
        if topic is not None and topic not in seen and out.mentions:
            out.mentions.append(topic)
        return out

    def _topic(self, chemical: str) -> Mention | None:
        if not chemical:
            return None
        ident = self.resolver.resolve(chemical)
        return Mention(chemical.lower(), "chemical", ident.cas if ident else "")

    def _mentions(self, sentence: str) -> list[tuple[int, Mention]]:
        """Mentions in order of position; a longer span wins over the spans it covers."""
        spans: list[tuple[int, int, Mention]] = []
        for m in CONDITION.finditer(sentence):
            unit = re.sub(r"\s", "", m.group("unit"))
            kind = CONDITION_KIND.get(unit, "quantity")
            value = re.sub(r"\s*(?:to|–|—)\s*", "–", m.group("value")).replace(" ", "")
            spans.append(
                (m.start(), m.end(), Mention(f"{value} {unit}", "condition", attrs=(("kind", kind),)))
            )
        for m in INSTRUMENT_TAG.finditer(sentence):
            tag = re.sub(r"\s", "-", m.group("tag"))
            if is_instrument_tag(tag):
                tag = tag if "-" in tag else re.sub(r"^([A-Z]+)", r"\1-", tag)
                spans.append((m.start(), m.end(), Mention(tag, "instrument")))
        for m in NAMED_PROCESS.finditer(sentence):
            if m.group("name").split()[0].lower() in _NOT_A_PROCESS_NAME:
                continue
            spans.append((m.start(), m.end(), Mention(m.group("name").lower(), "process")))
        for m in CATALYST.finditer(sentence):
            cat = re.sub(
                r"^(?:an?|the)\s+", "", (m.group("cat") or m.group("cat2") or "").strip(" -"), flags=re.I
            )
            words = cat.lower().split()
            if cat and len(words) <= 4 and not (set(words) & _NOT_IN_CATALYST_NAME):
                spans.append(
                    (m.start("cat" if m.group("cat") else "cat2"), m.end(), Mention(cat, "catalyst"))
                )
        for m in _UNIT_PATTERN.finditer(sentence):
            spans.append(
                (
                    m.start(),
                    m.end(),
                    Mention(
                        m.group(1).lower(),
                        "unit_operation",
                        attrs=(("unit_type", UNIT_OPERATIONS[m.group(1).lower()]),),
                    ),
                )
            )
        for m in _HAZARD_PATTERN.finditer(sentence):
            spans.append((m.start(), m.end(), Mention(HAZARDS[m.group(1).lower()], "hazard")))
        spans.extend(self._chemical_spans(sentence))
        spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
        kept: list[tuple[int, Mention]] = []
        last_end = -1
        for start, end, mention in spans:
            if start >= last_end:
                kept.append((start, mention))
                last_end = end
        return kept

    def _chemical_spans(self, sentence: str) -> list[tuple[int, int, Mention]]:
        words = list(_WORD.finditer(sentence))
        spans = []
        i = 0
        while i < len(words):
            for n in range(min(self.max_ngram, len(words) - i), 0, -1):
                start, end = words[i].start(), words[i + n - 1].end()
                surface = sentence[start:end].strip("(),'")
                ident = self.resolver.resolve(surface)
                if ident is not None:
                    shown = surface if looks_like_formula(surface) else surface.lower()
                    spans.append((start, end, Mention(shown, "chemical", ident.cas)))
                    i += n - 1
                    break
            i += 1
        return spans

    def _relate(
        self, sentence: str, found: list[tuple[int, Mention]], topic: Mention | None, section: str
    ) -> list[Triple]:
        triples: list[Triple] = []
        anchor: Mention | None = None  # the last non-condition mention: what a condition describes
        for (pos_a, a), (pos_b, b) in itertools.pairwise(found):
            if a.type != "condition":
                anchor = a
            if a == b:
                continue
            if b.type == "condition":
                if anchor is not None:
                    triples.append(Triple(anchor, "operates_at", b))
                continue
            if a.type == "condition":
                continue
            if b.type == "catalyst" and a.type in ("chemical", "process", "unit_operation"):
                triples.append(Triple(a, "catalyzed_by", b))
                continue
            if a.type == "instrument":
                controls = re.search(r"control|manipulat|trip|alarm|measur", sentence, re.I)
                triples.append(Triple(a, "controls" if controls else "monitors", b))
                continue
            between = sentence[pos_a + len(a.surface) : pos_b]
            predicate = next((pred for pat, pred in _CUES if pat.search(between)), "related_to")
            triples.append(Triple(a, predicate, b))
        if topic is not None:
            role = _SECTION_ROLE.get(_section_key(section))
            for _, m in found:
                if m == topic:
                    continue
                if role == "equipment" and m.type == "unit_operation":
                    triples.append(Triple(topic, "uses_equipment", m))
                elif m.type == "process":
                    triples.append(Triple(topic, "produced_by", m))
                elif m.type == "catalyst":
                    triples.append(Triple(topic, "uses_catalyst", m))
                elif m.type == "hazard":
                    triples.append(Triple(topic, "has_hazard", m))
                elif m.type == "instrument":
                    triples.append(Triple(topic, "instrumented_by", m))
                elif role == "waste" and m.type == "chemical":
                    triples.append(Triple(topic, "has_byproduct", m))
                elif role == "route" and m.type == "chemical":
                    triples.append(Triple(topic, "involves", m))
        return triples


_NOT_IN_CATALYST_NAME = frozenset(
    "and the a an of with which that this is are was were by from to in as its their same spent fresh "
    "synthesis reactor bed process plant unit stage".split()
)
_NOT_A_PROCESS_NAME = frozenset(
    "both the this that each a an our which overall main whole entire same first second older newer modern "
    "typical this whole one two side primary secondary".split()
)

_SECTION_ROLE = {
    "route": "route",
    "reference process": "route",
    "equipment": "equipment",
    "pfd": "equipment",
    "instrumentation": "control",
    "p&id": "control",
    "separation": "separation",
    "by-products": "waste",
    "safety": "safety",
}


def _section_key(section: str) -> str:
    low = section.lower()
    return next((k for k in _SECTION_ROLE if low.startswith(k)), "")


# --- LLM-backed extraction -------------------------------------------------------------------------


class LlmTriple(BaseModel):
    subject: str = Field(min_length=1, max_length=120)
    subject_type: str = Field("chemical", max_length=30)
    predicate: str = Field(min_length=1, max_length=60)
    object: str = Field(min_length=1, max_length=120)
    object_type: str = Field("chemical", max_length=30)


_LLM_TRIPLES = TypeAdapter(list[LlmTriple])
_JSON_ARRAY = re.compile(r"\[.*\]", re.S)
_PREDICATE = re.compile(r"[^a-z0-9]+")


def _extraction_prompt(text: str) -> str:
    from autochem.agents.quarantine import UNTRUSTED_PREAMBLE, quarantine_block

    return (
        "You extract facts for a chemical-process knowledge graph. "
        f"{UNTRUSTED_PREAMBLE}\n"
        "Return only a JSON array of objects with keys subject, subject_type, predicate, object, object_type. "
        f"Types are one of: {', '.join(ENTITY_TYPES)}. Predicates are short snake_case verbs such as "
        "converts_to, catalyzed_by, feeds, operates_at, controls, has_byproduct.\n\n"
        f"{quarantine_block(text, 'chunk')}\n\nJSON:"
    )


@dataclass
class LlmExtractionStats:
    calls: int = 0
    invalid_json: int = 0
    ungrounded_dropped: int = 0
    triples_kept: int = 0


class LlmTripleExtractor:
    """Asks the language model for JSON triples; keeps valid ones whose entities appear in the chunk."""

    name = "llm"

    def __init__(self, backend, *, max_new_tokens: int = 256) -> None:
        self.backend = backend
        self.max_new_tokens = max_new_tokens
        self.stats = LlmExtractionStats()

    async def extract(self, chunks: Sequence[Chunk], *, document_chemical: str = "") -> list[ChunkExtraction]:
        from autochem.inference.api import GenerationRequest, SamplingParams

        out = []
        for chunk in chunks:
            result = await self.backend.generate(
                GenerationRequest(
                    prompt=_extraction_prompt(chunk.text),
                    params=SamplingParams(max_new_tokens=self.max_new_tokens, temperature=0.0),
                )
            )
            self.stats.calls += 1
            out.append(self.parse(chunk, result.text))
        return out

    def parse(self, chunk: Chunk, text: str) -> ChunkExtraction:
        out = ChunkExtraction(chunk_id=chunk.chunk_id)
        match = _JSON_ARRAY.search(text)
        try:
            items = _LLM_TRIPLES.validate_python(json.loads(match.group(0))) if match else None
        except (json.JSONDecodeError, ValidationError):
            items = None
        if items is None:
            self.stats.invalid_json += 1
            return out
        haystack = chunk.text.lower()
        for item in items:
            if item.subject.lower() not in haystack or item.object.lower() not in haystack:
                self.stats.ungrounded_dropped += 1
                continue
            s = Mention(
                item.subject.strip(), item.subject_type if item.subject_type in ENTITY_TYPES else "chemical"
            )
            o = Mention(
                item.object.strip(), item.object_type if item.object_type in ENTITY_TYPES else "chemical"
            )
            pred = _PREDICATE.sub("_", item.predicate.lower()).strip("_")[:60] or "related_to"
            out.triples.append(Triple(s, pred, o))
            out.mentions.extend(m for m in (s, o) if m not in out.mentions)
            self.stats.triples_kept += 1
        return out


class CombinedExtractor:
    """Union of several extractors' mentions and triples per chunk (e.g. domain + LLM)."""

    def __init__(self, extractors: Sequence[TripleExtractor]) -> None:
        self.extractors = list(extractors)
        self.name = "+".join(e.name for e in self.extractors)

    async def extract(self, chunks: Sequence[Chunk], *, document_chemical: str = "") -> list[ChunkExtraction]:
        merged = [ChunkExtraction(chunk_id=c.chunk_id) for c in chunks]
        for extractor in self.extractors:
            for acc, part in zip(
                merged, await extractor.extract(chunks, document_chemical=document_chemical), strict=True
            ):
                acc.mentions.extend(m for m in part.mentions if m not in acc.mentions)
                acc.triples.extend(t for t in part.triples if t not in acc.triples)
        return merged
