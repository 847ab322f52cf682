"""The meta-agent's plan: a request split into a DAG of subtasks, and the DAG's execution.

The default plan is deterministic: one subtask per aspect a process designer needs (route and
reactions, equipment and flow, instrumentation/control/safety, separation, patents and variants,
background), some depending on others, plus one for the caller's focus when there is one. A language
model may propose the plan instead (``Planner(llm, use_llm=True)``); its JSON is accepted only if it
has known fields, a bounded size, known dependencies and no cycle, and the deterministic plan is used
otherwise.

Execution (:func:`run_dag`) starts a subtask once all its dependencies are done; independent
subtasks run in parallel, at most ``concurrency`` at a time.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from autochem.errors import InvalidArgument
from autochem.inference.api import ChatMessage, GenerationBackend, GenerationRequest, SamplingParams

MAX_SUBTASKS_LIMIT = 12
MAX_SUBTASK_TEXT_CHARS = 300
MAX_TOPIC_CHARS = 100
MAX_DEPENDENCIES = 6
MAX_PLAN_JSON_CHARS = 8000
SUBTASK_ID = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
PLAN_FIELDS = frozenset({"id", "title", "text", "topic", "depends_on"})
# What a search topic may contain: words, numbers and a little punctuation (a model-written topic
# goes into search queries, so nothing that could smuggle query syntax or markup).
_TOPIC_UNSAFE = re.compile(r"[^A-Za-z0-9 ,./()&+-]+")

R = TypeVar("R")


@dataclass(frozen=True)
class Subtask:
    id: str
    title: str  # heading in the integrated answer
    text: str  # what to find out (routing, ranking and prompts use it)
    topic: str  # a short phrase the experts put into their search queries
    depends_on: tuple[str, ...] = ()


@dataclass(frozen=True)
class Plan:
    subtasks: tuple[Subtask, ...]  # topologically ordered
    source: str = "deterministic"  # or "llm"

    def by_id(self) -> dict[str, Subtask]:
        return {s.id: s for s in self.subtasks}


class PlanError(InvalidArgument):
    """A plan that cannot be executed (cycle, unknown dependency, bad field ...)."""


# ----------------------------------------------------------------------------- deterministic plan


@dataclass(frozen=True)
class _Template:
    id: str
    title: str
    text: str
    topic: str
    depends_on: tuple[str, ...] = ()


# In priority order: when max_subtasks cuts the plan, the later ones go first.
PLAN_TEMPLATES: tuple[_Template, ...] = (
    _Template(
        "route",
        "Route and reactions",
        "Production route of {chemical}: feedstocks, chemical reactions, catalysts and operating "
        "conditions such as temperature, pressure and conversion.",
        "production route reactions catalyst operating conditions",
    ),
    _Template(
        "equipment",
        "Equipment and flow",
        "Major equipment and process flow of a {chemical} plant: reactors, heat exchangers, compressors, "
        "columns and how the streams connect on the process flow diagram.",
        "process flow diagram equipment reactor heat exchanger streams",
        ("route",),
    ),
    _Template(
        "control",
        "Instrumentation, control and safety",
        "Instrumentation and control of a {chemical} plant: control loops, sensors, control valves, "
        "interlocks, relief devices and the main process hazards.",
        "instrumentation control loops interlocks relief valves safety",
        ("equipment",),
    ),
    _Template(
        "separation",
        "Separation and purification",
        "Separation and purification in {chemical} production: recovery of the product, purification "
        "units, by-products, recycles and waste treatment.",
        "separation purification by-products recycle",
        ("route",),
    ),
    _Template(
        "patents",
        "Patents and process variants",
        "Patented process variants for {chemical}: patent claims on improved or alternative routes, "
        "licensed technologies and recent process inventions.",
        "patent process variants improvements licensed technology",
    ),
    _Template(
        "background",
        "Properties, uses and hazards",
        "Encyclopedic background on {chemical}: physical properties, main uses, market and handling hazards.",
        "properties uses hazards",
    ),
)


def deterministic_plan(chemical: str, focus: str = "", max_subtasks: int = len(PLAN_TEMPLATES)) -> Plan:
    """The template plan for ``chemical`` (a focus subtask first when ``focus`` is given), cut to
    ``max_subtasks``; dependencies on subtasks that were cut are dropped."""
    if not 1 <= max_subtasks <= MAX_SUBTASKS_LIMIT:
        raise InvalidArgument("max_subtasks", f"must be in 1..{MAX_SUBTASKS_LIMIT}")
    subtasks: list[Subtask] = []
    focus = " ".join(focus.split())
    if focus:
        subtasks.append(
            Subtask(
                id="focus",
                title=f"Focus: {focus}"[:MAX_TOPIC_CHARS],
                text=f"{focus} in the production of {chemical}."[:MAX_SUBTASK_TEXT_CHARS],
                topic=safe_topic(focus),
            )
        )
    for t in PLAN_TEMPLATES:
        subtasks.append(Subtask(t.id, t.title, t.text.format(chemical=chemical), t.topic, t.depends_on))
    kept = subtasks[:max_subtasks]
    ids = {s.id for s in kept}
    kept = [Subtask(s.id, s.title, s.text, s.topic, tuple(d for d in s.depends_on if d in ids)) for s in kept]
    return Plan(validate_plan(kept, max_subtasks), "deterministic")


def safe_topic(text: str) -> str:
    """``text`` reduced to characters that are harmless in a search query, at most MAX_TOPIC_CHARS."""
    return " ".join(_TOPIC_UNSAFE.sub(" ", text).split())[:MAX_TOPIC_CHARS].strip()


# ------------------------------------------------------------------------------------- validation


def validate_plan(subtasks: Sequence[Subtask], max_subtasks: int = MAX_SUBTASKS_LIMIT) -> tuple[Subtask, ...]:
    """The subtasks in a topological order, or PlanError naming what is wrong."""
    if not subtasks:
        raise PlanError("subtasks", "a plan needs at least one subtask")
    if len(subtasks) > max_subtasks:
        raise PlanError("subtasks", f"at most {max_subtasks} subtasks (got {len(subtasks)})")
    ids: set[str] = set()
    for i, s in enumerate(subtasks):
        where = f"subtasks[{i}]"
        if not SUBTASK_ID.match(s.id):
            raise PlanError(
                f"{where}.id", f"{s.id!r} is not a lower-case identifier of at most 32 characters"
            )
        if s.id in ids:
            raise PlanError(f"{where}.id", f"duplicate id {s.id!r}")
        ids.add(s.id)
        if not s.text.strip() or len(s.text) > MAX_SUBTASK_TEXT_CHARS:
            raise PlanError(f"{where}.text", f"must be 1..{MAX_SUBTASK_TEXT_CHARS} characters")
        if not s.topic.strip():
            raise PlanError(f"{where}.topic", "must not be empty")
        if len(s.depends_on) > MAX_DEPENDENCIES:
            raise PlanError(f"{where}.depends_on", f"at most {MAX_DEPENDENCIES} dependencies")
        if len(set(s.depends_on)) != len(s.depends_on):
            raise PlanError(f"{where}.depends_on", "lists a dependency twice")
    for i, s in enumerate(subtasks):
        for dep in s.depends_on:
            if dep == s.id:
                raise PlanError(f"subtasks[{i}].depends_on", f"{s.id!r} depends on itself")
            if dep not in ids:
                raise PlanError(f"subtasks[{i}].depends_on", f"unknown subtask {dep!r}")
    return topological_order(subtasks)


def topological_order(subtasks: Sequence[Subtask]) -> tuple[Subtask, ...]:
    """Kahn's algorithm, keeping the given order among subtasks that are ready together."""
    remaining = {s.id: set(s.depends_on) for s in subtasks}
    order: list[Subtask] = []
    while remaining:
        ready = [s for s in subtasks if s.id in remaining and not remaining[s.id]]
        if not ready:
            raise PlanError("subtasks", f"dependency cycle among {sorted(remaining)}")
        for s in ready:
            del remaining[s.id]
        for deps in remaining.values():
            deps.difference_update(s.id for s in ready)
        order.extend(ready)
    return tuple(order)


# -------------------------------------------------------------------------------------- LLM plan


def parse_plan_json(raw: str, max_subtasks: int) -> Plan:
    """A model's plan: ``{"subtasks": [{"id", "text", "topic"?, "title"?, "depends_on"?}, ...]}``,
    anywhere in ``raw`` (code fences and prose around it are ignored). PlanError when it is unusable."""
    start = raw.find("{")
    if start < 0:
        raise PlanError("plan", "no JSON object in the model's answer")
    try:
        payload, _ = json.JSONDecoder().raw_decode(raw[start : start + MAX_PLAN_JSON_CHARS])
    except ValueError as exc:
        raise PlanError("plan", f"not valid JSON ({exc.msg})") from None
    if not isinstance(payload, dict) or set(payload) != {"subtasks"}:
        raise PlanError("plan", 'must be an object with exactly one field, "subtasks"')
    items = payload["subtasks"]
    if not isinstance(items, list):
        raise PlanError("plan.subtasks", "must be a list")
    if not 1 <= len(items) <= max_subtasks:
        raise PlanError("plan.subtasks", f"must have 1..{max_subtasks} entries (got {len(items)})")
    subtasks: list[Subtask] = []
    for i, item in enumerate(items):
        where = f"plan.subtasks[{i}]"
        if not isinstance(item, dict):
            raise PlanError(where, "must be an object")
        unknown = set(item) - PLAN_FIELDS
        if unknown:
            raise PlanError(where, f"unknown fields {sorted(unknown)}")
        sid, text = item.get("id"), item.get("text")
        if not isinstance(sid, str) or not isinstance(text, str):
            raise PlanError(where, '"id" and "text" are required strings')
        title = item.get("title", sid)
        topic = item.get("topic", text)
        deps = item.get("depends_on", [])
        if not isinstance(title, str) or not isinstance(topic, str):
            raise PlanError(where, '"title" and "topic" must be strings')
        if not isinstance(deps, list) or not all(isinstance(d, str) for d in deps):
            raise PlanError(f"{where}.depends_on", "must be a list of subtask ids")
        if any(ch.isprintable() is False and ch not in "\n\t" for ch in text + title):
            raise PlanError(where, "contains control characters")
        subtasks.append(
            Subtask(
                id=sid,
                title=" ".join(title.split())[:MAX_TOPIC_CHARS] or sid,
                text=" ".join(text.split()),
                topic=safe_topic(topic),
                depends_on=tuple(deps),
            )
        )
    return Plan(validate_plan(subtasks, max_subtasks), "llm")


def plan_prompt(chemical: str, focus: str, max_subtasks: int) -> tuple[ChatMessage, ...]:
    focus_line = f" The requester wants particular attention to: {focus}." if focus else ""
    example = {
        "subtasks": [
            {"id": "route", "title": "Route and reactions", "text": "How is X made: reactions, catalysts, conditions?",
             "topic": "route reactions catalyst", "depends_on": []},
            {"id": "equipment", "title": "Equipment", "text": "Which equipment does an X plant use?",
             "topic": "equipment flow diagram", "depends_on": ["route"]},
        ]
    }  # fmt: skip
    return (
        ChatMessage(
            "system",
            "You plan research for chemical process engineers. You reply with JSON only, no prose.",
        ),
        ChatMessage(
            "user",
            f"Split the research needed to design an industrial plant for {chemical} into at most "
            f"{max_subtasks} subtasks.{focus_line} Cover the production route, equipment, control and safety, "
            "separation, and patented variants. Each subtask has a short lower-case id, a title, a one-sentence "
            "text, a search topic of a few words, and depends_on: the ids of subtasks whose findings it needs. "
            f"Answer in exactly this JSON shape: {json.dumps(example)}",
        ),
    )


class Planner:
    """Deterministic plans, or a model's plan when ``use_llm`` and a model are given and it validates."""

    def __init__(
        self, llm: GenerationBackend | None = None, *, use_llm: bool = False, max_new_tokens: int = 512
    ):
        self.llm = llm
        self.use_llm = use_llm
        self.max_new_tokens = max_new_tokens

    async def plan(self, chemical: str, focus: str, max_subtasks: int) -> tuple[Plan, list[str]]:
        """The plan and notes on anything that fell back."""
        fallback = deterministic_plan(chemical, focus, max_subtasks)
        if not (self.use_llm and self.llm is not None):
            return fallback, []
        request = GenerationRequest(
            messages=plan_prompt(chemical, focus, max_subtasks),
            params=SamplingParams(max_new_tokens=self.max_new_tokens, temperature=0.0),
        )
        try:
            result = await self.llm.generate(request)
        except Exception as exc:  # a model that is down costs the LLM plan only
            return fallback, [f"LLM plan unavailable ({type(exc).__name__}); deterministic plan used"]
        try:
            return parse_plan_json(result.text, max_subtasks), []
        except PlanError as exc:
            return fallback, [f"LLM plan rejected ({exc.message}); deterministic plan used"]


# --------------------------------------------------------------------------------------- execution


async def run_dag(
    plan: Plan,
    run: Callable[[Subtask, Mapping[str, R]], Awaitable[R]],
    *,
    concurrency: int,
) -> dict[str, R]:
    """Run every subtask once its dependencies are done, at most ``concurrency`` at once.

    ``run`` gets the subtask and the results of its dependencies. The first failure cancels what is
    still running and is raised.
    """
    if concurrency < 1:
        raise InvalidArgument("concurrency", "must be at least 1")
    gate = asyncio.Semaphore(concurrency)
    tasks: dict[str, asyncio.Task[R]] = {}

    async def one(subtask: Subtask) -> R:
        inputs = {dep: await tasks[dep] for dep in subtask.depends_on}
        async with gate:
            return await run(subtask, inputs)

    # Topological order: a task's dependencies exist before it starts awaiting them.
    for subtask in plan.subtasks:
        tasks[subtask.id] = asyncio.ensure_future(one(subtask))
    try:
        await asyncio.gather(*tasks.values())
    except BaseException:
        for task in tasks.values():
            task.cancel()
        await asyncio.gather(*tasks.values(), return_exceptions=True)
        raise
    return {sid: task.result() for sid, task in tasks.items()}
