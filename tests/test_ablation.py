"""Head ablation maths (viz_model/model.py Ablation, viz_model/ablation.py), on the tiny random model and one check
on the shipped one: nothing removed is the model bit for bit; a removed head equals a hand computation with its output
zeroed; a skipped sub-layer is LayerNorm(residual); the batched sweep equals one ablation at a time; nothing about a
run stays on the model."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from viz_model.ablation import (
    MAX_ITEMS,
    AblationSet,
    changed_positions,
    head_list,
    head_sweep,
    module_name,
    run_ablation,
    sequence_logprobs,
    sweep_target,
)
from viz_model.decoding import DecodeSettings, generate
from viz_model.model import Ablation, Recorder

LAYERS = {"encoder": 2, "decoder": 2}  # the tiny test model: 2 + 2 layers of H heads
H = 2
SENTENCE = "The small dog sees the cat."


def _inputs(engine, sentence: str = SENTENCE):
    tr = engine.trace(sentence, "es", DecodeSettings(max_new_tokens=12))
    return tr, torch.tensor(tr["src.ids"][None]), torch.tensor(tr["tgt.ids"][None])


def _run(engine, src, tgt, ablate):
    rec = Recorder()
    with torch.inference_mode():
        logits = engine.model(src, tgt, rec=rec, ablate=ablate)
    return logits, rec.tensors


# ---------------------------------------------------------------------------------------------- the link form


def test_parse_and_canonical_form_round_trip():
    a, rejected = AblationSet.parse(" x.1.3, es.0.0,df.1,ds.0 ,x.1.3", LAYERS, 4)
    assert not rejected
    assert a.heads == {("cross", 1, 3), ("encoder_self", 0, 0)} and a.sublayers == {("decoder_ffn", 1),
                                                                                      ("decoder_self", 0)}
    assert a.to_string() == "es.0.0,ds.0,x.1.3,df.1"
    assert AblationSet.parse(a.to_string(), LAYERS, 4) == (a, [])
    assert not AblationSet() and AblationSet().to_string() == "" and AblationSet().for_model(4) is None


@pytest.mark.parametrize("raw", ["x.2.0", "x.0.4", "ef.0.1", "zz.0", "x.-1.0", "x.0.0.0", "<script>", "x.0.١",
                                 "es.00000001.0", "x..1", "1e3"])
def test_hostile_items_are_rejected_not_raised(raw):
    a, rejected = AblationSet.parse(f"{raw},es.1.1", LAYERS, 4)
    assert rejected == [raw] and a.heads == {("encoder_self", 1, 1)}


def test_at_most_max_items_are_read():
    raw = ",".join(f"es.0.{i % 4}" for i in range(MAX_ITEMS + 5))
    a, rejected = AblationSet.parse(raw, LAYERS, 4)
    assert len(rejected) == 5 and len(a) == 4


def test_changed_positions_mark_only_what_differs():
    assert changed_positions("a b c d".split(), "a x c d".split()) == ({1}, {1})
    assert changed_positions("a b c".split(), "a new b c".split()) == (set(), {1})  # an insertion marks itself only
    assert changed_positions("a b".split(), "a b".split()) == (set(), set())


# ---------------------------------------------------------------------------------------------- model maths


def test_nothing_removed_is_the_model_bit_for_bit(tiny_engine):
    _, src, tgt = _inputs(tiny_engine)
    plain, rec_plain = _run(tiny_engine, src, tgt, None)
    ones = {module_name(k, layer): torch.ones(1, H) for k in ("encoder_self", "decoder_self", "cross")
            for layer in range(2)}
    for ablate in (Ablation(), Ablation(ones)):  # an empty ablation, and every head kept with a mask of ones
        logits, rec = _run(tiny_engine, src, tgt, ablate)
        assert torch.equal(logits, plain)
        assert all(torch.equal(rec[k], rec_plain[k]) for k in rec_plain)


def test_nothing_removed_is_the_shipped_model_bit_for_bit(engine):
    _, src, tgt = _inputs(engine)
    plain, _ = _run(engine, src, tgt, None)
    ones = {module_name("cross", 2): torch.ones(1, engine.model.cfg.n_heads)}
    assert torch.equal(_run(engine, src, tgt, Ablation(ones))[0], plain)
    assert torch.equal(_run(engine, src, tgt, AblationSet().for_model(4))[0], plain)


@pytest.mark.parametrize("kind, layer, head", [("encoder_self", 0, 1), ("decoder_self", 1, 1), ("cross", 1, 0)])
@torch.inference_mode()
def test_removed_head_equals_hand_computation(tiny_engine, kind, layer, head):
    _, src, tgt = _inputs(tiny_engine)
    name = module_name(kind, layer)
    logits, rec = _run(tiny_engine, src, tgt, AblationSet(frozenset({(kind, layer, head)})).for_model(H))
    mha = tiny_engine.model.get_submodule(name.replace("encoder.", "encoder_layers.").replace("decoder.",
                                                                                               "decoder_layers."))
    stack = name.split(".")[0]
    x = rec[f"{stack}.{layer}.input"] if kind != "cross" else rec[f"{stack}.{layer}.self_attn.normed"]
    kv = x if kind != "cross" else rec["encoder.output"]
    n = x.shape[1]
    split = lambda t: t.view(1, -1, H, t.shape[-1] // H).transpose(1, 2)  # noqa: E731
    q, k, v = (split(F.linear(a, m.weight, m.bias)) for a, m in ((x, mha.w_q), (kv, mha.w_k), (kv, mha.w_v)))
    scores = q @ k.transpose(-2, -1) / (q.shape[-1] ** 0.5)
    if kind == "decoder_self":
        scores = scores.masked_fill(torch.triu(torch.ones(n, n, dtype=torch.bool), 1), float("-inf"))
    heads = torch.softmax(scores, -1) @ v  # (1, H, N, dk)
    heads[:, head] = 0.0  # the removed head's output, zeroed before W_O
    expected = F.linear(heads.transpose(1, 2).reshape(1, n, -1), mha.w_o.weight, mha.w_o.bias)
    torch.testing.assert_close(rec[f"{name}.out"], expected, rtol=1e-5, atol=1e-6)
    plain, rec_plain = _run(tiny_engine, src, tgt, None)
    assert not torch.allclose(rec[f"{name}.out"], rec_plain[f"{name}.out"])  # the head did contribute
    assert not torch.allclose(logits, plain)


@pytest.mark.parametrize("part, layer, prev", [("encoder_ffn", 1, "encoder.1.self_attn.normed"),
                                               ("cross", 0, "decoder.0.self_attn.normed"),
                                               ("encoder_self", 0, "embed.src.sum")])
def test_skipped_sublayer_is_the_residual_alone(tiny_engine, part, layer, prev):
    _, src, tgt = _inputs(tiny_engine)
    name = module_name(part, layer)
    _, rec = _run(tiny_engine, src, tgt, AblationSet(sublayers=frozenset({(part, layer)})).for_model(H))
    assert f"{name}.out" not in rec  # the sub-layer did not run
    assert torch.equal(rec[f"{name}.resid"], rec[prev])  # x + 0
    norm = {"encoder_ffn": "add_norm_2", "cross": "add_norm_2", "encoder_self": "add_norm_1"}[part]
    ln = tiny_engine.model.get_submodule(f"{name.split('.')[0]}_layers.{layer}.{norm}.norm")
    with torch.inference_mode():
        expected = F.layer_norm(rec[prev], ln.normalized_shape, ln.weight, ln.bias, ln.eps)
    torch.testing.assert_close(rec[f"{name}.normed"], expected, rtol=0, atol=1e-6)


def test_cached_decoding_with_ablation_matches_teacher_forcing(tiny_engine):
    """The ablation reaches every step of cached decoding: the ablated greedy output is the argmax of an ablated
    teacher-forced pass over it."""
    tr, src, _ = _inputs(tiny_engine)
    ablate = AblationSet(frozenset({("cross", 1, 1), ("decoder_self", 0, 0)}), frozenset({("encoder_ffn", 0)}))
    abl = ablate.for_model(H)
    inputs, chosen, _ = generate(tiny_engine.model, src, 2, 3, DecodeSettings(max_new_tokens=12), record=False,
                                 ablate=abl)
    logits, _ = _run(tiny_engine, src, torch.tensor([inputs]), abl)
    assert logits[0].argmax(-1).tolist() == chosen


def test_nothing_about_a_run_stays_on_the_model(tiny_engine):
    model = tiny_engine.model
    before = {n: dict(vars(m)) for n, m in model.named_modules()}
    state = {k: v.clone() for k, v in model.state_dict().items()}
    tr = tiny_engine.trace(SENTENCE, "es", DecodeSettings(max_new_tokens=12))
    aset = AblationSet(frozenset({("cross", 1, 1)}), frozenset({("decoder_ffn", 0)}))
    run_ablation(model, tr, tiny_engine.tgt_vocab.itos, aset, 2, 3)
    head_sweep(model, tr, tiny_engine.tgt_vocab.stoi, 2, 1)
    after = {n: dict(vars(m)) for n, m in model.named_modules()}
    assert before.keys() == after.keys()
    for n in before:
        assert before[n].keys() == after[n].keys(), n
        assert not any(getattr(m, "_forward_hooks", None) or getattr(m, "_forward_pre_hooks", None)
                       for m in model.modules())
    assert all(torch.equal(state[k], v) for k, v in model.state_dict().items())


# ---------------------------------------------------------------------------------------------- run and sweep


def test_run_ablation_compares_step_by_step(engine):
    tr = engine.trace(SENTENCE, "es", DecodeSettings())
    vocab = engine.tgt_vocab
    empty = run_ablation(engine.model, tr, vocab.itos, AblationSet(), vocab.bos_id, vocab.eos_id)
    assert empty.ablated == empty.original and not empty.changed_ablated
    np.testing.assert_allclose(empty.p_before, empty.p_after, rtol=0, atol=0)
    np.testing.assert_allclose(empty.p_before, tr.meta["confidence"], atol=1e-4)  # the trace's own probabilities
    heads = AblationSet(frozenset(("cross", 2, h) for h in range(4)))  # every cross head of the last layer
    r = run_ablation(engine.model, tr, vocab.itos, heads, vocab.bos_id, vocab.eos_id)
    assert r.ablated != r.original and r.changed_original and len(r.steps) == len(tr.next_tokens)
    assert (r.p_after < r.p_before).any()
    # Independent: the ablated pass's probability of the original token, from the model with one forward call.
    with torch.inference_mode():
        logits = engine.model(torch.tensor(tr["src.ids"][None]), torch.tensor(tr["tgt.ids"][None]),
                              ablate=heads.for_model(4))[0]
    p = torch.softmax(logits.double(), -1)[torch.arange(len(tr.next_tokens)), torch.tensor(tr["next.ids"])]
    np.testing.assert_allclose(r.p_after, p.numpy(), rtol=1e-5)


def test_batched_sweep_equals_one_ablation_at_a_time(tiny_engine):
    model = tiny_engine.model
    tr, src, _ = _inputs(tiny_engine)
    target = [int(i) for i in tr["next.ids"]]
    heads = head_list(LAYERS, H)
    assert len(heads) == 12
    batched = sequence_logprobs(model, tr["src.ids"].tolist(), target, 2, heads)
    chunked = sequence_logprobs(model, tr["src.ids"].tolist(), target, 2, heads, chunk=5)
    np.testing.assert_allclose(batched, chunked, rtol=0, atol=1e-5)
    tgt_in = torch.tensor([[2, *target[:-1]]])
    for i, head in enumerate([None, *heads]):
        aset = AblationSet(frozenset({head}) if head else frozenset())
        logits, _ = _run(tiny_engine, src, tgt_in, aset.for_model(H))
        one = torch.log_softmax(logits[0].double(), -1)[torch.arange(len(target)), torch.tensor(target)].sum()
        assert batched[i] == pytest.approx(float(one), abs=1e-4), head


def test_head_sweep_scores_the_reference_when_known(engine):
    tr = engine.trace(SENTENCE, "es", DecodeSettings())
    assert sweep_target(tr)[1] == "reference"
    vocab = engine.tgt_vocab
    s = head_sweep(engine.model, tr, vocab.stoi, vocab.bos_id, vocab.unk_id)
    assert set(s.drops) == {"encoder_self", "decoder_self", "cross"} and s.drops["cross"].shape == (3, 4)
    assert s.target[-1] == "</s>" and list(s.target[:-1]) == tr.meta["reference"]["tokens"]
    # Spot check one cell against one ablated forward pass.
    ids = torch.tensor([vocab.stoi[t] for t in s.target])
    with torch.inference_mode():
        logits = engine.model(torch.tensor(tr["src.ids"][None]), torch.tensor([[vocab.bos_id, *ids[:-1].tolist()]]),
                              ablate=AblationSet(frozenset({("cross", 2, 1)})).for_model(4))[0]
    lp = float(torch.log_softmax(logits.double(), -1)[torch.arange(len(ids)), ids].sum())
    assert s.drops["cross"][2, 1] == pytest.approx(s.base_logprob - lp, abs=1e-3)
    outside = engine.trace("Zorbalinda sleeps.", "es", DecodeSettings())
    assert sweep_target(outside)[1] == "output"


def test_view_parameter_round_trips_and_warns():
    from ui.view import Limits, parse, to_params

    limits = Limits(("es", "zh"), 3, 4, 100, 128)
    view, warns = parse({"ablate": "x.2.1,ef.0,es.0.3"}, limits)
    assert view.ablation == "es.0.3,x.2.1,ef.0" and not warns
    assert to_params(view, limits)["ablate"] == view.ablation
    assert parse(to_params(view, limits), limits)[0] == view
    view, warns = parse({"ablate": "x.3.0,[x](http://a),x.2.1"}, limits)
    assert view.ablation == "x.2.1" and warns[0][0] == "warn_ablation" and "x.3.0" in warns[0][1]["value"]
    assert "ablate" not in to_params(parse({}, limits)[0], limits)
