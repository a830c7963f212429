"""Model configuration: one frozen dataclass and a few named presets."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ModelConfig:
    """Shape of an encoder-decoder Transformer ("Attention Is All You Need", post-LN)."""

    src_vocab_size: int
    tgt_vocab_size: int
    d_model: int = 128
    n_heads: int = 4
    d_ff: int = 512
    n_encoder_layers: int = 3  # 0 gives a decoder-only language model (no cross-attention)
    n_decoder_layers: int = 3
    max_len: int = 256  # rows of the sinusoidal position table: the longest sequence either side
    dropout: float = 0.0
    layer_norm_eps: float = 1e-5
    name: str = "custom"

    def __post_init__(self) -> None:
        if self.d_model % self.n_heads:
            raise ValueError(f"d_model={self.d_model} is not divisible by n_heads={self.n_heads}")
        if self.n_decoder_layers < 1:
            raise ValueError("the model needs at least one decoder layer to produce logits")

    @property
    def d_head(self) -> int:
        return self.d_model // self.n_heads

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ModelConfig:
        fields = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in fields})


# Named presets; vocabulary sizes are filled in from the tokenizer with dataclasses.replace.
PRESETS: dict[str, dict[str, Any]] = {
    # Unit tests: builds and runs in milliseconds.
    "tiny": dict(d_model=32, n_heads=2, d_ff=64, n_encoder_layers=2, n_decoder_layers=2, max_len=128),
    # The shipped default model: 3+3 layers, 4 heads, d_model 128 (its size is mostly its two vocabularies).
    "small": dict(d_model=128, n_heads=4, d_ff=512, n_encoder_layers=3, n_decoder_layers=3, max_len=256),
    # Twice as wide: for a GPU, or a longer run.
    "medium": dict(d_model=256, n_heads=4, d_ff=1024, n_encoder_layers=3, n_decoder_layers=3, max_len=256),
    # The paper's base model (Vaswani et al., 2017, Table 3), for reference and GPU runs.
    "base": dict(d_model=512, n_heads=8, d_ff=2048, n_encoder_layers=6, n_decoder_layers=6, max_len=256, dropout=0.1),
}


def preset(preset_name: str, src_vocab_size: int, tgt_vocab_size: int, **overrides: Any) -> ModelConfig:
    """Build a config from a named preset (see PRESETS) for the given vocabulary sizes; overrides may set `name`."""
    if preset_name not in PRESETS:
        raise KeyError(f"unknown preset {preset_name!r}; choose from {sorted(PRESETS)}")
    kw = {"name": preset_name, **PRESETS[preset_name], **overrides}
    return ModelConfig(src_vocab_size=src_vocab_size, tgt_vocab_size=tgt_vocab_size, **kw)
