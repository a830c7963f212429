"""Output figures: the next-token distribution at one step, and the logit lens over every decoder layer."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ..analysis import logit_lens, next_token_distribution, step_pairs
from ..i18n import label
from ..trace import Trace
from .style import GRID, HIGHLIGHT, PRIMARY, SEQUENTIAL, esc, finish, height_for


def next_token_bars(trace: Trace, vocab: Sequence[str], step: int, temperature: float = 1.0, top_k: int = 10,
                    locale: str = "en") -> go.Figure:
    """The top_k next-token probabilities at one decoding step; the token actually chosen is highlighted.

    If the chosen token (sampling) is not among the top_k it is added as an extra bar with its rank.
    """
    probs = next_token_distribution(trace, step, temperature)
    if top_k < 1:
        raise ValueError(f"top_k must be >= 1, got {top_k}")
    order = np.argsort(-probs, kind="stable")
    ids = [int(i) for i in order[:top_k]]
    chosen = int(trace["next.ids"][step]) if "next.ids" in trace else -1
    names = [esc(vocab[i]) for i in ids]
    if 0 <= chosen < len(probs) and chosen not in ids:
        rank = int(np.nonzero(order == chosen)[0][0]) + 1
        ids.append(chosen)
        names.append(f"{esc(vocab[chosen])} {label('not_in_top', locale, rank=rank)}")
    p = probs[ids].astype(np.float32)
    y = np.arange(len(ids), dtype=np.int32)
    colors = [HIGHLIGHT if i == chosen else PRIMARY for i in ids]
    logits = trace["logits"][step][ids].astype(np.float32)
    fig = go.Figure(go.Bar(
        x=p, y=y, orientation="h", marker_color=colors, customdata=logits, texttemplate="%{x:.1%}",
        textposition="outside", cliponaxis=False,
        hovertemplate=f"{label('probability', locale)}: %{{x:.4f}}<br>{label('logit', locale)}: %{{customdata:.3f}}"
                      "<extra></extra>",
    ))
    token = esc(trace.target_tokens[step]) if step < len(trace.target_tokens) else str(step)
    title = label("title_next_token", locale, step=step, token=token, temp=f"{temperature:g}")
    return finish(fig, title, height_for(len(ids), extra=110), showlegend=False,
                   xaxis=dict(title=label("probability", locale), range=[0, min(1.0, float(p.max()) * 1.2 + 0.05)],
                              tickformat=".0%", showgrid=True, gridcolor=GRID),
                   yaxis=dict(tickmode="array", tickvals=y.tolist(), ticktext=names, autorange="reversed"),
                   meta=dict(ids=ids, chosen=chosen))


def step_labels(trace: Trace, n: int) -> list[str]:
    """"input → chosen" for steps 0..n-1, escaped for Plotly."""
    return [f"{esc(inp)} → {esc(out)}" for inp, out in step_pairs(trace, n)]


def logit_lens_heatmap(trace: Trace, vocab: Sequence[str], locale: str = "en") -> go.Figure:
    """Rows decoder layers, columns decoding steps: colour = probability of the layer's top token, text = that token."""
    top, top_p, chosen_p = logit_lens(trace)
    n_l, n_t = top.shape
    text = [[esc(vocab[int(i)]) for i in row] for row in top]
    steps = step_labels(trace, n_t)
    fig = go.Figure(go.Heatmap(
        z=top_p, text=text, texttemplate="%{text}", colorscale=SEQUENTIAL, zmin=0.0, zmax=1.0,
        customdata=chosen_p, colorbar=dict(title=dict(text=label("p_top", locale)), thickness=12),
        hovertemplate=f"{label('layer', locale)} %{{y}} · {label('step', locale)} %{{x}}<br>"
                      f"{label('top_token', locale)}: "
                      f"%{{text}}<br>{label('p_top', locale)}: %{{z:.3f}}<br>{label('p_chosen', locale)}: "
                      "%{customdata:.3f}<extra></extra>",
    ))
    return finish(
        fig, label("title_logit_lens", locale), max(260, 120 + 60 * n_l),
        xaxis=dict(title=label("step", locale), tickmode="array", tickvals=list(range(n_t)), ticktext=steps,
                   tickangle=-45),
        yaxis=dict(title=label("layer", locale), tickmode="array", tickvals=list(range(n_l)),
                   ticktext=[label("layer_n", locale, n=lay) for lay in range(n_l)], autorange="reversed"),
    )


def copy_attention_figure(trace: Trace, copy: dict, locale: str = "en") -> go.Figure:
    """Unknown-word replacement, shown: the cross-attention row (last decoder layer, mean over heads) of the step
    where the model wrote <unk>, over the source tokens; the source word that was copied is highlighted."""
    layer = trace.n_layers("decoder") - 1
    row = trace.attention("cross", layer).mean(0)[copy["target_index"]].astype(np.float32)
    src = list(trace.source_tokens)
    x = np.arange(len(src), dtype=np.int32)
    colors = [HIGHLIGHT if i == copy["source_index"] else PRIMARY for i in range(len(src))]
    fig = go.Figure(go.Bar(x=x, y=row, marker_color=colors, texttemplate="%{y:.2f}", textposition="outside",
                           cliponaxis=False, hovertemplate="%{y:.4f}<extra></extra>"))
    title = label("title_copy", locale, word=esc(copy["word"]), step=copy["target_index"])
    return finish(fig, title, 300, showlegend=False,
                  xaxis=dict(tickmode="array", tickvals=x.tolist(), ticktext=[esc(t) for t in src],
                             title=dict(text=label("source", locale))),
                  yaxis=dict(title=dict(text=label("weight", locale)), showgrid=True, gridcolor=GRID,
                             range=[0, min(1.0, float(row.max()) * 1.25 + 0.02)]))
