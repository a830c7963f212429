"""Attention: encoder self-attention, decoder masked self-attention and cross-attention, layer by layer."""

import time

import streamlit as st

from ui import models, session, widgets
from viz_model import figures, tables
from viz_model.i18n import label
from viz_model.trace import ATTENTION_KINDS, attention_name

run = session.current()
trace, loc, view = run.trace, run.locale, run.view
trace = models.words_toggle(trace, loc)  # subword models: optionally merged into words (ui/models.py)
kinds = [k for k in ATTENTION_KINDS if k in trace.attention_kinds()]
labels = {k: label(f"tab_{k}", loc) for k in kinds}
by_label = {v: k for k, v in labels.items()}
shown = view.attention_kind if view.attention_kind in labels else kinds[0]


def tab_changed(key: str) -> None:
    session.update(attention_kind=by_label.get(st.session_state[key], kinds[0]))


def play(kind: str, n_layers: int) -> None:
    """The play timer (a fragment run every second): one layer on, then a full rerun, so the router redraws the page
    and writes the URL. Switching play on moves one layer at once; a run within 0.9 s of the last step does not."""
    key = f"_played_{kind}"
    last = st.session_state.get(key)
    if last is None or time.monotonic() - last >= 0.9:
        st.session_state[key] = time.monotonic()
        session.update(layer=(min(session.view().layer, n_layers - 1) + 1) % n_layers)
        if last is not None:
            st.rerun(scope="app")


def show(kind: str) -> None:
    n_layers = trace.n_layers(ATTENTION_KINDS[kind][0])
    playing = st.toggle(label("play", loc), key=f"play_{kind}", help=label("play_help", loc)) and n_layers > 1
    if playing:
        st.fragment(play, run_every=1.0)(kind, n_layers)
    else:
        st.session_state.pop(f"_played_{kind}", None)
    c1, c2 = st.columns([2, 1])
    with c1:
        layer = widgets.layer_slider(run, n_layers, key=f"layer_{kind}")
    with c2:
        head = widgets.head_select(run, key=f"head_{kind}")
    widgets.chart(figures.attention_heatmap(trace, kind, layer, head, locale=loc), key=f"heatmap_{kind}")
    if kind == "decoder_self" and attention_name(kind, layer, "scores") in trace:  # merged words have no scores
        st.subheader(label("scores_vs_weights", loc))
        c1, c2 = st.columns(2)
        with c1:
            widgets.chart(figures.attention_heatmap(trace, kind, layer, head, what="scores", locale=loc), key="scores")
        with c2:
            widgets.chart(figures.attention_heatmap(trace, kind, layer, head, what="weights", locale=loc),
                          key="weights")
        st.subheader(label("mask", loc))
        widgets.chart(figures.mask_figure(trace, locale=loc), key="mask")
    st.subheader(label("all_heads", loc))
    widgets.chart(figures.attention_grid(trace, kind, locale=loc), key=f"grid_{kind}")
    st.subheader(label("head_stats", loc))
    c1, c2 = st.columns(2)
    with c1:
        widgets.chart(figures.head_summary_figure(trace, kind, locale=loc), key=f"summary_{kind}")
    with c2:
        widgets.table(run, tables.head_summary_table(trace, kind, locale=loc), f"heads_{kind}",
                      key=f"csv_heads_{kind}")
    widgets.head_map(run, trace, kind)


tab_key = f"attn_tabs.{loc}"
tabs = st.tabs(list(labels.values()), default=labels[shown], key=tab_key, on_change=tab_changed, args=(tab_key,))
for kind, tab in zip(kinds, tabs):
    if tab.open or (tab.open is None and kind == shown):
        with tab:
            show(kind)


widgets.head_metrics_section(run, tab_key, labels)
