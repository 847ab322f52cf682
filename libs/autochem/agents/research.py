"""The meta-agent: plan → route → search → rank → synthesize → integrate → refine (DESIGN §6).

``await MetaAgent(...).research(chemical, focus, options)``:

1. the :class:`~autochem.agents.planner.Planner` splits the request into a DAG of subtasks;
2. the :class:`~autochem.agents.experts.ExpertRouter` gives each subtask to the expert whose capability
   is closest to it;
3. subtasks run in dependency order, independent ones in parallel (bounded). For each, the expert
   searches every selected backend with its query templates; candidates that mention the chemical are
   split into passages, ranked by cosine(subtask, best passage) and the top K kept;
4. the language model writes the sub-answer from the kept passages, each fenced as untrusted
   (``quarantine_block``) under ``UNTRUSTED_PREAMBLE``, citing them as [n]. Without a model the
   sub-answer is extractive (the passages' opening sentences with their citations);
5. sub-answers are integrated into one brief;
6. refinement: the judge scores the brief; while the weakest judged attribute is below the threshold and
   rounds remain, the sub-answers scoring lowest on that attribute are rewritten with feedback written
   for it: A(i+1) = Meta(A(i), feedback(i)). The best-scoring round is returned.

Untrusted text never becomes an action: search queries come from the request and templates only; the
trace records tools, backends, queries and URLs, never page text; answers are screened again before
they are kept. A model or judge that is unavailable is recorded in ``degraded``; the research goes on.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import time
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol
from urllib.parse import quote

import numpy as np
from pydantic import BaseModel, Field

from autochem.agents.experts import DEFAULT_EXPERTS, ExpertAgent, ExpertRouter, RoutingDecision
from autochem.agents.planner import MAX_SUBTASKS_LIMIT, Plan, Planner, Subtask, run_dag
from autochem.agents.quarantine import UNTRUSTED_PREAMBLE, quarantine_block, screen_untrusted
from autochem.agents.search import SearchBackend, SearchHit, passage_text, short_error
from autochem.agents.vectors import embed
from autochem.errors import InvalidArgument
from autochem.inference.api import ChatMessage, GenerationBackend, GenerationRequest, SamplingParams
from autochem.knowledge.chunking import ChunkingSettings, chunk_document
from autochem.knowledge.documents import SourceDocument, check_document
from autochem.knowledge.embeddings import Embedder

log = logging.getLogger(__name__)

MAX_CHEMICAL_CHARS = 120
MAX_FOCUS_CHARS = 300
MAX_TOP_K = 10
MAX_REFINEMENT_ROUNDS = 5
MAX_BACKENDS = 4
ATTRIBUTES = ("helpfulness", "correctness", "coherence", "complexity", "verbosity")
# The reward judge's input limits (judging.base.InputLimits); texts are cut to fit, not refused.
_JUDGE_PROMPT_CHARS = 7_500
_JUDGE_RESPONSE_CHARS = 15_500
_JUDGE_CONTEXT_CHARS = 31_000
_DOC_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/#?=&%+@~-]{0,511}$")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_MARKDOWN_LEAD = re.compile(r"^\s*(?:#+|[-*•]|\d+[.)])\s*")

FEEDBACK: Mapping[str, str] = {
    "helpfulness": "The answer does not address the subtask directly enough. Lead with the specific facts "
    "the subtask asks for and leave out general remarks.",
    "correctness": "Some statements are not backed by the sources. Keep only facts the sources state, "
    "with their numbers and units, and cite each one as [n].",
    "coherence": "The answer reads as disjointed or stops mid-thought. Write complete sentences in a "
    "logical order and finish cleanly.",
    "complexity": "The answer is too superficial for a process engineer. Add the technical specifics the "
    "sources give: conditions, equipment, control details.",
    "verbosity": "The length does not fit the question. Keep to the essential facts.",
}


class JudgeLike(Protocol):
    """``score`` returns a mapping attribute → 0..4 (GrpcJudgeClient) or an object with ``attributes()``
    (the judging package's JudgeScores)."""

    async def score(self, prompt: str, response: str, context: str | None = None) -> Any: ...


class ResearchSettings(BaseModel):
    """Defaults and knobs of the research loop (a request may override the first four)."""

    max_subtasks: int = Field(6, ge=1, le=MAX_SUBTASKS_LIMIT, description="Subtasks in the plan.")
    top_k: int = Field(3, ge=1, le=MAX_TOP_K, description="Candidates kept per subtask after ranking.")
    refinement_rounds: int = Field(
        2, ge=0, le=MAX_REFINEMENT_ROUNDS, description="Judge-feedback revision rounds at most."
    )
    concurrency: int = Field(3, ge=1, le=16, description="Subtasks researched at once.")
    hits_per_query: int = Field(4, ge=1, le=20, description="Results asked of a backend per query.")
    score_threshold: float = Field(
        3.0, ge=0, le=4, description="Refinement goes on while the weakest judged attribute is below this."
    )
    judged_attributes: tuple[str, ...] = Field(
        ("helpfulness", "correctness", "coherence"),
        description="Attributes whose minimum drives refinement (complexity/verbosity describe, not grade).",
    )
    revise_per_round: int = Field(
        2, ge=1, le=MAX_SUBTASKS_LIMIT, description="Sub-answers rewritten per round."
    )
    require_mention: bool = Field(
        True, description="Drop candidates whose text never names the chemical (or a given synonym)."
    )
    llm_plan: bool = Field(
        False, description="Ask the language model for the plan (validated; else templates)."
    )
    max_new_tokens: int = Field(320, ge=16, le=2048, description="Token budget of one sub-answer.")
    passage_chars: int = Field(
        1200, ge=200, le=8000, description="Characters of one passage shown to the model."
    )
    passages_per_source: int = Field(
        2, ge=1, le=5, description="Best passages of a kept source shown to the model."
    )
    max_answer_chars: int = Field(2500, ge=200, le=10_000, description="A sub-answer is cut to this length.")
    chunking: ChunkingSettings = Field(
        default_factory=ChunkingSettings, description="How candidate texts are split into passages."
    )


@dataclass(frozen=True)
class ResearchOptions:
    max_subtasks: int = 6
    top_k: int = 3
    refinement_rounds: int = 2
    backends: tuple[str, ...] = ()  # empty: every configured backend

    @classmethod
    def from_settings(cls, settings: ResearchSettings, **overrides: Any) -> ResearchOptions:
        base = cls(settings.max_subtasks, settings.top_k, settings.refinement_rounds)
        return replace(base, **{k: v for k, v in overrides.items() if v is not None})

    def validate(self, known_backends: Sequence[str]) -> None:
        if not 1 <= self.max_subtasks <= MAX_SUBTASKS_LIMIT:
            raise InvalidArgument("max_subtasks", f"must be in 1..{MAX_SUBTASKS_LIMIT}")
        if not 1 <= self.top_k <= MAX_TOP_K:
            raise InvalidArgument("top_k", f"must be in 1..{MAX_TOP_K}")
        if not 0 <= self.refinement_rounds <= MAX_REFINEMENT_ROUNDS:
            raise InvalidArgument("refinement_rounds", f"must be in 0..{MAX_REFINEMENT_ROUNDS}")
        if len(self.backends) > MAX_BACKENDS:
            raise InvalidArgument("backends", f"at most {MAX_BACKENDS}")
        for i, name in enumerate(self.backends):
            if name not in known_backends:
                raise InvalidArgument(
                    f"backends[{i}]", f"{name[:40]!r} is not one of {sorted(known_backends)}"
                )


def check_chemical(chemical: str, field_name: str = "chemical") -> str:
    """The chemical name, whitespace-normalised; InvalidArgument if empty, over-long or not text."""
    name = " ".join(chemical.split())
    if not name:
        raise InvalidArgument(field_name, "must not be empty")
    if len(name) > MAX_CHEMICAL_CHARS:
        raise InvalidArgument(field_name, f"at most {MAX_CHEMICAL_CHARS} characters (got {len(name)})")
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        raise InvalidArgument(field_name, "must not contain control or format characters")
    if not any(ch.isalnum() for ch in name):
        raise InvalidArgument(field_name, "must contain a letter or digit")
    return name


def check_focus(focus: str) -> str:
    focus = " ".join(focus.split())
    if len(focus) > MAX_FOCUS_CHARS:
        raise InvalidArgument("focus", f"at most {MAX_FOCUS_CHARS} characters (got {len(focus)})")
    if any(unicodedata.category(ch).startswith("C") for ch in focus):
        raise InvalidArgument("focus", "must not contain control or format characters")
    return focus


# ------------------------------------------------------------------------------------ result types


@dataclass(frozen=True)
class ToolUse:
    tool: str  # search | fetch | generate | judge
    backend: str
    subtask_id: str = ""
    expert: str = ""
    query: str = ""
    url: str = ""
    ok: bool = True
    error: str = ""
    elapsed_ms: float = 0.0


@dataclass(frozen=True)
class Source:
    """A kept candidate: the passage the answer rests on and the whole text it came from."""

    url: str
    title: str
    score: float
    backend: str
    passage: str
    text: str


@dataclass(frozen=True)
class SubAnswer:
    subtask: Subtask
    expert: str
    routing_score: float
    routing_scores: Mapping[str, float]
    answer: str
    sources: tuple[Source, ...]
    synthesized_by: str  # llm | extractive
    revisions: int = 0
    elapsed_s: float = 0.0


@dataclass(frozen=True)
class RoundScores:
    round: int
    scores: Mapping[str, float]
    weakest_attribute: str
    weakest_score: float
    revised_subtasks: tuple[str, ...] = ()


@dataclass(frozen=True)
class HarvestedDoc:
    document: SourceDocument
    agent: str  # the expert whose subtask kept it


@dataclass
class ResearchResult:
    chemical: str
    focus: str
    plan_source: str
    subtasks: list[SubAnswer]
    routing: list[RoutingDecision]
    final_answer: str
    rounds: list[RoundScores]
    final_round: int
    documents: list[HarvestedDoc]
    trace: list[ToolUse]
    degraded: list[str]
    timings_s: dict[str, float]


# ------------------------------------------------------------------------------------------- agent


@dataclass
class _Run:
    chemical: str
    focus: str
    options: ResearchOptions
    backends: tuple[str, ...]
    mentions: tuple[re.Pattern[str], ...]
    trace: list[ToolUse] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    llm_down: bool = False

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)


@dataclass
class _Candidate:
    url: str
    title: str
    text: str
    backend: str


class MetaAgent:
    """Research agents around one embedder, a set of named search backends, an optional language model
    and an optional judge (see the module docstring)."""

    def __init__(
        self,
        embedder: Embedder,
        backends: Mapping[str, SearchBackend],
        *,
        llm: GenerationBackend | None = None,
        judge: JudgeLike | None = None,
        settings: ResearchSettings | None = None,
        experts: Sequence[ExpertAgent] = DEFAULT_EXPERTS,
        llm_name: str = "llm",
        judge_name: str = "judge",
    ) -> None:
        if not backends:
            raise ValueError("at least one search backend is needed")
        self.embedder = embedder
        self.backends = dict(backends)
        self.llm = llm
        self.judge = judge
        self.settings = settings or ResearchSettings()
        self.router = ExpertRouter(embedder, experts)
        self.planner = Planner(llm, use_llm=self.settings.llm_plan)
        self.llm_name = llm_name
        self.judge_name = judge_name

    def default_options(self, **overrides: Any) -> ResearchOptions:
        return ResearchOptions.from_settings(self.settings, **overrides)

    def check_request(self, chemical: str, focus: str, options: ResearchOptions) -> tuple[str, str]:
        """Normalised chemical and focus; InvalidArgument for anything out of range."""
        chemical = check_chemical(chemical)
        focus = check_focus(focus)
        options.validate(list(self.backends))
        return chemical, focus

    async def research(
        self,
        chemical: str,
        focus: str = "",
        options: ResearchOptions | None = None,
        *,
        synonyms: Sequence[str] = (),
    ) -> ResearchResult:
        options = options or self.default_options()
        chemical, focus = self.check_request(chemical, focus, options)
        started = time.perf_counter()
        names = [chemical, *(" ".join(s.split()) for s in synonyms)]
        run = _Run(
            chemical=chemical,
            focus=focus,
            options=options,
            backends=options.backends or tuple(self.backends),
            mentions=tuple(_mention_pattern(n) for n in dict.fromkeys(names) if len(n) >= 2),
        )
        timings: dict[str, float] = {}

        mark = time.perf_counter()
        plan, plan_notes = await self.planner.plan(chemical, focus, options.max_subtasks)
        for n in plan_notes:
            run.note(n)
        timings["plan"] = time.perf_counter() - mark

        mark = time.perf_counter()
        decisions = await self.router.route_all(plan.subtasks)
        routing = {d.subtask_id: d for d in decisions}
        timings["routing"] = time.perf_counter() - mark

        mark = time.perf_counter()

        async def run_subtask(subtask: Subtask, inputs: Mapping[str, SubAnswer]) -> SubAnswer:
            return await self._research_subtask(run, subtask, routing[subtask.id], inputs)

        answers = await run_dag(plan, run_subtask, concurrency=self.settings.concurrency)
        ordered = [answers[s.id] for s in plan.subtasks]
        timings["subtasks"] = time.perf_counter() - mark

        mark = time.perf_counter()
        final_answers, rounds, final_round = await self._refine(run, plan, ordered)
        timings["refinement"] = time.perf_counter() - mark

        documents = self._harvest(run, final_answers)
        timings["total"] = time.perf_counter() - started
        return ResearchResult(
            chemical=chemical,
            focus=focus,
            plan_source=plan.source,
            subtasks=final_answers,
            routing=decisions,
            final_answer=integrate(chemical, focus, final_answers),
            rounds=rounds,
            final_round=final_round,
            documents=documents,
            trace=run.trace,
            degraded=run.notes,
            timings_s={k: round(v, 4) for k, v in timings.items()},
        )

    # -- one subtask --------------------------------------------------------------------------------

    async def _research_subtask(
        self, run: _Run, subtask: Subtask, decision: RoutingDecision, inputs: Mapping[str, SubAnswer]
    ) -> SubAnswer:
        started = time.perf_counter()
        expert = decision.expert
        candidates = await self._search(run, subtask, expert)
        kept = await self._rank(run, subtask, candidates)
        answer, how = await self._synthesize(run, subtask, expert, kept, inputs)
        return SubAnswer(
            subtask=subtask,
            expert=expert.name,
            routing_score=decision.score,
            routing_scores=dict(decision.scores),
            answer=answer,
            sources=tuple(kept),
            synthesized_by=how,
            elapsed_s=round(time.perf_counter() - started, 4),
        )

    async def _search(self, run: _Run, subtask: Subtask, expert: ExpertAgent) -> list[_Candidate]:
        queries = expert.queries(run.chemical, subtask)
        calls = [(name, q) for name in run.backends for q in queries]

        async def call(name: str, query: str):
            mark = time.perf_counter()
            try:
                hits = await self.backends[name].search(query, self.settings.hits_per_query)
                return hits, None, (time.perf_counter() - mark) * 1000
            except Exception as exc:  # a failing backend costs its hits, not the research
                return [], exc, (time.perf_counter() - mark) * 1000

        outcomes = await asyncio.gather(*(call(name, q) for name, q in calls))
        candidates: dict[str, _Candidate] = {}
        dropped = 0
        for (name, query), (hits, error, elapsed) in zip(calls, outcomes, strict=True):
            run.trace.append(
                ToolUse("search", name, subtask.id, expert.name, query=query, ok=error is None,
                        error=short_error(error) if error else "", elapsed_ms=round(elapsed, 2))
            )  # fmt: skip
            if error is not None:
                run.note(f"search backend {name!r} failed: {short_error(error)}")
                continue
            for hit in hits:
                if hit.fetch is not None:
                    run.trace.append(
                        ToolUse("fetch", "http", subtask.id, expert.name, url=_safe_url(hit.url),
                                ok=not hit.fetch.error, error=hit.fetch.error)
                    )  # fmt: skip
                candidate = self._candidate(hit)
                if candidate is None:
                    continue
                if self.settings.require_mention and not any(p.search(candidate.text) for p in run.mentions):
                    dropped += 1
                    continue
                candidates.setdefault(candidate.url, candidate)
        if not candidates:
            why = f" ({dropped} found did not mention {run.chemical!r})" if dropped else ""
            run.note(f"subtask {subtask.id!r}: no candidate document found{why}")
        return list(candidates.values())

    @staticmethod
    def _candidate(hit: SearchHit) -> _Candidate | None:
        if not hit.text or not hit.text.strip():
            return None
        url = _safe_url(hit.source_url)
        return _Candidate(url=url, title=hit.title or url, text=hit.text, backend=hit.backend)

    async def _rank(self, run: _Run, subtask: Subtask, candidates: list[_Candidate]) -> list[Source]:
        """Top K candidates by cosine(subtask, candidate), a candidate's cosine being its best passage's.

        Which passages of a kept candidate are shown is decided on the subtask's aspect alone: the mean
        cosine with its text with the chemical's name replaced by "the product" and with its title and
        topic. With the name left in, the passage repeating it most (a document's opening) would be shown
        for every subtask; without the name, ranking whole candidates would favour documents on other
        chemicals that merely mention this one.
        """
        if not candidates:
            return []
        passages: list[tuple[int, str, str]] = []  # candidate, embedded text, shown text
        for i, c in enumerate(candidates):
            doc = SourceDocument(doc_id="candidate", title="candidate", text=c.text)
            for chunk in chunk_document(doc, self.settings.chunking):
                passages.append((i, passage_text(chunk), chunk.text))
        views = [subtask.text, _neutralised(subtask.text, run.mentions), f"{subtask.title}: {subtask.topic}"]
        vectors = await embed(self.embedder, views + [p[1] for p in passages])
        cosines = vectors[len(views) :] @ vectors[: len(views)].T
        relevance, aspect = cosines[:, 0], cosines[:, 1:].mean(axis=1)
        best: dict[int, float] = {}
        shown: dict[int, list[tuple[float, str]]] = {}
        for (i, _, text), rel, asp in zip(passages, relevance, aspect, strict=True):
            best[i] = max(best.get(i, -1.0), float(rel))
            shown.setdefault(i, []).append((float(asp), text))
        order = sorted(best, key=lambda i: (-best[i], i))[: run.options.top_k]
        sources = []
        for i in order:
            top = sorted(shown[i], key=lambda p: -p[0])[: self.settings.passages_per_source]
            passage = "\n[…]\n".join(text[: self.settings.passage_chars] for _, text in top)
            c = candidates[i]
            sources.append(Source(c.url, c.title, round(best[i], 4), c.backend, passage, c.text))
        return sources

    # -- the language model --------------------------------------------------------------------------

    async def _synthesize(
        self,
        run: _Run,
        subtask: Subtask,
        expert: ExpertAgent,
        sources: Sequence[Source],
        inputs: Mapping[str, SubAnswer],
    ) -> tuple[str, str]:
        if not sources:
            return "No sources were found for this subtask.", "extractive"
        earlier = [(sid, a.answer) for sid, a in inputs.items() if a.answer]
        messages = synthesis_prompt(run.chemical, subtask, sources, earlier, self._sentence_budget())
        text = await self._generate(run, subtask, expert, messages)
        if text is None:
            return extractive_answer(sources, self.settings.max_answer_chars), "extractive"
        return text, "llm"

    async def _revise(self, run: _Run, answer: SubAnswer, attribute: str, score: float) -> SubAnswer:
        expert = self.router.by_name(answer.expert)
        messages = revision_prompt(run.chemical, answer, attribute, score, self._sentence_budget())
        text = await self._generate(run, answer.subtask, expert, messages)
        if text is None:
            return answer
        return replace(answer, answer=text, synthesized_by="llm", revisions=answer.revisions + 1)

    def _sentence_budget(self) -> int:
        return max(2, min(8, self.settings.max_new_tokens // 40))

    async def _generate(
        self, run: _Run, subtask: Subtask, expert: ExpertAgent, messages: tuple[ChatMessage, ...]
    ) -> str | None:
        """The model's screened answer, or None (and a degraded note) when there is no usable model."""
        if self.llm is None:
            run.note("no language model configured: sub-answers are extractive")
            return None
        if run.llm_down:
            return None
        request = GenerationRequest(
            messages=messages,
            params=SamplingParams(max_new_tokens=self.settings.max_new_tokens, temperature=0.0),
        )
        mark = time.perf_counter()
        try:
            result = await self.llm.generate(request)
        except Exception as exc:
            elapsed = (time.perf_counter() - mark) * 1000
            run.trace.append(ToolUse("generate", self.llm_name, subtask.id, expert.name, ok=False,
                                     error=short_error(exc), elapsed_ms=round(elapsed, 2)))  # fmt: skip
            if not isinstance(exc, InvalidArgument):
                run.llm_down = True  # do not wait on a dead model once per subtask
            run.note(f"language model unavailable ({short_error(exc)}): sub-answers are extractive")
            return None
        elapsed = (time.perf_counter() - mark) * 1000
        run.trace.append(
            ToolUse("generate", self.llm_name, subtask.id, expert.name, elapsed_ms=round(elapsed, 2))
        )
        text = clean_answer(result.text, self.settings.max_answer_chars)
        if not text:
            run.note(f"subtask {subtask.id!r}: the model's answer was empty; extractive answer used")
            return None
        return text

    # -- the judge and refinement -------------------------------------------------------------------

    async def _score(self, run: _Run, prompt: str, response: str, context: str, subtask_id: str = ""):
        """Attribute scores, or None (with a note) when the judge is unavailable."""
        if self.judge is None:
            run.note("no judge configured: the answer was not scored or refined")
            return None
        mark = time.perf_counter()
        try:
            raw = await self.judge.score(
                prompt[:_JUDGE_PROMPT_CHARS], response[:_JUDGE_RESPONSE_CHARS] or "(empty)",
                context[:_JUDGE_CONTEXT_CHARS] or None,
            )  # fmt: skip
            scores = _score_dict(raw)
        except Exception as exc:
            run.trace.append(ToolUse("judge", self.judge_name, subtask_id, ok=False, error=short_error(exc),
                                     elapsed_ms=round((time.perf_counter() - mark) * 1000, 2)))  # fmt: skip
            run.note(f"judge unavailable ({short_error(exc)}): refinement stopped")
            return None
        run.trace.append(ToolUse("judge", self.judge_name, subtask_id,
                                 elapsed_ms=round((time.perf_counter() - mark) * 1000, 2)))  # fmt: skip
        return scores

    def _weakest(self, scores: Mapping[str, float]) -> tuple[str, float]:
        judged = [a for a in self.settings.judged_attributes if a in scores] or [
            a for a in ATTRIBUTES if a in scores
        ]
        if not judged:
            return "", 0.0
        attribute = min(judged, key=lambda a: (scores[a], judged.index(a)))
        return attribute, float(scores[attribute])

    async def _refine(
        self, run: _Run, plan: Plan, answers: list[SubAnswer]
    ) -> tuple[list[SubAnswer], list[RoundScores], int]:
        prompt = research_question(run.chemical, run.focus, plan)
        rounds: list[RoundScores] = []
        snapshots: list[list[SubAnswer]] = []
        current = list(answers)
        for round_no in range(run.options.refinement_rounds + 1):
            brief = integrate(run.chemical, run.focus, current)
            scores = await self._score(run, prompt, brief, _context(current))
            if scores is None:
                break
            attribute, weakest = self._weakest(scores)
            rounds.append(RoundScores(round_no, scores, attribute, weakest))
            snapshots.append(list(current))
            if not attribute or weakest >= self.settings.score_threshold:
                break
            if round_no == run.options.refinement_rounds:
                break
            if self.llm is None or run.llm_down:
                run.note("refinement skipped: no language model to revise the answer with")
                break
            targets = await self._weakest_subanswers(run, current, attribute)
            if targets is None:
                break
            revised = await self._bounded(
                [self._revise(run, current[i], attribute, weakest) for i in targets]
            )
            changed = []
            for i, new in zip(targets, revised, strict=True):
                if new is not current[i]:
                    current[i] = new
                    changed.append(new.subtask.id)
            rounds[-1] = replace(rounds[-1], revised_subtasks=tuple(changed))
            if not changed:
                break
        if not rounds:
            return current, rounds, 0
        # Best by weakest judged attribute, then mean; a tie goes to the later round (it took the feedback in).
        best = max(range(len(rounds)), key=lambda r: (rounds[r].weakest_score, _mean(rounds[r].scores), r))
        if best != len(rounds) - 1:
            run.note(f"round {best} answer kept: later revisions scored lower")
        return snapshots[best], rounds, best

    async def _weakest_subanswers(
        self, run: _Run, answers: list[SubAnswer], attribute: str
    ) -> list[int] | None:
        candidates = [i for i, a in enumerate(answers) if a.sources]
        if not candidates:
            return None
        results = await self._bounded(
            [
                self._score(run, answers[i].subtask.text, answers[i].answer, _context([answers[i]]),
                            answers[i].subtask.id)
                for i in candidates
            ]
        )  # fmt: skip
        if any(r is None for r in results):
            return None
        ranked = sorted(zip(candidates, results, strict=True), key=lambda p: (p[1].get(attribute, 0.0), p[0]))
        return sorted(i for i, _ in ranked[: self.settings.revise_per_round])

    async def _bounded(self, coroutines: list) -> list:
        gate = asyncio.Semaphore(self.settings.concurrency)

        async def one(coro):
            async with gate:
                return await coro

        return list(await asyncio.gather(*(one(c) for c in coroutines)))

    # -- harvest ------------------------------------------------------------------------------------

    def _harvest(self, run: _Run, answers: Sequence[SubAnswer]) -> list[HarvestedDoc]:
        """The distinct texts the final answers rest on, as checked source documents."""
        seen: set[str] = set()
        out: list[HarvestedDoc] = []
        for answer in answers:
            for source in answer.sources:
                if source.url in seen:
                    continue
                seen.add(source.url)
                doc = SourceDocument(
                    doc_id=document_id(source.url),
                    title=" ".join(source.title.split())[:300] or source.url,
                    text=source.text,
                    source_url=source.url,
                    chemical=run.chemical,
                    metadata={
                        "agent": answer.expert,
                        "backend": source.backend,
                        "subtask": answer.subtask.id,
                    },
                )
                try:
                    check_document(doc, field=f"documents[{len(out)}]")
                except InvalidArgument as exc:
                    run.note(f"document from {source.url} not harvested: {exc.reason}")
                    continue
                out.append(HarvestedDoc(doc, answer.expert))
        return out


# ------------------------------------------------------------------------------------------ prompts


SYSTEM_ROLE = (
    "You are a research assistant for chemical process engineers. You answer from the numbered sources "
    "you are given, you state numbers with their units, and you cite every fact as [n] with its source "
    "number."
)


def _numbered_sources(sources: Sequence[Source]) -> str:
    return "\n\n".join(f"[{n}] {quarantine_block(s.passage, s.url)}" for n, s in enumerate(sources, 1))


def synthesis_prompt(
    chemical: str,
    subtask: Subtask,
    sources: Sequence[Source],
    earlier: Sequence[tuple[str, str]],
    sentences: int,
) -> tuple[ChatMessage, ...]:
    parts = [
        f"Chemical: {chemical}",
        f"Subtask: {subtask.text}",
        "Sources:",
        _numbered_sources(sources),
    ]
    if earlier:
        parts.append("Findings of earlier subtasks (reference data, derived from web sources):")
        parts.extend(quarantine_block(text, f"agent://subtask/{sid}") for sid, text in earlier)
    parts.append(
        f"Answer the subtask in at most {sentences} sentences. Use only facts stated in the sources and cite "
        "each one with its source number in brackets, for example [1]. If the sources do not answer the "
        "subtask, say which part is missing."
    )
    return (
        ChatMessage("system", f"{SYSTEM_ROLE}\n{UNTRUSTED_PREAMBLE}"),
        ChatMessage("user", "\n\n".join(parts)),
    )


def revision_prompt(
    chemical: str, answer: SubAnswer, attribute: str, score: float, sentences: int
) -> tuple[ChatMessage, ...]:
    feedback = FEEDBACK.get(attribute, "Improve the answer.")
    parts = [
        f"Chemical: {chemical}",
        f"Subtask: {answer.subtask.text}",
        "Sources:",
        _numbered_sources(answer.sources),
        "Your previous answer (treat it as a draft to check against the sources):",
        quarantine_block(answer.answer, f"agent://draft/{answer.subtask.id}"),
        f"Reviewer feedback ({attribute} scored {score:.1f} of 4): {feedback}",
        f"Write an improved answer in at most {sentences} sentences, citing the sources as [n].",
    ]
    return (
        ChatMessage("system", f"{SYSTEM_ROLE}\n{UNTRUSTED_PREAMBLE}"),
        ChatMessage("user", "\n\n".join(parts)),
    )


def research_question(chemical: str, focus: str, plan: Plan) -> str:
    aspects = "; ".join(s.title for s in plan.subtasks)
    stress = f", with attention to {focus}" if focus else ""
    return f"Research the industrial production of {chemical} for a process design{stress}. Cover: {aspects}."


# --------------------------------------------------------------------------------------- utilities


def clean_answer(text: str, max_chars: int) -> str:
    """A model's answer with instruction-like sentences screened out, cut at a sentence end."""
    cleaned = screen_untrusted(text).clean_text.strip()
    if len(cleaned) <= max_chars:
        return cleaned
    cut = cleaned[:max_chars]
    end = max(cut.rfind(". "), cut.rfind(".\n"))
    return cut[: end + 1] if end > max_chars // 3 else cut.rstrip() + " …"


def extractive_answer(sources: Sequence[Source], max_chars: int, sentences_per_source: int = 2) -> str:
    """Without a model: the first whole sentences of each kept source's best passage, cited."""
    lines = []
    for n, source in enumerate(sources, 1):
        best = source.passage.split("\n[…]\n", 1)[0]
        prose = [
            _MARKDOWN_LEAD.sub("", line)
            for line in best.splitlines()
            if line.strip() and not line.lstrip().startswith("#")  # headings are not sentences
        ]
        sentences = _SENTENCE.split(" ".join(prose))
        if sentences and not (sentences[0][:1].isupper() or sentences[0][:1].isdigit()):
            sentences = sentences[1:]  # a passage window can open mid-sentence
        picked = " ".join(sentences[:sentences_per_source]).strip()
        if picked:
            lines.append(f"{picked} [{n}]")
    return clean_answer("\n".join(lines), max_chars) or "No usable text in the sources."


def integrate(chemical: str, focus: str, answers: Sequence[SubAnswer]) -> str:
    """One brief: a section per subtask with its answer and its numbered sources."""
    head = f"# Research brief: {chemical}" + (f" (focus: {focus})" if focus else "")
    sections = [head]
    for a in answers:
        cites = "\n".join(f"[{n}] {s.title} <{s.url}>" for n, s in enumerate(a.sources, 1))
        sections.append(f"## {a.subtask.title}\n\n{a.answer}" + (f"\n\nSources:\n{cites}" if cites else ""))
    return "\n\n".join(sections) + "\n"


def document_id(url: str) -> str:
    """The URL when it is a valid document id, else a digest of it."""
    if _DOC_ID.match(url):
        return url
    return "url-sha256:" + hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()


def _safe_url(url: str) -> str:
    """A URL made printable (percent-encoded) and bounded for traces, citations and ids."""
    return quote(url.strip(), safe=":/?#[]@!$&'()*+,;=%-._~")[:2048]


def _mention_pattern(name: str) -> re.Pattern[str]:
    return re.compile(r"(?<![A-Za-z0-9])" + re.escape(name) + r"(?![A-Za-z0-9])", re.IGNORECASE)


def _neutralised(text: str, mentions: Sequence[re.Pattern[str]]) -> str:
    for pattern in mentions:
        text = pattern.sub("the product", text)
    return text


def _context(answers: Sequence[SubAnswer]) -> str:
    return "\n\n".join(s.passage for a in answers for s in a.sources)


def _mean(scores: Mapping[str, float]) -> float:
    values = [scores[a] for a in ATTRIBUTES if a in scores]
    return float(np.mean(values)) if values else 0.0


def _score_dict(raw: Any) -> dict[str, float]:
    if hasattr(raw, "attributes"):
        scores = dict(raw.attributes())
        reward = getattr(raw, "reward", None)
        if reward is not None:
            scores["reward"] = reward
    elif isinstance(raw, Mapping):
        scores = dict(raw)
    else:
        raise TypeError(f"judge returned {type(raw).__name__}, not scores")
    return {k: float(v) for k, v in scores.items()}
