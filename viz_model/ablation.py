"""Head ablation: switch off attention heads or whole sub-layers for one call, re-decode, and measure what changed.

Semantics (the model side is `viz_model.model.Ablation`, a per-call argument; nothing is ever set on the model):

- removing a head (kind, layer, head) zeroes that head's output, softmax(QKᵀ/√d_k)V, before the heads are
  concatenated and multiplied by W_O (the standard head ablation): W_O's bias and the other heads still count;
- skipping a sub-layer (part, layer) — an attention sub-layer or a feed-forward one — drops its whole output, biases
  included: the residual passes through alone into the same Add & Norm, x -> LayerNorm(x + 0).

An `AblationSet` is a plain value with a canonical text form for links: comma-separated items, `es.0.1` (encoder
self-attention, layer 0, head 1), `ds.1.2` (decoder self-attention), `x.2.3` (cross-attention) for heads and `es.0`,
`ds.1`, `x.2`, `ef.0` (encoder feed-forward), `df.2` (decoder feed-forward) for whole sub-layers.

The sweep ("which heads matter") removes each head alone and measures the drop in the teacher-forced log-probability
of a target sequence (the reference translation when the grammar knows the sentence, the model's own output
otherwise). All single-head ablations run as one batch: row 0 removes nothing, row r one head (a (B, H) head mask).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import torch

from .decoding import DecodeSettings, generate
from .model import Ablation, Transformer
from .trace import ATTENTION_KINDS, Trace

# Sub-layer parts -> (stack, sub-layer module name); the three attention kinds are also the head kinds.
PARTS: dict[str, tuple[str, str]] = {**ATTENTION_KINDS, "encoder_ffn": ("encoder", "ffn"),
                                     "decoder_ffn": ("decoder", "ffn")}
CODES: dict[str, str] = {"encoder_self": "es", "decoder_self": "ds", "cross": "x", "encoder_ffn": "ef",
                         "decoder_ffn": "df"}
BY_CODE: dict[str, str] = {v: k for k, v in CODES.items()}
MAX_ITEMS = 64  # items a link may carry; the default model has 36 heads and 15 sub-layers
_ITEM = re.compile(r"^([a-z]{1,2})\.([0-9]{1,3})(?:\.([0-9]{1,3}))?$")  # ASCII digits only

Head = tuple[str, int, int]  # (attention kind, layer, head)
Sublayer = tuple[str, int]  # (part, layer)


def module_name(part: str, layer: int) -> str:
    """The sub-layer's name in the model and the trace: ("cross", 2) -> "decoder.2.cross_attn"."""
    stack, sub = PARTS[part]
    return f"{stack}.{layer}.{sub}"


@dataclass(frozen=True)
class AblationSet:
    """Heads and whole sub-layers to switch off. Empty: the model as trained."""

    heads: frozenset[Head] = frozenset()
    sublayers: frozenset[Sublayer] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.heads or self.sublayers)

    def __len__(self) -> int:
        return len(self.heads) + len(self.sublayers)

    def to_string(self) -> str:
        """Canonical text form (sorted): what a link carries."""
        order = list(CODES)
        items = sorted([(order.index(k), layer, h) for k, layer, h in self.heads]
                       + [(order.index(p), layer, -1) for p, layer in self.sublayers])
        return ",".join(f"{CODES[order[k]]}.{layer}" + ("" if h < 0 else f".{h}") for k, layer, h in items)

    @classmethod
    def parse(cls, raw: str, layers: Mapping[str, int], n_heads: int) -> tuple[AblationSet, list[str]]:
        """(set, rejected items) from the text form. layers: stack ("encoder", "decoder") -> its layer count.
        Unknown, malformed or out-of-range items are rejected (returned, not raised); at most MAX_ITEMS are read."""
        heads: set[Head] = set()
        subs: set[Sublayer] = set()
        rejected: list[str] = []
        items = [s.strip() for s in str(raw).split(",") if s.strip()]
        rejected += items[MAX_ITEMS:]
        for item in items[:MAX_ITEMS]:
            m = _ITEM.match(item)
            part = BY_CODE.get(m.group(1)) if m else None
            if part is None:
                rejected.append(item)
                continue
            layer, head = int(m.group(2)), m.group(3)
            if layer >= layers.get(PARTS[part][0], 0):
                rejected.append(item)
            elif head is None:
                subs.add((part, layer))
            elif part in ATTENTION_KINDS and int(head) < n_heads:
                heads.add((part, layer, int(head)))
            else:
                rejected.append(item)
        return cls(frozenset(heads), frozenset(subs)), rejected

    def for_model(self, n_heads: int, device: torch.device | str = "cpu") -> Ablation | None:
        """The model's per-call Ablation (None when nothing is removed: exactly the unablated computation)."""
        if not self:
            return None
        masks: dict[str, torch.Tensor] = {}
        for kind, layer, head in self.heads:
            name = module_name(kind, layer)
            masks.setdefault(name, torch.ones(1, n_heads, device=device))[0, head] = 0.0
        return Ablation(masks, frozenset(module_name(p, layer) for p, layer in self.sublayers))


# ------------------------------------------------------------------------------------------------ one ablation


@dataclass(frozen=True)
class AblationResult:
    """The re-decoded output and, step by step along the original output, what the ablation did to the next-token
    probabilities (teacher-forced on the original decoder inputs, so steps line up with the original trace)."""

    original: tuple[str, ...]  # the original output tokens (end token dropped)
    ablated: tuple[str, ...]  # the ablated model's own output, decoded with the same settings
    finished: bool  # the ablated output ended with the end token within the cap
    steps: tuple[str, ...]  # "input → original next token" labels of the original's steps
    p_before: np.ndarray  # (T,) p(original next token) without ablation
    p_after: np.ndarray  # (T,) the same probability with the ablation
    top_after: tuple[str, ...]  # (T,) the ablated model's most probable next token at each step
    p_top_after: np.ndarray  # (T,) its probability
    changed_original: frozenset[int] = field(default_factory=frozenset)  # token positions that differ (difflib)
    changed_ablated: frozenset[int] = field(default_factory=frozenset)


def changed_positions(a: Sequence[str], b: Sequence[str]) -> tuple[frozenset[int], frozenset[int]]:
    """Positions of a and of b outside their longest matching blocks (difflib): an inserted word marks only itself,
    not everything after it."""
    sm = difflib.SequenceMatcher(a=list(a), b=list(b), autojunk=False)
    ca: set[int] = set()
    cb: set[int] = set()
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op != "equal":
            ca.update(range(i1, i2))
            cb.update(range(j1, j2))
    return frozenset(ca), frozenset(cb)


def _log_softmax_np(logits: torch.Tensor) -> np.ndarray:
    return torch.log_softmax(logits.double(), dim=-1).cpu().numpy()


@torch.inference_mode()
def run_ablation(model: Transformer, trace: Trace, vocab: Sequence[str], aset: AblationSet,
                 bos_id: int, eos_id: int, pad_id: int = 0) -> AblationResult:
    """Re-decode the trace's sentence with `aset` switched off (same decoding settings and seed), and compare."""
    device = next(model.parameters()).device
    src = torch.tensor(trace["src.ids"][None], device=device) if "src.ids" in trace else None
    tgt = torch.tensor(trace["tgt.ids"][None], device=device)
    nxt = np.asarray(trace["next.ids"])
    settings = DecodeSettings(**trace.meta.get("settings", {}))
    ablate = aset.for_model(model.cfg.n_heads, device)
    _, chosen, _ = generate(model, src, bos_id, eos_id, settings, pad_id=pad_id, record=False, ablate=ablate)
    before = np.exp(_log_softmax_np(model(src, tgt, pad_id=pad_id)[0]))
    after = np.exp(_log_softmax_np(model(src, tgt, pad_id=pad_id, ablate=ablate)[0]))
    t = np.arange(len(nxt))
    top = after.argmax(-1)
    eos = vocab[eos_id]
    original = tuple(vocab[i] for i in nxt if i != eos_id)
    ablated = tuple(vocab[i] for i in chosen if i != eos_id)
    ca, cb = changed_positions(original, ablated)
    return AblationResult(
        original=original, ablated=ablated, finished=bool(chosen) and chosen[-1] == eos_id,
        steps=tuple(f"{vocab[int(i)]} → {vocab[int(o)]}" for i, o in zip(trace["tgt.ids"], nxt)),
        p_before=before[t, nxt].astype(np.float32), p_after=after[t, nxt].astype(np.float32),
        top_after=tuple(vocab[int(i)] if int(i) != eos_id else eos for i in top),
        p_top_after=after[t, top].astype(np.float32), changed_original=ca, changed_ablated=cb)


# ------------------------------------------------------------------------------------------------ the sweep


@dataclass(frozen=True)
class Sweep:
    """Drop in the teacher-forced log-probability (nats, summed over the target's tokens) when each head alone is
    removed: drops[kind] is (layers, heads); positive = the head helped produce the target."""

    drops: dict[str, np.ndarray]
    base_logprob: float  # log p(target | source) with nothing removed
    target: tuple[str, ...]  # the scored tokens (end token included)
    scored: str  # "reference" or "output": which sequence was scored


def sweep_target(trace: Trace, eos: str = "</s>") -> tuple[tuple[str, ...], str]:
    """What the sweep scores: the grammar's reference translation when it knows the sentence, else the model's own
    output (its tokens before unknown-word copying). The end token is appended."""
    ref = trace.meta.get("reference")
    if ref and ref.get("tokens"):
        return (*ref["tokens"], eos), "reference"
    return (*trace.meta.get("model_tokens", [t for t in trace.next_tokens if t != eos]), eos), "output"


def head_list(layers: Mapping[str, int], n_heads: int, kinds: Iterable[str] = ATTENTION_KINDS) -> list[Head]:
    """Every head of the given kinds, in (kind, layer, head) order: the sweep's rows 1..N."""
    return [(k, layer, h) for k in kinds for layer in range(layers.get(ATTENTION_KINDS[k][0], 0))
            for h in range(n_heads)]


@torch.inference_mode()
def sequence_logprobs(model: Transformer, src_ids: Sequence[int] | None, target_ids: Sequence[int], bos_id: int,
                      heads: Sequence[Head], pad_id: int = 0, chunk: int = 64) -> np.ndarray:
    """log p(target | source) with nothing removed (element 0) and with each of `heads` removed alone (element
    1 + i), teacher-forced, in batches of up to `chunk` rows (one forward pass per batch). float64, (1 + len(heads),)"""
    device = next(model.parameters()).device
    n_heads = model.cfg.n_heads
    tgt_in = torch.tensor([[bos_id, *target_ids[:-1]]], device=device)
    gold = torch.tensor(list(target_ids), device=device)
    src = torch.tensor([list(src_ids)], device=device) if src_ids is not None else None
    rows: list[Head | None] = [None, *heads]
    out = np.empty(len(rows))
    for start in range(0, len(rows), chunk):
        part = rows[start: start + chunk]
        b = len(part)
        masks: dict[str, torch.Tensor] = {}
        for r, head in enumerate(part):
            if head is not None:
                kind, layer, h = head
                masks.setdefault(module_name(kind, layer), torch.ones(b, n_heads, device=device))[r, h] = 0.0
        logits = model(src.expand(b, -1) if src is not None else None, tgt_in.expand(b, -1), pad_id=pad_id,
                       ablate=Ablation(masks))
        logp = torch.log_softmax(logits.double(), dim=-1)  # (b, T, V)
        out[start: start + b] = logp[:, torch.arange(len(gold)), gold].sum(-1).cpu().numpy()
    return out


def head_sweep(model: Transformer, trace: Trace, stoi: Mapping[str, int], bos_id: int, unk_id: int,
               pad_id: int = 0, chunk: int = 64) -> Sweep:
    """The effect of removing each head alone on the trace's sentence (see Sweep)."""
    cfg = model.cfg
    layers = {"encoder": cfg.n_encoder_layers, "decoder": cfg.n_decoder_layers}
    kinds = [k for k in ATTENTION_KINDS if layers[ATTENTION_KINDS[k][0]] and (k != "cross" or model.has_encoder)]
    heads = head_list(layers, cfg.n_heads, kinds)
    target, scored = sweep_target(trace)
    ids = [stoi.get(t, unk_id) for t in target]
    src = [int(i) for i in trace["src.ids"]] if "src.ids" in trace else None
    lp = sequence_logprobs(model, src, ids, bos_id, heads, pad_id=pad_id, chunk=chunk)
    drops = {k: np.zeros((layers[ATTENTION_KINDS[k][0]], cfg.n_heads), dtype=np.float32) for k in kinds}
    for (kind, layer, h), value in zip(heads, lp[1:]):
        drops[kind][layer, h] = lp[0] - value
    return Sweep(drops, float(lp[0]), target, scored)


__all__ = ["AblationResult", "AblationSet", "CODES", "PARTS", "Sweep", "changed_positions", "head_list",
           "head_sweep", "module_name", "run_ablation", "sequence_logprobs", "sweep_target"]
