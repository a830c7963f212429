"""Sampling: random sentences from the English rules (derive.Generate), realised in Spanish and Chinese.

Every sampled sentence is parsed back before it is kept: a sentence whose English has two readings with different
translations is dropped, so each English sentence in the data has exactly one translation per language.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from . import derive
from .trees import Sentence

MIN_LEN, MAX_LEN = 1, 22
VOWEL_SOUND_EXCEPTIONS = ("uni", "use", "usu", "eu", "one", "once", "euro")
SILENT_H = ("hour", "honest", "honour", "honor", "heir")


def fix_articles(tokens: list[str]) -> list[str]:
    """"a" before a vowel sound becomes "an" (an apple, an hour, a university)."""
    out = list(tokens)
    for k, t in enumerate(out[:-1]):
        if t in ("a", "an"):
            nxt = out[k + 1]
            vowel = (nxt[0] in "aeiou" and not nxt.startswith(VOWEL_SOUND_EXCEPTIONS)) or nxt.startswith(SILENT_H)
            out[k] = "an" if vowel else "a"
    return out


def sample_tree(g, rng: random.Random, budget: int = 3000) -> tuple[tuple[str, ...], Sentence]:
    """One random sentence: (English tokens, tree)."""
    while True:
        m = derive.Generate(rng, budget)
        try:
            tree, st = next(g.sentence(m, derive.State(0)))
        except (derive.OutOfBudget, derive.Reject, StopIteration):
            continue
        toks = fix_articles(derive.emitted(st))
        if MIN_LEN <= len(toks) <= MAX_LEN:
            return tuple(toks), tree


def unique_reading(parses: Sequence, realise) -> bool:
    """True when every parse gives the same translations."""
    if len(parses) <= 1:
        return True
    first = realise(parses[0])
    return all(realise(p) == first for p in parses[1:])
