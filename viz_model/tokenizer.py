"""Word-level vocabularies and the English tokenizer: tokens a person can read.

Input is case-insensitive; punctuation marks are tokens of their own; common contractions are expanded
("doesn't" -> "does not"); digits 0-20 become number words. Unknown words map to <unk> and are reported by name with
the nearest in-vocabulary suggestions.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

PAD, UNK, BOS, EOS = "<pad>", "<unk>", "<s>", "</s>"
SPECIALS = (PAD, UNK, BOS, EOS)

MAX_INPUT_CHARS = 1000  # longer input is refused outright
MAX_SOURCE_TOKENS = 64  # longer input is truncated to this many word tokens, with a notice


def lang_tag(lang: str) -> str:
    """The source token that selects the target language, e.g. <2es>."""
    return f"<2{lang}>"


class InputError(ValueError):
    """Input a user can fix. `code` and `params` let a UI translate the message; str() is the English text."""

    def __init__(self, code: str, message: str, **params: object) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


class Vocab:
    """Bidirectional token <-> id map. Ids 0-3 are <pad>, <unk>, <s>, </s>."""

    def __init__(self, tokens: Iterable[str]) -> None:
        toks = list(SPECIALS) + [t for t in dict.fromkeys(tokens) if t not in SPECIALS]
        self.itos: tuple[str, ...] = tuple(toks)
        self.stoi: dict[str, int] = {t: i for i, t in enumerate(toks)}

    pad_id, unk_id, bos_id, eos_id = 0, 1, 2, 3

    def __len__(self) -> int:
        return len(self.itos)

    def __contains__(self, token: object) -> bool:
        return token in self.stoi

    def encode(self, tokens: Sequence[str]) -> list[int]:
        return [self.stoi.get(t, self.unk_id) for t in tokens]

    def decode(self, ids: Iterable[int]) -> list[str]:
        return [self.itos[i] for i in ids]

    def words(self) -> list[str]:
        """Ordinary tokens: no specials, no language tags."""
        return [t for t in self.itos if not (t.startswith("<") and t.endswith(">"))]

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(list(self.itos), ensure_ascii=False, indent=0), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Vocab:
        return cls(json.loads(path.read_text(encoding="utf-8")))


_CONTRACTIONS = {
    "n't": " not", "won't": "will not", "can't": "can not", "i'm": "i am", "'re": " are", "'s": " is",
    "'ll": " will", "'ve": " have", "'d": " would",
}
_IS_CONTRACTION = r"\b(he|she|it|that|what|where|who|there|this)'s\b"  # "'s" is "is" only after these
_NUMBERS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen " \
           "seventeen eighteen nineteen twenty".split()
_TOKEN_RE = re.compile(r"[a-z]+|\d+|[^\sa-z\d]")


def _expand_contractions(text: str) -> str:
    text = re.sub(r"\b(won't|can't|i'm)\b", lambda m: _CONTRACTIONS[m.group(1)], text)
    text = re.sub(_IS_CONTRACTION, r"\1 is", text)
    return re.sub(r"(n't|'re|'ll|'ve|'d)\b", lambda m: _CONTRACTIONS[m.group(1)], text)


def split_words(text: str) -> list[str]:
    """Lower-case, normalise quotes, expand contractions, split into words, numbers and punctuation marks."""
    text = unicodedata.normalize("NFKC", text).lower().replace("’", "'").replace("‘", "'")
    text = _expand_contractions(text)
    out = []
    for tok in _TOKEN_RE.findall(text):
        if tok.isdigit() and int(tok) < len(_NUMBERS):
            tok = _NUMBERS[int(tok)]
        if tok != "'":
            out.append(tok)
    return out


@dataclass(frozen=True)
class Tokenized:
    tokens: tuple[str, ...]  # word tokens as the model will see them (unknown ones replaced by <unk>)
    words: tuple[str, ...]  # the words as typed (lower-cased), same length
    unknown: tuple[str, ...]  # distinct unknown words, in order of appearance
    suggestions: dict[str, list[str]]  # unknown word -> nearest in-vocabulary words
    truncated_from: int | None  # original word count when the input was cut to MAX_SOURCE_TOKENS


def validate_text(text: str) -> str:
    """Raise InputError for input no tokenizer should see; return it stripped."""
    if not isinstance(text, str) or not text.strip():
        raise InputError("empty", "Please type a sentence: the input is empty.")
    if len(text) > MAX_INPUT_CHARS:
        raise InputError("too_long", f"The input has {len(text)} characters; the limit is {MAX_INPUT_CHARS}.",
                         n=len(text), limit=MAX_INPUT_CHARS)
    bad = [c for c in text if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn") and c not in "\t\n\r"]
    if bad:
        raise InputError("unprintable", f"The input contains an unprintable character ({ascii(bad[0])}).",
                         char=ascii(bad[0]))
    return text.strip()


def tokenize(text: str, vocab: Vocab, max_tokens: int = MAX_SOURCE_TOKENS) -> Tokenized:
    """English text -> word tokens for the encoder. Raises InputError for unusable input."""
    words = split_words(validate_text(text))
    if not words:
        raise InputError("no_words", "The input has no words the model can read.")
    truncated_from = None
    if len(words) > max_tokens:
        truncated_from, words = len(words), words[:max_tokens]
    known = set(vocab.words())
    unknown = tuple(dict.fromkeys(w for w in words if w not in known))
    if len(unknown) == len(set(words)):
        raise InputError("all_unknown", "None of these words is in the model's vocabulary: " + ", ".join(unknown[:8]),
                         words=", ".join(unknown[:8]))
    suggestions = {w: difflib.get_close_matches(w, known, n=3, cutoff=0.6) for w in unknown}
    tokens = tuple(w if w in known else UNK for w in words)
    return Tokenized(tokens, tuple(words), unknown, suggestions, truncated_from)
