"""Overview: the whole pipeline on the live sentence, the translation, a glimpse of each stage, the model itself."""

import streamlit as st

from ui import page, render
from ui.text import PAGES, page_title, t
from viz_model import figures
from viz_model.trace import ATTENTION_KINDS

ctx = page.start("overview")
ui, trace = ctx.ui, ctx.trace

c1, c2 = st.columns(2)
with c1:
    st.markdown(f"**{t('input_tokens', ui)}**")
    render.source_with_unknown(trace, ui)
with c2:
    st.markdown(f"**{t('translation', ui)}**")
    render.translation(trace)
page.chart(figures.pipeline_figure(trace, ui=ui), key="pipeline")

st.header(t("stages", ui))
side = "src" if trace.has_encoder else "tgt"  # a model without an encoder (or a decoder) shows what it has
kind = trace.attention_kinds()[-1]  # cross-attention where there is one
stage_figures = {
    "embeddings": lambda: figures.embedding_heatmap(trace, side, "scaled", ui=ui),
    "positional": lambda: figures.positional_heatmap(trace[f"embed.{side}.pos"], ui=ui),
    "attention": lambda: figures.attention_heatmap(trace, kind, trace.n_layers(ATTENTION_KINDS[kind][0]) - 1, None,
                                                   ui=ui),
    "ffn": lambda: figures.ffn_active_fraction(trace, ui=ui),
    "output": lambda: figures.next_token_bars(trace, ctx.vocab, 0, ui=ui),
}
if not trace.has_decoder:
    del stage_figures["output"]
cols = st.columns(3) + st.columns(3)
for col, (name, build) in zip(cols, stage_figures.items()):
    with col, st.container(border=True):
        st.page_link(f"pages/{name}.py", label=page_title(name, ui), icon=PAGES[name]["icon"])
        page.chart(render.small(build()), key=f"mini_{name}")

st.header(t("what_model_knows", ui))
render.model_card(ctx.engine, ui)
if "family" not in trace.meta["model"]:  # the grammar's words: the shipped model's vocabulary only
    render.vocabulary_browser(ui)
