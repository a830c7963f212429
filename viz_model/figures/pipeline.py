"""The architecture as a left-to-right diagram annotated with the live tokens and array shapes."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import plotly.graph_objects as go

from ..i18n import label
from ..trace import Trace
from .style import SOFT_TEXT, TEXT, esc, finish


def clip_text(tokens: Sequence[str], limit: int = 28) -> str:
    """Join and cut to `limit` display columns (a CJK character takes two), escaped for Plotly."""
    def cols(ch: str) -> int:
        return 2 if unicodedata.east_asian_width(ch) in "WF" else 1

    text = " ".join(tokens)
    if sum(map(cols, text)) <= limit:
        return esc(text)
    out, width = "", 1  # one column for the ellipsis
    for ch in text:
        if width + cols(ch) > limit:
            break
        out, width = out + ch, width + cols(ch)
    return esc(out.rstrip() + "…")


def pipeline_figure(trace: Trace, locale: str = "en") -> go.Figure:
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
        head = label("pipe_src_tokens" if side == "src" else "pipe_tgt_tokens", locale)
        boxes.append((0.0, y, f"<b>{head}</b><br>{clip_text(tokens, 22)}", f"{letter}={n}", "#F2F2F2"))
        boxes.append((2.0, y, label("pipe_embed", locale), f"{letter}={n} × D={D}", "#E8F1F8"))
        arrows.append((0.0 + w / 2, y, 2.0 - w / 2, y))
        if side == "src":
            boxes.append((4.0, y, label("pipe_encoder", locale, n=n_enc), f"S={n} × D={D}", "#D6E6F2"))
            arrows.append((2.0 + w / 2, y, 4.0 - w / 2, y))
        else:
            key = "pipe_decoder" if n_enc else "pipe_decoder_only"
            boxes.append((4.0, y, label(key, locale, n=n_dec), f"T={n} × D={D}", "#FBE3D6"))
            arrows.append((2.0 + w / 2, y, 4.0 - w / 2, y))
            boxes.append((6.0, y, label("pipe_unembed", locale), f"T={n} × V={V}", "#FBE3D6"))
            arrows.append((4.0 + w / 2, y, 6.0 - w / 2, y))
            out = trace.output_text or " ".join(trace.next_tokens)
            boxes.append((8.0, y, f"<b>{label('pipe_output', locale)}</b><br>{clip_text([out], 22)}",
                          f"{len(trace.next_tokens)} {label('tokens', locale)}", "#F2F2F2"))
            arrows.append((6.0 + w / 2, y, 8.0 - w / 2, y))
    if n_enc and n_dec:
        arrows.append((4.0, 3.0 - h / 2, 4.0, 1.0 + h / 2))  # memory -> cross-attention
    fig = go.Figure()
    shapes = [dict(type="rect", x0=x - w / 2, x1=x + w / 2, y0=y - h / 2, y1=y + h / 2, fillcolor=color,
                   line=dict(color="#888888", width=1), layer="below") for x, y, _, _, color in boxes]
    annotations = [dict(x=x, y=y + 0.05, text=text, showarrow=False, font=dict(size=11, color=TEXT))
                   for x, y, text, _, _ in boxes]
    annotations += [dict(x=x, y=y - h / 2 - 0.12, text=f"<i>{dims}</i>", showarrow=False, font=dict(size=10,
                         color=SOFT_TEXT)) for x, y, _, dims, _ in boxes]
    annotations += [dict(x=x1, y=y1, ax=x0, ay=y0, xref="x", yref="y", axref="x", ayref="y", text="",
                         showarrow=True, arrowhead=2, arrowsize=1, arrowwidth=1.5, arrowcolor=SOFT_TEXT)
                    for x0, y0, x1, y1 in arrows]
    if n_enc and n_dec:
        annotations.append(dict(x=4.05, y=2.0, text=label("pipe_memory", locale), showarrow=False, xanchor="left",
                                font=dict(size=10, color=SOFT_TEXT)))
    ys = [b[1] for b in boxes] or [2.0]
    return finish(
        fig, label("title_pipeline", locale), 200 + 120 * len(rows), shapes=shapes, annotations=annotations,
        xaxis=dict(visible=False, range=[-0.9, 8.9]),
        yaxis=dict(visible=False, range=[min(ys) - 0.9, max(ys) + 0.7]),
    )
