"""A loaded model with its vocabularies: load/save a checkpoint folder and trace a sentence.

A checkpoint is a folder of plain files; loading never unpickles:
    model.safetensors   weights
    config.json         {"model": ModelConfig fields, "languages": {...}, "training": {...}}
    src_vocab.json      source tokens (id order)
    tgt_vocab.json      target tokens (id order)
    metrics.json        held-out evaluation (optional)
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
from safetensors.torch import save_file

from . import grammar
from .checkpoint import CheckpointError, read_checkpoint, resolve_device
from .decoding import DecodeSettings, generate, to_numpy
from .model import Transformer
from .tokenizer import EOS, MAX_SOURCE_TOKENS, UNK, InputError, Tokenized, Vocab, lang_tag, tokenize
from .trace import Trace

if TYPE_CHECKING:
    from .hf import HFEngine

log = logging.getLogger(__name__)

DEFAULT_CHECKPOINT = Path(__file__).parent / "checkpoints" / "default"


@dataclass
class Engine:
    """The shared, read-only model. `trace()` keeps all of a run's state in its own locals."""

    model: Transformer
    src_vocab: Vocab
    tgt_vocab: Vocab
    languages: dict[str, str]
    info: dict[str, Any]  # training details and metrics, for display

    @classmethod
    def load(cls, path: Path | str = DEFAULT_CHECKPOINT, device: str = "auto", model: str | None = None,
             **hf_options: Any) -> Engine | HFEngine:
        """The shipped model (or a checkpoint folder `path`); with `model` (a Hugging Face hub id or local folder)
        a viz_model.hf.HFEngine instead, which traces into the same names (`hf_options`: see HFEngine.load).
        A checkpoint that does not match its config, or a device this machine lacks, raises CheckpointError
        (viz_model/checkpoint.py), whose one-line message names the file and what is wrong."""
        if model is not None:
            from .hf import HFEngine  # optional dependency (requirements-hf.txt): imported only when asked for

            resolve_device(device)  # a device this machine lacks: CheckpointError before anything downloads
            return HFEngine.load(model, device=device, **hf_options)
        dev = resolve_device(device)  # first: a device this machine lacks is said before the checkpoint is read
        ckpt = read_checkpoint(path)  # every file checked against config.json: CheckpointError names what is wrong
        model = Transformer(ckpt.cfg)
        model.load_state_dict(ckpt.state, strict=True)
        try:
            model.to(dev).eval()
        except (RuntimeError, AssertionError) as e:  # e.g. out of GPU memory; torch built without CUDA
            raise CheckpointError(None, f"the model cannot be moved to device {device!r}: "
                                        f"{str(e).splitlines()[0][:200]}") from None
        return cls(model, ckpt.src_vocab, ckpt.tgt_vocab, ckpt.languages or dict(grammar.LANGUAGES), ckpt.info)

    def save(self, path: Path | str, training: dict[str, Any] | None = None) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        state = {k: v.detach().cpu().contiguous() for k, v in self.model.state_dict().items()}
        save_file(state, str(path / "model.safetensors"))
        meta = {"model": self.model.cfg.to_dict(), "languages": self.languages, "training": training or self.info}
        (path / "config.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8")
        self.src_vocab.save(path / "src_vocab.json")
        self.tgt_vocab.save(path / "tgt_vocab.json")

    @cached_property
    def word_rank(self) -> dict[str, int]:
        """Frequency rank of source words (from the checkpoint's word_rank.json), to order typo suggestions."""
        return dict(self.info.get("word_rank", {}))

    @property
    def device(self) -> torch.device:
        return next(self.model.parameters()).device

    def describe(self) -> dict[str, Any]:
        """The model's shape, for display and for every trace's meta (a fresh dict each call)."""
        return dict(self._description)

    @cached_property
    def _description(self) -> dict[str, Any]:
        cfg = self.model.cfg  # fixed once loaded, so counted once rather than on every trace
        return {
            "name": cfg.name, "encoder_layers": cfg.n_encoder_layers, "decoder_layers": cfg.n_decoder_layers,
            "heads": cfg.n_heads, "d_model": cfg.d_model, "d_ff": cfg.d_ff, "parameters": self.model.num_parameters(),
            "src_vocab": len(self.src_vocab), "tgt_vocab": len(self.tgt_vocab), "device": str(self.device),
        }

    def check_language(self, lang: str) -> str:
        if lang not in self.languages:
            choices = ", ".join(self.languages)
            raise InputError("language", f"Unknown target language {lang!r}; choose one of {choices}.",
                             lang=lang, choices=choices)
        return lang

    def source_ids(self, tok: Tokenized, lang: str) -> list[int]:
        """The encoder's input: language tag, the words, end of sequence."""
        return self.src_vocab.encode([lang_tag(lang), *tok.tokens, EOS])

    def embedding_matrix(self, side: str = "src") -> np.ndarray:
        """The whole embedding table (vocab, d_model) of the source or target side, as float32."""
        table = self.model.src_embed if side == "src" else self.model.tgt_embed
        return table.weight.detach().float().cpu().numpy()

    @torch.inference_mode()
    def _add_logit_lens(self, records: dict[str, torch.Tensor]) -> None:
        """lens.{l}.probs: each decoder layer's output put through the unembedding and a softmax (logit lens)."""
        last = self.model.cfg.n_decoder_layers - 1
        for layer in range(last + 1):
            hidden = records[f"decoder.{layer}.ffn.normed"]
            if layer == last and "probs" in records and torch.equal(hidden, records["decoder.output"]):
                records[f"lens.{layer}.probs"] = records["probs"]  # post-LN: the last layer's lens is the output
                continue
            records[f"lens.{layer}.probs"] = torch.softmax(self.model.unembed(hidden).float(), dim=-1)

    def trace(self, sentence: str, lang: str = "es", settings: DecodeSettings | None = None) -> Trace:
        """Tokenize, translate and record every intermediate. Raises InputError for unusable input."""
        settings = settings or DecodeSettings()
        self.check_language(lang)
        tok = tokenize(sentence, self.src_vocab, rank=self.word_rank)
        src_ids = self.source_ids(tok, lang)
        inputs, chosen, records = generate(
            self.model, torch.tensor([src_ids]), self.tgt_vocab.bos_id, self.tgt_vocab.eos_id, settings,
            pad_id=self.src_vocab.pad_id,
        )
        self._add_logit_lens(records)
        arrays = to_numpy(records)
        if self.model.has_encoder:  # a decoder-only model never reads the source: its trace has no source side
            arrays["src.ids"] = torch.tensor(src_ids).numpy()
        arrays["tgt.ids"] = torch.tensor(inputs).numpy()
        arrays["next.ids"] = torch.tensor(chosen).numpy()
        model_tokens = [t for t in self.tgt_vocab.decode(chosen) if t != EOS]
        finished = chosen[-1] == self.tgt_vocab.eos_id
        copies = copy_unknowns(arrays, model_tokens, tok) if self.model.has_encoder else []
        out_tokens = list(model_tokens)
        for c in copies:
            out_tokens[c["target_index"]] = c["word"]
        honesty = check_against_grammar(tok, lang, out_tokens)
        meta = {
            "model": self.describe(), "lang": lang, "settings": asdict(settings), "input": sentence,
            "output": grammar.detokenize(out_tokens, lang), "output_tokens": out_tokens, "finished": finished,
            "model_tokens": model_tokens, "copies": copies,
            "confidence": confidence(arrays, chosen, settings),
            "unknown_words": list(tok.unknown), "suggestions": tok.suggestions, "truncated_from": tok.truncated_from,
            "source_words": list(tok.words),
            # Inputs longer than any training sentence are out of distribution: the output may stop early.
            "longer_than_training": len(tok.tokens) > self.info.get("max_source_words", MAX_SOURCE_TOKENS),
            **honesty,
        }
        source_tokens = tuple(self.src_vocab.decode(src_ids)) if self.model.has_encoder else ()
        return Trace(arrays, source_tokens, tuple(self.tgt_vocab.decode(inputs)),
                     tuple(self.tgt_vocab.decode(chosen)), meta)


LOW_CONFIDENCE = 0.5  # an output token chosen with less probability than this is marked as unsure


def confidence(arrays: dict[str, np.ndarray], chosen: list[int], settings: DecodeSettings) -> list[float]:
    """For each output token (the end-of-sentence token included), the probability it was chosen with: under the
    full softmax for greedy decoding, under the temperature / top-k distribution that was sampled from otherwise."""
    if not (settings.temperature and settings.temperature > 0) and "probs" in arrays:
        probs = arrays["probs"]  # greedy: the full softmax, already in the trace
        return [round(float(probs[t, i]), 6) for t, i in enumerate(chosen)]
    logits = arrays["logits"].astype(np.float64)
    if settings.temperature and settings.temperature > 0:
        z = logits / settings.temperature
        if settings.top_k:
            kth = np.sort(z, axis=-1)[:, -settings.top_k][:, None]
            z = np.where(z < kth, -np.inf, z)
    else:
        z = logits
    z = z - z.max(-1, keepdims=True)
    p = np.exp(z)
    p /= p.sum(-1, keepdims=True)
    return [round(float(p[t, i]), 6) for t, i in enumerate(chosen)]


def copy_unknowns(arrays: dict[str, np.ndarray], out_tokens: list[str], tok: Tokenized) -> list[dict[str, Any]]:
    """Attention-based unknown-word replacement (Luong et al., 2015; Jean et al., 2015): each <unk> the model writes
    is replaced by the source word its cross-attention points at — the last decoder layer, mean over heads — among
    the source words that were unknown (all source words if none was). Names and other unknown words pass through."""
    if UNK not in out_tokens:
        return []
    n_layers = sum(1 for k in arrays if k.startswith("decoder.") and k.endswith(".cross_attn.weights"))
    att = arrays[f"decoder.{n_layers - 1}.cross_attn.weights"].mean(0)  # (T, S): source positions incl. tag, </s>
    words = list(tok.surface)
    unknown_pos = [i + 1 for i, t in enumerate(tok.tokens) if t == UNK]
    candidates = unknown_pos or list(range(1, len(words) + 1))
    out = []
    for t, w in enumerate(out_tokens):
        if w != UNK:
            continue
        row = att[t]
        s = max(candidates, key=lambda i: row[i])
        out.append({"target_index": t, "source_index": s, "word": words[s - 1],
                    "attention": round(float(row[s]), 6)})
    return out


def check_against_grammar(tok: Tokenized, lang: str, out_tokens: list[str]) -> dict[str, Any]:
    """Is the sentence one the model was trained on (the grammar parses it)? Its reference translation and gold
    alignment if so — alignment pairs in the indices of source_tokens / target_tokens — and whether the output
    matches it."""
    r = grammar.parse(tok.words)
    if not r.in_grammar:
        return {"in_grammar": False, "reference": None, "matches_reference": None,
                "outside_reason": r.reason, "outside_detail": r.detail, "families": []}
    tr = r.translations[lang]
    pairs = sorted([s + 1, k + 1] for k, a in enumerate(tr.alignment) for s in a)
    return {"in_grammar": True,
            "reference": {"translation": grammar.detokenize(tr.tokens, lang), "tokens": list(tr.tokens),
                          "alignment": pairs},
            "matches_reference": list(tr.tokens) == out_tokens, "outside_reason": None, "outside_detail": "",
            "families": list(r.families)}
