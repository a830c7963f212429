"""Caches. The Engine is one shared, read-only object (cache_resource); traces are values (cache_data), keyed by
every input that changes them, so a run's state never lives on the model or in a module global."""

from __future__ import annotations

from typing import Any

import numpy as np
import streamlit as st

from viz_model.analysis import pca_2d
from viz_model.decoding import DecodeSettings
from viz_model.engine import Engine
from viz_model.model import sinusoidal_positions
from viz_model.trace import Trace

from . import models


@st.cache_resource(show_spinner="Loading the model…")
def _default_engine() -> Engine:
    return Engine.load()


def get_engine(model: str | None = None) -> Engine:
    """The engine of `model` (default: the view's model; "default" is the trained model in
    viz_model/checkpoints/default, others come from ui/models.py). Shared by every visitor: never mutate it."""
    model = model or (st.session_state.get("view") or {}).get("model", "default")
    return _default_engine() if model == "default" else models.load(model)


def settings_key(temperature: float, top_k: int, seed: int, max_new_tokens: int) -> tuple[float, int, int, int]:
    """Greedy decoding ignores top-k and seed: drop them so equal runs share one cache entry."""
    if temperature == 0:
        return 0.0, 0, 0, max_new_tokens
    return float(temperature), int(top_k), int(seed), int(max_new_tokens)


@st.cache_data(max_entries=512, show_spinner=False)
def _trace_parts(sentence: str, lang: str, temperature: float, top_k: int, seed: int,
                 max_new_tokens: int, model: str = "default"
                 ) -> tuple[dict[str, np.ndarray], tuple, tuple, tuple, dict[str, Any]]:
    settings = DecodeSettings(temperature=temperature, top_k=top_k, seed=seed, max_new_tokens=max_new_tokens)
    tr = get_engine(model).trace(sentence, lang, settings)
    # A Trace holds read-only mapping proxies, which do not pickle: cache its plain parts.
    return dict(tr.arrays), tr.source_tokens, tr.target_tokens, tr.next_tokens, dict(tr.meta)


def get_trace(sentence: str, lang: str, temperature: float = 0.0, top_k: int = 0, seed: int = 0,
              max_new_tokens: int = DecodeSettings.max_new_tokens, model: str = "default") -> Trace:
    """Translate and record. Raises viz_model.tokenizer.InputError for unusable input (never cached)."""
    parts = _trace_parts if model == "default" else _other_model_trace_parts
    return Trace(*parts(sentence, lang, *settings_key(temperature, top_k, seed, max_new_tokens), model))


# Other models' traces are far larger (a 12-layer × 12-head model at 250 pieces: about 250 MB; bench/bench_scale.py):
# keep only a few.
@st.cache_data(max_entries=4, show_spinner=False)
def _other_model_trace_parts(sentence: str, lang: str, temperature: float, top_k: int, seed: int,
                             max_new_tokens: int, model: str
                             ) -> tuple[dict[str, np.ndarray], tuple, tuple, tuple, dict[str, Any]]:
    return _trace_parts.__wrapped__(sentence, lang, temperature, top_k, seed, max_new_tokens, model)


def trace_for(view: dict[str, Any]) -> Trace:
    """The trace for the current view (sentence, language, decoding settings).

    The page and the sidebar's downloads both ask for it in one run; st.cache_data hands out a fresh unpickled copy
    (~1.6 MB for 16 tokens) on every call, so this session keeps the last one. A Trace is immutable: sharing is safe.
    """
    key = (view["q"], view["lang"], *settings_key(view["temp"], view["topk"], view["seed"], view["max"]),
           view.get("model", "default"))
    last = st.session_state.get("_last_trace")
    if last is None or last[0] != key:
        last = (key, get_trace(*key))
        st.session_state["_last_trace"] = last
    return last[1]


def vocab_projection_coords(side: str = "src") -> tuple[np.ndarray, tuple[str, ...], np.ndarray]:
    """PCA of the whole embedding table: (coords (V, 2), tokens, explained variance ratio)."""
    return _vocab_projection_coords(side, (st.session_state.get("view") or {}).get("model", "default"))


@st.cache_data(show_spinner=False, max_entries=8)
def _vocab_projection_coords(side: str, model: str) -> tuple[np.ndarray, tuple[str, ...], np.ndarray]:
    engine = get_engine(model)
    coords, _, ratio = pca_2d(engine.embedding_matrix(side))
    vocab = engine.src_vocab if side == "src" else engine.tgt_vocab
    return coords, tuple(vocab.itos), ratio


@st.cache_data(show_spinner=False)
def positions(n: int, d_model: int) -> np.ndarray:
    """The sinusoidal position table (n, d_model) as float32."""
    return sinusoidal_positions(n, d_model).numpy().astype(np.float32)
