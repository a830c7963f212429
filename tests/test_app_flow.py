"""The Alignment & flow and Query · key pages (issue 8) under AppTest: their numbers against an independent
computation on the engine's own trace, their state in the URL, both interface languages."""

from __future__ import annotations

import numpy as np

from tests.test_app import CJK, _navigation_only, chart, expected, new_app, no_exception, texts, z_of  # noqa: F401
from tests.test_figures import decode
from tests.test_flow import _joint_flow, aer_by_hand

SENTENCE = "The small dog sees the cat."  # in the grammar; the model's Spanish equals the reference
# (numbers compared with rtol 1e-5: the app traces with 1 torch thread, the test engine with 2)


def test_alignment_page_numbers_and_link(engine) -> None:
    at = new_app(page="alignment", layer="2", head="1")
    no_exception(at)
    tr = expected(engine, SENTENCE, "es")
    assert tr.meta["matches_reference"]
    n = len(tr.next_tokens) - 1  # rows predicting words (not </s>)
    cross = tr.attention("cross", 2)[1]
    fig = chart(at, "alignment")
    np.testing.assert_allclose(z_of(fig), cross[:n], rtol=1e-5, atol=1e-7)
    picked = cross[:n, 1:len(tr.source_tokens) - 1].argmax(-1) + 1
    np.testing.assert_array_equal(decode(fig["data"][1]["x"]), picked)
    pairs = tr.meta["reference"]["alignment"]
    assert sorted(zip(decode(fig["data"][2]["y"]).tolist(), decode(fig["data"][2]["x"]).tolist())) == \
        sorted((k - 1, s) for s, k in pairs)
    aer = z_of(chart(at, "aer"))  # (layers, heads + mean)
    w = tr.attention_stack("cross")
    words = slice(1, len(tr.source_tokens) - 1)
    for layer in range(w.shape[0]):
        for head in range(w.shape[1]):
            pred = (w[layer, head][:n, words].argmax(-1) + 1).tolist()
            assert aer[layer, head] == np.float32(aer_by_hand(pred, pairs, n)), (layer, head)
        pred = (w[layer].mean(0)[:n, words].argmax(-1) + 1).tolist()
        assert aer[layer, -1] == np.float32(aer_by_hand(pred, pairs, n))
    S = len(tr.source_tokens)
    joint = _joint_flow(tr)
    np.testing.assert_allclose(z_of(chart(at, "flow_output"))[:, :S], joint[S:, :S][:n], atol=1e-5)
    np.testing.assert_allclose(z_of(chart(at, "flow_encoder")), joint[:S, :S], atol=1e-5)
    np.testing.assert_allclose(z_of(chart(at, "raw_output"))[:, :S], tr.attention("cross", 2).mean(0)[:n], atol=1e-6)
    assert at.query_params["layer"] == "2" and at.query_params["head"] == "1" and at.query_params["page"] == "alignment"
    at.slider(key="w_layer_align.en").set_value(0).run()
    np.testing.assert_allclose(z_of(chart(at, "alignment")), tr.attention("cross", 0)[1][:n], rtol=1e-5, atol=1e-7)
    assert "layer" not in at.query_params  # the default layer is left out of the link


def test_alignment_outside_the_grammar_says_so_in_both_languages() -> None:
    for ui, words in (("en", "outside the model's training grammar"), ("zh", "不在模型的训练语法之内")):
        at = new_app(page="alignment", q="Colorless green ideas sleep furiously.", ui=ui)
        no_exception(at)
        assert words in texts(at)
        ids = [el.proto.id.rsplit("-", 1)[-1] for el in at.get("plotly_chart")]
        assert "alignment" in ids and "aer" not in ids  # the model's alignment only
        assert len(chart(at, "alignment")["data"]) == 2
    assert CJK.search(chart(at, "alignment")["layout"]["title"]["text"])


def test_qk_page_recomputes_the_weights(engine) -> None:
    at = new_app(page="qk", kind="decoder_self", layer="1", head="2", qpos="3")
    no_exception(at)
    tr = expected(engine, SENTENCE, "es")
    q = tr["decoder.1.self_attn.q"][2, 3].astype(np.float64)
    k = tr["decoder.1.self_attn.k"][2].astype(np.float64)
    s = k @ q / np.sqrt(q.size)
    s[4:] = -np.inf
    w = np.exp(s - s.max())
    w /= w.sum()
    bars = chart(at, "qk_softmax")["data"]
    np.testing.assert_allclose(decode(bars[0]["y"]), w, atol=1e-6)
    np.testing.assert_allclose(decode(bars[1]["y"]), tr["decoder.1.self_attn.weights"][2, 3], atol=1e-7)
    np.testing.assert_allclose(z_of(chart(at, "qk_products")).sum(-1), k @ q, rtol=1e-4, atol=1e-5)
    assert at.success and "equals the model's attention weights" in at.success[0].value
    assert {k: at.query_params[k] for k in ("kind", "layer", "head", "qpos")} == \
        {"kind": "decoder_self", "layer": "1", "head": "2", "qpos": "3"}
    at.slider(key="w_query.en").set_value(1).run()
    assert at.query_params["qpos"] == "1"
    bars = chart(at, "qk_softmax")["data"]
    np.testing.assert_allclose(decode(bars[1]["y"]), tr["decoder.1.self_attn.weights"][2, 1], atol=1e-7)
    assert decode(bars[0]["y"])[2:].max() == 0  # query 1 sees positions 0 and 1 only


def test_qk_page_in_chinese_and_clamped_link() -> None:
    at = new_app(page="qk", qpos="999", ui="zh")
    no_exception(at)
    assert "查询位置 999" in texts(at)
    assert at.success and CJK.search(at.success[0].value)
    assert at.query_params["qpos"] != "999"
