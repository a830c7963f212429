"""The real app in headless Chromium: every page renders, typing and sliders change the figures, links restore the
view, and markup typed by a user never runs."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

import pytest

pytestmark = pytest.mark.browser

PAGES = {"overview": "", "embeddings": "embeddings", "positional": "positional", "attention": "attention",
         "ffn": "ffn", "output": "output"}
SENTENCE = "The small dog sees the cat."
SLIDER = '[data-testid="stMain"] [data-testid="stSlider"] input[type="range"]'
CHART = '[data-testid="stPlotlyChart"]'


def wait_ready(page, timeout: float = 60_000) -> None:
    """Wait for a chart and for the script run to finish (the status widget disappears)."""
    page.wait_for_selector(CHART, state="visible", timeout=timeout)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout, polling=200)
    page.wait_for_timeout(400)


def no_exception(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
    assert not page.dialogs, page.dialogs


def open_view(tab, app_url: str, path: str = "", **params: str) -> None:
    tab.goto(f"{app_url}/{path}" + (f"?{urlencode(params)}" if params else ""))
    wait_ready(tab)


def query(page) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlparse(page.url).query).items()}


def chart_titles(page) -> list[str]:
    return [t or "" for t in page.locator(f"{CHART} .gtitle").all_text_contents()]


def test_deep_link_as_first_request(page, app_url: str) -> None:
    """Kept first in this file: a link straight to a page as the server's first request still goes through the
    router (ui/page.py explains why that needs care with a `pages/` folder)."""
    open_view(page, app_url, "attention", q=SENTENCE, layer="1", head="2")
    no_exception(page)
    assert any("layer 1" in t and "head 2" in t for t in chart_titles(page)), chart_titles(page)
    assert query(page)["page"] == "attention"


@pytest.mark.parametrize("ui", ["en", "zh"])
def test_every_page_renders(page, app_url: str, screenshot_dir: Path, ui: str) -> None:
    for name, path in PAGES.items():
        open_view(page, app_url, path, q=SENTENCE, ui=ui)
        no_exception(page)
        assert page.locator(CHART).first.is_visible()
        page.screenshot(path=str(screenshot_dir / f"{name}_{ui}.png"))
        page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollTo(0, 1e6)")
        page.wait_for_timeout(300)
        page.screenshot(path=str(screenshot_dir / f"{name}_{ui}_end.png"))


def test_typing_a_sentence_changes_the_figures(page, app_url: str) -> None:
    open_view(page, app_url, "attention", q=SENTENCE)
    before = page.locator(f"{CHART} .ytick").all_text_contents()
    box = page.locator('[data-testid="stSidebar"] [data-testid="stTextInput"] input').first
    box.fill("I drink the water.")
    box.press("Enter")
    page.wait_for_function("() => document.querySelector('[data-testid=\"stPlotlyChart\"]')"
                           ".textContent.includes('water')", timeout=30_000)
    wait_ready(page)
    no_exception(page)
    assert query(page)["q"] == "I drink the water."
    assert page.locator(f"{CHART} .ytick").all_text_contents() != before


def test_moving_a_slider(page, app_url: str) -> None:
    open_view(page, app_url, "attention", q=SENTENCE)
    thumb = page.locator(SLIDER).first
    thumb.focus()
    thumb.press("ArrowRight")
    page.wait_for_function("() => location.search.includes('layer=1')", timeout=30_000)
    wait_ready(page)
    no_exception(page)
    assert any("layer 1" in t for t in chart_titles(page)), chart_titles(page)


def test_shared_link_restores_the_view(page, app_url: str, screenshot_dir: Path) -> None:
    params = dict(q="I drink the water.", lang="zh", page="attention", kind="cross", layer="2", head="1")
    open_view(page, app_url, "attention", **params)
    no_exception(page)
    assert page.get_by_role("tab", name="Cross-attention").get_attribute("aria-selected") == "true"
    thumb = page.locator(SLIDER).first
    assert thumb.input_value() == "2"
    assert any("cross" in t and "layer 2" in t and "head 1" in t for t in chart_titles(page)), chart_titles(page)
    for k, v in params.items():
        assert query(page)[k] == v
    page.screenshot(path=str(screenshot_dir / "shared_link.png"))


def test_markup_never_runs(page, app_url: str, screenshot_dir: Path) -> None:
    evil = "<img src=x onerror=alert(1)> the dog <script>alert(2)</script>"
    open_view(page, app_url, "", q=evil)
    box = page.locator('[data-testid="stSidebar"] [data-testid="stTextInput"] input').first
    box.fill("the cat <b onmouseover=alert(3)>sees</b> <img src=y onerror=alert(4)>")
    box.press("Enter")
    page.wait_for_timeout(1500)
    wait_ready(page)
    page.mouse.move(700, 400)
    no_exception(page)
    assert page.locator('img[src="x"], img[src="y"]').count() == 0
    page.screenshot(path=str(screenshot_dir / "markup.png"))


def test_language_switch_keeps_decoding_greedy(page, app_url: str) -> None:
    """Clicking 简体中文 and then any page switched decoding to sampling (temp=1.0 in the URL, junk translation): the
    decoding radio sent back its old English label, which its handler read as "sampling"."""
    open_view(page, app_url, "", q=SENTENCE)
    page.locator('[data-testid="stSidebar"] button', has_text="简体中文").first.click()
    page.wait_for_function("() => location.search.includes('ui=zh')", timeout=30_000)
    wait_ready(page)
    page.locator('[data-testid="stSidebarNav"] a[href$="/output"]').click()
    page.wait_for_function("() => location.pathname.endsWith('/output')", timeout=30_000)
    wait_ready(page)
    no_exception(page)
    assert "temp" not in query(page), query(page)
    assert query(page)["ui"] == "zh"


SIZES = {"wide": {"width": 1400, "height": 1100}, "phone": {"width": 390, "height": 844}}

OVERFLOW_JS = """() => {
    const main = document.querySelector('[data-testid="stMain"]');
    const out = [];
    if (main.scrollWidth > main.clientWidth + 1) out.push('main ' + main.scrollWidth + ' > ' + main.clientWidth);
    for (const el of document.querySelectorAll('[data-testid="stMain"] .katex-display, '
                                              + '[data-testid="stMain"] [data-testid="stVegaLiteChart"]')) {
        const box = el.getBoundingClientRect(), room = el.closest('[data-testid="stElementContainer"]');
        const wide = el.scrollWidth, fits = room ? room.clientWidth : window.innerWidth;
        if (wide > fits + 1 || box.right > window.innerWidth + 1)
            out.push((el.className || el.dataset.testid) + ' ' + wide + ' > ' + fits);
    }
    return out;
}"""

BACKGROUND_JS = """() => getComputedStyle(document.querySelector('[data-testid="stApp"]')).backgroundColor
    .match(/\\d+/g).slice(0, 3).map(Number).reduce((a, b) => a + b, 0) / 3"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", SIZES)
def test_every_page_in_both_themes_at_both_widths(chromium, app_url: str, screenshot_dir: Path, scheme: str,
                                                  size: str) -> None:
    """The visitor's light or dark theme is respected (it was forced light), and at 390 px nothing overflows (the
    head map did, and formulas were cut). Screenshots of every page land in $SCREENSHOT_DIR."""
    context = chromium.new_context(viewport=SIZES[size], color_scheme=scheme, locale="en-US")
    tab = context.new_page()
    tab.dialogs = []
    try:
        for name, path in PAGES.items():
            params = dict(q=SENTENCE, lang="zh" if name in ("overview", "output") else "es")
            if name == "attention":
                params.update(kind="cross", layer="2", head="1")
            open_view(tab, app_url, path, **params)
            no_exception(tab)
            brightness = tab.evaluate(BACKGROUND_JS)
            assert (brightness < 80) if scheme == "dark" else (brightness > 200), (name, brightness)
            if name == "attention":  # the head map sits at the end of the tab
                tab.locator('[data-testid="stVegaLiteChart"]').first.wait_for(state="attached", timeout=30_000)
            assert not tab.evaluate(OVERFLOW_JS), (name, tab.evaluate(OVERFLOW_JS))
            tab.screenshot(path=str(screenshot_dir / f"{name}_{scheme}_{size}.png"))
    finally:
        context.close()


@pytest.mark.parametrize("name,params", [
    ("in_grammar", dict(q="The cat sat on the mat.", lang="zh")),
    ("outside_grammar", dict(q="Colorless green ideas sleep furiously.", lang="es")),
    ("unknown_copy", dict(q="My name is Zorbalinda.", lang="es")),
    ("model_error", dict(q="The children are playing in the garden.", lang="zh", mode="sample", temp="2.0",
                         seed="3")),
])
def test_honest_output_states(page, app_url: str, screenshot_dir: Path, name: str, params: dict) -> None:
    """The Overview says whether a sentence is in the model's language (with the reference), outside it, or a
    model error; unknown words copied from the source are explained with their attention."""
    open_view(page, app_url, "", **params)
    no_exception(page)
    main = page.locator('[data-testid="stMain"]')
    text = main.inner_text()
    if name == "in_grammar":
        assert "In the model's language" in text and "猫坐在垫子上" in text
    elif name == "outside_grammar":
        assert "Outside what the model was trained on" in text
    elif name == "unknown_copy":
        assert "Zorbalinda" in text and "copied" in text
        assert page.locator(CHART).count() >= 1
    else:
        assert "Model error" in text or "In the model's language" in text
    page.screenshot(path=str(screenshot_dir / f"honesty_{name}.png"))
