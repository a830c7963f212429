"""Payload capping (viz_model/payload.py): pooled attention keeps rows summing to 1, the grid plan fits its budget,
and a pooled all-heads grid of a 12-layer × 12-head model at 512 tokens is sent under the budget."""

from __future__ import annotations

import numpy as np

from viz_model import figures, payload
from viz_model.trace import Trace


def random_attention(shape: tuple[int, ...], seed: int = 0) -> np.ndarray:
    w = np.random.default_rng(seed).random(shape).astype(np.float32) ** 4
    return w / w.sum(-1, keepdims=True)


def test_pooled_rows_still_sum_to_one() -> None:
    w = random_attention((3, 10, 7))
    pooled = payload.pool_attention(w, payload.blocks(10, 3), payload.blocks(7, 3))
    assert pooled.shape == (3, 4, 3)
    np.testing.assert_allclose(pooled.sum(-1), 1.0, atol=1e-6)
    np.testing.assert_allclose(pooled[:, 0, 0], w[:, 0:3, 0:3].sum(-1).mean(-1), atol=1e-6)
    np.testing.assert_array_equal(payload.pooled_stack(w[None], 1)[0], w)


def test_block_labels() -> None:
    assert payload.block_labels(["a", "b", "c", "d", "e"], 2) == ["a…b (0-1)", "c…d (2-3)", "e"]
    assert payload.block_labels(["a", "b"], 1) == ["a", "b"]


def test_grid_plan() -> None:
    small = payload.grid_plan(3, 4, 16, 16)
    assert small.block == 1 and not small.pooled and small.values == small.full_values == 3 * 4 * 16 * 16
    big = payload.grid_plan(12, 12, 512, 512)
    assert big.pooled and big.est_bytes <= payload.DEFAULT_BUDGET_BYTES
    assert big.full_values * payload.BYTES_PER_VALUE > 200 * 2**20  # unpooled: past Streamlit's message limit
    smaller = payload.grid_plan(12, 12, 512, 512, budget_bytes=payload.DEFAULT_BUDGET_BYTES // 2)
    assert smaller.block > big.block


def test_pooled_grid_of_a_big_model_fits_the_budget() -> None:
    L, H, N = 12, 12, 512
    plan = payload.grid_plan(L, H, N, N)
    tokens = [f"t{i}" for i in range(N)]
    labels = payload.block_labels(tokens, plan.block)
    arrays = {}
    for layer in range(L):
        w = random_attention((H, N, N), seed=layer)
        arrays[f"encoder.{layer}.self_attn.weights"] = payload.pooled_stack(w[None], plan.block)[0]
        arrays[f"encoder.{layer}.input"] = np.zeros((len(labels), 4), np.float32)
    trace = Trace(arrays, tuple(labels), (), (), {})
    fig = figures.attention_grid(trace, "encoder_self")
    size = len(fig.to_json())
    assert size <= payload.DEFAULT_BUDGET_BYTES * 1.1, size
