"""Benchmark: the head-ablation page's two computations on the default model.

    python bench/bench_ablation.py [--repeats 5] [--threads 2] [--tokens 8 16]

Prints a markdown table per source length: the batched single-head sweep (every head removed alone, all in one
teacher-forced batch: 36 heads + the baseline = 37 rows for the default model), the same sweep one ablation at a time
(37 forward passes), one ablated re-decode with its step comparison, and one plain trace for scale. Median and min
milliseconds, in-process, model loaded once, after one warm-up. Target: sweep <= 2 s for 16 tokens on 2 cores.
Report the machine's load with the numbers (the table prints the 1-minute load average).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_trace import sentence_of  # noqa: E402
from viz_model.ablation import AblationSet, head_list, head_sweep, run_ablation  # noqa: E402
from viz_model.decoding import DecodeSettings  # noqa: E402
from viz_model.engine import Engine  # noqa: E402


def timed(fn, repeats: int) -> tuple[float, float]:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), min(times)


def row(engine: Engine, heads: list, aset: AblationSet, n: int, repeats: int) -> str:
    """One table row for a grammar sentence of n source tokens."""
    v, model = engine.tgt_vocab, engine.model
    sentence = sentence_of(n)
    tr = engine.trace(sentence, "es", DecodeSettings())
    src = [int(i) for i in tr["src.ids"]]
    target = [int(i) for i in tr["next.ids"]]
    src_t, tgt_t = torch.tensor([src]), torch.tensor([[v.bos_id, *target[:-1]]])

    @torch.inference_mode()
    def one_at_a_time() -> None:  # 37 passes of batch 1: what the batched sweep replaces
        for head in [None, *heads]:
            logits = model(src_t, tgt_t, ablate=AblationSet(frozenset({head} if head else ())).for_model(4))
            torch.log_softmax(logits[0].double(), -1)[torch.arange(len(target)), torch.tensor(target)].sum()

    sweep = timed(lambda: head_sweep(model, tr, v.stoi, v.bos_id, v.unk_id), repeats)
    single = timed(one_at_a_time, max(1, repeats // 2))
    redecode = timed(lambda: run_ablation(model, tr, v.itos, aset, v.bos_id, v.eos_id), repeats)
    plain = timed(lambda: engine.trace(sentence, "es", DecodeSettings()), repeats)
    return (f"| {len(src) - 2} | {len(target)} | {sweep[0]:.0f} / {sweep[1]:.0f} | {single[0]:.0f} | "
            f"{redecode[0]:.0f} | {plain[0]:.0f} |")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--tokens", type=int, nargs="+", default=[8, 16])
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    engine = Engine.load(device="cpu")
    model = engine.model
    layers = {"encoder": model.cfg.n_encoder_layers, "decoder": model.cfg.n_decoder_layers}
    heads = head_list(layers, model.cfg.n_heads)
    print(f"torch threads {args.threads}, load average (1 min) {os.getloadavg()[0]:.1f}, {len(heads)} heads\n")
    print("| source tokens | output tokens | batched sweep ms (median / min) | one at a time ms | ablated re-decode ms "
          "| plain trace ms |")
    print("|---|---|---|---|---|---|")
    aset = AblationSet(frozenset({("cross", 2, 1), ("decoder_self", 1, 0)}))
    for n in args.tokens:
        print(row(engine, heads, aset, n, args.repeats))


if __name__ == "__main__":
    main()
