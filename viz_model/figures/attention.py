"""Attention figures: one matrix (any kind, one head or the mean), every layer × head in one grid, per-head
summaries, one query row, the causal mask, and the linked Altair head map."""

from __future__ import annotations

import json
from functools import lru_cache

import altair as alt
import numpy as np
import plotly.graph_objects as go

from ..analysis import (
    ATTENTION_WHATS,
    attention_mask,
    check_choice,
    check_index,
    check_kind,
    check_layer,
    check_stack,
    head_mean,
    head_summary,
    masked_attention,
)
from ..head_metrics import METRICS, HeadMetrics, head_metrics
from ..i18n import label
from ..trace import ATTENTION_KINDS, Trace
from .style import (
    GRID,
    MASK_COLOR,
    MAX_HEIGHT,
    MIN_HEIGHT,
    MUTED,
    PALETTE,
    PRIMARY,
    SEPARATOR,
    SEQUENTIAL,
    color_kwargs,
    esc,
    esc_all,
    finish,
    height_for,
    square_axes,
    token_axis,
    value_label,
    wrap,
)

HEAD_METRICS = ("entropy", "max_weight", "mean_distance")
HEAD_MAP_WIDTH = 280  # pixels per panel of the head map


def attention_heatmap(trace: Trace, kind: str, layer: int, head: int | None, what: str = "weights",
                      locale: str = "en") -> go.Figure:
    """One attention matrix: rows queries, columns keys. head None = mean over heads. Masked entries are NaN."""
    check_kind(trace, kind)
    check_choice("what", what, ATTENTION_WHATS)
    stack = ATTENTION_KINDS[kind][0]
    check_layer(trace, stack, layer)
    if head is not None:
        check_index("head", head, trace.n_heads)
    values = masked_attention(trace, kind, layer, what)
    if head is None:
        z = head_mean(values)
    else:
        z = values[head]
    q_tokens, k_tokens = map(esc_all, trace.attention_tokens(kind))
    q_hover = q_tokens
    if kind != "encoder_self" and len(trace.next_tokens) == len(q_tokens):  # decoder rows predict the next token
        q_hover = [f"{q} → {n}" for q, n in zip(q_tokens, esc_all(trace.next_tokens))]
    n_q, n_k = z.shape
    masked_txt = label("masked", locale)
    custom = np.empty((n_q, n_k, 3), dtype=object)
    for i in range(n_q):
        for j in range(n_k):
            custom[i, j] = (q_hover[i], k_tokens[j], masked_txt if np.isnan(z[i, j]) else "")
    hover = (f"{label('query', locale)}: %{{y}} %{{customdata[0]}}<br>{label('key', locale)}: %{{x}} %{{customdata[1]}}"
             f"<br>{value_label(what, locale)}: %{{z:.6g}} %{{customdata[2]}}<extra></extra>")
    head_txt = label("mean_over_heads", locale) if head is None else label("head_n", locale, n=head)
    fig = go.Figure(go.Heatmap(
        z=z, customdata=custom, hovertemplate=hover, hoverongaps=True,
        colorbar=dict(title=dict(text=value_label(what, locale)), thickness=12), **color_kwargs(what, z),
    ))
    title = label("title_attention", locale, kind=label(kind, locale), layer=layer, head=head_txt)
    return finish(
        fig, title, height_for(n_q), plot_bgcolor=MASK_COLOR,
        xaxis=token_axis(k_tokens, label("key", locale), tickangle=-45, side="bottom"),
        yaxis=token_axis(q_tokens, label("query" if kind == "encoder_self" else "query_decoder", locale),
                          autorange="reversed"),
    )


def attention_grid(trace: Trace, kind: str, what: str = "weights", locale: str = "en",
                   hover_tokens: bool = False) -> go.Figure:
    """Every layer × head of one attention kind, tiled into ONE heatmap: rows layers, columns heads.

    Kept lean for the browser (about 6 bytes of JSON per attention value): float32 z, no per-cell strings, the
    separators one path shape. By default the axes are plain indices and hover shows the row/column index.
    hover_tokens=True names every row and column ("L2 5 casa" = layer 2, query position 5; "H1 3 the" = head 1, key
    position 3; unique, so category axes never merge repeated tokens): hover then shows layer, head and both tokens,
    for about 0.45 more bytes per value at 16 tokens.
    """
    check_kind(trace, kind)
    check_choice("what", what, ATTENTION_WHATS)
    stack = ATTENTION_KINDS[kind][0]
    n_layers = check_stack(trace, stack)
    # Weights are shown as they are: a masked weight is exactly 0 after the softmax (the single-head view and the mask
    # figure mark which cells are masked). NaN there would cost ~0.7 bytes per value in base64 for no information.
    # Scores must mark masked cells (they are -inf), so they go through NaN.
    if what == "weights":
        tiles = trace.attention_stack(kind).astype(np.float32)
    else:
        tiles = np.stack([masked_attention(trace, kind, layer, what) for layer in range(n_layers)])  # (L, H, Q, K)
    n_l, n_h, n_q, n_k = tiles.shape
    z = np.ascontiguousarray(tiles.transpose(0, 2, 1, 3).reshape(n_l * n_q, n_h * n_k), dtype=np.float32)
    value = f"{value_label(what, locale)}: %{{z:.4g}}<extra></extra>"
    if hover_tokens:
        q_tokens, k_tokens = map(esc_all, trace.attention_tokens(kind))
        xs = [f"H{h} {j} {k_tokens[j]}" for h in range(n_h) for j in range(n_k)]
        ys = [f"L{lay} {i} {q_tokens[i]}" for lay in range(n_l) for i in range(n_q)]
        heatmap = go.Heatmap(z=z, x=xs, y=ys, hovertemplate=(
            f"{label('layer', locale)}/{label('query', locale)}: %{{y}}<br>"
            f"{label('head', locale)}/{label('key', locale)}: %{{x}}<br>"
            + value))
        x_ticks = [xs[h * n_k + (n_k - 1) // 2] for h in range(n_h)]
        y_ticks = [ys[lay * n_q + (n_q - 1) // 2] for lay in range(n_l)]
    else:
        where = f"{label('row', locale)} %{{y}}, {label('column', locale)} %{{x}}<br>"
        heatmap = go.Heatmap(z=z, hovertemplate=where + value)
        # Tick labels sit on half-integer positions: hover on an axis with array ticks would print the tick text in
        # place of the index of a cell whose position equals a tick value.
        x_ticks = [h * n_k + n_k // 2 - 0.5 * (n_k % 2 == 0) for h in range(n_h)]
        y_ticks = [lay * n_q + n_q // 2 - 0.5 * (n_q % 2 == 0) for lay in range(n_l)]
        x_ticks = [t if t != int(t) else t + 0.5 for t in x_ticks]
        y_ticks = [t if t != int(t) else t + 0.5 for t in y_ticks]
    heatmap.update(hoverongaps=False, **color_kwargs(what, z))  # default colour bar: fewer bytes
    fig = go.Figure(heatmap)
    # Separators between heads (vertical) and layers (horizontal) as a single SVG path in data coordinates.
    parts = [f"M{h * n_k - 0.5},-0.5V{n_l * n_q - 0.5}" for h in range(1, n_h)]
    parts += [f"M-0.5,{lay * n_q - 0.5}H{n_h * n_k - 0.5}" for lay in range(1, n_l)]
    shapes = [dict(type="path", path="".join(parts), line=dict(color=SEPARATOR, width=2))] if parts else []
    title = label("title_attention_grid", locale, kind=label(kind, locale))
    height = min(MAX_HEIGHT + 300, max(MIN_HEIGHT, 100 + n_l * max(90, 8 * n_q)))
    return finish(
        fig, title, height, plot_bgcolor=MASK_COLOR, shapes=shapes,
        # The axis titles name the dimension once; ticks are the indices (lean in bytes, readable in either language).
        xaxis=dict(title=label("head", locale), tickmode="array", tickvals=x_ticks, ticktext=list(range(n_h))),
        yaxis=dict(title=label("layer", locale), tickmode="array", tickvals=y_ticks, ticktext=list(range(n_l)),
                   autorange="reversed"),
    )


def head_summary_figure(trace: Trace, kind: str, metric: str = "entropy", locale: str = "en") -> go.Figure:
    """Layers × heads heatmap of one per-head summary number (analysis.head_summary), values printed in cells."""
    check_kind(trace, kind)
    check_choice("metric", metric, HEAD_METRICS)
    check_stack(trace, ATTENTION_KINDS[kind][0])
    z = head_summary(trace.attention_stack(kind))[metric].astype(np.float32)  # (L, H)
    n_l, n_h = z.shape
    fig = go.Figure(go.Heatmap(
        z=z, colorscale=SEQUENTIAL, texttemplate="%{z:.2f}", colorbar=dict(thickness=12),
        hovertemplate=f"{label('layer', locale)} %{{y}}, {label('head', locale)} %{{x}}<br>{label(metric, locale)}: "
                      "%{z:.4f}<extra></extra>",
    ))
    title = label("title_head_summary", locale, kind=label(kind, locale), metric=label(metric, locale))
    return finish(
        fig, title, max(260, 120 + 50 * n_l),
        xaxis=dict(title=label("head", locale), tickmode="array", tickvals=list(range(n_h)),
                   ticktext=[str(h) for h in range(n_h)]),
        yaxis=dict(title=label("layer", locale), tickmode="array", tickvals=list(range(n_l)),
                   ticktext=[str(lay) for lay in range(n_l)], autorange="reversed"),
    )


def attention_row(trace: Trace, kind: str, layer: int, query: int, locale: str = "en") -> go.Figure:
    """One query row: bars = weight on each key averaged over heads, markers = each head's weight."""
    check_kind(trace, kind)
    stack = ATTENTION_KINDS[kind][0]
    check_layer(trace, stack, layer)
    q_tokens, k_tokens = map(esc_all, trace.attention_tokens(kind))
    check_index("query", query, len(q_tokens))
    rows = masked_attention(trace, kind, layer, "weights")[:, query, :]  # (H, K), masked NaN
    mean = head_mean(rows)
    x = np.arange(len(k_tokens), dtype=np.int32)
    w = label("weight", locale)
    fig = go.Figure(go.Bar(
        x=x, y=mean, name=label("mean_over_heads", locale), marker_color=MUTED, customdata=list(k_tokens),
        hovertemplate=f"{label('key', locale)}: %{{x}} %{{customdata}}<br>{w}: %{{y:.4f}}<extra></extra>",
    ))
    for h in range(rows.shape[0]):
        fig.add_trace(go.Scatter(
            x=x, y=rows[h], mode="markers", name=label("head_n", locale, n=h),
            marker=dict(color=PALETTE[h % len(PALETTE)], size=9, symbol="diamond", line=dict(width=1, color="white")),
            hovertemplate=f"{label('head_n', locale, n=h)}<br>{label('key', locale)}: %{{x}}<br>{w}: %{{y:.4f}}"
                          "<extra></extra>",
        ))
    title = label("title_attention_row", locale, token=q_tokens[query], q=query, kind=label(kind, locale), layer=layer)
    return finish(
        fig, title, 340, bargap=0.25, legend=dict(orientation="h", y=-0.3),
        xaxis=token_axis(k_tokens, label("key", locale), tickangle=-45),
        yaxis=dict(title=w, range=[0, 1.02], showgrid=True, gridcolor=GRID),
    )


def mask_figure(trace: Trace, locale: str = "en") -> go.Figure:
    """The decoder's causal self-attention mask over target tokens: 1 allowed, 0 masked."""
    check_kind(trace, "decoder_self")
    allowed = (~attention_mask(trace, "decoder_self")[0]).astype(np.float32)  # (T, T)
    tokens = esc_all(trace.target_tokens)
    status = np.where(allowed > 0, label("allowed", locale), label("masked", locale)).astype(object)
    fig = go.Figure(go.Heatmap(
        z=allowed, zmin=0, zmax=1, colorscale=[[0, MASK_COLOR], [1, PRIMARY]], showscale=False, xgap=1, ygap=1,
        customdata=status,
        hovertemplate=f"{label('query', locale)}: %{{y}}<br>{label('key', locale)}: %{{x}}<br>%{{customdata}}"
                      "<extra></extra>",
    ))
    return finish(
        fig, label("title_mask", locale), height_for(len(tokens)),
        xaxis=token_axis(tokens, label("key", locale), tickangle=-45, **square_axes(len(tokens))[0]),
        yaxis=token_axis(tokens, label("query", locale), **square_axes(len(tokens))[1]),
    )


def head_map_rows(trace: Trace, kind: str, locale: str = "en") -> list[dict]:
    """One row per head of one attention kind: layer, head, display name and the analysis.head_summary numbers."""
    check_kind(trace, kind)
    s = head_summary(trace.attention_stack(kind))
    n_l, n_h = s["entropy"].shape
    return [{"layer": a, "head": b, "name": f"{label('layer_n', locale, n=a)} · {label('head_n', locale, n=b)}",
             "entropy": round(float(s["entropy"][a, b]), 4), "max_weight": round(float(s["max_weight"][a, b]), 4),
             "mean_distance": round(float(s["mean_distance"][a, b]), 4)}
            for a in range(n_l) for b in range(n_h)]


@lru_cache(maxsize=32)
def _head_map_template(kind: str, locale: str, n_bars: int) -> str:
    """The Vega-Lite spec of the head map, built with Altair once per (kind, locale, size) against a named dataset."""
    pick = alt.selection_point(name="head", fields=["layer", "head"], on="click", clear="dblclick")
    hover = alt.selection_point(name="hover", fields=["layer", "head"], on="pointerover", clear="pointerout")
    colour = alt.Color("layer:O", title=label("layer", locale), scale=alt.Scale(scheme="viridis"),
                       legend=alt.Legend(orient="bottom", direction="horizontal"))
    emphasis = alt.condition(pick | hover, alt.value(1.0), alt.value(0.35))
    tooltip = [alt.Tooltip("name:N", title=label("head", locale)),
               alt.Tooltip("entropy:Q", title=label("entropy", locale), format=".3f"),
               alt.Tooltip("max_weight:Q", title=label("max_weight", locale), format=".3f"),
               alt.Tooltip("mean_distance:Q", title=label("mean_distance", locale), format=".2f")]
    base = alt.Chart(alt.NamedData("heads"))
    points = base.mark_circle(size=140, stroke="white", strokeWidth=1).encode(
        x=alt.X("entropy:Q", title=label("entropy", locale)),
        y=alt.Y("mean_distance:Q", title=label("mean_distance", locale)),
        color=colour, opacity=emphasis, tooltip=tooltip,
    ).add_params(pick, hover).properties(width=HEAD_MAP_WIDTH, height=200)
    bars = base.mark_bar().encode(
        x=alt.X("name:N", title=None, sort=None, axis=alt.Axis(labelAngle=-60)),
        y=alt.Y("max_weight:Q", title=label("max_weight", locale), scale=alt.Scale(domain=[0, 1])),
        color=colour, opacity=emphasis, tooltip=tooltip,
    ).properties(width=HEAD_MAP_WIDTH, height=160)
    # One above the other at a fixed width: fits a 390 px phone screen (side by side it overflowed).
    title = wrap(label("title_head_map", locale, kind=label(kind, locale)), 40).split("<br>")
    chart = alt.vconcat(points, bars).properties(title=title).configure_view(stroke=None)
    return json.dumps(chart.to_dict())


def head_map_chart(trace: Trace, kind: str, locale: str = "en") -> dict:
    """Every head of one attention kind as a point (entropy × mean distance), linked to a bar per head (max weight).

    A small linked Altair chart, returned as its Vega-Lite spec (dict): hovering or clicking a head highlights it in
    both panels; the click selection is named "head" with fields layer and head, so an app can read it (Streamlit:
    st.vega_lite_chart(spec, on_select=...)) and show that head. The spec is built by Altair once per kind and
    language (its validation takes tens of milliseconds); each trace only fills in the rows.
    """
    rows = head_map_rows(trace, kind, locale)
    spec = json.loads(_head_map_template(kind, locale, len(rows)))
    spec["datasets"] = {"heads": rows}
    return spec


# -------------------------------------------------------------------------------------------- issue 8.7: head metrics

HEAD_METRIC_Y = tuple(m for m in METRICS if m != "entropy")  # the scatter's vertical axis choices
KIND_SYMBOLS = {"encoder_self": "circle", "decoder_self": "square", "cross": "diamond"}


def head_metrics_kinds(metrics: HeadMetrics) -> list[str]:
    """The attention kinds in the scatter's trace order (curve numbers of a Plotly selection)."""
    return [k for k in ATTENTION_KINDS if k in metrics.kind]


def head_metrics_scatter(trace: Trace, y: str = "diagonal_distance", locale: str = "en",
                         metrics: HeadMetrics | None = None) -> go.Figure:
    """One point per head of every attention kind: x = entropy (bits), y = another head metric (HEAD_METRIC_Y),
    one trace per kind (colour and marker), hover = layer, head and the values. Points keep head_metrics' order
    within a kind (point index = layer × heads + head); a NaN value is not drawn."""
    check_choice("y", y, HEAD_METRIC_Y)
    m = head_metrics(trace) if metrics is None else metrics
    kinds = np.asarray(m.kind)
    x_name, y_name = esc(label("hm_entropy", locale)), esc(label(f"hm_{y}", locale))
    fig = go.Figure()
    for i, kind in enumerate(head_metrics_kinds(m)):
        sel = kinds == kind
        custom = np.stack([m.layer[sel], m.head[sel], m.values["entropy_norm"][sel]], axis=-1).astype(np.float32)
        fig.add_trace(go.Scatter(
            x=m.values["entropy"][sel].astype(np.float32), y=m.values[y][sel].astype(np.float32), mode="markers",
            name=label(kind, locale), customdata=custom,
            marker=dict(color=PALETTE[i % len(PALETTE)], size=11, symbol=KIND_SYMBOLS.get(kind, "circle"),
                        line=dict(width=1, color="white")),
            hovertemplate=(f"{label(kind, locale)}<br>{label('layer', locale)} %{{customdata[0]}}, "
                           f"{label('head', locale)} %{{customdata[1]}}<br>{x_name}: %{{x:.3f}}<br>"
                           f"{esc(label('hm_entropy_norm', locale))}: %{{customdata[2]:.3f}}<br>"
                           f"{y_name}: %{{y:.3f}}<extra></extra>"),
        ))
    title = esc(label("title_head_metrics", locale, metric=label(f"hm_{y}", locale)))
    return finish(
        fig, title, 420, legend=dict(orientation="h", y=-0.25), clickmode="event+select",
        xaxis=dict(title=x_name, showgrid=True, gridcolor=GRID),
        yaxis=dict(title=y_name, showgrid=True, gridcolor=GRID),
    )
