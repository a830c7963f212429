"""Shared fixtures: a tiny random engine (fast, no checkpoint) and the shipped default engine.

Set VIZ_TEST_DEVICE=cuda to run the model tests on a GPU (CUDA-only tests skip themselves without one).
"""

from __future__ import annotations

import functools
import os

import pytest
import torch

from viz_model import grammar
from viz_model.config import preset
from viz_model.data import make_vocabs
from viz_model.engine import Engine
from viz_model.model import Transformer

DEVICE = os.environ.get("VIZ_TEST_DEVICE", "cpu")
# Tests never download: Hugging Face models in tests are built here or ship in an installed package.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# AppTest runs every app in one session ("test session id"), so the per-session budget of ui/admission.py would add
# up over the whole suite and refuse work at random points; tests/test_app_limits.py installs the real policy.
os.environ.setdefault("VIZ_LIMITS", "0")


@functools.lru_cache(maxsize=1)
def _vocab_examples() -> tuple:
    return tuple(grammar.generate(300, seed=1))


def make_tiny_engine(n_encoder_layers: int = 2, seed: int = 0) -> Engine:
    torch.manual_seed(seed)
    src, tgt = make_vocabs(list(grammar.LANGUAGES), _vocab_examples())
    cfg = preset("tiny", len(src), len(tgt), n_encoder_layers=n_encoder_layers, name="tiny-test")
    return Engine(Transformer(cfg).to(DEVICE).eval(), src, tgt, dict(grammar.LANGUAGES), {})


@pytest.fixture(scope="session")
def tiny_engine() -> Engine:
    return make_tiny_engine()


@pytest.fixture(scope="session")
def engine() -> Engine:
    """The shipped default model (viz_model/checkpoints/default)."""
    return Engine.load(device=DEVICE)


# ---------------------------------------------------------------------------------------------- reliability counts
# tests/test_reliability.py counts the hostile cases each group ran; the count is printed at the end of every
# `python -m pytest` run that ran one (a "reliability cases" section), so a suite that shrinks is seen.
RELIABILITY_COUNTS: dict[str, int] = {}


def count_cases(group: str, n: int = 1) -> int:
    """Add `n` cases to `group`; the group's running total."""
    RELIABILITY_COUNTS[group] = RELIABILITY_COUNTS.get(group, 0) + n
    return RELIABILITY_COUNTS[group]


def pytest_terminal_summary(terminalreporter) -> None:
    if RELIABILITY_COUNTS:
        terminalreporter.section("reliability cases")
        for group, n in RELIABILITY_COUNTS.items():
            terminalreporter.write_line(f"{group:<48} {n:>5}")
