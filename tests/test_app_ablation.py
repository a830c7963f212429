"""The head-ablation page (issue 8.2) under AppTest: the ablated translation with its changed tokens marked, the
sweep's numbers, the ablation set in the URL (round trip, hostile values), both interface languages.

Numbers are checked against computations made here directly with the model and a hand-built per-call mask (not the
page's helpers): generate() with viz_model.model.Ablation, and one teacher-forced pass per checked cell."""

from __future__ import annotations

import base64
import re

import numpy as np
import pytest
import torch

from tests.test_app import SENTENCE, chart, new_app, no_exception, texts, z_of
from ui.legacy_pages import navigation_only
from ui.markdown import md_escape
from viz_model.decoding import DecodeSettings, generate
from viz_model.model import Ablation

CROSS_LAST = "x.2.0,x.2.1,x.2.2,x.2.3"  # every cross-attention head of the last decoder layer


@pytest.fixture(scope="module", autouse=True)
def _navigation_only():
    with navigation_only():  # every rerun goes through the router, as on a real server (ui/legacy_pages.py)
        yield


@pytest.fixture(scope="module")
def expected_ablated(engine):
    """The ablated greedy output, decoded here with a hand-made mask (all heads of decoder.2.cross_attn off)."""
    tr = engine.trace(SENTENCE, "es", DecodeSettings())
    ablate = Ablation({"decoder.2.cross_attn": torch.zeros(1, 4)})
    _, chosen, _ = generate(engine.model, torch.tensor(tr["src.ids"][None]), engine.tgt_vocab.bos_id,
                            engine.tgt_vocab.eos_id, DecodeSettings(), record=False, ablate=ablate)
    return tr, [engine.tgt_vocab.itos[i] for i in chosen if i != engine.tgt_vocab.eos_id]


def test_ablated_translation_beside_the_original_with_changes_marked(engine, expected_ablated):
    tr, ablated = expected_ablated
    at = new_app(page="ablation", ablate=CROSS_LAST, q=SENTENCE, lang="es")
    no_exception(at)
    md = "\n".join(m.value for m in at.markdown).replace("\\", "").lower()  # unescaped; the first word is capitalised
    original = [t for t in tr.next_tokens if t != "</s>"]
    assert ablated != original  # the ablation does change this sentence
    marked = re.findall(r":green-background\[([^\]]*)\]", md)
    differing = {a for i, a in enumerate(ablated) if i >= len(original) or original[i] != a}
    assert marked and set(marked) <= set(ablated) and set(marked) & differing
    for tok in ablated:
        assert tok in md
    assert re.findall(r":red-background\[([^\]]*)\]", md)  # the original's changed tokens, marked too
    # The step chart: p(original token) with everything on equals the trace's own confidence.
    fig = chart(at, "abl_steps")
    x = fig["data"][0]["x"]
    before = np.frombuffer(base64.b64decode(x["bdata"]), x["dtype"])
    np.testing.assert_allclose(before, tr.meta["confidence"], atol=1e-4)


def test_sweep_cells_equal_one_ablated_pass(engine, expected_ablated):
    tr, _ = expected_ablated
    at = new_app(page="ablation", q=SENTENCE, lang="es")
    no_exception(at)
    assert "ablate" not in at.query_params  # nothing off: no ablate parameter in the URL
    fig = chart(at, "abl_sweep")
    heat = [d for d in fig["data"] if d["type"] == "heatmap"]
    assert len(heat) == 3
    cross = z_of({"data": heat}, 2)
    v = engine.tgt_vocab
    ids = torch.tensor([v.stoi[t] for t in [*tr.meta["reference"]["tokens"], "</s>"]])

    def logp(mask: dict) -> float:
        with torch.inference_mode():
            logits = engine.model(torch.tensor(tr["src.ids"][None]), torch.tensor([[v.bos_id, *ids[:-1].tolist()]]),
                                  ablate=Ablation(mask))[0]
        return float(torch.log_softmax(logits.double(), -1)[torch.arange(len(ids)), ids].sum())

    base = logp({})
    for layer, head in ((2, 1), (0, 3)):
        mask = torch.ones(1, 4)
        mask[0, head] = 0
        assert cross[layer, head] == pytest.approx(base - logp({f"decoder.{layer}.cross_attn": mask}), abs=2e-3)


def test_choosing_heads_writes_the_url_and_a_link_restores_them():
    at = new_app(page="ablation", q=SENTENCE, lang="es")
    at.multiselect(key="abl_heads_cross.en").set_value([(2, 1), (0, 3)]).run()
    no_exception(at)
    assert at.query_params["ablate"] == "x.0.3,x.2.1"
    at.multiselect(key="abl_subs.en").set_value([("encoder_ffn", 1)]).run()
    assert at.query_params["ablate"] == "x.0.3,x.2.1,ef.1"
    again = new_app(page="ablation", q=SENTENCE, lang="es", ablate=at.query_params["ablate"])
    no_exception(again)
    assert again.multiselect(key="abl_heads_cross.en").value == [(0, 3), (2, 1)]
    assert again.multiselect(key="abl_subs.en").value == [("encoder_ffn", 1)]
    at.button(key="abl_clear").click().run()  # switch everything back on
    assert "ablate" not in at.query_params


def test_hostile_ablation_values_are_dropped_and_said():
    at = new_app(page="ablation", q=SENTENCE, lang="es", ablate="x.2.1,x.9.0,**bold**,es.0.7")
    no_exception(at)
    assert at.query_params["ablate"] == "x.2.1"
    warning = "\n".join(w.value for w in at.warning)
    assert all(md_escape(v) in warning for v in ("x.9.0", "es.0.7", "**bold**"))  # escaped: no markdown


def test_page_in_chinese():
    at = new_app(page="ablation", q=SENTENCE, lang="zh", ui="zh", ablate="x.2.1")
    no_exception(at)
    assert "关闭注意力头" in texts(at) and "哪些注意力头" in texts(at)
