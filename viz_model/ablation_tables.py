"""Tables of the head-ablation page (issue 8.2): plain pandas DataFrames, column names in the `locale` language,
tokens as plain text (a table is not HTML). They are what the CSV downloads hold."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from .i18n import label
from .trace import ATTENTION_KINDS

if TYPE_CHECKING:
    from .ablation import AblationResult, Sweep


def ablation_step_table(result: AblationResult, locale: str = "en") -> pd.DataFrame:
    """One row per step of the original output: its token, p before and after, the ablated model's top token."""
    return pd.DataFrame({
        label("step", locale): range(len(result.steps)),
        label("abl_original_token", locale): [s.split(" → ", 1)[-1] for s in result.steps],
        label("abl_before", locale): result.p_before.round(4),
        label("abl_after", locale): result.p_after.round(4),
        label("abl_new_top", locale): list(result.top_after),
        label("abl_p_new_top", locale): result.p_top_after.round(4),
    })


def ablation_sweep_table(sweep: Sweep, locale: str = "en") -> pd.DataFrame:
    """One row per head: kind, layer, head, drop in log p(target) when removed alone; largest drop first."""
    rows = [(label(kind, locale), layer, head, round(float(z[layer, head]), 4))
            for kind in ATTENTION_KINDS if kind in sweep.drops for z in (sweep.drops[kind],)
            for layer in range(z.shape[0]) for head in range(z.shape[1])]
    df = pd.DataFrame(rows, columns=[label("abl_kind", locale), label("layer", locale), label("head", locale),
                                     label("abl_drop", locale)])
    return df.sort_values(label("abl_drop", locale), ascending=False, kind="stable").reset_index(drop=True)
