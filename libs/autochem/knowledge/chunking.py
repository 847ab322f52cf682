"""Sliding-window chunking: windows of W tokens every S tokens (overlap W−S), with the section heading.

Tokens here are words and punctuation runs, not model word-pieces: chunk boundaries then do not move
when the embedding or language model changes, which keeps chunk identities (and the incremental
update) stable. The defaults keep a chunk under the 256 word-pieces all-MiniLM-L6-v2 reads.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from pydantic import BaseModel, Field, model_validator

from autochem.knowledge.documents import SourceDocument

_TOKEN = re.compile(r"\S+")
_HEADING = re.compile(r"^#{1,6} +(.+?)\s*$", re.M)


class ChunkingSettings(BaseModel):
    window_tokens: int = Field(150, ge=16, le=4096, description="W: tokens per chunk.")
    stride_tokens: int = Field(110, ge=1, description="S: tokens between chunk starts (overlap is W−S).")

    @model_validator(mode="after")
    def _stride_within_window(self) -> ChunkingSettings:
        if self.stride_tokens > self.window_tokens:
            raise ValueError("stride_tokens must not exceed window_tokens (text would be skipped)")
        return self


@dataclass(frozen=True)
class Chunk:
    chunk_id: str
    doc_id: str
    index: int
    text: str
    section: str
    start_char: int
    end_char: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def chunk_id_for(doc_id: str, doc_sha256: str, index: int) -> str:
    # Content-derived: a changed document gets new chunk ids, an unchanged one keeps them.
    return hashlib.sha256(f"{doc_id}\x00{doc_sha256}\x00{index}".encode()).hexdigest()[:24]


def chunk_document(doc: SourceDocument, settings: ChunkingSettings | None = None) -> list[Chunk]:
    settings = settings or ChunkingSettings()
    text = doc.text
    tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
    if not tokens:
        return []
    headings = [(m.start(), m.group(1).strip()) for m in _HEADING.finditer(text)]
    doc_sha = doc.content_sha256
    chunks: list[Chunk] = []
    start = 0
    while True:
        end = min(start + settings.window_tokens, len(tokens))
        s_char, e_char = tokens[start][0], tokens[end - 1][1]
        chunks.append(
            Chunk(
                chunk_id=chunk_id_for(doc.doc_id, doc_sha, len(chunks)),
                doc_id=doc.doc_id,
                index=len(chunks),
                text=text[s_char:e_char],
                section=_section_at(headings, s_char, tokens[min(start + 8, end - 1)][0]),
                start_char=s_char,
                end_char=e_char,
            )
        )
        if end >= len(tokens):
            break
        start += settings.stride_tokens
    return chunks


def _section_at(headings: list[tuple[int, str]], pos: int, lookahead: int) -> str:
    # A window that opens just before a heading belongs to that heading's section.
    current = ""
    for h_pos, title in headings:
        if h_pos <= lookahead:
            current = title
        else:
            break
    del pos
    return current
