"""Honest output from the shipped model: in the grammar or not (with the reference and gold alignment), per-token
confidence, unknown words copied through cross-attention, vocabulary coverage of everyday English."""

from __future__ import annotations

import json

import numpy as np
import pytest

from viz_model import grammar
from viz_model.cli import main
from viz_model.engine import DEFAULT_CHECKPOINT, LOW_CONFIDENCE
from viz_model.tokenizer import UNK, split_words

# Sentences people type first into a translation demo, and others of their kind (not sampled from the grammar).
FIRST_SENTENCES = [
    "I love you.", "My name is Anna.", "The cat sat on the mat.", "We went to the park yesterday.",
    "I am a student.", "How are you?", "Thank you very much.", "Where is the cat?", "I don't like coffee.",
    "She is a teacher.", "Do you want to go home?", "The children are playing in the garden.",
    "My mother is reading a book.", "There are two books on the table.", "I will go to school tomorrow.",
    "Can you help me?", "He has eaten the apple.", "The man's dog is not black.", "What is your name?",
    "Good morning.",
]


SET_PHRASE = ("set phrases are learnt from too few training steps: batches group sentences by length, so every one-"
              "to three-word sentence of the data shares a handful of batches per epoch (issue 6 stays open)")
# Measured on the shipped model; strict, so each mark must go as soon as the model gets the sentence right.
KNOWN_FAILURES = {
    ("I don't like coffee.", "es"): "model error: 'No me gusta café.' (article of gustar's subject)",
    ("Good morning.", "zh"): SET_PHRASE,
    ("I will go to school tomorrow.", "es"): "outside the grammar: 'to school' without an article",
    ("I will go to school tomorrow.", "zh"): "outside the grammar: 'to school' without an article",
}


def _cases():
    for text in FIRST_SENTENCES:
        for lang in ("es", "zh"):
            reason = KNOWN_FAILURES.get((text, lang))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            yield pytest.param(text, lang, marks=marks, id=f"{lang}-{text}")


@pytest.mark.parametrize("text,lang", list(_cases()))
def test_first_sentences_translate_correctly(engine, text, lang):
    """Each is in the grammar, and the model's greedy output equals the reference translation."""
    trace = engine.trace(text, lang)
    m = trace.meta
    assert m["in_grammar"], (text, m["outside_reason"], m["outside_detail"])
    assert m["matches_reference"], (text, m["output"], m["reference"]["translation"])


def test_reference_alignment_indexes_source_and_target_tokens(engine):
    trace = engine.trace("The black cat sleeps under the table.", "es")
    ref = trace.meta["reference"]
    n_src = len(trace.source_tokens)
    n_tgt = len(ref["tokens"]) + 1  # <s> first, so reference token k is target position k + 1
    assert ref["alignment"] and all(1 <= s < n_src - 1 and 1 <= t < n_tgt for s, t in ref["alignment"])
    words = {(trace.source_tokens[s], ref["tokens"][t - 1]) for s, t in ref["alignment"]}
    assert ("cat", "gato") in words and ("table", "mesa") in words


def test_outside_the_grammar_is_said(engine):
    m = engine.trace("Colorless green ideas sleep furiously.", "es").meta
    assert m["in_grammar"] is False and m["reference"] is None and m["outside_reason"] == "unknown_word"
    m = engine.trace("the the cat sleeps", "zh").meta
    assert m["in_grammar"] is False and m["outside_reason"] == "construction"


def test_confidence_is_the_probability_of_each_chosen_token(engine):
    trace = engine.trace("The children are playing in the garden.", "zh")
    conf = np.array(trace.meta["confidence"])
    assert conf.shape == (len(trace.next_tokens),) and np.all((conf > 0) & (conf <= 1))
    chosen = trace["next.ids"]
    np.testing.assert_allclose(conf, trace["probs"][np.arange(len(chosen)), chosen], atol=1e-5)


@pytest.mark.parametrize("lang", ["es", "zh"])
def test_unknown_name_is_copied_not_invented(engine, lang):
    """A name the model never saw passes through: the model writes <unk>, the engine copies the source word that the
    cross-attention points at."""
    trace = engine.trace("My name is Zorbalinda.", lang)
    m = trace.meta
    assert m["unknown_words"] == ["zorbalinda"]
    assert UNK in m["model_tokens"], m["model_tokens"]
    assert [c["word"] for c in m["copies"]] == ["Zorbalinda"] and "Zorbalinda" in m["output"]
    c = m["copies"][0]
    assert trace.source_tokens[c["source_index"]] == UNK
    row = trace.attention("cross", trace.n_layers("decoder") - 1).mean(0)[c["target_index"]]
    assert int(np.argmax(row[1:-1])) + 1 == c["source_index"] or row[c["source_index"]] > 0.2


def test_unknown_noun_is_not_replaced_by_an_invented_word(engine):
    """An unknown noun comes out as itself (copied), never as some other Spanish noun."""
    trace = engine.trace("The man sees the wombat.", "es")
    assert "wombat" in trace.meta["output"].lower()


def test_cli_json_has_the_honesty_fields(capsys):
    assert main(["The cat sat on the mat.", "--lang", "zh", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["in_grammar"] is True and d["reference"]["translation"] == "猫坐在垫子上。"
    assert all(len(pair) == 2 for pair in d["reference"]["alignment"])
    assert len(d["confidence"]) == len(d["next_tokens"])
    assert main(["Colorless green ideas sleep.", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["in_grammar"] is False and d["reference"] is None
    assert any("outside" in n for n in d["notices"])


def test_low_confidence_threshold_is_a_probability():
    assert 0 < LOW_CONFIDENCE < 1


# ---------------------------------------------------------------------------------------------- vocabulary


def _trained_words() -> tuple[list[str], set[str]]:
    wordfreq = pytest.importorskip("wordfreq")
    top = [w for w in wordfreq.top_n_list("en", 1000) if w.isalpha()]
    vocab = set(json.loads((DEFAULT_CHECKPOINT / "src_vocab.json").read_text(encoding="utf-8")))
    info = json.loads((DEFAULT_CHECKPOINT / "config.json").read_text(encoding="utf-8"))["training"]
    return top, vocab - set(info.get("source_words_unseen", []))


def test_everyday_vocabulary_coverage_top_1000():
    """At least 75% of the 1,000 most frequent alphabetic English words (wordfreq) are tokens the shipped model
    knows, each exactly as listed, and each one occurs in its training sentences (measured: 741 of 961)."""
    top, trained = _trained_words()
    assert sum(w in trained for w in top) / len(top) >= 0.75
    gv = set(grammar.source_vocabulary())
    assert all(w in gv for w in top if w in trained)


def test_everyday_vocabulary_coverage_top_100():
    top, trained = _trained_words()
    assert sum(w in trained for w in top[:100]) >= 95, [w for w in top[:100] if w not in trained]


def test_typo_suggestions_rank_by_edits_then_frequency(engine):
    from viz_model.tokenizer import tokenize

    t = tokenize("the dgo reeds a book", engine.src_vocab, rank=engine.word_rank)
    assert t.suggestions["dgo"][0] == "dog" and t.suggestions["reeds"][0] == "reads"
    assert split_words("Anna's dog!") == ["anna", "'s", "dog", "!"]
