"""Beyond one attention matrix: word alignment against the grammar's gold links, attention flow through the whole
model, and one query's q · k arithmetic step by step. Trace -> plain arrays; no plotting, no streamlit.

Conventions (checked against viz_model.engine.check_against_grammar): source_tokens are the language tag, the words,
then </s>; target_tokens start with <s>; trace.meta["reference"]["alignment"] holds gold pairs [s, k] meaning
source_tokens[s] is linked to target position k (reference token k-1). Decoder row r *predicts* target position r+1,
so a gold pair [s, k] sits in row k-1, column s of a cross-attention matrix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .analysis import AERCounter, check_index, check_kind, check_layer, predicted_alignment, rollout
from .trace import ATTENTION_KINDS, Trace, attention_name

RESIDUAL = 0.5  # weight of the residual (identity) path in rollout, as in Abnar & Zuidema (2020)
_SPECIAL = re.compile(r"^(<[^<>]+>|\[[A-Z]+\])$")  # <2es>, </s>, <s>, [CLS], [SEP]


# -------------------------------------------------------------------------------------------- alignment


def word_span(trace: Trace) -> tuple[int, int]:
    """(first, n_words): source positions first .. first+n_words-1 are words; special tokens at either end
    (language tag, </s>) are left out, as in viz_model.evaluate."""
    src = trace.source_tokens
    first, last = 0, len(src)
    while first < last and _SPECIAL.match(src[first]):
        first += 1
    while last > first and _SPECIAL.match(src[last - 1]):
        last -= 1
    return first, last - first


def predicting_rows(trace: Trace) -> int:
    """How many decoder rows predict an output word: every row but the one that chose </s> (when decoding ended)."""
    n = len(trace.next_tokens)
    return n - 1 if n and trace.meta.get("finished", True) else n


def cross_matrix(trace: Trace, layer: int, head: int | None) -> np.ndarray:
    """(T, S) cross-attention of one decoder layer: one head, or the mean over heads (head None)."""
    check_kind(trace, "cross")
    check_layer(trace, "decoder", layer)
    w = trace.attention("cross", layer)
    if head is None:
        return w.mean(0)
    check_index("head", head, w.shape[0])
    return w[head]


def model_alignment(trace: Trace, layer: int, head: int | None) -> np.ndarray:
    """(predicting rows,) the source position each predicting row attends to most, among the source words
    (analysis.predicted_alignment, the function the held-out evaluation uses), in source_tokens indices."""
    first, n_words = word_span(trace)
    if n_words == 0:
        return np.zeros(0, dtype=np.int64)
    cross = cross_matrix(trace, layer, head)
    return predicted_alignment(cross, predicting_rows(trace), first, n_words).astype(np.int64) + first


def gold_status(trace: Trace) -> str:
    """"ok": gold links apply to this output; "outside": the grammar does not parse the sentence (no gold links);
    "differs": in the grammar, but the output is not the reference translation the gold links belong to."""
    if not trace.meta.get("in_grammar") or not trace.meta.get("reference"):
        return "outside"
    return "ok" if trace.meta.get("matches_reference") else "differs"


def gold_links(trace: Trace) -> list[frozenset[int]]:
    """For each reference token, the set of source word indices (0 = first word) the grammar links it to."""
    ref = trace.meta["reference"]
    first, _ = word_span(trace)
    gold: list[set[int]] = [set() for _ in ref["tokens"]]
    for s, k in ref["alignment"]:
        gold[k - 1].add(s - first)
    return [frozenset(g) for g in gold]


def gold_points(trace: Trace) -> list[tuple[int, int]]:
    """Gold links as (decoder row, source position) cells of a cross-attention matrix."""
    return [(k - 1, s) for s, k in trace.meta["reference"]["alignment"]]


def sentence_aer(trace: Trace) -> tuple[np.ndarray, np.ndarray]:
    """This sentence's AER (viz_model.analysis.AERCounter, the held-out evaluation's definition) for every decoder
    layer and head, and for each layer's head mean: ((L, H), (L,)). Needs gold_status(trace) == "ok"."""
    if gold_status(trace) != "ok":
        raise ValueError(f"no gold alignment for this output ({gold_status(trace)})")
    gold = gold_links(trace)
    first, n_words = word_span(trace)
    w = trace.attention_stack("cross")  # (L, H, T, S)
    per_head = np.zeros(w.shape[:2], dtype=np.float32)
    mean = np.zeros(w.shape[0], dtype=np.float32)
    for layer in range(w.shape[0]):
        for head in range(w.shape[1]):
            c = AERCounter()
            c.add(predicted_alignment(w[layer, head], len(gold), first, n_words), gold)
            per_head[layer, head] = c.value
        c = AERCounter()
        c.add(predicted_alignment(w[layer].mean(0), len(gold), first, n_words), gold)
        mean[layer] = c.value
    return per_head, mean


def best_head(per_head: np.ndarray) -> tuple[int, int]:
    """(layer, head) with the lowest AER; the first in layer-then-head order on a tie (as viz_model.evaluate)."""
    flat = int(np.argmin(per_head))
    return flat // per_head.shape[1], flat % per_head.shape[1]


# -------------------------------------------------------------------------------------------- attention flow


def _mixed(weights: np.ndarray, residual: float) -> np.ndarray:
    """Head-averaged self-attention (H, N, N) with the residual identity mixed in; rows sum to 1."""
    a = residual * np.eye(weights.shape[-1]) + (1 - residual) * weights.astype(np.float64).mean(0)
    return a / a.sum(-1, keepdims=True)


def encoder_rollout(trace: Trace, residual: float = RESIDUAL) -> np.ndarray:
    """(S, S) attention rollout through every encoder layer (analysis.rollout, last layer): row i = how much the
    encoder's output at position i draws on each source token, through all paths."""
    check_layer(trace, "encoder", 0)
    return rollout(trace.attention_stack("encoder_self"), residual)[-1]


def output_flow(trace: Trace, residual: float = RESIDUAL) -> tuple[np.ndarray, np.ndarray]:
    """How much each decoder row (the one predicting each output token) draws on each source token, all layers
    composed: ((T, S) share per source token, (T,) share left on the decoder's own input tokens); rows of the two
    together sum to 1.

    Rollout (Abnar & Zuidema, 2020) extended to the decoder: the decoder's state is tracked as a mix of decoder input
    tokens D (T, T) and source tokens X (T, S), starting at D = I, X = 0. Per decoder layer, self-attention with the
    residual mixed in, A = r·I + (1-r)·mean_heads(W_self), gives D <- A D, X <- A X; then cross-attention, whose
    residual keeps the decoder's state and whose attention reads the encoder's output (itself the encoder rollout R
    over source tokens): D <- r·D, X <- r·X + (1-r)·mean_heads(W_cross) R. Feed-forward layers act per position and
    are left out, as in rollout.
    """
    check_kind(trace, "cross")
    r_enc = encoder_rollout(trace, residual).astype(np.float64)
    n_t = trace.attention("decoder_self", 0).shape[-1]
    dec, src = np.eye(n_t), np.zeros((n_t, r_enc.shape[0]))
    for layer in range(trace.n_layers("decoder")):
        a = _mixed(trace.attention("decoder_self", layer), residual)
        dec, src = a @ dec, a @ src
        cross = trace.attention("cross", layer).astype(np.float64).mean(0)
        dec, src = residual * dec, residual * src + (1 - residual) * cross @ r_enc
    return src.astype(np.float32), dec.sum(-1).astype(np.float32)


# -------------------------------------------------------------------------------------------- one query, q · k


@dataclass(frozen=True)
class QKBreakdown:
    """One query of one head, every step of softmax(q·kᵀ/√dk + mask) v in float64, beside what the trace holds."""

    q: np.ndarray  # (dk,)
    k: np.ndarray  # (K, dk)
    products: np.ndarray  # (K, dk) q ∘ k
    dot: np.ndarray  # (K,) products summed per key
    scale: float  # 1/√dk
    masked: np.ndarray  # (K,) bool
    scores: np.ndarray  # (K,) dot × scale, masked -inf: recomputed
    trace_scores: np.ndarray  # (K,) as recorded
    softmax: np.ndarray  # (K,) recomputed
    trace_weights: np.ndarray  # (K,) as recorded
    v: np.ndarray  # (K, dk)
    weighted: np.ndarray  # (K, dk) softmax × v
    out: np.ndarray  # (dk,) weighted summed over keys: recomputed head output
    trace_out: np.ndarray | None  # (dk,) the recorded head output, when the trace has it

    @property
    def weight_error(self) -> float:
        """Largest |recomputed softmax - recorded weight| over the keys."""
        return float(np.abs(self.softmax - self.trace_weights).max())

    @property
    def score_error(self) -> float:
        """Largest |recomputed score - recorded score| over unmasked keys (0 when every key is masked)."""
        keep = ~self.masked
        return float(np.abs(self.scores[keep] - self.trace_scores[keep]).max()) if keep.any() else 0.0


def qk_breakdown(trace: Trace, kind: str, layer: int, head: int, query: int) -> QKBreakdown:
    """Recompute one query's attention from the trace's q, k and v (raises ValueError on a bad choice)."""
    check_kind(trace, kind)
    check_layer(trace, ATTENTION_KINDS[kind][0], layer)
    check_index("head", head, trace.n_heads)
    names = {w: attention_name(kind, layer, w) for w in ("q", "k", "v", "scores", "weights", "head_out")}
    missing = [n for w, n in names.items() if w in ("q", "k", "v", "scores") and n not in trace]
    if missing:
        raise ValueError(f"this trace lacks {missing}")
    q_all = trace[names["q"]]
    check_index("query", query, q_all.shape[1])
    q = q_all[head, query].astype(np.float64)
    k = trace[names["k"]][head].astype(np.float64)
    v = trace[names["v"]][head].astype(np.float64)
    trace_scores = trace[names["scores"]][head, query].astype(np.float64)
    products = q[None, :] * k
    dot = products.sum(-1)
    scale = 1.0 / np.sqrt(q.shape[-1])
    masked = ~np.isfinite(trace_scores)
    if kind == "decoder_self":
        masked |= np.arange(k.shape[0]) > query  # causal: a position never sees the ones after it
    scores = np.where(masked, -np.inf, dot * scale)
    if masked.all():
        soft = np.zeros_like(scores)
    else:
        e = np.where(masked, 0.0, np.exp(scores - scores[~masked].max()))
        soft = e / e.sum()
    weighted = soft[:, None] * v
    out = trace[names["head_out"]][head, query].astype(np.float64) if names["head_out"] in trace else None
    return QKBreakdown(q, k, products, dot, float(scale), masked, scores, trace_scores, soft,
                       trace[names["weights"]][head, query].astype(np.float64), v, weighted, weighted.sum(0), out)
