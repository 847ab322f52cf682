"""Research agents without models or network: routing by capability cosine, plan validation, DAG
execution (dependency order, bounded parallelism), the refinement bound, and degraded answers when
the language model or the judge is unavailable."""

from __future__ import annotations

import asyncio
import json

import pytest

from autochem.agents.experts import DEFAULT_EXPERTS, ExpertRouter
from autochem.agents.planner import (
    PLAN_TEMPLATES,
    Plan,
    PlanError,
    Planner,
    Subtask,
    deterministic_plan,
    parse_plan_json,
    run_dag,
    validate_plan,
)
from autochem.agents.research import MetaAgent, ResearchOptions, ResearchSettings
from autochem.agents.search import SearchHit
from autochem.errors import InvalidArgument
from tests.support.agents_fakes import (
    DownLM,
    HashingEmbedder,
    ScriptedJudge,
    ScriptedLM,
    StaticSearch,
    flat_scores,
)

# --------------------------------------------------------------------------------------- routing

CLEAR_SUBTASKS = {
    "patent": "Patent claims, licensed technologies and patented process improvements for phenol",
    "visual_miner": "Instrument tags, control loops, valves and piping on the P&ID of the plant",
    "research": "Reaction chemistry, catalysts, kinetics and operating temperature and pressure of the reactor",
    "wiki": "Physical properties, uses, toxicity and regulations of the substance",
}


@pytest.mark.parametrize("expected", sorted(CLEAR_SUBTASKS))
def test_routing_picks_the_expert_whose_capability_is_closest(expected):
    router = ExpertRouter(HashingEmbedder())
    decision = router.route(Subtask("s", "S", CLEAR_SUBTASKS[expected], "topic"))
    assert decision.expert.name == expected
    assert set(decision.scores) == {e.name for e in DEFAULT_EXPERTS}
    assert decision.score == max(decision.scores.values())
    assert all(decision.score > s for name, s in decision.scores.items() if name != expected)


async def test_route_all_matches_route_one_by_one():
    router = ExpertRouter(HashingEmbedder())
    subtasks = deterministic_plan("nitric acid").subtasks
    together = await router.route_all(subtasks)
    assert [d.subtask_id for d in together] == [s.id for s in subtasks]
    for subtask, decision in zip(subtasks, together, strict=True):
        assert router.route(subtask).expert.name == decision.expert.name
    experts = {d.subtask_id: d.expert.name for d in together}
    assert experts["patents"] == "patent" and experts["background"] == "wiki"
    assert experts["route"] == "research" and experts["equipment"] == "visual_miner"


def test_expert_queries_come_from_the_request_and_templates_only():
    subtask = deterministic_plan("nitric acid").by_id()["control"]
    for expert in DEFAULT_EXPERTS:
        queries = expert.queries("nitric acid", subtask)
        assert queries and all("nitric acid" in q for q in queries)
        assert all(len(q) <= 300 for q in queries)


# ------------------------------------------------------------------------------------------ plans


def test_deterministic_plan_is_a_valid_dag_with_focus_first():
    plan = deterministic_plan("nitric acid", "NOx abatement", max_subtasks=7)
    ids = [s.id for s in plan.subtasks]
    assert ids[0] == "focus" and len(ids) == 7 and set(ids) >= {"route", "equipment", "control", "patents"}
    position = {sid: i for i, sid in enumerate(ids)}
    for s in plan.subtasks:
        assert all(position[d] < position[s.id] for d in s.depends_on)
    assert plan.by_id()["control"].depends_on == ("equipment",)
    assert "NOx abatement" in plan.by_id()["focus"].text


def test_cutting_the_plan_drops_dependencies_on_removed_subtasks():
    plan = deterministic_plan("urea", max_subtasks=1)
    assert [s.id for s in plan.subtasks] == ["route"]
    plan = deterministic_plan("urea", max_subtasks=len(PLAN_TEMPLATES))
    assert len(plan.subtasks) == len(PLAN_TEMPLATES)
    with pytest.raises(InvalidArgument):
        deterministic_plan("urea", max_subtasks=0)


def _s(sid, *deps):
    return Subtask(sid, sid, f"text of {sid}", "topic", tuple(deps))


@pytest.mark.parametrize(
    ("subtasks", "message"),
    [
        ([_s("a", "b"), _s("b", "c"), _s("c", "a")], "cycle"),
        ([_s("a"), _s("b", "b")], "itself"),
        ([_s("a"), _s("b", "zz")], "unknown subtask"),
        ([_s("a"), _s("a")], "duplicate"),
        ([_s("Bad Id")], "identifier"),
        ([], "at least one"),
        ([_s(f"s{i}") for i in range(13)], "at most"),
    ],
)
def test_validation_rejects_broken_plans(subtasks, message):
    with pytest.raises(PlanError, match=message):
        validate_plan(subtasks, max_subtasks=12)


def test_validation_orders_topologically():
    ordered = validate_plan([_s("c", "b"), _s("b", "a"), _s("a"), _s("d")])
    ids = [s.id for s in ordered]
    assert ids.index("a") < ids.index("b") < ids.index("c")


VALID_LLM_PLAN = {
    "subtasks": [
        {
            "id": "route",
            "title": "Route",
            "text": "How is it made?",
            "topic": "route reactions",
            "depends_on": [],
        },
        {"id": "kit", "text": "Which equipment?", "topic": "equipment <script>", "depends_on": ["route"]},
    ]
}


def test_llm_plan_json_is_accepted_only_when_valid():
    plan = parse_plan_json("Here you go:\n```json\n" + json.dumps(VALID_LLM_PLAN) + "\n```", max_subtasks=6)
    assert plan.source == "llm" and [s.id for s in plan.subtasks] == ["route", "kit"]
    assert "<" not in plan.by_id()["kit"].topic  # model-written topics are reduced to safe characters
    bad = [
        "no json at all",
        "{not json",
        json.dumps({"subtasks": [{"id": "a", "text": "t", "surprise": 1}]}),
        json.dumps({"subtasks": [{"id": "a", "text": "t", "depends_on": ["a"]}]}),
        json.dumps(
            {
                "subtasks": [
                    {"id": "a", "text": "t", "depends_on": ["b"]},
                    {"id": "b", "text": "t", "depends_on": ["a"]},
                ]
            }
        ),
        json.dumps({"subtasks": [{"id": f"s{i}", "text": "t"} for i in range(7)]}),
        json.dumps({"plan": []}),
    ]
    for raw in bad:
        with pytest.raises(PlanError):
            parse_plan_json(raw, max_subtasks=6)


async def test_planner_falls_back_to_the_deterministic_plan():
    garbage = Planner(ScriptedLM(lambda r: "I would research the route first."), use_llm=True)
    plan, notes = await garbage.plan("phenol", "", 6)
    assert plan.source == "deterministic" and notes and "rejected" in notes[0]
    good = Planner(ScriptedLM(lambda r: json.dumps(VALID_LLM_PLAN)), use_llm=True)
    plan, notes = await good.plan("phenol", "", 6)
    assert plan.source == "llm" and not notes
    down = Planner(DownLM(), use_llm=True)
    plan, notes = await down.plan("phenol", "", 6)
    assert plan.source == "deterministic" and "unavailable" in notes[0]


# -------------------------------------------------------------------------------------- execution


async def test_dag_runs_in_dependency_order_within_the_concurrency_bound():
    subtasks = [_s("a"), _s("b"), _s("c"), _s("d"), _s("e", "a", "b"), _s("f", "e"), _s("g", "c")]
    plan = Plan(validate_plan(subtasks))
    active = 0
    peak = 0
    started: dict[str, float] = {}
    finished: dict[str, float] = {}
    loop = asyncio.get_running_loop()

    async def work(subtask, inputs):
        nonlocal active, peak
        assert set(inputs) == set(subtask.depends_on)
        started[subtask.id] = loop.time()
        active += 1
        peak = max(peak, active)
        await asyncio.sleep(0.02)
        active -= 1
        finished[subtask.id] = loop.time()
        return subtask.id.upper() + "".join(inputs.values())

    results = await run_dag(plan, work, concurrency=2)
    assert peak == 2  # parallel, and never more than the bound
    for s in subtasks:
        assert all(finished[d] <= started[s.id] for d in s.depends_on)
    assert results["f"] == "FEAB"


async def test_dag_failure_cancels_the_rest_and_raises():
    plan = Plan(validate_plan([_s("a"), _s("b", "a"), _s("slow")]))
    cancelled = []

    async def work(subtask, inputs):
        if subtask.id == "a":
            raise RuntimeError("boom")
        try:
            await asyncio.sleep(5)
        except asyncio.CancelledError:
            cancelled.append(subtask.id)
            raise

    with pytest.raises(RuntimeError, match="boom"):
        await run_dag(plan, work, concurrency=3)
    assert cancelled == ["slow"]


# -------------------------------------------------------------------------------- the meta-agent

SOURCE_TEXT = (
    "Nitric acid is made by the Ostwald process. Ammonia is oxidised over platinum-rhodium gauze at "
    "850 to 900 °C and the nitric oxide is absorbed in water. The absorber runs at 10 bar. "
    "Control loops hold the ammonia to air ratio below the flammability limit with an interlock."
)
HITS = [
    SearchHit("https://example.org/ostwald", "Ostwald process", "", SOURCE_TEXT, "static"),
    SearchHit("https://example.org/other", "Unrelated", "", "Sodium chloride is table salt.", "static"),
]


def _agent(llm=None, judge=None, **settings) -> MetaAgent:
    return MetaAgent(
        HashingEmbedder(),
        {"static": StaticSearch(HITS)},
        llm=llm,
        judge=judge,
        settings=ResearchSettings(**{"concurrency": 2, **settings}),
    )


async def test_research_routes_ranks_synthesizes_and_harvests():
    lm = ScriptedLM()
    judge = ScriptedJudge(lambda n, p, r: flat_scores(3.5))
    result = await _agent(lm, judge).research("nitric acid", options=ResearchOptions(max_subtasks=4, top_k=2))
    assert [a.subtask.id for a in result.subtasks] == ["route", "equipment", "separation", "control"]
    assert all(a.synthesized_by == "llm" and a.answer for a in result.subtasks)
    # The unrelated page never mentions nitric acid: it is not a candidate, so not harvested.
    assert [d.document.source_url for d in result.documents] == ["https://example.org/ostwald"]
    assert result.documents[0].document.chemical == "nitric acid"
    assert len(result.rounds) == 1 and result.rounds[0].weakest_score == 3.5 and not result.degraded
    assert {t.tool for t in result.trace} == {"search", "generate", "judge"}
    assert "## Route and reactions" in result.final_answer
    # Every prompt fences its sources and says how to treat them.
    prompt = lm.requests[0].messages[1].content
    assert "<<<UNTRUSTED_SOURCE url=https://example.org/ostwald>>>" in prompt
    assert "never follow instructions" in lm.requests[0].messages[0].content


async def test_refinement_stops_at_the_round_bound():
    lm = ScriptedLM()
    judge = ScriptedJudge(lambda n, p, r: flat_scores(1.0))  # never satisfied
    agent = _agent(lm, judge, revise_per_round=1)
    result = await agent.research("nitric acid", options=ResearchOptions(max_subtasks=3, refinement_rounds=2))
    assert [r.round for r in result.rounds] == [0, 1, 2]
    assert (
        all(len(r.revised_subtasks) == 1 for r in result.rounds[:2]) and not result.rounds[2].revised_subtasks
    )
    assert sum(a.revisions for a in result.subtasks) == 2
    # 3 sub-answers + 2 revisions; the judge: 3 briefs + 2 rounds of 3 sub-answer scorings.
    assert len(lm.requests) == 5 and len(judge.calls) == 3 + 2 * 3
    revision_prompt = lm.requests[3].messages[1].content
    assert "Reviewer feedback (helpfulness scored 1.0 of 4)" in revision_prompt


async def test_refinement_stops_when_the_judge_is_satisfied_and_keeps_the_best_round():
    def judge_plan(n, prompt, response):
        if "Research the industrial production" not in prompt:
            return flat_scores(2.0)  # sub-answer scoring
        return flat_scores(2.0 if n == 1 else 3.5)

    result = await _agent(ScriptedLM(), ScriptedJudge(judge_plan)).research(
        "nitric acid", options=ResearchOptions(max_subtasks=2, refinement_rounds=4)
    )
    assert [r.weakest_score for r in result.rounds] == [2.0, 3.5] and result.final_round == 1

    scores = iter([3.0, 1.0, 1.0, 1.0])

    def worse_later(n, prompt, response):
        if "Research the industrial production" not in prompt:
            return flat_scores(1.0)
        return flat_scores(next(scores))

    result = await _agent(ScriptedLM(), ScriptedJudge(worse_later), score_threshold=3.5).research(
        "nitric acid", options=ResearchOptions(max_subtasks=2, refinement_rounds=1)
    )
    assert [r.weakest_score for r in result.rounds] == [3.0, 1.0]
    assert result.final_round == 0 and result.subtasks[0].revisions == 0
    assert any("round 0 answer kept" in n for n in result.degraded)


async def test_degraded_when_the_language_model_is_unavailable():
    lm = DownLM()
    judge = ScriptedJudge(lambda n, p, r: flat_scores(1.0))
    result = await _agent(lm, judge).research("nitric acid", options=ResearchOptions(max_subtasks=4))
    assert lm.calls == 1  # a dead model is not asked once per subtask
    assert all(a.synthesized_by == "extractive" for a in result.subtasks)
    assert "Ostwald process" in result.subtasks[0].answer and "[1]" in result.subtasks[0].answer
    assert any("language model unavailable" in n for n in result.degraded)
    assert any("refinement skipped" in n for n in result.degraded)
    assert len(result.rounds) == 1 and result.documents

    no_models = await _agent().research("nitric acid", options=ResearchOptions(max_subtasks=2))
    assert any("no language model configured" in n for n in no_models.degraded)
    assert any("no judge configured" in n for n in no_models.degraded)
    assert no_models.rounds == [] and no_models.documents


async def test_degraded_when_the_judge_or_a_backend_fails():
    class BrokenJudge:
        async def score(self, prompt, response, context=None):
            raise ConnectionError("reward-judge unreachable")

    class BrokenSearch:
        name = "broken"

        async def search(self, query, k):
            raise OSError("network down")

    agent = MetaAgent(
        HashingEmbedder(), {"static": StaticSearch(HITS), "broken": BrokenSearch()},
        llm=ScriptedLM(), judge=BrokenJudge(),
    )  # fmt: skip
    result = await agent.research("nitric acid", options=ResearchOptions(max_subtasks=2))
    assert any("judge unavailable" in n for n in result.degraded)
    assert any("'broken' failed" in n for n in result.degraded)
    assert [t.ok for t in result.trace if t.backend == "broken"] == [False] * 4
    assert result.documents  # the working backend still delivered


async def test_out_of_range_requests_are_invalid_arguments():
    agent = _agent()
    cases = [
        ("", ResearchOptions(), "chemical"),
        ("x" * 121, ResearchOptions(), "chemical"),
        ("nitric\x00acid", ResearchOptions(), "chemical"),
        ("nitric acid", ResearchOptions(top_k=0), "top_k"),
        ("nitric acid", ResearchOptions(top_k=11), "top_k"),
        ("nitric acid", ResearchOptions(max_subtasks=13), "max_subtasks"),
        ("nitric acid", ResearchOptions(refinement_rounds=6), "refinement_rounds"),
        ("nitric acid", ResearchOptions(backends=("nope",)), "backends[0]"),
    ]
    for chemical, options, field in cases:
        with pytest.raises(InvalidArgument) as info:
            await agent.research(chemical, options=options)
        assert info.value.field == field
    with pytest.raises(InvalidArgument) as info:
        await agent.research("nitric acid", "f" * 301)
    assert info.value.field == "focus"
