"""Caches. The Engine is one shared, read-only object (cache_resource); traces are values (cache_data), keyed by the
sentence, the target language, the DecodeSettings and the model, so a run's state never lives on the model or in a
global. Models other than the shipped one are loaded by ui/models.py (one cache_resource per model).

Computing a trace or a download passes a `Gate` (ui/throttle.py) first: its argument starts with an underscore, so
Streamlit does not hash it, and it runs only on a cache miss, so what the cache holds is never counted nor blocked.
It raises ui.admission.Refused, which Streamlit does not cache."""

from __future__ import annotations

import json
import os
from typing import Any

import numpy as np
import streamlit as st
import torch

from viz_model.analysis import pca_2d
from viz_model.decoding import DecodeSettings
from viz_model.engine import DEFAULT_CHECKPOINT, Engine
from viz_model.model import sinusoidal_positions
from viz_model.trace import Trace

from . import models
from .throttle import Gate, cost_of, free
from .view import DEFAULT_MODEL

CHECKPOINT_ENV = "VIZ_CHECKPOINT"  # the shipped model's folder, for a server (and tests) that use another
TRACE_CACHE_BYTES = "64MB"  # the trace cache is bounded in bytes: about 40 traces of 16 tokens
# One torch thread per trace: on shared cores the median is the same as with 2, and the p90 stays near it
# (shared/STACK_NOTES.md). VIZ_TORCH_THREADS overrides it for the whole server process.
TORCH_THREADS = int(os.environ.get("VIZ_TORCH_THREADS", "1"))


def checkpoint_path() -> str:
    """The shipped model's checkpoint folder: viz_model/checkpoints/default, or the folder VIZ_CHECKPOINT names."""
    return os.environ.get(CHECKPOINT_ENV) or str(DEFAULT_CHECKPOINT)


@st.cache_resource(show_spinner="Loading the model…")
def _engine(path: str) -> Engine:
    torch.set_num_threads(TORCH_THREADS)
    return Engine.load(path)  # CheckpointError (not cached) when the folder does not match its config


def get_engine() -> Engine:
    """The trained default model (checkpoint_path()). Shared by every visitor: never mutate it."""
    return _engine(checkpoint_path())


def engine_of(model: str = DEFAULT_MODEL) -> Any:
    """The shared engine of `model` ("default": the shipped one; others from the allowlist, ui/models.py)."""
    return get_engine() if model == DEFAULT_MODEL else models.load(model)


def _parts(tr: Trace) -> tuple[dict[str, np.ndarray], tuple, tuple, tuple, dict[str, Any]]:
    # A Trace holds read-only mapping proxies, which do not pickle: cache its plain parts.
    return dict(tr.arrays), tr.source_tokens, tr.target_tokens, tr.next_tokens, dict(tr.meta)


@st.cache_data(max_entries=256, max_size=TRACE_CACHE_BYTES, show_spinner=False)
def _trace_parts(sentence: str, lang: str, settings: DecodeSettings,
                 checkpoint: str, _gate: Gate = free
                 ) -> tuple[dict[str, np.ndarray], tuple, tuple, tuple, dict[str, Any]]:
    with _gate(cost_of(sentence, settings)):
        return _parts(_engine(checkpoint).trace(sentence, lang, settings))


# Other models' traces are far larger (a 12-layer × 12-head model at 250 pieces: about 250 MB; bench/bench_scale.py):
# keep only a few.
@st.cache_data(max_entries=4, show_spinner=False)
def _other_model_trace_parts(sentence: str, lang: str, settings: DecodeSettings, model: str,
                             _gate: Gate = free) -> tuple[dict[str, np.ndarray], tuple, tuple, tuple, dict[str, Any]]:
    with _gate(cost_of(sentence, settings)):
        return _parts(models.load(model).trace(sentence, lang, settings))


def get_trace(sentence: str, lang: str, settings: DecodeSettings, model: str = DEFAULT_MODEL,
              gate: Gate = free) -> Trace:
    """Translate and record. Raises viz_model.tokenizer.InputError for unusable input and ui.admission.Refused when
    `gate` refuses the computation (neither is cached). The gate is passed only on a cache miss."""
    if model == DEFAULT_MODEL:
        return Trace(*_trace_parts(sentence, lang, settings, checkpoint_path(), _gate=gate))
    return Trace(*_other_model_trace_parts(sentence, lang, settings, model, _gate=gate))


@st.cache_data(max_entries=16, max_size="32MB", show_spinner=False)
def trace_download(sentence: str, lang: str, settings: DecodeSettings, kind: str, model: str = DEFAULT_MODEL,
                   _gate: Gate = free) -> bytes:
    """The whole trace as NPZ or JSON bytes: built once per trace, and only when a visitor asks for it. Serialising a
    long sampled trace costs about what computing it does, so it passes the same gate (once: the trace inside it is
    computed, if it must be, under the same ticket)."""
    with _gate(cost_of(sentence, settings)):
        trace = get_trace(sentence, lang, settings, model)
        if kind == "npz":
            return trace.to_npz_bytes()
        return json.dumps(trace.to_json_dict(), ensure_ascii=False).encode("utf-8")


@st.cache_data(show_spinner=False, max_entries=8)
def vocab_projection_coords(side: str = "src", model: str = DEFAULT_MODEL
                            ) -> tuple[np.ndarray, tuple[str, ...], np.ndarray]:
    """PCA of the whole embedding table of `model`: (coords (V, 2), tokens, explained variance ratio)."""
    engine = engine_of(model)
    coords, _, ratio = pca_2d(engine.embedding_matrix(side))
    vocab = engine.src_vocab if side == "src" else engine.tgt_vocab
    return coords, tuple(vocab.itos), ratio


@st.cache_data(show_spinner=False)
def positions(n: int, d_model: int) -> np.ndarray:
    """The sinusoidal position table (n, d_model) as float32."""
    return sinusoidal_positions(n, d_model).numpy().astype(np.float32)
