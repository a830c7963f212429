"""Positional encoding: the sinusoid table, chosen dimensions as curves, how alike positions are, and the sum."""

import streamlit as st

from ui import cache, models, page, sidebar, state
from ui.text import t
from viz_model import figures

ctx = page.start("positional")
ui, trace = ctx.ui, ctx.trace
d_model = ctx.engine.describe()["d_model"]
auto_n = max(len(trace.source_tokens), len(trace.target_tokens), 32)

n = state.bound(st.slider, "n", t("positions_n", ui), 4, 256, to_widget=lambda v: v or auto_n)
own = getattr(ctx.engine, "position_table", None)  # a model other than the shipped one has its own table
pe = own(n) if own else cache.positions(n, d_model)
if pe is None:
    st.info(models.RELATIVE_POSITIONS, icon="↔️")
    page.chart(figures.embedding_sum_figure(trace, "src" if trace.has_encoder else "tgt", ui=ui), key="pe_sum")
    sidebar.finish()
    st.stop()
page.chart(figures.positional_heatmap(pe, ui=ui), key="pe_heatmap")

dims = state.bound(st.multiselect, "dims", t("dims", ui), list(range(d_model)),
                   to_widget=lambda v: [d for d in v if d < d_model], from_widget=lambda v: tuple(v))
c1, c2 = st.columns(2)
with c1:
    page.chart(figures.positional_curves(pe, list(dims), ui=ui), key="pe_curves")
with c2:
    page.chart(figures.position_similarity(pe, ui=ui), key="pe_similarity")
page.chart(figures.embedding_sum_figure(trace, "src" if trace.has_encoder else "tgt", ui=ui), key="pe_sum")
