"""A Hugging Face model behind the same interface as viz_model.engine.Engine: `trace(sentence, lang, settings)`.

    from viz_model.engine import Engine
    engine = Engine.load(model="Helsinki-NLP/opus-mt-en-es")   # a hub id (downloads once) or a local folder
    trace = engine.trace("The black cat sleeps.", None, DecodeSettings())

Decoding is the project's own (viz_model.decoding: greedy, or sampling with temperature, top-k and seed, capped), one
token at a time with the model's key/value cache and no recording; then one teacher-forced pass over the chosen tokens
records everything (capture.py). Greedy decoding equals the model's own `generate(do_sample=False, num_beams=1)`: the
token rules of its generation config that act on single tokens are applied the same way (forced first / last token,
suppressed and single-token banned words, minimum length); rules across tokens (beam search, n-gram blocking,
repetition penalty) are not, and `meta["generation_rules"]` lists what was applied.

Per family, what a run contains:
    encoder-decoder  the source sentence through the encoder; the decoder starts at decoder_start_token_id
    encoder-only     the sentence through the encoder: no decoding, no logits (the decoder views say so)
    decoder-only     the sentence is the prompt; its positions are teacher-forced (next.ids there are the prompt's own
                     next tokens) and generation continues from its end (meta["prompt_length"])
"""

from __future__ import annotations

import logging
import os
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import torch
from torch import Tensor

from ..decoding import DecodeSettings, sampling_distribution
from ..tokenizer import MAX_INPUT_CHARS, InputError
from ..trace import Trace
from . import tokens as tk
from .arch import FAMILIES, Arch, UnsupportedModel, arch_of
from .capture import finish, layer_output, recording

log = logging.getLogger(__name__)

MAX_TOKENS = 512  # input longer than this many pieces (or the model's position table) is truncated, with a notice
DEFAULT_LANG = "out"  # the one "language" of a model that has no target-language choice


class ModelLoadError(ValueError):
    """A model that cannot be used here. `code`: unsupported, too_large, unreachable; str() is the English text."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class PieceVocab:
    """Readable form of every id, for display and for the CLI's top-k (`itos`, like viz_model.tokenizer.Vocab)."""

    itos: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.itos)


@dataclass(frozen=True)
class Decoded:
    """One decoding run: decoder inputs, the token chosen after each, whether an end token came before the cap,
    the positions whose token a generation rule forced, and (decoder-only) the prompt's length."""

    inputs: list[int]
    chosen: list[int]
    finished: bool
    forced: list[int]
    prompt_length: int


@dataclass(frozen=True)
class Language:
    """A target-language choice: text put before the source, and/or a token forced first (mBART-50)."""

    name: str
    prefix: str = ""
    forced_bos_token: str | None = None


def _memory_bytes() -> int | None:
    """Memory available to new allocations (Linux MemAvailable: free plus reclaimable cache); None if unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_AVPHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def _auto_class(config: Any) -> Any:
    import transformers as tf

    kind = FAMILIES.get(config.model_type)
    if kind is None:
        raise ModelLoadError("unsupported", f"model type {config.model_type!r} is not supported; supported families: "
                             f"{', '.join(FAMILIES)}")
    return {"encoder-decoder": tf.AutoModelForSeq2SeqLM, "decoder-only": tf.AutoModelForCausalLM,
            "encoder-only": tf.AutoModel}[kind]


@dataclass
class HFEngine:
    """A loaded Hugging Face model and tokenizer; read-only once built (share it; never mutate it)."""

    model: Any
    tokenizer: Any
    name: str
    languages: dict[str, str] = field(default_factory=lambda: {DEFAULT_LANG: "as the model was trained"})
    language_options: dict[str, Language] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)
    max_input_chars: int = MAX_INPUT_CHARS  # the app's and CLI's cap; a benchmark may raise it

    def __post_init__(self) -> None:
        self.arch: Arch = arch_of(self.model)
        self.model.eval()

    # ------------------------------------------------------------------------------------------------ loading
    @classmethod
    def load(cls, name_or_path: str | Path, device: str = "auto", languages: dict[str, dict[str, str]] | None = None,
             max_parameters: int | None = None, local_files_only: bool | None = None, name: str | None = None
             ) -> HFEngine:
        """Load a hub id or a local folder with eager attention. Raises ModelLoadError (unsupported, too_large,
        unreachable). `languages`: {code: {"name", "prefix", "forced_bos_token"}}; `max_parameters` refuses
        larger models before any weights are read (default: what fits in half the free memory as float32);
        `name`: what describe() calls the model (default: name_or_path)."""
        import transformers as tf

        from ..engine import resolve_device

        display = name
        name = str(name_or_path)
        local = Path(name).is_dir()
        offline = local_files_only if local_files_only is not None else local
        try:
            config = tf.AutoConfig.from_pretrained(name, local_files_only=offline)
        except (OSError, ValueError) as e:
            raise ModelLoadError("unreachable", f"cannot load {name!r}: not a local folder and not reachable on the "
                                 f"model hub ({str(e).splitlines()[0][:200]})") from e
        auto = _auto_class(config)
        try:  # count the parameters on the meta device: no memory, no weights read
            with torch.device("meta"):
                n_params = sum(p.numel() for p in auto.from_config(config).parameters())
        except (ValueError, TypeError, RuntimeError) as e:
            raise ModelLoadError("unsupported", f"{name!r} cannot be built from its config: {e}") from e
        free = _memory_bytes()
        limit = max_parameters or (free // 8 if free else None)  # float32 weights in at most half the free memory
        if limit is not None and n_params > limit:
            raise ModelLoadError("too_large", f"{name!r} has {n_params / 1e6:,.0f} M parameters; this machine allows "
                                 f"at most {limit / 1e6:,.0f} M ({n_params * 4 / 2**30:.1f} GiB as float32)")
        try:
            tokenizer = tf.AutoTokenizer.from_pretrained(name, local_files_only=offline)
            model = auto.from_pretrained(name, attn_implementation="eager", dtype=torch.float32,
                                         local_files_only=offline)
        except (OSError, ValueError) as e:
            raise ModelLoadError("unreachable", f"cannot load {name!r}: {str(e).splitlines()[0][:200]}") from e
        model.to(resolve_device(device))
        return cls.build(model, tokenizer, display or name, languages)

    @classmethod
    def build(cls, model: Any, tokenizer: Any, name: str, languages: dict[str, dict[str, str]] | None = None
              ) -> HFEngine:
        """An engine around an already loaded model (tests build tiny ones from config classes)."""
        try:
            opts = {code: Language(**spec) for code, spec in (languages or {}).items()}
        except TypeError as e:
            raise ValueError(f"bad language option: {e}") from e
        names = {code: o.name for code, o in opts.items()} or {DEFAULT_LANG: "as the model was trained"}
        try:
            return cls(model, tokenizer, name, names, opts, {"family": model.config.model_type})
        except UnsupportedModel as e:
            raise ModelLoadError("unsupported", str(e)) from e

    # ------------------------------------------------------------------------------------------------ description
    @property
    def device(self) -> torch.device:
        return next(self.model.parameters()).device

    @cached_property
    def _pieces(self) -> tuple[str, ...]:
        n = len(self.tokenizer)
        size = self.model.get_input_embeddings().weight.shape[0]
        pieces = self.tokenizer.convert_ids_to_tokens(list(range(min(n, size))))
        return tuple(p if p is not None else f"<{i}>" for i, p in enumerate(pieces)) + tuple(
            f"<{i}>" for i in range(n, size))

    @cached_property
    def scheme(self) -> str:
        return tk.scheme_of(self._pieces)

    @cached_property
    def specials(self) -> frozenset[str]:
        return frozenset(self.tokenizer.all_special_tokens)

    @cached_property
    def tgt_vocab(self) -> PieceVocab:
        specials, scheme = self.specials, self.scheme
        return PieceVocab(tuple(tk.readable(p, scheme, p in specials, first=True) for p in self._pieces))

    @property
    def src_vocab(self) -> PieceVocab:
        return self.tgt_vocab

    def describe(self) -> dict[str, Any]:
        return dict(self._description)

    @cached_property
    def _description(self) -> dict[str, Any]:
        a = self.arch
        first = (a.encoder or a.decoder).layers[0]
        ffn = first.ffn.first
        d_ff = getattr(ffn, "out_features", None) or getattr(ffn, "nf", 0)
        return {
            "name": self.name, "encoder_layers": len(a.encoder.layers) if a.encoder else 0,
            "decoder_layers": len(a.decoder.layers) if a.decoder else 0, "heads": first.attns[0].n_heads,
            "d_model": int(self.model.get_input_embeddings().weight.shape[1]), "d_ff": int(d_ff),
            "parameters": sum(p.numel() for p in self.model.parameters()), "src_vocab": len(self._pieces),
            "tgt_vocab": len(self._pieces), "device": str(self.device), "family": a.family, "kind": a.kind,
            "norm": a.norm, "positions": a.positions, "scores": a.scores_rule, "tokens": self.scheme,
        }

    def check_language(self, lang: str | None) -> str:
        if lang is None:
            return next(iter(self.languages))
        if lang not in self.languages:
            choices = ", ".join(self.languages)
            raise InputError("language", f"Unknown target language {lang!r}; choose one of {choices}.",
                             lang=lang, choices=choices)
        return lang

    def embedding_matrix(self, side: str = "src") -> Any:
        return self.model.get_input_embeddings().weight.detach().float().cpu().numpy()

    def position_table(self, n: int) -> Any:
        """(n', D) float32: the model's own absolute position vectors for positions 0..n'-1 (n' = n, or the table's
        length if shorter), as added to the embeddings (learned rows, or Marian's sinusoids); None for relative
        positions (T5), which add a bias to the scores instead. BERT's segment embedding is not included."""
        stack = self.arch.encoder or self.arch.decoder
        if not stack.pos_modules:
            return None
        module = stack.pos_modules[0]
        offset = getattr(module, "offset", 0)  # BART and mBART keep two unused rows first
        return module.weight[offset: offset + n].detach().float().cpu().numpy()

    @property
    def max_positions(self) -> int:
        cfg = self.model.config
        n = getattr(cfg, "max_position_embeddings", None) or getattr(cfg, "n_positions", None)
        return min(int(n), MAX_TOKENS) if n else MAX_TOKENS

    # ------------------------------------------------------------------------------------------------ decoding
    def _rules(self) -> dict[str, Any]:
        """The single-token rules of the model's generation config that the decoding applies (see module doc)."""
        g = getattr(self.model, "generation_config", None)
        get = (lambda k: getattr(g, k, None)) if g is not None else (lambda k: None)
        eos = get("eos_token_id") if get("eos_token_id") is not None else self.model.config.eos_token_id
        rules = {
            "eos": sorted({eos} if isinstance(eos, int) else set(eos or [])),
            "forced_bos": get("forced_bos_token_id"), "forced_eos": get("forced_eos_token_id"),
            "suppress": sorted(set(get("suppress_tokens") or []) | {w[0] for w in get("bad_words_ids") or []
                                                                       if len(w) == 1}),
            "begin_suppress": sorted(get("begin_suppress_tokens") or []),
            "min_length": get("min_length") or 0,
        }
        return {k: v for k, v in rules.items() if k == "eos" or (v is not None and v != [] and v is not False)}

    def _constrain(self, logits: Tensor, rules: dict[str, Any], first: bool, last: bool, length: int
                   ) -> tuple[Tensor, bool]:
        """Logits with the rules applied, and whether a rule forced the token."""
        logits = logits.clone()
        blocked = list(rules.get("suppress", [])) + (list(rules.get("begin_suppress", [])) if first else [])
        if length < rules.get("min_length", 0):
            blocked += rules["eos"]
        if blocked:
            logits[blocked] = float("-inf")
        forced = rules.get("forced_bos") if first else None
        if last and rules.get("forced_eos") is not None:
            forced = rules["forced_eos"]
        if isinstance(forced, list):
            forced = forced[0]
        if forced is not None:
            logits.fill_(float("-inf"))
            logits[forced] = 0.0
        return logits, forced is not None

    @torch.inference_mode()
    def decode(self, src: Tensor | None, prompt: list[int], settings: DecodeSettings, forced_bos: int | None = None
               ) -> tuple[list[int], list[int], bool, list[int]]:
        """Token by token with the model's cache. Returns the decoder inputs, the token chosen after the last input
        at each step (the generated ones), whether an end token came before the cap, and the steps whose token a
        generation rule forced."""
        rules = self._rules()
        if forced_bos is not None:
            rules["forced_bos"] = forced_bos
        gen = torch.Generator(device="cpu").manual_seed(settings.seed)
        model, dev = self.model, self.device
        enc_out = None
        if src is not None:
            enc_out = model.get_encoder()(input_ids=src.to(dev), attention_mask=torch.ones_like(src, device=dev))
        inputs, chosen, forced_steps, cache = list(prompt), [], [], None
        cap = settings.max_new_tokens
        if self.arch.positions != "relative":  # every decoder input needs a row of the position table
            cap = max(1, min(cap, self.max_positions - len(prompt) + 1))
        for t in range(cap):
            ids = torch.tensor([inputs if cache is None else inputs[-1:]], device=dev)
            if src is not None:
                out = model(encoder_outputs=enc_out, attention_mask=torch.ones_like(src, device=dev),
                            decoder_input_ids=ids, cache=cache, use_cache=True)
            else:
                out = model(input_ids=ids, cache=cache, use_cache=True)
            cache = out.cache
            logits, forced = self._constrain(out.logits[0, -1].float().cpu(), rules, t == 0, t == cap - 1,
                                             len(inputs))
            if forced:
                forced_steps.append(t)
            dist = sampling_distribution(logits, settings.temperature, settings.top_k)
            nxt = int(dist.argmax()) if settings.greedy else int(torch.multinomial(dist, 1, generator=gen))
            chosen.append(nxt)
            if nxt in rules["eos"]:
                return inputs, chosen, True, forced_steps
            if t < cap - 1:
                inputs.append(nxt)
        return inputs, chosen, False, forced_steps

    # ------------------------------------------------------------------------------------------------ tracing
    def _tokenize(self, sentence: str, lang: str) -> tuple[list[int], int | None]:
        if not sentence or not sentence.strip():
            raise InputError("empty", "Type a sentence first.")
        if len(sentence) > self.max_input_chars:
            raise InputError("too_long", f"The input has {len(sentence)} characters; the limit is "
                             f"{self.max_input_chars}.", n=len(sentence), limit=self.max_input_chars)
        opt = self.language_options.get(lang)
        ids = self.tokenizer((opt.prefix if opt else "") + sentence)["input_ids"]
        limit = self.max_positions
        truncated = len(ids) if len(ids) > limit else None
        if truncated:  # keep the tokenizer's closing special token (</s>, [SEP]) at the end
            last = ids[-1] if self.tokenizer.convert_ids_to_tokens(ids[-1]) in self.specials else None
            ids = ids[: limit - 1] + [last] if last is not None else ids[:limit]
        return ids, truncated

    def _readable(self, ids: list[int]) -> tuple[list[str], list[int]]:
        pieces = [self._pieces[i] for i in ids]
        return tk.readable_tokens(pieces, self.scheme, self.specials), tk.word_ids(pieces, self.scheme, self.specials)

    def _run(self, ids: list[int], lang: str, settings: DecodeSettings) -> Decoded:
        """Decode from the tokenized input as the model's kind asks (nothing to decode for an encoder-only model)."""
        a, model = self.arch, self.model
        if a.kind == "encoder-only":
            return Decoded([], [], True, [], 0)
        if a.kind == "decoder-only":
            inputs, generated, finished, forced = self.decode(None, ids, settings)
            p = len(ids)  # the prompt's own next tokens are teacher-forced: the chosen ones start at its last position
            return Decoded(inputs, inputs[1:p] + generated, finished, [p - 1 + t for t in forced], p)
        opt = self.language_options.get(lang)
        forced_bos = None
        if opt and opt.forced_bos_token:  # mBART-50: the target language's token comes first
            forced_bos = self.tokenizer.convert_tokens_to_ids(opt.forced_bos_token)
        start = model.generation_config.decoder_start_token_id
        start = start if start is not None else model.config.decoder_start_token_id
        return Decoded(*self.decode(torch.tensor([ids]), [int(start)], settings, forced_bos), 0)

    def _record(self, src: Tensor | None, tgt: Tensor | None) -> dict[str, Tensor]:
        """One teacher-forced pass with the hooks on: every intermediate under the trace's names (batch dim kept)."""
        a, model, dev = self.arch, self.model, self.device
        with recording(a) as rec:
            if a.kind == "encoder-decoder":
                out = model(input_ids=src.to(dev), decoder_input_ids=tgt, output_attentions=True, use_cache=False)
                weights = {**_named(out.encoder_attentions, "encoder", "self_attn"),
                           **_named(out.decoder_attentions, "decoder", "self_attn"),
                           **_named(out.cross_attentions, "decoder", "cross_attn")}
            elif a.kind == "decoder-only":
                out = model(input_ids=tgt, output_attentions=True, use_cache=False)
                weights = _named(out.attentions, "decoder", "self_attn")
            else:
                out = model(input_ids=src.to(dev), output_attentions=True)
                weights = _named(out.attentions, "encoder", "self_attn")
        records = finish(a, rec, weights, {"src": src, "tgt": tgt})
        for stack in a.stacks:
            last = layer_output(a, records, stack.name, len(stack.layers) - 1)
            records[f"{stack.name}.output"] = stack.final_norm(last) if stack.final_norm is not None else last
        if a.decoder is not None:
            records["logits"] = out.logits
            records["probs"] = torch.softmax(out.logits.float(), dim=-1)
            for layer in range(len(a.decoder.layers)):  # logit lens: the final norm (pre-LN), then the unembedding
                h = layer_output(a, records, "decoder", layer)
                h = a.decoder.final_norm(h) if a.decoder.final_norm is not None else h
                records[f"lens.{layer}.probs"] = torch.softmax(a.unembed(h).float(), dim=-1)
        return records

    @torch.inference_mode()
    def trace(self, sentence: str, lang: str | None = None, settings: DecodeSettings | None = None) -> Trace:
        """Tokenize, decode (unless encoder-only) and record every intermediate. InputError for unusable input."""
        settings = settings or DecodeSettings()
        lang = self.check_language(lang)
        ids, truncated = self._tokenize(sentence, lang)
        run = self._run(ids, lang, settings)
        src = torch.tensor([ids]) if self.arch.kind != "decoder-only" else None
        tgt = torch.tensor([run.inputs], device=self.device) if run.inputs else None
        arrays = {k: v[0].float().cpu().numpy() for k, v in self._record(src, tgt).items()}
        if src is not None:
            arrays["src.ids"] = src[0].numpy()
        if run.inputs:
            arrays["tgt.ids"] = torch.tensor(run.inputs).numpy()
            arrays["next.ids"] = torch.tensor(run.chosen).numpy()
        return self._make_trace(arrays, sentence, lang, settings, ids, run, truncated)

    def _make_trace(self, arrays: dict[str, Any], sentence: str, lang: str, settings: DecodeSettings,
                    ids: list[int], run: Decoded, truncated: int | None) -> Trace:
        a = self.arch
        src_tokens, src_words = self._readable(ids) if a.kind != "decoder-only" else ([], [])
        tgt_tokens, tgt_words = self._readable(run.inputs) if run.inputs else ([], [])
        generated = run.chosen[max(run.prompt_length - 1, 0):]
        eos = set(self._rules()["eos"])
        out_ids = [i for i in generated if i not in eos]
        output = self.tokenizer.decode(out_ids, skip_special_tokens=True).strip() if a.decoder else ""
        meta = {
            "model": self.describe(), "lang": lang, "settings": asdict(settings), "input": sentence,
            "output": output, "output_tokens": self._readable(out_ids)[0] if out_ids else [],
            "finished": run.finished, "unknown_words": [], "suggestions": {}, "truncated_from": truncated,
            "source_words": tk.merge_tokens(src_tokens, src_words) if src_tokens else [],
            "longer_than_training": False, "kind": a.kind, "family": a.family, "norm": a.norm,
            "positions": a.positions, "scores": a.scores_rule, "prompt_length": run.prompt_length,
            "source_word_ids": src_words, "target_word_ids": tgt_words, "token_scheme": self.scheme,
            "generation_rules": self._rules() if a.decoder else {}, "token_limit": self.max_positions,
            "forced_positions": run.forced,  # decoder positions whose next token a generation rule forced
        }
        next_tokens = self._readable(run.chosen)[0] if run.chosen else []
        return Trace(arrays, tuple(src_tokens), tuple(tgt_tokens), tuple(next_tokens), meta)


def _named(attentions: Any, stack: str, sub: str) -> dict[str, Tensor]:
    return {f"{stack}.{i}.{sub}": w for i, w in enumerate(attentions or ())}
