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
from safetensors.torch import load_file, save_file

from . import grammar
from .config import ModelConfig
from .decoding import DecodeSettings, generate, to_numpy
from .model import Transformer
from .tokenizer import EOS, MAX_SOURCE_TOKENS, InputError, Tokenized, Vocab, lang_tag, tokenize
from .trace import Trace

if TYPE_CHECKING:
    from .hf import HFEngine

log = logging.getLogger(__name__)

DEFAULT_CHECKPOINT = Path(__file__).parent / "checkpoints" / "default"


def resolve_device(device: str = "auto") -> torch.device:
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(device)


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
        a viz_model.hf.HFEngine instead, which traces into the same names (`hf_options`: see HFEngine.load)."""
        if model is not None:
            from .hf import HFEngine  # optional dependency (requirements-hf.txt): imported only when asked for

            return HFEngine.load(model, device=device, **hf_options)
        path = Path(path)
        meta = json.loads((path / "config.json").read_text(encoding="utf-8"))
        cfg = ModelConfig.from_dict(meta["model"])
        model = Transformer(cfg)
        model.load_state_dict(load_file(str(path / "model.safetensors")))
        model.to(resolve_device(device)).eval()
        info = dict(meta.get("training", {}))
        if (path / "metrics.json").exists():
            info["metrics"] = json.loads((path / "metrics.json").read_text(encoding="utf-8"))
        return cls(model, Vocab.load(path / "src_vocab.json"), Vocab.load(path / "tgt_vocab.json"),
                   meta.get("languages", dict(grammar.LANGUAGES)), info)

    def save(self, path: Path | str, training: dict[str, Any] | None = None) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        state = {k: v.detach().cpu().contiguous() for k, v in self.model.state_dict().items()}
        save_file(state, str(path / "model.safetensors"))
        meta = {"model": self.model.cfg.to_dict(), "languages": self.languages, "training": training or self.info}
        (path / "config.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8")
        self.src_vocab.save(path / "src_vocab.json")
        self.tgt_vocab.save(path / "tgt_vocab.json")

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
        for layer in range(self.model.cfg.n_decoder_layers):
            hidden = records[f"decoder.{layer}.ffn.normed"]
            records[f"lens.{layer}.probs"] = torch.softmax(self.model.unembed(hidden).float(), dim=-1)

    def trace(self, sentence: str, lang: str = "es", settings: DecodeSettings | None = None) -> Trace:
        """Tokenize, translate and record every intermediate. Raises InputError for unusable input."""
        settings = settings or DecodeSettings()
        self.check_language(lang)
        tok = tokenize(sentence, self.src_vocab)
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
        out_tokens = [t for t in self.tgt_vocab.decode(chosen) if t != EOS]
        finished = chosen[-1] == self.tgt_vocab.eos_id
        meta = {
            "model": self.describe(), "lang": lang, "settings": asdict(settings), "input": sentence,
            "output": grammar.detokenize(out_tokens, lang), "output_tokens": out_tokens, "finished": finished,
            "unknown_words": list(tok.unknown), "suggestions": tok.suggestions, "truncated_from": tok.truncated_from,
            "source_words": list(tok.words),
            # Inputs longer than any training sentence are out of distribution: the output may stop early.
            "longer_than_training": len(tok.tokens) > self.info.get("max_source_words", MAX_SOURCE_TOKENS),
        }
        source_tokens = tuple(self.src_vocab.decode(src_ids)) if self.model.has_encoder else ()
        return Trace(arrays, source_tokens, tuple(self.tgt_vocab.decode(inputs)),
                     tuple(self.tgt_vocab.decode(chosen)), meta)
