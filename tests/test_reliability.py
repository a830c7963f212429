"""Hostile input through every door: sentences (CLI and app), link parameters (every page), broken checkpoints (CLI
and app). Nothing may end in a traceback or an st.exception; bad input gets one clear message.

Each group counts the cases it ran (printed in the "reliability cases" section at the end of a pytest run, see
tests/conftest.py) and asserts the count meets its minimum, so the suite cannot silently shrink.
"""

from __future__ import annotations

import json
import pickle
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file, save_file

from tests.conftest import count_cases, make_tiny_engine
from tests.test_app import _navigation_only, new_app, no_exception  # noqa: F401  (the fixture: AppTest runs through the router)
from ui.view import PAGE_ORDER, PARAMS, Limits, parse
from viz_model.checkpoint import CheckpointError
from viz_model.cli import main
from viz_model.engine import Engine

MIN_SENTENCES, MIN_LINKS, MIN_CHECKPOINTS, MIN_APP_CHECKPOINTS = 40, 30, 30, 6

# (sentence, what must happen): "ok" a translation, "error" one clear message, "any" either (never a traceback)
SENTENCES: list[tuple[str, str]] = [
    ("", "error"), ("   ", "error"), ("\t\n\r ", "error"), ("?!.,;:", "error"), ("...", "error"),
    ("x" * 10_000, "error"), ("the cat sleeps . " * 500, "error"), ("\x00", "error"), ("the dog\x00 sleeps", "error"),
    ("the cat\x07\x1b[31m sleeps", "error"), ("\u202ethe cat sleeps", "error"),  # bell, ANSI colour; RTL override
    ("the \u2066cat\u2069 sleeps", "error"), ("the cat\u200b sleeps", "error"),  # bidi isolates; zero-width space
    ("\ufeffthe cat sleeps", "error"), ("the cat \udcff sleeps", "error"),  # BOM; a lone surrogate (bad argv bytes)
    ("The black cat sleeps under the table.", "ok"), ("THE CAT SLEEPS", "ok"), ("ThE cAt SlEePs", "ok"),
    ("the\u200dcat sleeps", "any"), ("🏳️‍🌈", "any"), ("the cat 🏳️‍🌈 sleeps 👨‍👩‍👧‍👦", "ok"),
    ("👍🏽 the dog sleeps", "ok"), ("፩ cats sleep", "ok"), ("٣ dogs", "any"), ("I have ３ cats", "ok"),
    ("𝟚 dogs sleep", "ok"), ("<script>alert(1)</script>", "any"), ("the dog <img src=x onerror=alert(1)>", "ok"),
    ("[click](https://evil.example) the cat", "ok"), ("![x](https://evil.example/p.png)", "any"),
    ("$$\\frac{1}{0}$$ the cat", "ok"), (":red[the cat] sleeps", "ok"), ("'; DROP TABLE users; --", "any"),
    ("1 OR 1=1", "any"), ("the cat sleeps 猫在睡觉", "ok"), ("Кошка спит", "any"), ("القطة نائمة", "any"),
    ("the cat " + "a" * 300, "ok"), ("Pneumonoultramicroscopicsilicovolcanoconiosis", "any"),
    ("the cat sleeps" + " ." * 200, "ok"), ("%00%0a%0d", "any"), ("{{7*7}} ${jndi:ldap://x.example/a}", "any"),
    ("\\x00 \\n the dog", "ok"), ("the\tcat\nsleeps", "ok"), ("the cat's cat's cat's dog", "ok"),
    ("cafe\u0301 the dog", "ok"), ("the ﬁsh swims", "any"), ("the " * 200, "ok"),
]


# ---------------------------------------------------------------------------------------------- the CLI


def _check_cli(argv: list[str], capsys) -> tuple[int, str, str]:
    rc = main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err, argv
    if rc == 0:
        json.loads(out)  # exactly one JSON object
    else:
        assert rc == 2 and out == "", (argv, rc, out)
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error:") and len(lines[0]) > 12, err
    return rc, out, err


@pytest.fixture
def shared_engine(engine, monkeypatch) -> Engine:
    """The CLI in-process with the session's loaded default model (loading is tested by the checkpoint groups)."""
    monkeypatch.setattr(Engine, "load", classmethod(lambda cls, *a, **k: engine))
    return engine


def test_hostile_sentences_cli(shared_engine, capsys) -> None:
    wrong = []
    for sentence, want in SENTENCES:
        rc, _, err = _check_cli([sentence, "--json"], capsys)
        if want != "any" and (rc == 0) != (want == "ok"):
            wrong.append((sentence[:40], want, err.strip()))
        count_cases("sentences through the CLI (in-process)")
    assert wrong == []
    assert count_cases("sentences through the CLI (in-process)", 0) >= MIN_SENTENCES


def test_hostile_sentence_in_a_real_process() -> None:
    for sentence, code in (("\u202ethe cat 🏳️‍🌈 sleeps", 2), ("the cat ፩ 🏳️‍🌈 <b>sleeps</b>", 0)):
        p = subprocess.run([sys.executable, "-m", "viz_model", sentence, "--json"], capture_output=True, text=True,
                           encoding="utf-8", timeout=120)
        assert p.returncode == code and "Traceback" not in p.stderr, p.stderr
        if code:
            assert p.stdout == "" and p.stderr.startswith("error:") and len(p.stderr.strip().splitlines()) == 1
        else:
            assert isinstance(json.loads(p.stdout)["output"], str)
        count_cases("sentences through the CLI (real process)")


# ---------------------------------------------------------------------------------------------- the app




def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def test_hostile_sentences_in_the_app() -> None:
    """Typed into the sentence box of one session (the box holds at most 1,000 characters: longer ones come from a
    link): no exception; bad input shows exactly one error box, good input none."""
    at = new_app(page="attention")
    wrong = []
    for sentence, want in SENTENCES:
        if not _utf8(sentence):
            continue  # a lone surrogate: no browser can send one (only the CLI's argv can hold one)
        if len(sentence) > 1000:  # a link cuts it to 1,000 characters (with a warning): it may translate
            at, want = new_app(q=sentence, page="attention"), "any"
        else:
            at.text_input(key="w_sentence.en").set_value(sentence).run()
        no_exception(at)
        errors = [e.value for e in at.error]
        if len(errors) > 1 or (want == "error" and len(errors) != 1) or (want == "ok" and errors):
            wrong.append((sentence[:40], want, errors))
        count_cases("sentences through the app")
    assert wrong == []
    assert count_cases("sentences through the app", 0) >= MIN_SENTENCES


# One value in every parameter at once (the sentence too), then mixed sets.
HOSTILE_VALUES = ["", " ", "nan", "inf", "-inf", "1e309", "-0", "0x10", "1_000", "١٢", "፩", "3;4", "  2  ", "2.5",
                  "[log in again](https://evil.example)", "![x](https://evil.example/p.png)", "**URGENT** :red[alert]",
                  "$$\\frac{1}{0}$$", "<script>alert(1)</script>", "javascript:alert(1)", "%00", "\u202e", "𝟚",
                  "x" * 2000, "mean", "-1", "9" * 30, "1,2,3", "encoder,decoder", "🏳️‍🌈"]
MIXED_SETS = [
    {"layer": "999", "head": "-3", "step": "abc", "lang": "xx", "ui": "klingon"},
    {"page": "../../etc/passwd", "model": "../../etc"}, {"page": "nonexistent", "q": "the cat \x00 sleeps"},
    {"ui": "zh", "q": "\u202ethe cat", "layer": "1e309", "dims": "-1,99999,3"},
    {"model": "someone/some-model", "words": "2", "temp": "-5", "topk": "-1", "seed": "nan"},
    {"q": "the dog", "step": "99999", "max": "0", "kind": "cross", "stack": "nowhere", "vt": "<b>"},
    {"temp": "1e-320", "topk": "99999999", "seed": "-9" * 40, "max": "1e9", "emb": "-", "n": "0", "k": "?"},
]


def _link_sets() -> list[dict[str, str]]:
    return [{p.key: v for p in PARAMS if p.key != "page"} for v in HOSTILE_VALUES] + MIXED_SETS


LINK_SETS = _link_sets()


@pytest.mark.parametrize("i", range(len(LINK_SETS)))
def test_hostile_links_on_every_page(engine, i: int) -> None:
    """Each set opens the app, then every page draws from the view it was parsed into: no traceback, no markup from
    the link reaches the screen, and the URL is rewritten to a valid view."""
    params = LINK_SETS[i]
    at = new_app(**params)
    for page in PAGE_ORDER:
        at.switch_page(f"pages/{page}.py").run()
        no_exception(at)
        shown = " ".join(e.value for kind in ("warning", "error", "info", "markdown", "caption")
                         for e in getattr(at, kind))
        shown = re.sub(r"\\.", "", shown)  # what markdown reads as markup: characters without a backslash before them
        for markup in ("](https://evil", ":red[", "$$", "<script"):
            assert markup not in shown, (page, markup)
        assert len(at.error) <= 1, [e.value for e in at.error]
        count_cases("link parameter sets × pages")
    rewritten = parse({k: at.query_params[k] for k in at.query_params}, Limits.of(engine))[1]
    assert [w for w, _ in rewritten if w != "warn_markup"] == []  # the URL is a valid view again (text stays text)
    count_cases("link parameter sets")


def test_enough_link_sets() -> None:
    assert len(LINK_SETS) >= MIN_LINKS and len(PAGE_ORDER) >= 6  # each set visits every page


# ---------------------------------------------------------------------------------------------- checkpoints


@pytest.fixture(scope="module")
def good_checkpoint(tmp_path_factory) -> Path:
    """A tiny random model saved as a checkpoint (it loads: the corruptions below are what breaks it)."""
    folder = tmp_path_factory.mktemp("ckpt") / "good"
    make_tiny_engine().save(folder, training={"task": "test"})
    return folder


def _json(name: str, change: Callable) -> Callable[[Path], None]:
    def mutate(folder: Path) -> None:
        p = folder / name
        p.write_text(json.dumps(change(json.loads(p.read_text(encoding="utf-8")))), encoding="utf-8")
    return mutate


def _model(**changes) -> Callable[[Path], None]:
    return _json("config.json", lambda m: {**m, "model": {**m["model"], **changes}})


def _state(change: Callable[[dict], dict]) -> Callable[[Path], None]:
    def mutate(folder: Path) -> None:
        p = folder / "model.safetensors"
        save_file(change(load_file(str(p))), str(p))
    return mutate


def _write(name: str, data: bytes | Callable[[bytes], bytes]) -> Callable[[Path], None]:
    def mutate(folder: Path) -> None:
        p = folder / name
        p.write_bytes(data(p.read_bytes()) if callable(data) else data)
    return mutate


def _remove(name: str) -> Callable[[Path], None]:
    return lambda folder: (folder / name).unlink()


class _Trap:
    """Unpickling this touches a file: proof that weights were unpickled."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def _poison(folder: Path) -> None:
    (folder / "model.safetensors").write_bytes(pickle.dumps({"weights": _Trap(folder / "UNPICKLED")}))


def _drop(key: str) -> Callable[[dict], dict]:
    return lambda s: {k: v for k, v in s.items() if k != key}


def _nan(s: dict) -> dict:
    s = dict(s)
    s["unembed.weight"] = s["unembed.weight"].clone()
    s["unembed.weight"][0, 0] = float("nan")
    return s


# (name, mutation, the file the message names, words it says)
CORRUPTIONS: list[tuple[str, Callable[[Path], None], str, str]] = [
    ("no folder", lambda f: shutil.rmtree(f), "", "folder is missing"),
    ("no config", _remove("config.json"), "config.json", "missing"),
    ("no source vocabulary", _remove("src_vocab.json"), "src_vocab.json", "missing"),
    ("no target vocabulary", _remove("tgt_vocab.json"), "tgt_vocab.json", "missing"),
    ("no weights", _remove("model.safetensors"), "model.safetensors", "missing"),
    ("empty weights", _write("model.safetensors", b""), "model.safetensors", "empty"),
    ("truncated weights", _write("model.safetensors", lambda b: b[: len(b) // 2]), "model.safetensors",
     "not a readable"),
    ("header only", _write("model.safetensors", lambda b: b[:200]), "model.safetensors", "not a readable"),
    ("random bytes", _write("model.safetensors", bytes(range(256)) * 64), "model.safetensors", "not a readable"),
    ("pickled weights", _poison, "model.safetensors", "not a readable"),
    ("malformed config", _write("config.json", b'{"model": {'), "config.json", "malformed json"),
    ("config not UTF-8", _write("config.json", b"\xff\xfe{}"), "config.json", "utf-8"),
    ("config a list", _write("config.json", b"[1, 2]"), "config.json", '"model"'),
    ("malformed vocabulary", _write("src_vocab.json", b'["<pad>", '), "src_vocab.json", "malformed json"),
    ("vocabulary not a list", _write("tgt_vocab.json", b'{"a": 1}'), "tgt_vocab.json", "list"),
    ("source vocabulary shorter", _json("src_vocab.json", lambda v: v[:-1]), "src_vocab.json", "src_vocab_size"),
    ("target vocabulary longer", _json("tgt_vocab.json", lambda v: [*v, "zzz"]), "tgt_vocab.json", "tgt_vocab_size"),
    ("duplicate tokens", _json("src_vocab.json", lambda v: [*v[:-1], v[5]]), "src_vocab.json", "unique"),
    ("no language tag", _json("src_vocab.json", lambda v: [t if t != "<2es>" else "zzz" for t in v]),
     "src_vocab.json", "language tag"),
    ("d_model mismatch", _model(d_model=64), "model.safetensors", "shape"),
    ("d_ff mismatch", _model(d_ff=128), "model.safetensors", "shape"),
    ("vocabulary size in config", _model(src_vocab_size=10), "src_vocab.json", "src_vocab_size"),
    ("more decoder layers", _model(n_decoder_layers=3), "model.safetensors", "missing"),
    ("fewer encoder layers", _model(n_encoder_layers=1), "model.safetensors", "unexpected"),
    ("heads do not divide d_model", _model(n_heads=3), "config.json", "divisible"),
    ("max_len too short", _model(max_len=10), "config.json", "max_len"),
    ("max_len absurd", _model(max_len=10**12), "config.json", "max_len"),
    ("d_model a string", _model(d_model="32"), "config.json", "d_model"),
    ("negative layers", _model(n_decoder_layers=-1), "config.json", "n_decoder_layers"),
    ("no vocabulary size", _json("config.json", lambda m: {**m, "model": {k: v for k, v in m["model"].items()
                                                                          if k != "tgt_vocab_size"}}),
     "config.json", "tgt_vocab_size"),
    ("bad languages", _json("config.json", lambda m: {**m, "languages": ["es"]}), "config.json", "languages"),
    ("a tensor missing", _state(_drop("unembed.bias")), "model.safetensors", "unembed.bias"),
    ("an extra tensor", _state(lambda s: {**s, "extra.weight": torch.zeros(2)}), "model.safetensors", "unexpected"),
    ("a tensor of another shape", _state(lambda s: {**s, "unembed.bias": torch.zeros(3)}), "model.safetensors",
     "unembed.bias"),
    ("NaN weights", _state(_nan), "model.safetensors", "nan"),
    ("integer weights", _state(lambda s: {**s, "unembed.bias": s["unembed.bias"].to(torch.int32)}),
     "model.safetensors", "dtype"),
    ("malformed metrics", _write("metrics.json", b"{oops"), "metrics.json", "malformed json"),
    ("word ranks a list", _write("word_rank.json", b"[]"), "word_rank.json", "object"),
]


def _broken(good: Path, tmp: Path, mutate: Callable[[Path], None]) -> Path:
    folder = tmp / "ckpt"
    shutil.copytree(good, folder)
    mutate(folder)
    return folder


def test_the_good_checkpoint_loads(good_checkpoint, capsys) -> None:
    """The control: the folder every corruption starts from loads and translates."""
    assert _check_cli(["the cat sleeps .", "--checkpoint", str(good_checkpoint), "--json"], capsys)[0] == 0


@pytest.mark.parametrize("name, mutate, file, words", CORRUPTIONS, ids=[c[0] for c in CORRUPTIONS])
def test_broken_checkpoint(good_checkpoint, tmp_path, capsys, name, mutate, file, words) -> None:
    folder = _broken(good_checkpoint, tmp_path, mutate)
    with pytest.raises(CheckpointError) as info:
        Engine.load(folder, device="cpu")
    assert (info.value.file.name if info.value.file else "") == (file or "ckpt"), str(info.value)
    assert words in str(info.value).lower() and "\n" not in str(info.value)
    _, _, err = _check_cli(["the cat sleeps .", "--checkpoint", str(folder), "--json"], capsys)
    assert err.startswith("error:") and (file or "ckpt") in err and words in err.lower(), err
    assert not (folder / "UNPICKLED").exists()  # weights are never unpickled
    count_cases("broken checkpoints through the CLI")


@pytest.mark.parametrize("device, words", [("cuda:99", "cuda"), ("nonsense", "not a device"), ("tpu", "device")])
def test_unusable_device(good_checkpoint, capsys, device, words) -> None:
    if device.startswith("cuda") and torch.cuda.device_count() > 99:
        pytest.skip("this machine has 100 GPUs")
    _, _, err = _check_cli(["the cat sleeps .", "--checkpoint", str(good_checkpoint), "--device", device], capsys)
    assert words in err.lower() and device in err
    count_cases("broken checkpoints through the CLI")


def test_enough_checkpoint_cases() -> None:
    assert len(CORRUPTIONS) + 3 >= MIN_CHECKPOINTS


def test_broken_checkpoint_in_a_real_process(good_checkpoint, tmp_path) -> None:
    folder = _broken(good_checkpoint, tmp_path, _model(d_model=64))
    p = subprocess.run([sys.executable, "-m", "viz_model", "the cat sleeps", "--checkpoint", str(folder)],
                       capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert p.returncode == 2 and p.stdout == "" and "Traceback" not in p.stderr, p.stderr
    assert p.stderr.startswith("error:") and "model.safetensors" in p.stderr and "shape" in p.stderr
    count_cases("broken checkpoints through the CLI (real process)")


APP_CORRUPTIONS = ["no folder", "source vocabulary shorter", "d_model mismatch", "truncated weights",
                   "malformed config", "pickled weights"]


@pytest.mark.parametrize("name", APP_CORRUPTIONS)
def test_broken_shipped_model_in_the_app(good_checkpoint, tmp_path, monkeypatch, name) -> None:
    """The shipped model's folder broken (VIZ_CHECKPOINT): one error box naming the file, no exception, no page."""
    mutate, file, _ = next((m, f, w) for n, m, f, w in CORRUPTIONS if n == name)
    monkeypatch.setenv("VIZ_CHECKPOINT", str(_broken(good_checkpoint, tmp_path, mutate)))
    at = new_app(ui="zh" if name == "malformed config" else "en")
    no_exception(at)
    assert len(at.error) == 1 and not at.get("plotly_chart")
    shown = at.error[0].value.replace("\\", "")
    said = "模型无法加载" if name == "malformed config" else "could not be loaded"
    assert (file or "ckpt") in shown and said in shown
    count_cases("broken checkpoints in the app")


@pytest.fixture
def checkpoint_allowlist(good_checkpoint, tmp_path, monkeypatch) -> Path:
    """An allowlist with the good tiny checkpoint and broken copies of it, as models other than the shipped one."""
    lines = [f'[models.tiny]\nsource = "{good_checkpoint}"\nlabel = "Tiny"\n']
    for i, name in enumerate(APP_CORRUPTIONS[1:4]):
        mutate = next(m for n, m, _, _ in CORRUPTIONS if n == name)
        folder = _broken(good_checkpoint, tmp_path / str(i), mutate)
        lines.append(f'[models.broken-{i}]\nsource = "{folder}"\nlabel = "Broken {i}"\n')
    path = tmp_path / "models.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    monkeypatch.setenv("VIZ_MODELS_FILE", str(path))
    return path


def test_broken_other_checkpoint_falls_back(checkpoint_allowlist) -> None:
    """A non-default checkpoint that does not match its config: one error box naming the file, then the shipped model
    as usual; the good one of the same list loads (the control)."""
    at = new_app(model="tiny", page="attention")
    no_exception(at)
    assert not at.error and at.query_params["model"] == "tiny" and at.get("plotly_chart")
    for i, file in enumerate(("src_vocab.json", "model.safetensors", "model.safetensors")):
        at = new_app(model=f"broken-{i}", page="attention")
        no_exception(at)
        assert len(at.error) == 1, [e.value for e in at.error]
        shown = at.error[0].value.replace("\\", "")
        assert file in shown and "shipped model" in shown and str(checkpoint_allowlist.parent) not in shown
        assert "model" not in at.query_params and at.get("plotly_chart")  # the shipped model, drawn as usual
        count_cases("broken checkpoints in the app")
    assert count_cases("broken checkpoints in the app", 0) >= 3
