"""Feed-forward figures: the most active units, the ReLU cut, activity per layer, and the residual stream."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..analysis import (
    STACKS,
    active_fractions,
    check_layer,
    most_active_units,
    residual_norms,
    residual_points,
    stack_tokens,
)
from ..i18n import label
from ..trace import Trace
from .style import (
    GRID,
    HIGHLIGHT,
    MUTED,
    PALETTE,
    PRIMARY,
    SEQUENTIAL,
    esc_all,
    f32,
    finish,
    height_for,
    token_axis,
    token_colors,
)


def ffn_heatmap(trace: Trace, stack: str, layer: int, top_units: int = 40, locale: str = "en") -> go.Figure:
    """Tokens × the `top_units` most active FFN units (after ReLU) of one layer, ordered by mean activation."""
    check_layer(trace, stack, layer)
    if top_units < 1:
        raise ValueError(f"top_units must be >= 1, got {top_units}")
    hidden = f32(trace[f"{stack}.{layer}.ffn.hidden"])
    units = most_active_units(hidden, top_units)
    z = np.ascontiguousarray(hidden[:, units])
    tokens = esc_all(trace.source_tokens if stack == "encoder" else trace.target_tokens)
    unit_ids = [f"u{u}" for u in units]  # unique, so a categorical axis is safe here
    fig = go.Figure(go.Heatmap(
        z=z, x=unit_ids, colorscale=SEQUENTIAL, zmin=0.0, colorbar=dict(thickness=12),
        hovertemplate=f"{label('position', locale)} %{{y}}<br>{label('unit', locale)} %{{x}}<br>"
                      f"{label('activation', locale)}: %{{z:.4f}}<extra></extra>",
    ))
    stack_word = label(stack, locale)
    return finish(
        fig, label("title_ffn", locale, stack=stack_word, layer=layer, k=len(units)), height_for(len(tokens)),
        xaxis=dict(title=f"{label('unit', locale)} ({label('mean_activation', locale)} ↓)", tickangle=-90,
                   type="category"),
        yaxis=token_axis(tokens, label("token", locale), autorange="reversed"),
    )


def ffn_histogram(trace: Trace, stack: str, layer: int, locale: str = "en", bins: int = 60) -> go.Figure:
    """Distribution of ffn.pre (before the ReLU); the cut at 0 is marked and the fraction passing annotated."""
    check_layer(trace, stack, layer)
    pre = f32(trace[f"{stack}.{layer}.ffn.pre"]).ravel()
    lo, hi = float(pre.min()), float(pre.max())
    lo, hi = min(lo, -1e-3), max(hi, 1e-3)
    # Bin edges with one edge exactly at 0, so no bar straddles the cut.
    n_neg = max(1, round(bins * -lo / (hi - lo)))
    edges = np.unique(np.concatenate([np.linspace(lo, 0, n_neg + 1), np.linspace(0, hi, max(1, bins - n_neg) + 1)]))
    counts, edges = np.histogram(pre, bins=edges)
    centres = ((edges[:-1] + edges[1:]) / 2).astype(np.float32)
    widths = np.diff(edges).astype(np.float32)
    counts = counts.astype(np.int32)
    frac = float((pre > 0).mean())
    fig = go.Figure()
    for name, sel, color in ((label("cut_by_relu", locale), centres <= 0, MUTED),
                             (label("passes_relu", locale), centres > 0, PRIMARY)):
        fig.add_trace(go.Bar(
            x=centres[sel], y=counts[sel], width=widths[sel], name=name, marker_color=color,
            hovertemplate=f"{label('value', locale)} ≈ %{{x:.3f}}<br>{label('count', locale)}: %{{y}}<extra></extra>",
        ))
    fig.add_vline(x=0, line=dict(color=HIGHLIGHT, width=2, dash="dash"))
    fig.add_annotation(x=0, y=1, yref="paper", xanchor="left", yanchor="top", showarrow=False,
                       text=" " + label("active_annotation", locale, pct=100 * frac), font=dict(color=HIGHLIGHT))
    return finish(fig, label("title_ffn_hist", locale, stack=label(stack, locale), layer=layer), 340, bargap=0,
                   barmode="overlay", legend=dict(orientation="h", y=-0.25),
                   xaxis=dict(title=label("value", locale)),
                   yaxis=dict(title=label("count", locale), showgrid=True, gridcolor=GRID),
                   meta=dict(active_fraction=frac))


def ffn_active_fraction(trace: Trace, locale: str = "en") -> go.Figure:
    """Fraction of FFN units > 0 per layer, one group of bars per stack present."""
    fig = go.Figure()
    for i, stack in enumerate(s for s in STACKS if trace.n_layers(s)):
        frac = active_fractions(trace, stack)
        fig.add_trace(go.Bar(
            x=np.arange(len(frac), dtype=np.int32), y=frac, name=label(stack, locale),
            marker_color=PALETTE[i], texttemplate="%{y:.0%}", textposition="outside",
            hovertemplate=f"{label(stack, locale)} {label('layer', locale)} %{{x}}<br>"
                          f"{label('active_fraction', locale)}: "
                          "%{y:.1%}<extra></extra>",
        ))
    return finish(fig, label("title_ffn_active", locale), 320, barmode="group",
                   xaxis=dict(title=label("layer", locale), dtick=1),
                   yaxis=dict(title=label("active_fraction", locale), range=[0, 1.1], tickformat=".0%",
                              showgrid=True, gridcolor=GRID))


def residual_labels(trace: Trace, stack: str, locale: str = "en") -> list[str]:
    """The x label of each point of analysis.residual_points: "embedding", "enc 0 attn add", "dec 1 cross norm"."""
    short = label("enc" if stack == "encoder" else "dec", locale)
    words = {"self_attn": "attn" if stack == "encoder" else "self_attn", "cross_attn": "cross_attn", "ffn": "ffn"}
    parts = {"add": "add", "norm": "norm_step"}
    return [label("embed_stage", locale) if layer < 0 else
            f"{short} {layer} {label(words[sub], locale)} {label(parts[part], locale)}"
            for _, layer, sub, part in residual_points(trace, stack)]


def residual_norms_figure(trace: Trace, stack: str | None = None, locale: str = "en") -> go.Figure:
    """L2 norm of each token's residual stream from the embedding through every Add and every Norm of a stack.

    stack "encoder" or "decoder"; None is the encoder when the trace has one, else the decoder. One line per token,
    every line its own colour (token_colors).
    """
    stack = stack or ("encoder" if trace.has_encoder else "decoder")
    ticks = residual_labels(trace, stack, locale)
    norms = residual_norms(trace, stack)  # (points, tokens)
    tokens = esc_all(stack_tokens(trace, stack))
    x = np.arange(len(ticks), dtype=np.int32)
    fig = go.Figure()
    for i, (tok, color) in enumerate(zip(tokens, token_colors(len(tokens)))):
        fig.add_trace(go.Scatter(
            x=x, y=np.ascontiguousarray(norms[:, i]), mode="lines+markers", name=f"{i} {tok}",
            line=dict(color=color, width=1.5), marker=dict(size=5), customdata=ticks,
            hovertemplate=f"{i} {tok}<br>%{{customdata}}<br>{label('norm', locale)}: %{{y:.3f}}<extra></extra>",
        ))
    return finish(fig, label("title_residual", locale, stack=label(stack, locale)), 440,
                  xaxis=dict(title=label("stage", locale), tickmode="array", tickvals=x.tolist(), ticktext=ticks,
                             tickangle=-45),
                  yaxis=dict(title=label("norm", locale), showgrid=True, gridcolor=GRID),
                  legend=dict(title=dict(text=label("token", locale))))
