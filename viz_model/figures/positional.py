"""Positional-encoding figures: the sinusoid table, chosen dimensions as curves, position similarity, the sum."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..analysis import check_index, cosine_similarity, side_tokens
from ..i18n import label
from ..trace import Trace
from .style import DIVERGING, GRID, PALETTE, esc_all, f32, finish, height_for, square_axes


def positional_heatmap(pe: np.ndarray, locale: str = "en") -> go.Figure:
    """Positions × dimensions of a positional-encoding table (N, D)."""
    z = f32(pe)
    if z.ndim != 2:
        raise ValueError(f"pe must be (positions, dimensions), got shape {z.shape}")
    fig = go.Figure(go.Heatmap(
        z=z, colorscale=DIVERGING, zmid=0.0, zmin=-1.0, zmax=1.0, colorbar=dict(thickness=12),
        hovertemplate=f"{label('position', locale)} %{{y}}<br>{label('dimension', locale)} %{{x}}<br>"
                      f"{label('value', locale)}: %{{z:.4f}}<extra></extra>",
    ))
    return finish(fig, label("title_positional", locale), height_for(z.shape[0], extra=160),
                   xaxis=dict(title=label("dimension", locale)),
                   yaxis=dict(title=label("position", locale), autorange="reversed"))


def positional_curves(pe: np.ndarray, dims: Sequence[int], locale: str = "en") -> go.Figure:
    """Selected dimensions of a positional encoding (N, D) as curves over positions."""
    table = f32(pe)
    if table.ndim != 2:
        raise ValueError(f"pe must be (positions, dimensions), got shape {table.shape}")
    for d in dims:
        check_index("dimension", int(d), table.shape[1])
    x = np.arange(table.shape[0], dtype=np.int32)
    fig = go.Figure()
    for i, d in enumerate(dims):
        name = f"{label('dimension', locale)} {int(d)}"
        fig.add_trace(go.Scatter(
            x=x, y=np.ascontiguousarray(table[:, int(d)]), mode="lines", name=name,
            line=dict(color=PALETTE[i % len(PALETTE)], width=2),
            hovertemplate=f"{name}<br>{label('position', locale)} %{{x}}: %{{y:.4f}}<extra></extra>",
        ))
    return finish(fig, label("title_positional_curves", locale), 360,
                   xaxis=dict(title=label("position", locale)),
                   yaxis=dict(title=label("value", locale), range=[-1.1, 1.1], showgrid=True, gridcolor=GRID))


def position_similarity(pe: np.ndarray, locale: str = "en") -> go.Figure:
    """Cosine similarity between every pair of positions of a positional encoding (N, D)."""
    table = f32(pe)
    if table.ndim != 2:
        raise ValueError(f"pe must be (positions, dimensions), got shape {table.shape}")
    z = cosine_similarity(table).astype(np.float32)
    n = z.shape[0]
    p = label("position", locale)
    fig = go.Figure(go.Heatmap(
        z=z, colorscale=DIVERGING, zmid=0.0, zmin=-1.0, zmax=1.0, colorbar=dict(thickness=12),
        hovertemplate=f"{p} %{{y}} · {p} %{{x}}<br>{label('similarity', locale)}: %{{z:.4f}}<extra></extra>",
    ))
    return finish(fig, label("title_position_similarity", locale), height_for(z.shape[0], extra=160),
                   xaxis=dict(title=p, **square_axes(n)[0]), yaxis=dict(title=p, **square_axes(n)[1]))


def embedding_sum_figure(trace: Trace, side: str = "src", locale: str = "en") -> go.Figure:
    """Three heatmaps side by side: scaled embedding + positional encoding = sum (one shared colour scale)."""
    tokens = esc_all(side_tokens(trace, side))
    parts = [f32(trace[f"embed.{side}.{p}"]) for p in ("scaled", "pos", "sum")]
    bound = float(max(np.abs(p).max() for p in parts)) or 1.0
    titles = [label("scaled", locale), "+ " + label("pos", locale), "= " + label("sum", locale)]
    fig = make_subplots(rows=1, cols=3, subplot_titles=titles, shared_yaxes=True, horizontal_spacing=0.03)
    hover = (f"{label('position', locale)} %{{y}}<br>{label('dimension', locale)} %{{x}}<br>"
             f"{label('value', locale)}: %{{z:.4f}}<extra></extra>")
    for i, z in enumerate(parts):
        fig.add_trace(go.Heatmap(z=z, coloraxis="coloraxis", hovertemplate=hover), row=1, col=i + 1)
        fig.update_xaxes(title_text=label("dimension", locale), row=1, col=i + 1)
    fig.update_yaxes(autorange="reversed", tickmode="array", tickvals=list(range(len(tokens))),
                     ticktext=list(tokens))
    side_word = label("source" if side == "src" else "target", locale)
    return finish(fig, label("title_embedding_sum", locale, side=side_word), height_for(len(tokens)),
                   coloraxis=dict(colorscale=DIVERGING, cmid=0.0, cmin=-bound, cmax=bound,
                                  colorbar=dict(thickness=12)))
