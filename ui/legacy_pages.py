"""The one place that deals with Streamlit's legacy multipage mode, which a top-level `pages/` folder switches on.

The app keeps `pages/` at the top level (the layout is part of the brief). Streamlit then starts in its legacy
multipage mode until `st.navigation` runs for the first time in the server process, and in that mode it runs a
page file on its own, without the router (app.py). Two situations hit this:

1. A deep link (`/attention?q=...`) as the first request a fresh server sees. The page finds no run built by the
   router (`ui.session.current`) and calls `reroute()`: a switch to app.py that keeps the link's parameters and its
   page, so the router runs, calls st.navigation (which ends the legacy mode for the process) and shows that page.
2. Streamlit's AppTest resets `PagesManager.uses_pages_directory` before every run, so reruns would skip app.py.
   `navigation_only()` (tests and bench only) makes AppTest behave as the real server does after its first run.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn
from urllib.parse import urlparse

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def reroute() -> NoReturn:
    """Run the router once for a page that was started without it, keeping the link's parameters and its page."""
    params = {k: st.query_params[k] for k in st.query_params}
    path = urlparse(st.context.url or "").path.strip("/")
    params.setdefault("page", path.rsplit("/", 1)[-1] or "overview")  # the router checks that it is a page
    st.switch_page("app.py", query_params=params)
    raise AssertionError("unreachable: st.switch_page ends the run")


class _NavigationOnly(PagesManager):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False


@contextmanager
def navigation_only() -> Iterator[None]:
    """For AppTest: every run goes through app.py and st.navigation, as on a real server after its first run."""
    import streamlit.testing.v1.app_test as app_test_module

    original = app_test_module.PagesManager
    app_test_module.PagesManager = _NavigationOnly
    try:
        yield
    finally:
        app_test_module.PagesManager = original
        PagesManager.uses_pages_directory = None
