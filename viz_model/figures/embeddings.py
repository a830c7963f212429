"""Embedding figures: tokens × dimensions of any embedding part, and the whole vocabulary in 2-D."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ..analysis import check_choice, side_tokens
from ..i18n import label
from ..trace import Trace
from .style import DIVERGING, HIGHLIGHT, MUTED, esc, esc_all, f32, finish, height_for, token_axis

EMBED_PARTS = ("raw", "scaled", "pos", "sum")


def embedding_heatmap(trace: Trace, side: str = "src", which: str = "scaled", locale: str = "en") -> go.Figure:
    """Tokens × dimensions of embed.{side}.{which}, diverging colours centred at 0."""
    tokens = esc_all(side_tokens(trace, side))
    check_choice("which", which, EMBED_PARTS)
    z = f32(trace[f"embed.{side}.{which}"])
    side_word = label("source" if side == "src" else "target", locale)
    fig = go.Figure(go.Heatmap(
        z=z, colorscale=DIVERGING, zmid=0.0, colorbar=dict(thickness=12),
        hovertemplate=f"{label('position', locale)} %{{y}}<br>{label('dimension', locale)} %{{x}}<br>"
                      f"{label('value', locale)}: %{{z:.4f}}<extra></extra>",
    ))
    return finish(
        fig, label("title_embedding", locale, which=label(which, locale), side=side_word), height_for(len(tokens)),
        xaxis=dict(title=label("dimension", locale)),
        yaxis=token_axis(tokens, label("token", locale), autorange="reversed"),
    )


def vocab_projection(coords: np.ndarray, words: Sequence[str], highlight: Sequence[str], locale: str = "en",
                     title: str | None = None) -> go.Figure:
    """Every vocabulary word as a small point (coords (N, 2) from analysis.pca_2d); the sentence's words large."""
    xy = f32(coords)
    if xy.ndim != 2 or xy.shape[1] != 2 or xy.shape[0] != len(words):
        raise ValueError(f"coords must be (len(words), 2) = ({len(words)}, 2), got {xy.shape}")
    index = {w: i for i, w in enumerate(words)}
    chosen = [index[w] for w in dict.fromkeys(highlight) if w in index]
    fig = go.Figure(go.Scatter(  # SVG: ~350 points; WebGL is slow to start without a GPU (headless, some laptops)
        x=xy[:, 0], y=xy[:, 1], mode="markers", name=label("vocabulary", locale), text=esc_all(words),
        marker=dict(size=5, color=MUTED), hovertemplate="%{text}<extra></extra>",
    ))
    sel = np.array(chosen, dtype=np.int64)
    fig.add_trace(go.Scatter(
        x=np.ascontiguousarray(xy[sel, 0]), y=np.ascontiguousarray(xy[sel, 1]),
        mode="markers+text", name=label("sentence_words", locale), text=[esc(words[i]) for i in chosen],
        textposition="top center", marker=dict(size=12, color=HIGHLIGHT, line=dict(width=1, color="white")),
        hovertemplate="%{text}<extra></extra>",
    ))
    return finish(
        fig, title or label("title_vocab", locale), 520, legend=dict(orientation="h", y=-0.12),
        xaxis=dict(title=label("pc1", locale), zeroline=True, zerolinecolor="#DDDDDD"),
        yaxis=dict(title=label("pc2", locale), zeroline=True, zerolinecolor="#DDDDDD"),
    )
