"""Training data from the synchronous grammar: splits, vocabularies, tensors and token-count batches."""

from __future__ import annotations

import gzip
import io
import json
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import Tensor

from . import grammar
from .tokenizer import BOS, EOS, Vocab, lang_tag


@dataclass(frozen=True)
class Splits:
    train: list[grammar.Example]
    valid: list[grammar.Example]
    test: list[grammar.Example]


def make_splits(n_sentences: int, seed: int, n_valid: int, n_test: int) -> Splits:
    """Unique English sentences, shuffled and cut: a test sentence never appears in training (in any language)."""
    examples = grammar.generate(n_sentences, seed)
    random.Random(seed + 1).shuffle(examples)
    return Splits(examples[n_valid + n_test :], examples[:n_valid], examples[n_valid : n_valid + n_test])


def make_vocabs(languages: Sequence[str]) -> tuple[Vocab, Vocab]:
    """Source: language tags + every English word the grammar knows. Target: every word of every language."""
    src = Vocab([lang_tag(lang) for lang in languages] + grammar.source_vocabulary())
    tgt_words: list[str] = []
    for lang in languages:
        tgt_words += grammar.target_vocabulary(lang)
    return src, Vocab(tgt_words)


@dataclass(frozen=True)
class Pair:
    """One training pair as ids: encoder input, decoder input (<s> y), decoder target (y </s>)."""

    src: list[int]
    tgt: list[int]  # <s> y1 .. yn </s>; decoder input is tgt[:-1], target is tgt[1:]
    lang: str


def to_pairs(examples: Sequence[grammar.Example], languages: Sequence[str], src_vocab: Vocab,
             tgt_vocab: Vocab) -> list[Pair]:
    pairs = []
    for ex in examples:
        for lang in languages:
            tr = ex.translations[lang]
            pairs.append(Pair(src_vocab.encode([lang_tag(lang), *ex.source, EOS]),
                              tgt_vocab.encode([BOS, *tr.tokens, EOS]), lang))
    return pairs


def pad(seqs: Sequence[Sequence[int]], pad_id: int = 0) -> Tensor:
    n = max(len(s) for s in seqs)
    return torch.tensor([list(s) + [pad_id] * (n - len(s)) for s in seqs], dtype=torch.long)


def token_batches(pairs: Sequence[Pair], max_tokens: int, rng: random.Random) -> Iterator[tuple[Tensor, Tensor]]:
    """Batches of similar-length pairs holding about max_tokens target tokens each, in random order."""
    order = sorted(range(len(pairs)), key=lambda i: (len(pairs[i].tgt), len(pairs[i].src), rng.random()))
    batches, cur, longest = [], [], 0
    for i in order:
        longest = max(longest, len(pairs[i].tgt))
        if cur and longest * (len(cur) + 1) > max_tokens:
            batches.append(cur)
            cur, longest = [], len(pairs[i].tgt)
        cur.append(i)
    if cur:
        batches.append(cur)
    rng.shuffle(batches)
    for b in batches:
        yield pad([pairs[i].src for i in b]), pad([pairs[i].tgt for i in b])


# ------------------------------------------------------------------------------------ held-out set, shipped as a file


def save_examples(examples: Sequence[grammar.Example], path: Path) -> None:
    """JSON lines, gzipped with no timestamp or file name, so the same examples always give the same bytes."""
    with open(path, "wb") as out, gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0) as raw, \
            io.TextIOWrapper(raw, encoding="utf-8") as f:
        for ex in examples:
            row = {"source": ex.source,
                   "translations": {lang: {"tokens": tr.tokens, "alignment": [sorted(a) for a in tr.alignment]}
                                    for lang, tr in ex.translations.items()}}
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def load_examples(path: Path) -> list[grammar.Example]:
    out = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            trs = {lang: grammar.Translation(tuple(t["tokens"]), tuple(frozenset(a) for a in t["alignment"]))
                   for lang, t in row["translations"].items()}
            out.append(grammar.Example(tuple(row["source"]), trs))
    return out
