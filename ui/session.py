"""The session side of the view: where it lives between runs, how widgets read and change it, the URL, the run.

One `View` per session, in `st.session_state["view"]`, filled from the URL on the session's first run. A widget is
drawn from it (`bind`) and replaces it with a changed copy in its on_change callback, which Streamlit runs before the
script: so when app.py (the router) starts a run, the view is already final. The router builds one `Run` (engine,
view, trace or input error) per script run and writes the URL once at its end; pages read `current()` and draw.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from viz_model.engine import Engine
from viz_model.i18n import label
from viz_model.tokenizer import InputError
from viz_model.trace import Trace

from . import legacy_pages
from .markdown import md_escape
from .view import PAGE_ORDER, Limits, View, bounds, parse, refit, to_params


@dataclass(frozen=True)
class Run:
    """What a page draws from: the shared engine, this run's view, and its trace or the reason there is none."""

    engine: Engine
    limits: Limits
    view: View
    trace: Trace | None
    error: InputError | None = None

    @property
    def locale(self) -> str:
        return self.view.locale

    @property
    def vocab(self) -> tuple[str, ...]:
        return self.engine.tgt_vocab.itos

    @property
    def model(self) -> str:
        return self.view.model


def load_view(limits: Limits) -> View:
    """This session's view; on its first run, read from the URL (warnings kept to show once)."""
    if "view" not in st.session_state:
        params = {k: st.query_params[k] for k in st.query_params}
        st.session_state["view"], st.session_state["url_warnings"] = parse(params, limits)
        st.session_state["link_page"] = params.get("page")  # the page a shared link asks for, read once by the router
    return st.session_state["view"]


def fit_to(limits: Limits) -> View:
    """The session's view fitted to this run's model: when the model (and so its limits) changed since the last run,
    every value is clamped to what the new one allows, silently (ui/view.py refit)."""
    old = st.session_state.get("limits")
    if old is not None and old != limits:
        st.session_state["view"] = refit(view(), old, limits)
    st.session_state["limits"] = limits
    return view()


def view() -> View:
    return st.session_state["view"]


def update(**changes: Any) -> None:
    """Replace this session's view with a changed copy (from widget callbacks)."""
    st.session_state["view"] = view().with_(**changes)


def show_warnings(locale: str) -> None:
    """Warnings about the link, once, in the interface language; escaped, so a link's values never become markdown."""
    for key, fmt in st.session_state.pop("url_warnings", []):
        st.warning(md_escape(label(key, locale, **fmt)), icon="⚠️")


def set_run(run: Run) -> None:
    st.session_state["run"] = run


def current() -> Run:
    """The run the router built for this script run. A page that runs without the router goes through it first."""
    run = st.session_state.get("run")
    if run is None:
        legacy_pages.reroute()
    return run


def _changed(field: str, key: str, from_widget: Callable[[Any], Any]) -> None:
    update(**{field: from_widget(st.session_state[key])})


def bind(factory: Callable[..., Any], field: str, label_text: str, *args: Any, key: str | None = None,
         to_widget: Callable[[Any], Any] = lambda v: v, from_widget: Callable[[Any], Any] = lambda v: v,
         **kwargs: Any) -> Any:
    """Draw widget `factory` showing view.<field>; a change replaces the view (and so the URL).

    The widget's key holds the interface language: a widget whose options are formatted in one language would read
    back its old label as a value after a language switch (Streamlit serialises options by their formatted text).
    """
    key = f"w_{key or field}.{view().locale}"
    st.session_state[key] = to_widget(getattr(view(), field))
    return from_widget(factory(label_text, *args, key=key, on_change=_changed, args=(field, key, from_widget),
                               **kwargs))


def slider(field: str, label_text: str, limits: Limits, hi: float | None = None, auto: float | None = None,
           **kwargs: Any) -> Any:
    """A slider over the parameter's bounds from the view table; hi narrows them (a stack with fewer layers), auto is
    what the special value 0 (automatic) shows as."""
    lo, top = bounds(field, limits)
    hi = top if hi is None else min(hi, top)

    def to_widget(v: Any) -> Any:
        return min(max(auto if auto is not None and v == 0 else v, lo), hi)

    return bind(st.slider, field, label_text, lo, hi, to_widget=to_widget, **kwargs)


def write_url(limits: Limits) -> None:
    """Write the session's view into the browser's URL (only when it changed). Called once per run, by the router."""
    params = to_params(view(), limits)
    if {k: st.query_params[k] for k in st.query_params} != params:
        st.query_params.from_dict(params)


def share_url(limits: Limits) -> str:
    """A link that reopens the session's view exactly."""
    base = (st.context.url or "").split("?")[0].rstrip("/")
    page = view().page
    for name in PAGE_ORDER:
        if base.endswith("/" + name):
            base = base[: -len(name) - 1]
    if base and page != "overview":
        base = f"{base}/{page}"
    return f"{base}?{urlencode(to_params(view(), limits))}"
