"""web-agents on the real broker: `chemicals.registered` → research → documents in the artifact store →
`documents.harvested`; a registration with no usable name goes to the DLQ and the consumer moves on.

The agent runs as in the service: its coroutines on an event loop in a background thread, the consumer's
worker thread waiting on them. Offline: the ChemAtlas corpus backend, the real all-MiniLM-L6-v2
embedder, no language model, the deterministic judge.
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading

import pytest

from autochem.agents.research import MetaAgent, ResearchSettings
from autochem.agents.search import CorpusSearchBackend
from autochem.agents.service import ChemicalRegisteredHandler, LazyJudge
from autochem.bus.consumer import EventConsumer
from autochem.bus.envelope import parse_envelope
from autochem.bus.producer import EventPublisher
from autochem.bus.topics import TOPICS, ensure_topics
from autochem.knowledge.embeddings import shared_embedder
from autochem.storage import ArtifactRef, ArtifactStore, make_engine
from autochem.v1 import events_pb2
from tests.support.bus_harness import fast_kafka_settings, read_all, unique_name, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _local_judge():
    from autochem.judging.deterministic import DeterministicJudge

    return DeterministicJudge()


@pytest.fixture
def agent_on_loop():
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    embedder = shared_embedder()
    corpus = CorpusSearchBackend(embedder)
    asyncio.run_coroutine_threadsafe(corpus.warm(), loop).result(120)
    agent = MetaAgent(
        embedder,
        {"corpus": corpus},
        llm=None,
        judge=LazyJudge(_local_judge, "deterministic judge"),
        settings=ResearchSettings(refinement_rounds=0),
        llm_name="none",
        judge_name="local",
    )
    yield agent, loop
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)


@pytest.mark.timeout(300)
def test_registered_chemical_is_researched_and_harvested_documents_published(broker, tmp_path, agent_on_loop):
    agent, loop = agent_on_loop
    registered = dataclasses.replace(
        TOPICS["chemicals.registered"], name=unique_name("registered"), partitions=1
    )
    harvested = dataclasses.replace(
        TOPICS["documents.harvested"], name=unique_name("harvested"), partitions=1
    )
    ensure_topics(broker.bootstrap_servers, [registered, harvested])
    kafka = fast_kafka_settings(broker.bootstrap_servers)
    artifacts = ArtifactStore(f"file://{tmp_path}/artifacts")

    with EventPublisher(kafka, "test") as publisher:
        publisher.publish(registered, events_pb2.ChemicalRegistered(name="   "))  # no usable name → DLQ
        publisher.publish(
            registered, events_pb2.ChemicalRegistered(name="sulfuric acid", synonyms=["oil of vitriol"])
        )

    out = EventPublisher(kafka, "web-agents-test")
    handler = ChemicalRegisteredHandler(
        agent,
        loop,
        artifacts,
        lambda event, key: out.publish(harvested, event, key=event.chemical, idempotency_key=key),
        timeout_s=240,
    )
    consumer = EventConsumer(
        kafka,
        unique_name("web-agents-group"),
        [registered],
        handler,
        make_engine(f"sqlite:///{tmp_path}/ledger.sqlite"),
        service_name="web-agents-test",
    )
    consumer.run_in_thread()
    try:
        wait_until(
            lambda: consumer.stats.processed + consumer.stats.dead_lettered >= 2, 240, 0.2, "2 events settled"
        )
    finally:
        consumer.stop()
        out.close()

    assert consumer.stats.dead_lettered == 1 and consumer.stats.processed == 1
    dead = read_all(broker.bootstrap_servers, registered.dlq_name, registered.dlq_partitions, expected=1)
    assert "payload.name" in dict(dead[0].headers)["error"].decode()

    records = read_all(broker.bootstrap_servers, harvested.name, 1, expected=1)
    assert len(records) == 1
    parsed = parse_envelope(records[0].value, harvested)
    envelope, payload = parsed.envelope, parsed.payload
    assert envelope.idempotency_key.startswith("documents.harvested:")
    assert payload.chemical == "sulfuric acid" and payload.documents
    urls = [d.source_url for d in payload.documents]
    assert "chematlas://chematlas/sulfuric-acid" in urls and len(set(urls)) == len(urls)
    for document in payload.documents:
        ref = ArtifactRef.from_proto(document.artifact)
        text = artifacts.get_bytes(ref).decode("utf-8")  # verified against its sha256 on read
        assert text.strip() and document.agent in {"research", "patent", "wiki", "visual_miner"}
