"""Trace contents: every documented name with its documented shape; determinism; decode == teacher-forced; export."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from viz_model.decoding import DecodeSettings, sampling_distribution, teacher_forced, to_numpy
from viz_model.trace import Trace, expected_shapes

from .conftest import make_tiny_engine

SENTENCE = "The black cat sees the small dog."


def _check_shapes(trace: Trace, engine) -> None:
    cfg = engine.model.cfg
    S, T = len(trace.source_tokens), len(trace.target_tokens)
    shapes = expected_shapes(S, T, cfg.d_model, cfg.n_heads, cfg.d_ff, cfg.tgt_vocab_size,
                             cfg.n_encoder_layers, cfg.n_decoder_layers)
    assert set(trace.names()) == set(shapes), set(trace.names()) ^ set(shapes)
    for name, shape in shapes.items():
        assert trace[name].shape == shape, name
        if trace[name].dtype.kind == "f":
            assert trace[name].dtype == np.float32, name


@pytest.mark.parametrize("which", ["tiny", "default"])
def test_every_documented_name_with_its_shape(which, tiny_engine, request):
    engine = tiny_engine if which == "tiny" else request.getfixturevalue("engine")
    trace = engine.trace(SENTENCE, "es", DecodeSettings(max_new_tokens=12))
    _check_shapes(trace, engine)
    assert trace.source_tokens[0] == "<2es>" and trace.source_tokens[-1] == "</s>"
    assert trace.target_tokens[0] == "<s>" and len(trace.next_tokens) == len(trace.target_tokens)
    assert list(trace.target_tokens[1:]) == list(trace.next_tokens[:-1])


def test_decoder_only_trace_lacks_the_encoder():
    engine = make_tiny_engine(n_encoder_layers=0)
    trace = engine.trace(SENTENCE, "zh", DecodeSettings(max_new_tokens=6))
    _check_shapes(trace, engine)
    assert not trace.has_encoder and trace.attention_kinds() == ["decoder_self"]


def _assert_same_arrays(a: dict, b: dict) -> None:
    assert set(a) == set(b)
    for k in a:
        x, y = np.asarray(a[k]), np.asarray(b[k])
        assert x.shape == y.shape, k
        fin = np.isfinite(x)
        assert (fin == np.isfinite(y)).all(), k  # masked entries are -inf in both
        np.testing.assert_allclose(x[fin], y[fin], atol=1e-5, rtol=1e-5, err_msg=k)


@pytest.mark.parametrize("settings", [DecodeSettings(), DecodeSettings(temperature=1.3, top_k=20, seed=7)])
def test_decode_trace_equals_teacher_forced_pass(engine, settings):
    """What step t saw while decoding (cached, one position at a time) == a full pass over the produced tokens."""
    trace = engine.trace("The women who read the red books did not sleep.", "zh", settings)
    src = torch.from_numpy(trace["src.ids"].copy())[None]
    tf = to_numpy(teacher_forced(engine.model, src, torch.from_numpy(trace["tgt.ids"].copy())[None]))
    ours = {k: v for k, v in trace.arrays.items() if k in tf}
    _assert_same_arrays(ours, tf)
    # the chosen tokens follow from the recorded logits
    if settings.greedy:
        assert (trace["logits"].argmax(-1) == trace["next.ids"]).all()


def test_same_input_same_seed_same_trace(engine):
    s = DecodeSettings(temperature=1.0, top_k=0, seed=3)
    a, b = engine.trace(SENTENCE, "es", s), engine.trace(SENTENCE, "es", s)
    assert a.target_tokens == b.target_tokens
    for k in a.names():
        np.testing.assert_array_equal(a[k], b[k])


def test_sampling_depends_on_seed(tiny_engine):
    """A random tiny model is uncertain, so hot sampling with different seeds must produce different outputs."""
    outs = {tiny_engine.trace(SENTENCE, "es", DecodeSettings(temperature=2.0, seed=s, max_new_tokens=8)).next_tokens
            for s in range(4)}
    assert len(outs) > 1


def test_max_new_tokens_caps_decoding(tiny_engine):
    trace = tiny_engine.trace(SENTENCE, "es", DecodeSettings(max_new_tokens=3))
    assert len(trace.next_tokens) <= 3
    if trace.next_tokens[-1] != "</s>":
        assert trace.meta["finished"] is False


def test_sampling_distribution():
    logits = torch.tensor([2.0, 1.0, 0.5, -1.0])
    assert sampling_distribution(logits, 0.0, 0).tolist() == [1.0, 0.0, 0.0, 0.0]
    p = sampling_distribution(logits, 1.0, 2)
    assert (p[2:] == 0).all() and p.sum().item() == pytest.approx(1.0)
    torch.testing.assert_close(p[:2], torch.softmax(logits[:2], -1))
    hot, cold = sampling_distribution(logits, 5.0, 0), sampling_distribution(logits, 0.2, 0)
    assert hot.max() < torch.softmax(logits, -1).max() < cold.max()
    with pytest.raises(ValueError):
        DecodeSettings(temperature=-1)


def test_trace_is_immutable_and_exports(tiny_engine):
    trace = tiny_engine.trace(SENTENCE, "es", DecodeSettings(max_new_tokens=5))
    with pytest.raises(ValueError):
        trace["probs"][0, 0] = 1.0
    with pytest.raises(TypeError):
        trace.arrays["x"] = np.zeros(1)  # type: ignore[index]
    back = Trace.from_npz_bytes(trace.to_npz_bytes())
    assert back.source_tokens == trace.source_tokens and back.meta["output"] == trace.meta["output"]
    _assert_same_arrays(dict(back.arrays), dict(trace.arrays))
    j = json.loads(json.dumps(trace.to_json_dict()))
    scores = np.array(j["arrays"]["decoder.0.self_attn.scores"], dtype=object)
    assert scores[0, 0, 1] is None  # masked score (-inf) becomes null
    np.testing.assert_allclose(np.array(j["arrays"]["probs"]), trace["probs"], rtol=1e-6)


def test_attention_accessors(tiny_engine):
    trace = tiny_engine.trace(SENTENCE, "es", DecodeSettings(max_new_tokens=5))
    st = trace.attention_stack("cross")
    assert st.shape == (2, 2, len(trace.target_tokens), len(trace.source_tokens))
    np.testing.assert_array_equal(st[1], trace["decoder.1.cross_attn.weights"])
    q, k = trace.attention_tokens("cross")
    assert q == trace.target_tokens and k == trace.source_tokens
    assert trace.n_layers("encoder") == 2 and trace.n_heads == 2


@pytest.mark.parametrize("sentence,lang,code", [
    ("", "es", "empty"), ("zzqx wvvk", "es", "all_unknown"), ("The cat sleeps.", "fr", "language"),
    ("the\x1b[31m cat", "zh", "unprintable"),
])
def test_bad_input_through_the_library(tiny_engine, sentence, lang, code):
    from viz_model.tokenizer import InputError

    with pytest.raises(InputError) as e:
        tiny_engine.trace(sentence, lang)
    assert e.value.code == code


def test_unknown_words_and_truncation_are_reported(tiny_engine):
    trace = tiny_engine.trace("The blakc cat sleeps. " * 20, "es", DecodeSettings(max_new_tokens=4))
    assert trace.meta["unknown_words"] == ["blakc"] and "black" in trace.meta["suggestions"]["blakc"]
    assert trace.meta["truncated_from"] == 100 and len(trace.source_tokens) == 64 + 2
    assert "<unk>" in trace.source_tokens


def test_inputs_longer_than_training_are_flagged(engine):
    short = engine.trace("The black cat sleeps under the table.", "es")
    clause = "The black cat sleeps under the table and the dog runs in the park and "
    long = engine.trace(clause * 2 + "birds fly.", "es")
    from viz_model.grammar import MAX_LEN

    assert 10 <= engine.info["max_source_words"] <= MAX_LEN  # the longest training sentence, recorded at training
    assert len(long.meta["source_words"]) > engine.info["max_source_words"]
    assert short.meta["longer_than_training"] is False and long.meta["longer_than_training"] is True
