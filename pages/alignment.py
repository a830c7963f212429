"""Alignment & flow (issue 8): the model's word alignment over cross-attention with the grammar's gold links and
this sentence's AER per layer and head; attention flow through every layer beside raw last-layer attention."""

import streamlit as st

from ui import session, widgets
from ui.markdown import md_escape
from viz_model import figures, tables
from viz_model.flow import RESIDUAL, best_head, gold_status, sentence_aer
from viz_model.i18n import label

run = session.current()
trace, loc = run.trace, run.locale


def show() -> None:
    st.header(label("align_section", loc))
    st.markdown(label("align_explain", loc))
    c1, c2 = st.columns([2, 1])
    with c1:
        layer = widgets.layer_slider(run, trace.n_layers("decoder"), key="layer_align")
    with c2:
        head = widgets.head_select(run, key="head_align")
    status = gold_status(trace)
    if status != "ok":
        st.info(label(f"align_{status}", loc), icon="ℹ️")
    widgets.chart(figures.alignment_figure(trace, layer, head, locale=loc), key="alignment")
    with st.expander(label("align_table", loc)):
        widgets.table(run, tables.alignment_table(trace, layer, head, locale=loc), f"alignment_layer{layer}",
                      key="csv_alignment")
    if status == "ok":
        st.subheader(label("align_aer_section", loc))
        st.markdown(md_escape(label("align_aer_explain", loc)))
        per_head, _ = sentence_aer(trace)
        b_layer, b_head = best_head(per_head)
        st.markdown(label("align_best_line", loc, layer=b_layer, head=b_head, aer=f"{per_head[b_layer, b_head]:.0%}"))
        widgets.chart(figures.aer_heatmap(trace, locale=loc), key="aer")

    st.header(label("flow_section", loc))
    n_dec = trace.n_layers("decoder")
    st.markdown(md_escape(label("flow_explain", loc, n=n_dec, share=f"{RESIDUAL ** n_dec:.1%}")))
    for stage in figures.FLOW_STAGES:
        st.subheader(label(f"flow_{stage}", loc))
        c1, c2 = st.columns(2)
        for col, what in zip((c1, c2), ("flow", "raw")):
            with col:
                widgets.chart(figures.flow_heatmap(trace, stage, what, locale=loc), key=f"{what}_{stage}")


if "cross" in trace.attention_kinds():
    show()
else:  # an encoder-only or decoder-only model
    st.info(label("needs_cross", loc), icon="🚧")
