"""Overview: the whole pipeline on the live sentence, the translation, a glimpse of each stage, the model itself."""

import streamlit as st

from ui import models, overview, session, widgets
from ui.header import ICONS, page_title
from viz_model import figures
from viz_model.i18n import label
from viz_model.trace import ATTENTION_KINDS

run = session.current()
trace, loc = run.trace, run.locale

overview.sentence_and_translation(run)
with st.container(key="wide_diagram"):  # scrolls sideways on a phone (ui/header.py NARROW_CSS)
    widgets.chart(figures.pipeline_figure(trace, locale=loc), key="pipeline")

st.header(label("stages", loc))
side = "src" if trace.has_encoder else "tgt"  # a model without an encoder (or a decoder) shows what it has
kind = trace.attention_kinds()[-1]  # cross-attention where there is one
stage_figures = {
    "embeddings": lambda: figures.embedding_heatmap(trace, side, "scaled", locale=loc),
    "positional": lambda: figures.positional_heatmap(trace[f"embed.{side}.pos"], locale=loc),
    "attention": lambda: figures.attention_heatmap(trace, kind, trace.n_layers(ATTENTION_KINDS[kind][0]) - 1, None,
                                                   locale=loc),
    "ffn": lambda: figures.ffn_active_fraction(trace, locale=loc),
    "output": lambda: figures.next_token_bars(trace, run.vocab, 0, locale=loc),
}
if not trace.has_decoder:  # an encoder-only model predicts no next token
    del stage_figures["output"]
cols = st.columns(3) + st.columns(3)
for col, (name, build) in zip(cols, stage_figures.items()):
    with col, st.container(border=True):
        st.page_link(f"pages/{name}.py", label=page_title(name, loc), icon=ICONS[name])
        widgets.chart(figures.thumbnail(build()), key=f"mini_{name}")

st.header(label("what_model_knows", loc))
overview.model_card(run)
if models.is_shipped(trace):  # the grammar's words: the shipped model's vocabulary only
    overview.vocabulary_browser(run)
