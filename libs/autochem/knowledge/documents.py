"""Source documents entering the knowledge graph, and the checks that keep bad input out.

A document is identified by ``doc_id`` (stable across edits: the source URL or corpus slug) and
versioned by the sha256 of its text, so an ingest can tell added, changed and unchanged documents
apart. Every check raises :class:`InvalidArgument` naming the field and the reason; nothing is
silently truncated or dropped.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from pydantic import BaseModel, Field

from autochem.errors import InvalidArgument

DEFAULT_MAX_DOCUMENT_BYTES = 2 * 1024 * 1024
_DOC_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/#?=&%+@~-]{0,511}$")
# Share of characters that are control characters (other than whitespace) beyond which a "text" is
# really binary data that happened to decode.
_MAX_CONTROL_SHARE = 0.01


class SourceDocument(BaseModel):
    """A text document about a chemical, with where it came from."""

    doc_id: str = Field(description="Stable identity across versions: corpus slug or source URL.")
    title: str = Field(description="Human-readable title.")
    text: str = Field(description="UTF-8 text (already extracted from HTML/PDF).")
    source_url: str = Field("", description="Where the text came from (citation target).")
    chemical: str = Field("", description="The chemical the document is about, when known.")
    metadata: dict[str, str] = Field(default_factory=dict, description="Free-form string metadata.")

    @property
    def content_sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def citation(self) -> str:
        return self.source_url or self.doc_id


def decode_document_bytes(data: bytes, *, field: str = "text") -> str:
    """Decode untrusted bytes as UTF-8, refusing binary data instead of guessing."""
    if b"\x00" in data:
        raise InvalidArgument(field, "binary content (NUL bytes) is not a text document")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidArgument(
            field, f"not valid UTF-8 at byte {exc.start} ({exc.reason}); convert the document to UTF-8"
        ) from None


def check_document(
    doc: SourceDocument, *, max_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES, field: str = "document"
) -> None:
    """Raise InvalidArgument if ``doc`` cannot be ingested as it is."""
    if not _DOC_ID.match(doc.doc_id or ""):
        raise InvalidArgument(
            f"{field}.doc_id", f"{doc.doc_id!r} is empty or has characters outside [A-Za-z0-9._:/#?=&%+@~-]"
        )
    if not doc.title.strip():
        raise InvalidArgument(f"{field}.title", "is empty")
    size = len(doc.text.encode("utf-8", errors="surrogatepass"))
    if size > max_bytes:
        raise InvalidArgument(f"{field}.text", f"{size} bytes exceeds the limit of {max_bytes} bytes")
    if not doc.text.strip():
        raise InvalidArgument(f"{field}.text", "is empty")
    if "\x00" in doc.text:
        raise InvalidArgument(f"{field}.text", "binary content (NUL characters) is not a text document")
    try:
        doc.text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidArgument(
            f"{field}.text", "contains unpaired surrogates (not valid Unicode text)"
        ) from None
    controls = sum(1 for ch in doc.text if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f\v")
    if controls > max(3, _MAX_CONTROL_SHARE * len(doc.text)):
        raise InvalidArgument(
            f"{field}.text", f"{controls} control characters: looks like binary data, not text"
        )
