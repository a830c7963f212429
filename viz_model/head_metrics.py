"""Head metrics (issue 8 item 7): a few numbers per head of every attention kind, for the typed sentence.

Plain arrays in, plain arrays out; no plotting, no pandas, no streamlit. For one head's (Q, K) weights, with the keys
a query may see (decoder self-attention: itself and earlier positions):

- entropy: -Σ w log2 w per query row, averaged over rows (bits). 0 = each row looks at one key.
- normalised entropy: each row's entropy divided by log2(number of keys it may see), averaged over rows that may see
  two or more keys. 1 = spread evenly over every visible key.
- diagonal distance: Σ_k w[q, k] |q - k| per row, averaged. Self-attention: distance from the query's own position;
  cross-attention: from the proportional diagonal q (K - 1) / (Q - 1) (the same as analysis.head_summary).
- previous-token score (self-attention only): mean of w[q, q - 1] over rows q ≥ 1.
- first-token score: mean of w[q, 0], the first key (language tag on the source side, <s> on the target side).
- last-token score (encoder self and cross only, when the source ends in a special token such as </s>): mean of
  w[q, K - 1].
- alignment (cross only): 1 - AER of the head on this sentence against the grammar's gold links (viz_model.flow),
  when the output is the reference translation the links belong to; NaN otherwise.

Rows that may see only one key (the decoder's first position) have no choice: they are left out of the normalised
entropy and of the first- and last-token scores. A metric that does not apply is NaN.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .analysis import attention_mask
from .flow import _SPECIAL, gold_status, sentence_aer
from .trace import ATTENTION_KINDS, Trace

METRICS = ("entropy", "entropy_norm", "diagonal_distance", "previous_token", "first_token", "last_token",
           "alignment")
SELF_KINDS = ("encoder_self", "decoder_self")


def _row_mean(values: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Mean over the query axis (-1) of values (..., Q) where rows (Q,) or (..., Q) is True; NaN where none is."""
    rows = np.broadcast_to(rows, values.shape)
    n = rows.sum(-1)
    total = np.where(rows, values, 0.0).sum(-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, total / np.maximum(n, 1), np.nan)


def attention_metrics(weights: np.ndarray, masked: np.ndarray | None = None, self_attention: bool = True,
                      last_is_separator: bool = False) -> dict[str, np.ndarray]:
    """Metrics of every head in weights (..., Q, K) (rows sum to 1 over visible keys): each (...,) float64.

    masked (broadcastable to weights) is True where a key is hidden from a query; None = every key visible.
    "alignment" is not computed here (it needs gold links: head_metrics)."""
    w = np.asarray(weights, dtype=np.float64)
    n_q, n_k = w.shape[-2:]
    visible = np.ones(w.shape, dtype=bool) if masked is None else ~np.broadcast_to(masked, w.shape)
    w = np.where(visible, w, 0.0)
    n_vis = visible.sum(-1)  # (..., Q)
    plogp = np.where(w > 0, w * np.log2(np.where(w > 0, w, 1.0)), 0.0)
    row_h = -plogp.sum(-1)  # (..., Q) bits
    choice = n_vis >= 2
    with np.errstate(invalid="ignore", divide="ignore"):
        row_norm = row_h / np.log2(np.maximum(n_vis, 2))
    q = np.arange(n_q, dtype=np.float64)[:, None]
    centre = q if self_attention else q * (n_k - 1) / max(n_q - 1, 1)
    dist = np.abs(np.arange(n_k, dtype=np.float64)[None, :] - centre)  # (Q, K)
    nan = np.full(w.shape[:-2], np.nan)
    out = {
        "entropy": row_h.mean(-1),
        "entropy_norm": _row_mean(row_norm, choice),
        "diagonal_distance": (w * dist).sum(-1).mean(-1),
        "first_token": _row_mean(w[..., 0], choice),
        "last_token": _row_mean(w[..., n_k - 1], choice) if last_is_separator else nan.copy(),
        "alignment": nan.copy(),
    }
    if self_attention and n_q > 1 and n_k > 1:
        prev = np.zeros(w.shape[:-1])
        idx = np.arange(1, min(n_q, n_k + 1))
        prev[..., idx] = w[..., idx, idx - 1]
        out["previous_token"] = _row_mean(prev, np.arange(n_q) >= 1)
    else:
        out["previous_token"] = nan.copy()
    return {m: out[m] for m in METRICS}


@dataclass(frozen=True)
class HeadMetrics:
    """One entry per head of every attention kind of a trace, in kind, layer, head order: flat (N,) arrays."""

    kind: tuple[str, ...]
    layer: np.ndarray  # (N,) int64
    head: np.ndarray  # (N,) int64
    values: dict[str, np.ndarray]  # metric name (METRICS) -> (N,) float64, NaN where it does not apply
    alignment_status: str  # flow.gold_status: "ok" (alignment computed), "outside", "differs"; "none" without cross

    def __len__(self) -> int:
        return len(self.kind)


def head_metrics(trace: Trace) -> HeadMetrics:
    """Every metric (METRICS) for every head of every attention kind in the trace."""
    kinds, layers, heads = [], [], []
    values: dict[str, list[np.ndarray]] = {m: [] for m in METRICS}
    src = trace.source_tokens
    separator = bool(src) and bool(_SPECIAL.match(src[-1]))
    status = "none"
    for kind in ATTENTION_KINDS:
        if kind not in trace.attention_kinds():
            continue
        w = trace.attention_stack(kind)  # (L, H, Q, K)
        n_l, n_h = w.shape[:2]
        masked = np.stack([attention_mask(trace, kind, layer) for layer in range(n_l)])
        m = attention_metrics(w, masked, self_attention=kind in SELF_KINDS,
                              last_is_separator=separator and kind != "decoder_self")
        if kind == "cross":
            status = gold_status(trace)
            if status == "ok":
                m["alignment"] = 1.0 - sentence_aer(trace)[0].astype(np.float64)
        lay, hd = np.meshgrid(np.arange(n_l), np.arange(n_h), indexing="ij")
        kinds += [kind] * (n_l * n_h)
        layers.append(lay.ravel())
        heads.append(hd.ravel())
        for name in METRICS:
            values[name].append(np.asarray(m[name], dtype=np.float64).ravel())

    def cat(parts: list[np.ndarray], dtype: type) -> np.ndarray:
        return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype=dtype)

    return HeadMetrics(tuple(kinds), cat(layers, np.int64), cat(heads, np.int64),
                       {name: cat(v, np.float64) for name, v in values.items()}, status)
