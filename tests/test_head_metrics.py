"""Head metrics (issue 8 item 7): each metric on hand-made attention with known answers, the table and scatter
builders, and the Attention page's table against an independent computation on the engine's own trace."""

from __future__ import annotations

import json
import math

import numpy as np
import plotly.graph_objects as go
import pytest

from tests.test_app import CJK, _navigation_only, chart, expected, new_app, no_exception, texts, z_of  # noqa: F401
from tests.test_figures import decode, synthetic_trace
from tests.test_flow import aer_by_hand
from ui.widgets import picked_head
from viz_model import figures, tables
from viz_model.head_metrics import METRICS, attention_metrics, head_metrics
from viz_model.i18n import label
from viz_model.trace import Trace

CAUSAL = np.triu(np.ones((5, 5), dtype=bool), k=1)


def test_identity_attention():
    m = attention_metrics(np.eye(5)[None])
    assert m["diagonal_distance"][0] == 0 and m["previous_token"][0] == 0
    assert m["entropy"][0] == 0 and m["entropy_norm"][0] == 0
    assert m["first_token"][0] == pytest.approx(0.2)  # only row 0 looks at key 0
    assert np.isnan(m["last_token"][0]) and np.isnan(m["alignment"][0])  # no separator asked for; no gold links


def test_all_attention_on_the_first_key_is_a_sink():
    w = np.zeros((2, 6, 6))
    w[..., 0] = 1
    m = attention_metrics(w, last_is_separator=True)
    np.testing.assert_array_equal(m["first_token"], [1, 1])
    np.testing.assert_array_equal(m["last_token"], [0, 0])
    np.testing.assert_array_equal(m["entropy"], [0, 0])
    np.testing.assert_allclose(m["diagonal_distance"], [2.5, 2.5])  # mean of 0..5
    np.testing.assert_allclose(m["previous_token"], [0.2, 0.2])  # only row 1's previous key is key 0: 1/5


def test_uniform_attention_has_normalised_entropy_one():
    m = attention_metrics(np.full((1, 4, 8), 1 / 8), self_attention=False, last_is_separator=True)
    assert m["entropy"][0] == pytest.approx(3.0)
    assert m["entropy_norm"][0] == pytest.approx(1.0)
    assert m["first_token"][0] == pytest.approx(1 / 8) and m["last_token"][0] == pytest.approx(1 / 8)
    assert np.isnan(m["previous_token"][0])  # cross-attention has no previous token


def test_causal_uniform_and_previous_token():
    uniform = np.tril(np.ones((5, 5)))
    uniform /= uniform.sum(-1, keepdims=True)
    m = attention_metrics(uniform[None], CAUSAL)
    assert m["entropy_norm"][0] == pytest.approx(1.0)  # row 0 (one visible key) is left out
    assert m["entropy"][0] == pytest.approx(np.mean([math.log2(n) for n in range(1, 6)]))
    assert m["first_token"][0] == pytest.approx(np.mean([1 / n for n in range(2, 6)]))  # rows 1..4
    prev = np.eye(5, k=-1)
    prev[0, 0] = 1
    m = attention_metrics(prev[None], CAUSAL)
    assert m["previous_token"][0] == 1 and m["diagonal_distance"][0] == pytest.approx(4 / 5)


def test_cross_distance_is_from_the_proportional_diagonal():
    w = np.zeros((3, 5))  # 3 queries, 5 keys: the diagonal runs through keys 0, 2, 4
    w[[0, 1, 2], [0, 2, 4]] = 1
    assert attention_metrics(w[None], self_attention=False)["diagonal_distance"][0] == 0
    w = np.zeros((3, 5))
    w[:, 0] = 1
    assert attention_metrics(w[None], self_attention=False)["diagonal_distance"][0] == pytest.approx(2.0)


def test_trace_metrics_table_and_scatter():
    tr = synthetic_trace()
    m = head_metrics(tr)
    assert len(m) == 3 * 2 * 4 and m.alignment_status == "outside"
    df = tables.head_metrics_table(tr, locale="zh", metrics=m)
    assert list(df.columns[3:]) == [label(f"hm_{n}", "zh") for n in METRICS] and len(df) == len(m)
    for locale in ("en", "zh"):
        for y in figures.HEAD_METRIC_Y:
            fig = figures.head_metrics_scatter(tr, y, locale=locale, metrics=m)
            assert json.loads(fig.to_json()) == json.loads(go.Figure(fig.to_dict()).to_json()), (y, locale)
            assert [t.name for t in fig.data] == [label(k, locale) for k in figures.head_metrics_kinds(m)]
    fig = figures.head_metrics_scatter(tr, "previous_token")
    np.testing.assert_array_equal(fig.data[2].x, m.values["entropy"][16:].astype(np.float32))
    assert np.isnan(fig.data[2].y).all()  # cross-attention has no previous-token score
    assert "&lt;/s&gt;" in figures.head_metrics_scatter(tr, "last_token").layout.yaxis.title.text
    assert CJK.search(figures.head_metrics_scatter(tr, locale="zh").layout.title.text)
    assert picked_head([{"curve_number": 1, "point_index": 5}], m) == ("decoder_self", 1, 1)
    assert picked_head([{"curve_number": 3, "point_index": 0}], m) is None and picked_head([], m) is None


def by_hand(tr) -> dict[tuple[str, int, int], dict[str, float]]:
    """Every metric of every head written out with loops over rows and keys."""
    out = {}
    separator = tr.source_tokens[-1] == "</s>"
    for kind in ("encoder_self", "decoder_self", "cross"):
        stack = tr.attention_stack(kind)
        n_q, n_k = stack.shape[-2:]
        for layer in range(stack.shape[0]):
            for head in range(stack.shape[1]):
                w = stack[layer, head].astype(np.float64)
                ent, norm, dist, prev, first, last = [], [], [], [], [], []
                for q in range(n_q):
                    n_vis = q + 1 if kind == "decoder_self" else n_k
                    row = w[q, :n_vis]
                    h = -sum(p * math.log2(p) for p in row if p > 0)
                    ent.append(h)
                    centre = q if kind != "cross" else q * (n_k - 1) / (n_q - 1)
                    dist.append(sum(row[k] * abs(k - centre) for k in range(n_vis)))
                    if kind != "cross" and q >= 1:
                        prev.append(w[q, q - 1])
                    if n_vis >= 2:
                        norm.append(h / math.log2(n_vis))
                        first.append(row[0])
                        last.append(row[-1])
                out[kind, layer, head] = {
                    "entropy": np.mean(ent), "entropy_norm": np.mean(norm), "diagonal_distance": np.mean(dist),
                    "previous_token": np.mean(prev) if prev else np.nan, "first_token": np.mean(first),
                    "last_token": np.mean(last) if separator and kind != "decoder_self" else np.nan,
                    "alignment": np.nan,
                }
    pairs = tr.meta["reference"]["alignment"]
    n = len(tr.next_tokens) - 1
    w = tr.attention_stack("cross")
    for layer in range(w.shape[0]):
        for head in range(w.shape[1]):
            pred = (w[layer, head][:n, 1:len(tr.source_tokens) - 1].argmax(-1) + 1).tolist()
            out["cross", layer, head]["alignment"] = 1 - aer_by_hand(pred, pairs, n)
    return out


def test_attention_page_shows_head_metrics(engine):
    at = new_app(page="attention")
    no_exception(at)
    tr = expected(engine)
    assert tr.meta["matches_reference"]
    frames = [d.value for d in at.dataframe if label("hm_entropy_norm", "en") in d.value.columns]
    assert len(frames) == 1
    df = frames[0]
    want = by_hand(tr)
    kind_of = {label(k, "en"): k for k in ("encoder_self", "decoder_self", "cross")}
    assert len(df) == len(want)
    for _, row in df.iterrows():
        exp = want[kind_of[row["attention"]], int(row["layer"]), int(row["head"])]
        for name in METRICS:
            got = row[label(f"hm_{name}", "en")]
            if np.isnan(exp[name]):
                assert np.isnan(got), (row["attention"], name)
            else:
                np.testing.assert_allclose(got, exp[name], rtol=1e-4, atol=1e-6, err_msg=f"{row.values} {name}")
    assert (df[label("hm_alignment", "en")].notna() == (df["attention"] == label("cross", "en"))).all()
    fig = chart(at, "head_metrics_select.en")
    assert len(fig["data"]) == 3
    np.testing.assert_allclose(decode(fig["data"][0]["x"]),
                               df[df["attention"] == label("encoder_self", "en")][label("hm_entropy", "en")],
                               rtol=1e-4)
    assert label("hm_explain", "en") in texts(at)


def test_attention_page_head_metrics_in_chinese_outside_the_grammar():
    at = new_app(page="attention", q="Colorless green ideas sleep furiously.", ui="zh")
    no_exception(at)
    assert label("hm_alignment_outside", "zh") in texts(at)
    df = next(d.value for d in at.dataframe if label("hm_entropy_norm", "zh") in d.value.columns)
    assert df[label("hm_alignment", "zh")].isna().all()
    assert CJK.search(chart(at, "head_metrics_select.zh")["layout"]["title"]["text"])


def click(at, key: str, curve: int, index: int):
    """A click on one point of a Plotly chart drawn with on_select: AppTest has no accessor for it, so the chart's
    selection goes into the widget states the next run sends, as the browser would send it."""
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    el = next(e for e in at.get("plotly_chart") if e.proto.id.endswith("-" + key))
    states = at._tree.get_widget_states()
    state = WidgetState(id=el.proto.id)
    point = {"curve_number": curve, "point_number": index, "point_index": index}
    state.string_value = json.dumps({"selection": {"points": [point], "point_indices": [index], "box": [],
                                                 "lasso": []}})
    states.widgets.append(state)
    return at._run(states)


def test_clicking_a_point_selects_its_kind_layer_and_head(engine):
    at = new_app(page="attention")
    tr = expected(engine)
    n_heads = tr.attention("cross", 0).shape[0]
    at = click(at, "head_metrics_select.en", 2, n_heads + 1)  # cross-attention, layer 1, head 1
    no_exception(at)
    assert at.query_params["kind"] == "cross"
    assert at.query_params["layer"] == "1" and at.query_params["head"] == "1"
    np.testing.assert_allclose(z_of(chart(at, "heatmap_cross")), tr.attention("cross", 1)[1], rtol=1e-4, atol=1e-6)


def test_one_stack_traces_and_a_translation_that_differs():
    dec = head_metrics(synthetic_trace(n_enc=0))
    assert set(dec.kind) == {"decoder_self"} and dec.alignment_status == "none"
    assert np.isnan(dec.values["last_token"]).all() and np.isfinite(dec.values["previous_token"]).all()
    enc = head_metrics(synthetic_trace(n_dec=0))
    assert set(enc.kind) == {"encoder_self"} and np.isfinite(enc.values["last_token"]).all()
    tr = synthetic_trace()
    differs = Trace(tr.arrays, tr.source_tokens, tr.target_tokens, tr.next_tokens,
                    {"in_grammar": True, "reference": {"tokens": ["el"], "alignment": [[1, 1]]},
                     "matches_reference": False})
    m = head_metrics(differs)
    assert m.alignment_status == "differs" and np.isnan(m.values["alignment"]).all()
