"""Alignment & flow and query · key figures: the model's word alignment over cross-attention with the gold links,
this sentence's AER per layer and head, attention flow beside raw attention, and one query's q · k arithmetic.

Numbers come from viz_model.flow (which validates every choice); these builders only draw."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..analysis import check_choice, check_kind, check_layer
from ..flow import (
    best_head,
    cross_matrix,
    encoder_rollout,
    gold_points,
    gold_status,
    model_alignment,
    output_flow,
    predicting_rows,
    qk_breakdown,
    sentence_aer,
)
from ..i18n import label
from ..trace import Trace
from .style import (
    DIVERGING,
    GRID,
    HIGHLIGHT,
    MASK_COLOR,
    MUTED,
    PRIMARY,
    SEQUENTIAL,
    esc,
    esc_all,
    finish,
    height_for,
    token_axis,
)

FLOW_STAGES = ("encoder", "output")
FLOW_WHATS = ("flow", "raw")
QK_STEPS = ("vectors", "products", "softmax", "values")
AER_SCALE = [[s, c] for s, (_, c) in zip((0.0, 0.25, 0.5, 0.75, 1.0), SEQUENTIAL[::-1])]  # low AER (good) bright


def _row_labels(trace: Trace, n: int) -> list[str]:
    """Decoder rows named by the word each predicts (row r predicts target position r+1)."""
    return [f"{r}: {esc(trace.next_tokens[r])}" for r in range(n)]


def _head_text(head: int | None, locale: str) -> str:
    return label("mean_over_heads", locale) if head is None else label("head_n", locale, n=head)


def alignment_figure(trace: Trace, layer: int, head: int | None, locale: str = "en") -> go.Figure:
    """Cross-attention of the rows that predict output words (one head or the mean), with the model's alignment
    (each row's most-attended source word: open squares) and, when they apply, the grammar's gold links (dots)."""
    cross = cross_matrix(trace, layer, head)  # validates layer and head
    n = predicting_rows(trace)
    z = np.ascontiguousarray(cross[:n], dtype=np.float32)
    rows = _row_labels(trace, n)
    src = esc_all(trace.source_tokens)
    w = label("weight", locale)
    fig = go.Figure(go.Heatmap(
        z=z, colorscale=SEQUENTIAL, zmin=0.0, zmax=max(float(z.max()) if z.size else 1.0, 1e-6),
        colorbar=dict(title=dict(text=w), thickness=12),
        hovertemplate=f"{label('align_row_word', locale)}: %{{y}}<br>{label('source', locale)}: %{{x}}<br>{w}: "
                      "%{z:.4f}<extra></extra>",
    ))
    picked = model_alignment(trace, layer, head)
    fig.add_trace(go.Scatter(
        x=picked.astype(np.int32), y=np.arange(len(picked), dtype=np.int32), mode="markers",
        name=label("align_model", locale), hoverinfo="skip",
        marker=dict(symbol="square-open", size=20, color=HIGHLIGHT, line=dict(width=3, color=HIGHLIGHT)),
    ))
    if gold_status(trace) == "ok":
        cells = gold_points(trace)
        fig.add_trace(go.Scatter(
            x=np.array([s for _, s in cells], dtype=np.int32), y=np.array([r for r, _ in cells], dtype=np.int32),
            mode="markers", name=label("align_gold", locale), hoverinfo="skip",
            marker=dict(symbol="circle", size=9, color="white", line=dict(width=2, color="black")),
        ))
    title = label("title_align", locale, layer=layer, head=_head_text(head, locale))
    return finish(
        fig, title, height_for(n, extra=170), plot_bgcolor=MASK_COLOR,
        legend=dict(orientation="h", y=-0.25, x=0),
        xaxis=token_axis(src, label("source", locale), tickangle=-45, range=[-0.5, len(src) - 0.5]),
        yaxis=token_axis(rows, label("align_row_word", locale), autorange="reversed"),
    )


def aer_heatmap(trace: Trace, locale: str = "en") -> go.Figure:
    """This sentence's AER per decoder layer (rows) and head (columns; the last column is the mean of heads), values
    in the cells, the best single head outlined. Raises ValueError when the gold links do not apply."""
    per_head, mean = sentence_aer(trace)
    n_l, n_h = per_head.shape
    z = np.ascontiguousarray(np.concatenate([per_head, mean[:, None]], axis=1), dtype=np.float32)
    b_layer, b_head = best_head(per_head)
    fig = go.Figure(go.Heatmap(
        z=z, zmin=0.0, zmax=1.0, colorscale=AER_SCALE,
        texttemplate="%{z:.0%}", colorbar=dict(title=dict(text="AER"), thickness=12, tickformat=".0%"),
        hovertemplate=f"{label('layer', locale)} %{{y}} · %{{x}}<br>AER: %{{z:.1%}}<extra></extra>",
    ))
    x0, y0 = b_head - 0.5, b_layer - 0.5
    fig.add_trace(go.Scatter(
        x=[x0, x0 + 1, x0 + 1, x0, x0], y=[y0, y0, y0 + 1, y0 + 1, y0], mode="lines", hoverinfo="skip",
        name=label("align_best", locale, layer=b_layer, head=b_head), line=dict(color=HIGHLIGHT, width=4),
    ))
    ticks = [label("head_n", locale, n=h) for h in range(n_h)] + [label("mean_over_heads", locale)]
    return finish(
        fig, label("title_align_aer", locale), max(280, 150 + 55 * n_l), showlegend=True,
        legend=dict(orientation="h", y=-0.3, x=0),
        xaxis=dict(title=dict(text=label("head", locale)), tickmode="array", tickvals=list(range(n_h + 1)),
                   ticktext=ticks, range=[-0.5, n_h + 0.5]),
        yaxis=dict(title=dict(text=label("align_decoder_layer", locale)), tickmode="array", tickvals=list(range(n_l)),
                   ticktext=[str(x) for x in range(n_l)], autorange="reversed"),
        meta=dict(best=[b_layer, b_head]),
    )


def flow_heatmap(trace: Trace, stage: str, what: str = "flow", locale: str = "en") -> go.Figure:
    """Attention flow (what="flow") or raw last-layer attention, mean of heads (what="raw"), on the same axes.

    stage "encoder": source × source, the encoder rollout. stage "output": rows predicting output words × source
    tokens, the output-to-source flow (viz_model.flow.output_flow), with one more column for the share left on the
    decoder's own input tokens (always 0 for raw cross-attention, whose rows sum to 1 over the source)."""
    check_choice("stage", stage, FLOW_STAGES)
    check_choice("what", what, FLOW_WHATS)
    src = esc_all(trace.source_tokens)
    if stage == "encoder":
        last = trace.n_layers("encoder") - 1
        check_layer(trace, "encoder", max(last, 0))
        z = encoder_rollout(trace) if what == "flow" else trace.attention("encoder_self", last).mean(0)
        rows, cols = src, src
        y_title = label("source", locale)
    else:
        check_kind(trace, "cross")
        n = predicting_rows(trace)
        if what == "flow":
            to_src, to_tgt = output_flow(trace)
        else:
            to_src = trace.attention("cross", trace.n_layers("decoder") - 1).mean(0)
            to_tgt = np.zeros(to_src.shape[0], dtype=np.float32)
        z = np.concatenate([to_src[:n], to_tgt[:n, None]], axis=1)
        rows, cols = _row_labels(trace, n), src + [label("flow_target_so_far", locale)]
        y_title = label("align_row_word", locale)
    z = np.ascontiguousarray(z, dtype=np.float32)
    w = label("flow_share", locale)
    fig = go.Figure(go.Heatmap(
        z=z, colorscale=SEQUENTIAL, zmin=0.0, zmax=max(float(z.max()) if z.size else 1.0, 1e-6),
        colorbar=dict(title=dict(text=w), thickness=12),
        hovertemplate=f"%{{y}} ← %{{x}}<br>{w}: %{{z:.4f}}<extra></extra>",
    ))
    title = label(f"title_{what}_{stage}", locale)
    return finish(
        fig, title, height_for(len(rows), extra=150),
        xaxis=token_axis(cols, label("source", locale), tickangle=-45),
        yaxis=token_axis(rows, y_title, autorange="reversed"),
    )


def qk_figure(trace: Trace, kind: str, layer: int, head: int, query: int, step: str,
              locale: str = "en") -> go.Figure:
    """One step of one query's attention, with the trace's own numbers (viz_model.flow.qk_breakdown):

    "vectors": the query q (top row) and each key's k (rows) over the head's dimensions;
    "products": q ∘ k, one row per key; the row sums (q · k) are in the row labels;
    "softmax": bars = the recomputed softmax of q · k / √dk with the mask, diamonds = the trace's weights;
    "values": each key's value times its weight, and their sum (bottom row) = the head's output for this query.
    """
    check_choice("step", step, QK_STEPS)
    b = qk_breakdown(trace, kind, layer, head, query)
    q_tokens, k_tokens = trace.attention_tokens(kind)
    keys = [f"{j}: {esc(t)}" for j, t in enumerate(k_tokens)]
    dim = label("dimension", locale)
    head_txt = label("head_n", locale, n=head)
    where = label("qk_where", locale, kind=label(kind, locale), layer=layer, head=head_txt, q=query,
                  token=esc(q_tokens[query]))
    if step == "softmax":
        x = np.arange(len(keys), dtype=np.int32)
        scores = [label("masked", locale) if m else f"{s:.3f}" for s, m in zip(b.scores, b.masked)]
        fig = go.Figure(go.Bar(
            x=x, y=b.softmax.astype(np.float32), name=label("qk_recomputed", locale), marker_color=PRIMARY,
            customdata=scores, texttemplate="%{y:.3f}", textposition="outside", cliponaxis=False,
            hovertemplate=f"%{{x}}<br>{label('score', locale)}: %{{customdata}}<br>{label('weight', locale)}: "
                          "%{y:.6f}<extra></extra>",
        ))
        fig.add_trace(go.Scatter(
            x=x, y=b.trace_weights.astype(np.float32), mode="markers", name=label("qk_from_trace", locale),
            marker=dict(symbol="diamond", size=10, color=HIGHLIGHT, line=dict(width=1, color="white")),
            hovertemplate=f"{label('qk_from_trace', locale)}: %{{y:.6f}}<extra></extra>",
        ))
        return finish(
            fig, label("title_qk_softmax", locale, where=where), 360, legend=dict(orientation="h", y=-0.35, x=0),
            xaxis=dict(title=dict(text=label("key", locale)), tickmode="array", tickvals=x.tolist(), ticktext=keys,
                       tickangle=-45),
            yaxis=dict(title=dict(text=label("weight", locale)), range=[0, 1.15], showgrid=True, gridcolor=GRID),
        )
    if step == "vectors":
        z = np.concatenate([b.q[None], b.k]).astype(np.float32)
        rows = [f"q · {esc(q_tokens[query])}"] + [f"k {k}" for k in keys]
        title = label("title_qk_vectors", locale, where=where)
    elif step == "products":
        z = b.products.astype(np.float32)
        rows = [label("qk_sum_row", locale, name=k, dot=f"{d:.3f}") for k, d in zip(keys, b.dot)]
        title = label("title_qk_products", locale, where=where)
    else:
        z = np.concatenate([b.weighted, b.out[None]]).astype(np.float32)
        rows = [f"{w:.3f} × v {k}" for k, w in zip(keys, b.softmax)] + [label("qk_head_output", locale)]
        title = label("title_qk_values", locale, where=where)
    z = np.ascontiguousarray(z)
    top = float(np.abs(z).max()) if z.size else 1.0
    fig = go.Figure(go.Heatmap(
        z=z, colorscale=DIVERGING, zmid=0.0, zmin=-top, zmax=top, colorbar=dict(thickness=12),
        hovertemplate=f"%{{y}}<br>{dim} %{{x}}: %{{z:.5f}}<extra></extra>",
    ))
    shapes = []
    if step in ("vectors", "values"):  # a line between q and the keys, or between the terms and their sum
        at = 0.5 if step == "vectors" else len(keys) - 0.5
        shapes = [dict(type="line", xref="paper", x0=0, x1=1, y0=at, y1=at, line=dict(color=MUTED, width=3))]
    extra = dict(shapes=shapes) if shapes else {}  # an empty list is dropped by Plotly's validation
    return finish(
        fig, title, height_for(len(rows), extra=150), **extra,
        xaxis=dict(title=dict(text=dim)),
        yaxis=token_axis(rows, "", autorange="reversed"),
    )
