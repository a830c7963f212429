"""Take the README's screenshots: the real app under `streamlit run`, in headless Chromium, at 1400×1100.

    python bench/screenshots.py [--out docs/screenshots]

Each view is opened from a shared link (the same URLs a visitor would copy), so the pictures are reproducible.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_app import IDLE_JS  # noqa: E402

from ui.apptest import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, serve_app  # noqa: E402

SENTENCE = "The black cat that the old woman sees does not sleep under the big table."
PHONE = {"width": 390, "height": 844}
CROSS_LAST = "x.2.0,x.2.1,x.2.2,x.2.3"  # every cross-attention head of the last decoder layer
VIEWS = [  # (file name, page path, query parameters[, colour scheme, viewport])
    ("overview", "", {"q": SENTENCE, "lang": "zh"}),
    ("embeddings", "embeddings", {"q": SENTENCE, "lang": "es"}),
    ("positional", "positional", {"q": SENTENCE, "lang": "es"}),
    ("attention_cross", "attention", {"q": SENTENCE, "lang": "zh", "kind": "cross", "layer": "2", "head": "1"}),
    ("attention_decoder", "attention", {"q": SENTENCE, "lang": "es", "kind": "decoder_self", "layer": "1"}),
    ("ffn", "ffn", {"q": SENTENCE, "lang": "es", "stack": "decoder", "layer": "1"}),
    ("output", "output", {"q": SENTENCE, "lang": "zh", "step": "4"}),
    ("overview_zh_ui", "", {"q": SENTENCE, "lang": "zh", "ui": "zh"}),
    ("attention_dark", "attention", {"q": SENTENCE, "lang": "zh", "kind": "cross", "layer": "2", "head": "1"}, "dark"),
    ("output_phone", "output", {"q": SENTENCE, "lang": "zh", "step": "4"}, "light", PHONE),
    # Issue 8: alignment & flow, query · key (light, desktop and phone)
    ("alignment", "alignment", {"q": "The small dog sees the cat.", "lang": "es", "layer": "2", "head": "1"}),
    ("alignment_phone", "alignment", {"q": "The small dog sees the cat.", "lang": "zh", "layer": "2"}, "light",
     PHONE),
    ("qk", "qk", {"q": "The small dog sees the cat.", "lang": "es", "kind": "decoder_self", "layer": "1",
                  "head": "2", "qpos": "3"}),
    ("qk_phone", "qk", {"q": "The small dog sees the cat.", "lang": "es", "kind": "cross", "layer": "2", "head": "1",
                        "qpos": "2", "ui": "zh"}, "light", PHONE),
    # Issue 8.2: head ablation (the last layer's cross-attention heads off changes the translation)
    ("ablation", "ablation", {"q": "The small dog sees the cat.", "lang": "es", "ablate": CROSS_LAST}),
    ("ablation_phone", "ablation", {"q": "The small dog sees the cat.", "lang": "es", "ablate": CROSS_LAST}, "light",
     PHONE),
    # What the app says about a translation (ui/honesty.py): in the model's language, a model error, outside, a copy.
    ("honesty_in_grammar", "", {"q": "The children are playing in the garden.", "lang": "zh"}),
    ("honesty_model_error", "", {"q": "I don't like coffee.", "lang": "es"}),
    ("honesty_outside", "", {"q": "Colorless green ideas sleep furiously.", "lang": "es"}),
    ("honesty_copy", "", {"q": "My name is Zorbalinda.", "lang": "zh"}),
    # A model other than the shipped one (models.toml): the real all-MiniLM-L6-v2 BERT encoder from PyPI.
    ("model_minilm_attention", "attention", {"q": "Transformers visualise attention between subword pieces.",
                                              "model": "minilm", "layer": "2", "head": "5"}),
    ("model_minilm_words", "attention", {"q": "Transformers visualise attention between subword pieces.",
                                          "model": "minilm", "layer": "2", "head": "5", "words": "1"}),
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent.parent / "docs" / "screenshots"))
    ap.add_argument("--only", nargs="*", metavar="NAME", help="take only these views (file names without .png)")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    with serve_app() as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        for name, path, params, *look in VIEWS:
            if args.only and name not in args.only:
                continue
            scheme = look[0] if look else "light"
            viewport = look[1] if len(look) > 1 else VIEWPORT
            page = browser.new_page(viewport=viewport, color_scheme=scheme)
            page.goto(f"{base}/{path}?{urlencode(params)}")
            page.wait_for_selector(".js-plotly-plot", timeout=60_000)
            page.wait_for_function(IDLE_JS, timeout=60_000)
            page.wait_for_timeout(800)  # let Plotly finish its transitions
            page.screenshot(path=str(out / f"{name}.png"))
            page.close()
            print(out / f"{name}.png")
        browser.close()


if __name__ == "__main__":
    main()
