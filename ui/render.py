"""Small renderers for the overview: the input with unknown words marked, the translation, the model card.

User text only ever reaches st.markdown through text.md_escape (no raw HTML anywhere).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from viz_model import grammar
from viz_model.engine import Engine
from viz_model.trace import Trace

from . import page
from .text import md_escape, t, word_class


def source_with_unknown(trace: Trace, ui: str) -> None:
    """The words as typed; unknown ones (read as <unk>) highlighted, with the nearest known words."""
    words = list(trace.meta.get("source_words", ()))
    unknown = list(trace.meta.get("unknown_words", ()))
    marked = [f":orange-background[{md_escape(w)}]" if w in unknown else md_escape(w) for w in words]
    st.markdown("#### " + " ".join(marked))
    if unknown:
        lines = [t("unknown_words", ui, words=", ".join(md_escape(w) for w in unknown))]
        for w in unknown:
            near = trace.meta.get("suggestions", {}).get(w) or []
            hint = ", ".join(md_escape(s) for s in near) if near else t("no_suggestion", ui)
            lines.append(f"- **{md_escape(w)}** → {t('did_you_mean', ui)}: {hint}")
        st.warning("\n".join(lines), icon="❓")


def translation(trace: Trace) -> None:
    st.markdown("#### " + md_escape(trace.output_text or "∅"))


def small(fig: go.Figure) -> go.Figure:
    """A thumbnail of a full figure for the overview's stage cards."""
    fig.update_layout(height=260, margin=dict(l=0, r=0, t=28, b=0), showlegend=False, title_font_size=11,
                      font_size=9)
    fig.update_traces(showscale=False, selector=dict(type="heatmap"))
    return fig


def _pct(x: Any) -> str:
    return f"{x:.1%}" if isinstance(x, (int, float)) else "–"


def model_card(engine: Engine, ui: str) -> None:
    """Architecture, training and held-out metrics (exact match and alignment error) of the shared model."""
    d = engine.describe()
    st.markdown(t("model_shape", ui, enc=d["encoder_layers"], dec=d["decoder_layers"], heads=d["heads"],
                  d=d["d_model"], ff=d["d_ff"], params=d["parameters"], sv=d["src_vocab"], tv=d["tgt_vocab"]))
    st.caption(t("where_runs", ui, device=d["device"]))
    info = engine.info
    if info.get("task"):
        st.markdown(f"**{t('task', ui)}:** {md_escape(info['task'])}")
    if info.get("steps"):
        train_n = (info.get("sentences") or {}).get("train", "?")
        st.markdown(f"**{t('training', ui)}:** " + t("training_line", ui, steps=info["steps"],
                    minutes=info.get("minutes", "?"), device=info.get("device", "?"), train=train_n))
    metrics = info.get("metrics") or {}
    langs = metrics.get("languages") or {}
    if not langs:
        st.caption(t("no_metrics", ui))
        return
    st.markdown(f"**{t('metrics', ui, n=metrics.get('n_sentences', '?'))}**")
    for col, (lang, r) in zip(st.columns(len(langs)), langs.items()):
        with col, st.container(border=True):
            st.markdown(f"**{t(f'lang_{lang}', ui) if lang in ('es', 'zh') else md_escape(lang)}**")
            c1, c2 = st.columns(2)
            c1.metric(t("exact_match", ui), _pct(r.get("exact_match")))
            c2.metric(t("aer", ui), _pct((r.get("aer") or {}).get("best_head_aer")), help=t("aer_help", ui))


@st.cache_data(show_spinner=False)
def _word_classes() -> dict[str, list[str]]:
    return grammar.word_classes()


def vocabulary_browser(ui: str) -> None:
    """Every English word the model knows, one row per word class, filtered by a search box."""
    st.subheader(t("vocabulary", ui))
    query = st.text_input(t("vocab_search", ui), key="vocab_search", max_chars=40).strip().lower()
    rows = []
    for cls, words in _word_classes().items():
        hits = words if not query or query in cls.lower() else [w for w in words if query in w]
        if hits:
            rows.append((word_class(cls, ui), len(hits), ", ".join(hits)))
    df = pd.DataFrame(rows, columns=[t("word_class", ui), t("count", ui), t("words", ui)])
    page.table(df, "vocabulary", ui, key="csv_vocab")
