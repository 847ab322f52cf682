"""Embedding calls for the agents, off the event loop and one at a time.

Embedding is CPU-bound and the sentence-transformers tokenizer must not be driven by two threads at
once, so every embedding the agents make goes through one process-wide lock, on a worker thread so
the gRPC server and the other subtasks keep running meanwhile.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence

import numpy as np

from autochem.knowledge.embeddings import Embedder

_EMBED_LOCK = threading.Lock()


def embed_sync(embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
    if not texts:
        return np.zeros((0, getattr(embedder, "dim", 0)), dtype=np.float32)
    with _EMBED_LOCK:
        return np.asarray(embedder.embed(list(texts)), dtype=np.float32)


async def embed(embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
    """L2-normalised rows, one per text (cosine is a dot product)."""
    return await asyncio.to_thread(embed_sync, embedder, list(texts))
