"""The machinery that lets one set of English rules both generate and parse.

A rule is a generator function `rule(m, st, ...) -> Iterator[(value, State)]`. It never touches tokens itself: it
calls the mode `m` for literal words (`m.word`), lexicon lookups (`m.lex`) and choices between alternatives
(`m.alt`), and combines what they yield into a tree value. Two modes interpret the same rules:

* `Parse(tokens)` consumes tokens: `word` matches, `lex` looks the word up, `alt` tries every alternative in order.
  All complete derivations of a sentence are its parses.
* `Generate(rng)` emits tokens: `word` appends, `lex` tries lexicon entries in random order, `alt` tries
  alternatives in weighted random order. The first complete derivation is the sample; constraints that fail
  (a verb that does not take this object) simply backtrack to the next candidate.

The state is the number of tokens so far (which gives every English word its index, used for gold alignments in
both modes) plus, when generating, the tokens emitted so far as a persistent linked list.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class State:
    pos: int
    out: tuple | None = None  # generate: (token, previous out) cons cells


def emitted(st: State) -> list[str]:
    out, cell = [], st.out
    while cell is not None:
        out.append(cell[0])
        cell = cell[1]
    return out[::-1]


class LexTable:
    """Lexicon entries by their English surface (one or more tokens)."""

    def __init__(self, entries: Sequence[tuple[tuple[str, ...], Any]]) -> None:
        self.entries = tuple(entries)
        self.by_first: dict[str, list[tuple[tuple[str, ...], Any]]] = {}
        for e in self.entries:
            self.by_first.setdefault(e[0][0], []).append(e)
        self._cache: dict[Hashable, list] = {}

    def words(self) -> set[str]:
        return {w for surface, _ in self.entries for w in surface}

    def filtered(self, key: Hashable, ok: Callable[[Any], bool] | None) -> list:
        if key is None or ok is None:
            return [e for e in self.entries if ok is None or ok(e[1])]
        got = self._cache.get(key)
        if got is None:
            got = self._cache[key] = [e for e in self.entries if ok(e[1])]
        return got


class OutOfBudget(Exception):
    pass


class Reject(Exception):
    """Raised by Generate.check: the sample broke a constraint checked after the fact; start a new sample rather
    than backtrack through everything generated so far."""


Alternative = tuple[float, Callable[[State], Iterator]]


class Mode:
    generating: bool

    def word(self, st: State, w: str) -> Iterator[tuple[int, State]]:
        raise NotImplementedError

    def lex(self, st: State, table: LexTable, ok: Callable[[Any], bool] | None = None,
            key: Hashable | None = None) -> Iterator[tuple[tuple[Any, tuple[int, ...]], State]]:
        raise NotImplementedError

    def alt(self, st: State, options: Sequence[Alternative]) -> Iterator[tuple[Any, State]]:
        raise NotImplementedError

    def check(self, ok: bool) -> bool:
        """A constraint on what has been built: parsing drops the reading, generating starts a new sample."""
        return ok

    def words(self, st: State, ws: Sequence[str]) -> Iterator[tuple[tuple[int, ...], State]]:
        """A fixed sequence of words: yields their indices."""
        if not ws:
            yield (), st
            return
        for i, st2 in self.word(st, ws[0]):
            for rest, st3 in self.words(st2, ws[1:]):
                yield (i, *rest), st3

    def choose(self, st: State, words: Sequence[str], weights: Sequence[float] | None = None
               ) -> Iterator[tuple[tuple[str, int], State]]:
        """One of several words: yields ((word, index), State)."""
        opts = [(weights[k] if weights else 1.0, functools.partial(self._one_word, w)) for k, w in enumerate(words)]
        yield from self.alt(st, opts)

    def _one_word(self, w: str, st: State) -> Iterator[tuple[tuple[str, int], State]]:
        for i, st2 in self.word(st, w):
            yield (w, i), st2

    def opt(self, st: State, w: str, p: float) -> Iterator[tuple[int | None, State]]:
        """An optional word, present with probability p when generating: yields its index or None."""
        yield from self.alt(st, [(p, lambda s: self.word(s, w)), (1 - p, lambda s: iter([(None, s)]))])


class Parse(Mode):
    generating = False

    def __init__(self, tokens: Sequence[str]) -> None:
        self.tokens = tuple(tokens)
        self.furthest = 0  # the furthest token any rule matched: where the sentence leaves the grammar

    def word(self, st, w):
        if st.pos < len(self.tokens) and self.tokens[st.pos] == w:
            self.furthest = max(self.furthest, st.pos + 1)
            yield st.pos, State(st.pos + 1)

    def lex(self, st, table, ok=None, key=None):
        if st.pos >= len(self.tokens):
            return
        for surface, item in table.by_first.get(self.tokens[st.pos], ()):
            n = len(surface)
            if self.tokens[st.pos: st.pos + n] == surface and (ok is None or ok(item)):
                self.furthest = max(self.furthest, st.pos + n)
                yield (item, tuple(range(st.pos, st.pos + n))), State(st.pos + n)

    def alt(self, st, options):
        for w, fn in options:
            if w > 0:
                yield from fn(st)


class Generate(Mode):
    generating = True

    def __init__(self, rng: random.Random, budget: int = 4000) -> None:
        self.rng = rng
        self.budget = budget

    def check(self, ok: bool) -> bool:
        if not ok:
            raise Reject
        return True

    def _spend(self) -> None:
        self.budget -= 1
        if self.budget < 0:
            raise OutOfBudget

    def word(self, st, w):
        self._spend()
        yield st.pos, State(st.pos + 1, (w, st.out))

    def lex(self, st, table, ok=None, key=None):
        cands = table.filtered(key, ok)
        for surface, item in self._random_order(cands):
            self._spend()
            out = st.out
            for w in surface:
                out = (w, out)
            yield (item, tuple(range(st.pos, st.pos + len(surface)))), State(st.pos + len(surface), out)

    def _random_order(self, seq: Sequence) -> Iterator:
        n = len(seq)
        if n == 0:
            return
        rng = self.rng
        # a few independent draws first: almost every lookup succeeds on its first candidate
        tried: set[int] = set()
        for _ in range(min(n, 6)):
            i = rng.randrange(n)
            if i not in tried:
                tried.add(i)
                yield seq[i]
        rest = [i for i in range(n) if i not in tried]
        rng.shuffle(rest)
        for i in rest:
            yield seq[i]

    def alt(self, st, options):
        opts = [o for o in options if o[0] > 0]
        rng = self.rng
        while opts:
            total = sum(w for w, _ in opts)
            r = rng.random() * total
            k = 0
            for k, (w, _fn) in enumerate(opts):  # noqa: B007 (k is the choice)
                r -= w
                if r <= 0:
                    break
            _, fn = opts.pop(k)
            self._spend()
            yield from fn(st)


def one(value: Any, st: State) -> Iterator[tuple[Any, State]]:
    yield value, st
