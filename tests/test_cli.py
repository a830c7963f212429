"""The CLI contract: --json fields, readable output, one-line errors with a non-zero exit and no traceback."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from viz_model.cli import main
from viz_model.tokenizer import MAX_SOURCE_TOKENS


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "viz_model", *args], capture_output=True, text=True, timeout=120,
                          encoding="utf-8")


def test_json_contract_in_a_real_process():
    p = run_cli("The black cat sleeps under the table.", "--lang", "zh", "--json")
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)  # exactly one JSON object: json.loads rejects trailing output
    S, T = len(d["source_tokens"]), len(d["target_tokens"])
    assert d["target_tokens"][0] == "<s>" and d["source_tokens"][0] == "<2zh>"
    assert d["output"] and d["unknown_words"] == []
    m = d["model"]
    assert m["layers"] == {"encoder": 3, "decoder": 3} and m["heads"] >= 4 and m["parameters"] > 100_000
    att = d["attention"]
    L, H = m["layers"]["encoder"], m["heads"]
    assert np.array(att["encoder_self"]).shape == (L, H, S, S)
    assert np.array(att["decoder_self"]).shape == (m["layers"]["decoder"], H, T, T)
    assert np.array(att["cross"]).shape == (m["layers"]["decoder"], H, T, S)
    for kind in att:
        np.testing.assert_allclose(np.array(att[kind]).sum(-1), 1.0, atol=1e-4)
    assert len(d["top_k"]) == T
    for row in d["top_k"]:
        probs = [e["prob"] for e in row]
        assert len(row) == 5 and probs == sorted(probs, reverse=True) and all(isinstance(e["token"], str) for e in row)
    assert [row[0]["token"] for row in d["top_k"]] == d["next_tokens"]  # greedy picks the most probable


def test_bad_input_in_a_real_process_has_no_traceback():
    p = run_cli("", "--json")
    assert p.returncode != 0 and p.stdout == ""
    assert p.stderr.strip().startswith("error:") and len(p.stderr.strip().splitlines()) == 1
    assert "Traceback" not in p.stderr


@pytest.mark.parametrize("args,needle", [
    (["   "], "empty"),
    (["x" * 5000], "limit"),
    (["the cat\x07 sleeps"], "unprintable"),
    (["qwzx vbnm"], "vocabulary"),
    (["the cat sleeps", "--lang", "fr"], "language"),
    (["the cat sleeps", "--temperature", "-2"], "temperature"),
    (["the cat sleeps", "--checkpoint", "/nonexistent"], "error"),
])
def test_bad_input_one_line_error(args, needle, capsys):
    assert main(args) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1
    assert err.startswith("error:") and needle in err.lower()


def test_text_summary_and_notices(capsys, tmp_path):
    long = " ".join(["the cat sleeps ."] * 20)
    npz = tmp_path / "t.npz"
    assert main([long + " zebraz", "--npz", str(npz)]) == 0
    out, err = capsys.readouterr()
    assert f"truncated from 81 to {MAX_SOURCE_TOKENS}" in err  # 80 words + "zebraz"
    for stage in ("model", "source", "embedding", "attention", "ffn", "output"):
        assert any(line.startswith(stage) for line in out.splitlines()), stage
    with np.load(npz) as z:
        assert "decoder.2.cross_attn.weights" in z.files


def test_unknown_word_is_reported_not_fatal(capsys):
    assert main(["The blakc cat sleeps.", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["unknown_words"] == ["blakc"] and "black" in d["suggestions"]["blakc"]
