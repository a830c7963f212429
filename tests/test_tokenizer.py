"""Tokenizer: readable tokens, case-insensitivity, unknown words with suggestions, clear errors for bad input."""

from __future__ import annotations

import pytest

from viz_model.tokenizer import MAX_INPUT_CHARS, MAX_SOURCE_TOKENS, UNK, InputError, Vocab, split_words, tokenize

VOCAB = Vocab(["the", "cat", "sees", "dog", "black", "does", "not", "see", ".", "?", ",", "three", "is", "it"])


def test_split_words():
    assert split_words("The CAT sees the dog.") == ["the", "cat", "sees", "the", "dog", "."]
    assert split_words("Doesn't it? 3 dogs,") == ["does", "not", "it", "?", "three", "dogs", ","]
    assert split_words("It’s the cat's") == ["it", "is", "the", "cat", "'s"]  # "'s" after a noun: the possessive
    assert split_words("Anna's dog! 7 ፩ 🏳️‍🌈") == ["anna", "'s", "dog", "!", "seven", "፩", "🏳️\u200d🌈"]
    assert split_words("  spaced\tout\n") == ["spaced", "out"]


def test_case_insensitive_and_known():
    a, b = tokenize("THE Cat sees the DOG.", VOCAB), tokenize("the cat sees the dog .", VOCAB)
    assert a.tokens == b.tokens == ("the", "cat", "sees", "the", "dog", ".")
    assert a.unknown == () and a.truncated_from is None


def test_unknown_words_are_reported_with_suggestions():
    t = tokenize("The kat sees the dog and the dgo.", VOCAB)
    assert t.tokens[1] == UNK and t.words[1] == "kat"
    assert t.unknown == ("kat", "and", "dgo")
    assert "cat" in t.suggestions["kat"] and "dog" in t.suggestions["dgo"]


@pytest.mark.parametrize("text,code", [
    ("", "empty"), ("   \n ", "empty"), ("x" * (MAX_INPUT_CHARS + 1), "too_long"),
    ("the cat\x00 sees", "unprintable"), ("the\u200b cat", "unprintable"), ("zzz qqq", "all_unknown"),
])
def test_bad_input_raises_input_error(text, code):
    with pytest.raises(InputError) as e:
        tokenize(text, VOCAB)
    assert e.value.code == code and str(e.value)


def test_punctuation_only_is_refused_like_empty_input():
    for text in ("!!! ...", "...", "?!", "—"):
        with pytest.raises(InputError) as e:
            tokenize(text, VOCAB)
        assert e.value.code == "no_words"
    t = tokenize("the cat !!! ...", VOCAB)  # punctuation beside words is fine
    assert t.tokens[:2] == ("the", "cat") and t.unknown == ("!",)


def test_typo_suggestions_prefer_few_edits_same_first_letter_and_length():
    from viz_model.tokenizer import suggest

    known = ["dog", "do", "go", "god", "reads", "needs", "reed"]
    rank = {"do": 5, "go": 10, "needs": 50, "dog": 300, "reads": 500}
    assert suggest("dgo", known, rank)[0] == "dog" and suggest("reeds", known, rank)[0] == "reads"


def test_long_input_is_truncated_with_notice():
    t = tokenize(" ".join(["cat"] * (MAX_SOURCE_TOKENS + 7)), VOCAB)
    assert len(t.tokens) == MAX_SOURCE_TOKENS and t.truncated_from == MAX_SOURCE_TOKENS + 7


def test_vocab_roundtrip(tmp_path):
    VOCAB.save(tmp_path / "v.json")
    v = Vocab.load(tmp_path / "v.json")
    assert v.itos == VOCAB.itos and v.encode(["cat", "zebra"]) == [VOCAB.stoi["cat"], VOCAB.unk_id]
    assert v.itos[:4] == ("<pad>", "<unk>", "<s>", "</s>")
