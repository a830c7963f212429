"""Where each recorded quantity lives inside a Hugging Face model: one small map per family, read top-down.

A family function turns a loaded `transformers` model into an `Arch`: its stacks, and in each layer the modules whose
inputs and outputs are the trace's quantities (queries, keys, values, the output projection, the feed-forward pair and
the LayerNorm of each sub-layer). Nothing here runs the model or touches its state; `capture.py` hooks these modules
for the length of one call.

Families (model_type in the model's config.json):
    bart, mbart, marian   encoder-decoder; learned (BART, mBART) or sinusoidal (Marian) positions; post-LN (BART,
                          Marian) or pre-LN with a final LayerNorm per stack (mBART)
    t5                    encoder-decoder, pre-LN (RMS norm), relative position bias added to the scores, no scaling
    bert                  encoder-only, post-LN; learned positions plus the segment (token-type) embedding
    gpt2                  decoder-only, pre-LN with a final LayerNorm; learned positions
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from torch import Tensor, nn

FAMILIES = {
    "bart": "encoder-decoder", "mbart": "encoder-decoder", "marian": "encoder-decoder", "t5": "encoder-decoder",
    "bert": "encoder-only", "gpt2": "decoder-only",
}


class UnsupportedModel(ValueError):
    """The model's architecture has no map here (or it cannot give per-head attention weights)."""


@dataclass(frozen=True)
class AttnMap:
    """One attention sub-layer: q/k/v projections (or one fused projection), the output projection, its norm."""

    sub: str  # "self_attn" or "cross_attn"
    q: nn.Module | None  # output (B, N, H·dk); None when `qkv` is fused
    k: nn.Module | None
    v: nn.Module | None
    o: nn.Module  # input: heads concatenated (B, N, H·dk); output: the sub-layer's output (B, N, D)
    norm: nn.Module  # post-LN: applied to x + out; pre-LN: applied to x before the sub-layer
    n_heads: int
    scaling: float  # scores = q kᵀ × scaling (+ relative position bias for T5)
    qkv: nn.Module | None = None  # GPT-2's c_attn: one projection whose output splits into q, k, v
    bias_source: nn.Module | None = None  # T5: the attention module that returns the relative position bias


@dataclass(frozen=True)
class FFNMap:
    first: nn.Module  # output: x W1 (+ b1), before the activation (for a gated FFN the gate x W0)
    second: nn.Module  # input: the activation (hidden); output: the FFN's output
    norm: nn.Module


@dataclass(frozen=True)
class LayerMap:
    block: nn.Module  # its first positional input is the residual stream entering the layer
    attns: tuple[AttnMap, ...]
    ffn: FFNMap


@dataclass(frozen=True)
class StackMap:
    name: str  # "encoder" or "decoder"
    side: str  # "src" or "tgt"
    embed_tokens: nn.Embedding
    embed_scale: float
    pos_modules: tuple[nn.Module, ...]  # their outputs, summed, are embed.{side}.pos; () for relative positions
    layers: tuple[LayerMap, ...]
    final_norm: nn.Module | None  # pre-LN stacks: the LayerNorm after the last layer


@dataclass(frozen=True)
class Arch:
    family: str
    kind: str  # encoder-decoder, encoder-only, decoder-only
    norm: str  # "post" (LayerNorm(x + sublayer(x))) or "pre" (x + sublayer(LayerNorm(x)))
    positions: str  # sinusoidal, learned, relative
    encoder: StackMap | None
    decoder: StackMap | None
    unembed: Callable[[Tensor], Tensor] | None  # the decoder's final output -> logits (B, T, V)
    scores_rule: str  # how the scores are formed, for display

    @property
    def stacks(self) -> tuple[StackMap, ...]:
        return tuple(s for s in (self.encoder, self.decoder) if s is not None)


# ---------------------------------------------------------------------------------------------- BART / mBART / Marian


def _bart_attn(m: nn.Module, sub: str, norm: nn.Module) -> AttnMap:
    return AttnMap(sub, m.q_proj, m.k_proj, m.v_proj, m.out_proj, norm, m.num_heads, float(m.scaling))


def _bart_stack(stack: nn.Module, name: str, side: str, pre_ln: bool) -> StackMap:
    layers = []
    for layer in stack.layers:
        attns = [_bart_attn(layer.self_attn, "self_attn", layer.self_attn_layer_norm)]
        if hasattr(layer, "encoder_attn"):
            attns.append(_bart_attn(layer.encoder_attn, "cross_attn", layer.encoder_attn_layer_norm))
        layers.append(LayerMap(layer, tuple(attns), FFNMap(layer.fc1, layer.fc2, layer.final_layer_norm)))
    # BART and mBART scale inside their embedding module, Marian in the stack.
    scale = getattr(stack, "embed_scale", None) or getattr(stack.embed_tokens, "embed_scale", None) or 1.0
    return StackMap(name, side, stack.embed_tokens, float(scale), (stack.embed_positions,), tuple(layers),
                    getattr(stack, "layer_norm", None) if pre_ln else None)


def bart_family(model: nn.Module) -> Arch:
    family = model.config.model_type
    pre_ln = family == "mbart"
    enc, dec = model.get_encoder(), model.get_decoder()
    bias = getattr(model, "final_logits_bias", None)

    def unembed(h: Tensor) -> Tensor:
        logits = model.lm_head(h)
        return logits + bias.to(logits.dtype) if bias is not None else logits

    return Arch(family, "encoder-decoder", "pre" if pre_ln else "post",
                "sinusoidal" if family == "marian" else "learned",
                _bart_stack(enc, "encoder", "src", pre_ln), _bart_stack(dec, "decoder", "tgt", pre_ln), unembed,
                "Q Kᵀ / √dk")


# ---------------------------------------------------------------------------------------------------------------- T5


def _t5_attn(sublayer: nn.Module, sub: str) -> AttnMap:
    a = sublayer.SelfAttention if sub == "self_attn" else sublayer.EncDecAttention
    return AttnMap(sub, a.q, a.k, a.v, a.o, sublayer.layer_norm, a.n_heads, float(getattr(a, "scaling", 1.0)),
                   bias_source=a)


def _t5_stack(stack: nn.Module, name: str, side: str) -> StackMap:
    layers = []
    for block in stack.block:
        attns = [_t5_attn(block.layer[0], "self_attn")]
        if block.is_decoder:
            attns.append(_t5_attn(block.layer[1], "cross_attn"))
        ff = block.layer[-1]
        dense = ff.DenseReluDense
        first = dense.wi_0 if hasattr(dense, "wi_0") else dense.wi
        layers.append(LayerMap(block, tuple(attns), FFNMap(first, dense.wo, ff.layer_norm)))
    return StackMap(name, side, stack.embed_tokens, 1.0, (), tuple(layers), stack.final_layer_norm)


def t5_family(model: nn.Module) -> Arch:
    cfg = model.config
    scale = cfg.d_model**-0.5 if getattr(cfg, "scale_decoder_outputs", cfg.tie_word_embeddings) else 1.0

    def unembed(h: Tensor) -> Tensor:
        return model.lm_head(h * scale)

    return Arch("t5", "encoder-decoder", "pre", "relative", _t5_stack(model.get_encoder(), "encoder", "src"),
                _t5_stack(model.get_decoder(), "decoder", "tgt"), unembed,
                "Q Kᵀ + relative position bias (T5 does not divide by √dk)")


# -------------------------------------------------------------------------------------------------------------- BERT


def bert_family(model: nn.Module) -> Arch:
    base = getattr(model, "bert", model)  # BertModel, or a head model around one
    emb = base.embeddings
    layers = []
    for layer in base.encoder.layer:
        s = layer.attention.self
        attn = AttnMap("self_attn", s.query, s.key, s.value, layer.attention.output.dense,
                       layer.attention.output.LayerNorm, s.num_attention_heads, float(s.scaling))
        layers.append(LayerMap(layer, (attn,), FFNMap(layer.intermediate.dense, layer.output.dense,
                                                      layer.output.LayerNorm)))
    enc = StackMap("encoder", "src", emb.word_embeddings, 1.0, (emb.position_embeddings, emb.token_type_embeddings),
                   tuple(layers), None)
    return Arch("bert", "encoder-only", "post", "learned", enc, None, None, "Q Kᵀ / √dk")


# -------------------------------------------------------------------------------------------------------------- GPT-2


def gpt2_family(model: nn.Module) -> Arch:
    base = model.transformer
    layers = []
    for block in base.h:
        a = block.attn
        attn = AttnMap("self_attn", None, None, None, a.c_proj, block.ln_1, a.num_heads, float(a.scaling), qkv=a.c_attn)
        layers.append(LayerMap(block, (attn,), FFNMap(block.mlp.c_fc, block.mlp.c_proj, block.ln_2)))
    dec = StackMap("decoder", "tgt", base.wte, 1.0, (base.wpe,), tuple(layers), base.ln_f)
    rule = "Q Kᵀ / √dk" + (" / (layer + 1)" if model.config.scale_attn_by_inverse_layer_idx else "")
    return Arch("gpt2", "decoder-only", "pre", "learned", None, dec, model.lm_head, rule)


_BUILDERS: dict[str, Callable[[nn.Module], Arch]] = {
    "bart": bart_family, "mbart": bart_family, "marian": bart_family, "t5": t5_family, "bert": bert_family,
    "gpt2": gpt2_family,
}


def arch_of(model: nn.Module) -> Arch:
    """The map of a loaded model; UnsupportedModel for a family without one or without eager attention."""
    model_type = getattr(model.config, "model_type", "?")
    if model_type not in _BUILDERS:
        raise UnsupportedModel(f"model type {model_type!r} is not supported; supported: {', '.join(FAMILIES)}")
    if getattr(model.config, "_attn_implementation", "eager") != "eager":
        raise UnsupportedModel("the model must be loaded with attn_implementation='eager' to give attention weights")
    return _BUILDERS[model_type](model)
