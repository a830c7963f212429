"""Bring your own model: Hugging Face `transformers` models traced into the same `Trace` as the default model.

Needs the optional packages in requirements-hf.txt (transformers, tokenizers, sentencepiece); importing this package
without them fails only when a model is loaded. See engine.py (loading, decoding, tracing), arch.py (where each
quantity lives in each family), capture.py (per-call hooks) and tokens.py (readable subwords, merging into words).
"""

from .arch import FAMILIES, UnsupportedModel
from .engine import HFEngine, ModelLoadError
from .tokens import merge_attention, merge_tokens

__all__ = ["FAMILIES", "HFEngine", "ModelLoadError", "UnsupportedModel", "merge_attention", "merge_tokens"]
