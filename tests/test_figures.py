"""Figure and table builders on synthetic traces (random arrays of the documented shapes) and a tiny random model.

The figures' data is read back from their JSON (base64 float32) and compared with the trace arrays.
"""

from __future__ import annotations

import base64
import html
import json

import numpy as np
import plotly.graph_objects as go
import pytest

from viz_model import figures, tables
from viz_model.analysis import head_summary, pca_2d, softmax
from viz_model.i18n import LABELS
from viz_model.model import sinusoidal_positions
from viz_model.trace import Trace, expected_shapes

SRC = ("<2es>", "the", "cat", "sees", "the", "dog", "</s>")
TGT = ("<s>", "el", "gato", "ve", "al", "perro")
VOCAB = ["<pad>", "<s>", "</s>", "el", "gato", "ve", "al", "perro", "la", "casa"] + [f"w{i}" for i in range(20)]


def esc(tokens):
    return [html.escape(t, quote=False) for t in tokens]


def _softmax_rows(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(-1, keepdims=True))
    return (e / e.sum(-1, keepdims=True)).astype(np.float32)


def synthetic_trace(S: int = 7, T: int = 6, D: int = 16, H: int = 4, F: int = 32, V: int = len(VOCAB),
                    n_enc: int = 2, n_dec: int = 2, seed: int = 0, src=None, tgt=None) -> Trace:
    """Random arrays of the documented shapes: attention rows sum to 1, decoder self-attention causally masked."""
    rng = np.random.default_rng(seed)
    arrays: dict[str, np.ndarray] = {}
    causal = np.triu(np.ones((T, T), dtype=bool), k=1)
    for name, shape in expected_shapes(S, T, D, H, F, V, n_enc, n_dec).items():
        if name.endswith(".ids"):
            arrays[name] = rng.integers(3, V, size=shape).astype(np.int64)
        elif name.endswith(".probs"):
            arrays[name] = _softmax_rows(rng.normal(size=shape) * 3)
        else:
            arrays[name] = rng.normal(size=shape).astype(np.float32)
    for name in list(arrays):
        if name.endswith(".scores"):
            scores = arrays[name]
            if name.startswith("decoder.") and ".self_attn." in name:
                scores = np.where(causal[None], -np.inf, scores).astype(np.float32)
            arrays[name] = scores
            arrays[name.replace(".scores", ".weights")] = _softmax_rows(scores)
        if name.endswith(".ffn.pre"):
            arrays[name.replace(".pre", ".hidden")] = np.maximum(arrays[name], 0)
    src_tokens = tuple(src or (SRC + tuple(f"s{i}" for i in range(S)))[:S]) if n_enc else ()
    tgt_tokens = tuple(tgt or (TGT + tuple(f"t{i}" for i in range(T)))[:T])
    next_tokens = tuple(VOCAB[i] for i in arrays["next.ids"]) if n_dec else ()
    return Trace(arrays, src_tokens, tgt_tokens, next_tokens, {"output": " ".join(next_tokens)})


def z_of(fig: go.Figure, i: int = 0) -> np.ndarray:
    """A trace's z read back from the serialised figure (base64 typed array), as a 2-D float array."""
    data = json.loads(fig.to_json())["data"][i]
    return decode(data["z"])


def decode(v) -> np.ndarray:
    if isinstance(v, dict):
        arr = np.frombuffer(base64.b64decode(v["bdata"]), v["dtype"])
        if "shape" in v:
            arr = arr.reshape([int(s) for s in str(v["shape"]).split(",")])
        return arr
    return np.array(v, dtype=float)


@pytest.fixture(scope="module")
def tr() -> Trace:
    return synthetic_trace()


@pytest.fixture(scope="module")
def model_trace() -> Trace:
    """A trace from a tiny random model, assembled as Engine.trace does (without the grammar)."""
    import torch

    from viz_model.config import preset
    from viz_model.decoding import DecodeSettings, generate, to_numpy
    from viz_model.model import Transformer

    torch.manual_seed(0)
    cfg = preset("tiny", src_vocab_size=12, tgt_vocab_size=len(VOCAB))
    model = Transformer(cfg).eval()
    src_ids = [3, 4, 5, 6, 4, 7, 2]
    inputs, chosen, records = generate(model, torch.tensor([src_ids]), 1, 2, DecodeSettings(max_new_tokens=6))
    with torch.inference_mode():
        for layer in range(cfg.n_decoder_layers):
            hidden = records[f"decoder.{layer}.ffn.normed"]
            records[f"lens.{layer}.probs"] = torch.softmax(model.unembed(hidden).float(), dim=-1)
    arrays = to_numpy(records)
    arrays["src.ids"] = np.array(src_ids)
    arrays["tgt.ids"] = np.array(inputs)
    arrays["next.ids"] = np.array(chosen)
    return Trace(arrays, SRC, tuple(VOCAB[i] for i in inputs), tuple(VOCAB[i] for i in chosen), {})


# ------------------------------------------------------------------------------------------------- attention


@pytest.mark.parametrize("kind", ["encoder_self", "decoder_self", "cross"])
@pytest.mark.parametrize("head", [1, None])
def test_attention_heatmap_data_equals_trace(tr, kind, head):
    fig = figures.attention_heatmap(tr, kind, 1, head)
    z = z_of(fig)
    w = tr.attention(kind, 1).astype(np.float64)
    if kind == "decoder_self":
        mask = np.triu(np.ones(w.shape[-2:], bool), k=1)
        assert np.isnan(z[mask]).all() and not np.isnan(z[~mask]).any()
        w = np.where(mask, np.nan, w)
    expected = w.mean(0) if head is None else w[head]
    np.testing.assert_allclose(z, expected, rtol=1e-6, atol=1e-7)
    assert json.loads(fig.to_json())["data"][0]["z"]["dtype"] == "f4"
    q_tokens, k_tokens = tr.attention_tokens(kind)
    assert list(fig.layout.xaxis.ticktext) == esc(k_tokens)  # "<s>" would be read as HTML by Plotly
    assert list(fig.layout.yaxis.ticktext) == esc(q_tokens)
    assert fig.layout.yaxis.autorange == "reversed"
    # decoder rows say which token they predict: row 0 (<s>) predicts next_tokens[0]
    q0 = esc(q_tokens)[0] if kind == "encoder_self" else f"{esc(q_tokens)[0]} → {esc(tr.next_tokens)[0]}"
    assert tuple(fig.data[0].customdata[0][2][:2]) == (q0, esc(k_tokens)[2])


def test_attention_heatmap_scores_masked_nan_and_diverging(tr):
    fig = figures.attention_heatmap(tr, "decoder_self", 0, 2, what="scores")
    z = z_of(fig)
    s = tr.attention("decoder_self", 0, "scores")[2]
    assert np.array_equal(np.isnan(z), ~np.isfinite(s))
    np.testing.assert_array_equal(z[np.isfinite(s)], s[np.isfinite(s)])
    assert fig.data[0].zmid == 0
    assert fig.data[0].colorscale[0][1] != figures.attention_heatmap(tr, "decoder_self", 0, 2).data[0].colorscale[0][1]


def test_attention_heatmap_labels_change_with_ui(tr):
    en = figures.attention_heatmap(tr, "cross", 0, 0, locale="en")
    zh = figures.attention_heatmap(tr, "cross", 0, 0, locale="zh")
    assert en.layout.title.text != zh.layout.title.text
    assert zh.layout.xaxis.title.text == LABELS["key"]["zh"]
    assert LABELS["query"]["zh"] in zh.data[0].hovertemplate


@pytest.mark.parametrize("call", [
    lambda t: figures.attention_heatmap(t, "bogus", 0, 0),
    lambda t: figures.attention_heatmap(t, "cross", 2, 0),
    lambda t: figures.attention_heatmap(t, "cross", -1, 0),
    lambda t: figures.attention_heatmap(t, "cross", 0, 4),
    lambda t: figures.attention_heatmap(t, "cross", 0, 0, what="probs"),
    lambda t: figures.attention_row(t, "cross", 0, 6),
    lambda t: figures.ffn_heatmap(t, "encoder", 5),
    lambda t: figures.embedding_heatmap(t, "src", "nope"),
    lambda t: figures.next_token_bars(t, VOCAB, 6),
    lambda t: figures.head_summary_figure(t, "cross", "median"),
    lambda t: figures.positional_curves(np.zeros((4, 8)), [8]),
])
def test_invalid_arguments_raise_value_error_naming_range(tr, call):
    with pytest.raises(ValueError, match=r"allowed|must be|not in this trace"):
        call(tr)


def test_attention_grid_tiles_every_layer_and_head(tr):
    fig = figures.attention_grid(tr, "decoder_self")
    assert len(fig.data) == 1
    z = z_of(fig)
    L, H, Q, K = tr.attention_stack("decoder_self").shape
    assert z.shape == (L * Q, H * K)
    mask = np.triu(np.ones((Q, K), bool), k=1)
    for layer in range(L):
        for head in range(H):
            tile = z[layer * Q:(layer + 1) * Q, head * K:(head + 1) * K]
            assert (tile[mask] == 0).all()  # masked weights are exactly 0 after the softmax, shown as such
            np.testing.assert_array_equal(tile, tr.attention("decoder_self", layer)[head])
    scores = z_of(figures.attention_grid(tr, "decoder_self", what="scores"))
    assert np.isnan(scores[:Q, :K][mask]).all() and not np.isnan(scores[:Q, :K][~mask]).any()
    assert len(fig.layout.shapes) == 1 and fig.layout.shapes[0].path.count("M") == (H - 1) + (L - 1)
    assert list(fig.layout.xaxis.ticktext) == list(range(H)) and fig.layout.xaxis.title.text == "head"
    assert all(v != int(v) for v in fig.layout.xaxis.tickvals + fig.layout.yaxis.tickvals)  # never on a cell
    zh = figures.attention_grid(tr, "decoder_self", locale="zh")
    assert list(zh.layout.yaxis.ticktext) == list(range(L)) and zh.layout.yaxis.title.text == "层"


def test_attention_grid_payload_is_lean():
    """Bytes of JSON per attention value for a 16-token sentence, 3 layers, 4 heads (base64 float32 alone is 5.33,
    and to_json escapes each '/' of the base64 as \\u002f). Masked NaNs would put a '/' in every third value; the
    grid shows masked weights as their true value, 0."""
    t = synthetic_trace(S=16, T=16, D=16, H=4, F=16, n_enc=3, n_dec=3, seed=1)
    n = 3 * 4 * 16 * 16
    for kind in ("encoder_self", "cross"):
        assert len(figures.attention_grid(t, kind).to_json()) / n <= 6.0
        assert len(figures.attention_grid(t, kind, locale="zh").to_json()) / n <= 6.0
    assert len(figures.attention_grid(t, "decoder_self").to_json()) / n <= 6.0
    assert len(figures.attention_grid(t, "cross", hover_tokens=True).to_json()) / n <= 6.5


def test_attention_grid_hover_tokens(tr):
    fig = figures.attention_grid(tr, "decoder_self", hover_tokens=True)
    L, H, Q, K = tr.attention_stack("decoder_self").shape
    assert len(set(fig.data[0].x)) == H * K and len(set(fig.data[0].y)) == L * Q  # categories never merge
    tgt = esc(tr.target_tokens)
    assert fig.data[0].x[K + 2] == f"H1 2 {tgt[2]}" and fig.data[0].y[Q] == f"L1 0 {tgt[0]}"
    np.testing.assert_array_equal(z_of(fig), z_of(figures.attention_grid(tr, "decoder_self")))


def test_head_summary_figure_matches_analysis(tr):
    fig = figures.head_summary_figure(tr, "encoder_self", "max_weight")
    expected = head_summary(tr.attention_stack("encoder_self"))["max_weight"]
    np.testing.assert_allclose(z_of(fig), expected, rtol=1e-6)
    assert fig.data[0].texttemplate
    df = tables.head_summary_table(tr, "encoder_self")
    assert len(df) == expected.size
    np.testing.assert_allclose(df["max weight"].to_numpy(), expected.ravel(), rtol=1e-6)
    assert list(tables.head_summary_table(tr, "cross", locale="zh").columns)[0] == "层"


def test_attention_row_mean_and_heads(tr):
    fig = figures.attention_row(tr, "decoder_self", 1, 3)
    w = tr.attention("decoder_self", 1)[:, 3, :]
    bars = decode(json.loads(fig.to_json())["data"][0]["y"])
    np.testing.assert_allclose(bars[:4], w.mean(0)[:4], rtol=1e-6)
    assert np.isnan(bars[4:]).all()  # future keys are masked, not zero bars
    assert len(fig.data) == 1 + tr.n_heads
    np.testing.assert_allclose(np.asarray(fig.data[2].y)[:4], w[1, :4], rtol=1e-6)


def test_mask_figure(tr):
    z = z_of(figures.mask_figure(tr))
    T = len(tr.target_tokens)
    np.testing.assert_array_equal(z, np.tril(np.ones((T, T))))


# ------------------------------------------------------------------------------------------------- embeddings


@pytest.mark.parametrize("which", ["raw", "scaled", "pos", "sum"])
def test_embedding_heatmap(tr, which):
    fig = figures.embedding_heatmap(tr, "tgt", which)
    np.testing.assert_array_equal(z_of(fig), tr[f"embed.tgt.{which}"])
    assert fig.data[0].zmid == 0
    assert list(fig.layout.yaxis.ticktext) == esc(tr.target_tokens)


def test_embedding_sum_figure(tr):
    fig = figures.embedding_sum_figure(tr, "src", locale="zh")
    assert len(fig.data) == 3
    for i, part in enumerate(("scaled", "pos", "sum")):
        np.testing.assert_array_equal(z_of(fig, i), tr[f"embed.src.{part}"])
    assert fig.layout.coloraxis.cmid == 0
    assert "位置编码" in fig.layout.annotations[1].text


def test_positional_figures():
    pe = sinusoidal_positions(20, 16)  # a torch tensor: builders take anything array-like
    np.testing.assert_allclose(z_of(figures.positional_heatmap(pe)), pe.numpy(), rtol=1e-6)
    curves = figures.positional_curves(pe, [0, 3, 8])
    assert len(curves.data) == 3
    np.testing.assert_allclose(np.asarray(curves.data[1].y), pe.numpy()[:, 3], rtol=1e-6)
    sim = z_of(figures.position_similarity(pe))
    assert sim.shape == (20, 20)
    np.testing.assert_allclose(np.diag(sim), 1.0, atol=1e-5)
    assert figures.positional_heatmap(pe, locale="zh").layout.title.text == LABELS["title_positional"]["zh"]


def test_vocab_projection():
    rng = np.random.default_rng(0)
    coords, _, _ = pca_2d(rng.normal(size=(len(VOCAB), 8)).astype(np.float32))
    fig = figures.vocab_projection(coords, VOCAB, ["gato", "perro", "gato", "zzz-unknown"])
    assert isinstance(fig.data[0], go.Scatter)  # SVG, not WebGL: fast to draw without a GPU
    np.testing.assert_array_equal(np.asarray(fig.data[0].x), coords[:, 0])
    assert list(fig.data[1].text) == ["gato", "perro"]
    np.testing.assert_array_equal(np.asarray(fig.data[1].y), coords[[4, 7], 1])
    assert figures.vocab_projection(coords, VOCAB, [], title="T").layout.title.text == "T"


# ------------------------------------------------------------------------------------------------- FFN, residuals


def test_ffn_heatmap_orders_units_by_mean(tr):
    fig = figures.ffn_heatmap(tr, "decoder", 1, top_units=5)
    hidden = tr["decoder.1.ffn.hidden"]
    units = np.argsort(-hidden.mean(0), kind="stable")[:5]
    assert list(fig.data[0].x) == [f"u{u}" for u in units]
    np.testing.assert_array_equal(z_of(fig), hidden[:, units])
    df = tables.top_units_table(tr, "decoder", 1, k=3)
    assert df.shape == (len(tr.target_tokens), 2 + 2 * 3)
    assert df["unit 1"].tolist() == hidden.argmax(1).tolist()
    np.testing.assert_allclose(df["activation 1"], hidden.max(1), rtol=1e-6)


def test_ffn_histogram_and_active_fraction(tr):
    fig = figures.ffn_histogram(tr, "encoder", 0)
    pre = tr["encoder.0.ffn.pre"]
    counts = [decode(json.loads(fig.to_json())["data"][i]["y"]).sum() for i in range(2)]
    assert sum(counts) == pre.size
    assert counts[1] == (pre > 0).sum()  # the bin edge sits exactly at the ReLU cut
    assert f"{100 * (pre > 0).mean():.1f}%" in fig.layout.annotations[0].text
    frac = figures.ffn_active_fraction(tr)
    assert [d.name for d in frac.data] == ["encoder", "decoder"]
    np.testing.assert_allclose(np.asarray(frac.data[1].y), [(tr[f"decoder.{i}.ffn.hidden"] > 0).mean()
                                                             for i in range(2)], rtol=1e-6)


def test_residual_norms(tr):
    fig = figures.residual_norms_figure(tr)
    assert len(fig.data) == len(tr.source_tokens)
    ticks = list(fig.layout.xaxis.ticktext)
    assert ticks[:3] == ["embedding", "enc 0 attn add", "enc 0 attn norm"] and len(ticks) == 1 + 2 * 2 * 2
    np.testing.assert_allclose(np.asarray(fig.data[2].y)[[0, 1, -1]], np.linalg.norm(
        np.stack([tr["embed.src.sum"][2], tr["encoder.0.self_attn.resid"][2], tr["encoder.1.ffn.normed"][2]]), axis=-1),
        rtol=1e-5)
    dec = figures.residual_norms_figure(tr, stack="decoder", locale="zh")
    assert len(dec.layout.xaxis.ticktext) == 1 + 2 * 3 * 2 and "交叉" in dec.layout.xaxis.ticktext[3]


# ------------------------------------------------------------------------------------------------- output


def test_next_token_bars_and_table(tr):
    step = 2
    fig = figures.next_token_bars(tr, VOCAB, step, temperature=0.7, top_k=5)
    probs = softmax(tr["logits"][step][None], 0.7)[0]
    top = np.argsort(-probs, kind="stable")[:5]
    x = decode(json.loads(fig.to_json())["data"][0]["x"])
    np.testing.assert_allclose(x[:5], probs[top], rtol=1e-6)
    chosen = int(tr["next.ids"][step])
    ids = fig.layout.meta["ids"]
    assert ids[:5] == top.tolist() and chosen in ids
    colors = list(fig.data[0].marker.color)
    assert [i for i, c in zip(ids, colors) if c == figures.HIGHLIGHT] == [chosen]
    df = tables.next_token_table(tr, VOCAB, step, temperature=0.7, k=5)
    assert df["token"].tolist() == [VOCAB[i] for i in top]
    np.testing.assert_allclose(df["logit"], tr["logits"][step][top])
    assert list(tables.next_token_table(tr, VOCAB, step, locale="zh").columns) == ["排名", "词元", "概率", "logit"]


def test_logit_lens_heatmap_and_table(tr):
    fig = figures.logit_lens_heatmap(tr, VOCAB)
    probs = np.stack([tr[f"lens.{i}.probs"] for i in range(2)])
    np.testing.assert_allclose(z_of(fig), probs.max(-1), rtol=1e-6)
    assert fig.data[0].text[1][3] == VOCAB[probs[1, 3].argmax()]
    assert fig.layout.xaxis.ticktext[1] == f"{tr.target_tokens[1]} → {tr.next_tokens[1]}"
    df = tables.logit_lens_table(tr, VOCAB, k=2)
    assert df.shape == (2, len(tr.target_tokens))
    assert df.iloc[1, 3].startswith(f"{VOCAB[probs[1, 3].argmax()]} ({probs[1, 3].max():.2f}), ")


def test_token_table(tr):
    df = tables.token_table(tr, "src")
    assert df["token"].tolist() == list(tr.source_tokens)
    assert df["id"].tolist() == tr["src.ids"].tolist()
    assert list(tables.token_table(tr, "tgt", locale="zh").columns) == ["位置", "词元", "编号"]


def test_pipeline_figure_shows_shapes_and_live_text(tr):
    fig = figures.pipeline_figure(tr)
    texts = " ".join(a.text for a in fig.layout.annotations)
    assert "S=7 × D=16" in texts and "T=6 × V=30" in texts and "cat" in texts
    assert len(fig.layout.shapes) == 8
    assert figures.pipeline_figure(tr, locale="zh").layout.title.text != fig.layout.title.text


# ------------------------------------------------------------------------------------------------- partial traces


def test_decoder_only_trace():
    t = synthetic_trace(n_enc=0, n_dec=2)
    assert t.attention_kinds() == ["decoder_self"]
    figs = [
        figures.attention_heatmap(t, "decoder_self", 1, None), figures.attention_grid(t, "decoder_self"),
        figures.mask_figure(t), figures.embedding_heatmap(t, "tgt"), figures.embedding_sum_figure(t, "tgt"),
        figures.ffn_heatmap(t, "decoder", 0), figures.ffn_active_fraction(t), figures.residual_norms_figure(t),
        figures.next_token_bars(t, VOCAB, 0), figures.logit_lens_heatmap(t, VOCAB), figures.pipeline_figure(t),
        figures.head_summary_figure(t, "decoder_self"),
    ]
    assert all(f.data for f in figs[:-2])  # every figure but the diagram (shapes only) holds data
    assert "cross" not in " ".join(figs[7].layout.xaxis.ticktext)
    assert len(figs[7].data) == len(t.target_tokens)  # the decoder's stream, one line per target token
    with pytest.raises(ValueError, match="not in this trace"):
        figures.attention_heatmap(t, "cross", 0, 0)
    with pytest.raises(ValueError):
        figures.embedding_heatmap(t, "src")
    assert tables.token_table(t, "tgt")["token"].tolist() == list(t.target_tokens)


def test_encoder_only_trace():
    t = synthetic_trace(n_enc=2, n_dec=0)
    figs = [
        figures.attention_heatmap(t, "encoder_self", 0, 0), figures.attention_grid(t, "encoder_self"),
        figures.embedding_sum_figure(t, "src"), figures.ffn_histogram(t, "encoder", 1),
        figures.ffn_active_fraction(t), figures.residual_norms_figure(t), figures.pipeline_figure(t),
    ]
    assert all(f.data for f in figs[:-1])  # the last is the diagram (shapes only)
    assert len(figs[4].data) == 1 and figs[4].data[0].name == "encoder"
    assert len(figs[5].data) == len(t.source_tokens)
    with pytest.raises(ValueError):
        figures.mask_figure(t)
    with pytest.raises(ValueError):
        figures.logit_lens_heatmap(t, VOCAB)


# ------------------------------------------------------------------------------------------------- real model


def test_every_builder_on_a_tiny_model_trace(model_trace):
    t = model_trace
    T = len(t.target_tokens)
    z = z_of(figures.attention_heatmap(t, "decoder_self", 1, 0, what="scores"))
    assert np.isnan(z[np.triu_indices(T, k=1)]).all() and not np.isnan(z[np.tril_indices(T)]).any()
    grid = z_of(figures.attention_grid(t, "cross"))
    np.testing.assert_array_equal(grid[:T, :len(SRC)], t.attention("cross", 0)[0])
    np.testing.assert_allclose(z_of(figures.logit_lens_heatmap(t, VOCAB))[-1], t["probs"].max(-1), rtol=1e-5)
    fig = figures.next_token_bars(t, VOCAB, T - 1, temperature=1.0, top_k=3)
    assert fig.layout.meta["ids"][0] == int(t["next.ids"][T - 1])  # greedy: the chosen token is the top one
    for kind in t.attention_kinds():
        row = figures.attention_row(t, kind, 0, T - 1)
        np.testing.assert_allclose(np.asarray(row.data[0].y, dtype=float), t.attention(kind, 0)[:, T - 1].mean(0),
                                   rtol=1e-5)
        summary = figures.head_summary_figure(t, kind, "mean_distance", locale="zh")
        np.testing.assert_allclose(z_of(summary), head_summary(t.attention_stack(kind))["mean_distance"], rtol=1e-5)
    ffn = figures.ffn_heatmap(t, "encoder", 1)
    np.testing.assert_array_equal(z_of(ffn)[:, 0], t["encoder.1.ffn.hidden"][:, int(ffn.data[0].x[0][1:])])
    dec = figures.residual_norms_figure(t, stack="decoder")
    assert [d.name.split(" ", 1)[1] for d in dec.data] == [html.escape(x, quote=False) for x in t.target_tokens]
    lens = tables.logit_lens_table(t, VOCAB, locale="zh")
    assert lens.shape == (t.n_layers("decoder"), T) and lens.index.name == "层"
    units = tables.top_units_table(t, "decoder", 0)
    assert units["unit 1"].tolist() == t["decoder.0.ffn.hidden"].argmax(1).tolist()


def _strings(obj):
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _strings(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _strings(v)


def test_no_raw_special_tokens_reach_plotly_text(tr):
    """Plotly renders a subset of HTML: a raw "<s>" strikes text through and "</s>" vanishes."""
    vocab = [f"w{i}" for i in range(tr["logits"].shape[-1])]
    vocab[:4] = ["<pad>", "<unk>", "<s>", "</s>"]
    figs = [figures.attention_heatmap(tr, "cross", 0, 0), figures.attention_row(tr, "decoder_self", 0, 1),
            figures.mask_figure(tr), figures.embedding_heatmap(tr, "tgt"), figures.ffn_heatmap(tr, "decoder", 0),
            figures.residual_norms_figure(tr, stack="decoder"), figures.pipeline_figure(tr),
            figures.next_token_bars(tr, vocab, 0), figures.logit_lens_heatmap(tr, vocab),
            figures.embedding_sum_figure(tr, "tgt")]
    assert any("<s>" in t for t in tr.target_tokens)
    for fig in figs:
        texts = list(_strings(fig.to_plotly_json()))
        assert any("&lt;s&gt;" in s or "&lt;/s&gt;" in s for s in texts)  # the tokens are there, escaped
        assert not [s for s in texts if "<s>" in s or "</s>" in s]


def test_head_map_chart_is_linked_and_holds_the_summary(tr):
    from viz_model.analysis import head_summary

    spec = figures.head_map_chart(tr, "cross", locale="zh")
    rows = spec["datasets"]["heads"]
    s = head_summary(tr.attention_stack("cross"))
    L, H = s["entropy"].shape
    assert len(rows) == L * H
    for r in rows:
        assert r["entropy"] == pytest.approx(float(s["entropy"][r["layer"], r["head"]]), abs=1e-4)
        assert r["max_weight"] == pytest.approx(float(s["max_weight"][r["layer"], r["head"]]), abs=1e-4)
    params = spec.get("params", []) + [p for c in spec["vconcat"] for p in c.get("params", [])]
    assert "head" in [p["name"] for p in params]  # the click selection an app reads
    select = next(p for p in params if p["name"] == "head")["select"]
    assert select["fields"] == ["layer", "head"]
    # both panels' opacity follows the selection: the two views are linked
    assert all("condition" in c["encoding"]["opacity"] for c in spec["vconcat"])
    assert "点击" in "".join(spec["title"])
    import altair as alt

    alt.VConcatChart.from_dict(spec, validate=True)  # the cached template plus this trace's rows is valid Vega-Lite


def test_clip_text_counts_cjk_as_two_columns():
    from viz_model.figures.pipeline import clip_text

    assert clip_text(["猫在桌子下面睡觉。"], 10) == "猫在桌子…"  # 4 wide characters fill 8 of 10 columns
    assert clip_text(["el gato", "negro"], 40) == "el gato negro"
    assert clip_text(["<s>", "el"], 40) == "&lt;s&gt; el"


# ------------------------------------------------------------------------------------------------- bugs seen in the app


def test_residual_lines_have_distinct_colours_and_follow_the_stack():
    """Tokens 0 and 8 shared a colour (an 8-colour palette), and the decoder's stream was never shown."""
    t = synthetic_trace(S=20, T=12)
    enc = figures.residual_norms_figure(t, stack="encoder")
    colours = [d.line.color for d in enc.data]
    assert len(colours) == 20 and len(set(colours)) == 20
    dec = figures.residual_norms_figure(t, stack="decoder")
    assert len(dec.data) == 12 and "decoder" in dec.layout.title.text
    assert "cross" in " ".join(dec.layout.xaxis.ticktext)


@pytest.mark.parametrize("n", [4, 32, 100])
def test_position_similarity_axes_span_exactly_the_positions(n):
    """The y axis ran from -25 to 55 for positions 0-31 (scaleanchor stretched it)."""
    fig = figures.position_similarity(sinusoidal_positions(n, 16))
    assert list(fig.layout.xaxis.range) == [-0.5, n - 0.5]
    assert list(fig.layout.yaxis.range) == [n - 0.5, -0.5]  # rows top-down
    assert fig.layout.xaxis.constrain == fig.layout.yaxis.constrain == "domain"
    mask = figures.mask_figure(synthetic_trace(T=n if n < 40 else 6))
    assert mask.layout.yaxis.range[0] == mask.layout.xaxis.range[1]


def _all_builders(t: Trace, locale: str) -> list[go.Figure]:
    pe = sinusoidal_positions(40, 16)
    return [
        figures.attention_heatmap(t, "decoder_self", 1, 3, what="scores", locale=locale),
        figures.attention_grid(t, "cross", locale=locale), figures.head_summary_figure(t, "cross", locale=locale),
        figures.attention_row(t, "cross", 1, 5, locale=locale), figures.mask_figure(t, locale=locale),
        figures.embedding_heatmap(t, "src", "scaled", locale=locale),
        figures.positional_heatmap(pe, locale=locale), figures.positional_curves(pe, [0, 1], locale=locale),
        figures.position_similarity(pe, locale=locale), figures.embedding_sum_figure(t, "tgt", locale=locale),
        figures.ffn_heatmap(t, "decoder", 1, locale=locale), figures.ffn_histogram(t, "decoder", 1, locale=locale),
        figures.ffn_active_fraction(t, locale=locale), figures.residual_norms_figure(t, "decoder", locale=locale),
        figures.next_token_bars(t, VOCAB, 3, temperature=0.35, locale=locale),
        figures.logit_lens_heatmap(t, VOCAB, locale=locale), figures.pipeline_figure(t, locale=locale),
    ]


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_titles_wrap_and_push_the_margin(tr, locale):
    """Titles were clipped at narrow widths and overlapped by axis titles and top tick labels ("head 0")."""
    from viz_model.figures.style import TITLE_COLUMNS, columns

    for fig in _all_builders(tr, locale) + [figures.thumbnail(figures.attention_row(tr, "cross", 1, 5, locale=locale))]:
        title = fig.layout.title
        assert title.automargin and title.yref == "paper", title
        assert all(columns(line) <= TITLE_COLUMNS for line in title.text.split("<br>")), title.text
    long = figures.attention_row(tr, "decoder_self", 1, 5, locale=locale).layout.title.text
    assert "<br>" in long  # this one is longer than a line


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_figures_leave_background_and_text_colour_to_the_theme(tr, locale):
    """The app follows the visitor's light or dark theme: no figure may paint its own white page or dark text."""
    for fig in _all_builders(tr, locale):
        layout = fig.to_plotly_json()["layout"]
        assert "paper_bgcolor" not in layout and "color" not in layout.get("font", {}), layout.get("title")
        assert "paper_bgcolor" not in layout["template"]["layout"]


def test_logit_lens_table_shows_tokens_as_plain_text(tr):
    """The table and its CSV showed &lt;s&gt;: a table is not HTML, its tokens must not be escaped."""
    df = tables.logit_lens_table(tr, VOCAB)
    assert df.columns[0].startswith("0: <s> → ") and not any("&lt;" in c for c in df.columns)
    assert "&lt;" not in df.to_csv()


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_every_builder_equals_its_validated_figure(tr, locale):
    """Builders hand Plotly their layout unvalidated (figures.style.finish): each must be exactly what Plotly's own
    validation makes of it, or a browser would get a property Plotly.js does not know."""
    coords = pca_2d(np.random.default_rng(0).normal(size=(len(VOCAB), 8)).astype(np.float32))[0]
    built = _all_builders(tr, locale) + [
        figures.vocab_projection(coords, VOCAB, ["gato"], locale=locale), figures.attention_grid(tr, "decoder_self"),
        figures.thumbnail(figures.ffn_active_fraction(tr, locale=locale)),
    ]
    for fig in built:
        assert json.loads(fig.to_json()) == json.loads(go.Figure(fig.to_dict()).to_json()), fig.layout.title.text


def test_top_k_ids_equals_a_stable_sort():
    """The lens table's top-k (without sorting the whole vocabulary) equals a stable argsort of -p, ties included."""
    from viz_model.tables import top_k_ids

    rng = np.random.default_rng(0)
    for p in (rng.random((3, 4, 200)).astype(np.float32), rng.integers(0, 3, size=(2, 5, 50)).astype(np.float32)):
        for k in (1, 2, 5, p.shape[-1]):
            np.testing.assert_array_equal(top_k_ids(p, k), np.argsort(-p, axis=-1, kind="stable")[..., :k])
