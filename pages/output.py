"""Output & decoding: replay generation step by step, the next-token distribution, and the logit lens."""

import streamlit as st

from ui import honesty, session, widgets
from viz_model import figures, tables
from viz_model.i18n import label

run = session.current()
trace, loc = run.trace, run.locale
n_steps = len(trace.next_tokens)

with st.container(border=True):  # the translation and what is known about it (reference, unsure tokens, copies)
    honesty.panel(run, charts=False)

step = 0
if n_steps > 1:
    step = session.slider("step", label("pick_step", loc), run.limits, hi=n_steps - 1)
c1, c2 = st.columns([3, 1])
c1.markdown(f"**{label('so_far', loc)}**")
c1.code(" ".join(trace.target_tokens[: step + 1]), language=None, wrap_lines=True)
c2.markdown(f"**{label('chosen_next', loc)}**")
c2.code(trace.next_tokens[step], language=None)

c1, c2 = st.columns(2)
with c1:
    vt = session.slider("chart_temperature", label("view_temperature", loc), run.limits, step=0.05,
                        from_widget=lambda v: round(float(v), 2))
with c2:
    k = session.slider("bars", label("view_top_k", loc), run.limits)
c1, c2 = st.columns([3, 2])
with c1:
    widgets.chart(figures.next_token_bars(trace, run.vocab, step, temperature=vt, top_k=k, locale=loc),
                  key="next_bars")
with c2:
    widgets.table(run, tables.next_token_table(trace, run.vocab, step, temperature=vt, k=k, locale=loc),
                  f"next_token_step{step}", key="csv_next")

layer = widgets.layer_slider(run, trace.n_layers("decoder"), key="layer_out")
c1, c2 = st.columns(2)
with c1:
    st.markdown(f"**{label('causal_row', loc)}**")
    widgets.chart(figures.attention_row(trace, "decoder_self", layer, step, locale=loc), key="row_self")
if "cross" in trace.attention_kinds():  # a decoder-only model has no cross-attention
    with c2:
        st.markdown(f"**{label('cross_row', loc)}**")
        widgets.chart(figures.attention_row(trace, "cross", layer, step, locale=loc), key="row_cross")

st.subheader(label("lens", loc))
widgets.chart(figures.logit_lens_heatmap(trace, run.vocab, locale=loc), key="lens")
widgets.table(run, tables.logit_lens_table(trace, run.vocab, k=1, locale=loc), "logit_lens", key="csv_lens")
