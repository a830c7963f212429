"""The Streamlit app under AppTest: every page renders, widgets and links drive the view, bad input is handled.

Figures are checked on their DATA (the heatmap z decoded from Plotly's base64 typed arrays), against a trace computed
directly with the engine. One AppTest is shared where a test only moves on from the previous state.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from ui.apptest import navigation_only
from viz_model.decoding import DecodeSettings
from viz_model.tokenizer import MAX_SOURCE_TOKENS

PAGES = ("overview", "embeddings", "positional", "attention", "ffn", "output")
TIMEOUT = 60
SENTENCE = "The small dog sees the cat."
OTHER = "I drink the water."
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module", autouse=True)
def _navigation_only() -> Iterator[None]:
    with navigation_only():
        yield


def new_app(**params: str) -> AppTest:
    at = AppTest.from_file("../app.py", default_timeout=TIMEOUT)
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def chart(at: AppTest, key: str) -> dict:
    """The Plotly figure JSON of the chart drawn with `key`."""
    for el in at.get("plotly_chart"):
        if el.proto.id.endswith("-" + key):
            return json.loads(el.proto.spec)
    raise AssertionError(f"no chart {key!r} among {[el.proto.id.rsplit('-', 1)[-1] for el in at.get('plotly_chart')]}")


def z_of(fig: dict, trace_index: int = 0) -> np.ndarray:
    z = fig["data"][trace_index]["z"]
    if isinstance(z, dict):  # Plotly 7 typed array: {"dtype", "bdata", "shape"}
        shape = tuple(int(s) for s in str(z["shape"]).split(","))
        return np.frombuffer(base64.b64decode(z["bdata"]), z["dtype"]).reshape(shape)
    return np.array(z, dtype=float)


def texts(at: AppTest) -> str:
    """Every visible string of the run (markdown, titles, labels, notices)."""
    parts = [str(getattr(e, "value", "")) for kind in ("markdown", "title", "header", "subheader", "caption",
                                                       "warning", "error", "info")
             for e in getattr(at, kind)]
    parts += [w.label for w in (*at.slider, *at.selectbox, *at.text_input, *at.toggle)]
    return "\n".join(parts)


def expected(engine, q: str = SENTENCE, lang: str = "es"):
    return engine.trace(q, lang, DecodeSettings())  # the app's default settings (greedy, library cap)


# ---------------------------------------------------------------------------------------------- one shared session


@pytest.fixture(scope="module")
def at() -> AppTest:
    return new_app()


def test_every_page_renders(at: AppTest) -> None:
    for name in PAGES:
        at.switch_page(f"pages/{name}.py").run()
        no_exception(at)
        assert at.get("plotly_chart"), name
        assert at.query_params["page"] == name
        assert at.title[0].value  # the page explanation opens with its title
        assert at.get("latex"), name
    at.switch_page("pages/overview.py").run()


def test_overview_shows_translation_and_model(at: AppTest, engine) -> None:
    tr = expected(engine)
    body = texts(at)
    assert tr.output_text.split()[0].replace(".", "") in body.replace("\\", "")
    assert "Runs on" in body and engine.describe()["device"] in body
    fig = chart(at, "pipeline")
    assert fig["data"] or fig["layout"].get("annotations")
    links = at.get("page_link")
    assert len(links) == 5


def test_layer_and_head_drive_the_heatmap(at: AppTest, engine) -> None:
    at.switch_page("pages/attention.py").run()
    at.slider(key="w_layer_encoder_self").set_value(1).run()
    at.selectbox(key="w_head_encoder_self").set_value(2).run()
    no_exception(at)
    z = z_of(chart(at, "heatmap_encoder_self"))
    want = expected(engine).attention("encoder_self", 1)[2]
    np.testing.assert_allclose(z, want, rtol=1e-5, atol=1e-6)
    assert at.query_params["layer"] == "1" and at.query_params["head"] == "2"


def test_layer_is_shared_with_other_pages(at: AppTest) -> None:
    at.switch_page("pages/ffn.py").run()
    no_exception(at)
    assert at.slider(key="w_layer_ffn").value == 1
    at.segmented_control(key="w_stack").set_value("decoder").run()
    assert at.query_params["stack"] == "decoder"


def test_step_slider_replays_generation(at: AppTest, engine) -> None:
    tr = expected(engine)
    at.switch_page("pages/output.py").run()
    if len(tr.next_tokens) < 2:
        pytest.skip("translation has a single step")
    at.slider(key="w_step").set_value(1).run()
    no_exception(at)
    codes = [c.value for c in at.code]
    assert " ".join(tr.target_tokens[:2]) in codes and tr.next_tokens[1] in codes
    assert at.query_params["step"] == "1"
    fig = chart(at, "next_bars")
    assert fig["data"]


def test_new_sentence_changes_figures(at: AppTest, engine) -> None:
    at.switch_page("pages/attention.py").run()
    at.text_input(key="w_q").set_value(OTHER).run()
    no_exception(at)
    assert at.query_params["q"] == OTHER
    tr = expected(engine, OTHER)
    z = z_of(chart(at, "heatmap_encoder_self"))
    np.testing.assert_allclose(z, tr.attention("encoder_self", 1)[2], rtol=1e-5, atol=1e-6)


def test_target_language_switch(at: AppTest, engine) -> None:
    at.segmented_control(key="w_lang").set_value("zh").run()
    no_exception(at)
    assert at.query_params["lang"] == "zh"
    tr = expected(engine, OTHER, "zh")
    assert z_of(chart(at, "heatmap_encoder_self")).shape == (len(tr.source_tokens),) * 2


# ---------------------------------------------------------------------------------------------- fresh sessions


@pytest.mark.parametrize("name", PAGES)
def test_chinese_ui(name: str) -> None:
    at = new_app(ui="zh", page=name)
    no_exception(at)
    body = texts(at)
    assert CJK.search(at.title[0].value), at.title[0].value
    assert "界面语言" in body or any(CJK.search(s.label) for s in at.sidebar.get("segmented_control"))
    titles = [chart(at, el.proto.id.rsplit("-", 1)[-1])["layout"].get("title", {}).get("text", "")
              for el in at.get("plotly_chart")]
    assert any(CJK.search(t or "") for t in titles), titles


def test_shared_link_restores_the_view(engine) -> None:
    params = dict(q=OTHER, lang="es", page="attention", kind="cross", layer="2", head="1")
    at = new_app(**params)
    no_exception(at)
    assert not at.warning or all("Link parameter" not in w.value for w in at.warning)
    assert at.slider(key="w_layer_cross").value == 2
    assert at.selectbox(key="w_head_cross").value == 1
    z = z_of(chart(at, "heatmap_cross"))
    np.testing.assert_allclose(z, expected(engine, OTHER).attention("cross", 2)[1], rtol=1e-5, atol=1e-6)
    for k, v in params.items():
        assert at.query_params[k] == v, k


def test_shared_link_restores_decoding_and_step() -> None:
    at = new_app(q=SENTENCE, page="output", temp="0.7", topk="5", seed="3", step="1", vt="2.0", k="5")
    no_exception(at)
    assert at.slider(key="w_temp").value == pytest.approx(0.7)
    assert at.number_input(key="w_topk").value == 5 and at.number_input(key="w_seed").value == 3
    assert at.slider(key="w_vt").value == pytest.approx(2.0) and at.slider(key="w_k").value == 5
    assert at.query_params["temp"] == "0.7" and at.query_params["seed"] == "3"


def test_hostile_parameters_warn_and_clamp() -> None:
    at = new_app(lang="xx", layer="999", head="-3", q="x" * 5000, page="attention", step="abc", ui="klingon")
    no_exception(at)
    warnings = " ".join(w.value for w in at.warning)
    for fragment in ("lang='xx'", "layer=999", "head='-3'", "5000 characters", "step='abc'", "ui='klingon'"):
        assert fragment in warnings, fragment
    assert at.query_params["lang"] == "es" and at.query_params["layer"] == "2"
    assert len(at.text_input(key="w_q").value) == 1000
    assert at.error  # 1,000 x's are no English word: the input error is shown, not a traceback


def test_markup_is_plain_text() -> None:
    q = "<script>alert(1)</script> the dog <img src=x onerror=alert(1)>"
    at = new_app(q=q)
    no_exception(at)
    assert any("markup" in w.value for w in at.warning)
    for md in at.markdown:
        assert "<script" not in md.value and "<img" not in md.value


@pytest.mark.parametrize("q, code", [("   ", "empty"), ("qwxz zzyzx", "all_unknown"), ("the dog \x07", "unprintable")])
def test_bad_input_is_explained_and_kept(q: str, code: str) -> None:
    at = new_app(q=q, page="attention")
    no_exception(at)
    assert at.error, code
    assert at.text_input(key="w_q").value == q
    assert at.query_params["q"] == q


def test_bad_input_message_is_translated() -> None:
    at = new_app(q="qwxz zzyzx", ui="zh")
    assert at.error and "词表" in at.error[0].value


def test_unknown_word_is_highlighted_with_suggestions() -> None:
    at = new_app(q="The small dgo sees the cat.")
    no_exception(at)
    assert any("dgo" in w.value and "dog" in w.value for w in at.warning)
    assert any("orange-background" in m.value and "dgo" in m.value for m in at.markdown)


def test_decoding_cap_notice() -> None:
    at = new_app(q=SENTENCE, max="2")
    no_exception(at)
    assert any("cap of 2" in w.value for w in at.warning)


def test_downloads_offered() -> None:
    at = new_app(page="embeddings")
    labels = [b.proto.label for b in at.get("download_button")]
    assert "All arrays (.npz)" in labels and "All arrays (.json)" in labels and "Download CSV" in labels


def test_long_input_is_truncated_with_notice() -> None:
    at = new_app(q="the dog sees the cat . " * (MAX_SOURCE_TOKENS // 6 + 2))  # above the token cap
    no_exception(at)
    assert any("only the first" in w.value for w in at.warning)


def test_sampling_mode_goes_into_the_link() -> None:
    at = new_app(page="output")
    at.radio(key="w_mode").set_value("sampling").run()
    no_exception(at)
    assert at.query_params["temp"] == "1.0"
    at.number_input(key="w_seed").set_value(7).run()
    assert at.query_params["seed"] == "7"
    at.radio(key="w_mode").set_value("greedy").run()
    assert "temp" not in at.query_params


def test_play_advances_the_layer() -> None:
    at = new_app(page="attention", layer="0")
    at.toggle(key="play_encoder_self").set_value(True).run()
    no_exception(at)
    assert at.query_params["layer"] == "1"
    assert "layer 1" in chart(at, "heatmap_encoder_self")["layout"]["title"]["text"]


def test_vocabulary_search() -> None:
    at = new_app()
    at.text_input(key="vocab_search").set_value("dog").run()
    no_exception(at)
    table = at.dataframe[-1].value
    assert len(table) >= 1 and all("dog" in words for words in table.iloc[:, -1])
