"""What `python -m viz_model ... --model NAME --json` adds to the default JSON contract (README: "Bring your own
model"). Every field of the default contract keeps its meaning; for these models:

    model.family                  bart | mbart | marian | t5 | bert | gpt2
    model.kind                    encoder-decoder | encoder-only | decoder-only
    model.norm, model.positions   "post" or "pre" LayerNorm; sinusoidal | learned | relative
    model.scores, model.tokens    how attention scores are formed; the subword marker scheme
    source_tokens, target_tokens  readable subword pieces (tokens.py: "·" starts a piece that continues a word)
    words                         {"source": [...], "target": [...]}: the words the pieces merge into
    word_ids                      {"source": [...], "target": [...]}: the word index of each piece
    prompt_length                 decoder-only: how many target positions are the prompt (0 otherwise)
    generation_rules              the generation-config token rules the decoding applied (eos, forced, suppressed)
An encoder-only model has no target side: target_tokens, next_tokens and top_k are [], output is "", and attention
holds encoder_self only; a decoder-only model has no source side (source_tokens [], no encoder_self or cross).
"""

from __future__ import annotations

from typing import Any

from ..trace import Trace
from .tokens import merge_tokens

MODEL_FIELDS = ("family", "kind", "norm", "positions", "scores", "tokens")


def add_model_fields(summary: dict[str, Any], trace: Trace) -> dict[str, Any]:
    """Add the fields above to a json_summary() of an HF model's trace (in place; also returned)."""
    m = trace.meta
    summary["model"].update({k: m["model"][k] for k in MODEL_FIELDS})
    src_ids, tgt_ids = list(m.get("source_word_ids", [])), list(m.get("target_word_ids", []))
    summary["word_ids"] = {"source": src_ids, "target": tgt_ids}
    summary["words"] = {"source": merge_tokens(trace.source_tokens, src_ids) if src_ids else [],
                        "target": merge_tokens(trace.target_tokens, tgt_ids) if tgt_ids else []}
    summary["prompt_length"] = m.get("prompt_length", 0)
    summary["generation_rules"] = dict(m.get("generation_rules", {}))
    return summary
