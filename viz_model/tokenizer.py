"""Word-level vocabularies and the English tokenizer: tokens a person can read.

Input is case-insensitive; punctuation marks are tokens of their own; common contractions are expanded
("doesn't" -> "does not"); digits 0-20 become number words. Unknown words map to <unk> and are reported by name with
the nearest in-vocabulary suggestions.
"""

from __future__ import annotations

import functools
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

    @functools.cached_property
    def known(self) -> frozenset[str]:
        """words() as a set (built once: tokenizing checks every input against it)."""
        return frozenset(self.words())

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(list(self.itos), ensure_ascii=False, indent=0), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Vocab:
        return cls(json.loads(path.read_text(encoding="utf-8")))


_CONTRACTIONS = {
    "n't": " not", "won't": "will not", "can't": "can not", "i'm": "i am", "'re": " are", "'s": " is",
    "'ll": " will", "'ve": " have", "'d": " would", "let's": "let us",
}
# "'s" is "is" only after these words; after a noun or a name it is the possessive token "'s" ("the man's dog")
_IS_CONTRACTION = r"\b(he|she|it|that|what|where|who|there|this|here|how)'s\b"
_NUMBERS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen " \
           "seventeen eighteen nineteen twenty".split()
_EMOJI = r"[\U0001F000-\U0001FFFF\u2600-\u27BF\u2B00-\u2BFF][\uFE0F\u200D\U0001F000-\U0001FFFF\u2600-\u27BF" \
         r"\u2B00-\u2BFF\U000E0020-\U000E007F]*"
# a possessive 's, a word, ASCII digits, an emoji sequence, or any other single mark
_TOKEN_RE = re.compile(r"'s\b|[a-z]+|[0-9]+|" + _EMOJI + r"|[^\sa-z0-9]", re.IGNORECASE)


def _expand_contractions(text: str) -> str:
    flags = re.IGNORECASE
    text = re.sub(r"\b(won't|can't|i'm|let's)\b", lambda m: _keep_case(m.group(1), _CONTRACTIONS[m.group(1).lower()]),
                  text, flags=flags)
    text = re.sub(_IS_CONTRACTION, r"\1 is", text, flags=flags)
    return re.sub(r"(n't|'re|'ll|'ve|'d)\b", lambda m: _CONTRACTIONS[m.group(1).lower()], text, flags=flags)


def _keep_case(original: str, expansion: str) -> str:
    return expansion[:1].upper() + expansion[1:] if original[:1].isupper() else expansion


def split_surface(text: str) -> list[str]:
    """Normalise quotes, expand contractions and split into words, numbers and marks, keeping the typed case."""
    text = unicodedata.normalize("NFKC", text).replace("’", "'").replace("‘", "'")
    text = _expand_contractions(text)
    out = []
    for tok in _TOKEN_RE.findall(text):
        if tok.isdigit() and tok.isascii() and int(tok) < len(_NUMBERS):
            tok = _NUMBERS[int(tok)]
        if tok != "'":
            out.append(tok)
    return out


def split_words(text: str) -> list[str]:
    """Lower-case, normalise quotes, expand contractions, split into words, numbers and punctuation marks."""
    return [t.lower() for t in split_surface(text)]


def is_word(token: str) -> bool:
    """A token with a letter or digit in it, or an emoji: something a person wrote, not only punctuation."""
    return any(ch.isalnum() for ch in token) or bool(re.fullmatch(_EMOJI, token))


def edit_distance(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (adjacent transpositions count one)."""
    prev2, prev = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if prev2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def suggest(word: str, known: Iterable[str], rank: dict[str, int] | None = None, n: int = 3) -> list[str]:
    """Nearest known words for a typo: fewest edits (a transposition is one), then the same first letter (typos
    rarely hit the first letter), then the same length, then the more frequent word. "dgo" -> dog, "reeds" ->
    reads."""
    rank = rank or {}
    limit = 1 if len(word) <= 4 else 2
    scored = []
    for k in known:
        if abs(len(k) - len(word)) > limit or not k.isalpha():
            continue
        d = edit_distance(word, k)
        if d <= limit:
            scored.append((d, k[:1] != word[:1], abs(len(k) - len(word)), rank.get(k, 10**6), k))
    return [k for *_, k in sorted(scored)[:n]]


@dataclass(frozen=True)
class Tokenized:
    tokens: tuple[str, ...]  # word tokens as the model will see them (unknown ones replaced by <unk>)
    words: tuple[str, ...]  # the words as typed (lower-cased), same length
    surface: tuple[str, ...]  # the words exactly as typed (case kept), same length
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
    # control, format, surrogate, private-use and unassigned characters; the zero-width joiner and the emoji tag
    # characters are allowed inside emoji sequences (🏳️‍🌈)
    bad = [c for c in text if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn") and c not in "\t\n\r"
           and not (c == "\u200d" or "\U000e0020" <= c <= "\U000e007f")]
    if bad:
        raise InputError("unprintable", f"The input contains an unprintable character ({ascii(bad[0])}).",
                         char=ascii(bad[0]))
    return text.strip()


def tokenize(text: str, vocab: Vocab, max_tokens: int = MAX_SOURCE_TOKENS,
             rank: dict[str, int] | None = None) -> Tokenized:
    """English text -> word tokens for the encoder. Raises InputError for unusable input. `rank` (word -> frequency
    rank) orders the suggestions for unknown words."""
    surface = split_surface(validate_text(text))
    if not any(is_word(t) for t in surface):
        raise InputError("no_words", "The input has no words, only punctuation: please type a sentence.")
    truncated_from = None
    if len(surface) > max_tokens:
        truncated_from, surface = len(surface), surface[:max_tokens]
    words = [t.lower() for t in surface]
    known = vocab.known
    unknown = tuple(dict.fromkeys(w for w in words if w not in known))
    if len(unknown) == len(set(words)):
        raise InputError("all_unknown", "None of these words is in the model's vocabulary: " + ", ".join(unknown[:8]),
                         words=", ".join(unknown[:8]))
    suggestions = {w: suggest(w, known, rank) for w in unknown}
    tokens = tuple(w if w in known else UNK for w in words)
    return Tokenized(tokens, tuple(words), tuple(surface), unknown, suggestions, truncated_from)
