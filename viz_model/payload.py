"""Keeping what goes to the browser under a size budget: attention pooled into blocks; a plan for the all-heads grid.

The all-heads grid sends L × H × Q × K values at about 5.9 bytes each (float32 in base64 inside Plotly JSON; README,
"Speed"): 12 layers × 12 heads at 512 tokens is 37.7 M values, over 200 MB, past Streamlit's message limit. Pooling
contiguous blocks of positions keeps the meaning of a row: attention *to* a block is the sum of the weights on its
keys, attention *from* a block is the mean over its queries, so every pooled row still sums to 1 (the same rule that
merges subwords into words, viz_model/hf/tokens.py). Nothing here knows about Plotly or Streamlit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

BYTES_PER_VALUE = 5.9  # measured for the all-heads grid at 16 tokens (README, "Speed")
DEFAULT_BUDGET_BYTES = 8 * 2**20  # per figure: far under Streamlit's 200 MB message limit, quick to draw


def group_matrix(group_ids: Sequence[int]) -> np.ndarray:
    """(groups, positions) float32 membership matrix of a grouping given as one group index per position."""
    ids = np.asarray(group_ids, dtype=np.int64)
    m = np.zeros((int(ids.max()) + 1 if ids.size else 0, ids.size), dtype=np.float32)
    m[ids, np.arange(ids.size)] = 1.0
    return m


def pool_attention(weights: np.ndarray, query_groups: Sequence[int], key_groups: Sequence[int]) -> np.ndarray:
    """(..., Q, K) -> (..., Qg, Kg): summed over each key group, averaged over each query group (rows keep summing
    to 1)."""
    gq, gk = group_matrix(query_groups), group_matrix(key_groups)
    gq = gq / np.maximum(gq.sum(1, keepdims=True), 1.0)
    return (gq @ np.asarray(weights, dtype=np.float32) @ gk.T).astype(np.float32)


def blocks(n: int, size: int) -> list[int]:
    """Group index per position for contiguous blocks of `size` positions (the last block may be shorter)."""
    size = max(1, int(size))
    return [i // size for i in range(n)]


def block_labels(tokens: Sequence[str], size: int) -> list[str]:
    """A label per block: its single token, or "first…last (positions a-b)"."""
    out = []
    for start in range(0, len(tokens), max(1, size)):
        part = tokens[start: start + size]
        end = start + len(part) - 1
        out.append(part[0] if len(part) == 1 else f"{part[0]}…{part[-1]} ({start}-{end})")
    return out


@dataclass(frozen=True)
class GridPlan:
    """How to send an all-heads grid: pool `block` positions into one (1 = as they are)."""

    block: int
    values: int  # values sent
    est_bytes: int  # estimated bytes sent
    full_values: int  # values without pooling

    @property
    def pooled(self) -> bool:
        return self.block > 1


def grid_plan(n_layers: int, n_heads: int, n_queries: int, n_keys: int,
              budget_bytes: int = DEFAULT_BUDGET_BYTES, bytes_per_value: float = BYTES_PER_VALUE) -> GridPlan:
    """The smallest block size whose pooled grid fits the budget (block 1 when the full grid already does)."""
    full = n_layers * n_heads * n_queries * n_keys
    block = 1
    while True:
        values = n_layers * n_heads * math.ceil(n_queries / block) * math.ceil(n_keys / block)
        if values * bytes_per_value <= budget_bytes or block >= max(n_queries, n_keys):
            return GridPlan(block, values, int(values * bytes_per_value), full)
        block += 1


def pooled_stack(stack: np.ndarray, block: int) -> np.ndarray:
    """(L, H, Q, K) attention pooled into blocks of `block` positions on both axes."""
    if block <= 1:
        return np.asarray(stack, dtype=np.float32)
    _, _, n_q, n_k = stack.shape
    return pool_attention(stack, blocks(n_q, block), blocks(n_k, block))
