"""The shipped model: it loads without unpickling and meets its bars on a sample of the held-out set."""

from __future__ import annotations

import json

import pytest

from viz_model.data import load_examples, make_splits
from viz_model.engine import DEFAULT_CHECKPOINT
from viz_model.evaluate import HELDOUT_FILE, alignment_error, exact_match

SAMPLE = 300  # of the held-out sentences, per language; the README's table uses all of them


@pytest.fixture(scope="module")
def heldout():
    return load_examples(DEFAULT_CHECKPOINT / HELDOUT_FILE)[:SAMPLE]


def test_checkpoint_is_plain_files_within_budget():
    files = {p.name: p.stat().st_size for p in DEFAULT_CHECKPOINT.iterdir()}
    assert "model.safetensors" in files and not any(n.endswith((".pt", ".pth", ".bin", ".pkl")) for n in files)
    weights_and_config = files["model.safetensors"] + files["config.json"] + files["src_vocab.json"] + \
        files["tgt_vocab.json"]
    assert weights_and_config <= 15 * 1024 * 1024
    cfg = json.loads((DEFAULT_CHECKPOINT / "config.json").read_text())
    assert cfg["model"]["n_encoder_layers"] >= 1 and cfg["languages"].keys() >= {"es", "zh"}


@pytest.mark.parametrize("lang", ["es", "zh"])
def test_exact_match_on_heldout(engine, heldout, lang):
    r = exact_match(engine, heldout, lang)
    assert r["exact_match"] >= 0.99, r["misses"]


@pytest.mark.parametrize("lang,bar", [("es", 0.15), ("zh", 0.25)])
def test_cross_attention_aer_on_heldout(engine, heldout, lang, bar):
    r = alignment_error(engine, heldout, lang)
    assert r["best_layer_aer"] <= bar, r["head_averaged"]
    assert len(r["per_head"]) == engine.model.cfg.n_decoder_layers


@pytest.mark.slow
def test_heldout_sentences_were_never_trained_on():
    """Regenerate the training split from the checkpoint's own record (seed and sizes in config.json): it must
    reproduce the shipped held-out file exactly, and no held-out English sentence may be among the training ones."""
    training = json.loads((DEFAULT_CHECKPOINT / "config.json").read_text())["training"]
    sizes = training["sentences"]
    splits = make_splits(sum(sizes.values()), training["seed"], sizes["valid"], sizes["test"])
    shipped = load_examples(DEFAULT_CHECKPOINT / HELDOUT_FILE)
    assert splits.test == shipped  # the regeneration is the split the model was trained with
    assert len(splits.train) == sizes["train"]
    train_sources = {ex.source for ex in splits.train}
    assert not [ex.source for ex in shipped if ex.source in train_sources]
    assert len({ex.source for ex in shipped}) == len(shipped)
