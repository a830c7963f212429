"""Look and feel shared by every figure: colours, the small template, token axes, escaping, the layout finish.

Figures follow the visitor's light or dark theme: backgrounds are transparent and text takes the theme's colour
(st.plotly_chart's theme="streamlit"), so only colours that carry meaning are fixed here."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ..i18n import label

FONT_FAMILY = "sans-serif"  # the browser's default sans-serif, which has CJK fallbacks everywhere
# Okabe-Ito: distinguishable with the common forms of colour blindness.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#999999")
PRIMARY = "#0072B2"
HIGHLIGHT = "#D55E00"
MUTED = "#B8B8B8"
TEXT = "#1F2933"  # text inside light boxes (pipeline diagram), readable in either theme
SOFT_TEXT = "#8A8F98"  # secondary text on the page background: readable on light and dark
GRID = "rgba(128, 128, 128, 0.25)"  # grid lines, faint on light and dark
MASK_COLOR = "#D9D9D9"  # plot background behind NaN (masked) heatmap cells
SEPARATOR = "white"
# Colour scales as short explicit lists: a named scale is expanded to 10+ stops in every figure's JSON.
# Viridis (weights, probabilities, activations): perceptually uniform, colour-blind safe.
SEQUENTIAL = [[0.0, "#440154"], [0.25, "#3b528b"], [0.5, "#21918c"], [0.75, "#5ec962"], [1.0, "#fde725"]]
# RdBu (signed values: scores, embeddings), used with the midpoint at 0: red negative, blue positive.
DIVERGING = [[0.0, "#67001f"], [0.25, "#d6604d"], [0.5, "#f7f7f7"], [0.75, "#4393c3"], [1.0, "#053061"]]
MARGIN = dict(l=10, r=10, t=30, b=10)  # the title adds its own room above (title.automargin)
MIN_HEIGHT, MAX_HEIGHT = 300, 900
ROW_PX = 22  # pixels per token row in heatmaps
TITLE_COLUMNS = 44  # titles wrap after this many display columns (a CJK character takes two): none is cut at 390 px

# A deliberately small template: it is serialised into every figure, and the attention grid has a byte budget.
# No background or text colour: st.plotly_chart's "streamlit" theme sets them for the visitor's light or dark theme.
TEMPLATE = go.layout.Template(layout=dict(
    font=dict(family=FONT_FAMILY, size=12),
    xaxis=dict(showgrid=False, zeroline=False, automargin=True),
    yaxis=dict(showgrid=False, zeroline=False, automargin=True),
))
TEMPLATE_JSON = TEMPLATE.to_plotly_json()


def columns(text: str) -> int:
    """Display width: a CJK (wide) character takes two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrap(text: str, width: int = TITLE_COLUMNS) -> str:
    """Break a title into lines of at most `width` display columns with <br>: at spaces, or anywhere in a CJK run."""
    pieces: list[str] = []
    for word in re.findall(r"\S+\s*", text):
        while columns(word.rstrip()) > width:  # a run with no space (Chinese): cut it to the width
            cut = next(i for i in range(len(word), 0, -1) if columns(word[:i]) <= width)
            pieces.append(word[:cut])
            word = word[cut:]
        pieces.append(word)
    lines, line = [], ""
    for piece in pieces:
        if line and columns((line + piece).rstrip()) > width:
            lines.append(line.rstrip())
            line = ""
        line += piece
    lines.append(line.rstrip())
    return "<br>".join(lines)


def token_colors(n: int) -> list[str]:
    """n distinct colours for n tokens: Okabe-Ito up to 8, else n hues evenly spaced around the colour wheel."""
    if n <= len(PALETTE):
        return list(PALETTE[:n])
    return [f"hsl({round(360 * i / n)}, 70%, 48%)" for i in range(n)]


def height_for(n_rows: int, extra: int = 120) -> int:
    return int(min(MAX_HEIGHT, max(MIN_HEIGHT, extra + ROW_PX * n_rows)))


def finish(fig: go.Figure, title: str, height: int, title_pad: int = 10, **layout: object) -> go.Figure:
    """The finished figure: template, height, and the title, wrapped (never cut at a narrow width) and pushing the
    margin above the plot, so axis titles and top tick labels never overlap it (title_pad: more room below it, for
    subplot titles).

    The layout is plain JSON and goes in unvalidated: Plotly's validation of a layout (update_layout) cost more than
    building the rest of a figure. tests/test_figures.py checks every builder against the validated figure, so
    `layout` must be what Plotly itself would produce: nested dicts (no `font_size` shorthand), titles as
    {"text": ...} (a plain string axis title is converted here).
    """
    full = fig.layout.to_plotly_json()  # what the builder set already: subplots, shapes, annotations
    full.update(template=TEMPLATE_JSON, height=height, margin=MARGIN,
                title=dict(text=wrap(title), x=0, xanchor="left", y=1, yref="paper", yanchor="bottom",
                           automargin=True, pad=dict(b=title_pad), font=dict(size=15)))
    for name, value in layout.items():
        if name.startswith(("xaxis", "yaxis")) and isinstance(value, dict) and isinstance(value.get("title"), str):
            value = {**value, "title": dict(text=value["title"])}
        full[name] = value
    return go.Figure(data=fig.data, layout=full, _validate=False)


def thumbnail(fig: go.Figure) -> go.Figure:
    """A small version of a full figure, for the overview's stage cards: shorter, smaller text, no legend, colour bar
    or axis titles (a long axis title outgrows a small plot and runs into its title)."""
    layout = fig.layout.to_plotly_json()
    title = layout.get("title", {})
    layout.update(height=280, margin=dict(l=0, r=0, t=10, b=0), showlegend=False, font=dict(size=9),
                  title={**title, "text": wrap(title.get("text", "").replace("<br>", " "), 44), "font": dict(size=11)})
    for name, axis in layout.items():
        if name.startswith(("xaxis", "yaxis")):
            axis.pop("title", None)
    fig.update_traces(showscale=False, selector=dict(type="heatmap"))
    return go.Figure(data=fig.data, layout=layout, _validate=False)


def f32(a: object) -> np.ndarray:
    """A float32 numpy copy; accepts a CPU torch tensor (duck-typed, torch is not imported)."""
    if hasattr(a, "detach"):
        a = a.detach().cpu().numpy()
    return np.array(a, dtype=np.float32)


def esc(text: str) -> str:
    """Plotly reads a subset of HTML in every text field: "<s>" would strike through, "</s>" vanish. Escape tokens."""
    return html.escape(str(text), quote=False)


def esc_all(tokens: Sequence[str]) -> list[str]:
    return [esc(t) for t in tokens]


def token_axis(tokens: Sequence[str], title: str, **kw: object) -> dict:
    return dict(title=title, tickmode="array", tickvals=list(range(len(tokens))), ticktext=list(tokens), **kw)


def square_axes(n: int) -> tuple[dict, dict]:
    """(x, y) axis settings for an n × n grid drawn square, rows top-down: both ranges fixed to the cells and the
    plot area shrunk (constrain="domain") to keep the aspect, so neither axis is stretched past 0..n-1."""
    cells = [-0.5, n - 0.5]
    return (dict(range=cells, constrain="domain"),
            dict(range=cells[::-1], scaleanchor="x", constrain="domain"))


def value_label(what: str, locale: str) -> str:
    return label("weight" if what == "weights" else "score", locale)


def color_kwargs(what: str, z: np.ndarray) -> dict:
    if what == "weights":
        top = float(np.nanmax(z)) if np.isfinite(z).any() else 1.0
        return dict(colorscale=SEQUENTIAL, zmin=0.0, zmax=max(top, 1e-6))
    return dict(colorscale=DIVERGING, zmid=0.0)
