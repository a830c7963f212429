"""Query · key, step by step (issue 8): one query of one head, from q and k to the weighted values, with the
trace's own numbers, and a check that the recomputed softmax equals the model's attention weights."""

import math

import streamlit as st

from ui import session, widgets
from ui.markdown import md_escape
from viz_model import figures, tables
from viz_model.flow import qk_breakdown
from viz_model.i18n import label
from viz_model.trace import ATTENTION_KINDS

run = session.current()
trace, loc, view = run.trace, run.locale, run.view
kinds = [k for k in ATTENTION_KINDS if k in trace.attention_kinds()]
kind = view.attention_kind if view.attention_kind in kinds else kinds[0]

c1, c2 = st.columns(2)
with c1:
    kind = session.bind(st.selectbox, "attention_kind", label("qk_pick_kind", loc), kinds, key="kind_qk",
                        to_widget=lambda k: k if k in kinds else kinds[0],
                        format_func=lambda k: label(f"tab_{k}", loc))
with c2:
    head = widgets.head_select(run, key="head_qk")
layer = widgets.layer_slider(run, trace.n_layers(ATTENTION_KINDS[kind][0]), key="layer_qk")
if head is None:
    head = 0
    st.caption(label("qk_mean_note", loc, head=head))
queries = trace.attention_tokens(kind)[0]
if view.query > len(queries) - 1:
    st.info(label("clamped_query", loc, value=view.query, clamped=len(queries) - 1), icon="ℹ️")
    session.update(query=len(queries) - 1)
query = 0
if len(queries) > 1:
    query = session.slider("query", label("qk_pick_query", loc), run.limits, hi=len(queries) - 1)
    st.caption(md_escape(f"{query}: {queries[query]}"))

b = qk_breakdown(trace, kind, layer, head, query)
captions = {"vectors": dict(dk=len(b.q)), "products": {},
            "softmax": dict(sqrt=f"{math.sqrt(len(b.q)):.3f}", masked=int(b.masked.sum())), "values": {}}
for step in figures.QK_STEPS:
    st.caption(label(f"qk_step_{step}", loc, **captions[step]))
    widgets.chart(figures.qk_figure(trace, kind, layer, head, query, step, locale=loc), key=f"qk_{step}")

out_err = float(abs(b.out - b.trace_out).max()) if b.trace_out is not None else 0.0
if b.weight_error < 1e-5:
    st.success(label("qk_check_ok", loc, err=f"{b.weight_error:.1e}", serr=f"{b.score_error:.1e}",
                     oerr=f"{out_err:.1e}"), icon="✅")
else:
    scores = str(trace.meta.get("model", {}).get("scores", "q·kᵀ/√dk"))
    st.warning(md_escape(label("qk_check_bad", loc, err=f"{b.weight_error:.1e}", scores=scores)), icon="⚠️")
st.subheader(label("qk_table", loc))
widgets.table(run, tables.qk_table(trace, kind, layer, head, query, locale=loc),
              f"qk_{kind}_l{layer}_h{head}_q{query}", key="csv_qk")
