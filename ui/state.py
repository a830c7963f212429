"""The view's state lives in the URL: parse and clamp query parameters, bind widgets to them, write them back.

One canonical dict per session (`st.session_state["view"]`) holds every value a link can carry. It is filled from
the URL on the session's first run (`init`), widgets are seeded from it before they are drawn and copy their new
value back in an on_change callback (`bound`), and `sync_url` writes it to `st.query_params` at the end of each run.
`parse` is a pure function: hostile or stale values are clamped or replaced by defaults, each with a warning.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from viz_model.decoding import DecodeSettings
from viz_model.tokenizer import MAX_INPUT_CHARS
from viz_model.trace import ATTENTION_KINDS

from .text import PAGE_ORDER, UI_LANGUAGES, t

MAX_NEW_TOKENS = DecodeSettings.max_new_tokens  # the cap on generated tokens, as in the library
MAX_TEMPERATURE = 2.0
MAX_SEED = 2**31 - 1
DEFAULT_SENTENCE = "The small dog sees the cat."
DEFAULT_DIMS = (0, 1, 8, 9, 32, 33)

Warning_ = tuple[str, dict[str, Any]]  # (text key, format params)


@dataclass(frozen=True)
class Limits:
    """What the loaded model allows: checked against every value a link carries."""

    languages: tuple[str, ...]
    n_layers: int  # the larger of encoder and decoder layer counts
    n_heads: int
    tgt_vocab: int
    d_model: int
    models: tuple[str, ...] = ("default",)  # model keys a link may name (ui/models.py: the allowlist)
    any_model: bool = False  # a local run that allows any hub id or folder

    @classmethod
    def of(cls, engine: Any, models: tuple[str, ...] = ("default",), any_model: bool = False) -> Limits:
        d = engine.describe()
        return cls(tuple(engine.languages), max(d["encoder_layers"], d["decoder_layers"]), d["heads"],
                   d["tgt_vocab"], d["d_model"], models, any_model)


def defaults(limits: Limits) -> dict[str, Any]:
    return {
        "q": DEFAULT_SENTENCE, "lang": "es" if "es" in limits.languages else limits.languages[0], "model": "default",
        "page": "overview", "ui": "en",
        "temp": 0.0, "topk": 0, "seed": 0, "max": MAX_NEW_TOKENS,  # decoding: temp 0 = greedy
        "kind": "encoder_self", "layer": 0, "head": -1, "step": 0,  # head -1 = mean of heads
        "stack": "encoder", "emb": "scaled", "n": 0, "dims": DEFAULT_DIMS,  # n 0 = automatic
        "vt": 1.0, "k": 10,  # output page: live temperature and bars shown
        "words": 0,  # attention page, subword models: 1 = subwords merged into words
    }


def _int(raw: str) -> int | None:
    try:
        x = float(raw.strip())
    except (ValueError, AttributeError):
        return None
    return int(x) if math.isfinite(x) and x == int(x) else None


def _float(raw: str) -> float | None:
    try:
        x = float(raw.strip())
    except (ValueError, AttributeError):
        return None
    return x if math.isfinite(x) else None


def parse(params: Mapping[str, str], limits: Limits) -> tuple[dict[str, Any], list[Warning_]]:
    """Query parameters -> a complete, valid view, and warnings (text key, params) for whatever was changed."""
    view = defaults(limits)
    warns: list[Warning_] = []

    def choice(name: str, choices: tuple[str, ...]) -> None:
        if name in params:
            raw = params[name]
            if raw in choices:
                view[name] = raw
            else:
                warns.append(("warn_choice", dict(name=name, value=raw[:40], choices=", ".join(choices),
                                                   default=view[name])))

    def number(name: str, lo: float, hi: float, conv: Callable[[str], Any]) -> None:
        if name not in params:
            return
        x = conv(params[name])
        if x is None:
            warns.append(("warn_number", dict(name=name, value=params[name][:40], default=view[name])))
        elif not lo <= x <= hi:
            clamped = type(x)(min(max(x, lo), hi))
            warns.append(("warn_range", dict(name=name, value=x, lo=lo, hi=hi, clamped=clamped)))
            view[name] = clamped
        else:
            view[name] = x

    if "q" in params:
        q = params["q"]
        if len(q) > MAX_INPUT_CHARS:
            warns.append(("warn_long", dict(n=len(q), limit=MAX_INPUT_CHARS)))
            q = q[:MAX_INPUT_CHARS]
        if re.search(r"<[^<>]*>", q):
            warns.append(("warn_markup", {}))
        view["q"] = q
    choice("lang", limits.languages)
    if limits.any_model and 0 < len(params.get("model", "")) <= 200 and params["model"].isprintable():
        view["model"] = params["model"]
    else:
        choice("model", limits.models)
    choice("ui", tuple(UI_LANGUAGES))
    choice("kind", tuple(ATTENTION_KINDS))
    choice("stack", ("encoder", "decoder"))
    choice("emb", ("raw", "scaled"))
    if "page" in params and params["page"] not in PAGE_ORDER:
        warns.append(("warn_page", dict(value=params["page"][:40], default=view["page"])))
    elif "page" in params:
        view["page"] = params["page"]
    number("temp", 0.0, MAX_TEMPERATURE, _float)
    if 0 < view["temp"] < 0.1:
        view["temp"] = 0.1
    view["temp"] = round(view["temp"], 2)
    number("topk", 0, limits.tgt_vocab, _int)
    number("seed", 0, MAX_SEED, _int)
    number("max", 1, MAX_NEW_TOKENS, _int)
    number("layer", 0, limits.n_layers - 1, _int)
    number("step", 0, MAX_NEW_TOKENS - 1, _int)
    number("n", 0, 256, _int)
    number("vt", 0.1, 5.0, _float)
    number("k", 1, 30, _int)
    number("words", 0, 1, _int)
    if "head" in params:
        raw = params["head"]
        h = _int(raw)
        if raw == "mean":
            view["head"] = -1
        elif h is not None and 0 <= h < limits.n_heads:
            view["head"] = h
        else:
            warns.append(("warn_head", dict(value=raw[:40], hi=limits.n_heads - 1)))
    if "dims" in params:
        dims = tuple(dict.fromkeys(d for d in (_int(x) for x in params["dims"].split(",")[:16])
                                   if d is not None and 0 <= d < limits.d_model))
        if dims:
            view["dims"] = dims
        else:
            warns.append(("warn_dims", dict(value=params["dims"][:40])))
    return view, warns


def to_params(view: Mapping[str, Any], limits: Limits) -> dict[str, str]:
    """The view as query parameters: the sentence, language and page always, everything else when not default."""
    base = defaults(limits)
    out: dict[str, str] = {}
    for name, value in view.items():
        if name not in base or (value == base[name] and name not in ("q", "lang", "page")):
            continue
        if name == "head":
            out[name] = "mean" if value < 0 else str(value)
        elif name == "dims":
            out[name] = ",".join(str(d) for d in value)
        else:
            out[name] = str(value)
    return out


# ---------------------------------------------------------------------------------------------- streamlit side


def view() -> dict[str, Any]:
    return st.session_state["view"]


def ui() -> str:
    return view()["ui"]


def init(limits: Limits) -> None:
    """On a session's first run, fill the view from the URL and keep its warnings to show once."""
    if "view" not in st.session_state:
        params = {k: st.query_params[k] for k in st.query_params}
        st.session_state["view"], st.session_state["url_warnings"] = parse(params, limits)
        st.session_state["limits"] = limits
        st.session_state["first_page"] = params.get("page")


def relimit(limits: Limits) -> None:
    """A different model was chosen: clamp the view to what it allows (languages, layers, heads...), silently."""
    old = st.session_state.get("limits")
    if old is not None and old != limits:
        st.session_state["view"], _ = parse(to_params(view(), old), limits)
        st.session_state["limits"] = limits


def show_warnings() -> None:
    """Warnings from the link, once, in the UI language."""
    for key, fmt in st.session_state.pop("url_warnings", []):
        st.warning(t(key, ui(), **fmt), icon="⚠️")


def _sync(name: str, key: str, from_widget: Callable[[Any], Any]) -> None:
    view()[name] = from_widget(st.session_state[key])


def bound(factory: Callable[..., Any], name: str, *a: Any, key: str | None = None,
          to_widget: Callable[[Any], Any] = lambda v: v, from_widget: Callable[[Any], Any] = lambda v: v,
          **kw: Any) -> Any:
    """Draw widget `factory` seeded from view[name]; a change writes back to the view (and so to the URL)."""
    key = key or f"w_{name}"
    st.session_state[key] = to_widget(view()[name])
    value = factory(*a, key=key, on_change=_sync, args=(name, key, from_widget), **kw)
    return from_widget(value)


def sync_url() -> None:
    """Write the view into the browser's URL (only when it changed)."""
    params = to_params(view(), st.session_state["limits"])
    if {k: st.query_params[k] for k in st.query_params} != params:
        st.query_params.from_dict(params)


def share_url() -> str:
    """A link that reopens this exact view."""
    params = urlencode(to_params(view(), st.session_state["limits"]))
    base = st.context.url or ""
    page = view()["page"]
    if base and not base.rstrip("/").endswith("/" + page) and page != "overview":
        base = base.rstrip("/") + "/" + page
    return f"{base}?{params}"
