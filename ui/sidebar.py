"""The sidebar shared by every page: interface language, model, sentence, target language, decoding, sharing,
downloads.

Drawn by the router (app.py): `controls` before the page, `footer` after it.
"""

from __future__ import annotations

import random

import streamlit as st

from viz_model import grammar
from viz_model.i18n import LABELS, LANGUAGES, label
from viz_model.tokenizer import MAX_INPUT_CHARS, MAX_SOURCE_TOKENS

from . import cache, models, session, throttle
from .session import Run
from .view import DEFAULT_SENTENCE, MAX_NEW_TOKENS, Limits, View, bounds

N_EXAMPLES = 6
SAMPLING_TOP_K = 10  # top-k when sampling is switched on (see _set_mode)


@st.cache_data(show_spinner=False)
def example_sentences() -> list[str]:
    """A few fixed sentences from the training grammar (seeded, so the list is the same for every visitor)."""
    out = [DEFAULT_SENTENCE]
    for seed in range(100):
        text = grammar.detokenize(grammar.sample(random.Random(seed)).source, "en")
        if text not in out and len(text) <= 60:
            out.append(text)
        if len(out) == N_EXAMPLES:
            break
    return out


def _pick_example(key: str) -> None:
    choice = st.session_state.get(key)
    if choice:
        session.update(sentence=choice)
    st.session_state[key] = None


def _random_sentence() -> None:
    session.update(sentence=grammar.detokenize(grammar.sample(random.Random()).source, "en"))


def mode_changed(view: View, mode: object) -> View:
    """The view after the decoding-mode radio reads `mode`. Greedy sets temperature 0; sampling starts at temperature 1
    and top-k 10: label smoothing left ~20% of the probability spread over every token, the other language's
    included, and sampling the whole vocabulary at temperature 1 picks some. Anything else (a stale label sent back
    by the browser after a language switch) changes nothing."""
    if mode == "greedy":
        return view.with_(temperature=0.0)
    if mode == "sampling" and view.greedy:
        return view.with_(temperature=1.0, top_k=view.top_k or SAMPLING_TOP_K)
    return view


def _set_mode(key: str) -> None:
    st.session_state["view"] = mode_changed(session.view(), st.session_state[key])


def controls(engine, limits: Limits) -> None:
    """Every control that changes the trace. Values come from, and go back to, the view (and so the URL)."""
    view = session.view()
    loc = view.locale
    with st.sidebar:
        session.bind(st.segmented_control, "locale", label("ui_language", loc), list(LANGUAGES),
                     format_func=LANGUAGES.get, required=True)
        models.picker(limits, loc)  # only where the allowlist names other models (and transformers is installed)
        session.bind(st.text_input, "sentence", label("sentence", loc), max_chars=MAX_INPUT_CHARS,
                     help=label("sentence_help", loc))
        cap = getattr(engine, "max_positions", MAX_SOURCE_TOKENS)  # another model: its own position limit
        st.caption(label("caps", loc, tokens=cap, steps=MAX_NEW_TOKENS))
        example_key = f"w_example.{loc}"
        st.selectbox(label("examples", loc), example_sentences(), index=None, key=example_key,
                     placeholder=label("examples_placeholder", loc), on_change=_pick_example, args=(example_key,))
        st.button(label("random", loc), help=label("random_help", loc), on_click=_random_sentence, width="stretch")
        session.bind(st.segmented_control, "target_language", label("translate_into", loc), list(engine.languages),
                     required=True, format_func=lambda code: label(f"lang_{code}", loc) if f"lang_{code}" in LABELS
                     else engine.languages[code])
        with st.expander(label("decoding", loc), expanded=not view.greedy):
            mode_key = f"w_mode.{loc}"
            st.radio(label("mode", loc), ["greedy", "sampling"], key=mode_key, on_change=_set_mode, args=(mode_key,),
                     index=0 if view.greedy else 1, format_func=lambda m: label(m, loc))
            if not view.greedy:
                session.slider("temperature", label("temperature", loc), limits, step=0.05,
                               from_widget=lambda v: round(float(v), 2))
                st.caption(label("sampling_note", loc))
                session.bind(st.number_input, "top_k", label("top_k", loc), *bounds("top_k", limits), step=1)
                session.bind(st.number_input, "seed", label("seed", loc), *bounds("seed", limits), step=1)
            session.slider("max_new_tokens", label("max_new", loc), limits)


def footer(run: Run) -> None:
    """Share link and trace downloads, below the controls."""
    loc = run.locale
    with st.sidebar:
        with st.expander(label("share", loc), expanded=True):
            st.caption(label("share_help", loc))
            st.code(session.share_url(run.limits), language=None, wrap_lines=True)
        if run.trace is None:
            return
        inputs, model = (run.view.sentence, run.view.target_language, run.view.decode_settings()), run.model
        gate = throttle.gate()  # bound to this session now: the bytes are built later, in a worker thread
        with st.expander(label("downloads", loc)):  # callables: built when clicked, once per trace (ui/cache.py)
            st.download_button(label("download_npz", loc),
                               data=lambda: cache.trace_download(*inputs, "npz", model, _gate=gate),
                               file_name="trace.npz", mime="application/octet-stream", on_click="ignore",
                               key="dl_npz", width="stretch")
            st.download_button(label("download_json", loc),
                               data=lambda: cache.trace_download(*inputs, "json", model, _gate=gate),
                               file_name="trace.json", mime="application/json", on_click="ignore", key="dl_json",
                               width="stretch")
