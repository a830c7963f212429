"""Browser fixtures: the real app under `streamlit run`, and the system Chromium driven by Playwright.

Never runs `playwright install`: the tests use /usr/bin/chromium and skip cleanly where it is missing.
Screenshots go to $SCREENSHOT_DIR (or a temporary folder), at a 1400×1100 viewport.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from ui.apptest import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, serve_app


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a free port of 127.0.0.1 for the whole session; its log is shown if it fails to start."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    log_path = tmp_path_factory.mktemp("streamlit") / "server.log"
    with log_path.open("w") as log:
        try:
            with serve_app(log) as url:
                yield url
        except RuntimeError as e:
            raise RuntimeError(f"{e}:\n{log_path.read_text()[-3000:]}") from None


@pytest.fixture(scope="session")
def chromium(app_url: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = Path(os.environ["SCREENSHOT_DIR"]) if os.environ.get("SCREENSHOT_DIR") else tmp_path_factory.mktemp("shots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture()
def page(chromium):
    """A fresh browser tab; any JavaScript dialog (alert, confirm) is recorded in page.dialogs and dismissed."""
    context = chromium.new_context(viewport=VIEWPORT, locale="en-US")
    tab = context.new_page()
    tab.dialogs = []

    def on_dialog(dialog) -> None:
        tab.dialogs.append(dialog.message)
        dialog.dismiss()

    tab.on("dialog", on_dialog)
    yield tab
    context.close()
