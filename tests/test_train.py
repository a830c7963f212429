"""A tiny training run of the real training code, end to end: data, steps, save, load, evaluate, trace."""

from __future__ import annotations

import json

import pytest

from viz_model.engine import Engine
from viz_model.train import lr_at, main


def test_tiny_training_run_end_to_end(tmp_path):
    out = tmp_path / "ckpt"
    main(["--out", str(out), "--preset", "tiny", "--sentences", "400", "--valid", "20", "--test", "20",
          "--steps", "12", "--eval-every", "3", "--max-tokens", "600", "--warmup", "3", "--lr", "1e-2",
          "--average", "3", "--average-every", "2", "--continue-steps", "4", "--continue-warmup", "2"])
    for f in ("model.safetensors", "config.json", "src_vocab.json", "tgt_vocab.json", "metrics.json",
              "heldout.jsonl.gz"):
        assert (out / f).exists(), f
    info = json.loads((out / "config.json").read_text())["training"]
    assert info["steps"] == 16 and [h["step"] for h in info["history"]] == [3, 6, 9, 12, 15, 16]
    losses = [h["loss"] for h in info["history"]]
    assert losses[-1] < losses[0] - 0.3, losses  # the model learns (from about ln|V| at the start)
    engine = Engine.load(out, device="cpu")
    trace = engine.trace("The cat sleeps.", "es")
    assert trace.meta["model"]["name"] == "viz-mt-everyday" and "probs" in trace
    assert (out / "train_sources.npy").exists()


def test_stage_two_from_a_checkpoint_equals_the_single_run(tmp_path):
    """--init runs stage 2 alone from a stage-1 checkpoint: the same model as stage 1 + stage 2 in one run."""
    from safetensors.torch import load_file

    common = ["--preset", "tiny", "--sentences", "300", "--valid", "10", "--test", "10", "--eval-every", "50",
              "--max-tokens", "500", "--warmup", "3", "--average", "2", "--average-every", "2", "--workers", "1"]
    main(["--out", str(tmp_path / "both"), "--steps", "6", "--continue-steps", "4", *common])
    main(["--out", str(tmp_path / "one"), "--steps", "6", "--continue-steps", "0", *common])
    main(["--out", str(tmp_path / "two"), "--steps", "6", "--continue-steps", "4", "--init", str(tmp_path / "one"),
          *common])
    a, b = load_file(str(tmp_path / "both" / "model.safetensors")), load_file(str(tmp_path / "two" /
                                                                                   "model.safetensors"))
    assert a.keys() == b.keys() and all((a[k] == b[k]).all() for k in a)
    c = load_file(str(tmp_path / "one" / "model.safetensors"))
    assert any((a[k] != c[k]).any() for k in a)  # stage 2 changed the weights


def test_learning_rate_schedule():
    assert lr_at(1, 1e-3, 100) == 1e-5
    assert lr_at(100, 1e-3, 100) == 1e-3
    assert abs(lr_at(400, 1e-3, 100) - 5e-4) < 1e-12
    # linear: the peak after warm-up, half-way down at the middle, 2% of the peak at the last step
    assert lr_at(100, 1e-3, 100, 1100, "linear") == 1e-3
    assert abs(lr_at(600, 1e-3, 100, 1100, "linear") - 1e-3 * 0.51) < 1e-12
    assert abs(lr_at(1100, 1e-3, 100, 1100, "linear") - 2e-5) < 1e-12
    assert lr_at(5000, 1e-3, 100, 1100, "linear") == lr_at(1100, 1e-3, 100, 1100, "linear")
    with pytest.raises(ValueError):
        lr_at(200, 1e-3, 100, 1100, "cosine")


def test_heldout_file_is_byte_reproducible(tmp_path):
    from viz_model import grammar
    from viz_model.data import load_examples, save_examples

    examples = grammar.generate(30, seed=5)
    save_examples(examples, tmp_path / "a.jsonl.gz")
    save_examples(examples, tmp_path / "b.jsonl.gz")
    assert (tmp_path / "a.jsonl.gz").read_bytes() == (tmp_path / "b.jsonl.gz").read_bytes()
    assert load_examples(tmp_path / "a.jsonl.gz") == examples


def test_batches_cap_sentences():
    """--max-sentences caps the pairs per batch; without it short pairs share a few large batches."""
    import random

    from viz_model.data import Pair, token_batches

    pairs = [Pair([4, 5, 3], [2, 6, 3], "es") for _ in range(100)] + [Pair([4] * 20, [2] * 20, "es") for _ in range(10)]
    uncapped = [src.size(0) for src, _ in token_batches(pairs, 600, random.Random(0))]
    capped = [src.size(0) for src, _ in token_batches(pairs, 600, random.Random(0), max_sentences=16)]
    assert max(uncapped) == 100 and sum(uncapped) == 110
    assert max(capped) <= 16 and sum(capped) == 110 and len(capped) > len(uncapped)
