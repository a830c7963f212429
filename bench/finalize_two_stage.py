"""Held-out set for a model trained in two runs on two different training splits (see README, "Training").

The shipped model's stage 1 and stage 2 saw different training sentences (a cache bug in the generator made stage
1's data depend on worker scheduling; it was fixed before stage 2). A sentence is held out only if it is in neither
training set: this samples fresh sentences (seed 20261125), drops every one whose fingerprint is in either run's
train_sources.npy, keeps 2,000, writes them as the checkpoint's heldout.jsonl.gz with the union of the fingerprints
as its train_sources.npy, and evaluates the model on them (metrics.json).

    python bench/finalize_two_stage.py runs/everyday runs/everyday2
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from viz_model import grammar  # noqa: E402
from viz_model.data import (  # noqa: E402
    TRAIN_HASHES_FILE,
    load_train_hashes,
    save_examples,
    sentence_hash,
)
from viz_model.engine import Engine  # noqa: E402
from viz_model.evaluate import HELDOUT_FILE, evaluate, format_report  # noqa: E402

N_HELDOUT = 2000
SEED = 20261125


def main(stage1: Path, stage2: Path) -> None:
    trained = load_train_hashes(stage1 / TRAIN_HASHES_FILE) | load_train_hashes(stage2 / TRAIN_HASHES_FILE)
    rng = random.Random(SEED)
    gr = grammar.grammar()
    heldout, seen, drawn = [], set(), 0
    while len(heldout) < N_HELDOUT:
        ex = gr.sample(rng)
        drawn += 1
        h = sentence_hash(ex.source)
        if h in trained or h in seen:
            continue
        seen.add(h)
        heldout.append(ex)
    print(f"drew {drawn} sentences; {N_HELDOUT} are in neither training set")
    save_examples(heldout, stage2 / HELDOUT_FILE)
    np.save(stage2 / TRAIN_HASHES_FILE, np.array(sorted(trained), dtype=np.uint64), allow_pickle=False)
    cfg_path = stage2 / "config.json"
    cfg = json.loads(cfg_path.read_text(encoding="utf-8"))
    cfg["training"]["sentences"] = {"train": len(trained), "test": N_HELDOUT,
                                    "valid": cfg["training"]["sentences"]["valid"]}
    cfg["training"]["heldout"] = (f"{N_HELDOUT} fresh sentences (seed {SEED}) in neither run's training set; "
                                  f"{drawn} drawn")
    cfg_path.write_text(json.dumps(cfg, indent=2, ensure_ascii=False), encoding="utf-8")
    engine = Engine.load(stage2)
    metrics = evaluate(engine, heldout)
    (stage2 / "metrics.json").write_text(json.dumps(metrics, indent=1, ensure_ascii=False))
    print(format_report(metrics))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
