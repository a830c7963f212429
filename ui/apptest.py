"""Running the app under Streamlit's AppTest (tests and bench/bench_app.py share this).

AppTest resets PagesManager.uses_pages_directory before every run, and a `pages/` folder then switches the run into
the legacy multipage mode, which skips app.py on reruns. A real server clears the flag for good at the first
st.navigation call; `navigation_only()` does the same for AppTest.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit.testing.v1.app_test as app_test_module
from streamlit.runtime.pages_manager import PagesManager


class _NavigationOnly(PagesManager):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False


@contextmanager
def navigation_only() -> Iterator[None]:
    original = app_test_module.PagesManager
    app_test_module.PagesManager = _NavigationOnly
    try:
        yield
    finally:
        app_test_module.PagesManager = original
        PagesManager.uses_pages_directory = None
