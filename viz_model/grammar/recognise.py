"""Recognition: parse English tokens with the same rules (derive.Parse) and say what is outside the grammar."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from . import derive
from .trees import Sentence


@dataclass(frozen=True)
class Parsed:
    trees: tuple[Sentence, ...]  # every complete reading, in rule order
    unknown: tuple[str, ...]  # words the grammar never uses
    stop: int  # the furthest token any rule reached (== len(tokens) when some rule read everything)

    @property
    def ok(self) -> bool:
        return bool(self.trees)


def parse_tokens(g, tokens: Sequence[str], vocabulary: frozenset[str]) -> Parsed:
    toks = tuple(tokens)
    unknown = tuple(dict.fromkeys(t for t in toks if t not in vocabulary))
    if unknown or not toks:
        return Parsed((), unknown, 0)
    m = derive.Parse(toks)
    trees = []
    seen = set()
    for tree, st in g.sentence(m, derive.State(0)):
        if st.pos == len(toks) and tree not in seen:
            seen.add(tree)
            trees.append(tree)
    return Parsed(tuple(trees), (), m.furthest)
