"""The encoder-decoder Transformer of "Attention Is All You Need", written out so every intermediate can be seen.

Read top-down: masks and positions -> attention -> feed-forward -> layers -> model.

Capture is explicit and per call: pass a `Recorder` into `encode` / `decode` / `forward` and it receives every
intermediate under the names documented in `viz_model.trace.NAMES`. Nothing about a run is ever stored on a module, so
one loaded model can serve many visitors at once. Without a recorder nothing is kept.

Tensor layout inside the model: per-position tensors are (B, T, D); per-head tensors are (B, H, T, d_head). In both,
the query/time axis is -2, which is what lets step-by-step decoding records be stitched together (see decoding.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .config import ModelConfig


class Recorder:
    """Receives named intermediates of one forward call. Create one per call; it is never attached to the model."""

    def __init__(self) -> None:
        self.tensors: dict[str, Tensor] = {}

    def __call__(self, name: str, value: Tensor) -> None:
        self.tensors[name] = value.detach() if value.requires_grad else value


def _record(rec: Recorder | None, name: str, value: Tensor) -> None:
    if rec is not None:
        rec(name, value)


@dataclass(frozen=True)
class Ablation:
    """What to switch off in one forward call (never stored on the model; viz_model/ablation.py builds these).

    head_masks: sub-layer name ("encoder.0.self_attn", "decoder.2.cross_attn") -> a (B, H) or (1, H) float tensor of
    1 (keep) and 0 (remove); a removed head's output (weights @ V) is zeroed before the concatenation and W_O, so
    W_O's bias and the other heads still reach the residual. A batch can remove a different head in each row.
    skip: sub-layer names ("decoder.1.self_attn", "encoder.2.ffn") whose whole output is dropped, biases included:
    the residual passes through alone, into the same Add & Norm, LayerNorm(x + 0).
    """

    head_masks: dict[str, Tensor] = field(default_factory=dict)
    skip: frozenset[str] = frozenset()


# ----------------------------------------------------------------------------------------------------------- masks


def causal_mask(n_queries: int, n_keys: int | None = None, device: torch.device | None = None) -> Tensor:
    """(n_queries, n_keys) bool, True where attention is allowed.

    Query i sits at absolute position n_keys - n_queries + i (the last queries of a sequence of n_keys), so the same
    function serves a full teacher-forced pass (n_queries == n_keys) and one step of cached decoding (n_queries == 1).
    """
    n_keys = n_queries if n_keys is None else n_keys
    offset = n_keys - n_queries
    q = torch.arange(n_queries, device=device)[:, None] + offset
    k = torch.arange(n_keys, device=device)[None, :]
    return k <= q


def padding_mask(ids: Tensor, pad_id: int) -> Tensor:
    """(B, 1, 1, S) bool, True at real (non-padding) key positions."""
    return (ids != pad_id)[:, None, None, :]


def sinusoidal_positions(max_len: int, d_model: int) -> Tensor:
    """PE[pos, 2i] = sin(pos / 10000^(2i/d)), PE[pos, 2i+1] = cos(pos / 10000^(2i/d)), d = d_model. (max_len, d)"""
    pos = torch.arange(max_len, dtype=torch.float32)[:, None]
    div = torch.exp(torch.arange(0, d_model, 2, dtype=torch.float32) * (-math.log(10000.0) / d_model))
    pe = torch.zeros(max_len, d_model)
    pe[:, 0::2] = torch.sin(pos * div)
    pe[:, 1::2] = torch.cos(pos * div)
    return pe


def _head_mask(ablate: Ablation | None, name: str) -> Tensor | None:
    return None if ablate is None else ablate.head_masks.get(name)


def _skipped(ablate: Ablation | None, name: str) -> bool:
    return ablate is not None and name in ablate.skip


# ------------------------------------------------------------------------------------------------------- attention


def attention(q: Tensor, k: Tensor, v: Tensor, mask: Tensor | None) -> tuple[Tensor, Tensor, Tensor]:
    """softmax(Q Kᵀ / √d_k + mask) V, per head, with the scores and weights kept.

    q (B, H, Tq, dk), k and v (B, H, Tk, dk), mask broadcastable to (B, H, Tq, Tk), True = may attend.
    Returns scores (masked entries -inf), weights (masked entries exactly 0), and the per-head outputs (B, H, Tq, dk).
    """
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.size(-1))
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=-1)
    return scores, weights, weights @ v


@dataclass
class KVCache:
    """Keys and values of one attention sub-layer, kept between decoding steps of one call (never on the model)."""

    k: Tensor | None = None
    v: Tensor | None = None


class MultiHeadAttention(nn.Module):
    def __init__(self, d_model: int, n_heads: int) -> None:
        super().__init__()
        self.n_heads = n_heads
        self.w_q = nn.Linear(d_model, d_model)
        self.w_k = nn.Linear(d_model, d_model)
        self.w_v = nn.Linear(d_model, d_model)
        self.w_o = nn.Linear(d_model, d_model)

    def _split(self, x: Tensor) -> Tensor:
        b, t, d = x.shape
        return x.view(b, t, self.n_heads, d // self.n_heads).transpose(1, 2)  # (B, H, T, dk)

    def forward(
        self,
        x: Tensor,
        kv: Tensor,
        mask: Tensor | None,
        rec: Recorder | None,
        name: str,
        cache: KVCache | None = None,
        static_kv: bool = False,
        head_mask: Tensor | None = None,
    ) -> Tensor:
        """Queries from x (B, Tq, D); keys and values from kv (B, Tk, D). head_mask (B or 1, H): 0 zeroes a head's
        output before W_O (see Ablation); None leaves the computation exactly as without ablation.

        With a cache: self-attention (static_kv=False) appends this call's keys/values to it; cross-attention
        (static_kv=True) computes them from the encoder output once and reuses them. Keys and values are recorded
        only when computed, so stitched decoding records equal a full pass.
        """
        # F.linear on the modules' parameters: the same maths as calling them, without per-call module overhead,
        # which dominates one-token decoding steps of a model this small.
        q = self._split(F.linear(x, self.w_q.weight, self.w_q.bias))
        if cache is not None and static_kv and cache.k is not None:
            k, v = cache.k, cache.v
        else:
            k_new = self._split(F.linear(kv, self.w_k.weight, self.w_k.bias))
            v_new = self._split(F.linear(kv, self.w_v.weight, self.w_v.bias))
            _record(rec, f"{name}.k", k_new)
            _record(rec, f"{name}.v", v_new)
            if cache is None:
                k, v = k_new, v_new
            else:
                if static_kv or cache.k is None:
                    k, v = k_new, v_new
                else:
                    k, v = torch.cat([cache.k, k_new], dim=2), torch.cat([cache.v, v_new], dim=2)
                cache.k, cache.v = k, v
        scores, weights, heads = attention(q, k, v, mask)
        b, h, t, dk = heads.shape
        kept = heads if head_mask is None else heads * head_mask[:, :, None, None].to(heads.dtype)
        out = F.linear(kept.transpose(1, 2).reshape(b, t, h * dk), self.w_o.weight, self.w_o.bias)
        _record(rec, f"{name}.q", q)
        _record(rec, f"{name}.scores", scores)
        _record(rec, f"{name}.weights", weights)
        _record(rec, f"{name}.head_out", heads)
        _record(rec, f"{name}.out", out)
        return out


# ---------------------------------------------------------------------------------------------------- feed-forward


class FeedForward(nn.Module):
    """FFN(x) = max(0, x W1 + b1) W2 + b2, applied to each position separately."""

    def __init__(self, d_model: int, d_ff: int) -> None:
        super().__init__()
        self.w_1 = nn.Linear(d_model, d_ff)
        self.w_2 = nn.Linear(d_ff, d_model)

    def forward(self, x: Tensor, rec: Recorder | None, name: str) -> Tensor:
        pre = F.linear(x, self.w_1.weight, self.w_1.bias)  # (B, T, d_ff)
        hidden = F.relu(pre)
        out = F.linear(hidden, self.w_2.weight, self.w_2.bias)
        _record(rec, f"{name}.pre", pre)
        _record(rec, f"{name}.hidden", hidden)
        _record(rec, f"{name}.out", out)
        return out


class AddNorm(nn.Module):
    """Post-LN residual connection of the paper: LayerNorm(x + Sublayer(x))."""

    def __init__(self, d_model: int, eps: float, dropout: float) -> None:
        super().__init__()
        self.norm = nn.LayerNorm(d_model, eps=eps)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: Tensor, sub: Tensor, rec: Recorder | None, name: str) -> Tensor:
        resid = x + (self.dropout(sub) if self.training else sub)
        n = self.norm
        normed = F.layer_norm(resid, n.normalized_shape, n.weight, n.bias, n.eps)
        _record(rec, f"{name}.resid", resid)
        _record(rec, f"{name}.normed", normed)
        return normed


# ---------------------------------------------------------------------------------------------------------- layers


class EncoderLayer(nn.Module):
    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        self.self_attn = MultiHeadAttention(cfg.d_model, cfg.n_heads)
        self.add_norm_1 = AddNorm(cfg.d_model, cfg.layer_norm_eps, cfg.dropout)
        self.ffn = FeedForward(cfg.d_model, cfg.d_ff)
        self.add_norm_2 = AddNorm(cfg.d_model, cfg.layer_norm_eps, cfg.dropout)

    def forward(self, x: Tensor, mask: Tensor | None, rec: Recorder | None, name: str,
                ablate: Ablation | None = None) -> Tensor:
        _record(rec, f"{name}.input", x)
        sub = f"{name}.self_attn"
        sa = torch.zeros_like(x) if _skipped(ablate, sub) else \
            self.self_attn(x, x, mask, rec, sub, head_mask=_head_mask(ablate, sub))
        x = self.add_norm_1(x, sa, rec, sub)
        ff = torch.zeros_like(x) if _skipped(ablate, f"{name}.ffn") else self.ffn(x, rec, f"{name}.ffn")
        return self.add_norm_2(x, ff, rec, f"{name}.ffn")


@dataclass
class LayerCache:
    self_attn: KVCache = field(default_factory=KVCache)
    cross_attn: KVCache = field(default_factory=KVCache)


class DecoderLayer(nn.Module):
    def __init__(self, cfg: ModelConfig, cross: bool) -> None:
        super().__init__()
        self.self_attn = MultiHeadAttention(cfg.d_model, cfg.n_heads)
        self.add_norm_1 = AddNorm(cfg.d_model, cfg.layer_norm_eps, cfg.dropout)
        self.cross_attn = MultiHeadAttention(cfg.d_model, cfg.n_heads) if cross else None
        self.add_norm_2 = AddNorm(cfg.d_model, cfg.layer_norm_eps, cfg.dropout) if cross else None
        self.ffn = FeedForward(cfg.d_model, cfg.d_ff)
        self.add_norm_3 = AddNorm(cfg.d_model, cfg.layer_norm_eps, cfg.dropout)

    def forward(
        self,
        x: Tensor,
        memory: Tensor | None,
        self_mask: Tensor,
        cross_mask: Tensor | None,
        rec: Recorder | None,
        name: str,
        cache: LayerCache | None = None,
        ablate: Ablation | None = None,
    ) -> Tensor:
        _record(rec, f"{name}.input", x)
        sub = f"{name}.self_attn"
        sa = torch.zeros_like(x) if _skipped(ablate, sub) else \
            self.self_attn(x, x, self_mask, rec, sub, cache and cache.self_attn, head_mask=_head_mask(ablate, sub))
        x = self.add_norm_1(x, sa, rec, sub)
        if self.cross_attn is not None:
            sub = f"{name}.cross_attn"
            ca = torch.zeros_like(x) if _skipped(ablate, sub) else self.cross_attn(
                x, memory, cross_mask, rec, sub, cache and cache.cross_attn, static_kv=True,
                head_mask=_head_mask(ablate, sub))
            x = self.add_norm_2(x, ca, rec, sub)
        ff = torch.zeros_like(x) if _skipped(ablate, f"{name}.ffn") else self.ffn(x, rec, f"{name}.ffn")
        return self.add_norm_3(x, ff, rec, f"{name}.ffn")


# ----------------------------------------------------------------------------------------------------------- model


class Transformer(nn.Module):
    """Encoder-decoder Transformer; with n_encoder_layers=0 a decoder-only language model."""

    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        self.cfg = cfg
        d = cfg.d_model
        self.has_encoder = cfg.n_encoder_layers > 0
        self.src_embed = nn.Embedding(cfg.src_vocab_size, d) if self.has_encoder else None
        self.tgt_embed = nn.Embedding(cfg.tgt_vocab_size, d)
        self.register_buffer("pe", sinusoidal_positions(cfg.max_len, d), persistent=False)
        self.dropout = nn.Dropout(cfg.dropout)
        self.encoder_layers = nn.ModuleList(EncoderLayer(cfg) for _ in range(cfg.n_encoder_layers))
        self.decoder_layers = nn.ModuleList(DecoderLayer(cfg, self.has_encoder) for _ in range(cfg.n_decoder_layers))
        self.unembed = nn.Linear(d, cfg.tgt_vocab_size)
        self._init_weights()

    def _init_weights(self) -> None:
        for p in self.parameters():
            if p.dim() > 1:
                nn.init.xavier_uniform_(p)
        for emb in (self.src_embed, self.tgt_embed):
            if emb is not None:  # embeddings are multiplied by sqrt(d_model): keep their entries around 1/sqrt(d)
                nn.init.normal_(emb.weight, std=self.cfg.d_model**-0.5)

    def embed(self, ids: Tensor, side: str, rec: Recorder | None, start: int = 0) -> Tensor:
        """Token embedding × √d_model + sinusoidal position encoding of positions start .. start+T-1."""
        if start + ids.size(1) > self.cfg.max_len:
            raise ValueError(f"sequence of {start + ids.size(1)} positions exceeds max_len={self.cfg.max_len}")
        table = self.src_embed if side == "src" else self.tgt_embed
        raw = table(ids)  # (B, T, D)
        scaled = raw * math.sqrt(self.cfg.d_model)
        pos = self.pe[start : start + ids.size(1)].unsqueeze(0).expand_as(scaled)
        total = scaled + pos
        for part, value in (("raw", raw), ("scaled", scaled), ("pos", pos), ("sum", total)):
            _record(rec, f"embed.{side}.{part}", value)
        return self.dropout(total)

    def encode(self, src: Tensor, src_mask: Tensor | None, rec: Recorder | None = None,
               ablate: Ablation | None = None) -> Tensor:
        """src (B, S) ids -> memory (B, S, D). ablate: heads and sub-layers switched off for this call only."""
        x = self.embed(src, "src", rec)
        for i, layer in enumerate(self.encoder_layers):
            x = layer(x, src_mask, rec, f"encoder.{i}", ablate)
        _record(rec, "encoder.output", x)
        return x

    def decode(
        self,
        tgt: Tensor,
        memory: Tensor | None,
        src_mask: Tensor | None,
        rec: Recorder | None = None,
        cache: list[LayerCache] | None = None,
        start: int = 0,
        tgt_pad_mask: Tensor | None = None,
        ablate: Ablation | None = None,
    ) -> Tensor:
        """tgt (B, T) ids at positions start .. start+T-1 -> logits (B, T, V).

        With `cache` (one LayerCache per layer, filled by earlier calls) only the new positions are computed.
        """
        n = tgt.size(1)
        # One new position attends to every earlier one: its causal mask would mask nothing.
        self_mask = None if n == 1 else causal_mask(n, start + n, device=tgt.device)
        if tgt_pad_mask is not None:
            self_mask = tgt_pad_mask if self_mask is None else self_mask & tgt_pad_mask
        x = self.embed(tgt, "tgt", rec, start)
        for i, layer in enumerate(self.decoder_layers):
            x = layer(x, memory, self_mask, src_mask, rec, f"decoder.{i}", cache[i] if cache is not None else None,
                      ablate)
        _record(rec, "decoder.output", x)
        logits = self.unembed(x)
        _record(rec, "logits", logits)
        if rec is not None and cache is None:  # cached decoding adds probs once, after stitching its steps
            rec("probs", torch.softmax(logits.float(), dim=-1))
        return logits

    def forward(
        self, src: Tensor | None, tgt: Tensor, pad_id: int = 0, rec: Recorder | None = None,
        ablate: Ablation | None = None,
    ) -> Tensor:
        """Teacher-forced pass: src (B, S), tgt (B, T) -> logits (B, T, V). Padding (pad_id) is masked out.
        ablate: heads and sub-layers switched off for this call only (Ablation); None: the model as trained."""
        memory = src_mask = None
        if self.has_encoder:
            src_mask = padding_mask(src, pad_id)
            memory = self.encode(src, src_mask, rec, ablate)
        return self.decode(tgt, memory, src_mask, rec, tgt_pad_mask=padding_mask(tgt, pad_id), ablate=ablate)

    def new_cache(self) -> list[LayerCache]:
        return [LayerCache() for _ in self.decoder_layers]

    def num_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())
