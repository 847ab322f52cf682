"""The closed design loop (the paper's Meta-Agent): retrieve → generate → structure → critique → revise →
validate → revise → final.

``await DesignLoop(...).design(chemical, constraints, progress)``:

1. **retrieve** a Graph RAG context from kg-builder (three queries: route and reactions, equipment,
   control and safety), unless asked not to; kg-builder down → the design goes on without it, noted;
2. **generate** the process context, PFD and P&ID prose with the language model, grounded in the
   retrieved context (optionally with test-time scaling); no model → the prose is assembled from the
   retrieved passages (extractive), noted;
3. **structure**: the deterministic structurer turns prose + retrieved passages into the Flowsheet and
   Instrumentation of the data model (every major unit named in the PFD prose is in the structure);
4. **critique**: the critique service's engineering rules (and, on request, its LLM review and judge
   scores); while a blocking issue remains and rounds remain, the prose parts the issues point at are
   rewritten with the issues as feedback and the structure rebuilt;
5. **validate** with dwsim-validator (mass/energy balance and loop dynamics); a failed validation feeds
   one more revision round; validator down → the design is returned marked unvalidated;
6. the final Design carries the last critique, the validation report and provenance (citations of the
   retrieved chunks each structured part rests on); the memory stores it with the request.

Every dependency is behind a protocol (:mod:`autochem.designer.clients`) so the loop runs the same over
gRPC, in process, or against fakes in unit tests.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
import unicodedata
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field

from autochem.agents.research import check_chemical as check_research_name
from autochem.designer.clients import Critic, CritiqueOutcome, Retriever, Validator, issue_counts
from autochem.designer.prompts import part_messages, revision_messages
from autochem.domain.design import (
    Citation,
    Design,
    Pfd,
    Pid,
    ProcessContext,
    Provenance,
    ValidationReport,
    ValidationStatus,
)
from autochem.domain.issues import Issue, Severity
from autochem.domain.validation import validate_design
from autochem.errors import DeadlineExceeded, InvalidArgument, Unavailable
from autochem.inference.api import GenerationRequest, SamplingParams
from autochem.knowledge.retrieval import RetrievedChunk, RetrievedContext

log = logging.getLogger(__name__)

MAX_FOCUS_CHARS = 300
STAGES = ("retrieve", "generate", "structure", "critique", "validate")
# Share of the whole run each stage takes, for the progress fraction (revisions repeat critique).
_STAGE_WEIGHT = {"retrieve": 0.05, "generate": 0.45, "structure": 0.05, "critique": 0.2, "validate": 0.25}
PROSE_PARTS = ("context", "pfd", "pid")
# Which prose part a critique issue path points at (rules name flowsheet/instrumentation paths).
_PART_OF_PATH = (
    ("process_context", "context"),
    ("pfd", "pfd"),
    ("pid", "pid"),
)


class DesignerSettings(BaseModel):
    """Knobs of the loop (a request may override the round counts and the token budget)."""

    max_critique_rounds: int = Field(2, ge=0, le=5, description="Critique → revise rounds at most.")
    max_validation_rounds: int = Field(1, ge=0, le=3, description="Validate → revise rounds at most.")
    max_new_tokens: int = Field(256, ge=32, le=1024, description="Token budget of one prose part.")
    retrieval_chunks: int = Field(6, ge=1, le=30, description="Chunks kept per retrieval query.")
    context_chars: int = Field(
        3000, ge=500, le=20_000, description="Retrieved text shown to the model per prose part."
    )
    default_production_t_per_day: float = Field(100.0, gt=0, description="Production rate when not given.")
    tts_candidates: int = Field(4, ge=2, le=16, description="Test-time scaling: candidates per part.")
    tts_top_k: int = Field(2, ge=1, le=8, description="Test-time scaling: candidates kept.")


@dataclass(frozen=True)
class DesignConstraints:
    production_t_per_day: float | None = None
    focus: str = ""
    max_critique_rounds: int | None = None
    max_validation_rounds: int | None = None
    skip_retrieval: bool = False
    test_time_scaling: bool = False
    llm_critique: bool = False
    max_new_tokens: int | None = None


@dataclass
class DesignRound:
    round: int
    stage: str  # critique | validation
    counts: dict[str, int]
    scores: dict[str, float] = field(default_factory=dict)
    fixed: list[str] = field(default_factory=list)
    status: str = ""


@dataclass
class StageUpdate:
    stage: str
    message: str
    fraction: float
    elapsed_s: float


@dataclass
class DesignOutcome:
    design: Design
    rounds: list[DesignRound]
    stage_seconds: dict[str, float]
    notes: list[str]
    retrieval_used: bool
    validated: bool
    confidence: str
    assumptions: list[str]
    request_id: str
    model_version: str = ""
    version: int = 1


ProgressFn = Callable[[StageUpdate], None]


def check_chemical(chemical: str, field_name: str = "chemical") -> str:
    """The research agents' name check (non-empty, bounded, no control characters), plus: a process is
    designed for something with a name, so a bare number is refused."""
    name = check_research_name(chemical, field_name)
    if not any(ch.isalpha() for ch in name):
        raise InvalidArgument(field_name, "must contain a letter")
    return name


def check_constraints(c: DesignConstraints, field_prefix: str = "constraints") -> DesignConstraints:
    if c.production_t_per_day is not None and not 0.01 <= c.production_t_per_day <= 1e6:
        raise InvalidArgument(f"{field_prefix}.production_rate", "must be between 0.01 and 1e6 t/d")
    focus = " ".join(c.focus.split())
    if len(focus) > MAX_FOCUS_CHARS:
        raise InvalidArgument(f"{field_prefix}.focus", f"at most {MAX_FOCUS_CHARS} characters")
    if any(unicodedata.category(ch).startswith("C") for ch in focus):
        raise InvalidArgument(f"{field_prefix}.focus", "must not contain control or format characters")
    if c.max_critique_rounds is not None and not 0 <= c.max_critique_rounds <= 5:
        raise InvalidArgument(f"{field_prefix}.max_critique_rounds", "must be in 0..5")
    if c.max_validation_rounds is not None and not 0 <= c.max_validation_rounds <= 3:
        raise InvalidArgument(f"{field_prefix}.max_validation_rounds", "must be in 0..3")
    if c.max_new_tokens is not None and not 32 <= c.max_new_tokens <= 1024:
        raise InvalidArgument(f"{field_prefix}.max_new_tokens", "must be 0 (default) or in 32..1024")
    return DesignConstraints(**{**c.__dict__, "focus": focus})


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")[:60] or "design"


class _Clock:
    def __init__(self, progress: ProgressFn | None) -> None:
        self.started = time.monotonic()
        self.seconds: dict[str, float] = {}
        self.progress = progress
        self.done = 0.0

    def say(self, stage: str, message: str, fraction: float | None = None) -> None:
        if fraction is not None:
            self.done = max(self.done, min(fraction, 1.0))
        if self.progress is not None:
            self.progress(StageUpdate(stage, message, self.done, time.monotonic() - self.started))

    def add(self, stage: str, seconds: float) -> None:
        self.seconds[stage] = self.seconds.get(stage, 0.0) + seconds


class DesignLoop:
    def __init__(
        self,
        *,
        structurer: Callable[..., Any],
        llm: Any = None,
        retriever: Retriever | None = None,
        critic: Critic | None = None,
        validator: Validator | None = None,
        settings: DesignerSettings | None = None,
        chemical_known: Callable[[str], bool] | None = None,
        tts_generate: Callable[..., Any] | None = None,
    ) -> None:
        self.structurer = structurer
        self.llm = llm
        self.retriever = retriever
        self.critic = critic
        self.validator = validator
        self.settings = settings or DesignerSettings()
        self.chemical_known = chemical_known
        self.tts_generate = tts_generate

    # ----------------------------------------------------------------------------------------- the run

    async def design(
        self,
        chemical: str,
        constraints: DesignConstraints | None = None,
        progress: ProgressFn | None = None,
        *,
        request_id: str = "",
        design_id: str | None = None,
    ) -> DesignOutcome:
        chemical = check_chemical(chemical)
        constraints = check_constraints(constraints or DesignConstraints())
        clock = _Clock(progress)
        notes: list[str] = []
        request_id = request_id or uuid.uuid4().hex
        confidence = "normal"
        if self.chemical_known is not None and not self.chemical_known(chemical):
            confidence = "low"
            notes.append(
                f"{chemical!r} is not in the chemical name database: the design is a low-confidence "
                "draft built from whatever the knowledge graph and the model offer"
            )

        # 1. retrieve
        clock.say("retrieve", f"retrieving knowledge about {chemical}", 0.0)
        t0 = time.monotonic()
        contexts = await self._retrieve(chemical, constraints, notes)
        clock.add("retrieve", time.monotonic() - t0)
        chunks = _merged_chunks(contexts)
        retrieval_used = bool(chunks)
        on_topic = [c for c in chunks if _mentions(c, chemical)]
        if retrieval_used and not on_topic:
            confidence = "low"
            notes.append(
                f"the knowledge graph holds nothing that names {chemical!r}; retrieved text is generic"
            )
        clock.say("retrieve", f"{len(chunks)} passages retrieved", _STAGE_WEIGHT["retrieve"])

        # 2. generate
        t0 = time.monotonic()
        prose, model_version = await self._generate_all(chemical, constraints, contexts, notes, clock)
        clock.add("generate", time.monotonic() - t0)

        # 3. structure
        structured, assumptions = await self._structure(
            chemical, constraints, prose, on_topic or chunks, clock
        )
        design = self._assemble(chemical, design_id, prose, structured, contexts)

        # 4. critique → revise
        rounds: list[DesignRound] = []
        max_rounds = _pick(constraints.max_critique_rounds, self.settings.max_critique_rounds)
        outcome: CritiqueOutcome | None = None
        for round_no in range(max_rounds + 1):
            outcome = await self._critique(design, constraints, notes, clock, round_no)
            if outcome is None:
                break
            rounds.append(DesignRound(round_no, "critique", outcome.counts, dict(outcome.critique.scores)))
            if not outcome.blocking or round_no == max_rounds:
                break
            fixed = await self._revise(chemical, prose, outcome.critique.issues, contexts, constraints, clock)
            structured, assumptions = await self._structure(
                chemical, constraints, prose, on_topic or chunks, clock
            )
            design = self._assemble(chemical, design_id, prose, structured, contexts)
            rounds[-1].fixed = fixed
        if outcome is not None:
            design = design.model_copy(update={"critique": outcome.critique})

        # 5. validate → revise
        validated = False
        max_val = _pick(constraints.max_validation_rounds, self.settings.max_validation_rounds)
        report: ValidationReport | None = None
        for round_no in range(max_val + 1):
            report = await self._validate(design, notes, clock)
            if report is None:
                break
            validated = True
            rounds.append(
                DesignRound(
                    round_no,
                    "validation",
                    _issue_counts(report.issues),
                    status=report.status.value,
                )
            )
            if report.status not in (ValidationStatus.FAILED, ValidationStatus.ERROR) or round_no == max_val:
                break
            feedback = [i for i in report.issues if i.severity in (Severity.ERROR, Severity.BLOCKING)]
            fixed = await self._revise(
                chemical, prose, feedback, contexts, constraints, clock, part_hint="pfd"
            )
            structured, assumptions = await self._structure(
                chemical, constraints, prose, on_topic or chunks, clock
            )
            design = self._assemble(chemical, design_id, prose, structured, contexts)
            if outcome is not None:
                design = design.model_copy(update={"critique": outcome.critique})
            rounds[-1].fixed = fixed
        if report is not None:
            design = design.model_copy(update={"validation": report})
        else:
            design = design.model_copy(
                update={
                    "validation": ValidationReport(
                        status=ValidationStatus.SKIPPED,
                        messages=[n for n in notes if "validat" in n][-1:] or ["not validated"],
                    )
                }
            )

        problems = validate_design(design)
        if problems:
            # The structurer guarantees a consistent design; a broken reference here is our bug, and the
            # caller gets the design with the problems listed rather than nothing.
            notes.append(
                f"the assembled design has {len(problems)} referential problem(s): {problems[0].message}"
            )
        clock.seconds["total"] = time.monotonic() - clock.started
        clock.say("done", "design complete", 1.0)
        return DesignOutcome(
            design=design,
            rounds=rounds,
            stage_seconds=dict(clock.seconds),
            notes=notes,
            retrieval_used=retrieval_used,
            validated=validated,
            confidence=confidence,
            assumptions=assumptions,
            request_id=request_id,
            model_version=model_version,
        )

    # ------------------------------------------------------------------------------------------ stages

    async def _retrieve(
        self, chemical: str, constraints: DesignConstraints, notes: list[str]
    ) -> list[RetrievedContext]:
        if constraints.skip_retrieval:
            notes.append("retrieval skipped on request")
            return []
        if self.retriever is None:
            notes.append("no knowledge graph configured: designed without retrieval")
            return []
        queries = [
            f"{chemical} production route reactions catalyst temperature pressure",
            f"{chemical} plant equipment reactor separation column heat exchanger flow",
            f"{chemical} process control instrumentation safety relief interlock materials",
        ]
        try:
            return list(
                await asyncio.gather(
                    *(self.retriever.retrieve(q, self.settings.retrieval_chunks) for q in queries)
                )
            )
        except Exception as exc:
            notes.append(f"knowledge graph unavailable ({self.retriever.description}): {_short(exc)}; "
                         "designed without retrieval")  # fmt: skip
            return []

    async def _generate_all(
        self,
        chemical: str,
        constraints: DesignConstraints,
        contexts: list[RetrievedContext],
        notes: list[str],
        clock: _Clock,
    ) -> tuple[dict[str, str], str]:
        prose: dict[str, str] = {}
        model_version = ""
        per_part_context = {
            part: _context_text(contexts[i] if i < len(contexts) else None, self.settings.context_chars)
            for i, part in enumerate(PROSE_PARTS)
        }
        for index, part in enumerate(PROSE_PARTS):
            base = _STAGE_WEIGHT["retrieve"] + _STAGE_WEIGHT["generate"] * index / len(PROSE_PARTS)
            clock.say("generate", f"drafting the {_LABEL[part]}", base)
            text, version = await self._generate_part(
                part, chemical, per_part_context[part], constraints, notes
            )
            prose[part] = text or _extractive(part, contexts, chemical)
            model_version = model_version or version
        if not any(prose.values()):
            notes.append("no prose could be produced (no model and no retrieved text)")
        return prose, model_version

    async def _generate_part(
        self, part: str, chemical: str, context: str, constraints: DesignConstraints, notes: list[str]
    ) -> tuple[str, str]:
        if self.llm is None:
            if "no language model configured: prose assembled from retrieved passages" not in notes:
                notes.append("no language model configured: prose assembled from retrieved passages")
            return "", ""
        messages = part_messages(part, chemical, context, constraints.focus)
        budget = _pick(constraints.max_new_tokens, self.settings.max_new_tokens)
        try:
            if constraints.test_time_scaling and self.tts_generate is not None:
                text, version = await self.tts_generate(
                    messages, budget, self.settings.tts_candidates, self.settings.tts_top_k
                )
            else:
                result = await self.llm.generate(
                    GenerationRequest(
                        messages=messages,
                        params=SamplingParams(max_new_tokens=budget, temperature=0.0, stop=("<|im_end|>",)),
                    )
                )
                text, version = result.text, result.model_version
        except Exception as exc:
            note = f"language model unavailable: {_short(exc)}; prose assembled from retrieved passages"
            if note not in notes:
                notes.append(note)
            return "", ""
        return _clean_prose(text), version

    async def _structure(
        self,
        chemical: str,
        constraints: DesignConstraints,
        prose: dict[str, str],
        chunks: Sequence[RetrievedChunk],
        clock: _Clock,
    ):
        t0 = time.monotonic()
        clock.say("structure", "structuring the flowsheet and instrumentation", None)
        rate = constraints.production_t_per_day or self.settings.default_production_t_per_day
        try:
            structured = await asyncio.to_thread(
                self.structurer,
                chemical,
                prose.get("context", ""),
                prose.get("pfd", ""),
                prose.get("pid", ""),
                list(chunks),
                production_t_per_day=rate,
            )
        except InvalidArgument as exc:
            # Nothing usable to build a flowsheet from: the request's chemical is what cannot be designed.
            has_prose = any(text.strip() for text in prose.values())
            if chunks:
                basis = "retrieved knowledge" + (" and generated prose" if has_prose else "")
            elif has_prose:
                basis = "generated prose alone (no retrieval)"
            else:
                basis = "nothing at all (no retrieval, no language model)"
            raise InvalidArgument(
                "chemical", f"cannot design {chemical!r} from {basis}: {exc.reason}"
            ) from exc
        clock.add("structure", time.monotonic() - t0)
        clock.say("structure", "structured", _STAGE_WEIGHT["retrieve"] + _STAGE_WEIGHT["generate"]
                  + _STAGE_WEIGHT["structure"])  # fmt: skip
        return structured, list(getattr(structured, "assumptions", []))

    def _assemble(
        self,
        chemical: str,
        design_id: str | None,
        prose: dict[str, str],
        structured: Any,
        contexts: list[RetrievedContext],
    ) -> Design:
        facts = getattr(structured, "facts", None)
        components = {c.name.casefold() for c in structured.flowsheet.components}
        reactions = [
            r.equation
            for r in getattr(facts, "reactions", [])
            if all(name.casefold() in components for name in r.stoichiometry)
        ]
        context = ProcessContext(
            summary=prose.get("context", ""),
            route=_route_text(facts),
            reactions=list(dict.fromkeys(reactions))[:12],
            conditions=list(dict.fromkeys(_condition_text(c) for c in getattr(facts, "conditions", [])))[:12],
        )
        citations = list(getattr(structured, "citations", []) or [])
        citations += _prose_citations(contexts)
        return Design(
            id=design_id or f"{_slug(chemical)}-{uuid.uuid4().hex[:8]}",
            chemical=chemical,
            created_at=datetime.now(UTC),
            process_context=context,
            pfd=Pfd(description=prose.get("pfd", ""), flowsheet=structured.flowsheet),
            pid=Pid(description=prose.get("pid", ""), instrumentation=structured.instrumentation),
            provenance=Provenance(citations=citations) if citations else None,
        )

    async def _critique(
        self,
        design: Design,
        constraints: DesignConstraints,
        notes: list[str],
        clock: _Clock,
        round_no: int,
    ) -> CritiqueOutcome | None:
        if self.critic is None:
            notes.append("no critique configured: the draft was not reviewed")
            return None
        clock.say("critique", f"critique round {round_no}", None)
        t0 = time.monotonic()
        try:
            outcome = await self.critic.critique(design, use_models=constraints.llm_critique)
        except Exception as exc:
            notes.append(f"critique unavailable ({self.critic.description}): {_short(exc)}")
            return None
        finally:
            clock.add("critique", time.monotonic() - t0)
        return outcome

    async def _revise(
        self,
        chemical: str,
        prose: dict[str, str],
        issues: Sequence[Issue],
        contexts: list[RetrievedContext],
        constraints: DesignConstraints,
        clock: _Clock,
        part_hint: str = "pid",
    ) -> list[str]:
        """Rewrite the prose parts the issues point at, with the issues as feedback."""
        by_part: dict[str, list[str]] = {}
        for issue in issues:
            if issue.severity not in (Severity.ERROR, Severity.BLOCKING, Severity.WARNING):
                continue
            part = next((p for prefix, p in _PART_OF_PATH if issue.path.startswith(prefix)), part_hint)
            if issue.path.startswith(("flowsheet", "pfd.flowsheet")):
                part = "pfd"
            elif issue.path.startswith(("instrumentation", "pid.instrumentation")):
                part = "pid"
            text = issue.message + (
                f" Suggested fix: {issue.suggestion}" if getattr(issue, "suggestion", None) else ""
            )
            by_part.setdefault(part, []).append(text)
        fixed: list[str] = []
        t0 = time.monotonic()
        for part, feedback in by_part.items():
            clock.say("revise", f"revising the {_LABEL[part]} ({len(feedback)} issue(s))", None)
            if self.llm is None:
                continue
            index = PROSE_PARTS.index(part)
            context = _context_text(
                contexts[index] if index < len(contexts) else None, self.settings.context_chars
            )
            try:
                result = await self.llm.generate(
                    GenerationRequest(
                        messages=revision_messages(part, chemical, prose[part], feedback, context),
                        params=SamplingParams(
                            max_new_tokens=_pick(constraints.max_new_tokens, self.settings.max_new_tokens),
                            temperature=0.0,
                        ),
                    )
                )
            except Exception as exc:
                log.warning("revision of %s failed: %s", part, exc)
                continue
            revised = _clean_prose(result.text)
            if revised and revised != prose[part]:
                prose[part] = revised
                fixed.append(f"{part}: rewritten for {len(feedback)} issue(s)")
        clock.add("revise", time.monotonic() - t0)
        return fixed

    async def _validate(self, design: Design, notes: list[str], clock: _Clock) -> ValidationReport | None:
        if self.validator is None:
            notes.append("no validator configured: the design is unvalidated")
            return None
        clock.say("validate", "simulating the flowsheet and control loops", None)
        t0 = time.monotonic()
        try:
            report = await self.validator.validate(design)
        except Exception as exc:
            what = "unavailable" if _is_unreachable(exc) else "failed to run"
            notes.append(f"validator {what} ({self.validator.description}): {_short(exc)}; "
                         "the design is unvalidated")  # fmt: skip
            return None
        finally:
            clock.add("validate", time.monotonic() - t0)
        clock.say("validate", f"validation {report.status.value}", 0.95)
        return report


# ------------------------------------------------------------------------------------------- helpers

_LABEL = {"context": "process context", "pfd": "PFD description", "pid": "P&ID description"}
_CHAT_DEBRIS = re.compile(r"<\|[^|>]{1,20}\|>")


def _is_unreachable(exc: BaseException) -> bool:
    """A dependency that could not be reached (down, refused, timed out), as opposed to one that failed."""
    if isinstance(exc, (ConnectionError, OSError, TimeoutError, Unavailable, DeadlineExceeded)):
        return True
    code = getattr(exc, "code", None)
    if callable(code):
        try:
            return code().name in ("UNAVAILABLE", "DEADLINE_EXCEEDED")
        except Exception:
            return False
    return False


def _pick(value: int | None, default: int) -> int:
    return default if value is None else value


def _short(exc: BaseException, limit: int = 200) -> str:
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _clean_prose(text: str, limit: int = 6000) -> str:
    text = _CHAT_DEBRIS.sub("", text).strip()
    return _drop_repeated_sentences(text)[:limit]


# Sentence ends, bullet dashes and line breaks: the units a looping small model repeats.
_SEGMENT_BREAK = re.compile(r"(\s*\n+\s*|\s+-\s+|(?<=[.!?:;])\s+)")


def _drop_repeated_sentences(text: str) -> str:
    """Keep the first of each repeated sentence or bullet (of three words or more).

    A 135M model decoding greedily falls into loops ("The main reactions are: - The main reactions are:
    ..."); the repeats carry nothing and bury what does in the report. Short repeats ("Yes.") stay."""
    parts = _SEGMENT_BREAK.split(text)
    seen: set[str] = set()
    kept: list[str] = []
    for i in range(0, len(parts), 2):
        key = " ".join(parts[i].casefold().split()).strip("-*• ").rstrip(".!?:;, ")
        if len(key.split()) >= 3:
            if key in seen:
                continue
            seen.add(key)
        if kept:
            kept.append(parts[i - 1])
        kept.append(parts[i])
    return "".join(kept)


def _merged_chunks(contexts: Sequence[RetrievedContext]) -> list[RetrievedChunk]:
    seen: dict[str, RetrievedChunk] = {}
    for ctx in contexts:
        for chunk in ctx.chunks:
            if chunk.chunk_id not in seen or chunk.score > seen[chunk.chunk_id].score:
                seen[chunk.chunk_id] = chunk
    return sorted(seen.values(), key=lambda c: -c.score)


def _mentions(chunk: RetrievedChunk, chemical: str) -> bool:
    name = chemical.casefold()
    return name in chunk.title.casefold() or name in chunk.text.casefold()


def _context_text(ctx: RetrievedContext | None, limit: int) -> str:
    if ctx is None or not ctx.chunks:
        return ""
    lines: list[str] = []
    used = 0
    for chunk in ctx.chunks:
        line = f"[{chunk.citation}] {chunk.title} — {chunk.section}: {' '.join(chunk.text.split())}"
        if used + len(line) > limit:
            line = line[: max(limit - used, 0)]
        if not line:
            break
        lines.append(line)
        used += len(line)
    return "\n".join(lines)


_MARKDOWN_MARKS = re.compile(r"(^|\s)(#{1,6}|[-*•]|\d+\.)\s+|\*\*|__|`")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9])")


def _plain(text: str) -> str:
    """Chunk text as plain prose: markdown headings, bullets and emphasis removed, whitespace folded."""
    return " ".join(_MARKDOWN_MARKS.sub(" ", text).split())


def _extractive(part: str, contexts: Sequence[RetrievedContext], chemical: str, sentences: int = 3) -> str:
    """Without a model: the lead sentences of the passages retrieved for this part, cited, as the prose."""
    index = PROSE_PARTS.index(part)
    if index >= len(contexts):
        return ""
    picked = [c for c in contexts[index].chunks if _mentions(c, chemical)][:3] or contexts[index].chunks[:2]
    paragraphs = []
    for chunk in picked:
        lead = " ".join(_SENTENCE_END.split(_plain(chunk.text))[:sentences])
        if lead:
            paragraphs.append(f"{lead} [{chunk.citation}]")
    return "\n\n".join(paragraphs)


def _prose_citations(contexts: Sequence[RetrievedContext]) -> list[Citation]:
    citations: list[Citation] = []
    for part, ctx in zip(("process_context", "pfd.description", "pid.description"), contexts, strict=False):
        docs = sorted({c.doc_id for c in ctx.chunks if c.doc_id})
        chunk_ids = [c.chunk_id for c in ctx.chunks if c.chunk_id]
        if docs or chunk_ids:
            citations.append(Citation(path=part, document_uris=docs[:20], chunk_ids=chunk_ids[:20]))
    return citations


def _route_text(facts: Any) -> str:
    main = getattr(facts, "main", None)
    if main is None:
        return ""
    label = (
        main.label if main.label and len(main.label) <= 40 and not re.search(r"[0-9→=]", main.label) else ""
    )
    text = f"{label or 'Main reaction'}: {main.equation}"
    catalysts = getattr(facts, "catalysts", [])
    if catalysts:
        text += f" over {', '.join(catalysts[:3])}"
    if getattr(facts, "heat", None):
        text += f" ({facts.heat})"
    return text


def _condition_text(condition: Any) -> str:
    if condition.low != condition.high:
        return f"{condition.kind} {condition.low:g} to {condition.high:g} {condition.unit}"
    return f"{condition.kind} {condition.value:g} {condition.unit}"


def _issue_counts(issues: Sequence[Issue]) -> dict[str, int]:
    return issue_counts(issues)
