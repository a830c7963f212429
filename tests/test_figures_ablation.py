"""Head-ablation figures and tables (issue 8.2) on synthetic results, no model: data read back from the figure JSON,
every builder equal to its validated figure, both interface languages."""

from __future__ import annotations

import base64
import json

import numpy as np
import plotly.graph_objects as go
import pytest

from viz_model import figures
from viz_model.ablation import AblationResult, AblationSet, Sweep
from viz_model.ablation_tables import ablation_step_table, ablation_sweep_table

RNG = np.random.default_rng(0)
SWEEP = Sweep({"encoder_self": RNG.normal(size=(3, 4)).astype(np.float32),
               "decoder_self": RNG.normal(size=(3, 4)).astype(np.float32),
               "cross": (RNG.normal(size=(3, 4)) * 4).astype(np.float32)}, -1.25, ("el", "gato", "</s>"), "reference")
RESULT = AblationResult(
    original=("el", "gato", "."), ablated=("el", "<s>", "perro", "."), finished=True,
    steps=("<s> → el", "el → gato", "gato → .", ". → </s>"),
    p_before=np.array([0.9, 0.8, 0.95, 0.99], np.float32), p_after=np.array([0.9, 0.1, 0.5, 0.98], np.float32),
    top_after=("el", "<s>", ".", "</s>"), p_top_after=np.array([0.9, 0.6, 0.5, 0.98], np.float32),
    changed_original=frozenset({1}), changed_ablated=frozenset({1, 2}))
REMOVED = AblationSet(frozenset({("cross", 2, 1), ("encoder_self", 0, 3)}))


def decode(v) -> np.ndarray:
    if isinstance(v, dict):
        a = np.frombuffer(base64.b64decode(v["bdata"]), v["dtype"])
        return a.reshape(tuple(int(s) for s in str(v["shape"]).split(","))) if "shape" in v else a
    return np.asarray(v, dtype=float)


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_builders_equal_their_validated_figures(locale):
    for fig in (figures.head_sweep_figure(SWEEP, REMOVED, locale=locale), figures.head_sweep_figure(SWEEP),
                figures.probability_change_figure(RESULT, locale=locale)):
        assert json.loads(fig.to_json()) == json.loads(go.Figure(fig.to_dict()).to_json()), fig.layout.title.text


def test_sweep_panels_hold_the_drops_on_one_symmetric_scale():
    fig = json.loads(figures.head_sweep_figure(SWEEP, REMOVED).to_json())
    heat = [d for d in fig["data"] if d["type"] == "heatmap"]
    assert [d["xaxis"] for d in heat] == ["x", "x2", "x3"]
    for d, kind in zip(heat, ("encoder_self", "decoder_self", "cross")):
        np.testing.assert_array_equal(decode(d["z"]), SWEEP.drops[kind])
        assert d["coloraxis"] == "coloraxis"
    top = float(np.abs(SWEEP.drops["cross"]).max())
    ca = fig["layout"]["coloraxis"]
    assert ca["cmin"] == pytest.approx(-top) and ca["cmax"] == pytest.approx(top)
    marks = [(d["xaxis"], decode(d["x"]).tolist(), decode(d["y"]).tolist()) for d in fig["data"]
             if d["type"] == "scatter"]
    assert sorted(marks) == [("x", [3], [0]), ("x3", [1], [2])]  # ✕ on exactly the removed heads
    assert fig["layout"]["yaxis"]["ticktext"] == ["layer 0", "layer 1", "layer 2"]


def test_sweep_figure_without_removed_heads_has_no_marks():
    assert all(d.type == "heatmap" for d in figures.head_sweep_figure(SWEEP).data)


def test_probability_change_bars_and_escaped_steps():
    fig = json.loads(figures.probability_change_figure(RESULT, locale="zh").to_json())
    before, after = fig["data"]
    np.testing.assert_array_equal(decode(before["x"]), RESULT.p_before)
    np.testing.assert_array_equal(decode(after["x"]), RESULT.p_after)
    assert fig["layout"]["yaxis"]["ticktext"][0] == "&lt;s&gt; → el"  # tokens escaped for Plotly
    assert after["customdata"][1] == "&lt;s&gt;" and before["name"] == "关闭前概率"


def test_tables_plain_text_and_sorted():
    steps = ablation_step_table(RESULT)
    assert list(steps["original token"]) == ["el", "gato", ".", "</s>"] and steps["new top token"][1] == "<s>"
    sweep = ablation_sweep_table(SWEEP, locale="zh")
    assert len(sweep) == 36 and sweep.iloc[0, 3] == pytest.approx(max(float(z.max()) for z in SWEEP.drops.values()),
                                                                   abs=1e-4)
    assert sweep.columns[1] == "层"
