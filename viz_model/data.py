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
from .tokenizer import BOS, EOS, UNK, Vocab, lang_tag


@dataclass(frozen=True)
class Splits:
    train: list[grammar.Example]
    valid: list[grammar.Example]
    test: list[grammar.Example]


def _generate_chunk(args: tuple[int, int]) -> list[grammar.Example]:
    n, seed = args
    rng = random.Random(seed)
    return [grammar.sample(rng) for _ in range(n)]


def generate(n_sentences: int, seed: int, workers: int = 1, chunk: int = 2000) -> list[grammar.Example]:
    """n distinct English sentences (with translations), deterministic for a seed whatever `workers` is: chunk k
    is sampled from its own seed, chunks are joined in order and repeats dropped."""
    out: list[grammar.Example] = []
    seen: set[tuple[str, ...]] = set()
    k = 0
    pool = None
    if workers > 1:
        import multiprocessing as mp

        pool = mp.get_context("fork").Pool(workers)
    try:
        while len(out) < n_sentences:
            jobs = [(chunk, seed * 100_003 + k + j) for j in range(max(1, workers) * 2)]
            k += len(jobs)
            results = pool.map(_generate_chunk, jobs) if pool is not None else [_generate_chunk(j) for j in jobs]
            for exs in results:
                for ex in exs:
                    if ex.source not in seen and len(out) < n_sentences:
                        seen.add(ex.source)
                        out.append(ex)
            if k > 50 * (n_sentences // chunk + 1) + 100:
                raise ValueError(f"the grammar cannot produce {n_sentences} distinct sentences")
    finally:
        if pool is not None:
            pool.close()
    return out


PHRASE_COPIES = 12


def make_splits(n_sentences: int, seed: int, n_valid: int, n_test: int, workers: int = 1,
                phrase_copies: int = PHRASE_COPIES) -> Splits:
    """Unique English sentences, shuffled and cut: a test sentence never appears in training (in any language).
    Set phrases are a closed list to memorise, not a construction to generalise: every one of them (with each
    ending) goes into training `phrase_copies` times, and none into validation or test."""
    phrases = grammar.phrase_examples()
    phrase_sources = {ex.source for ex in phrases}
    examples = [ex for ex in generate(n_sentences, seed, workers) if ex.source not in phrase_sources]
    random.Random(seed + 1).shuffle(examples)
    train = examples[n_valid + n_test :] + phrases * phrase_copies
    random.Random(seed + 3).shuffle(train)
    return Splits(train, examples[:n_valid], examples[n_valid : n_valid + n_test])


def make_vocabs(languages: Sequence[str], examples: Sequence[grammar.Example] = ()) -> tuple[Vocab, Vocab]:
    """Source: language tags + every English word the grammar can write. Target: every token the training
    sentences use (a token never seen in training could not be learnt)."""
    src = Vocab([lang_tag(lang) for lang in languages] + grammar.source_vocabulary())
    tgt_words: set[str] = set()
    for ex in examples:
        for lang in languages:
            tgt_words.update(ex.translations[lang].tokens)
    return src, Vocab(sorted(tgt_words))


UNK_CLASSES = ("noun", "adjective", "name")


def with_unknown(ex: grammar.Example, rng: random.Random, content: frozenset[str], languages: Sequence[str]
                 ) -> grammar.Example | None:
    """The example with one content word replaced by <unk> in the source, and every target token aligned with it
    alone replaced by <unk>, so the model learns to write <unk> where the source has one (the engine then copies the
    source word the cross-attention points at). None when no word qualifies."""
    cands = [i for i, w in enumerate(ex.source) if w in content]
    rng.shuffle(cands)
    for i in cands:
        trs = {}
        for lang in languages:
            tr = ex.translations[lang]
            hits = [k for k, a in enumerate(tr.alignment) if a == frozenset({i})]
            if len(hits) != 1:
                break
            toks = list(tr.tokens)
            toks[hits[0]] = UNK
            trs[lang] = grammar.Translation(tuple(toks), tr.alignment)
        else:
            src = ex.source[:i] + (UNK,) + ex.source[i + 1:]
            return grammar.Example(src, trs, ex.families)
    return None


def content_words() -> frozenset[str]:
    """Single-token nouns, adjectives and names: the words <unk> training stands in for."""
    classes = grammar.word_classes()
    return frozenset(w for c in UNK_CLASSES for w in classes[c] if " " not in w)


def add_unknowns(examples: Sequence[grammar.Example], rate: float, seed: int, languages: Sequence[str]
                 ) -> list[grammar.Example]:
    """A copy of `rate` of the examples with one content word as <unk> (see with_unknown), appended."""
    rng = random.Random(seed)
    content = content_words()
    extra = []
    for ex in examples:
        if rng.random() < rate:
            got = with_unknown(ex, rng, content, languages)
            if got is not None:
                extra.append(got)
    return list(examples) + extra


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


def token_batches(pairs: Sequence[Pair], max_tokens: int, rng: random.Random,
                  max_sentences: int = 0) -> Iterator[tuple[Tensor, Tensor]]:
    """Batches of similar-length pairs holding about max_tokens target tokens each, in random order.

    max_sentences > 0 also caps the pairs per batch. Without it the shortest pairs (set phrases: "thank you") fill a
    few huge batches per epoch, so each of them gets few gradient steps however often it is repeated (the shipped
    model was trained without the cap, and learnt some Chinese set phrases poorly)."""
    order = sorted(range(len(pairs)), key=lambda i: (len(pairs[i].tgt), len(pairs[i].src), rng.random()))
    batches, cur, longest = [], [], 0
    for i in order:
        longest = max(longest, len(pairs[i].tgt))
        if cur and (longest * (len(cur) + 1) > max_tokens or 0 < max_sentences <= len(cur)):
            batches.append(cur)
            cur, longest = [], len(pairs[i].tgt)
        cur.append(i)
    if cur:
        batches.append(cur)
    rng.shuffle(batches)
    for b in batches:
        yield pad([pairs[i].src for i in b]), pad([pairs[i].tgt for i in b])


# ------------------------------------------------------------------------------------ held-out set, shipped as a file

TRAIN_HASHES_FILE = "train_sources.npy"


def sentence_hash(source: Sequence[str]) -> int:
    """A 64-bit fingerprint of an English sentence (its tokens), to check membership without shipping the text."""
    import hashlib

    return int.from_bytes(hashlib.blake2b("\x1f".join(source).encode("utf-8"), digest_size=8).digest(), "little")


def save_train_hashes(examples: Sequence[grammar.Example], path: Path) -> None:
    """The fingerprints of every training sentence, sorted, as a plain .npy (loads without pickle)."""
    import numpy as np

    np.save(path, np.array(sorted({sentence_hash(ex.source) for ex in examples}), dtype=np.uint64),
            allow_pickle=False)


def load_train_hashes(path: Path) -> set[int]:
    import numpy as np

    return {int(h) for h in np.load(path, allow_pickle=False)}



def save_examples(examples: Sequence[grammar.Example], path: Path) -> None:
    """JSON lines, gzipped with no timestamp or file name, so the same examples always give the same bytes."""
    with open(path, "wb") as out, gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0) as raw, \
            io.TextIOWrapper(raw, encoding="utf-8") as f:
        for ex in examples:
            row = {"source": ex.source, "families": list(ex.families),
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
            out.append(grammar.Example(tuple(row["source"]), trs, tuple(row.get("families", ()))))
    return out
