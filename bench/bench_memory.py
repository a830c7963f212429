"""Server memory under many distinct worst-case inputs: does the process's RSS level off?

    python bench/bench_memory.py [--runs 300] [--every 25]

The app runs in process under Streamlit's AppTest (the model loaded once, as on a server). Each run is a new session
with a new maximum-length sentence (64 words from the model's grammar), sampled at temperature 2 with a new seed and
the decoding cap at 100 tokens: every run is a distinct, expensive cache entry. Every page takes turns. Printed: the
resident set size (VmRSS) every `--every` runs. The trace cache is bounded in bytes (ui/cache.py) and each session
holds one trace, so RSS must level off instead of growing with the number of distinct inputs.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ui.legacy_pages import navigation_only  # noqa: E402
from ui.view import PAGE_ORDER  # noqa: E402
from viz_model import grammar  # noqa: E402
from viz_model.tokenizer import MAX_SOURCE_TOKENS  # noqa: E402


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def long_sentence(rng: random.Random) -> str:
    """About MAX_SOURCE_TOKENS words: grammar sentences joined until the cap."""
    words: list[str] = []
    while len(words) < MAX_SOURCE_TOKENS:
        words += list(grammar.sample(rng).source)
    return grammar.detokenize(words[:MAX_SOURCE_TOKENS], "en")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=300)
    ap.add_argument("--every", type=int, default=25)
    args = ap.parse_args()
    from streamlit.testing.v1 import AppTest

    rng = random.Random(7)
    print("| runs | RSS MB | seconds |")
    print("|---|---|---|")
    t0 = time.perf_counter()
    with navigation_only():
        for i in range(args.runs + 1):
            at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
            for k, v in dict(q=long_sentence(rng), temp="2.0", seed=str(i), max="100",
                             page=PAGE_ORDER[i % len(PAGE_ORDER)]).items():
                at.query_params[k] = v
            at.run()
            assert not at.exception, at.exception
            if i % args.every == 0:
                print(f"| {i} | {rss_mb():.0f} | {time.perf_counter() - t0:.0f} |", flush=True)


if __name__ == "__main__":
    main()
