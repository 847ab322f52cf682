"""The web-agents service over real gRPC (in-process server on a free port), with the offline corpus
backend, the real all-MiniLM-L6-v2 embedder, no language model and the deterministic judge: research
on nitric acid routes its subtasks, harvests ChemAtlas documents about nitric acid into the artifact
store, and bad requests are INVALID_ARGUMENT naming the field."""

from __future__ import annotations

import grpc
import pytest
import pytest_asyncio

from autochem.agents.research import MetaAgent, ResearchSettings
from autochem.agents.search import CorpusSearchBackend
from autochem.agents.service import LazyJudge, WebAgentsServicer
from autochem.config import GrpcSettings
from autochem.knowledge.embeddings import shared_embedder
from autochem.rpc import GrpcServer, bad_request_details, make_channel
from autochem.storage import ArtifactRef, ArtifactStore
from autochem.v1 import web_agents_pb2, web_agents_pb2_grpc

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="module")]


def _local_judge():
    from autochem.judging.deterministic import DeterministicJudge

    return DeterministicJudge()


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return ArtifactStore(tmp_path_factory.mktemp("artifacts").as_uri())


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def stub(store):
    embedder = shared_embedder()
    corpus = CorpusSearchBackend(embedder)
    await corpus.warm()
    agent = MetaAgent(
        embedder,
        {"corpus": corpus},
        llm=None,
        judge=LazyJudge(_local_judge, "deterministic judge"),
        settings=ResearchSettings(),
        llm_name="none",
        judge_name="local",
    )
    settings = GrpcSettings(port=0, max_message_bytes=16 * 1024 * 1024)
    server = GrpcServer(settings, "web-agents-test")
    server.add(WebAgentsServicer(agent, store=store), web_agents_pb2_grpc.add_WebAgentsServicer_to_server)
    async with server:
        await server.set_serving(True)
        channel = make_channel(f"127.0.0.1:{server.port}", max_message_bytes=settings.max_message_bytes)
        try:
            yield web_agents_pb2_grpc.WebAgentsStub(channel)
        finally:
            await channel.close()


async def test_research_on_nitric_acid_routes_subtasks_and_harvests_corpus_documents(stub, store):
    reply = await stub.Research(
        web_agents_pb2.ResearchRequest(chemical="nitric acid", top_k=2, refinement_rounds=1), timeout=120
    )
    assert reply.chemical == "nitric acid" and reply.plan_source == "deterministic"
    experts = {s.id: s.expert for s in reply.subtasks}
    assert len(experts) == 6
    assert experts["route"] == "research" and experts["patents"] == "patent"
    assert experts["equipment"] == "visual_miner"
    for s in reply.subtasks:
        assert set(s.routing_scores) == {"research", "patent", "wiki", "visual_miner"}
        assert s.routing_score == max(s.routing_scores.values())
        assert s.answer and s.synthesized_by == "extractive" and 1 <= len(s.sources) <= 2
    assert list(reply.subtasks[[s.id for s in reply.subtasks].index("control")].depends_on) == ["equipment"]

    urls = [d.source_url for d in reply.documents]
    assert "chematlas://chematlas/nitric-acid" in urls
    assert all(u.startswith("chematlas://") for u in urls) and len(set(urls)) == len(urls)
    for d in reply.documents:
        text = store.get_bytes(ArtifactRef.from_proto(d.artifact)).decode("utf-8")
        assert "nitric acid" in text.lower() and d.agent in experts.values()
    route = next(s for s in reply.subtasks if s.id == "route")
    assert route.sources[0].url == "chematlas://chematlas/nitric-acid"

    # No model: extractive answers, noted; the local judge scored the brief.
    assert any("no language model configured" in n for n in reply.degraded)
    assert reply.rounds and set(reply.rounds[0].scores) >= {"helpfulness", "correctness", "coherence"}
    assert "# Research brief: nitric acid" in reply.final_answer
    tools = {t.tool for t in reply.trace}
    assert tools == {"search", "judge"}
    assert all("nitric acid" in t.query for t in reply.trace if t.tool == "search")
    assert reply.timings_s["total"] > 0


@pytest.mark.parametrize(
    ("request_fields", "field"),
    [
        ({"chemical": ""}, "chemical"),
        ({"chemical": "   "}, "chemical"),
        ({"chemical": "x" * 500}, "chemical"),
        ({"chemical": "nitric acid", "top_k": 50}, "top_k"),
        ({"chemical": "nitric acid", "max_subtasks": -1}, "max_subtasks"),
        ({"chemical": "nitric acid", "refinement_rounds": 9}, "refinement_rounds"),
        ({"chemical": "nitric acid", "backends": ["serpapi"]}, "backends[0]"),
    ],
)
async def test_bad_requests_are_invalid_argument(stub, request_fields, field):
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await stub.Research(web_agents_pb2.ResearchRequest(**request_fields), timeout=30)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert [f for f, _ in bad_request_details(info.value.trailing_metadata())] == [field]
