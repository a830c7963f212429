"""Tokens & embeddings: what the model reads, the embedding rows it looks up, and the whole vocabulary in 2-D."""

import streamlit as st

from ui import cache, page, state
from ui.text import t
from viz_model import figures, tables

ctx = page.start("embeddings")
ui, trace = ctx.ui, ctx.trace

c1, c2 = st.columns(2)
with c1:
    st.subheader(t("source", ui))
    page.table(tables.token_table(trace, "src", ui=ui), "source_tokens", ui, key="csv_src")
with c2:
    st.subheader(t("target_side", ui))
    page.table(tables.token_table(trace, "tgt", ui=ui), "target_tokens", ui, key="csv_tgt")

which = state.bound(st.segmented_control, "emb", t("emb_view", ui), ["raw", "scaled"], format_func=lambda w: t(w, ui),
                    required=True, label_visibility="collapsed")
c1, c2 = st.columns(2)
with c1:
    page.chart(figures.embedding_heatmap(trace, "src", which, ui=ui), key="emb_src")
with c2:
    page.chart(figures.embedding_heatmap(trace, "tgt", which, ui=ui), key="emb_tgt")

coords, words, _ = cache.vocab_projection_coords("src")
page.chart(figures.vocab_projection(coords, words, trace.source_tokens, ui=ui, title=t("projection", ui)),
           key="vocab_pca")
