"""Held-out evaluation: exact-match translation accuracy and cross-attention AER per layer and head.

    python -m viz_model.evaluate [--checkpoint DIR] [--limit N]

prints the table the README quotes and writes it to the checkpoint's metrics.json (with --write).
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch

from . import grammar
from .analysis import AERCounter, predicted_alignment
from .data import load_examples, pad, to_pairs
from .decoding import greedy_batch
from .engine import DEFAULT_CHECKPOINT, Engine
from .model import Recorder

log = logging.getLogger(__name__)
HELDOUT_FILE = "heldout.jsonl.gz"


@torch.inference_mode()
def exact_match(engine: Engine, examples: Sequence[grammar.Example], lang: str, batch_size: int = 256) -> dict:
    """Greedy-decode every source; the fraction whose output equals the gold tokens exactly, and a few misses."""
    pairs = to_pairs(examples, [lang], engine.src_vocab, engine.tgt_vocab)
    correct, misses = 0, []
    family_counts: dict[str, list[int]] = {}
    for i in range(0, len(pairs), batch_size):
        chunk = pairs[i : i + batch_size]
        outs = greedy_batch(engine.model, pad([p.src for p in chunk]).to(engine.device), engine.tgt_vocab.bos_id,
                            engine.tgt_vocab.eos_id, max_new_tokens=max(len(p.tgt) for p in chunk) + 10)
        for p, out, ex in zip(chunk, outs, examples[i : i + batch_size]):
            ok = out == p.tgt[1:-1]
            for f in ex.families:
                family_counts.setdefault(f, [0, 0])
                family_counts[f][0] += ok
                family_counts[f][1] += 1
            if ok:
                correct += 1
            elif len(misses) < 12:
                misses.append({"source": grammar.detokenize(ex.source, "en"),
                               "gold": grammar.detokenize(ex.translations[lang].tokens, lang),
                               "output": grammar.detokenize(engine.tgt_vocab.decode(out), lang)})
    by_family = {f: {"exact_match": c / n, "n": n} for f, (c, n) in
                 sorted(family_counts.items(), key=lambda kv: grammar.FAMILIES.index(kv[0]))}
    return {"exact_match": correct / max(len(pairs), 1), "n": len(pairs), "by_family": by_family, "misses": misses}


@torch.inference_mode()
def alignment_error(engine: Engine, examples: Sequence[grammar.Example], lang: str, batch_size: int = 256) -> dict:
    """AER of cross-attention against gold alignments, teacher-forced on the gold translation.

    Returns per_head [layer][head], head_averaged [layer], best layer and best single head.
    """
    model = engine.model
    n_layers, n_heads = model.cfg.n_decoder_layers, model.cfg.n_heads
    per_head = [[AERCounter() for _ in range(n_heads)] for _ in range(n_layers)]
    averaged = [AERCounter() for _ in range(n_layers)]
    pairs = to_pairs(examples, [lang], engine.src_vocab, engine.tgt_vocab)
    for i in range(0, len(pairs), batch_size):
        chunk, exs = pairs[i : i + batch_size], examples[i : i + batch_size]
        rec = Recorder()
        device = engine.device
        model(pad([p.src for p in chunk]).to(device), pad([p.tgt[:-1] for p in chunk]).to(device), rec=rec)
        for layer in range(n_layers):
            w = rec.tensors[f"decoder.{layer}.cross_attn.weights"].float().cpu().numpy()  # (B, H, T, S)
            for b, ex in enumerate(exs):
                gold = ex.translations[lang].alignment
                n_t, n_w = len(gold), len(ex.source)
                averaged[layer].add(predicted_alignment(w[b].mean(0), n_t, 1, n_w), gold)
                for h in range(n_heads):
                    per_head[layer][h].add(predicted_alignment(w[b, h], n_t, 1, n_w), gold)
    ph = [[c.value for c in row] for row in per_head]
    av = [c.value for c in averaged]
    best_layer = int(np.argmin(av))
    flat = int(np.argmin(np.array(ph)))
    return {"per_head": ph, "head_averaged": av, "best_layer": best_layer, "best_layer_aer": av[best_layer],
            "best_head": [flat // n_heads, flat % n_heads], "best_head_aer": float(np.min(ph))}


def evaluate(engine: Engine, examples: Sequence[grammar.Example]) -> dict[str, Any]:
    t0 = time.perf_counter()
    out: dict[str, Any] = {"n_sentences": len(examples), "languages": {}}
    for lang in engine.languages:
        out["languages"][lang] = {**exact_match(engine, examples, lang), "aer": alignment_error(engine, examples, lang)}
    out["seconds"] = round(time.perf_counter() - t0, 1)
    return out


def format_report(m: dict[str, Any]) -> str:
    lines = [f"Held-out sentences: {m['n_sentences']} (never seen in training)", "",
             "| language | exact match | AER per decoder layer (head-averaged) | best layer | best head (layer, head) "
             "|",
             "|---|---|---|---|---|"]
    for lang, r in m["languages"].items():
        a = r["aer"]
        per_layer = " / ".join(f"{x:.1%}" for x in a["head_averaged"])
        lines.append(f"| {lang} | {r['exact_match']:.2%} ({r['n']}) | {per_layer} | {a['best_layer']}: "
                     f"{a['best_layer_aer']:.1%} | {tuple(a['best_head'])}: {a['best_head_aer']:.1%} |")
    langs = list(m["languages"])
    lines += ["", "Exact match per construction family (held-out sentences of that family)", "",
              "| construction | " + " | ".join(langs) + " | sentences |", "|---|" + "---|" * (len(langs) + 1)]
    fams = m["languages"][langs[0]].get("by_family", {})
    for f in fams:
        cells = [f"{m['languages'][lang]['by_family'][f]['exact_match']:.1%}" for lang in langs]
        lines.append(f"| {f} | " + " | ".join(cells) + f" | {fams[f]['n']} |")
    for lang, r in m["languages"].items():
        lines += ["", f"AER per head, {lang} (rows: decoder layers, columns: heads)"]
        lines += ["  layer " + str(i) + ": " + "  ".join(f"{x:6.1%}" for x in row)
                  for i, row in enumerate(r["aer"]["per_head"])]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoint", default=str(DEFAULT_CHECKPOINT))
    ap.add_argument("--limit", type=int, default=0, help="evaluate only the first N held-out sentences")
    ap.add_argument("--write", action="store_true", help="save the result as metrics.json in the checkpoint")
    args = ap.parse_args(argv)
    torch.set_num_threads(max(1, torch.get_num_threads()))
    engine = Engine.load(args.checkpoint)
    examples = load_examples(Path(args.checkpoint) / HELDOUT_FILE)
    if args.limit:
        examples = examples[: args.limit]
    m = evaluate(engine, examples)
    print(format_report(m))
    if args.write:
        (Path(args.checkpoint) / "metrics.json").write_text(json.dumps(m, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
