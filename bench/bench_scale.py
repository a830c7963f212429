"""Scale: a 12-layer × 12-head model (BERT-base shape, random weights, built from its config: nothing downloads) traced
at 128, 256 and 512 tokens; the all-heads grid's values and bytes, unpooled and pooled to the budget
(viz_model/payload.py).

    python bench/bench_scale.py [--tokens 128 256 512] [--repeats 3]

Prints a markdown table. Needs requirements-hf.txt.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from viz_model import figures, payload  # noqa: E402
from viz_model.trace import Trace  # noqa: E402

WORDS = ("the quick brown fox jumps over the lazy dog while the old woman reads a long letter to her "
         "grandchildren about the mountains and the sea").split()


def build_engine():
    from transformers import BertConfig, BertModel

    from tests.hf_tiny import _wordpiece
    from viz_model.hf import HFEngine

    torch.manual_seed(0)
    tok = _wordpiece()
    cfg = BertConfig(vocab_size=len(tok), hidden_size=768, num_hidden_layers=12, num_attention_heads=12,
                     intermediate_size=3072, max_position_embeddings=512, attn_implementation="eager")
    engine = HFEngine.build(BertModel(cfg, add_pooling_layer=False).eval(), tok, "bert-base-shape (random)")
    engine.max_input_chars = 100_000
    return engine


def sentence_of(engine, n_tokens: int) -> str:
    """A text that tokenizes to exactly n_tokens pieces (special tokens included)."""
    words: list[str] = []
    i = 0
    while len(engine.tokenizer(" ".join(words))["input_ids"]) < n_tokens:
        words.append(WORDS[i % len(WORDS)])
        i += 1
    while len(engine.tokenizer(" ".join(words))["input_ids"]) > n_tokens:
        words.pop()
    return " ".join(words)


def grid_bytes(trace: Trace, block: int) -> tuple[int, float]:
    """Bytes of the all-heads grid figure's JSON with attention pooled into `block`-position blocks, and seconds."""
    t0 = time.perf_counter()
    stack = payload.pooled_stack(trace.attention_stack("encoder_self"), block)
    labels = payload.block_labels(trace.source_tokens, block)
    arrays = {f"encoder.{i}.self_attn.weights": stack[i] for i in range(stack.shape[0])}
    arrays |= {f"encoder.{i}.input": np.zeros((len(labels), 1), np.float32) for i in range(stack.shape[0])}
    fig = figures.attention_grid(Trace(arrays, tuple(labels), (), (), {}), "encoder_self")
    size = len(fig.to_json())
    return size, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tokens", type=int, nargs="*", default=[128, 256, 512])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    engine = build_engine()
    print("| tokens | trace median s | trace arrays MB | grid values (full) | full grid MB (est.) | block | "
          "pooled grid MB | pooled grid build s |")
    print("|---|---|---|---|---|---|---|---|")
    for n in args.tokens:
        text = sentence_of(engine, n)
        engine.trace(text)
        times = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            tr = engine.trace(text)
            times.append(time.perf_counter() - t0)
        arrays_mb = sum(a.nbytes for a in tr.arrays.values()) / 2**20
        plan = payload.grid_plan(12, 12, len(tr.source_tokens), len(tr.source_tokens))
        size, secs = grid_bytes(tr, plan.block)
        print(f"| {len(tr.source_tokens)} | {statistics.median(times):.2f} | {arrays_mb:.0f} | {plan.full_values:,} | "
              f"{plan.full_values * payload.BYTES_PER_VALUE / 2**20:.0f} | {plan.block} | {size / 2**20:.1f} | "
              f"{secs:.2f} |")


if __name__ == "__main__":
    main()
