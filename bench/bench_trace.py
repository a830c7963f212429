"""Benchmark: time to trace a sentence (tokenize, encode, greedy decode with every intermediate recorded).

    python bench/bench_trace.py [--device cpu|cuda] [--repeats 30]

Prints a markdown table: source length, decoded length, median and p90 milliseconds (in-process, model loaded once,
after warm-up), trace size, and the process's peak resident memory. Target: <= 20 ms for 16 source tokens on CPU.
"""

from __future__ import annotations

import argparse
import platform
import random
import resource
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from viz_model import grammar  # noqa: E402
from viz_model.decoding import DecodeSettings  # noqa: E402
from viz_model.engine import Engine  # noqa: E402


def sentence_of(n_tokens: int, seed: int = 0) -> str:
    """Real grammar sentences joined with "and" until exactly n_tokens word tokens."""
    rng = random.Random(seed)
    toks: list[str] = []
    while len(toks) < n_tokens:
        ex = grammar.sample(rng)
        body = [t for t in ex.source if t not in ".?"]
        toks += (["and"] if toks else []) + body
    toks = toks[: n_tokens - 1] + ["."]
    return grammar.detokenize(toks, "en")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--repeats", type=int, default=30)
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    rss0 = peak_rss_mb()
    engine = Engine.load(device=args.device)
    rss_loaded = peak_rss_mb()
    print(f"device {engine.device}, torch {torch.__version__}, {torch.get_num_threads()} threads, "
          f"{platform.processor() or platform.machine()}; model {engine.describe()['parameters']:,} parameters; "
          f"peak RSS {rss0:.0f} MB before load, {rss_loaded:.0f} MB after\n")
    print("| source tokens | output tokens | median ms | p90 ms | trace arrays MB | peak RSS MB |")
    print("|---|---|---|---|---|---|")
    for n in (4, 16, 64):
        text = sentence_of(n)
        settings = DecodeSettings(max_new_tokens=100)
        for _ in range(3):
            trace = engine.trace(text, "es", settings)
        times = []
        for _ in range(args.repeats):
            if engine.device.type == "cuda":
                torch.cuda.synchronize()
            t0 = time.perf_counter()
            trace = engine.trace(text, "es", settings)
            times.append((time.perf_counter() - t0) * 1000)
        n_src = len(trace.source_tokens) - 2
        mb = sum(a.nbytes for a in trace.arrays.values()) / 2**20
        p90 = statistics.quantiles(times, n=10)[-1]
        print(f"| {n_src} | {len(trace.next_tokens)} | {statistics.median(times):.1f} | {p90:.1f} | {mb:.2f} | "
              f"{peak_rss_mb():.0f} |")


if __name__ == "__main__":
    main()
