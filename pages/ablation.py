"""Switch off heads (issue 8.2): remove heads or whole sub-layers, re-decode, compare; which heads matter."""

import streamlit as st

from ui import ablation, honesty, session, widgets
from viz_model import ablation_tables as tables
from viz_model import figures
from viz_model.i18n import label

run = session.current()
trace, loc, view = run.trace, run.locale, run.view

if not ablation.supported(run.engine):
    st.info(label("abl_unsupported", loc), icon="🚧")
    st.stop()
aset = ablation.current_set(run)
key = (view.sentence, view.target_language, view.decode_settings(), view.model)
ablation.controls(run, aset)

lang = trace.meta.get("lang", "es")
if not aset:
    st.info(label("abl_none", loc))
else:
    result = ablation.ablation_result(*key, aset.to_string())
    c1, c2 = st.columns(2)
    c1.markdown(f"**{label('abl_original', loc)}**  \n" + honesty.marked_text(
        result.original, lang, {k: "red-background" for k in result.changed_original}))
    c2.markdown(f"**{label('abl_ablated', loc, n=len(aset))}**  \n" + honesty.marked_text(
        result.ablated, lang, {k: "green-background" for k in result.changed_ablated}))
    changed = len(result.changed_original | result.changed_ablated)
    st.caption(label("abl_changed", loc, n=len(result.changed_ablated) or len(result.changed_original))
               if changed else label("abl_same", loc))
    if not result.finished:
        st.caption(label("abl_unfinished", loc, n=view.max_new_tokens))
    if not view.greedy:
        st.caption(label("abl_sampled", loc))
    st.subheader(label("abl_steps", loc))
    st.caption(label("abl_steps_help", loc))
    c1, c2 = st.columns([3, 2])
    with c1:
        widgets.chart(figures.probability_change_figure(result, locale=loc), key="abl_steps")
    with c2:
        widgets.table(run, tables.ablation_step_table(result, locale=loc), "ablation_steps", key="csv_abl_steps")

st.subheader(label("abl_sweep", loc))
sw = ablation.sweep(*key)
st.caption(label("abl_sweep_help", loc, what=label(f"abl_what_{sw.scored}", loc),
                 n=sum(z.size for z in sw.drops.values()), base=f"{sw.base_logprob:.3f}"))
widgets.chart(figures.head_sweep_figure(sw, aset, locale=loc), key="abl_sweep")
if aset.heads:
    st.caption(label("abl_marked", loc))
ablation.add_top_heads(sw, aset)
widgets.table(run, tables.ablation_sweep_table(sw, locale=loc), "ablation_sweep", key="csv_abl_sweep")
