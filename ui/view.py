"""The view: everything a shared link carries, defined once.

`PARAMS` is the one table of the view's parameters: URL key (what links carry; old links keep working), the field of
`View` it fills, its type, default (the dataclass default), and bounds or choices (fixed, or read from the loaded
model through `Limits`). Parsing a link (`parse`), writing one (`to_params`), every widget's bounds (`bounds`,
`choices`) and the decoding settings (`View.decode_settings`) are all derived from it. No streamlit here: the
session side is ui/session.py, and tests/test_view.py checks every parameter at every bound.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from viz_model.ablation import AblationSet
from viz_model.decoding import DecodeSettings
from viz_model.i18n import LANGUAGES
from viz_model.tokenizer import MAX_INPUT_CHARS
from viz_model.trace import ATTENTION_KINDS

PAGE_ORDER = ("overview", "embeddings", "positional", "attention", "ffn", "output",
              "alignment", "qk", "ablation")  # issue 8: alignment & flow, query · key, head ablation
DEFAULT_SENTENCE = "The small dog sees the cat."
DEFAULT_DIMS = (0, 1, 8, 9, 32, 33)
MAX_NEW_TOKENS = DecodeSettings.max_new_tokens  # the cap on generated tokens, as in the library
MAX_SEED = 2**31 - 1
AUTO_POSITIONS = 32  # positions shown when the link does not say: at least this many, or the sentence's length
MAX_DIMS = 16
MAX_QUERY = 1023  # issue 8: the query · key page's query position; the page clamps it to the trace
DEFAULT_MODEL = "default"  # the shipped model; others are keys of the allowlist (models.toml, ui/models.py)
MAX_MODEL_CHARS = 200  # a hub id or folder typed in a local run (VIZ_ALLOW_ANY_MODEL=1)

Warning_ = tuple[str, dict[str, Any]]  # (text key, format params)


@dataclass(frozen=True)
class Limits:
    """What the loaded model allows: checked against every value a link carries."""

    languages: tuple[str, ...]
    n_layers: int  # the larger of encoder and decoder layer counts
    n_heads: int
    tgt_vocab: int
    d_model: int
    models: tuple[str, ...] = (DEFAULT_MODEL,)  # model keys a link may name (the allowlist, ui/models.py)
    any_model: bool = False  # a local run that allows any hub id or folder (VIZ_ALLOW_ANY_MODEL=1)

    @classmethod
    def of(cls, engine: Any, models: tuple[str, ...] = (DEFAULT_MODEL,), any_model: bool = False) -> Limits:
        d = engine.describe()
        return cls(tuple(engine.languages), max(d["encoder_layers"], d["decoder_layers"]), d["heads"],
                   d["tgt_vocab"], d["d_model"], tuple(models), any_model)


@dataclass(frozen=True)
class View:
    """One complete, valid view of the app. Build a new one (`with_`) rather than changing one."""

    sentence: str = DEFAULT_SENTENCE
    model: str = DEFAULT_MODEL  # which model traces the sentence
    target_language: str = "es"
    page: str = "overview"
    locale: str = "en"  # the interface language
    temperature: float = 0.0  # 0: greedy decoding
    top_k: int = 0  # 0: the whole vocabulary
    seed: int = 0
    max_new_tokens: int = MAX_NEW_TOKENS
    attention_kind: str = "encoder_self"
    layer: int = 0
    head: int | None = None  # None: the mean of heads
    step: int = 0  # decoding step shown on the output page
    ffn_stack: str = "encoder"
    embedding_rows: str = "scaled"
    positions: int = 0  # 0: automatic (the sentence's length, at least AUTO_POSITIONS)
    dims: tuple[int, ...] = DEFAULT_DIMS  # positional-encoding dimensions drawn as curves
    chart_temperature: float = 1.0  # the output page's live temperature for its chart
    bars: int = 10  # bars in the next-token chart
    merge_subwords: bool = False  # attention page, subword models: pieces merged into words
    # ---- issue 8 (alignment & flow, query · key pages)
    query: int = 0  # query · key page: the query position (clamped to the chosen attention's rows)
    # ---- issue 8.2, head ablation (its own block, to ease merging) ----
    ablation: str = ""  # heads and sub-layers switched off, canonical text form (viz_model/ablation.py AblationSet)

    def with_(self, **changes: Any) -> View:
        return replace(self, **changes)

    @property
    def greedy(self) -> bool:
        return self.temperature == 0

    def decode_settings(self) -> DecodeSettings:
        """The decoding settings of this view; greedy ignores top-k and seed, so equal runs compare equal."""
        if self.greedy:
            return DecodeSettings(max_new_tokens=self.max_new_tokens)
        return DecodeSettings(temperature=self.temperature, top_k=self.top_k, seed=self.seed,
                              max_new_tokens=self.max_new_tokens)


Bound = float | Callable[[Limits], float]
Choices = tuple[str, ...] | Callable[[Limits], tuple[str, ...]]


@dataclass(frozen=True)
class Param:
    """One parameter of the view. kind: text, choice, int, float, head (an int or "mean"), dims (a list of ints),
    flag (0 or 1), ablation (viz_model/ablation.py's text form) or model (a choice; any printable id up to
    MAX_MODEL_CHARS when Limits.any_model)."""

    key: str  # in the URL
    field: str  # in View
    kind: str
    lo: Bound | None = None
    hi: Bound | None = None
    choices: Choices | None = None
    special: tuple[float, ...] = ()  # values allowed outside [lo, hi]: 0 = greedy / automatic
    decimals: int = 2  # floats are rounded to this many decimals (URL and widget alike)
    always: bool = False  # written to the URL even at its default

    def default(self) -> Any:
        return View.__dataclass_fields__[self.field].default


PARAMS: tuple[Param, ...] = (
    Param("q", "sentence", "text", always=True),
    Param("model", "model", "model", choices=lambda lim: lim.models),
    Param("lang", "target_language", "choice", choices=lambda lim: lim.languages, always=True),
    Param("page", "page", "choice", choices=PAGE_ORDER, always=True),
    Param("ui", "locale", "choice", choices=tuple(LANGUAGES)),
    Param("temp", "temperature", "float", 0.1, 2.0, special=(0.0,)),
    Param("topk", "top_k", "int", 0, lambda lim: lim.tgt_vocab),
    Param("seed", "seed", "int", 0, MAX_SEED),
    Param("max", "max_new_tokens", "int", 1, MAX_NEW_TOKENS),
    Param("kind", "attention_kind", "choice", choices=tuple(ATTENTION_KINDS)),
    Param("layer", "layer", "int", 0, lambda lim: lim.n_layers - 1),
    Param("head", "head", "head", 0, lambda lim: lim.n_heads - 1),
    Param("step", "step", "int", 0, MAX_NEW_TOKENS - 1),
    Param("stack", "ffn_stack", "choice", choices=("encoder", "decoder")),
    Param("emb", "embedding_rows", "choice", choices=("raw", "scaled")),
    Param("n", "positions", "int", 4, 256, special=(0,)),
    Param("dims", "dims", "dims", 0, lambda lim: lim.d_model - 1),
    Param("vt", "chart_temperature", "float", 0.1, 5.0),
    Param("k", "bars", "int", 1, 30),
    Param("words", "merge_subwords", "flag"),
    # ---- issue 8 (alignment & flow, query · key pages)
    Param("qpos", "query", "int", 0, MAX_QUERY),
    # ---- issue 8.2, head ablation (its own block, to ease merging) ----
    Param("ablate", "ablation", "ablation"),
)
BY_KEY: dict[str, Param] = {p.key: p for p in PARAMS}
BY_FIELD: dict[str, Param] = {p.field: p for p in PARAMS}
assert set(BY_FIELD) == {f.name for f in fields(View)}, "every View field has exactly one parameter"


def _resolve(value: Any, limits: Limits) -> Any:
    return value(limits) if callable(value) else value


def bounds(name: str, limits: Limits) -> tuple[float, float]:
    """(lo, hi) of a numeric parameter, by URL key or field name: what its widget allows."""
    p = BY_KEY.get(name) or BY_FIELD[name]
    return _resolve(p.lo, limits), _resolve(p.hi, limits)


def choices(name: str, limits: Limits) -> tuple[str, ...]:
    p = BY_KEY.get(name) or BY_FIELD[name]
    return tuple(_resolve(p.choices, limits))


def default_view(limits: Limits) -> View:
    lang = "es" if "es" in limits.languages else limits.languages[0]
    return View(target_language=lang)


def model_id_ok(raw: str) -> bool:
    """A hub id or folder a local run may name: printable, 1 to MAX_MODEL_CHARS characters."""
    return 0 < len(raw) <= MAX_MODEL_CHARS and raw.isprintable()


def refit(view: View, old: Limits, new: Limits) -> View:
    """The view after the model changed from one with `old` limits to one with `new`: every value clamped to what the
    new model allows (languages, layers, heads, ...), silently, as a link to it would be read."""
    return view if old == new else parse(to_params(view, old), new)[0]


def _number(raw: str, kind: str) -> float | int | None:
    try:
        x = float(raw.strip())
    except (ValueError, AttributeError):
        return None
    if not math.isfinite(x):
        return None
    if kind == "int":
        return int(x) if x == int(x) else None
    return x


def _parse_one(p: Param, raw: str, limits: Limits, default: Any) -> tuple[Any, Warning_ | None]:
    """(value, warning or None) for one raw URL value."""
    shown = raw[:40]
    if p.kind == "text":
        return raw, None  # checked in parse (length, markup)
    if p.kind == "ablation":  # issue 8.2: unreadable or out-of-range items dropped, and said
        aset, rejected = AblationSet.parse(raw[:2000], {"encoder": limits.n_layers, "decoder": limits.n_layers},
                                           limits.n_heads)
        warning = ("warn_ablation", dict(value=", ".join(rejected)[:80])) if rejected or len(raw) > 2000 else None
        return aset.to_string(), warning
    if p.kind == "flag":
        if raw in ("0", "1"):
            return raw == "1", None
        return default, ("warn_choice", dict(name=p.key, value=shown, choices="0, 1", default=int(default)))
    if p.kind in ("choice", "model"):
        allowed = choices(p.key, limits)
        if raw in allowed or (p.kind == "model" and limits.any_model and model_id_ok(raw)):
            return raw, None
        warn_key = "warn_page" if p.key == "page" else "warn_choice"
        return default, (warn_key, dict(name=p.key, value=shown, choices=", ".join(allowed), default=default))
    lo, hi = bounds(p.key, limits)
    if p.kind == "head":
        h = _number(raw, "int")
        if raw == "mean":
            return None, None
        if h is not None and lo <= h <= hi:
            return int(h), None
        return None, ("warn_head", dict(value=shown, hi=hi))
    if p.kind == "dims":
        if not raw.strip():
            return (), None  # none chosen
        picked = (_number(x, "int") for x in raw.split(",")[:MAX_DIMS])
        dims = tuple(dict.fromkeys(int(d) for d in picked if d is not None and lo <= d <= hi))
        return (dims, None) if dims else (default, ("warn_dims", dict(value=shown)))
    x = _number(raw, p.kind)
    if x is None:
        return default, ("warn_number", dict(name=p.key, value=shown, default=default))
    if p.kind == "float":
        x = round(x, p.decimals)
    if x in p.special or lo <= x <= hi:
        return x, None
    clamped = type(x)(min(max(x, lo), hi))
    return clamped, ("warn_range", dict(name=p.key, value=x, lo=lo, hi=hi, clamped=clamped))


def parse(params: Mapping[str, str], limits: Limits) -> tuple[View, list[Warning_]]:
    """Query parameters -> a complete, valid View, and warnings (text key, params) for whatever was changed.

    Unknown keys are ignored; a value out of bounds is clamped, an unreadable one replaced by the default.
    """
    view = default_view(limits)
    values: dict[str, Any] = {}
    warns: list[Warning_] = []
    for p in PARAMS:
        if p.key not in params:
            continue
        value, warning = _parse_one(p, str(params[p.key]), limits, getattr(view, p.field))
        values[p.field] = value
        if warning:
            warns.append(warning)
    q = values.get("sentence")
    if q is not None:
        if len(q) > MAX_INPUT_CHARS:
            warns.append(("warn_long", dict(n=len(q), limit=MAX_INPUT_CHARS)))
            values["sentence"] = q[:MAX_INPUT_CHARS]
        if re.search(r"<[^<>]*>", q):
            warns.append(("warn_markup", {}))
    return view.with_(**values), warns


def _format(p: Param, value: Any) -> str:
    if p.kind == "head":
        return "mean" if value is None else str(value)
    if p.kind == "dims":
        return ",".join(str(d) for d in value)
    if p.kind == "float":
        return str(round(float(value), p.decimals))
    if p.kind == "flag":
        return "1" if value else "0"
    return str(value)


def to_params(view: View, limits: Limits) -> dict[str, str]:
    """The view as query parameters: sentence, language and page always, everything else when not the default."""
    base = default_view(limits)
    return {p.key: _format(p, getattr(view, p.field)) for p in PARAMS
            if p.always or getattr(view, p.field) != getattr(base, p.field)}
