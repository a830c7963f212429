"""Tokens & embeddings: what the model reads, the embedding rows it looks up, and the whole vocabulary in 2-D."""

import streamlit as st

from ui import cache, session, widgets
from viz_model import figures, tables
from viz_model.i18n import label

run = session.current()
trace, loc = run.trace, run.locale

sides = [s for s, present in (("src", trace.has_encoder), ("tgt", trace.has_decoder)) if present]
for col, side in zip(st.columns(2), sides):  # a model without an encoder (or a decoder) has one side only
    with col:
        st.subheader(label("source_side" if side == "src" else "target_side", loc))
        name = "source_tokens" if side == "src" else "target_tokens"
        widgets.table(run, tables.token_table(trace, side, locale=loc), name, key=f"csv_{side}")

which = session.bind(st.segmented_control, "embedding_rows", label("emb_view", loc), ["raw", "scaled"],
                     format_func=lambda w: label(f"emb_{w}", loc), required=True, label_visibility="collapsed")
for col, side in zip(st.columns(2), sides):
    with col:
        widgets.chart(figures.embedding_heatmap(trace, side, which, locale=loc), key=f"emb_{side}")

coords, words, _ = cache.vocab_projection_coords(sides[0], run.model)  # the first side's vocabulary
widgets.chart(figures.vocab_projection(coords, words, trace.source_tokens or trace.target_tokens, locale=loc,
                                       title=label("projection", loc)), key="vocab_pca")
