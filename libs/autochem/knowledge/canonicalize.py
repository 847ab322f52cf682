"""Canonicalization: which mentions are the same entity.

The rule from the method: two names merge only if cosine(embeddings) ≥ τ_sim AND
1 − Levenshtein/max(len) ≥ τ_str. Requiring both keeps near-spellings with different meanings apart
("nitric acid"/"nitrous acid" are close in both senses, so we add a third guard: names that the
chemicals database resolves to *different* CAS numbers never merge) and keeps semantically close but
differently written names apart unless the database (or a corpus alias) says they are one compound —
"NH3"/"ammonia" merge by CAS, not by the rule. Everything is order-independent: the result depends
only on the set of mentions, which is what lets an incremental update equal a from-scratch build.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from pydantic import BaseModel, Field
from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import cdist

from autochem.knowledge.chemnames import ChemicalNameResolver, looks_like_formula
from autochem.knowledge.embeddings import Embedder
from autochem.knowledge.extraction import Mention
from autochem.knowledge.vocabulary import UNIT_OPERATIONS


class CanonicalizationSettings(BaseModel):
    tau_sim: float = Field(0.80, ge=0, le=1, description="τ_sim: minimum cosine between name embeddings.")
    tau_str: float = Field(0.75, ge=0, le=1, description="τ_str: minimum 1 − Levenshtein/max(len).")
    use_chemical_database: bool = Field(
        True, description="Resolve chemical names to CAS numbers; same CAS merges, different CAS never does."
    )


@dataclass
class CanonicalEntity:
    key: str
    name: str
    type: str
    cas: str = ""
    surfaces: set[str] = field(default_factory=set)
    attrs: dict[str, str] = field(default_factory=dict)


def normalize_name(name: str) -> str:
    text = unicodedata.normalize("NFKC", name).strip().strip(".,;:")
    if looks_like_formula(text):
        return text  # case carries meaning in formulas (CO vs Co)
    text = text.lower()
    text = re.sub(r"(?<=[a-z])[-_/](?=[a-z])", " ", text)
    parts = [p.strip() for p in text.split(",")]
    if len(parts) == 2 and all(re.fullmatch(r"[a-z][a-z ]*", p) for p in parts):
        text = f"{parts[1]} {parts[0]}"  # "acid, nitric" → "nitric acid"
    text = text.replace("sulph", "sulf").replace("aluminium", "aluminum").replace("caesium", "cesium")
    text = " ".join(text.split())
    for suffix in ("es", "s"):
        if text.endswith(suffix) and text[: -len(suffix)] in UNIT_OPERATIONS:
            return text[: -len(suffix)]
    return text


def string_similarity(a: str, b: str) -> float:
    return Levenshtein.normalized_similarity(a, b)


def guess_type(name: str) -> str:
    return "unit_operation" if normalize_name(name) in UNIT_OPERATIONS else "chemical"


class Canonicalizer:
    def __init__(
        self,
        embedder: Embedder,
        resolver: ChemicalNameResolver | None = None,
        settings: CanonicalizationSettings | None = None,
    ) -> None:
        self.embedder = embedder
        self.resolver = resolver or ChemicalNameResolver()
        self.settings = settings or CanonicalizationSettings()

    def canonicalize(
        self, mentions: Iterable[Mention]
    ) -> tuple[dict[tuple[str, str], str], dict[str, CanonicalEntity]]:
        """Map each (surface, type) to an entity key; return the mapping and the entities."""
        counts: Counter[tuple[str, str]] = Counter()
        cas_of: dict[tuple[str, str], str] = {}
        attrs_of: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
        for m in mentions:
            counts[(m.surface, m.type)] += 1
            if m.cas:
                cas_of[(m.surface, m.type)] = m.cas
            attrs_of[(m.surface, m.type)].update(dict(m.attrs))
        # Nodes of the merge graph: normalized names per type.
        node_of: dict[tuple[str, str], tuple[str, str]] = {}
        node_cas: dict[tuple[str, str], str] = {}
        preferred: dict[str, str] = {}
        for surface, etype in sorted(counts):
            # Conditions and tags are facts as written ("kJ/mol" is not a name to normalise).
            norm = surface if etype in ("condition", "instrument") else normalize_name(surface)
            node = (etype, norm)
            node_of[(surface, etype)] = node
            cas = cas_of.get((surface, etype), "")
            if not cas and self.settings.use_chemical_database and etype in ("chemical", "catalyst"):
                ident = self.resolver.resolve(surface) or self.resolver.resolve(norm)
                if ident is not None:
                    cas, preferred[ident.cas] = ident.cas, ident.preferred_name
            elif cas and cas not in preferred:
                ident = self.resolver.resolve(surface)
                if ident is not None and ident.cas == cas:
                    preferred[cas] = ident.preferred_name
            if cas:
                node_cas[node] = cas
        nodes = sorted(set(node_of.values()))
        uf = _UnionFind(nodes, node_cas)
        # Same CAS (within a type) → one entity.
        by_cas: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
        for node, cas in node_cas.items():
            by_cas[(node[0], cas)].append(node)
        for group in by_cas.values():
            for other in group[1:]:
                uf.union(group[0], other)
        # The τ_sim ∧ τ_str rule within each type.
        by_type: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for node in nodes:
            by_type[node[0]].append(node)
        for etype, group in by_type.items():
            if len(group) < 2 or etype == "condition":
                continue  # "200 °C" and "250 °C" are close strings but different facts
            names = [n[1] for n in group]
            sims = cdist(
                names,
                names,
                scorer=Levenshtein.normalized_similarity,
                score_cutoff=self.settings.tau_str,
                workers=1,
            )
            ii, jj = np.nonzero(np.triu(sims, k=1))
            if len(ii) == 0:
                continue
            vecs = self.embedder.embed(names)
            for i, j in zip(ii.tolist(), jj.tolist(), strict=True):
                if float(vecs[i] @ vecs[j]) >= self.settings.tau_sim:
                    uf.union(group[i], group[j])
        # Entities: one per component; key and name chosen from the component's members only.
        members: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
        for key in sorted(counts):
            members[uf.find(node_of[key])].append(key)
        mapping: dict[tuple[str, str], str] = {}
        entities: dict[str, CanonicalEntity] = {}
        for root, keys in members.items():
            etype = root[0]
            cas = uf.cas[root]
            if cas:
                # The name engineers use most in the corpus ("ethylene"), not the database's ("ethene").
                name = normalize_name(_most_common(keys, counts)) or preferred.get(cas, "")
                ekey = f"{etype}:cas:{cas}"
            else:
                common = _most_common(keys, counts)
                name = common if etype in ("condition", "instrument") else normalize_name(common)
                ekey = f"{etype}:{name}"
            entity = CanonicalEntity(key=ekey, name=name, type=etype, cas=cas)
            for k in keys:
                mapping[k] = ekey
                entity.surfaces.add(k[0])
                entity.attrs.update(attrs_of[k])
            entities[ekey] = entity
        return mapping, entities

    def same_entity(self, a: str, b: str) -> bool:
        """Would ``a`` and ``b`` become one entity? (For the labelled evaluation.)"""
        mentions = [Mention(a, guess_type(a)), Mention(b, guess_type(b))]
        mapping, _ = self.canonicalize(mentions)
        return mapping[(a, mentions[0].type)] == mapping[(b, mentions[1].type)]


def _most_common(keys: list[tuple[str, str]], counts: Counter) -> str:
    return min(keys, key=lambda k: (-counts[k], len(k[0]), k[0]))[0]


class _UnionFind:
    """Union-find whose components remember their CAS; components with different CAS never join."""

    def __init__(self, nodes: list[tuple[str, str]], cas: dict[tuple[str, str], str]) -> None:
        self.parent = {n: n for n in nodes}
        self.cas = {n: cas.get(n, "") for n in nodes}

    def find(self, n):
        while self.parent[n] != n:
            self.parent[n] = self.parent[self.parent[n]]
            n = self.parent[n]
        return n

    def union(self, a, b) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        ca, cb = self.cas[ra], self.cas[rb]
        if ca and cb and ca != cb:
            return False
        # Deterministic root: the smaller node, so the result does not depend on union order.
        root, child = (ra, rb) if ra < rb else (rb, ra)
        self.parent[child] = root
        self.cas[root] = ca or cb
        return True
