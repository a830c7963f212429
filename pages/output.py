"""Output & decoding: replay generation step by step, the next-token distribution, and the logit lens."""

import streamlit as st

from ui import page, state
from ui.text import md_escape, t
from viz_model import figures, tables

ctx = page.start("output")
ui, trace, view = ctx.ui, ctx.trace, ctx.view
n_steps = len(trace.next_tokens)

if view["step"] > n_steps - 1:
    st.info(t("clamped_step", ui, value=view["step"], clamped=n_steps - 1))
    view["step"] = n_steps - 1
step = 0
if n_steps > 1:
    step = state.bound(st.slider, "step", t("step", ui), 0, n_steps - 1)
c1, c2 = st.columns([3, 1])
c1.markdown(f"**{t('so_far', ui)}**")
c1.code(" ".join(trace.target_tokens[: step + 1]), language=None, wrap_lines=True)
c2.markdown(f"**{t('chosen', ui)}**")
c2.code(trace.next_tokens[step], language=None)

c1, c2 = st.columns(2)
with c1:
    vt = state.bound(st.slider, "vt", t("view_temperature", ui), 0.1, 5.0, step=0.05,
                     from_widget=lambda v: round(float(v), 2))
with c2:
    k = state.bound(st.slider, "k", t("view_top_k", ui), 1, 30)
c1, c2 = st.columns([3, 2])
with c1:
    page.chart(figures.next_token_bars(trace, ctx.vocab, step, temperature=vt, top_k=k, ui=ui), key="next_bars")
with c2:
    page.table(tables.next_token_table(trace, ctx.vocab, step, temperature=vt, k=k, ui=ui), f"next_token_step{step}",
               ui, key="csv_next")

layer = page.layer_slider(trace.n_layers("decoder"), ui, key="w_layer_out")
c1, c2 = st.columns(2)
with c1:
    st.markdown(f"**{md_escape(t('causal_row', ui))}**")
    page.chart(figures.attention_row(trace, "decoder_self", layer, step, ui=ui), key="row_self")
if "cross" in trace.attention_kinds():  # a decoder-only model has no cross-attention
    with c2:
        st.markdown(f"**{md_escape(t('cross_row', ui))}**")
        page.chart(figures.attention_row(trace, "cross", layer, step, ui=ui), key="row_cross")

st.subheader(t("lens", ui))
page.chart(figures.logit_lens_heatmap(trace, ctx.vocab, ui=ui), key="lens")
page.table(tables.logit_lens_table(trace, ctx.vocab, k=1, ui=ui), "logit_lens", ui, key="csv_lens")
