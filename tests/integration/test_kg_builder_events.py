"""kg-builder on the real broker: documents.harvested → ingest → kg.updated; bad events → the DLQ.

Also the poisoned-page check for the graph: pages carrying canary instructions (hidden text, comments,
alt text, visible injected sentences) go through HTML extraction and quarantine screening into the
graph, and no canary reaches any node.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import threading
from pathlib import Path

import pytest

from autochem.agents.html_text import html_to_text
from autochem.agents.quarantine import screen_untrusted
from autochem.bus.consumer import EventConsumer
from autochem.bus.producer import EventPublisher
from autochem.bus.topics import TOPICS, ensure_topics
from autochem.jobs.kg_jobs import corpus_documents
from autochem.knowledge.documents import SourceDocument
from autochem.knowledge.factory import KnowledgeSettings, make_builder, make_retriever, make_store
from autochem.knowledge.service import KnowledgeService, harvested_handler
from autochem.storage import ArtifactStore, make_engine
from autochem.storage.artifacts import ArtifactRef
from autochem.v1 import events_pb2
from tests.support.bus_harness import fast_kafka_settings, read_all, unique_name, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.slow]
POISONED = Path(__file__).resolve().parents[1] / "data" / "poisoned_pages"


@pytest.fixture
def service_on_loop(tmp_path):
    """A KnowledgeService whose coroutines run on a loop in a background thread (as in the service)."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    settings = KnowledgeSettings(ladybug_path=tmp_path / "events.lbug")
    store = make_store(settings)
    builder = make_builder(settings, store)
    service = KnowledgeService(builder, make_retriever(settings, store, builder))
    yield service, loop, store
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)
    store.close()


@pytest.mark.timeout(240)
def test_harvested_documents_are_ingested_and_bad_events_dead_lettered(broker, tmp_path, service_on_loop):
    service, loop, store = service_on_loop
    harvested = dataclasses.replace(
        TOPICS["documents.harvested"], name=unique_name("harvested"), partitions=1
    )
    updated = dataclasses.replace(TOPICS["kg.updated"], name=unique_name("kg-updated"), partitions=1)
    ensure_topics(broker.bootstrap_servers, [harvested, updated])
    kafka = fast_kafka_settings(broker.bootstrap_servers)
    artifacts = ArtifactStore(f"file://{tmp_path}/artifacts")
    doc = corpus_documents()[0]
    good_ref = artifacts.put_bytes(doc.text.encode(), "text/markdown")
    binary_ref = artifacts.put_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00", "image/png")
    with EventPublisher(kafka, "test") as publisher:
        publisher.publish(harvested, events_pb2.DocumentsHarvested(chemical=doc.chemical))  # no documents
        publisher.publish(
            harvested,
            events_pb2.DocumentsHarvested(
                chemical="x",
                documents=[
                    events_pb2.HarvestedDocument(
                        artifact=binary_ref.to_proto(), source_url="https://example.org/x.png", title="x"
                    )
                ],
            ),
        )
        publisher.publish(
            harvested,
            events_pb2.DocumentsHarvested(
                chemical=doc.chemical,
                documents=[
                    events_pb2.HarvestedDocument(
                        artifact=good_ref.to_proto(),
                        source_url=doc.source_url,
                        title=doc.title,
                        agent="Research",
                    )
                ],
            ),
        )
    out = EventPublisher(kafka, "kg-builder-test")
    handler = harvested_handler(
        service,
        loop,
        lambda ref: artifacts.get_bytes(ArtifactRef.from_proto(ref)),
        lambda event: out.publish(updated, event, key=event.chemical),
    )
    consumer = EventConsumer(
        kafka,
        unique_name("kg-group"),
        [harvested],
        handler,
        make_engine(f"sqlite:///{tmp_path}/ledger.sqlite"),
        service_name="kg-builder-test",
    )
    consumer.run_in_thread()
    try:
        wait_until(
            lambda: consumer.stats.processed + consumer.stats.dead_lettered >= 3, 120, 0.2, "3 events settled"
        )
    finally:
        consumer.stop()
        out.close()
    assert consumer.stats.dead_lettered == 2
    dead = read_all(broker.bootstrap_servers, harvested.dlq_name, harvested.dlq_partitions, expected=2)
    errors = sorted(dict(r.headers)["error"].decode() for r in dead)
    assert any("payload.documents" in e for e in errors) and any("binary" in e for e in errors), errors
    events = read_all(broker.bootstrap_servers, updated.name, 1, expected=1)
    assert len(events) == 1
    assert store.counts()["Document"] == 1
    assert doc.source_url in {d for d in service.builder.state.documents}


def test_poisoned_pages_leave_no_canary_in_the_graph(tmp_path):
    manifest = json.loads((POISONED / "manifest.json").read_text())
    assert len(manifest) >= 20
    docs = []
    for entry in manifest:
        extracted = html_to_text((POISONED / entry["file"]).read_text(encoding="utf-8"))
        screened = screen_untrusted(extracted.text)
        docs.append(
            SourceDocument(
                doc_id=f"https://poisoned.example/{entry['file']}",
                title=extracted.title or entry["file"],
                text=screened.clean_text,
                source_url=f"https://poisoned.example/{entry['file']}",
            )
        )
    settings = KnowledgeSettings(ladybug_path=tmp_path / "poison.lbug")
    store = make_store(settings)
    report = asyncio.run(make_builder(settings, store).ingest(docs))
    assert len(report.added) + len(report.duplicates) == len(docs)
    everything = json.dumps(
        [
            store._rows(q)
            for q in (
                "MATCH (n:Entity) RETURN n.name, n.surfaces, n.attrs",
                "MATCH (n:Chunk) RETURN n.text, n.extraction",
                "MATCH (n:Community) RETURN n.title, n.summary",
                "MATCH ()-[r:RELATES]->() RETURN r.predicate",
            )
        ]
    )
    leaked = [e["canary"] for e in manifest if e["canary"].lower() in everything.lower()]
    assert leaked == []
    assert store.counts()["Entity"] > 0  # the legitimate text did land
    store.close()
