"""App benchmark, per page: a rerun after a new sentence, bytes of figure data, Enter-to-updated in Chromium.

    python bench/bench_app.py [--runs 8] [--no-browser]

1. Server side (Streamlit AppTest, in process): the model is loaded and warm; each run types a sentence never seen
   before, so the trace is not cached. Reported: median and p90 ms of that rerun, per page.
2. Bytes: the Plotly figure specs the page sends (JSON in the protobuf), summed per page; for the attention page also
   bytes per attention value of the all-heads grid.
3. Browser: `streamlit run app.py` on 127.0.0.1 and headless Chromium (Playwright, /usr/bin/chromium): type a new
   sentence, press Enter, and time until the app has finished running and every chart that shows tokens shows the new
   ones. Median of the runs.
4. A rerun after a widget change that keeps the trace (layer, step, ...), on a 16-token sentence: median ms.
Targets (2-core machine): rerun <= 100 ms, widget rerun <= 50 ms, Enter-to-updated <= 1 s, grid <= 6 bytes per
attention value.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ui.apptest import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, serve_app  # noqa: E402
from ui.legacy_pages import navigation_only  # noqa: E402
from viz_model import grammar  # noqa: E402

PAGES = ["overview", "embeddings", "positional", "attention", "ffn", "output", "alignment", "qk", "ablation"]


def sentences(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [grammar.detokenize(grammar.sample(rng).source, "en") for _ in range(n)]


def p90(xs: list[float]) -> float:
    return statistics.quantiles(xs, n=10)[-1] if len(xs) > 1 else xs[0]


def server_side(runs: int) -> dict[str, dict]:
    from streamlit.testing.v1 import AppTest

    with navigation_only():
        return {page: _server_side_page(AppTest, page, i, runs) for i, page in enumerate(PAGES)}


def _server_side_page(AppTest, page: str, i: int, runs: int) -> dict:  # noqa: N803
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    if page != "overview":
        at.switch_page(f"pages/{page}.py")
        at.run()
    assert not at.exception, at.exception
    times = []
    for text in sentences(runs, seed=100 + i):
        at.text_input(key="w_sentence.en").set_value(text)
        t0 = time.perf_counter()
        at.run()
        times.append((time.perf_counter() - t0) * 1000)
        assert not at.exception, at.exception
    specs = [c.proto.spec for c in at.get("plotly_chart")]
    row = {"median_ms": statistics.median(times), "p90_ms": p90(times), "figures": len(specs),
           "figure_bytes": sum(len(s.encode()) for s in specs), "widget_ms": _widget_reruns(at, page, runs)}
    if page == "attention":
        row["grid_bytes_per_value"] = _grid_bytes_per_value(at)
        at.text_input(key="w_sentence.en").set_value(SIXTEEN_TOKENS)
        at.run()
        row["grid_bytes_per_value_16"] = _grid_bytes_per_value(at)
    return row


# A widget per page whose change keeps the trace: (element kind, key, two values to alternate between).
WIDGETS = {
    "overview": ("text_input", "vocab_search", ("dog", "cat")),
    "embeddings": ("segmented_control", "w_embedding_rows.en", ("raw", "scaled")),
    "positional": ("slider", "w_positions.en", (40, 64)),
    "attention": ("slider", "w_layer_encoder_self.en", (1, 2)),
    "ffn": ("slider", "w_layer_ffn.en", (1, 2)),
    "output": ("slider", "w_step.en", (1, 2)),
    "alignment": ("slider", "w_layer_align.en", (1, 2)),
    "qk": ("slider", "w_layer_qk.en", (1, 2)),
    "ablation": ("multiselect", "abl_heads_cross.en", ([(2, 1)], [(2, 2)])),  # each set decoded once, then cached
}


def _widget_reruns(at, page: str, runs: int) -> float:
    """Median ms of a rerun after a widget change that keeps the trace (layer, step, ...) on a 16-token sentence."""
    at.text_input(key="w_sentence.en").set_value(SIXTEEN_TOKENS)
    at.run()
    kind, key, values = WIDGETS[page]
    times = []
    for i in range(runs):
        getattr(at, kind)(key=key).set_value(values[i % 2])
        t0 = time.perf_counter()
        at.run()
        times.append((time.perf_counter() - t0) * 1000)
        assert not at.exception, at.exception
    return statistics.median(times)


# 16 word tokens (18 encoder positions with the language tag and </s>), the reference size.
SIXTEEN_TOKENS = "The black cat that the old woman sees does not sleep under the big table."


def _grid_bytes_per_value(at) -> float:
    """Bytes of the all-heads grid's spec, as Streamlit sends it, per attention value it holds."""
    spec = next(c.proto.spec for c in at.get("plotly_chart") if _is_grid(json.loads(c.proto.spec)))
    return len(spec.encode()) / _n_values(json.loads(spec)["data"][0]["z"])


def _is_grid(fig: dict) -> bool:
    shapes = fig.get("layout", {}).get("shapes") or []
    return bool(shapes) and shapes[0].get("type") == "path" and fig["data"][0].get("type") == "heatmap"


def _n_values(z) -> int:
    if isinstance(z, dict):
        return math.prod(int(x) for x in str(z["shape"]).split(","))  # "48, 72" -> 48*72
    return sum(len(r) for r in z)


# What changes when a new sentence is drawn: the charts' token labels, and the page's own text (a page whose only
# chart has the same labels for every sentence, such as the ablation sweep, still changes its captions).
SIGNATURE_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(g => JSON.stringify([
    (g.layout && g.layout.xaxis && g.layout.xaxis.ticktext) || null,
    (g.layout && g.layout.yaxis && g.layout.yaxis.ticktext) || null,
    (g.layout && g.layout.annotations || []).map(a => a.text)])).join('|')
    + ((document.querySelector('[data-testid="stMain"]') || {}).innerText || '')"""

IDLE_JS = """() => !document.querySelector('[data-testid="stStatusWidget"]')
    && !document.querySelector('[data-stale="true"]')"""


def browser(runs: int) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    out = {}
    with serve_app() as base, sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = b.new_page(viewport=VIEWPORT)
        for i, name in enumerate(PAGES):
            page.goto(base + ("/" if name == "overview" else f"/{name}"))
            page.wait_for_selector(".js-plotly-plot", timeout=60_000)
            page.wait_for_function(IDLE_JS, timeout=60_000)
            times = []
            for text in sentences(runs, seed=500 + i):
                before = page.evaluate(SIGNATURE_JS)
                box = page.locator('[data-testid="stSidebar"] [data-testid="stTextInput"] input').first
                box.fill(text)
                t0 = time.perf_counter()
                box.press("Enter")
                page.wait_for_function(f"() => ({SIGNATURE_JS})() !== {json.dumps(before)}", timeout=30_000)
                page.wait_for_function(IDLE_JS, timeout=30_000)
                times.append((time.perf_counter() - t0) * 1000)
            out[name] = statistics.median(times)
        b.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=8)
    ap.add_argument("--no-browser", action="store_true")
    args = ap.parse_args()
    srv = server_side(args.runs)
    web = {} if args.no_browser or not Path(CHROMIUM).exists() else browser(args.runs)
    print("| page | rerun median ms | rerun p90 ms | widget rerun ms | figures | figure bytes | Enter-to-updated ms |")
    print("|---|---|---|---|---|---|---|")
    for page in PAGES:
        r = srv[page]
        w = f"{web[page]:.0f}" if page in web else "n/a"
        print(f"| {page} | {r['median_ms']:.0f} | {r['p90_ms']:.0f} | {r['widget_ms']:.0f} | {r['figures']} | "
              f"{r['figure_bytes']:,} | {w} |")
    a = srv["attention"]
    print(f"\nattention grid (all layers × heads), bytes per attention value as sent (the figure spec in Streamlit's "
          f"message): {a['grid_bytes_per_value_16']:.2f} for a 16-token sentence, {a['grid_bytes_per_value']:.2f} for "
          "the last benchmark sentence (shorter: the layout's fixed ~1.4 kB weighs more)")


if __name__ == "__main__":
    main()
