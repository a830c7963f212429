"""Tokens & embeddings: what the model reads, the embedding rows it looks up, and the whole vocabulary in 2-D."""

import streamlit as st

from ui import cache, page, state
from ui.text import t
from viz_model import figures, tables

ctx = page.start("embeddings")
ui, trace = ctx.ui, ctx.trace

sides = [s for s, present in (("src", trace.has_encoder), ("tgt", trace.has_decoder)) if present]
cols = st.columns(2)
for col, side in zip(cols, sides):  # a model without an encoder (or a decoder) has one side only
    with col:
        st.subheader(t("source" if side == "src" else "target_side", ui))
        name = "source_tokens" if side == "src" else "target_tokens"
        page.table(tables.token_table(trace, side, ui=ui), name, ui, key=f"csv_{side}")

which = state.bound(st.segmented_control, "emb", t("emb_view", ui), ["raw", "scaled"], format_func=lambda w: t(w, ui),
                    required=True, label_visibility="collapsed")
for col, side in zip(st.columns(2), sides):
    with col:
        page.chart(figures.embedding_heatmap(trace, side, which, ui=ui), key=f"emb_{side}")

coords, words, _ = cache.vocab_projection_coords(sides[0])
page.chart(figures.vocab_projection(coords, words, trace.source_tokens or trace.target_tokens, ui=ui,
                                    title=t("projection", ui)), key="vocab_pca")
