"""Figure builders: pure functions of a Trace (and plain choices) that return a Plotly figure.

No model, no torch, no streamlit. Arrays go into figures as float32 numpy arrays so Plotly 7 serialises them as
base64 binary (see shared/STACK_NOTES.md). Token axes use integer positions with tickvals/ticktext, because tokens
repeat ("the" twice) and a categorical axis would merge them. Every title and axis label comes from i18n.label in
the language `ui` ("en" or "zh"). Arguments are validated: a wrong layer or head raises ValueError, never draws a
wrong picture.
"""

from __future__ import annotations

import html
import json
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

import altair as alt
import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .analysis import cosine_similarity, head_summary, softmax
from .i18n import label
from .trace import ATTENTION_KINDS, Trace, attention_name

# ------------------------------------------------------------------------------------------------- look and feel

FONT_FAMILY = "sans-serif"  # the browser's default sans-serif, which has CJK fallbacks everywhere
# Okabe-Ito: distinguishable with the common forms of colour blindness.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
PRIMARY = "#0072B2"
HIGHLIGHT = "#D55E00"
MUTED = "#B8B8B8"
TEXT = "#1F2933"  # as the app theme's text colour
MASK_COLOR = "#E6E6E6"  # plot background behind NaN (masked) heatmap cells
SEPARATOR = "white"
# Colour scales as short explicit lists: a named scale is expanded to 10+ stops in every figure's JSON.
# Viridis (weights, probabilities, activations): perceptually uniform, colour-blind safe.
SEQUENTIAL = [[0.0, "#440154"], [0.25, "#3b528b"], [0.5, "#21918c"], [0.75, "#5ec962"], [1.0, "#fde725"]]
# RdBu (signed values: scores, embeddings), used with the midpoint at 0: red negative, blue positive.
DIVERGING = [[0.0, "#67001f"], [0.25, "#d6604d"], [0.5, "#f7f7f7"], [0.75, "#4393c3"], [1.0, "#053061"]]
MARGIN = dict(l=10, r=10, t=48, b=10)
MIN_HEIGHT, MAX_HEIGHT = 300, 900
ROW_PX = 22  # pixels per token row in heatmaps

# A deliberately small template: it is serialised into every figure, and the attention grid has a byte budget.
TEMPLATE = go.layout.Template(layout=dict(
    font=dict(family=FONT_FAMILY, size=12),
    paper_bgcolor="white",
    plot_bgcolor="white",
    xaxis=dict(showgrid=False, zeroline=False, automargin=True),
    yaxis=dict(showgrid=False, zeroline=False, automargin=True),
))

ATTENTION_WHATS = ("weights", "scores")
EMBED_PARTS = ("raw", "scaled", "pos", "sum")
SIDES = ("src", "tgt")
STACKS = ("encoder", "decoder")
HEAD_METRICS = ("entropy", "max_weight", "mean_distance")


# ------------------------------------------------------------------------------------------------- helpers


def _height(n_rows: int, extra: int = 120) -> int:
    return int(min(MAX_HEIGHT, max(MIN_HEIGHT, extra + ROW_PX * n_rows)))


def _finish(fig: go.Figure, title: str, height: int, **layout: object) -> go.Figure:
    fig.update_layout(template=TEMPLATE, title=dict(text=title, x=0, xanchor="left", font_size=15),
                      height=height, margin=MARGIN, **layout)
    return fig


def _f32(a: object) -> np.ndarray:
    """A float32 numpy copy; accepts a CPU torch tensor (duck-typed, torch is not imported)."""
    if hasattr(a, "detach"):
        a = a.detach().cpu().numpy()
    return np.array(a, dtype=np.float32)


def _esc(text: str) -> str:
    """Plotly reads a subset of HTML in every text field: "<s>" would strike through, "</s>" vanish. Escape tokens."""
    return html.escape(str(text), quote=False)


def _esc_all(tokens: Sequence[str]) -> list[str]:
    return [_esc(t) for t in tokens]


def _token_axis(tokens: Sequence[str], title: str, **kw: object) -> dict:
    return dict(title=title, tickmode="array", tickvals=list(range(len(tokens))), ticktext=list(tokens), **kw)


def _check_kind(trace: Trace, kind: str) -> None:
    available = trace.attention_kinds()
    if kind not in ATTENTION_KINDS or kind not in available:
        raise ValueError(f"attention kind {kind!r} is not in this trace; allowed: {available}")


def _check_stack(trace: Trace, stack: str) -> int:
    if stack not in STACKS:
        raise ValueError(f"stack must be one of {STACKS}, got {stack!r}")
    n = trace.n_layers(stack)
    if n == 0:
        raise ValueError(f"this trace has no {stack} layers")
    return n


def _check_layer(trace: Trace, stack: str, layer: int) -> None:
    n = _check_stack(trace, stack)
    if not 0 <= layer < n:
        raise ValueError(f"{stack} layer {layer} out of range: allowed 0..{n - 1}")


def _check_index(name: str, value: int, n: int) -> None:
    if not 0 <= value < n:
        raise ValueError(f"{name} {value} out of range: allowed 0..{n - 1}")


def _check_choice(name: str, value: str, allowed: Sequence[str]) -> None:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {tuple(allowed)}, got {value!r}")


def _side_tokens(trace: Trace, side: str) -> tuple[str, ...]:
    _check_choice("side", side, SIDES)
    if f"embed.{side}.sum" not in trace:
        raise ValueError(f"this trace has no {side!r} side")
    return trace.source_tokens if side == "src" else trace.target_tokens


def attention_mask(trace: Trace, kind: str, layer: int = 0) -> np.ndarray:
    """(H, Q, K) bool, True where attention is masked: -inf scores, plus the causal upper triangle of decoder_self."""
    _check_kind(trace, kind)
    scores = attention_name(kind, layer, "scores")
    masked = np.zeros(trace.attention(kind, layer).shape, dtype=bool)
    if scores in trace:
        masked |= ~np.isfinite(trace[scores])
    if kind == "decoder_self":
        masked |= np.triu(np.ones(masked.shape[-2:], dtype=bool), k=1)[None]
    return masked


def _masked_attention(trace: Trace, kind: str, layer: int, what: str) -> np.ndarray:
    """(H, Q, K) float32 with masked entries NaN."""
    values = trace.attention(kind, layer, what).astype(np.float32)
    out = np.where(attention_mask(trace, kind, layer), np.float32(np.nan), values)
    return out.astype(np.float32)


def _value_label(what: str, ui: str) -> str:
    return label("weight" if what == "weights" else "score", ui)


def _color_kwargs(what: str, z: np.ndarray) -> dict:
    if what == "weights":
        top = float(np.nanmax(z)) if np.isfinite(z).any() else 1.0
        return dict(colorscale=SEQUENTIAL, zmin=0.0, zmax=max(top, 1e-6))
    return dict(colorscale=DIVERGING, zmid=0.0)


# ------------------------------------------------------------------------------------------------- attention


def attention_heatmap(trace: Trace, kind: str, layer: int, head: int | None, what: str = "weights",
                      ui: str = "en") -> go.Figure:
    """One attention matrix: rows queries, columns keys. head None = mean over heads. Masked entries are NaN."""
    _check_kind(trace, kind)
    _check_choice("what", what, ATTENTION_WHATS)
    stack = ATTENTION_KINDS[kind][0]
    _check_layer(trace, stack, layer)
    if head is not None:
        _check_index("head", head, trace.n_heads)
    values = _masked_attention(trace, kind, layer, what)
    if head is None:
        masked = np.isnan(values).all(0)
        z = np.where(masked, np.float32(np.nan), np.nanmean(np.where(np.isnan(values), 0, values), 0))
        z = z.astype(np.float32)
    else:
        z = values[head]
    q_tokens, k_tokens = map(_esc_all, trace.attention_tokens(kind))
    q_hover = q_tokens
    if kind != "encoder_self" and len(trace.next_tokens) == len(q_tokens):  # decoder rows predict the next token
        q_hover = [f"{q} → {n}" for q, n in zip(q_tokens, _esc_all(trace.next_tokens))]
    n_q, n_k = z.shape
    masked_txt = label("masked", ui)
    custom = np.empty((n_q, n_k, 3), dtype=object)
    for i in range(n_q):
        for j in range(n_k):
            custom[i, j] = (q_hover[i], k_tokens[j], masked_txt if np.isnan(z[i, j]) else "")
    hover = (f"{label('query', ui)}: %{{y}} %{{customdata[0]}}<br>{label('key', ui)}: %{{x}} %{{customdata[1]}}"
             f"<br>{_value_label(what, ui)}: %{{z:.6g}} %{{customdata[2]}}<extra></extra>")
    head_txt = label("mean_over_heads", ui) if head is None else label("head_n", ui, n=head)
    fig = go.Figure(go.Heatmap(
        z=z, customdata=custom, hovertemplate=hover, hoverongaps=True,
        colorbar=dict(title=dict(text=_value_label(what, ui)), thickness=12), **_color_kwargs(what, z),
    ))
    title = label("title_attention", ui, kind=label(kind, ui), layer=layer, head=head_txt)
    return _finish(
        fig, title, _height(n_q), plot_bgcolor=MASK_COLOR,
        xaxis=_token_axis(k_tokens, label("key", ui), tickangle=-45, side="bottom"),
        yaxis=_token_axis(q_tokens, label("query" if kind == "encoder_self" else "query_decoder", ui),
                          autorange="reversed"),
    )


def attention_grid(trace: Trace, kind: str, what: str = "weights", ui: str = "en",
                   hover_tokens: bool = False) -> go.Figure:
    """Every layer × head of one attention kind, tiled into ONE heatmap: rows layers, columns heads.

    Kept lean for the browser (about 6 bytes of JSON per attention value): float32 z, no per-cell strings, the
    separators one path shape. By default the axes are plain indices and hover shows the row/column index.
    hover_tokens=True names every row and column ("L2 5 casa" = layer 2, query position 5; "H1 3 the" = head 1, key
    position 3; unique, so category axes never merge repeated tokens): hover then shows layer, head and both tokens,
    for about 0.45 more bytes per value at 16 tokens.
    """
    _check_kind(trace, kind)
    _check_choice("what", what, ATTENTION_WHATS)
    stack = ATTENTION_KINDS[kind][0]
    n_layers = _check_stack(trace, stack)
    # Weights are shown as they are: a masked weight is exactly 0 after the softmax (the single-head view and the mask
    # figure mark which cells are masked). NaN there would cost ~0.7 bytes per value in base64 for no information.
    # Scores must mark masked cells (they are -inf), so they go through NaN.
    if what == "weights":
        tiles = trace.attention_stack(kind).astype(np.float32)
    else:
        tiles = np.stack([_masked_attention(trace, kind, layer, what) for layer in range(n_layers)])  # (L, H, Q, K)
    n_l, n_h, n_q, n_k = tiles.shape
    z = np.ascontiguousarray(tiles.transpose(0, 2, 1, 3).reshape(n_l * n_q, n_h * n_k), dtype=np.float32)
    value = f"{_value_label(what, ui)}: %{{z:.4g}}<extra></extra>"
    if hover_tokens:
        q_tokens, k_tokens = map(_esc_all, trace.attention_tokens(kind))
        xs = [f"H{h} {j} {k_tokens[j]}" for h in range(n_h) for j in range(n_k)]
        ys = [f"L{lay} {i} {q_tokens[i]}" for lay in range(n_l) for i in range(n_q)]
        heatmap = go.Heatmap(z=z, x=xs, y=ys, hovertemplate=(
            f"{label('layer', ui)}/{label('query', ui)}: %{{y}}<br>{label('head', ui)}/{label('key', ui)}: %{{x}}<br>"
            + value))
        x_ticks = [xs[h * n_k + (n_k - 1) // 2] for h in range(n_h)]
        y_ticks = [ys[lay * n_q + (n_q - 1) // 2] for lay in range(n_l)]
    else:
        heatmap = go.Heatmap(z=z, hovertemplate=f"{label('row', ui)} %{{y}}, {label('column', ui)} %{{x}}<br>" + value)
        # Tick labels sit on half-integer positions: hover on an axis with array ticks would print the tick text in
        # place of the index of a cell whose position equals a tick value.
        x_ticks = [h * n_k + n_k // 2 - 0.5 * (n_k % 2 == 0) for h in range(n_h)]
        y_ticks = [lay * n_q + n_q // 2 - 0.5 * (n_q % 2 == 0) for lay in range(n_l)]
        x_ticks = [t if t != int(t) else t + 0.5 for t in x_ticks]
        y_ticks = [t if t != int(t) else t + 0.5 for t in y_ticks]
    heatmap.update(hoverongaps=False, colorbar=dict(thickness=12), **_color_kwargs(what, z))
    fig = go.Figure(heatmap)
    # Separators between heads (vertical) and layers (horizontal) as a single SVG path in data coordinates.
    parts = [f"M{h * n_k - 0.5},-0.5V{n_l * n_q - 0.5}" for h in range(1, n_h)]
    parts += [f"M-0.5,{lay * n_q - 0.5}H{n_h * n_k - 0.5}" for lay in range(1, n_l)]
    shapes = [dict(type="path", path="".join(parts), line=dict(color=SEPARATOR, width=2))] if parts else []
    title = label("title_attention_grid", ui, kind=label(kind, ui))
    height = min(MAX_HEIGHT + 300, max(MIN_HEIGHT, 100 + n_l * max(90, 8 * n_q)))
    return _finish(
        fig, title, height, plot_bgcolor=MASK_COLOR, shapes=shapes,
        xaxis=dict(tickmode="array", tickvals=x_ticks, ticktext=[label("head_n", ui, n=h) for h in range(n_h)],
                   side="top"),
        yaxis=dict(tickmode="array", tickvals=y_ticks, ticktext=[label("layer_n", ui, n=lay) for lay in range(n_l)],
                   autorange="reversed"),
    )


def head_summary_figure(trace: Trace, kind: str, metric: str = "entropy", ui: str = "en") -> go.Figure:
    """Layers × heads heatmap of one per-head summary number (analysis.head_summary), values printed in cells."""
    _check_kind(trace, kind)
    _check_choice("metric", metric, HEAD_METRICS)
    _check_stack(trace, ATTENTION_KINDS[kind][0])
    z = head_summary(trace.attention_stack(kind))[metric].astype(np.float32)  # (L, H)
    n_l, n_h = z.shape
    fig = go.Figure(go.Heatmap(
        z=z, colorscale=SEQUENTIAL, texttemplate="%{z:.2f}", colorbar=dict(thickness=12),
        hovertemplate=f"{label('layer', ui)} %{{y}}, {label('head', ui)} %{{x}}<br>{label(metric, ui)}: "
                      "%{z:.4f}<extra></extra>",
    ))
    title = label("title_head_summary", ui, kind=label(kind, ui), metric=label(metric, ui))
    return _finish(
        fig, title, max(260, 120 + 50 * n_l),
        xaxis=dict(title=label("head", ui), tickmode="array", tickvals=list(range(n_h)),
                   ticktext=[str(h) for h in range(n_h)]),
        yaxis=dict(title=label("layer", ui), tickmode="array", tickvals=list(range(n_l)),
                   ticktext=[str(lay) for lay in range(n_l)], autorange="reversed"),
    )


def attention_row(trace: Trace, kind: str, layer: int, query: int, ui: str = "en") -> go.Figure:
    """One query row: bars = weight on each key averaged over heads, markers = each head's weight."""
    _check_kind(trace, kind)
    stack = ATTENTION_KINDS[kind][0]
    _check_layer(trace, stack, layer)
    q_tokens, k_tokens = map(_esc_all, trace.attention_tokens(kind))
    _check_index("query", query, len(q_tokens))
    rows = _masked_attention(trace, kind, layer, "weights")[:, query, :]  # (H, K), masked NaN
    masked = np.isnan(rows).all(0)
    mean = np.where(masked, np.float32(np.nan), np.nanmean(np.where(np.isnan(rows), 0, rows), 0)).astype(np.float32)
    x = np.arange(len(k_tokens), dtype=np.int32)
    w = label("weight", ui)
    fig = go.Figure(go.Bar(
        x=x, y=mean, name=label("mean_over_heads", ui), marker_color=MUTED, customdata=list(k_tokens),
        hovertemplate=f"{label('key', ui)}: %{{x}} %{{customdata}}<br>{w}: %{{y:.4f}}<extra></extra>",
    ))
    for h in range(rows.shape[0]):
        fig.add_trace(go.Scatter(
            x=x, y=rows[h], mode="markers", name=label("head_n", ui, n=h),
            marker=dict(color=PALETTE[h % len(PALETTE)], size=9, symbol="diamond", line=dict(width=1, color="white")),
            hovertemplate=f"{label('head_n', ui, n=h)}<br>{label('key', ui)}: %{{x}}<br>{w}: %{{y:.4f}}<extra></extra>",
        ))
    title = label("title_attention_row", ui, token=q_tokens[query], q=query, kind=label(kind, ui), layer=layer)
    return _finish(
        fig, title, 340, bargap=0.25, legend=dict(orientation="h", y=-0.3),
        xaxis=_token_axis(k_tokens, label("key", ui), tickangle=-45),
        yaxis=dict(title=w, range=[0, 1.02], showgrid=True, gridcolor="#EEEEEE"),
    )


def mask_figure(trace: Trace, ui: str = "en") -> go.Figure:
    """The decoder's causal self-attention mask over target tokens: 1 allowed, 0 masked."""
    _check_kind(trace, "decoder_self")
    allowed = (~attention_mask(trace, "decoder_self")[0]).astype(np.float32)  # (T, T)
    tokens = _esc_all(trace.target_tokens)
    status = np.where(allowed > 0, label("allowed", ui), label("masked", ui)).astype(object)
    fig = go.Figure(go.Heatmap(
        z=allowed, zmin=0, zmax=1, colorscale=[[0, MASK_COLOR], [1, PRIMARY]], showscale=False, xgap=1, ygap=1,
        customdata=status,
        hovertemplate=f"{label('query', ui)}: %{{y}}<br>{label('key', ui)}: %{{x}}<br>%{{customdata}}<extra></extra>",
    ))
    return _finish(
        fig, label("title_mask", ui), _height(len(tokens)),
        xaxis=_token_axis(tokens, label("key", ui), tickangle=-45, constrain="domain"),
        yaxis=_token_axis(tokens, label("query", ui), autorange="reversed", scaleanchor="x"),
    )


# ------------------------------------------------------------------------------------------------- embeddings


def embedding_heatmap(trace: Trace, side: str = "src", which: str = "scaled", ui: str = "en") -> go.Figure:
    """Tokens × dimensions of embed.{side}.{which}, diverging colours centred at 0."""
    tokens = _esc_all(_side_tokens(trace, side))
    _check_choice("which", which, EMBED_PARTS)
    z = _f32(trace[f"embed.{side}.{which}"])
    side_word = label("source" if side == "src" else "target", ui)
    fig = go.Figure(go.Heatmap(
        z=z, colorscale=DIVERGING, zmid=0.0, colorbar=dict(thickness=12),
        hovertemplate=f"{label('position', ui)} %{{y}}<br>{label('dimension', ui)} %{{x}}<br>"
                      f"{label('value', ui)}: %{{z:.4f}}<extra></extra>",
    ))
    return _finish(
        fig, label("title_embedding", ui, which=label(which, ui), side=side_word), _height(len(tokens)),
        xaxis=dict(title=label("dimension", ui)),
        yaxis=_token_axis(tokens, label("token", ui), autorange="reversed"),
    )


def vocab_projection(coords: np.ndarray, words: Sequence[str], highlight: Sequence[str], ui: str = "en",
                     title: str | None = None) -> go.Figure:
    """Every vocabulary word as a small point (coords (N, 2) from analysis.pca_2d); the sentence's words large."""
    xy = _f32(coords)
    if xy.ndim != 2 or xy.shape[1] != 2 or xy.shape[0] != len(words):
        raise ValueError(f"coords must be (len(words), 2) = ({len(words)}, 2), got {xy.shape}")
    index = {w: i for i, w in enumerate(words)}
    chosen = [index[w] for w in dict.fromkeys(highlight) if w in index]
    fig = go.Figure(go.Scatter(  # SVG: ~350 points; WebGL is slow to start without a GPU (headless, some laptops)
        x=xy[:, 0], y=xy[:, 1], mode="markers", name=label("vocabulary", ui), text=_esc_all(words),
        marker=dict(size=5, color=MUTED), hovertemplate="%{text}<extra></extra>",
    ))
    sel = np.array(chosen, dtype=np.int64)
    fig.add_trace(go.Scatter(
        x=np.ascontiguousarray(xy[sel, 0]), y=np.ascontiguousarray(xy[sel, 1]),
        mode="markers+text", name=label("sentence_words", ui), text=[_esc(words[i]) for i in chosen],
        textposition="top center", marker=dict(size=12, color=HIGHLIGHT, line=dict(width=1, color="white")),
        hovertemplate="%{text}<extra></extra>",
    ))
    return _finish(
        fig, title or label("title_vocab", ui), 520, legend=dict(orientation="h", y=-0.12),
        xaxis=dict(title=label("pc1", ui), zeroline=True, zerolinecolor="#DDDDDD"),
        yaxis=dict(title=label("pc2", ui), zeroline=True, zerolinecolor="#DDDDDD"),
    )


def positional_heatmap(pe: np.ndarray, ui: str = "en") -> go.Figure:
    """Positions × dimensions of a positional-encoding table (N, D)."""
    z = _f32(pe)
    if z.ndim != 2:
        raise ValueError(f"pe must be (positions, dimensions), got shape {z.shape}")
    fig = go.Figure(go.Heatmap(
        z=z, colorscale=DIVERGING, zmid=0.0, zmin=-1.0, zmax=1.0, colorbar=dict(thickness=12),
        hovertemplate=f"{label('position', ui)} %{{y}}<br>{label('dimension', ui)} %{{x}}<br>"
                      f"{label('value', ui)}: %{{z:.4f}}<extra></extra>",
    ))
    return _finish(fig, label("title_positional", ui), _height(z.shape[0], extra=160),
                   xaxis=dict(title=label("dimension", ui)),
                   yaxis=dict(title=label("position", ui), autorange="reversed"))


def positional_curves(pe: np.ndarray, dims: Sequence[int], ui: str = "en") -> go.Figure:
    """Selected dimensions of a positional encoding (N, D) as curves over positions."""
    table = _f32(pe)
    if table.ndim != 2:
        raise ValueError(f"pe must be (positions, dimensions), got shape {table.shape}")
    for d in dims:
        _check_index("dimension", int(d), table.shape[1])
    x = np.arange(table.shape[0], dtype=np.int32)
    fig = go.Figure()
    for i, d in enumerate(dims):
        name = f"{label('dimension', ui)} {int(d)}"
        fig.add_trace(go.Scatter(
            x=x, y=np.ascontiguousarray(table[:, int(d)]), mode="lines", name=name,
            line=dict(color=PALETTE[i % len(PALETTE)], width=2),
            hovertemplate=f"{name}<br>{label('position', ui)} %{{x}}: %{{y:.4f}}<extra></extra>",
        ))
    return _finish(fig, label("title_positional_curves", ui), 360,
                   xaxis=dict(title=label("position", ui)),
                   yaxis=dict(title=label("value", ui), range=[-1.1, 1.1], showgrid=True, gridcolor="#EEEEEE"))


def position_similarity(pe: np.ndarray, ui: str = "en") -> go.Figure:
    """Cosine similarity between every pair of positions of a positional encoding (N, D)."""
    table = _f32(pe)
    if table.ndim != 2:
        raise ValueError(f"pe must be (positions, dimensions), got shape {table.shape}")
    z = cosine_similarity(table).astype(np.float32)
    p = label("position", ui)
    fig = go.Figure(go.Heatmap(
        z=z, colorscale=DIVERGING, zmid=0.0, zmin=-1.0, zmax=1.0, colorbar=dict(thickness=12),
        hovertemplate=f"{p} %{{y}} · {p} %{{x}}<br>{label('similarity', ui)}: %{{z:.4f}}<extra></extra>",
    ))
    return _finish(fig, label("title_position_similarity", ui), _height(z.shape[0], extra=160),
                   xaxis=dict(title=p, constrain="domain"),
                   yaxis=dict(title=p, autorange="reversed", scaleanchor="x"))


def embedding_sum_figure(trace: Trace, side: str = "src", ui: str = "en") -> go.Figure:
    """Three heatmaps side by side: scaled embedding + positional encoding = sum (one shared colour scale)."""
    tokens = _esc_all(_side_tokens(trace, side))
    parts = [_f32(trace[f"embed.{side}.{p}"]) for p in ("scaled", "pos", "sum")]
    bound = float(max(np.abs(p).max() for p in parts)) or 1.0
    titles = [label("scaled", ui), "+ " + label("pos", ui), "= " + label("sum", ui)]
    fig = make_subplots(rows=1, cols=3, subplot_titles=titles, shared_yaxes=True, horizontal_spacing=0.03)
    hover = (f"{label('position', ui)} %{{y}}<br>{label('dimension', ui)} %{{x}}<br>"
             f"{label('value', ui)}: %{{z:.4f}}<extra></extra>")
    for i, z in enumerate(parts):
        fig.add_trace(go.Heatmap(z=z, coloraxis="coloraxis", hovertemplate=hover), row=1, col=i + 1)
        fig.update_xaxes(title_text=label("dimension", ui), row=1, col=i + 1)
    fig.update_yaxes(autorange="reversed", tickmode="array", tickvals=list(range(len(tokens))),
                     ticktext=list(tokens))
    side_word = label("source" if side == "src" else "target", ui)
    return _finish(fig, label("title_embedding_sum", ui, side=side_word), _height(len(tokens)),
                   coloraxis=dict(colorscale=DIVERGING, cmid=0.0, cmin=-bound, cmax=bound,
                                  colorbar=dict(thickness=12)))


# ------------------------------------------------------------------------------------------------- feed-forward


def most_active_units(hidden: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k units with the largest mean activation over tokens, most active first. hidden (N, F)."""
    mean = hidden.astype(np.float64).mean(0)
    return np.argsort(-mean, kind="stable")[: max(1, min(k, hidden.shape[1]))]


def ffn_heatmap(trace: Trace, stack: str, layer: int, top_units: int = 40, ui: str = "en") -> go.Figure:
    """Tokens × the `top_units` most active FFN units (after ReLU) of one layer, ordered by mean activation."""
    _check_layer(trace, stack, layer)
    if top_units < 1:
        raise ValueError(f"top_units must be >= 1, got {top_units}")
    hidden = _f32(trace[f"{stack}.{layer}.ffn.hidden"])
    units = most_active_units(hidden, top_units)
    z = np.ascontiguousarray(hidden[:, units])
    tokens = _esc_all(trace.source_tokens if stack == "encoder" else trace.target_tokens)
    unit_ids = [f"u{u}" for u in units]  # unique, so a categorical axis is safe here
    fig = go.Figure(go.Heatmap(
        z=z, x=unit_ids, colorscale=SEQUENTIAL, zmin=0.0, colorbar=dict(thickness=12),
        hovertemplate=f"{label('position', ui)} %{{y}}<br>{label('unit', ui)} %{{x}}<br>"
                      f"{label('activation', ui)}: %{{z:.4f}}<extra></extra>",
    ))
    stack_word = label(stack, ui)
    return _finish(
        fig, label("title_ffn", ui, stack=stack_word, layer=layer, k=len(units)), _height(len(tokens)),
        xaxis=dict(title=f"{label('unit', ui)} ({label('mean_activation', ui)} ↓)", tickangle=-90, type="category"),
        yaxis=_token_axis(tokens, label("token", ui), autorange="reversed"),
    )



def ffn_histogram(trace: Trace, stack: str, layer: int, ui: str = "en", bins: int = 60) -> go.Figure:
    """Distribution of ffn.pre (before the ReLU); the cut at 0 is marked and the fraction passing annotated."""
    _check_layer(trace, stack, layer)
    pre = _f32(trace[f"{stack}.{layer}.ffn.pre"]).ravel()
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
    for name, sel, color in ((label("cut_by_relu", ui), centres <= 0, MUTED),
                             (label("passes_relu", ui), centres > 0, PRIMARY)):
        fig.add_trace(go.Bar(
            x=centres[sel], y=counts[sel], width=widths[sel], name=name, marker_color=color,
            hovertemplate=f"{label('value', ui)} ≈ %{{x:.3f}}<br>{label('count', ui)}: %{{y}}<extra></extra>",
        ))
    fig.add_vline(x=0, line=dict(color=HIGHLIGHT, width=2, dash="dash"))
    fig.add_annotation(x=0, y=1, yref="paper", xanchor="left", yanchor="top", showarrow=False,
                       text=" " + label("active_annotation", ui, pct=100 * frac), font=dict(color=HIGHLIGHT))
    return _finish(fig, label("title_ffn_hist", ui, stack=label(stack, ui), layer=layer), 340, bargap=0,
                   barmode="overlay", legend=dict(orientation="h", y=-0.25),
                   xaxis=dict(title=label("value", ui)),
                   yaxis=dict(title=label("count", ui), showgrid=True, gridcolor="#EEEEEE"),
                   meta=dict(active_fraction=frac))


def active_fractions(trace: Trace, stack: str) -> np.ndarray:
    """(layers,) fraction of FFN hidden values > 0 in each layer of a stack."""
    n = trace.n_layers(stack)
    return np.array([(trace[f"{stack}.{layer}.ffn.hidden"] > 0).mean() for layer in range(n)], dtype=np.float32)


def ffn_active_fraction(trace: Trace, ui: str = "en") -> go.Figure:
    """Fraction of FFN units > 0 per layer, one group of bars per stack present."""
    fig = go.Figure()
    for i, stack in enumerate(s for s in STACKS if trace.n_layers(s)):
        frac = active_fractions(trace, stack)
        fig.add_trace(go.Bar(
            x=np.arange(len(frac), dtype=np.int32), y=frac, name=label(stack, ui),
            marker_color=PALETTE[i], texttemplate="%{y:.0%}", textposition="outside",
            hovertemplate=f"{label(stack, ui)} {label('layer', ui)} %{{x}}<br>{label('active_fraction', ui)}: "
                          "%{y:.1%}<extra></extra>",
        ))
    return _finish(fig, label("title_ffn_active", ui), 320, barmode="group",
                   xaxis=dict(title=label("layer", ui), dtick=1),
                   yaxis=dict(title=label("active_fraction", ui), range=[0, 1.1], tickformat=".0%",
                              showgrid=True, gridcolor="#EEEEEE"))


# ------------------------------------------------------------------------------------------------- residual stream


def residual_steps(trace: Trace, stack: str, ui: str = "en") -> list[tuple[str, str]]:
    """(array name, x label) for each point where the residual stream of a stack is recorded, in order."""
    _check_stack(trace, stack)
    side = "src" if stack == "encoder" else "tgt"
    short = label("enc" if stack == "encoder" else "dec", ui)
    steps = [(f"embed.{side}.sum", label("embed_stage", ui))]
    subs = [("self_attn", "attn" if stack == "encoder" else "self_attn")]
    if stack == "decoder" and trace.has_encoder:
        subs.append(("cross_attn", "cross_attn"))
    subs.append(("ffn", "ffn"))
    for layer in range(trace.n_layers(stack)):
        for sub, word in subs:
            steps.append((f"{stack}.{layer}.{sub}.resid", f"{short} {layer} {label(word, ui)} {label('add', ui)}"))
            steps.append((f"{stack}.{layer}.{sub}.normed",
                          f"{short} {layer} {label(word, ui)} {label('norm_step', ui)}"))
    return steps


def residual_norms(trace: Trace, ui: str = "en", stack: str | None = None) -> go.Figure:
    """L2 norm of each token's residual stream from the embedding through every Add and every Norm of a stack.

    stack "encoder" or "decoder"; None (default) is the encoder when the trace has one, else the decoder.
    """
    stack = stack or ("encoder" if trace.has_encoder else "decoder")
    steps = residual_steps(trace, stack, ui)
    tokens = _esc_all(trace.source_tokens if stack == "encoder" else trace.target_tokens)
    norms = np.stack([np.linalg.norm(_f32(trace[name]), axis=-1) for name, _ in steps]).astype(np.float32)  # (P, N)
    x = np.arange(len(steps), dtype=np.int32)
    fig = go.Figure()
    for i, tok in enumerate(tokens):
        fig.add_trace(go.Scatter(
            x=x, y=np.ascontiguousarray(norms[:, i]), mode="lines+markers", name=f"{i} {tok}",
            line=dict(color=PALETTE[i % len(PALETTE)], width=1.5), marker=dict(size=5),
            customdata=[s for _, s in steps],
            hovertemplate=f"{i} {tok}<br>%{{customdata}}<br>{label('norm', ui)}: %{{y:.3f}}<extra></extra>",
        ))
    return _finish(fig, label("title_residual", ui, stack=label(stack, ui)), 420,
                   xaxis=dict(title=label("stage", ui), tickmode="array", tickvals=x.tolist(),
                              ticktext=[s for _, s in steps], tickangle=-45),
                   yaxis=dict(title=label("norm", ui), showgrid=True, gridcolor="#EEEEEE"),
                   legend=dict(title=dict(text=label("token", ui))))


# ------------------------------------------------------------------------------------------------- output


def _check_step(trace: Trace, step: int) -> None:
    if "logits" not in trace:
        raise ValueError("this trace has no decoder output (logits)")
    _check_index("step", step, trace["logits"].shape[0])


def next_token_distribution(trace: Trace, step: int, temperature: float = 1.0) -> np.ndarray:
    """(V,) softmax(logits[step] / temperature)."""
    _check_step(trace, step)
    if temperature < 0:
        raise ValueError(f"temperature must be >= 0, got {temperature}")
    return softmax(trace["logits"][step][None], temperature)[0]


def next_token_bars(trace: Trace, vocab: Sequence[str], step: int, temperature: float = 1.0, top_k: int = 10,
                    ui: str = "en") -> go.Figure:
    """The top_k next-token probabilities at one decoding step; the token actually chosen is highlighted.

    If the chosen token (sampling) is not among the top_k it is added as an extra bar with its rank.
    """
    probs = next_token_distribution(trace, step, temperature)
    if top_k < 1:
        raise ValueError(f"top_k must be >= 1, got {top_k}")
    order = np.argsort(-probs, kind="stable")
    ids = [int(i) for i in order[:top_k]]
    chosen = int(trace["next.ids"][step]) if "next.ids" in trace else -1
    names = [_esc(vocab[i]) for i in ids]
    if 0 <= chosen < len(probs) and chosen not in ids:
        rank = int(np.nonzero(order == chosen)[0][0]) + 1
        ids.append(chosen)
        names.append(f"{_esc(vocab[chosen])} {label('not_in_top', ui, rank=rank)}")
    p = probs[ids].astype(np.float32)
    y = np.arange(len(ids), dtype=np.int32)
    colors = [HIGHLIGHT if i == chosen else PRIMARY for i in ids]
    logits = trace["logits"][step][ids].astype(np.float32)
    fig = go.Figure(go.Bar(
        x=p, y=y, orientation="h", marker_color=colors, customdata=logits, texttemplate="%{x:.1%}",
        textposition="outside", cliponaxis=False,
        hovertemplate=f"{label('probability', ui)}: %{{x:.4f}}<br>{label('logit', ui)}: %{{customdata:.3f}}"
                      "<extra></extra>",
    ))
    token = _esc(trace.target_tokens[step]) if step < len(trace.target_tokens) else str(step)
    title = label("title_next_token", ui, step=step, token=token, temp=f"{temperature:g}")
    return _finish(fig, title, _height(len(ids), extra=110), showlegend=False,
                   xaxis=dict(title=label("probability", ui), range=[0, min(1.0, float(p.max()) * 1.2 + 0.05)],
                              tickformat=".0%", showgrid=True, gridcolor="#EEEEEE"),
                   yaxis=dict(tickmode="array", tickvals=y.tolist(), ticktext=names, autorange="reversed"),
                   meta=dict(ids=ids, chosen=chosen))


def lens_probs(trace: Trace) -> np.ndarray:
    """(L, T, V): every decoder layer's output through the unembedding (trace names lens.{l}.probs)."""
    n = trace.n_layers("decoder")
    if n == 0 or "lens.0.probs" not in trace:
        raise ValueError("this trace has no logit lens (lens.{l}.probs)")
    return np.stack([trace[f"lens.{layer}.probs"] for layer in range(n)])


def logit_lens(trace: Trace) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(top ids (L, T), top probabilities (L, T), probability of the chosen token (L, T)) per decoder layer."""
    probs = lens_probs(trace)  # (L, T, V)
    n = probs.shape[0]
    top = probs.argmax(-1)
    top_p = np.take_along_axis(probs, top[..., None], -1)[..., 0].astype(np.float32)
    chosen = np.asarray(trace["next.ids"]) if "next.ids" in trace else top[-1]
    chosen_p = np.take_along_axis(probs, np.broadcast_to(chosen[None, :, None], (n, len(chosen), 1)), -1)[..., 0]
    return top, top_p, chosen_p.astype(np.float32)


def _step_pairs(trace: Trace, n: int) -> list[tuple[str, str]]:
    """(decoder input token, chosen next token) for steps 0..n-1."""
    tgt, nxt = trace.target_tokens, trace.next_tokens
    return [(_esc(tgt[t]) if t < len(tgt) else "?", _esc(nxt[t]) if t < len(nxt) else "?") for t in range(n)]


def _step_labels(trace: Trace, n: int) -> list[str]:
    return [f"{inp} → {out}" for inp, out in _step_pairs(trace, n)]


def logit_lens_heatmap(trace: Trace, vocab: Sequence[str], ui: str = "en") -> go.Figure:
    """Rows decoder layers, columns decoding steps: colour = probability of the layer's top token, text = that token."""
    top, top_p, chosen_p = logit_lens(trace)
    n_l, n_t = top.shape
    text = [[_esc(vocab[int(i)]) for i in row] for row in top]
    steps = _step_labels(trace, n_t)
    fig = go.Figure(go.Heatmap(
        z=top_p, text=text, texttemplate="%{text}", colorscale=SEQUENTIAL, zmin=0.0, zmax=1.0,
        customdata=chosen_p, colorbar=dict(title=dict(text=label("p_top", ui)), thickness=12),
        hovertemplate=f"{label('layer', ui)} %{{y}} · {label('step', ui)} %{{x}}<br>{label('top_token', ui)}: "
                      f"%{{text}}<br>{label('p_top', ui)}: %{{z:.3f}}<br>{label('p_chosen', ui)}: "
                      "%{customdata:.3f}<extra></extra>",
    ))
    return _finish(
        fig, label("title_logit_lens", ui), max(260, 120 + 60 * n_l),
        xaxis=dict(title=label("step", ui), tickmode="array", tickvals=list(range(n_t)), ticktext=steps,
                   tickangle=-45),
        yaxis=dict(title=label("layer", ui), tickmode="array", tickvals=list(range(n_l)),
                   ticktext=[label("layer_n", ui, n=lay) for lay in range(n_l)], autorange="reversed"),
    )


# ------------------------------------------------------------------------------------------------- pipeline


def _clip_text(tokens: Sequence[str], limit: int = 28) -> str:
    """Join and cut to `limit` display columns (a CJK character takes two), escaped for Plotly."""
    def cols(ch: str) -> int:
        return 2 if unicodedata.east_asian_width(ch) in "WF" else 1

    text = " ".join(tokens)
    if sum(map(cols, text)) <= limit:
        return _esc(text)
    out, width = "", 1  # one column for the ellipsis
    for ch in text:
        if width + cols(ch) > limit:
            break
        out, width = out + ch, width + cols(ch)
    return _esc(out.rstrip() + "…")


def pipeline_figure(trace: Trace, ui: str = "en") -> go.Figure:
    """The architecture as a left-to-right diagram annotated with the live tokens and array shapes."""
    n_enc, n_dec = trace.n_layers("encoder"), trace.n_layers("decoder")
    D = next(iter(v.shape[-1] for k, v in trace.arrays.items() if k.startswith("embed.")), 0)
    S, T = len(trace.source_tokens), len(trace.target_tokens)
    V = trace["logits"].shape[-1] if "logits" in trace else 0
    boxes: list[tuple[float, float, str, str, str]] = []  # (x, y, text, shape text, colour)
    arrows: list[tuple[float, float, float, float]] = []
    w, h = 1.5, 1.0
    rows = []
    if n_enc:
        rows.append(("src", 3.0, S, trace.source_tokens))
    if n_dec:
        rows.append(("tgt", 1.0 if n_enc else 2.0, T, trace.target_tokens))
    for side, y, n, tokens in rows:
        letter = "S" if side == "src" else "T"
        head = label("pipe_src_tokens" if side == "src" else "pipe_tgt_tokens", ui)
        boxes.append((0.0, y, f"<b>{head}</b><br>{_clip_text(tokens, 22)}", f"{letter}={n}", "#F2F2F2"))
        boxes.append((2.0, y, label("pipe_embed", ui), f"{letter}={n} × D={D}", "#E8F1F8"))
        arrows.append((0.0 + w / 2, y, 2.0 - w / 2, y))
        if side == "src":
            boxes.append((4.0, y, label("pipe_encoder", ui, n=n_enc), f"S={n} × D={D}", "#D6E6F2"))
            arrows.append((2.0 + w / 2, y, 4.0 - w / 2, y))
        else:
            key = "pipe_decoder" if n_enc else "pipe_decoder_only"
            boxes.append((4.0, y, label(key, ui, n=n_dec), f"T={n} × D={D}", "#FBE3D6"))
            arrows.append((2.0 + w / 2, y, 4.0 - w / 2, y))
            boxes.append((6.0, y, label("pipe_unembed", ui), f"T={n} × V={V}", "#FBE3D6"))
            arrows.append((4.0 + w / 2, y, 6.0 - w / 2, y))
            out = trace.output_text or " ".join(trace.next_tokens)
            boxes.append((8.0, y, f"<b>{label('pipe_output', ui)}</b><br>{_clip_text([out], 22)}",
                          f"{len(trace.next_tokens)} {label('tokens', ui)}", "#F2F2F2"))
            arrows.append((6.0 + w / 2, y, 8.0 - w / 2, y))
    if n_enc and n_dec:
        arrows.append((4.0, 3.0 - h / 2, 4.0, 1.0 + h / 2))  # memory -> cross-attention
    fig = go.Figure()
    shapes = [dict(type="rect", x0=x - w / 2, x1=x + w / 2, y0=y - h / 2, y1=y + h / 2, fillcolor=color,
                   line=dict(color="#888888", width=1), layer="below") for x, y, _, _, color in boxes]
    annotations = [dict(x=x, y=y + 0.05, text=text, showarrow=False, font=dict(size=11, color=TEXT))
                   for x, y, text, _, _ in boxes]
    annotations += [dict(x=x, y=y - h / 2 - 0.12, text=f"<i>{dims}</i>", showarrow=False, font=dict(size=10,
                         color="#555555")) for x, y, _, dims, _ in boxes]
    annotations += [dict(x=x1, y=y1, ax=x0, ay=y0, xref="x", yref="y", axref="x", ayref="y", text="",
                         showarrow=True, arrowhead=2, arrowsize=1, arrowwidth=1.5, arrowcolor="#555555")
                    for x0, y0, x1, y1 in arrows]
    if n_enc and n_dec:
        annotations.append(dict(x=4.05, y=2.0, text=label("pipe_memory", ui), showarrow=False, xanchor="left",
                                font=dict(size=10, color="#555555")))
    ys = [b[1] for b in boxes] or [2.0]
    return _finish(
        fig, label("title_pipeline", ui), 200 + 120 * len(rows), shapes=shapes, annotations=annotations,
        xaxis=dict(visible=False, range=[-0.9, 8.9]),
        yaxis=dict(visible=False, range=[min(ys) - 0.9, max(ys) + 0.7]),
    )


# ------------------------------------------------------------------------------------------------- linked (Altair)


def head_map_rows(trace: Trace, kind: str, ui: str = "en") -> list[dict]:
    """One row per head of one attention kind: layer, head, display name and the analysis.head_summary numbers."""
    _check_kind(trace, kind)
    s = head_summary(trace.attention_stack(kind))
    n_l, n_h = s["entropy"].shape
    return [{"layer": a, "head": b, "name": f"{label('layer_n', ui, n=a)} · {label('head_n', ui, n=b)}",
             "entropy": round(float(s["entropy"][a, b]), 4), "max_weight": round(float(s["max_weight"][a, b]), 4),
             "mean_distance": round(float(s["mean_distance"][a, b]), 4)}
            for a in range(n_l) for b in range(n_h)]


@lru_cache(maxsize=32)
def _head_map_template(kind: str, ui: str, n_bars: int) -> str:
    """The Vega-Lite spec of the head map, built with Altair once per (kind, ui, size) against a named dataset."""
    pick = alt.selection_point(name="head", fields=["layer", "head"], on="click", clear="dblclick")
    hover = alt.selection_point(name="hover", fields=["layer", "head"], on="pointerover", clear="pointerout")
    colour = alt.Color("layer:O", title=label("layer", ui), scale=alt.Scale(scheme="viridis"))
    emphasis = alt.condition(pick | hover, alt.value(1.0), alt.value(0.35))
    tooltip = [alt.Tooltip("name:N", title=label("head", ui)),
               alt.Tooltip("entropy:Q", title=label("entropy", ui), format=".3f"),
               alt.Tooltip("max_weight:Q", title=label("max_weight", ui), format=".3f"),
               alt.Tooltip("mean_distance:Q", title=label("mean_distance", ui), format=".2f")]
    base = alt.Chart(alt.NamedData("heads"))
    points = base.mark_circle(size=140, stroke="white", strokeWidth=1).encode(
        x=alt.X("entropy:Q", title=label("entropy", ui)),
        y=alt.Y("mean_distance:Q", title=label("mean_distance", ui)),
        color=colour, opacity=emphasis, tooltip=tooltip,
    ).add_params(pick, hover).properties(width=260, height=220)
    bars = base.mark_bar().encode(
        x=alt.X("name:N", title=None, sort=None, axis=alt.Axis(labelAngle=-60)),
        y=alt.Y("max_weight:Q", title=label("max_weight", ui), scale=alt.Scale(domain=[0, 1])),
        color=colour, opacity=emphasis, tooltip=tooltip,
    ).properties(width=max(160, 16 * n_bars), height=220)
    chart = alt.hconcat(points, bars).properties(
        title=label("title_head_map", ui, kind=label(kind, ui))).configure_view(stroke=None)
    return json.dumps(chart.to_dict())


def head_map_chart(trace: Trace, kind: str, ui: str = "en") -> dict:
    """Every head of one attention kind as a point (entropy × mean distance), linked to a bar per head (max weight).

    A small linked Altair chart, returned as its Vega-Lite spec (dict): hovering or clicking a head highlights it in
    both panels; the click selection is named "head" with fields layer and head, so an app can read it (Streamlit:
    st.vega_lite_chart(spec, on_select=...)) and show that head. The spec is built by Altair once per kind and
    language (its validation takes tens of milliseconds); each trace only fills in the rows.
    """
    rows = head_map_rows(trace, kind, ui)
    spec = json.loads(_head_map_template(kind, ui, len(rows)))
    spec["datasets"] = {"heads": rows}
    return spec
