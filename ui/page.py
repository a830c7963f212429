"""Page scaffolding: the explanation block, the trace (or the input error), shared selectors, tables with CSV."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from viz_model import figures
from viz_model.engine import Engine
from viz_model.tokenizer import MAX_SOURCE_TOKENS, InputError
from viz_model.trace import Trace

from . import cache, models, sidebar, state
from .text import PAGES, input_error, page_title, t


@dataclass(frozen=True)
class Ctx:
    """What a page needs: the shared engine, this view's trace, the UI language and the view (URL state)."""

    engine: Engine
    trace: Trace
    ui: str
    view: dict[str, Any]

    @property
    def vocab(self) -> tuple[str, ...]:
        return self.engine.tgt_vocab.itos


def header(name: str, ui: str) -> None:
    """Title, 2-4 plain sentences on what the stage does, and its formula(s)."""
    info = PAGES[name]
    st.title(f"{info['icon']} {page_title(name, ui)}")
    st.markdown(info["intro"].get(ui) or info["intro"]["en"])
    for formula in info["latex"]:
        st.latex(formula)


def start(name: str) -> Ctx:
    """Draw the page header and return the context; on unusable input show why (translated) and stop the page."""
    if "view" not in st.session_state:
        # The router (app.py) did not run: a deep link was the first request this server process saw, and the
        # `pages/` folder made Streamlit start in its legacy multipage mode, which runs a page on its own. Go
        # through the router once (it calls st.navigation, which ends that mode), keeping the link's state.
        params = {k: st.query_params[k] for k in st.query_params}
        params.setdefault("page", name)
        st.switch_page("app.py", query_params=params)
    ui = state.ui()
    state.view()["page"] = name
    header(name, ui)
    engine = cache.get_engine()
    try:
        trace = cache.trace_for(state.view())
    except InputError as err:
        st.error(input_error(err, ui), icon="🚫")
        st.info(t("kept_text", ui))
        sidebar.finish()
        st.stop()
    notices(trace, ui)
    if (about := models.describe_model(trace)) is not None:  # a model other than the shipped one (ui/models.py)
        st.info(about, icon="🤗")
    if (missing := models.not_applicable(name, trace)) is not None:
        st.info(missing, icon="🚧")
        sidebar.finish()
        st.stop()
    return Ctx(engine, trace, ui, state.view())


def notices(trace: Trace, ui: str) -> None:
    """Input cut to the token cap, or decoding stopped by the step cap."""
    if trace.meta.get("truncated_from"):
        st.warning(t("truncated", ui, n=trace.meta["truncated_from"], limit=MAX_SOURCE_TOKENS), icon="✂️")
    if trace.meta.get("longer_than_training"):
        st.info(t("longer_than_training", ui, n=len(trace.meta.get("source_words", [])),
                  limit=cache.get_engine().info.get("max_source_words", MAX_SOURCE_TOKENS)), icon="📏")
    if not trace.meta.get("finished", True):
        st.warning(t("unfinished", ui, n=trace.meta["settings"]["max_new_tokens"]), icon="⏹️")


def clamp(lo: int, hi: int):
    return lambda v: min(max(int(v), lo), hi)


def layer_slider(n_layers: int, ui: str, key: str) -> int:
    """The shared `layer` value, clamped to this stack; a fixed 0 when there is one layer."""
    if n_layers <= 1:
        return 0
    return state.bound(st.slider, "layer", t("layer", ui), 0, n_layers - 1, key=key, to_widget=clamp(0, n_layers - 1))


def head_select(n_heads: int, ui: str, key: str) -> int | None:
    """The shared `head` value: None for the mean of heads."""
    options = [-1, *range(n_heads)]
    h = state.bound(st.selectbox, "head", t("head", ui), options, key=key,
                    to_widget=lambda v: v if v in options else -1,
                    format_func=lambda v: t("mean_heads", ui) if v < 0 else t("head_n", ui, n=v))
    return None if h < 0 else h


def head_map(trace: Trace, kind: str, ui: str) -> None:
    """The linked Altair map of every head; clicking a head shows it in the heatmap above (and in the URL)."""
    key = f"headmap_{kind}_{ui}"

    def picked() -> None:
        chosen = (st.session_state[key].selection.get("head") or [{}])[0]
        if "layer" in chosen and "head" in chosen:
            state.view()["layer"], state.view()["head"] = int(chosen["layer"]), int(chosen["head"])

    st.vega_lite_chart(figures.head_map_chart(trace, kind, ui=ui), on_select=picked, selection_mode="head", key=key)
    st.caption(t("head_map_help", ui))


def chart(fig: Any, key: str | None = None) -> None:
    """A Plotly figure at full width (its modebar keeps the PNG export)."""
    st.plotly_chart(fig, width="stretch", key=key, config={"displaylogo": False})


def table(df: pd.DataFrame, name: str, ui: str, key: str) -> None:
    """A table with a CSV download of exactly what is shown."""
    plain_index = isinstance(df.index, pd.RangeIndex)
    st.dataframe(df, width="stretch", hide_index=plain_index)
    csv = df.to_csv(index=not plain_index).encode("utf-8")
    st.download_button(t("download_csv", ui), data=csv, file_name=f"{name}.csv", mime="text/csv", key=key,
                       on_click="ignore", icon="⬇️")
