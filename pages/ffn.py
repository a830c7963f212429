"""Feed-forward: one layer's hidden units on this sentence, how many pass the ReLU, and the residual stream."""

import streamlit as st

from ui import session, widgets
from viz_model import figures, tables
from viz_model.i18n import label

run = session.current()
trace, loc = run.trace, run.locale

c1, c2 = st.columns([1, 2])
with c1:
    stacks = [s for s in ("encoder", "decoder") if trace.n_layers(s)]  # a model may have one stack only
    stack = session.bind(st.segmented_control, "ffn_stack", label("stack", loc), stacks,
                         format_func=lambda s: label(f"pick_{s}", loc), required=True,
                         to_widget=lambda v: v if v in stacks else stacks[0])
    stack = stack if stack in stacks else stacks[0]
with c2:
    layer = widgets.layer_slider(run, trace.n_layers(stack), key="layer_ffn")

c1, c2 = st.columns([3, 2])
with c1:
    widgets.chart(figures.ffn_heatmap(trace, stack, layer, top_units=40, locale=loc), key="ffn_heatmap")
with c2:
    widgets.chart(figures.ffn_histogram(trace, stack, layer, locale=loc), key="ffn_hist")
st.subheader(label("top_units", loc))
widgets.table(run, tables.top_units_table(trace, stack, layer, k=5, locale=loc), f"top_units_{stack}_{layer}",
              key="csv_units")
widgets.chart(figures.ffn_active_fraction(trace, locale=loc), key="ffn_active")
st.subheader(label("residual", loc))
widgets.chart(figures.residual_norms_figure(trace, stack=stack, locale=loc), key="residual")
