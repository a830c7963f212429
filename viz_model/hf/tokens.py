"""Subword tokens as a person reads them, and merging subwords into words.

Three marker schemes cover the supported tokenizers:
    sentencepiece  "▁" starts a word (Marian, mBART, T5):       ▁The ▁cat s     -> "The", "cat", "·s"
    byte-level     "Ġ" is a space before the piece (GPT-2, BART): The Ġcat s     -> "The", "cat", "·s"
    wordpiece      "##" marks a continuation (BERT):             the cat ##s     -> "the", "cat", "·s"
Readable form: the marker removed, bytes decoded to text; a piece that continues a word gets a leading "·"
(CONTINUATION) so that pieces of one word stay visibly apart. Special tokens ([CLS], </s>, <pad>) are shown as they are.

Merging rule (stated in the app and README): a word is a piece that starts a word followed by all the pieces that
continue it; each special token is a word of its own; a piece right after a special token starts a word. Attention
between words sums the weights over the key pieces of a word and averages over the query pieces of a word, so every
merged row still sums to 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..payload import group_matrix, pool_attention

CONTINUATION = "·"
SP, BYTE, WORDPIECE = "sentencepiece", "byte-level", "wordpiece"
_BYTE_DECODER: dict[str, int] | None = None


def scheme_of(vocab: Sequence[str]) -> str:
    """The marker scheme of a vocabulary (its piece strings), judged by which marker its pieces carry most."""
    counts = {SP: 0, BYTE: 0, WORDPIECE: 0}
    for piece in vocab:
        if piece.startswith("▁"):
            counts[SP] += 1
        elif piece.startswith("Ġ"):
            counts[BYTE] += 1
        elif piece.startswith("##"):
            counts[WORDPIECE] += 1
    return max(counts, key=counts.get) if any(counts.values()) else SP


def _bytes_to_unicode() -> dict[int, str]:
    """GPT-2's reversible map of the 256 bytes onto printable characters."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, (chr(c) for c in cs)))


def _byte_text(piece: str) -> str:
    global _BYTE_DECODER
    if _BYTE_DECODER is None:
        _BYTE_DECODER = {c: b for b, c in _bytes_to_unicode().items()}
    if not all(c in _BYTE_DECODER for c in piece):
        return piece
    return bytes(_BYTE_DECODER[c] for c in piece).decode("utf-8", errors="replace")


def starts_word(piece: str, scheme: str) -> bool:
    if scheme == SP:
        return piece.startswith("▁")
    if scheme == BYTE:
        return piece.startswith("Ġ") or _byte_text(piece)[:1].isspace()
    return not piece.startswith("##")


def readable(piece: str, scheme: str, special: bool = False, first: bool = False) -> str:
    """One piece as a person reads it (see the module docstring). `first`: the piece begins the text or follows a
    special token, so it starts a word even without a marker."""
    if special:
        return piece
    if scheme == SP:
        text = piece.removeprefix("▁").replace("▁", " ")
    elif scheme == BYTE:
        raw = _byte_text(piece)
        text = raw.lstrip(" ") if raw.strip() else raw.replace(" ", "␣").replace("\n", "↵")
    else:
        text = piece.removeprefix("##")
    if not text:
        return piece  # a lone marker ("▁"): show it rather than nothing
    return text if first or starts_word(piece, scheme) else CONTINUATION + text


def readable_tokens(pieces: Sequence[str], scheme: str, specials: frozenset[str] | set[str]) -> list[str]:
    out, first = [], True
    for piece in pieces:
        special = piece in specials
        out.append(readable(piece, scheme, special, first))
        first = special
    return out


def word_ids(pieces: Sequence[str], scheme: str, specials: frozenset[str] | set[str]) -> list[int]:
    """The word index of each piece (the merging rule in the module docstring)."""
    ids: list[int] = []
    word, after_special = -1, True
    for piece in pieces:
        special = piece in specials
        if special or after_special or starts_word(piece, scheme):
            word += 1
        ids.append(word)
        after_special = special
    return ids


def merge_tokens(tokens: Sequence[str], ids: Sequence[int]) -> list[str]:
    """Readable tokens joined into their words ("·" continuation marks dropped)."""
    words: list[str] = [""] * (max(ids) + 1 if ids else 0)
    for tok, w in zip(tokens, ids):
        words[w] += tok.removeprefix(CONTINUATION) if words[w] else tok
    return words


def merge_attention(weights: np.ndarray, query_ids: Sequence[int], key_ids: Sequence[int]) -> np.ndarray:
    """(..., Q, K) piece attention -> (..., Qw, Kw) word attention: summed over a word's key pieces, averaged over its
    query pieces. Rows that summed to 1 still do (viz_model.payload.pool_attention, with words as the groups)."""
    return pool_attention(weights, query_ids, key_ids)


def word_trace(trace: Any) -> Any:
    """The attention of a trace at word level (merging rule above), as a Trace the attention figures can draw.

    Holds, for every attention kind and layer, `weights` (H, words, words) and each layer's `input` averaged over
    a word's pieces (what the layer count reads); tokens are the merged words, and a target word's next token is
    the one chosen after its last piece. Scores are left out: a sum of softmax weights has no score to go with it."""
    from ..trace import ATTENTION_KINDS, Trace, attention_name

    m = trace.meta
    src_ids, tgt_ids = list(m.get("source_word_ids") or []), list(m.get("target_word_ids") or [])
    ids = {"encoder": src_ids, "decoder": tgt_ids}
    arrays: dict[str, np.ndarray] = {}
    for kind in trace.attention_kinds():
        stack = ATTENTION_KINDS[kind][0]
        q_ids, k_ids = (src_ids, src_ids) if kind == "encoder_self" else (
            (tgt_ids, tgt_ids) if kind == "decoder_self" else (tgt_ids, src_ids))
        for layer in range(trace.n_layers(stack)):
            arrays[attention_name(kind, layer)] = merge_attention(trace.attention(kind, layer), q_ids, k_ids)
    for stack, word_ids_ in ids.items():
        if word_ids_:
            g = group_matrix(word_ids_)
            g /= g.sum(1, keepdims=True)
            for layer in range(trace.n_layers(stack)):
                arrays[f"{stack}.{layer}.input"] = g @ np.asarray(trace[f"{stack}.{layer}.input"], dtype=np.float32)
    last_piece = {w: i for i, w in enumerate(tgt_ids)}
    next_tokens = tuple(trace.next_tokens[last_piece[w]].removeprefix(CONTINUATION)
                        for w in sorted(last_piece)) if len(trace.next_tokens) == len(tgt_ids) else ()
    return Trace(arrays, tuple(merge_tokens(trace.source_tokens, src_ids)) if src_ids else (),
                 tuple(merge_tokens(trace.target_tokens, tgt_ids)) if tgt_ids else (), next_tokens,
                 {**dict(m), "merged_words": True})
