"""The view table (ui/view.py): parse and serialise every parameter at every bound, old links, hostile values."""

from __future__ import annotations

from dataclasses import fields

import pytest

from ui.view import BY_KEY, PARAMS, Limits, View, bounds, choices, default_view, parse, refit, to_params
from viz_model.decoding import DecodeSettings

LIMITS = Limits(("es", "zh"), n_layers=3, n_heads=4, tgt_vocab=500, d_model=128)
NUMERIC = [p for p in PARAMS if p.kind in ("int", "float")]


def roundtrip(view: View) -> View:
    again, warns = parse(to_params(view, LIMITS), LIMITS)
    assert not warns
    return again


def test_every_view_field_has_one_parameter_and_one_url_key():
    assert sorted(p.field for p in PARAMS) == sorted(f.name for f in fields(View))
    assert len({p.key for p in PARAMS}) == len(PARAMS)


def test_defaults_make_a_short_link():
    assert parse({}, LIMITS) == (default_view(LIMITS), [])
    assert set(to_params(default_view(LIMITS), LIMITS)) == {"q", "lang", "page"}


@pytest.mark.parametrize("p", NUMERIC, ids=lambda p: p.key)
def test_numbers_at_and_beyond_each_bound(p):
    lo, hi = bounds(p.key, LIMITS)
    for value in (lo, hi):
        view, warns = parse({p.key: str(value)}, LIMITS)
        assert not warns and getattr(view, p.field) == value
        assert roundtrip(view) == view
    step = 1 if p.kind == "int" else 0.05
    below = lo - step
    for outside, clamped in ((below, lo), (hi + step, hi)):
        if outside in p.special:
            continue
        view, warns = parse({p.key: str(outside)}, LIMITS)
        assert getattr(view, p.field) == clamped, outside
        assert [w[0] for w in warns] == ["warn_range"]
    view, warns = parse({p.key: "abc"}, LIMITS)
    assert getattr(view, p.field) == getattr(View(), p.field) and warns[0][0] == "warn_number"


@pytest.mark.parametrize("p", [p for p in PARAMS if p.special], ids=lambda p: p.key)
def test_special_values_outside_the_bounds(p):
    for value in p.special:  # temperature 0 = greedy, positions 0 = automatic
        view, warns = parse({p.key: str(value)}, LIMITS)
        assert not warns and getattr(view, p.field) == value


def test_positions_below_the_slider_clamp_to_it():
    """?n=2 once crashed the positional page (the parser allowed 0-256, the slider 4-256)."""
    view, warns = parse({"n": "2"}, LIMITS)
    assert view.positions == bounds("positions", LIMITS)[0] == 4 and warns[0][0] == "warn_range"
    assert parse({"n": "1"}, LIMITS)[0].positions == 4


@pytest.mark.parametrize("p", [p for p in PARAMS if p.kind == "choice"], ids=lambda p: p.key)
def test_every_choice_roundtrips_and_others_warn(p):
    for value in choices(p.key, LIMITS):
        view, warns = parse({p.key: value}, LIMITS)
        assert not warns and getattr(view, p.field) == value
        assert roundtrip(view) == view
    view, warns = parse({p.key: "bogus"}, LIMITS)
    assert getattr(view, p.field) == getattr(default_view(LIMITS), p.field)
    assert warns[0][0] in ("warn_choice", "warn_page") and warns[0][1]["value"] == "bogus"


def test_head_mean_every_head_and_outside():
    assert parse({"head": "mean"}, LIMITS) == (View(head=None), [])
    for h in range(4):
        assert roundtrip(View(head=h)).head == h
    for bad in ("4", "-1", "1.5", "x"):
        view, warns = parse({"head": bad}, LIMITS)
        assert view.head is None and warns[0][0] == "warn_head"


def test_dims_bounds_order_duplicates_and_empty():
    assert parse({"dims": "0,127"}, LIMITS)[0].dims == (0, 127)
    assert parse({"dims": "5,5,128,-1,3"}, LIMITS)[0].dims == (5, 3)  # out-of-range dropped, duplicates once
    assert parse({"dims": "128"}, LIMITS)[1][0][0] == "warn_dims"
    assert parse({"dims": ""}, LIMITS) == (View(dims=()), [])
    assert roundtrip(View(dims=())) == View(dims=())
    assert len(parse({"dims": ",".join(map(str, range(40)))}, LIMITS)[0].dims) == 16


def test_sentence_is_cut_and_markup_flagged():
    view, warns = parse({"q": "x" * 1500}, LIMITS)
    assert len(view.sentence) == 1000 and warns[0][0] == "warn_long"
    assert parse({"q": "<b>the dog</b>"}, LIMITS)[1][0][0] == "warn_markup"
    assert parse(to_params(View(sentence="¿Qué? & ~ 猫"), LIMITS), LIMITS)[0].sentence == "¿Qué? & ~ 猫"


def test_floats_are_rounded_to_two_decimals():
    assert parse({"temp": "0.733333"}, LIMITS)[0].temperature == 0.73
    assert to_params(View(temperature=0.7), LIMITS)["temp"] == "0.7"


def test_old_links_keep_working():
    """Links shared before the view table: the same keys and values mean the same view."""
    old = {"q": "I drink the water.", "lang": "zh", "page": "attention", "ui": "zh", "temp": "0.7", "topk": "5",
           "seed": "3", "max": "20", "kind": "cross", "layer": "2", "head": "1", "step": "3", "stack": "decoder",
           "emb": "raw", "n": "0", "dims": "0,1,8", "vt": "2.0", "k": "5"}
    view, warns = parse(old, LIMITS)
    assert not warns
    assert view == View(sentence="I drink the water.", target_language="zh", page="attention", locale="zh",
                        temperature=0.7, top_k=5, seed=3, max_new_tokens=20, attention_kind="cross", layer=2, head=1,
                        step=3, ffn_stack="decoder", embedding_rows="raw", positions=0, dims=(0, 1, 8),
                        chart_temperature=2.0, bars=5)
    assert parse(to_params(view, LIMITS), LIMITS)[0] == view


def test_decode_settings_come_from_the_view():
    assert View().decode_settings() == DecodeSettings()
    assert View(top_k=5, seed=3).decode_settings() == DecodeSettings()  # greedy ignores top-k and seed
    assert View(temperature=0.7, top_k=5, seed=3, max_new_tokens=9).decode_settings() == \
        DecodeSettings(temperature=0.7, top_k=5, seed=3, max_new_tokens=9)


def test_unknown_keys_are_ignored():
    assert parse({"utm_source": "x", "embed": "true"}, LIMITS) == (View(), [])
    assert "utm_source" not in BY_KEY


# ---------------------------------------------------------------------------------------------- other models (issue 10)
MODELS = Limits(("es", "zh"), n_layers=3, n_heads=4, tgt_vocab=500, d_model=128, models=("default", "minilm"))


def test_model_is_an_allowlisted_choice():
    """`model` names a key of the allowlist (models.toml); the shipped model stays out of the link."""
    assert choices("model", MODELS) == ("default", "minilm")
    view, warns = parse({"model": "minilm"}, MODELS)
    assert not warns and view.model == "minilm" and to_params(view, MODELS)["model"] == "minilm"
    assert parse(to_params(view, MODELS), MODELS)[0] == view
    assert "model" not in to_params(View(), MODELS)
    for bad in ("someone/some-model", "", "MINILM"):
        view, warns = parse({"model": bad}, MODELS)
        assert view.model == "default" and warns[0][0] == "warn_choice" and warns[0][1]["value"] == bad


def test_any_model_only_in_a_local_run():
    """VIZ_ALLOW_ANY_MODEL=1 (Limits.any_model): any printable hub id or folder up to 200 characters."""
    local = Limits(("es",), 3, 4, 500, 128, models=("default",), any_model=True)
    for ok in ("Helsinki-NLP/opus-mt-en-es", "/models/my model", "x" * 200):
        view, warns = parse({"model": ok}, local)
        assert not warns and view.model == ok and parse(to_params(view, local), local)[0] == view
    for bad in ("x" * 201, "a\nb", "", "tab\there"):
        view, warns = parse({"model": bad}, local)
        assert view.model == "default" and warns[0][0] == "warn_choice"
    assert parse({"model": "Helsinki-NLP/opus-mt-en-es"}, MODELS)[0].model == "default"  # hosted: refused


def test_merge_subwords_flag():
    for raw, on in (("0", False), ("1", True)):
        view, warns = parse({"words": raw}, LIMITS)
        assert not warns and view.merge_subwords is on and roundtrip(view) == view
    assert to_params(View(merge_subwords=True), LIMITS)["words"] == "1"
    assert "words" not in to_params(View(), LIMITS)
    for bad in ("2", "-1", "true", "0.5", ""):
        view, warns = parse({"words": bad}, LIMITS)
        assert view.merge_subwords is False and warns[0][0] == "warn_choice"


def test_refit_clamps_the_view_to_another_model():
    """A model switch keeps what the new model allows and clamps the rest, without warnings."""
    small = Limits(("out",), n_layers=1, n_heads=2, tgt_vocab=100, d_model=16, models=("default", "minilm"))
    view = View(model="minilm", target_language="zh", layer=2, head=3, top_k=400, dims=(0, 1, 100), page="ffn")
    fitted = refit(view, MODELS, small)
    assert fitted == view.with_(target_language="out", layer=0, head=None, top_k=100, dims=(0, 1))
    assert refit(view, MODELS, MODELS) is view
    back = refit(fitted.with_(model="default"), small, MODELS)
    assert back.target_language == "es" and back.page == "ffn"
