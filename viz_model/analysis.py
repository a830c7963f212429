"""Numbers computed from traces and models: attention entropy, rollout, logit lens, PCA, alignment error rate."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def attention_entropy(weights: np.ndarray, bits: bool = True) -> np.ndarray:
    """Mean entropy of each head's attention rows. weights (..., H, Q, K) -> (..., H)."""
    w = np.clip(weights.astype(np.float64), 1e-12, 1.0)
    h = -(weights * np.log(w)).sum(-1)
    if bits:
        h = h / np.log(2)
    return h.mean(-1).astype(np.float32)


def max_weight(weights: np.ndarray) -> np.ndarray:
    """Mean over query rows of each row's largest weight (1: rows look at one token). (..., H, Q, K) -> (..., H)"""
    return weights.max(-1).mean(-1).astype(np.float32)


def head_summary(weights: np.ndarray) -> dict[str, np.ndarray]:
    """Per-head summary numbers for an (L, H, Q, K) stack: entropy (bits), max weight, distance to diagonal."""
    q, k = weights.shape[-2:]
    qi = np.arange(q)[:, None] * (k - 1) / max(q - 1, 1)
    dist = np.abs(np.arange(k)[None, :] - qi)
    return {
        "entropy": attention_entropy(weights),
        "max_weight": max_weight(weights),
        "mean_distance": (weights * dist).sum(-1).mean(-1).astype(np.float32),
    }


def rollout(weights: np.ndarray, residual: float = 0.5) -> np.ndarray:
    """Attention rollout (Abnar & Zuidema, 2020) over an (L, H, N, N) self-attention stack -> (L, N, N).

    Layer l's entry is the product of head-averaged, residual-mixed attention of layers 0..l: how much each position
    at that depth draws, through all paths, on each input token.
    """
    n = weights.shape[-1]
    eye = np.eye(n, dtype=np.float64)
    out, acc = [], eye
    for layer in weights.astype(np.float64):
        a = residual * eye + (1 - residual) * layer.mean(0)
        a = a / a.sum(-1, keepdims=True)
        acc = a @ acc
        out.append(acc)
    return np.stack(out).astype(np.float32)


def softmax(x: np.ndarray, temperature: float = 1.0, axis: int = -1) -> np.ndarray:
    z = x.astype(np.float64) / max(temperature, 1e-6)
    z = z - z.max(axis=axis, keepdims=True)
    e = np.exp(z)
    return (e / e.sum(axis=axis, keepdims=True)).astype(np.float32)


def top_k(probs: np.ndarray, vocab: Sequence[str], k: int = 5) -> list[list[tuple[str, float]]]:
    """For each row of probs (N, V): the k most probable tokens with their probabilities, most probable first."""
    idx = np.argsort(-probs, axis=-1, kind="stable")[:, :k]
    return [[(vocab[j], float(row[j])) for j in ids] for row, ids in zip(probs, idx)]


def pca_2d(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Project rows of (N, D) onto their first two principal components.

    Returns (coords (N, 2), components (2, D), explained variance ratio (2,)); signs are fixed so each component's
    largest loading is positive, making the picture stable across runs.
    """
    x = matrix.astype(np.float64)
    mean = x.mean(0)
    u, s, vt = np.linalg.svd(x - mean, full_matrices=False)
    comps = vt[:2]
    signs = np.sign(comps[np.arange(2), np.abs(comps).argmax(1)])
    comps = comps * signs[:, None]
    ratio = (s[:2] ** 2) / (s**2).sum()
    return ((x - mean) @ comps.T).astype(np.float32), comps.astype(np.float32), ratio.astype(np.float32)


def cosine_similarity(x: np.ndarray) -> np.ndarray:
    """(N, D) -> (N, N) cosine similarity between rows."""
    n = x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-12)
    return (n @ n.T).astype(np.float32)


# -------------------------------------------------------------------------------------------- alignment error rate


def predicted_alignment(cross: np.ndarray, n_target: int, first_word: int, n_words: int) -> np.ndarray:
    """Aligned source word for each target token: the most-attended source word in the row that predicts it.

    cross (T, S) one head (or a head average) of cross-attention over decoder input rows; row j predicts target token
    j (row 0 is <s>). Source words occupy encoder positions first_word .. first_word+n_words-1 (special tokens such as
    the language tag and </s> are excluded). Returns (n_target,) word indices 0..n_words-1.
    """
    return cross[:n_target, first_word : first_word + n_words].argmax(-1)


class AERCounter:
    """Alignment error rate, Och & Ney (2003): AER = 1 - (|A∩S| + |A∩P|) / (|A| + |S|).

    Gold links are possible (P); a target token's link is also sure (S) when the token has exactly one gold source
    word. A holds one predicted link per target token that has any gold link (tokens with no counterpart, such as
    Chinese 的, are not scored).
    """

    def __init__(self) -> None:
        self.a = self.s = self.a_s = self.a_p = 0

    def add(self, predicted: Sequence[int], gold: Sequence[frozenset[int]]) -> None:
        for j, links in enumerate(gold):
            if not links:
                continue
            self.a += 1
            hit = int(predicted[j]) in links
            self.a_p += hit
            if len(links) == 1:
                self.s += 1
                self.a_s += hit

    @property
    def value(self) -> float:
        return 1.0 - (self.a_s + self.a_p) / max(self.a + self.s, 1)
