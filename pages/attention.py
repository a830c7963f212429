"""Attention: encoder self-attention, decoder masked self-attention and cross-attention, layer by layer."""

import streamlit as st

from ui import models, page, state
from ui.text import t
from viz_model import figures, tables
from viz_model.trace import ATTENTION_KINDS, attention_name

ctx = page.start("attention")
ui, trace, view = ctx.ui, ctx.trace, ctx.view
trace = models.words_toggle(trace, ui)  # subword models: optionally merged into words (ui/models.py)
kinds = [k for k in ATTENTION_KINDS if k in trace.attention_kinds()]
labels = {k: t(f"tab_{k}", ui) for k in kinds}
by_label = {v: k for k, v in labels.items()}
if view["kind"] not in labels:
    view["kind"] = kinds[0]


def _tab_changed(key: str) -> None:
    view["kind"] = by_label.get(st.session_state[key], kinds[0])


def matrix(kind: str, n_layers: int, playing: bool) -> None:
    """Layer and head pickers and the chosen matrix; while playing, each run moves one layer on."""
    if playing:
        view["layer"] = (min(view["layer"], n_layers - 1) + 1) % n_layers
    c1, c2 = st.columns([2, 1])
    with c1:
        layer = page.layer_slider(n_layers, ui, key=f"w_layer_{kind}")
    with c2:
        head = page.head_select(trace.n_heads, ui, key=f"w_head_{kind}")
    page.chart(figures.attention_heatmap(trace, kind, layer, head, ui=ui), key=f"heatmap_{kind}")
    if kind == "decoder_self" and attention_name(kind, layer, "scores") in trace:
        st.subheader(t("scores_vs_weights", ui))
        c1, c2 = st.columns(2)
        with c1:
            page.chart(figures.attention_heatmap(trace, kind, layer, head, what="scores", ui=ui), key="scores")
        with c2:
            page.chart(figures.attention_heatmap(trace, kind, layer, head, what="weights", ui=ui), key="weights")
    state.sync_url()  # a fragment rerun skips the router's own sync


def show(kind: str) -> None:
    n_layers = trace.n_layers(ATTENTION_KINDS[kind][0])
    playing = st.toggle(t("play", ui), key=f"play_{kind}", help=t("play_help", ui)) and n_layers > 1
    if playing:  # a fragment that reruns itself every second, moving one layer on each time
        st.fragment(matrix, run_every=1.0)(kind, n_layers, playing)
    else:
        matrix(kind, n_layers, playing)
    if kind == "decoder_self":
        st.subheader(t("mask", ui))
        page.chart(figures.mask_figure(trace, ui=ui), key="mask")
    st.subheader(t("all_heads", ui))
    page.chart(figures.attention_grid(trace, kind, ui=ui), key=f"grid_{kind}")
    st.subheader(t("head_stats", ui))
    c1, c2 = st.columns(2)
    with c1:
        page.chart(figures.head_summary_figure(trace, kind, ui=ui), key=f"summary_{kind}")
    with c2:
        page.table(tables.head_summary_table(trace, kind, ui=ui), f"heads_{kind}", ui, key=f"csv_heads_{kind}")
    page.head_map(trace, kind, ui)


tab_key = f"attn_tabs_{ui}"
tabs = st.tabs(list(labels.values()), default=labels[view["kind"]], key=tab_key, on_change=_tab_changed,
               args=(tab_key,))
for kind, tab in zip(kinds, tabs):
    if tab.open or (tab.open is None and kind == view["kind"]):
        with tab:
            show(kind)
