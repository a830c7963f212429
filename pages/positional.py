"""Positional encoding: the sinusoid table, chosen dimensions as curves, how alike positions are, and the sum."""

import streamlit as st

from ui import cache, session, widgets
from ui.view import AUTO_POSITIONS, bounds
from viz_model import figures
from viz_model.i18n import label

run = session.current()
trace, loc = run.trace, run.locale
d_model = run.limits.d_model
auto_n = max(len(trace.source_tokens), len(trace.target_tokens), AUTO_POSITIONS)

side = "src" if trace.has_encoder else "tgt"
own = getattr(run.engine, "position_table", None)  # a model other than the shipped one has its own table
if own is not None and own(1) is None:  # relative positions (T5): no table to draw, only the embedding sum
    st.info(label("relative_positions", loc), icon="↔️")
else:
    n = session.slider("positions", label("positions_n", loc), run.limits, auto=auto_n)
    pe = own(n) if own is not None else cache.positions(n, d_model)
    widgets.chart(figures.positional_heatmap(pe, locale=loc), key="pe_heatmap")

    lo, hi = bounds("dims", run.limits)
    dims = session.bind(st.multiselect, "dims", label("dims", loc), list(range(int(lo), int(hi) + 1)),
                        to_widget=lambda v: [d for d in v if lo <= d <= hi], from_widget=tuple,
                        max_selections=16)
    c1, c2 = st.columns(2)
    with c1:
        widgets.chart(figures.positional_curves(pe, list(dims), locale=loc), key="pe_curves")
    with c2:
        widgets.chart(figures.position_similarity(pe, locale=loc), key="pe_similarity")
widgets.chart(figures.embedding_sum_figure(trace, side, locale=loc), key="pe_sum")
