"""Numbers computed from traces and models: what figures, tables, the CLI and the evaluation all need.

Trace -> arrays (validated: a wrong kind, layer, head or step raises ValueError naming the allowed range): attention
masks and head means, the next-token distribution, the logit lens, FFN activity, the residual stream. Then plain array
functions: attention entropy, rollout, PCA, cosine similarity, alignment error rate. No plotting here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .trace import ATTENTION_KINDS, Trace, attention_name

SIDES = ("src", "tgt")
STACKS = ("encoder", "decoder")
ATTENTION_WHATS = ("weights", "scores")


# -------------------------------------------------------------------------------------------- checks


def check_choice(name: str, value: str, allowed: Sequence[str]) -> None:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {tuple(allowed)}, got {value!r}")


def check_index(name: str, value: int, n: int) -> None:
    if not 0 <= value < n:
        raise ValueError(f"{name} {value} out of range: allowed 0..{n - 1}")


def check_kind(trace: Trace, kind: str) -> None:
    available = trace.attention_kinds()
    if kind not in ATTENTION_KINDS or kind not in available:
        raise ValueError(f"attention kind {kind!r} is not in this trace; allowed: {available}")


def check_stack(trace: Trace, stack: str) -> int:
    """The number of layers of `stack`, which must be present."""
    check_choice("stack", stack, STACKS)
    n = trace.n_layers(stack)
    if n == 0:
        raise ValueError(f"this trace has no {stack} layers")
    return n


def check_layer(trace: Trace, stack: str, layer: int) -> None:
    n = check_stack(trace, stack)
    if not 0 <= layer < n:
        raise ValueError(f"{stack} layer {layer} out of range: allowed 0..{n - 1}")


def side_tokens(trace: Trace, side: str) -> tuple[str, ...]:
    """The tokens of the source ("src") or the decoder input ("tgt")."""
    check_choice("side", side, SIDES)
    if f"embed.{side}.sum" not in trace:
        raise ValueError(f"this trace has no {side!r} side")
    return trace.source_tokens if side == "src" else trace.target_tokens


def stack_tokens(trace: Trace, stack: str) -> tuple[str, ...]:
    return trace.source_tokens if stack == "encoder" else trace.target_tokens


# -------------------------------------------------------------------------------------------- attention


def attention_mask(trace: Trace, kind: str, layer: int = 0) -> np.ndarray:
    """(H, Q, K) bool, True where attention is masked: -inf scores, plus the causal upper triangle of decoder_self."""
    check_kind(trace, kind)
    scores = attention_name(kind, layer, "scores")
    masked = np.zeros(trace.attention(kind, layer).shape, dtype=bool)
    if scores in trace:
        masked |= ~np.isfinite(trace[scores])
    if kind == "decoder_self":
        masked |= np.triu(np.ones(masked.shape[-2:], dtype=bool), k=1)[None]
    return masked


def masked_attention(trace: Trace, kind: str, layer: int, what: str = "weights") -> np.ndarray:
    """(H, Q, K) float32 weights or scores of one layer, masked entries NaN."""
    check_kind(trace, kind)
    check_choice("what", what, ATTENTION_WHATS)
    check_layer(trace, ATTENTION_KINDS[kind][0], layer)
    values = trace.attention(kind, layer, what).astype(np.float32)
    return np.where(attention_mask(trace, kind, layer), np.float32(np.nan), values).astype(np.float32)


def head_mean(values: np.ndarray) -> np.ndarray:
    """Mean over the head axis (0) of masked (NaN) attention; NaN where every head is masked."""
    masked = np.isnan(values).all(0)
    mean = np.where(np.isnan(values), 0, values).sum(0) / np.maximum((~np.isnan(values)).sum(0), 1)
    return np.where(masked, np.float32(np.nan), mean).astype(np.float32)


# -------------------------------------------------------------------------------------------- output


def check_step(trace: Trace, step: int) -> None:
    if "logits" not in trace:
        raise ValueError("this trace has no decoder output (logits)")
    check_index("step", step, trace["logits"].shape[0])


def next_token_distribution(trace: Trace, step: int, temperature: float = 1.0) -> np.ndarray:
    """(V,) softmax(logits[step] / temperature)."""
    check_step(trace, step)
    if temperature < 0:
        raise ValueError(f"temperature must be >= 0, got {temperature}")
    return softmax(trace["logits"][step][None], temperature)[0]


def lens_probs(trace: Trace) -> np.ndarray:
    """(L, T, V): every decoder layer's output through the unembedding (trace names lens.{l}.probs)."""
    n = trace.n_layers("decoder")
    if n == 0 or "lens.0.probs" not in trace:
        raise ValueError("this trace has no logit lens (lens.{l}.probs)")
    return np.stack([trace[f"lens.{layer}.probs"] for layer in range(n)])


def logit_lens(trace: Trace) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(top ids (L, T), top probabilities (L, T), probability of the chosen token (L, T)) per decoder layer."""
    probs = lens_probs(trace)  # (L, T, V)
    n = probs.shape[0]
    top = probs.argmax(-1)
    top_p = np.take_along_axis(probs, top[..., None], -1)[..., 0].astype(np.float32)
    chosen = np.asarray(trace["next.ids"]) if "next.ids" in trace else top[-1]
    chosen_p = np.take_along_axis(probs, np.broadcast_to(chosen[None, :, None], (n, len(chosen), 1)), -1)[..., 0]
    return top, top_p, chosen_p.astype(np.float32)


def step_pairs(trace: Trace, n: int) -> list[tuple[str, str]]:
    """(decoder input token, chosen next token) for steps 0..n-1, as plain text."""
    tgt, nxt = trace.target_tokens, trace.next_tokens
    return [(tgt[t] if t < len(tgt) else "?", nxt[t] if t < len(nxt) else "?") for t in range(n)]


# -------------------------------------------------------------------------------------------- feed-forward, residual


def most_active_units(hidden: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k units with the largest mean activation over tokens, most active first. hidden (N, F)."""
    mean = hidden.astype(np.float64).mean(0)
    return np.argsort(-mean, kind="stable")[: max(1, min(k, hidden.shape[1]))]


def active_fractions(trace: Trace, stack: str) -> np.ndarray:
    """(layers,) fraction of FFN hidden values > 0 in each layer of a stack."""
    n = trace.n_layers(stack)
    return np.array([(trace[f"{stack}.{layer}.ffn.hidden"] > 0).mean() for layer in range(n)], dtype=np.float32)


def residual_points(trace: Trace, stack: str) -> list[tuple[str, int, str, str]]:
    """Where a stack's residual stream is recorded, in order: (array name, layer, sub-layer, "add" or "norm").

    The first point is the embedding sum (layer -1, sub-layer "embed", part "").
    """
    check_stack(trace, stack)
    side = "src" if stack == "encoder" else "tgt"
    points = [(f"embed.{side}.sum", -1, "embed", "")]
    subs = ["self_attn"] + (["cross_attn"] if stack == "decoder" and trace.has_encoder else []) + ["ffn"]
    for layer in range(trace.n_layers(stack)):
        for sub in subs:
            points.append((f"{stack}.{layer}.{sub}.resid", layer, sub, "add"))
            points.append((f"{stack}.{layer}.{sub}.normed", layer, sub, "norm"))
    return points


def residual_norms(trace: Trace, stack: str) -> np.ndarray:
    """(points, tokens) L2 norm of each token's residual stream at each of residual_points(trace, stack)."""
    return np.stack([np.linalg.norm(np.asarray(trace[name], dtype=np.float32), axis=-1)
                     for name, *_ in residual_points(trace, stack)]).astype(np.float32)


# -------------------------------------------------------------------------------------------- plain arrays


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
