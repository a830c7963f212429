"""Autoregressive decoding (greedy or sampled) that records what each step saw, and teacher-forced passes.

A decode runs the encoder once, then one decoder step per new token with a key/value cache. Each step records the
rows for its own position; `stitch` joins them along the query axis into the same arrays a single teacher-forced pass
over the produced tokens gives (tests/test_decoding.py checks that they are equal).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor

from .model import Ablation, Recorder, Transformer, padding_mask


@dataclass(frozen=True)
class DecodeSettings:
    """How the next token is chosen. temperature 0 means greedy (argmax)."""

    temperature: float = 0.0
    top_k: int = 0  # 0: the whole vocabulary
    seed: int = 0
    max_new_tokens: int = 100  # the cap on generated tokens (the app and CLI default)

    def __post_init__(self) -> None:
        if not (0.0 <= self.temperature <= 10.0):
            raise ValueError("temperature must lie in [0, 10]")
        if self.top_k < 0 or self.max_new_tokens < 1:
            raise ValueError("top_k must be >= 0 and max_new_tokens >= 1")

    @property
    def greedy(self) -> bool:
        return self.temperature == 0.0


def sampling_distribution(logits: Tensor, temperature: float, top_k: int) -> Tensor:
    """Probabilities the sampler draws from: softmax(logits / T) restricted to the top-k logits. (..., V)"""
    if temperature == 0.0:
        out = torch.zeros_like(logits, dtype=torch.float32)
        return out.scatter_(-1, logits.argmax(-1, keepdim=True), 1.0)
    scaled = logits.float() / temperature
    if 0 < top_k < scaled.size(-1):
        kth = scaled.topk(top_k, dim=-1).values[..., -1:]
        scaled = scaled.masked_fill(scaled < kth, float("-inf"))
    return torch.softmax(scaled, dim=-1)


def stitch(steps: list[dict[str, Tensor]]) -> dict[str, Tensor]:
    """Join per-step records along the query axis (-2).

    Self-attention scores/weights of step t have t+1 keys: they are padded to the final length with what the causal
    mask puts there (-inf for scores, 0 for weights). Names recorded only once (cross-attention keys and values) are
    taken from the step that recorded them.
    """
    parts: dict[str, list[Tensor]] = {}
    for rec in steps:
        for name, value in rec.items():
            parts.setdefault(name, []).append(value)
    out: dict[str, Tensor] = {}
    for name, values in parts.items():
        width = max(v.size(-1) for v in values)
        if name.endswith((".scores", ".weights")) and any(v.size(-1) != width for v in values):
            fill = float("-inf") if name.endswith(".scores") else 0.0
            values = [torch.nn.functional.pad(v, (0, width - v.size(-1)), value=fill) for v in values]
        out[name] = values[0] if len(values) == 1 else torch.cat(values, dim=-2)
    return out


def to_numpy(tensors: dict[str, Tensor]) -> dict[str, np.ndarray]:
    """Batch of one removed, float tensors as float32, on the CPU."""
    out = {}
    for name, t in tensors.items():
        t = t[0].cpu()
        out[name] = t.numpy() if not t.is_floating_point() else t.float().numpy()
    return out


@torch.inference_mode()
def generate(
    model: Transformer, src: Tensor | None, bos_id: int, eos_id: int, settings: DecodeSettings,
    pad_id: int = 0, record: bool = True, ablate: Ablation | None = None,
) -> tuple[list[int], list[int], dict[str, Tensor]]:
    """Decode one sequence. src (1, S) ids (None for a decoder-only model). ablate: heads and sub-layers switched
    off for this call only (viz_model/ablation.py); None decodes with the model as trained.

    Returns the decoder input ids (starting with bos), the id chosen after each of them, and the stitched records
    (empty if record=False). Stops after eos or max_new_tokens (or the position table's end).
    """
    device = next(model.parameters()).device
    gen = torch.Generator(device="cpu").manual_seed(settings.seed)
    enc_rec = Recorder() if record else None
    memory = src_mask = None
    if model.has_encoder:
        src = src.to(device)
        src_mask = padding_mask(src, pad_id)
        if bool(src_mask.all()):
            src_mask = None  # a batch of one has no padding to mask
        memory = model.encode(src, src_mask, enc_rec, ablate)
    cache = model.new_cache()
    inputs, chosen, steps = [bos_id], [], []
    max_steps = min(settings.max_new_tokens, model.cfg.max_len)
    for t in range(max_steps):
        rec = Recorder() if record else None
        tok = torch.tensor([[inputs[-1]]], device=device)
        logits = model.decode(tok, memory, src_mask, rec, cache=cache, start=t, ablate=ablate)[0, -1]
        dist = sampling_distribution(logits, settings.temperature, settings.top_k).cpu()
        nxt = int(dist.argmax()) if settings.greedy else int(torch.multinomial(dist, 1, generator=gen))
        chosen.append(nxt)
        if rec is not None:
            steps.append(rec.tensors)
        if nxt == eos_id or t == max_steps - 1:
            break
        inputs.append(nxt)
    records = {**(enc_rec.tensors if enc_rec else {}), **stitch(steps)}
    if record:
        records["probs"] = torch.softmax(records["logits"].float(), dim=-1)
    return inputs, chosen, records


@torch.inference_mode()
def teacher_forced(
    model: Transformer, src: Tensor | None, tgt: Tensor, pad_id: int = 0
) -> dict[str, Tensor]:
    """Every intermediate of one full pass over given decoder inputs tgt (1, T)."""
    device = next(model.parameters()).device
    rec = Recorder()
    model(src.to(device) if src is not None else None, tgt.to(device), pad_id=pad_id, rec=rec)
    return rec.tensors


@torch.inference_mode()
def greedy_batch(
    model: Transformer, src: Tensor | None, bos_id: int, eos_id: int, max_new_tokens: int, pad_id: int = 0,
    n: int | None = None,
) -> list[list[int]]:
    """Greedy decoding of a padded batch src (B, S) with a key/value cache; returns each output without bos/eos."""
    device = next(model.parameters()).device
    memory = src_mask = None
    if model.has_encoder:
        src = src.to(device)
        src_mask = padding_mask(src, pad_id)
        memory = model.encode(src, src_mask)
    batch = src.size(0) if src is not None else (n or 1)
    cache = model.new_cache()
    tok = torch.full((batch, 1), bos_id, device=device)
    out = torch.empty((batch, 0), dtype=torch.long, device=device)
    done = torch.zeros(batch, dtype=torch.bool, device=device)
    for t in range(min(max_new_tokens, model.cfg.max_len)):
        tok = model.decode(tok, memory, src_mask, cache=cache, start=t)[:, -1].argmax(-1, keepdim=True)
        out = torch.cat([out, tok], dim=1)
        done |= tok[:, 0] == eos_id
        if bool(done.all()):
            break
    results = []
    for row in out.tolist():
        results.append(row[: row.index(eos_id)] if eos_id in row else row)
    return results
