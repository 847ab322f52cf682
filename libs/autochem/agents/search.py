"""Search backends of the research agents: where candidate documents come from.

Every backend answers ``await search(query, k)`` with at most ``k`` :class:`SearchHit` objects:

- :class:`CorpusSearchBackend` (the default, offline): the bundled ChemAtlas documents. A query is
  matched first against one short "card" per document (name, synonyms, opening paragraph) plus a bonus
  when the query names the chemical, then densely against the chunks of the best documents; a hit is a
  document with its best chunk as snippet and its full text, under a ``chematlas://`` URL. Chunk vectors
  are computed per document on first need and kept, so the index costs nothing at start-up.
- :class:`SerpApiSearchBackend`: a SerpAPI-compatible JSON search API (the endpoint is configurable,
  so a self-hosted stand-in works). Hits carry a URL, title and snippet but no text.
- :class:`HttpFetchBackend`: wraps another backend and turns hits without text into documents by
  fetching their URLs through :class:`~autochem.agents.fetch.SafeFetcher`, extracting the visible prose
  with :func:`~autochem.agents.html_text.html_to_text` and screening it with
  :func:`~autochem.agents.quarantine.screen_untrusted`.

Everything a web backend returns (titles, snippets, page text) is untrusted data.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol, runtime_checkable
from urllib.parse import urlsplit

import httpx
import numpy as np
from pydantic import BaseModel, Field, SecretStr

from autochem.agents.fetch import SafeFetcher
from autochem.agents.html_text import html_to_text
from autochem.agents.quarantine import screen_untrusted
from autochem.agents.vectors import embed_sync
from autochem.errors import AutoChemError, InvalidArgument, Unavailable
from autochem.knowledge.chunking import Chunk, ChunkingSettings, chunk_document
from autochem.knowledge.corpus import ChemicalDocument, load_corpus
from autochem.knowledge.embeddings import Embedder

MAX_QUERY_CHARS = 400
MAX_RESULTS = 50
MAX_TITLE_CHARS = 300
MAX_SNIPPET_CHARS = 1000
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


@dataclass(frozen=True)
class FetchInfo:
    """What fetching a hit's URL did (for the trace); ``error`` is set when it failed."""

    final_url: str = ""
    status: int = 0
    content_type: str = ""
    sha256: str = ""
    size_bytes: int = 0
    sentences_removed: int = 0  # instruction-like sentences screened out of the text and title
    hidden_dropped: int = 0  # hidden HTML elements/nodes dropped by the extractor
    error: str = ""


@dataclass(frozen=True)
class SearchHit:
    url: str
    title: str
    snippet: str
    text: str | None  # the document text, or None when only a link is known
    backend: str
    score: float = 0.0  # backend-specific relevance, for ordering only
    fetch: FetchInfo | None = None  # set by HttpFetchBackend

    @property
    def source_url(self) -> str:
        """Where the text came from: the final URL after redirects for a fetched page."""
        if self.fetch is not None and self.fetch.final_url:
            return self.fetch.final_url
        return self.url


@runtime_checkable
class SearchBackend(Protocol):
    name: str

    async def search(self, query: str, k: int) -> list[SearchHit]: ...


def check_query(query: str, k: int) -> str:
    query = " ".join(query.split())
    if not query:
        raise InvalidArgument("query", "must not be empty")
    if len(query) > MAX_QUERY_CHARS:
        raise InvalidArgument("query", f"at most {MAX_QUERY_CHARS} characters (got {len(query)})")
    if not 1 <= k <= MAX_RESULTS:
        raise InvalidArgument("k", f"must be in 1..{MAX_RESULTS}")
    return query


def passage_text(chunk: Chunk) -> str:
    """What gets embedded for a chunk: its section heading in front, so a passage about control reads as
    one even when the heading is far above it. Ranking and the corpus index use the same text (the
    embedder's cache then serves both)."""
    return f"{chunk.section}: {chunk.text}" if chunk.section else chunk.text


def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    return re.compile(r"(?<![a-z0-9])" + re.escape(phrase.casefold()) + r"(?![a-z0-9])")


def names_of(doc: ChemicalDocument) -> list[str]:
    """Name, synonyms and formula of a corpus chemical that are specific enough to match on."""
    names = [doc.name, *doc.synonyms, doc.formula]
    return [n for n in dict.fromkeys(n.strip() for n in names) if len(n) >= 3]


# ------------------------------------------------------------------------------------------- corpus


@dataclass
class _DocumentIndex:
    chunks: list[Chunk]
    vectors: np.ndarray


class CorpusSearchBackend:
    """Offline search over the ChemAtlas corpus (see the module docstring)."""

    name = "corpus"

    def __init__(
        self,
        embedder: Embedder,
        documents: Sequence[ChemicalDocument] | None = None,
        *,
        chunking: ChunkingSettings | None = None,
        candidate_documents: int = 4,
        name_bonus: float = 0.5,
    ) -> None:
        self.embedder = embedder
        self._documents = tuple(documents) if documents is not None else None
        self.chunking = chunking or ChunkingSettings()
        self.candidate_documents = max(1, candidate_documents)
        self.name_bonus = name_bonus
        self._lock = threading.Lock()
        self._cards: np.ndarray | None = None
        self._name_patterns: list[list[re.Pattern[str]]] = []
        self._indexes: dict[int, _DocumentIndex] = {}

    @property
    def documents(self) -> tuple[ChemicalDocument, ...]:
        if self._documents is None:
            self._documents = load_corpus()
        return self._documents

    async def warm(self, *, all_chunks: bool = False) -> None:
        """Embed the document cards now (and every chunk with ``all_chunks``) instead of on first search."""
        await asyncio.to_thread(self._ensure_cards)
        if all_chunks:
            await asyncio.to_thread(self._ensure_chunks, range(len(self.documents)))

    async def search(self, query: str, k: int) -> list[SearchHit]:
        query = check_query(query, k)
        return await asyncio.to_thread(self._search, query, k)

    # -- index (worker threads) ------------------------------------------------------------------

    def _ensure_cards(self) -> np.ndarray:
        with self._lock:
            if self._cards is None:
                docs = self.documents
                cards = [self._card(d) for d in docs]
                self._name_patterns = [[_phrase_pattern(n) for n in names_of(d)] for d in docs]
                self._cards = embed_sync(self.embedder, cards)
            return self._cards

    @staticmethod
    def _card(doc: ChemicalDocument) -> str:
        opening = doc.body.split("\n## ", 1)[0]
        opening = " ".join(line for line in opening.splitlines() if not line.startswith("#"))
        synonyms = ", ".join(doc.synonyms)
        return f"{doc.name} ({synonyms}). {' '.join(opening.split()[:120])}"

    def _ensure_chunks(self, positions) -> None:
        missing = [i for i in positions if i not in self._indexes]
        if not missing:
            return
        with self._lock:
            missing = [i for i in missing if i not in self._indexes]
            chunk_lists = [
                chunk_document(self.documents[i].to_source_document(), self.chunking) for i in missing
            ]
            texts = [passage_text(c) for chunks in chunk_lists for c in chunks]
            vectors = embed_sync(self.embedder, texts)
            start = 0
            for i, chunks in zip(missing, chunk_lists, strict=True):
                self._indexes[i] = _DocumentIndex(chunks, vectors[start : start + len(chunks)])
                start += len(chunks)

    def _search(self, query: str, k: int) -> list[SearchHit]:
        cards = self._ensure_cards()
        qvec = embed_sync(self.embedder, [query])[0]
        folded = query.casefold()
        bonus = np.array(
            [
                self.name_bonus if any(p.search(folded) for p in patterns) else 0.0
                for patterns in self._name_patterns
            ],
            dtype=np.float32,
        )
        card_scores = cards @ qvec + bonus
        shortlist = [
            int(i) for i in np.argsort(-card_scores, kind="stable")[: max(k, self.candidate_documents)]
        ]
        self._ensure_chunks(shortlist)
        hits: list[SearchHit] = []
        for i in shortlist:
            index = self._indexes[i]
            if not index.chunks:
                continue
            chunk_scores = index.vectors @ qvec
            best = int(np.argmax(chunk_scores))
            doc = self.documents[i]
            chunk = index.chunks[best]
            snippet = f"{chunk.section}: {chunk.text}" if chunk.section else chunk.text
            hits.append(
                SearchHit(
                    url=doc.source_url,
                    title=doc.name,
                    snippet=snippet[:MAX_SNIPPET_CHARS],
                    text=doc.body,
                    backend=self.name,
                    score=float(chunk_scores[best] + bonus[i]),
                )
            )
        hits.sort(key=lambda h: -h.score)
        return hits[:k]


# ------------------------------------------------------------------------------------------ SerpAPI


class SerpApiSettings(BaseModel):
    api_key: SecretStr | None = Field(None, description="SerpAPI key (never logged or put in errors).")
    endpoint: str = Field(
        "https://serpapi.com/search.json",
        description="Search endpoint answering SerpAPI's JSON (organic_results); a compatible service may stand in.",
    )
    engine: str = Field("google", description="SerpAPI engine parameter.")
    timeout_s: float = Field(15.0, gt=0, description="Deadline of one search request.")
    max_response_bytes: int = Field(
        1024 * 1024, ge=1024, description="Largest response body read; a larger one is Unavailable."
    )


class SerpApiSearchBackend:
    """Web search through a SerpAPI-compatible endpoint; hits have no text (wrap in HttpFetchBackend)."""

    name = "serpapi"

    def __init__(
        self, settings: SerpApiSettings, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.settings = settings
        self._transport = transport
        parts = urlsplit(settings.endpoint)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InvalidArgument("serpapi.endpoint", "must be an http(s) URL")
        self._where = parts.hostname

    async def search(self, query: str, k: int) -> list[SearchHit]:
        query = check_query(query, k)
        key = self.settings.api_key.get_secret_value() if self.settings.api_key else ""
        if not key:
            raise Unavailable("no SerpAPI key is configured (serpapi.api_key)")
        params = {"engine": self.settings.engine, "q": query, "num": str(k), "api_key": key, "output": "json"}
        limit = self.settings.max_response_bytes
        try:
            async with (
                httpx.AsyncClient(
                    timeout=self.settings.timeout_s, transport=self._transport, follow_redirects=False
                ) as client,
                client.stream("GET", self.settings.endpoint, params=params) as response,
            ):
                if response.status_code != 200:
                    raise Unavailable(f"search API at {self._where} answered HTTP {response.status_code}")
                body = bytearray()
                async for chunk in response.aiter_bytes():  # decoded: the limit holds after gzip too
                    body += chunk
                    if len(body) > limit:
                        raise Unavailable(f"search API response exceeds the {limit}-byte limit")
        except httpx.HTTPError as exc:
            # The message of an httpx error can quote the request URL, which carries the API key.
            raise Unavailable(f"search API at {self._where} failed: {type(exc).__name__}") from None
        try:
            payload = json.loads(bytes(body))
        except (ValueError, UnicodeDecodeError):
            raise Unavailable(f"search API at {self._where} did not answer JSON") from None
        return parse_organic_results(payload, k, self.name)


def parse_organic_results(payload: object, k: int, backend: str) -> list[SearchHit]:
    """The http(s) links of ``organic_results`` with their title and snippet, first ``k``, no duplicates."""
    if not isinstance(payload, dict):
        raise Unavailable("search API answered something other than a JSON object")
    if isinstance(payload.get("error"), str) and not payload.get("organic_results"):
        raise Unavailable("search API reported an error")
    results = payload.get("organic_results") or []
    if not isinstance(results, list):
        raise Unavailable("search API organic_results is not a list")
    hits: list[SearchHit] = []
    seen: set[str] = set()
    for position, item in enumerate(results):
        if not isinstance(item, dict):
            continue
        link = item.get("link")
        if not isinstance(link, str) or len(link) > 2048 or link in seen:
            continue
        if urlsplit(link).scheme not in ("http", "https"):
            continue
        title = item.get("title") if isinstance(item.get("title"), str) else ""
        snippet = item.get("snippet") if isinstance(item.get("snippet"), str) else ""
        seen.add(link)
        hits.append(
            SearchHit(
                url=link,
                title=title[:MAX_TITLE_CHARS],
                snippet=snippet[:MAX_SNIPPET_CHARS],
                text=None,
                backend=backend,
                score=-float(position),
            )
        )
        if len(hits) >= k:
            break
    return hits


# -------------------------------------------------------------------------------------------- fetch


class HttpFetchBackend:
    """Another backend's hits, with the pages behind text-less hits fetched, extracted and screened.

    Hits that already have text pass through. A page that cannot be fetched comes back with
    ``text=None`` and ``fetch.error`` set (the research agent records it and moves on).
    """

    def __init__(
        self,
        inner: SearchBackend,
        fetcher: SafeFetcher,
        *,
        max_parallel: int = 4,
        max_text_chars: int = 200_000,
        name: str | None = None,
    ) -> None:
        self.inner = inner
        self.fetcher = fetcher
        self.name = name or inner.name
        self.max_text_chars = max_text_chars
        self._max_parallel = max(1, max_parallel)

    async def search(self, query: str, k: int) -> list[SearchHit]:
        hits = await self.inner.search(query, k)
        gate = asyncio.Semaphore(self._max_parallel)

        async def one(hit: SearchHit) -> SearchHit:
            if hit.text is not None:
                return hit
            async with gate:
                return await self.fetch_hit(hit)

        return list(await asyncio.gather(*(one(hit) for hit in hits)))

    async def fetch_hit(self, hit: SearchHit) -> SearchHit:
        snippet = screen_untrusted(hit.snippet).clean_text
        try:
            page = await asyncio.to_thread(self.fetcher.fetch, hit.url)
        except AutoChemError as exc:
            return replace(hit, snippet=snippet, text=None, fetch=FetchInfo(error=short_error(exc)))
        if page.status >= 400:
            info = FetchInfo(final_url=page.final_url, status=page.status, error=f"HTTP {page.status}")
            return replace(hit, snippet=snippet, text=None, fetch=info)
        hidden = 0
        if page.content_type in _HTML_TYPES:
            extracted = html_to_text(page.text)
            raw_title, raw_text = extracted.title, extracted.text
            hidden = sum(extracted.dropped.values())
        else:
            raw_title, raw_text = "", page.text
        text = screen_untrusted(raw_text)
        title = screen_untrusted(raw_title or hit.title)
        info = FetchInfo(
            final_url=page.final_url,
            status=page.status,
            content_type=page.content_type,
            sha256=page.sha256,
            size_bytes=page.size_bytes,
            sentences_removed=len(text.removed) + len(title.removed),
            hidden_dropped=hidden,
        )
        clean_title = " ".join(title.clean_text.split())[:MAX_TITLE_CHARS] or page.final_url
        return replace(
            hit,
            title=clean_title,
            snippet=snippet,
            text=text.clean_text[: self.max_text_chars] or None,
            fetch=info if text.clean_text else replace(info, error="no readable text"),
        )


def short_error(exc: BaseException, limit: int = 200) -> str:
    """``Type: message`` cut to ``limit`` characters and screened (a server controls parts of some messages)."""
    message = getattr(exc, "message", None) or str(exc)
    text = f"{type(exc).__name__}: {message}"
    text = screen_untrusted(" ".join(text.split())).clean_text
    return text[:limit]


__all__ = [
    "CorpusSearchBackend",
    "FetchInfo",
    "HttpFetchBackend",
    "SearchBackend",
    "SearchHit",
    "SerpApiSearchBackend",
    "SerpApiSettings",
    "parse_organic_results",
    "passage_text",
]
