"""Alignment & flow and query · key (issue 8): viz_model.flow and figures/flow.py on synthetic traces and a tiny
model's trace, each checked against an independent computation (not the code under test)."""

from __future__ import annotations

import json

import numpy as np
import plotly.graph_objects as go
import pytest

from tests.test_figures import decode, model_trace, synthetic_trace, z_of  # noqa: F401 (model_trace: a fixture)
from viz_model import figures, flow, tables
from viz_model.trace import Trace

# source: <2es> the cat sees the dog </s>; target: <s> el gato ve al perro (next: el gato ve al perro </s>)
SRC = ("<2es>", "the", "cat", "sees", "the", "dog", "</s>")
TGT = ("<s>", "el", "gato", "ve", "al", "perro")
NEXT = ("el", "gato", "ve", "al", "perro", "</s>")
GOLD = [[1, 1], [2, 2], [3, 3], [5, 5], [4, 4], [5, 4]]  # "al" linked to "the" and "dog" (two possible links)


def aligned_trace(picks: dict[tuple[int, int], list[int]], meta: dict | None = None) -> Trace:
    """A synthetic trace whose cross-attention row r of (layer, head) peaks on source position picks[(l, h)][r]."""
    t = synthetic_trace(S=7, T=6, src=SRC, tgt=TGT)
    arrays = dict(t.arrays)
    for layer in range(2):
        w = np.full((4, 6, 7), 0.01, dtype=np.float32)
        for head in range(4):
            for r, s in enumerate(picks.get((layer, head), [1, 2, 3, 4, 5, 1])):
                w[head, r, s] = 0.9
        arrays[f"decoder.{layer}.cross_attn.weights"] = w / w.sum(-1, keepdims=True)
    base = {"in_grammar": True, "matches_reference": True, "finished": True,
            "reference": {"tokens": list(TGT[1:]), "alignment": GOLD, "translation": "el gato ve al perro"}}
    return Trace(arrays, SRC, TGT, NEXT, {**base, **(meta or {})})


def aer_by_hand(predicted: list[int], gold_pairs: list[list[int]], n_target: int) -> float:
    """Och & Ney AER, written out: P = gold links, S = links of target words with exactly one gold link."""
    links: dict[int, set[int]] = {}
    for s, k in gold_pairs:
        links.setdefault(k - 1, set()).add(s)
    a = sure = a_s = a_p = 0
    for r in range(n_target):
        if r not in links:
            continue
        a += 1
        hit = predicted[r] in links[r]
        a_p += hit
        if len(links[r]) == 1:
            sure += 1
            a_s += hit
    return 1 - (a_s + a_p) / (a + sure)


def test_model_alignment_is_the_row_argmax_over_words():
    picks = {(1, 2): [2, 3, 1, 5, 4, 6]}  # the last row (predicting </s>) is not scored; 6 is </s>, not a word
    t = aligned_trace(picks)
    np.testing.assert_array_equal(flow.model_alignment(t, 1, 2), [2, 3, 1, 5, 4])
    assert flow.word_span(t) == (1, 5) and flow.predicting_rows(t) == 5
    assert flow.gold_points(t)[0] == (0, 1)  # pair [s, k] sits in row k-1


def test_sentence_aer_matches_a_hand_computation():
    picks = {(0, 0): [1, 2, 3, 5, 5], (0, 1): [2, 2, 3, 4, 1], (1, 3): [1, 2, 3, 4, 5], (1, 0): [5, 4, 3, 2, 1]}
    t = aligned_trace(picks)
    per_head, mean = flow.sentence_aer(t)
    for (layer, head), p in picks.items():
        assert per_head[layer, head] == pytest.approx(aer_by_hand(p, GOLD, 5)), (layer, head)
    assert per_head[1, 3] == pytest.approx(0.0) and per_head[1, 0] > 0.5
    assert flow.best_head(per_head) == (0, 0) or per_head[flow.best_head(per_head)] == per_head.min()
    fig = figures.aer_heatmap(t, locale="zh")
    z = z_of(fig)
    np.testing.assert_allclose(z[:, :4], per_head)
    np.testing.assert_allclose(z[:, 4], mean)
    assert fig.layout.meta["best"] == list(flow.best_head(per_head))


@pytest.mark.parametrize("meta, status", [({"in_grammar": False, "reference": None}, "outside"),
                                         ({"matches_reference": False}, "differs")])
def test_no_gold_links_when_they_do_not_apply(meta, status):
    t = aligned_trace({}, meta)
    assert flow.gold_status(t) == status
    fig = figures.alignment_figure(t, 0, None)
    assert len(fig.data) == 2  # heatmap and the model's alignment only
    with pytest.raises(ValueError):
        flow.sentence_aer(t)
    assert list(tables.alignment_table(t, 0, None).columns)[-1] != "agrees with gold"


def test_alignment_figure_draws_attention_model_and_gold():
    t = aligned_trace({(1, 1): [5, 2, 3, 4, 1]})
    fig = figures.alignment_figure(t, 1, 1)
    np.testing.assert_allclose(z_of(fig), t.attention("cross", 1)[1][:5], rtol=1e-6)
    data = json.loads(fig.to_json())["data"]
    np.testing.assert_array_equal(decode(data[1]["x"]), [5, 2, 3, 4, 1])
    gold = sorted(zip(decode(data[2]["y"]).tolist(), decode(data[2]["x"]).tolist()))
    assert gold == sorted((k - 1, s) for s, k in GOLD)
    mean = figures.alignment_figure(t, 1, None)
    np.testing.assert_allclose(z_of(mean), t.attention("cross", 1).mean(0)[:5], rtol=1e-6)
    df = tables.alignment_table(t, 1, 1)
    assert df.iloc[:, -1].tolist() == [False, True, True, True, False]


def _joint_flow(t: Trace, r: float = 0.5) -> np.ndarray:
    """Rollout on one joint graph of S source + T target nodes, sub-layer by sub-layer (independent formulation)."""
    S, T = len(t.source_tokens), len(t.target_tokens)
    acc = np.eye(S + T)
    for layer in range(t.n_layers("encoder")):
        m = np.eye(S + T)
        m[:S, :S] = r * np.eye(S) + (1 - r) * t.attention("encoder_self", layer).mean(0)
        acc = m @ acc
    for layer in range(t.n_layers("decoder")):
        m = np.eye(S + T)
        m[S:, S:] = r * np.eye(T) + (1 - r) * t.attention("decoder_self", layer).mean(0)
        acc = m @ acc
        m = np.eye(S + T)
        m[S:, S:] = r * np.eye(T)
        m[S:, :S] = (1 - r) * t.attention("cross", layer).mean(0)
        acc = m @ acc
    return acc


@pytest.mark.parametrize("seed", [0, 1])
def test_output_flow_equals_a_joint_graph_rollout(seed):
    t = synthetic_trace(seed=seed)
    joint = _joint_flow(t)
    S = len(t.source_tokens)
    to_src, to_tgt = flow.output_flow(t)
    np.testing.assert_allclose(to_src, joint[S:, :S], atol=1e-6)
    np.testing.assert_allclose(to_tgt, joint[S:, S:].sum(-1), atol=1e-6)
    np.testing.assert_allclose(to_tgt, 0.5 ** t.n_layers("decoder"), atol=1e-6)
    np.testing.assert_allclose(flow.encoder_rollout(t), joint[:S, :S], atol=1e-6)
    z = z_of(figures.flow_heatmap(t, "output", "flow"))
    n = flow.predicting_rows(t)
    np.testing.assert_allclose(z, np.concatenate([joint[S:, :S], joint[S:, S:].sum(-1, keepdims=True)], 1)[:n],
                               atol=1e-6)
    raw = z_of(figures.flow_heatmap(t, "output", "raw"))
    np.testing.assert_allclose(raw[:, :S], t.attention("cross", 1).mean(0)[:n], atol=1e-6)
    assert (raw[:, S] == 0).all()
    np.testing.assert_allclose(z_of(figures.flow_heatmap(t, "encoder", "raw")),
                               t.attention("encoder_self", 1).mean(0), atol=1e-6)


@pytest.mark.parametrize("kind", ["encoder_self", "decoder_self", "cross"])
def test_qk_breakdown_recomputes_the_models_attention(model_trace, kind):  # noqa: F811
    t = model_trace
    layer, head = 1, 1
    query = min(3, len(t.attention_tokens(kind)[0]) - 1)  # a random model may stop early
    b = flow.qk_breakdown(t, kind, layer, head, query)
    stack = "encoder" if kind == "encoder_self" else "decoder"
    sub = "cross_attn" if kind == "cross" else "self_attn"
    q = t[f"{stack}.{layer}.{sub}.q"][head, query].astype(np.float64)
    k = t[f"{stack}.{layer}.{sub}.k"][head].astype(np.float64)
    v = t[f"{stack}.{layer}.{sub}.v"][head].astype(np.float64)
    s = k @ q / np.sqrt(len(q))
    if kind == "decoder_self":
        s[query + 1:] = -np.inf
    w = np.exp(s - s.max())
    w /= w.sum()
    np.testing.assert_allclose(b.softmax, w, atol=1e-9)
    np.testing.assert_allclose(b.softmax, t[f"{stack}.{layer}.{sub}.weights"][head, query], atol=1e-5)
    np.testing.assert_allclose(b.out, w @ v, atol=1e-9)
    np.testing.assert_allclose(b.out, t[f"{stack}.{layer}.{sub}.head_out"][head, query], atol=1e-5)
    assert b.weight_error < 1e-5
    figs = {step: figures.qk_figure(t, kind, layer, head, query, step) for step in figures.QK_STEPS}
    np.testing.assert_allclose(z_of(figs["vectors"])[0], q, rtol=1e-6)
    np.testing.assert_allclose(z_of(figs["products"]).sum(-1), k @ q, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(decode(json.loads(figs["softmax"].to_json())["data"][0]["y"]), w, atol=1e-6)
    np.testing.assert_allclose(z_of(figs["values"])[-1], w @ v, atol=1e-6)
    df = tables.qk_table(t, kind, layer, head, query)
    np.testing.assert_allclose(df.iloc[:, -1], t[f"{stack}.{layer}.{sub}.weights"][head, query])


def test_qk_breakdown_catches_weights_that_are_not_the_softmax():
    """The check can fail: a synthetic trace's q and k are random, unrelated to its scores and weights."""
    b = flow.qk_breakdown(synthetic_trace(), "cross", 0, 0, 2)
    assert b.weight_error > 1e-3


@pytest.mark.parametrize("call", [
    lambda t: flow.qk_breakdown(t, "cross", 0, 9, 0), lambda t: flow.qk_breakdown(t, "cross", 0, 0, 99),
    lambda t: flow.qk_breakdown(t, "decoder_self", 5, 0, 0), lambda t: figures.flow_heatmap(t, "middle"),
    lambda t: figures.qk_figure(t, "cross", 0, 0, 0, "nope"), lambda t: flow.model_alignment(t, 0, 7),
])
def test_bad_choices_raise_value_error(call):
    with pytest.raises(ValueError):
        call(synthetic_trace())


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_builders_equal_their_validated_figures(locale):
    t = aligned_trace({})
    built = [figures.alignment_figure(t, 0, None, locale), figures.aer_heatmap(t, locale),
             *[figures.flow_heatmap(t, s, w, locale) for s in figures.FLOW_STAGES for w in ("flow", "raw")],
             *[figures.qk_figure(t, "decoder_self", 1, 2, 3, s, locale) for s in figures.QK_STEPS]]
    for fig in built:
        assert json.loads(fig.to_json()) == json.loads(go.Figure(fig.to_dict()).to_json()), fig.layout.title.text
        text = json.dumps(fig.to_plotly_json(), ensure_ascii=False)
        assert "<s>" not in text and "</s>" not in text  # tokens escaped for Plotly
