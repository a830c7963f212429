"""Feed-forward: one layer's hidden units on this sentence, how many pass the ReLU, and the residual stream."""

import streamlit as st

from ui import page, state
from ui.text import t
from viz_model import figures, tables

ctx = page.start("ffn")
ui, trace = ctx.ui, ctx.trace

c1, c2 = st.columns([1, 2])
with c1:
    stacks = [s for s in ("encoder", "decoder") if trace.n_layers(s)]  # a model may have one stack only
    stack = state.bound(st.segmented_control, "stack", t("stack", ui), stacks, format_func=lambda s: t(s, ui),
                        required=True, to_widget=lambda v: v if v in stacks else stacks[0])
    stack = stack if stack in stacks else stacks[0]
with c2:
    layer = page.layer_slider(trace.n_layers(stack), ui, key="w_layer_ffn")

c1, c2 = st.columns([3, 2])
with c1:
    page.chart(figures.ffn_heatmap(trace, stack, layer, top_units=40, ui=ui), key="ffn_heatmap")
with c2:
    page.chart(figures.ffn_histogram(trace, stack, layer, ui=ui), key="ffn_hist")
st.subheader(t("top_units", ui))
page.table(tables.top_units_table(trace, stack, layer, k=5, ui=ui), f"top_units_{stack}_{layer}", ui, key="csv_units")
page.chart(figures.ffn_active_fraction(trace, ui=ui), key="ffn_active")
st.subheader(t("residual", ui))
page.chart(figures.residual_norms(trace, ui=ui), key="residual")
