"""The sidebar shared by every page: UI language, sentence, target language, decoding, sharing and downloads."""

from __future__ import annotations

import json
import random

import streamlit as st

from viz_model import grammar
from viz_model.engine import Engine
from viz_model.tokenizer import MAX_INPUT_CHARS, MAX_SOURCE_TOKENS, InputError
from viz_model.trace import Trace

from . import cache, state
from .state import MAX_NEW_TOKENS, MAX_SEED, MAX_TEMPERATURE
from .text import STRINGS, UI_LANGUAGES, t

N_EXAMPLES = 6


@st.cache_data(show_spinner=False)
def example_sentences() -> list[str]:
    """A few fixed sentences from the training grammar (seeded, so the list is the same for every visitor)."""
    out = [state.DEFAULT_SENTENCE]
    for seed in range(100):
        text = grammar.detokenize(grammar.sample(random.Random(seed)).source, "en")
        if text not in out and len(text) <= 60:
            out.append(text)
        if len(out) == N_EXAMPLES:
            break
    return out


def _set_sentence(text: str) -> None:
    state.view()["q"] = text


def _pick_example() -> None:
    choice = st.session_state.get("w_example")
    if choice:
        _set_sentence(choice)
    st.session_state["w_example"] = None


def _random_sentence() -> None:
    _set_sentence(grammar.detokenize(grammar.sample(random.Random()).source, "en"))


def _set_mode() -> None:
    view = state.view()
    if st.session_state["w_mode"] == "greedy":
        view["temp"] = 0.0
    elif view["temp"] == 0:
        view["temp"] = 1.0


def render(engine: Engine) -> None:
    """Every control that changes the trace. Values come from, and go back to, the URL (ui/state.py)."""
    view = state.view()
    with st.sidebar:
        state.bound(st.segmented_control, "ui", t("ui_language", view["ui"]), list(UI_LANGUAGES),
                    format_func=UI_LANGUAGES.get, required=True)
        ui = view["ui"]
        state.bound(st.text_input, "q", t("sentence", ui), max_chars=MAX_INPUT_CHARS, help=t("sentence_help", ui))
        st.caption(t("caps", ui, tokens=getattr(engine, "max_positions", MAX_SOURCE_TOKENS), steps=MAX_NEW_TOKENS))
        st.selectbox(t("examples", ui), example_sentences(), index=None, key="w_example",
                     placeholder=t("examples_placeholder", ui), on_change=_pick_example)
        st.button(t("random", ui), help=t("random_help", ui), on_click=_random_sentence, width="stretch")
        state.bound(st.segmented_control, "lang", t("target", ui), list(engine.languages), required=True,
                    format_func=lambda code: t(f"lang_{code}", ui) if f"lang_{code}" in STRINGS
                    else engine.languages[code])
        with st.expander(t("decoding", ui), expanded=view["temp"] > 0):
            st.radio(t("mode", ui), ["greedy", "sampling"], key="w_mode", on_change=_set_mode,
                     index=1 if view["temp"] > 0 else 0,
                     format_func=lambda m: t(m, ui))
            if view["temp"] > 0:
                state.bound(st.slider, "temp", t("temperature", ui), 0.1, MAX_TEMPERATURE, step=0.05,
                            from_widget=lambda v: round(float(v), 2))
                state.bound(st.number_input, "topk", t("top_k", ui), 0, len(engine.tgt_vocab), step=1)
                state.bound(st.number_input, "seed", t("seed", ui), 0, MAX_SEED, step=1)
            state.bound(st.slider, "max", t("max_new", ui), 1, MAX_NEW_TOKENS)


def finish() -> None:
    """End of every run: the share link and downloads below the controls, and the view written to the URL."""
    state.sync_url()
    render_footer()


def render_footer() -> None:
    """Share link and trace downloads, below the controls."""
    ui = state.ui()
    with st.sidebar:
        with st.expander(t("share", ui), expanded=True):
            st.caption(t("share_help", ui))
            st.code(state.share_url(), language=None, wrap_lines=True)
        try:
            trace = cache.trace_for(state.view())
        except InputError:
            return
        with st.expander(t("downloads", ui)):
            st.download_button(t("download_npz", ui), data=_npz(trace), file_name="trace.npz",
                               mime="application/octet-stream", on_click="ignore", key="dl_npz", width="stretch")
            st.download_button(t("download_json", ui), data=_json(trace), file_name="trace.json",
                               mime="application/json", on_click="ignore", key="dl_json", width="stretch")


def _npz(trace: Trace):
    return lambda: trace.to_npz_bytes()


def _json(trace: Trace):
    return lambda: json.dumps(trace.to_json_dict(), ensure_ascii=False).encode("utf-8")
