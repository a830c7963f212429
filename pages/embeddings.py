"""Tokens & embeddings: what the model reads, the embedding rows it looks up, and the whole vocabulary in 2-D."""

import streamlit as st

from ui import cache, session, widgets
from viz_model import figures, tables
from viz_model.i18n import label

run = session.current()
trace, loc = run.trace, run.locale

c1, c2 = st.columns(2)
with c1:
    st.subheader(label("source_side", loc))
    widgets.table(run, tables.token_table(trace, "src", locale=loc), "source_tokens", key="csv_src")
with c2:
    st.subheader(label("target_side", loc))
    widgets.table(run, tables.token_table(trace, "tgt", locale=loc), "target_tokens", key="csv_tgt")

which = session.bind(st.segmented_control, "embedding_rows", label("emb_view", loc), ["raw", "scaled"],
                     format_func=lambda w: label(f"emb_{w}", loc), required=True, label_visibility="collapsed")
c1, c2 = st.columns(2)
with c1:
    widgets.chart(figures.embedding_heatmap(trace, "src", which, locale=loc), key="emb_src")
with c2:
    widgets.chart(figures.embedding_heatmap(trace, "tgt", which, locale=loc), key="emb_tgt")

coords, words, _ = cache.vocab_projection_coords("src")
widgets.chart(figures.vocab_projection(coords, words, trace.source_tokens, locale=loc,
                                       title=label("projection", loc)), key="vocab_pca")
