"""The expert agents and the router that picks one for each subtask.

Each expert has a capability description (what it is good at, in plain words) and a search strategy
(query templates filled with the chemical and the subtask's topic). A subtask goes to the expert whose
description is closest to the subtask text: the highest cosine between their embeddings (DESIGN §6,
"Agent routing"). Every decision keeps the cosine of every expert, so a surprising route can be read.

Queries are built from the request (chemical, focus) and these templates only, never from fetched
text: a web page cannot steer what the agents search for next.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from autochem.agents.planner import Subtask, safe_topic
from autochem.agents.vectors import embed, embed_sync
from autochem.knowledge.embeddings import Embedder

MAX_QUERY_CHARS = 300


@dataclass(frozen=True)
class ExpertAgent:
    name: str
    title: str
    capability: str
    query_templates: tuple[str, ...]  # placeholders: {chemical}, {topic}

    def queries(self, chemical: str, subtask: Subtask) -> list[str]:
        topic = safe_topic(subtask.topic)
        out: list[str] = []
        for template in self.query_templates:
            query = _without_repeats(template.format(chemical=chemical, topic=topic))[:MAX_QUERY_CHARS]
            if query and query not in out:
                out.append(query)
        return out


def _without_repeats(query: str) -> str:
    """The query with words that already occurred dropped (a template and a topic may share words)."""
    seen: set[str] = set()
    words = []
    for word in query.split():
        key = word.casefold()
        if key not in seen:
            seen.add(key)
            words.append(word)
    return " ".join(words)


RESEARCH = ExpertAgent(
    name="research",
    title="Research agent",
    capability=(
        "Reads the technical literature on how a chemical is manufactured: reaction chemistry, catalysts, "
        "kinetics, operating temperature and pressure, conversion and yield, and the separation and "
        "purification steps of the process."
    ),
    query_templates=("{chemical} {topic}", "{chemical} manufacturing process {topic} technical review"),
)
PATENT = ExpertAgent(
    name="patent",
    title="Patent agent",
    capability=(
        "Searches patents and patent applications: patent claims, inventions, licensed technologies, "
        "process improvements and alternative variants protected by patent holders."
    ),
    query_templates=("{chemical} {topic} patent", "{chemical} production process patent claims improvement"),
)
WIKI = ExpertAgent(
    name="wiki",
    title="Wiki agent",
    capability=(
        "Looks up encyclopedic background knowledge: what a substance is, its physical properties, uses, "
        "market, history, toxicity, handling hazards and regulations."
    ),
    query_templates=("{chemical} {topic}", "{chemical} encyclopedia properties uses"),
)
VISUAL_MINER = ExpertAgent(
    name="visual_miner",
    title="Visual Miner agent",
    capability=(
        "Mines process flow diagrams and piping and instrumentation diagrams: equipment lists, unit "
        "operations, stream connections, instrument tags, control loops, valves and piping."
    ),
    query_templates=(
        "{chemical} process flow diagram {topic}",
        "{chemical} plant P&ID instrumentation control loops {topic}",
    ),
)
DEFAULT_EXPERTS: tuple[ExpertAgent, ...] = (RESEARCH, PATENT, WIKI, VISUAL_MINER)


@dataclass(frozen=True)
class RoutingDecision:
    subtask_id: str
    expert: ExpertAgent
    score: float  # cosine of the chosen expert
    scores: Mapping[str, float] = field(default_factory=dict)  # cosine per expert name


class ExpertRouter:
    """Routes subtasks to experts by cosine(subtask text, capability description)."""

    def __init__(self, embedder: Embedder, experts: Sequence[ExpertAgent] = DEFAULT_EXPERTS) -> None:
        if not experts:
            raise ValueError("at least one expert is needed")
        if len({e.name for e in experts}) != len(experts):
            raise ValueError("expert names must be unique")
        self.embedder = embedder
        self.experts = tuple(experts)
        self._capabilities: np.ndarray | None = None

    def by_name(self, name: str) -> ExpertAgent:
        for expert in self.experts:
            if expert.name == name:
                return expert
        raise KeyError(name)

    def _capability_vectors(self) -> np.ndarray:
        if self._capabilities is None:
            self._capabilities = embed_sync(self.embedder, [e.capability for e in self.experts])
        return self._capabilities

    def _decide(self, subtasks: Sequence[Subtask], vectors: np.ndarray) -> list[RoutingDecision]:
        decisions = []
        cosines = vectors @ self._capability_vectors().T
        for subtask, row in zip(subtasks, cosines, strict=True):
            best = int(np.argmax(row))  # ties go to the expert listed first
            decisions.append(
                RoutingDecision(
                    subtask_id=subtask.id,
                    expert=self.experts[best],
                    score=float(row[best]),
                    scores={e.name: float(s) for e, s in zip(self.experts, row, strict=True)},
                )
            )
        return decisions

    def route(self, subtask: Subtask) -> RoutingDecision:
        """The expert for one subtask (blocking; embeds on this thread)."""
        return self._decide([subtask], embed_sync(self.embedder, [subtask.text]))[0]

    async def route_all(self, subtasks: Sequence[Subtask]) -> list[RoutingDecision]:
        """One decision per subtask, in order, with one embedding call off the event loop."""
        if not subtasks:
            return []
        if self._capabilities is None:
            self._capabilities = await embed(self.embedder, [e.capability for e in self.experts])
        vectors = await embed(self.embedder, [s.text for s in subtasks])
        return self._decide(subtasks, vectors)
