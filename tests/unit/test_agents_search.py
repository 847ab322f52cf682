"""Search backends without network: the corpus index (fake embedder), SerpAPI parsing and failure
modes over a mock transport, and the fetch wrapper's pass-through."""

from __future__ import annotations

import json

import httpx
import pytest
from pydantic import SecretStr

from autochem.agents.search import (
    CorpusSearchBackend,
    HttpFetchBackend,
    SearchHit,
    SerpApiSearchBackend,
    SerpApiSettings,
    parse_organic_results,
)
from autochem.errors import InvalidArgument, Unavailable
from tests.support.agents_fakes import HashingEmbedder, StaticSearch

KEY = "sk-test-0123456789"


@pytest.fixture(scope="module")
def corpus():
    return CorpusSearchBackend(HashingEmbedder(), candidate_documents=3)


async def test_corpus_search_finds_the_named_chemical_first(corpus):
    hits = await corpus.search("nitric acid route reactions catalyst", 3)
    assert hits[0].url == "chematlas://chematlas/nitric-acid" and hits[0].title == "Nitric acid"
    assert hits[0].text and "Ostwald" in hits[0].text and hits[0].snippet
    assert all(h.backend == "corpus" and h.url.startswith("chematlas://") for h in hits)
    assert len({h.url for h in hits}) == len(hits) == 3
    hits = await corpus.search("sulfuric acid contact process converter", 2)
    assert hits[0].url == "chematlas://chematlas/sulfuric-acid"


async def test_corpus_search_rejects_bad_queries(corpus):
    for query, k in (("", 3), ("x" * 401, 3), ("nitric acid", 0), ("nitric acid", 51)):
        with pytest.raises(InvalidArgument):
            await corpus.search(query, k)


def _serp(handler, **settings) -> SerpApiSearchBackend:
    return SerpApiSearchBackend(
        SerpApiSettings(api_key=SecretStr(KEY), endpoint="https://search.test/search.json", **settings),
        transport=httpx.MockTransport(handler),
    )


ORGANIC = {
    "organic_results": [
        {"position": 1, "title": "Nitric acid - Wikipedia", "link": "https://en.wikipedia.org/wiki/Nitric_acid",
         "snippet": "Nitric acid is made by the Ostwald process."},
        {"position": 2, "title": "dup", "link": "https://en.wikipedia.org/wiki/Nitric_acid"},
        {"position": 3, "title": "ftp", "link": "ftp://files.example/x"},
        {"position": 4, "title": 7, "link": "https://example.org/a", "snippet": None},
        "not an object",
        {"position": 5, "title": "B", "link": "https://example.org/b", "snippet": "b"},
    ]
}  # fmt: skip


async def test_serpapi_parses_organic_results_and_sends_the_query():
    seen = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen.update(request.url.params)
        return httpx.Response(200, json=ORGANIC)

    hits = await _serp(handler).search("nitric acid  Ostwald", 3)
    assert [h.url for h in hits] == [
        "https://en.wikipedia.org/wiki/Nitric_acid", "https://example.org/a", "https://example.org/b"
    ]  # fmt: skip
    assert hits[0].title == "Nitric acid - Wikipedia" and hits[1].title == "" and hits[1].snippet == ""
    assert all(h.text is None and h.backend == "serpapi" for h in hits)
    assert seen["q"] == "nitric acid Ostwald" and seen["num"] == "3" and seen["api_key"] == KEY


@pytest.mark.parametrize(
    "respond",
    [
        lambda r: httpx.Response(500, text="oops"),
        lambda r: httpx.Response(200, text="<html>not json</html>"),
        lambda r: httpx.Response(200, json=["a list"]),
        lambda r: httpx.Response(200, json={"error": "Invalid API key."}),
        lambda r: httpx.Response(200, json={"organic_results": "nope"}),
        lambda r: httpx.Response(200, content=b"x" * 5000),
    ],
    ids=["http-500", "not-json", "not-object", "api-error", "bad-results", "too-big"],
)
async def test_serpapi_failures_are_unavailable(respond):
    with pytest.raises(Unavailable):
        await _serp(respond, max_response_bytes=1024).search("nitric acid", 5)


async def test_serpapi_transport_errors_never_quote_the_key():
    def handler(request):
        raise httpx.ConnectError(f"cannot connect to {request.url}")

    with pytest.raises(Unavailable) as info:
        await _serp(handler).search("nitric acid", 5)
    assert KEY not in str(info.value) and "ConnectError" in str(info.value)

    keyless = SerpApiSearchBackend(
        SerpApiSettings(), transport=httpx.MockTransport(lambda r: httpx.Response(200))
    )
    with pytest.raises(Unavailable, match="no SerpAPI key"):
        await keyless.search("nitric acid", 5)
    with pytest.raises(InvalidArgument):
        SerpApiSearchBackend(SerpApiSettings(endpoint="file:///etc/passwd"))


def test_parse_caps_title_and_snippet_lengths():
    payload = {
        "organic_results": [{"title": "t" * 5000, "link": "https://a.example/", "snippet": "s" * 5000}]
    }
    (hit,) = parse_organic_results(json.loads(json.dumps(payload)), 5, "serpapi")
    assert len(hit.title) == 300 and len(hit.snippet) == 1000


async def test_fetch_wrapper_passes_hits_with_text_through():
    class NeverFetch:
        def fetch(self, url):
            raise AssertionError("must not fetch a hit that has text")

    inner = StaticSearch(
        [SearchHit("chematlas://chematlas/urea", "Urea", "s", "Urea text", "corpus")], "corpus"
    )
    wrapped = HttpFetchBackend(inner, NeverFetch())  # type: ignore[arg-type]
    assert wrapped.name == "corpus"
    (hit,) = await wrapped.search("urea", 3)
    assert hit.text == "Urea text" and hit.fetch is None
