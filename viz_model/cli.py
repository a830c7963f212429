"""Command line: translate a sentence and show (or export) every stage.

    python -m viz_model "The black cat sleeps under the table." --lang zh
    python -m viz_model "..." --json            # exactly one JSON object on stdout (fields: see json_summary)
    python -m viz_model "..." --npz trace.npz   # every array of the trace

Bad input, and a checkpoint that does not match its config or a device this machine lacks (viz_model/checkpoint.py),
give a one-line error on stderr and exit status 2; never a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np

from .analysis import attention_entropy, top_k
from .decoding import DecodeSettings
from .tokenizer import MAX_SOURCE_TOKENS, InputError
from .trace import Trace

TOP_K = 5


def notices(trace: Trace) -> list[str]:
    """Human-readable notes about the input: truncation, unknown words, unfinished output."""
    m, out = trace.meta, []
    if m.get("truncated_from"):
        out.append(f"input truncated from {m['truncated_from']} to {m.get('token_limit', MAX_SOURCE_TOKENS)} tokens")
    for w in m.get("unknown_words", []):
        sugg = m.get("suggestions", {}).get(w) or []
        out.append(f"unknown word {w!r}" + (f" (did you mean: {', '.join(sugg)}?)" if sugg else ""))
    if m.get("longer_than_training"):
        out.append("the input is longer than any training sentence: the translation may be partial")
    if m.get("in_grammar") is False:
        out.append("this sentence is outside what the model was trained on: expect mistakes")
    elif m.get("matches_reference") is False:
        out.append(f"model error: the reference translation is {m['reference']['translation']!r}")
    for c in m.get("copies", []):
        out.append(f"unknown word {c['word']!r} copied into the output (cross-attention {c['attention']:.2f})")
    if not m.get("finished", True):
        out.append(f"output stopped at the cap of {m['settings']['max_new_tokens']} new tokens")
    return out


def json_summary(trace: Trace, vocab: Sequence[str]) -> dict[str, Any]:
    """The --json contract: tokens, output, model, attention per kind [layer][head][query][key], top-5 per step."""
    d = trace.meta["model"]
    return {
        "source_tokens": list(trace.source_tokens),
        "target_tokens": list(trace.target_tokens),
        "next_tokens": list(trace.next_tokens),
        "output": trace.output_text,
        "lang": trace.meta["lang"],
        "in_grammar": bool(trace.meta.get("in_grammar")),
        "reference": ({"translation": trace.meta["reference"]["translation"],
                       "alignment": trace.meta["reference"]["alignment"]} if trace.meta.get("reference") else None),
        "confidence": list(trace.meta.get("confidence", [])),
        "copies": [{"target_index": c["target_index"], "source_index": c["source_index"], "word": c["word"]}
                   for c in trace.meta.get("copies", [])],
        "unknown_words": list(trace.meta["unknown_words"]),
        "suggestions": dict(trace.meta["suggestions"]),
        "notices": notices(trace),
        "settings": dict(trace.meta["settings"]),
        "model": {"name": d["name"], "layers": {"encoder": d["encoder_layers"], "decoder": d["decoder_layers"]},
                  "heads": d["heads"], "d_model": d["d_model"], "d_ff": d["d_ff"], "parameters": d["parameters"],
                  "device": d["device"]},
        "attention": {kind: np.round(trace.attention_stack(kind), 6).tolist() for kind in trace.attention_kinds()},
        "top_k": [[{"token": t, "prob": round(p, 6)} for t, p in row] for row in top_k(trace["probs"], vocab, TOP_K)]
        if "probs" in trace else [],  # an encoder-only model (--model) predicts no tokens
    }


def text_summary(trace: Trace, vocab: Sequence[str]) -> str:
    """A readable walk through the stages of one run."""
    m = trace.meta
    d = m["model"]
    lines = [f"{m['output']}", "",
             f"model      {d['name']}: {d['encoder_layers']}+{d['decoder_layers']} layers, {d['heads']} heads, "
             f"d_model {d['d_model']}, {d['parameters']:,} parameters, on {d['device']}",
             f"source     {' '.join(trace.source_tokens)}",
             f"target     {' '.join(trace.target_tokens)}"]
    lines += [f"note       {n}" for n in notices(trace)]
    side = "src" if "embed.src.sum" in trace else "tgt"  # a decoder-only model (--model) has no source side
    emb = trace[f"embed.{side}.sum"]
    lines.append(f"embedding  {emb.shape[0]} {'source' if side == 'src' else 'input'} tokens × {emb.shape[1]} dims; "
                 f"mean |embedding×√d| {np.linalg.norm(trace[f'embed.{side}.scaled'], axis=-1).mean():.2f}, |PE| "
                 f"{np.linalg.norm(trace[f'embed.{side}.pos'], axis=-1).mean():.2f}")
    for kind in trace.attention_kinds():
        ent = attention_entropy(trace.attention_stack(kind))
        lines.append(f"attention  {kind:<13} entropy (bits) per layer, heads: "
                     + " | ".join(" ".join(f"{h:.2f}" for h in row) for row in ent))
    if "cross" in trace.attention_kinds():
        last = trace.attention("cross", trace.n_layers("decoder") - 1).mean(0)
        pairs = [f"{tok}←{trace.source_tokens[int(last[t].argmax())]}" for t, tok in enumerate(trace.next_tokens)]
        lines.append("alignment  (last layer, head mean) " + "  ".join(pairs))
    for stack in ("encoder", "decoder"):
        n = trace.n_layers(stack)
        if n:
            frac = [float((trace[f"{stack}.{i}.ffn.hidden"] > 0).mean()) for i in range(n)]
            lines.append(f"ffn        {stack} fraction of units active per layer: "
                         + " ".join(f"{f:.0%}" for f in frac))
    if "probs" in trace:
        lines.append("output     top-5 next tokens per step:")
    for t, row in enumerate(top_k(trace["probs"], vocab, TOP_K) if "probs" in trace else []):
        lines.append(f"  {t:>2} {trace.target_tokens[t]:>10} → " + ", ".join(f"{tok} {p:.2f}" for tok, p in row))
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m viz_model", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sentence", help="English sentence to translate")
    ap.add_argument("--lang", default=None, help="target language (es, zh; default es); with --model: one of the "
                    "languages the model was given, or left out")
    ap.add_argument("--temperature", type=float, default=0.0, help="0 = greedy (default)")
    ap.add_argument("--top-k", type=int, default=0, help="sample from the k most likely tokens (0 = all)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--max-new-tokens", type=int, default=DecodeSettings.max_new_tokens)
    ap.add_argument("--json", action="store_true", help="print exactly one JSON object")
    ap.add_argument("--npz", metavar="PATH", help="also write every array of the trace to PATH")
    ap.add_argument("--checkpoint", default=None, help="checkpoint folder (default: the shipped model)")
    ap.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N")
    ap.add_argument("--model", default=None, metavar="NAME_OR_PATH",
                    help="a Hugging Face model (hub id or local folder) instead of the shipped one; needs "
                         "requirements-hf.txt (see README, 'Bring your own model')")
    return ap.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")
    try:
        from .engine import DEFAULT_CHECKPOINT, Engine

        settings = DecodeSettings(args.temperature, args.top_k, args.seed, args.max_new_tokens)
        engine = Engine.load(args.checkpoint or DEFAULT_CHECKPOINT, device=args.device, model=args.model)
        trace = engine.trace(args.sentence, args.lang or ("es" if args.model is None else None), settings)
        vocab = engine.tgt_vocab.itos
        if args.npz:
            with open(args.npz, "wb") as f:
                f.write(trace.to_npz_bytes())
    except ImportError as e:  # --model without the optional packages
        print(f"error: {e.name or e} is not installed: pip install -r requirements-hf.txt", file=sys.stderr)
        return 2
    except (InputError, ValueError, OSError, RuntimeError) as e:  # CheckpointError (a ValueError) names the file
        msg = str(e).splitlines()[0] if str(e) else type(e).__name__
        print(f"error: {msg}", file=sys.stderr)
        return 2
    except Exception as e:  # a bug, not the user's input: still one line, the traceback only in the debug log
        logging.getLogger(__name__).debug("unexpected error", exc_info=True)
        print(f"error: unexpected {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}", file=sys.stderr)
        return 1
    if args.json:
        summary = json_summary(trace, vocab)
        if args.model is not None:
            from .hf.report import add_model_fields

            add_model_fields(summary, trace)
        print(json.dumps(summary, ensure_ascii=False))
    else:
        for n in notices(trace):
            print(f"notice: {n}", file=sys.stderr)
        print(text_summary(trace, vocab))
    return 0
