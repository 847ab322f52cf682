"""Community summaries: what each community is about, written from its triples and source titles.

:class:`DigestSummarizer` writes a deterministic digest (central entities, strongest facts, source
documents) — fast enough for every build, and what retrieval embeds. :class:`LlmSummarizer` asks the
language model to turn the same digest into prose; the digest's entity list is kept after the prose
so retrieval still sees every name even when a small model drops some.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Protocol

_PREDICATE_PRIORITY = {"related_to": 1, "involves": 1}


@dataclass(frozen=True)
class CommunityDigest:
    community_id: str
    level: int
    entity_names: list[str]  # most central first
    facts: list[tuple[str, str, str]]
    source_titles: list[str]  # most cited first


class Summarizer(Protocol):
    name: str

    async def summarize(self, digest: CommunityDigest) -> tuple[str, str]:
        """Return (title, summary)."""
        ...


def digest_text(d: CommunityDigest, *, max_facts: int = 14, max_entities: int = 20) -> str:
    facts = sorted(d.facts, key=lambda f: (_PREDICATE_PRIORITY.get(f[1], 0), f))[:max_facts]
    lines = [
        f"Sources: {', '.join(d.source_titles[:4])}." if d.source_titles else "",
        f"Entities: {', '.join(d.entity_names[:max_entities])}.",
        "Facts: " + "; ".join(f"{s} {p.replace('_', ' ')} {o}" for s, p, o in facts) + "." if facts else "",
    ]
    return " ".join(x for x in lines if x)


class DigestSummarizer:
    name = "digest"

    async def summarize(self, digest: CommunityDigest) -> tuple[str, str]:
        title = ", ".join(digest.entity_names[:3]) or digest.community_id
        if digest.source_titles:
            title = f"{digest.source_titles[0]}: {title}"
        return title, digest_text(digest)


class LlmSummarizer:
    """Prose summary from the language model, the digest appended for retrieval."""

    name = "llm"

    def __init__(self, backend, *, max_new_tokens: int = 96) -> None:
        self.backend = backend
        self.max_new_tokens = max_new_tokens
        self.calls = 0

    async def summarize(self, digest: CommunityDigest) -> tuple[str, str]:
        from autochem.agents.quarantine import UNTRUSTED_PREAMBLE, quarantine_block
        from autochem.inference.api import GenerationRequest, SamplingParams

        body = digest_text(digest)
        prompt = (
            "Summarize in two sentences what this group of facts from a chemical-process knowledge graph is about. "
            f"{UNTRUSTED_PREAMBLE}\n{quarantine_block(body, 'knowledge-graph community')}\nSummary:"
        )
        result = await self.backend.generate(
            GenerationRequest(prompt=prompt, params=SamplingParams(max_new_tokens=self.max_new_tokens))
        )
        self.calls += 1
        title, _ = await DigestSummarizer().summarize(digest)
        return title, f"{result.text.strip()} {body}"


def central_entities(members: list[str], degree: Counter, names: dict[str, str]) -> list[str]:
    # Conditions ("250 °C") say little about what a community is; named things lead.
    return [
        names[m] for m in sorted(members, key=lambda m: (m.startswith("condition:"), -degree[m], names[m]))
    ]
