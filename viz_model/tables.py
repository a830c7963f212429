"""Table builders: pure functions of a Trace that return pandas DataFrames with column names in the `locale` language.

They share validation and computations with the figures (viz_model.analysis), so a table and the figure beside it
always agree. Cells hold plain text: a table is not HTML, so tokens such as <s> are never escaped here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .analysis import (
    check_kind,
    check_layer,
    check_stack,
    head_summary,
    lens_probs,
    next_token_distribution,
    side_tokens,
    stack_tokens,
    step_pairs,
)
from .flow import gold_links, gold_status, model_alignment, qk_breakdown, word_span  # issue 8
from .head_metrics import METRICS, HeadMetrics, head_metrics  # issue 8.7
from .i18n import label
from .trace import ATTENTION_KINDS, Trace


def token_table(trace: Trace, side: str = "src", locale: str = "en") -> pd.DataFrame:
    """One row per token of the source (side "src") or decoder input (side "tgt"): position, token, id."""
    tokens = side_tokens(trace, side)
    ids_name = f"{side}.ids"
    ids = np.asarray(trace[ids_name], dtype=np.int64) if ids_name in trace else np.full(len(tokens), -1, np.int64)
    return pd.DataFrame({
        label("col_position", locale): np.arange(len(tokens), dtype=np.int64),
        label("col_token", locale): list(tokens),
        label("col_id", locale): ids,
    })


def head_summary_table(trace: Trace, kind: str, locale: str = "en") -> pd.DataFrame:
    """One row per (layer, head): entropy (bits), max weight, mean distance to the diagonal."""
    check_kind(trace, kind)
    check_stack(trace, ATTENTION_KINDS[kind][0])
    summary = head_summary(trace.attention_stack(kind))
    n_l, n_h = summary["entropy"].shape
    layers, heads = np.meshgrid(np.arange(n_l), np.arange(n_h), indexing="ij")
    return pd.DataFrame({
        label("col_layer", locale): layers.ravel(),
        label("col_head", locale): heads.ravel(),
        label("col_entropy", locale): summary["entropy"].ravel().astype(np.float64),
        label("col_max_weight", locale): summary["max_weight"].ravel().astype(np.float64),
        label("col_mean_distance", locale): summary["mean_distance"].ravel().astype(np.float64),
    })


def top_units_table(trace: Trace, stack: str, layer: int, k: int = 5, locale: str = "en") -> pd.DataFrame:
    """Per token: its k most active FFN units (after ReLU) and their activations, most active first."""
    check_layer(trace, stack, layer)
    hidden = np.asarray(trace[f"{stack}.{layer}.ffn.hidden"], dtype=np.float32)
    k = max(1, min(k, hidden.shape[1]))
    order = np.argsort(-hidden, axis=1, kind="stable")[:, :k]  # (N, k)
    acts = np.take_along_axis(hidden, order, axis=1)
    tokens = stack_tokens(trace, stack)
    data: dict[str, object] = {
        label("col_position", locale): np.arange(len(tokens), dtype=np.int64),
        label("col_token", locale): list(tokens),
    }
    for r in range(k):
        data[label("unit_n", locale, n=r + 1)] = order[:, r].astype(np.int64)
        data[label("activation_n", locale, n=r + 1)] = acts[:, r].astype(np.float64)
    return pd.DataFrame(data)


def next_token_table(trace: Trace, vocab: Sequence[str], step: int, temperature: float = 1.0, k: int = 10,
                     locale: str = "en") -> pd.DataFrame:
    """The k most probable next tokens at one step: rank, token, probability (at `temperature`), logit."""
    probs = next_token_distribution(trace, step, temperature)
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    ids = np.argsort(-probs, kind="stable")[:k]
    logits = np.asarray(trace["logits"][step], dtype=np.float64)
    return pd.DataFrame({
        label("col_rank", locale): np.arange(1, len(ids) + 1, dtype=np.int64),
        label("col_token", locale): [vocab[int(i)] for i in ids],
        label("col_probability", locale): probs[ids].astype(np.float64),
        label("col_logit", locale): logits[ids],
    })


def top_k_ids(probs: np.ndarray, k: int) -> np.ndarray:
    """(..., k) ids of the k largest entries along the last axis, largest first, ties by the smaller id: the same as
    a stable argsort of -probs cut at k, without sorting the whole vocabulary (the lens table of a 16-token
    sentence: 27 ms -> 4 ms)."""
    k = min(k, probs.shape[-1])
    kth = -np.partition(-probs, k - 1, axis=-1)[..., k - 1 : k]  # the k-th largest value
    out = np.empty(probs.shape[:-1] + (k,), dtype=np.int64)
    for idx in np.ndindex(probs.shape[:-1]):
        row = probs[idx]
        cand = np.flatnonzero(row >= kth[idx])  # ascending ids: every entry that can be in the top k
        out[idx] = cand[np.argsort(-row[cand], kind="stable")[:k]]
    return out


def logit_lens_table(trace: Trace, vocab: Sequence[str], k: int = 1, locale: str = "en") -> pd.DataFrame:
    """Rows decoder layers, columns decoding steps ("t: input → chosen"), cells "token (p)" for the k best tokens."""
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    probs = lens_probs(trace)  # (L, T, V)
    n_l, n_t = probs.shape[:2]
    order = top_k_ids(probs, k)
    columns = [label("col_step", locale, t=t, inp=inp, out=out) for t, (inp, out) in enumerate(step_pairs(trace, n_t))]
    cells = [[", ".join(f"{vocab[int(i)]} ({probs[lay, t, i]:.2f})" for i in order[lay, t]) for t in range(n_t)]
             for lay in range(n_l)]
    index = pd.Index([label("layer_n", locale, n=lay) for lay in range(n_l)], name=label("col_layer", locale))
    return pd.DataFrame(cells, index=index, columns=columns)


# -------------------------------------------------------------------------------------------- issue 8: alignment, q · k


def alignment_table(trace: Trace, layer: int, head: int | None, locale: str = "en") -> pd.DataFrame:
    """One row per output word: the word, the source word the model aligns it with (viz_model.flow), and where the
    gold links apply, the gold source words and whether the model agrees with one of them."""
    picked = model_alignment(trace, layer, head)
    src = trace.source_tokens
    df = pd.DataFrame({
        label("col_position", locale): np.arange(len(picked), dtype=np.int64),
        label("align_row_word", locale): [trace.next_tokens[r] for r in range(len(picked))],
        label("align_model", locale): [src[s] for s in picked],
    })
    if gold_status(trace) == "ok":
        first, _ = word_span(trace)
        gold = gold_links(trace)
        df[label("align_gold", locale)] = [" ".join(src[first + s] for s in sorted(g)) for g in gold]
        df[label("align_hit", locale)] = [bool(g) and int(p) - first in g for p, g in zip(picked, gold)]
    return df


def qk_table(trace: Trace, kind: str, layer: int, head: int, query: int, locale: str = "en") -> pd.DataFrame:
    """One row per key of one query (viz_model.flow.qk_breakdown): q · k, scaled, the trace's score, masked,
    the recomputed softmax and the trace's weight."""
    b = qk_breakdown(trace, kind, layer, head, query)
    keys = trace.attention_tokens(kind)[1]
    return pd.DataFrame({
        label("col_position", locale): np.arange(len(keys), dtype=np.int64),
        label("key", locale): list(keys),
        "q · k": b.dot,
        label("qk_col_scaled", locale): b.dot * b.scale,
        label("qk_col_score", locale): b.trace_scores,
        label("masked", locale): b.masked,
        label("qk_col_softmax", locale): b.softmax,
        label("qk_col_weight", locale): b.trace_weights,
    })


# -------------------------------------------------------------------------------------------- issue 8.7: head metrics


def head_metrics_table(trace: Trace, locale: str = "en", metrics: HeadMetrics | None = None) -> pd.DataFrame:
    """One row per head of every attention kind (viz_model.head_metrics): kind, layer, head and every metric;
    a metric that does not apply is NaN (a blank cell)."""
    m = head_metrics(trace) if metrics is None else metrics
    data: dict[str, object] = {
        label("col_kind", locale): [label(k, locale) for k in m.kind],
        label("col_layer", locale): m.layer,
        label("col_head", locale): m.head,
    }
    for name in METRICS:
        data[label(f"hm_{name}", locale)] = m.values[name]
    return pd.DataFrame(data)
