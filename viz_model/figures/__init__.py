"""Figure builders, one module per page of the app: pure functions of a Trace (and plain choices) -> Plotly figure.

No model, no torch, no streamlit; the numbers they draw come from viz_model.analysis (which validates arguments: a
wrong layer or head raises ValueError, never draws a wrong picture). Arrays go into figures as float32 numpy arrays
so Plotly 7 serialises them as base64 binary. Token axes use integer positions with tickvals/ticktext, because tokens
repeat ("the" twice) and a categorical axis would merge them. Every title and axis label comes from
viz_model.i18n.label in the interface language `locale` ("en" or "zh").
"""

from .ablation import head_sweep_figure, probability_change_figure  # issue 8.2
from .attention import (
    HEAD_METRIC_Y,
    HEAD_METRICS,
    attention_grid,
    attention_heatmap,
    attention_row,
    head_map_chart,
    head_map_rows,
    head_metrics_kinds,
    head_metrics_scatter,
    head_summary_figure,
    mask_figure,
)
from .embeddings import EMBED_PARTS, embedding_heatmap, vocab_projection
from .ffn import ffn_active_fraction, ffn_heatmap, ffn_histogram, residual_labels, residual_norms_figure
from .flow import FLOW_STAGES, QK_STEPS, aer_heatmap, alignment_figure, flow_heatmap, qk_figure  # issue 8
from .output import copy_attention_figure, logit_lens_heatmap, next_token_bars
from .pipeline import pipeline_figure
from .positional import embedding_sum_figure, position_similarity, positional_curves, positional_heatmap
from .style import HIGHLIGHT, PALETTE, PRIMARY, thumbnail, token_colors

__all__ = [
    "EMBED_PARTS", "HEAD_METRICS", "HIGHLIGHT", "PALETTE", "PRIMARY", "attention_grid", "attention_heatmap",
    "attention_row", "copy_attention_figure", "embedding_heatmap", "embedding_sum_figure", "ffn_active_fraction",
    "ffn_heatmap",
    "ffn_histogram", "head_map_chart", "head_map_rows", "head_summary_figure", "logit_lens_heatmap", "mask_figure",
    "next_token_bars", "pipeline_figure", "position_similarity", "positional_curves", "positional_heatmap",
    "residual_labels", "residual_norms_figure", "thumbnail", "token_colors", "vocab_projection",
    # issue 8: alignment & flow, query · key
    "FLOW_STAGES", "QK_STEPS", "aer_heatmap", "alignment_figure", "flow_heatmap", "qk_figure",
    "head_sweep_figure", "probability_change_figure",  # issue 8.2
    "HEAD_METRIC_Y", "head_metrics_kinds", "head_metrics_scatter",  # issue 8.7
]
