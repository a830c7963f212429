"""What pages draw with: the shared layer and head pickers, charts, tables with a CSV download, the head map."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from viz_model import figures, tables
from viz_model.head_metrics import HeadMetrics, head_metrics
from viz_model.i18n import label
from viz_model.trace import Trace

from . import session
from .session import Run

CHART_CONFIG = {"displaylogo": False, "responsive": True}


def layer_slider(run: Run, n_layers: int, key: str) -> int:
    """The shared `layer` value, clamped to this stack; a fixed 0 when there is one layer."""
    if n_layers <= 1:
        return 0
    return session.slider("layer", label("pick_layer", run.locale), run.limits, hi=n_layers - 1, key=key)


def head_select(run: Run, key: str) -> int | None:
    """The shared `head` value: None for the mean of heads."""
    n_heads = run.limits.n_heads
    options = [-1, *range(n_heads)]
    return session.bind(st.selectbox, "head", label("pick_head", run.locale), options, key=key,
                        to_widget=lambda h: -1 if h is None or not 0 <= h < n_heads else h,
                        from_widget=lambda v: None if v < 0 else v,
                        format_func=lambda v: label("mean_over_heads" if v < 0 else "head_n", run.locale, n=v))


def head_map(run: Run, trace: Trace, kind: str) -> None:
    """The linked Altair map of every head; clicking a head shows it in the heatmap above (and in the URL)."""
    key = f"headmap_{kind}.{run.locale}"

    def picked() -> None:
        chosen = (st.session_state[key].selection.get("head") or [{}])[0]
        if "layer" in chosen and "head" in chosen:
            session.update(layer=int(chosen["layer"]), head=int(chosen["head"]))

    st.vega_lite_chart(figures.head_map_chart(trace, kind, locale=run.locale), on_select=picked,
                       selection_mode="head", key=key, width="stretch")
    st.caption(label("head_map_help", run.locale))


def chart(fig: Any, key: str | None = None) -> None:
    """A Plotly figure at full width (its modebar keeps the PNG export)."""
    st.plotly_chart(fig, width="stretch", key=key, config=CHART_CONFIG, theme="streamlit")


def table(run: Run, df: pd.DataFrame, name: str, key: str) -> None:
    """A table with a CSV download of exactly what is shown."""
    plain_index = isinstance(df.index, pd.RangeIndex)
    st.dataframe(df, width="stretch", hide_index=plain_index)
    csv = df.to_csv(index=not plain_index).encode("utf-8")
    st.download_button(label("download_csv", run.locale), data=csv, file_name=f"{name}.csv", mime="text/csv",
                       key=key, on_click="ignore", icon="⬇️")


def picked_head(points: list[dict], metrics: HeadMetrics) -> tuple[str, int, int] | None:
    """(kind, layer, head) of the first clicked point of figures.head_metrics_scatter (its curve number is the kind,
    its point index the head within that kind), or None."""
    if not points:
        return None
    kinds = figures.head_metrics_kinds(metrics)
    curve, index = points[0].get("curve_number"), points[0].get("point_index")
    if not isinstance(curve, int) or not isinstance(index, int) or not 0 <= curve < len(kinds):
        return None
    rows = [i for i, k in enumerate(metrics.kind) if k == kinds[curve]]
    if not 0 <= index < len(rows):
        return None
    row = rows[index]
    return kinds[curve], int(metrics.layer[row]), int(metrics.head[row])


def head_metrics_section(run: Run, tab_key: str, labels: dict[str, str]) -> None:
    """Issue 8.7: every head of every kind, as a sortable table (with CSV) and an entropy scatter; clicking a point
    shows that kind, layer and head in the views above."""
    trace, loc = run.trace, run.locale
    st.subheader(label("head_metrics", loc))
    metrics = head_metrics(trace)
    with st.expander(label("hm_about", loc)):
        st.markdown(label("hm_explain", loc))
    if metrics.alignment_status in ("outside", "differs"):
        st.caption(label(f"hm_alignment_{metrics.alignment_status}", loc))
    table(run, tables.head_metrics_table(trace, locale=loc, metrics=metrics), "head_metrics",
                  key="csv_head_metrics")
    y = st.selectbox(label("hm_y_metric", loc), figures.HEAD_METRIC_Y, key=f"hm_y.{loc}",
                     format_func=lambda m: label(f"hm_{m}", loc))
    key = f"head_metrics_select.{loc}"

    def picked() -> None:
        chosen = picked_head(st.session_state[key].selection.get("points") or [], metrics)
        if chosen is not None:
            kind, layer, head = chosen
            session.update(attention_kind=kind, layer=layer, head=head)
            if kind in labels:
                st.session_state[tab_key] = labels[kind]

    st.plotly_chart(figures.head_metrics_scatter(trace, y, locale=loc, metrics=metrics), width="stretch",
                    key=key, config=CHART_CONFIG, theme="streamlit", on_select=picked,
                    selection_mode="points")
    st.caption(label("hm_click_help", loc))
