"""Local serving engine: paged (int8/int4-quantizable) KV cache, continuous batching, lookahead decoding."""

from autochem.inference.engine.backend import LocalEngineBackend
from autochem.inference.engine.kv_quant import KV_MODES, make_codec
from autochem.inference.engine.paged_cache import BlockAllocator, OutOfBlocks, PagedKVCache
from autochem.inference.engine.scheduler import Finished, PagedEngine
from autochem.inference.engine.weights import LlamaWeights, extract_llama_weights

__all__ = [
    "KV_MODES",
    "BlockAllocator",
    "Finished",
    "LlamaWeights",
    "LocalEngineBackend",
    "OutOfBlocks",
    "PagedEngine",
    "PagedKVCache",
    "extract_llama_weights",
    "make_codec",
]
