"""The research agents against poisoned web pages, end to end on a local web server.

A fake search backend returns the URLs of every page in tests/data/poisoned_pages; HttpFetchBackend
fetches them through the real SafeFetcher (the local server is allow-listed), extracts and screens them;
the language model is a fake that echoes its whole prompt into its answer (the worst case: whatever
reaches the model reaches the answer). No canary may appear in what the model was given, in any
answer, in the harvested documents or in the trace, while each page's real prose is harvested.
"""

from __future__ import annotations

import json
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from autochem.agents.fetch import FetchSettings, SafeFetcher
from autochem.agents.research import MetaAgent, ResearchOptions, ResearchSettings
from autochem.agents.search import HttpFetchBackend, SearchHit
from tests.support.agents_fakes import EchoLM, HashingEmbedder, ScriptedJudge, flat_scores

PAGES_DIR = Path(__file__).resolve().parents[1] / "data" / "poisoned_pages"
MANIFEST = json.loads((PAGES_DIR / "manifest.json").read_text(encoding="utf-8"))
CANARIES = [entry["canary"] for entry in MANIFEST]


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(PAGES_DIR)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class RoundRobinPages:
    """Each search call returns the next ``k`` page URLs (title and snippet as a search API would give
    them, i.e. untrusted too), so together the subtasks see every page."""

    name = "web"

    def __init__(self, urls: list[str]) -> None:
        self.urls = urls
        self.position = 0
        self.queries: list[str] = []

    async def search(self, query: str, k: int) -> list[SearchHit]:
        self.queries.append(query)
        picked = [self.urls[(self.position + i) % len(self.urls)] for i in range(k)]
        self.position += k
        return [SearchHit(u, f"result {u}", f"snippet of {u}", None, self.name) for u in picked]


def _agent(site: str, search, lm, judge) -> MetaAgent:
    fetcher = SafeFetcher(FetchSettings(allow_hosts=[site], total_timeout_s=5))
    settings = ResearchSettings(
        hits_per_query=5,
        require_mention=False,  # the pages are about many chemicals; keep them all in play
        max_answer_chars=10_000,
        revise_per_round=2,
        concurrency=3,
    )
    return MetaAgent(HashingEmbedder(), {"web": HttpFetchBackend(search, fetcher)}, llm=lm, judge=judge,
                     settings=settings)  # fmt: skip


def _all_text(result, lm) -> dict[str, str]:
    return {
        "prompts": "\n".join(m.content for r in lm.requests for m in r.messages),
        "answers": "\n".join(a.answer for a in result.subtasks) + result.final_answer,
        "documents": "\n".join(
            " ".join([d.document.title, d.document.text, d.document.source_url, d.document.doc_id])
            + json.dumps(d.document.metadata)
            for d in result.documents
        ),
        "trace": "\n".join(repr(t) for t in result.trace),
        "degraded": "\n".join(result.degraded),
        "sources": "\n".join(f"{s.title} {s.url}" for a in result.subtasks for s in a.sources),
    }


async def test_no_canary_survives_research_over_poisoned_pages(site):
    urls = [f"http://{site}/{entry['file']}" for entry in MANIFEST]
    search = RoundRobinPages(urls)
    lm = EchoLM()
    judge = ScriptedJudge(lambda n, p, r: flat_scores(1.0))  # never satisfied: revisions run too
    result = await _agent(site, search, lm, judge).research(
        "nitric acid", options=ResearchOptions(max_subtasks=6, top_k=10, refinement_rounds=1)
    )
    # Every page was fetched, kept and harvested, and the model was used for answers and revisions.
    fetched = {t.url for t in result.trace if t.tool == "fetch" and t.ok}
    assert fetched == set(urls)
    assert {d.document.source_url for d in result.documents} == set(urls)
    assert all(a.synthesized_by == "llm" for a in result.subtasks)
    assert result.rounds and result.rounds[0].revised_subtasks
    assert sum(a.revisions for a in result.subtasks) >= 1

    for where, text in _all_text(result, lm).items():
        leaked = [c for c in CANARIES if c in text]
        assert not leaked, f"{len(leaked)} canaries in {where}: {leaked[:3]}"

    # The prose of each page is still there.
    by_url = {d.document.source_url: d.document.text for d in result.documents}
    for entry in MANIFEST:
        text = by_url[f"http://{site}/{entry['file']}"]
        for keyword in entry["keywords"]:
            assert keyword in text, (entry["file"], keyword)

    # Queries came from the request and the experts' templates only.
    assert search.queries and all("nitric acid" in q for q in search.queries)
    assert {t.query for t in result.trace if t.tool == "search"} == set(search.queries)


async def test_internal_addresses_in_search_results_are_never_fetched(site):
    class Hostile:
        name = "web"

        async def search(self, query, k):
            return [
                SearchHit("http://169.254.169.254/latest/meta-data/", "metadata", "", None, "web"),
                SearchHit("http://localhost:8080/admin", "admin", "", None, "web"),
                SearchHit("file:///etc/passwd", "passwd", "", None, "web"),
                SearchHit(f"http://{site}/page_01.html", "Ostwald", "", None, "web"),
            ]

    lm = EchoLM()
    result = await _agent(site, Hostile(), lm, None).research(
        "nitric acid", options=ResearchOptions(max_subtasks=1, refinement_rounds=0)
    )
    fetches = [t for t in result.trace if t.tool == "fetch"]
    blocked = [t for t in fetches if not t.ok]
    assert {t.url for t in blocked} == {
        "http://169.254.169.254/latest/meta-data/", "http://localhost:8080/admin", "file:///etc/passwd"
    }  # fmt: skip
    assert all(t.error.startswith("FetchBlocked") for t in blocked)
    assert [d.document.source_url for d in result.documents] == [f"http://{site}/page_01.html"]
