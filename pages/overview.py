"""Overview: the whole pipeline on the live sentence, the translation, a glimpse of each stage, the model itself."""

import streamlit as st

from ui import overview, session, widgets
from ui.header import ICONS, page_title
from viz_model import figures
from viz_model.i18n import label

run = session.current()
trace, loc = run.trace, run.locale

overview.sentence_and_translation(run)
with st.container(key="wide_diagram"):  # scrolls sideways on a phone (ui/header.py NARROW_CSS)
    widgets.chart(figures.pipeline_figure(trace, locale=loc), key="pipeline")

st.header(label("stages", loc))
stage_figures = {
    "embeddings": lambda: figures.embedding_heatmap(trace, "src", "scaled", locale=loc),
    "positional": lambda: figures.positional_heatmap(trace["embed.src.pos"], locale=loc),
    "attention": lambda: figures.attention_heatmap(trace, "cross", trace.n_layers("decoder") - 1, None, locale=loc),
    "ffn": lambda: figures.ffn_active_fraction(trace, locale=loc),
    "output": lambda: figures.next_token_bars(trace, run.vocab, 0, locale=loc),
}
cols = st.columns(3) + st.columns(3)
for col, (name, build) in zip(cols, stage_figures.items()):
    with col, st.container(border=True):
        st.page_link(f"pages/{name}.py", label=page_title(name, loc), icon=ICONS[name])
        widgets.chart(figures.thumbnail(build()), key=f"mini_{name}")

st.header(label("what_model_knows", loc))
overview.model_card(run)
overview.vocabulary_browser(run)
