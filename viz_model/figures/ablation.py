"""Head ablation figures (issue 8.2): the per-step probability change and the "which heads matter" sweep.

Pure functions of the plain results of viz_model/ablation.py (no model, no streamlit)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..i18n import label
from .style import DIVERGING, GRID, HIGHLIGHT, PRIMARY, esc, finish, height_for

if TYPE_CHECKING:  # the results' types only: figures never import torch
    from ..ablation import AblationResult, AblationSet, Sweep

SWEEP_KINDS = ("encoder_self", "decoder_self", "cross")


def probability_change_figure(result: AblationResult, locale: str = "en") -> go.Figure:
    """One row per step of the original output: p(original next token) with everything on (blue) and with the
    ablation (orange); the hover adds the token the ablated model prefers there."""
    n = len(result.steps)
    y = np.arange(n, dtype=np.int32)
    before, after = label("abl_before", locale), label("abl_after", locale)
    hover = (f"%{{y}}<br>%{{fullData.name}}: %{{x:.4f}}<br>{label('abl_new_top', locale)}: %{{customdata}}"
             "<extra></extra>")
    top = [esc(t) for t in result.top_after]
    fig = go.Figure([
        go.Bar(x=np.asarray(result.p_before, np.float32), y=y, orientation="h", name=before, marker_color=PRIMARY,
               customdata=top, hovertemplate=hover),
        go.Bar(x=np.asarray(result.p_after, np.float32), y=y, orientation="h", name=after, marker_color=HIGHLIGHT,
               customdata=top, hovertemplate=hover),
    ])
    return finish(fig, label("abl_title_steps", locale), height_for(2 * n, extra=140), barmode="group",
                  legend=dict(orientation="h", x=0, y=-0.12, yanchor="top"),
                  xaxis=dict(title=dict(text=label("probability", locale)), range=[0, 1], tickformat=".0%",
                             showgrid=True, gridcolor=GRID),
                  yaxis=dict(tickmode="array", tickvals=y.tolist(), ticktext=[esc(s) for s in result.steps],
                             autorange="reversed"))


def head_sweep_figure(sweep: Sweep, removed: AblationSet | None = None, locale: str = "en") -> go.Figure:
    """One panel per attention kind, layers (rows) × heads (columns): the drop in log p(target) when that head alone
    is removed. One diverging colour scale for all panels, centred on 0 and symmetric; heads switched off now carry
    a ✕."""
    kinds = [k for k in SWEEP_KINDS if k in sweep.drops]
    top = max((float(np.abs(sweep.drops[k]).max()) for k in kinds), default=0.0) or 1.0
    fig = make_subplots(rows=1, cols=len(kinds), subplot_titles=[label(k, locale) for k in kinds],
                        horizontal_spacing=0.06)
    removed_heads = removed.heads if removed is not None else frozenset()
    hover = (f"{label('layer', locale)} %{{y}} · {label('head', locale)} %{{x}}<br>{label('abl_drop', locale)}: "
             "%{z:.3f}<extra></extra>")
    for i, kind in enumerate(kinds, start=1):
        z = np.asarray(sweep.drops[kind], dtype=np.float32)
        fig.add_trace(go.Heatmap(z=z, coloraxis="coloraxis", texttemplate="%{z:.2f}", hovertemplate=hover,
                                 xgap=2, ygap=2), row=1, col=i)
        marks = [(h, layer) for k, layer, h in sorted(removed_heads) if k == kind and layer < z.shape[0]]
        if marks:
            fig.add_trace(go.Scatter(x=[m[0] for m in marks], y=[m[1] for m in marks], mode="text",
                                     text=["✕"] * len(marks), textfont=dict(size=14, color="black"),
                                     textposition="top center",
                                     hoverinfo="skip", showlegend=False), row=1, col=i)
    layout: dict = dict(coloraxis=dict(colorscale=DIVERGING, cmin=-top, cmax=top, reversescale=True,
                                       colorbar=dict(title=dict(text=label("abl_drop", locale)), thickness=12)))
    for i, kind in enumerate(kinds, start=1):
        n_layers, n_heads = sweep.drops[kind].shape
        suffix = "" if i == 1 else str(i)
        layout[f"xaxis{suffix}"] = {**fig.layout[f"xaxis{suffix}"].to_plotly_json(),
                                    "title": dict(text=label("head", locale)), "tickmode": "array",
                                    "tickvals": list(range(n_heads)), "ticktext": [str(h) for h in range(n_heads)]}
        layout[f"yaxis{suffix}"] = {**fig.layout[f"yaxis{suffix}"].to_plotly_json(), "tickmode": "array",
                                    "tickvals": list(range(n_layers)), "autorange": "reversed",
                                    "showticklabels": i == 1,
                                    "ticktext": [label("layer_n", locale, n=lay) for lay in range(n_layers)]}
    n_rows = max(v.shape[0] for v in sweep.drops.values()) if kinds else 1
    # The title is padded above the panel titles (subplot annotations sit where a plain title would).
    return finish(fig, label("abl_title_sweep", locale), max(300, 200 + 50 * n_rows), title_pad=30, **layout)
