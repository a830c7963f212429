"""Reading a checkpoint folder, validated against its own config before any weight is used.

A checkpoint is a folder of plain files (see engine.py); weights are read with safetensors only, never unpickled.
Every problem — a missing file, malformed JSON, a config that makes no model, vocabularies whose length differs from
the config's sizes, a tensor missing, extra or of another shape than the config implies, a truncated, empty or
random-bytes weights file, non-finite weights, a device this machine lacks — raises one exception type,
`CheckpointError`, whose message names the file and says what is wrong, in one line.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError, safe_open

from .config import ModelConfig
from .tokenizer import MAX_SOURCE_TOKENS, SPECIALS, Vocab, lang_tag

WEIGHTS, CONFIG, SRC_VOCAB, TGT_VOCAB = "model.safetensors", "config.json", "src_vocab.json", "tgt_vocab.json"
OPTIONAL_JSON = ("metrics.json", "word_rank.json")
MIN_MAX_LEN = MAX_SOURCE_TOKENS + 2  # the longest source the engine feeds: language tag + 64 words + </s>
MAX_MAX_LEN = 65_536  # a larger position table is surely a typo (it is built in memory: max_len × d_model floats)
MAX_WIDTH = 65_536  # d_model, d_ff: larger is no model this app can hold
MAX_LAYERS = 256
MAX_VOCAB = 10_000_000
FLOAT_DTYPES = {"F16", "BF16", "F32", "F64"}


class CheckpointError(ValueError):
    """A checkpoint (or device) that cannot be used. `file`: the file at fault (None for the device); `problem`:
    what is wrong, one line. str() names the full path; `short` names only the file (for a public page)."""

    code = "checkpoint"  # ui/models.py says "has a damaged or mismatched checkpoint" for this code

    def __init__(self, file: Path | None, problem: str) -> None:
        self.file = file
        self.problem = problem
        super().__init__(f"{file}: {problem}" if file is not None else problem)

    @property
    def short(self) -> str:
        return f"{self.file.name}: {self.problem}" if self.file is not None else self.problem


@dataclass(frozen=True)
class Checkpoint:
    """A checkpoint's contents, all checked against each other."""

    cfg: ModelConfig
    state: dict[str, torch.Tensor]
    src_vocab: Vocab
    tgt_vocab: Vocab
    languages: dict[str, str]
    info: dict[str, Any]


def resolve_device(device: str = "auto") -> torch.device:
    """"auto" (CUDA when present), "cpu", "cuda", "cuda:N", "mps"; CheckpointError for a device this machine lacks."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        dev = torch.device(device)
    except (RuntimeError, ValueError, TypeError):
        raise CheckpointError(None, f"device {device!r} is not a device name (use auto, cpu, cuda or cuda:N)") from None
    if dev.type == "cuda":
        n = torch.cuda.device_count() if torch.cuda.is_available() else 0
        if n == 0:
            raise CheckpointError(None, f"device {device!r}: this machine has no CUDA device (use --device cpu)")
        if dev.index is not None and dev.index >= n:
            raise CheckpointError(None, f"device {device!r}: this machine has {n} CUDA device(s), cuda:0..cuda:{n - 1}")
    elif dev.type == "mps" and not torch.backends.mps.is_available():
        raise CheckpointError(None, f"device {device!r}: MPS is not available on this machine")
    elif dev.type not in ("cpu", "cuda", "mps"):
        raise CheckpointError(None, f"device {device!r} is not supported (use auto, cpu, cuda or cuda:N)")
    return dev


def read_json(path: Path) -> Any:
    if not path.is_file():
        raise CheckpointError(path, "file is missing" if not path.exists() else "is not a file")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise CheckpointError(path, "is not UTF-8 text") from None
    except json.JSONDecodeError as e:
        raise CheckpointError(path, f"malformed JSON (line {e.lineno}, column {e.colno}: {e.msg})") from None
    except OSError as e:
        raise CheckpointError(path, f"cannot be read ({e.strerror or e})") from None


def _config(path: Path, meta: Any) -> ModelConfig:
    if not isinstance(meta, dict) or not isinstance(meta.get("model"), dict):
        raise CheckpointError(path, 'has no "model" object (the model\'s shape)')
    d = meta["model"]
    ints = {"src_vocab_size": MAX_VOCAB, "tgt_vocab_size": MAX_VOCAB, "d_model": MAX_WIDTH, "n_heads": MAX_WIDTH,
            "d_ff": MAX_WIDTH, "n_encoder_layers": MAX_LAYERS, "n_decoder_layers": MAX_LAYERS,
            "max_len": MAX_MAX_LEN}
    for name in ("src_vocab_size", "tgt_vocab_size"):
        if name not in d:
            raise CheckpointError(path, f'model.{name} is missing')
    defaults = {f.name: f.default for f in fields(ModelConfig)}
    for name, top in ints.items():
        v = d.get(name, defaults[name])
        low = 0 if name == "n_encoder_layers" else 1
        if isinstance(v, bool) or not isinstance(v, int) or not low <= v <= top:
            raise CheckpointError(path, f"model.{name} = {v!r}: expected a whole number from {low} to {top:,}")
    for name in ("dropout", "layer_norm_eps"):
        v = d.get(name, 0.0 if name == "dropout" else 1e-5)
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v) or v < 0:
            raise CheckpointError(path, f"model.{name} = {v!r}: expected a non-negative number")
    if d.get("max_len", MIN_MAX_LEN) < MIN_MAX_LEN:
        raise CheckpointError(path, f"model.max_len = {d['max_len']} is shorter than the longest input the engine "
                                    f"feeds ({MIN_MAX_LEN} positions: language tag, {MAX_SOURCE_TOKENS} words, </s>)")
    try:
        return ModelConfig.from_dict(d)
    except (TypeError, ValueError) as e:
        raise CheckpointError(path, f"makes no model: {e}") from None


def _vocab(path: Path, size: int, side: str) -> Vocab:
    tokens = read_json(path)
    if not isinstance(tokens, list) or not all(isinstance(t, str) for t in tokens):
        raise CheckpointError(path, "expected a JSON list of token strings")
    if len(tokens) != size:
        raise CheckpointError(path, f"has {len(tokens):,} tokens but config.json says {side}_vocab_size = {size:,}")
    vocab = Vocab(tokens)
    if list(vocab.itos) != tokens:
        raise CheckpointError(path, f"tokens must be unique and start with {', '.join(SPECIALS)}")
    return vocab


def expected_shapes(cfg: ModelConfig) -> dict[str, tuple[int, ...]]:
    """Every weight's shape as the config implies, built on the meta device (no memory, no numbers)."""
    from .model import Transformer

    with torch.device("meta"):
        model = Transformer(cfg)
    return {k: tuple(v.shape) for k, v in model.state_dict().items()}


def _few(names: list[str]) -> str:
    return ", ".join(names[:3]) + (", …" if len(names) > 3 else "")


def _weights(path: Path, cfg: ModelConfig) -> dict[str, torch.Tensor]:
    if not path.is_file():
        raise CheckpointError(path, "file is missing" if not path.exists() else "is not a file")
    if path.stat().st_size == 0:
        raise CheckpointError(path, "file is empty")
    want = expected_shapes(cfg)
    try:  # the header first (names, shapes, dtypes): a mismatch is reported before any weight is read
        with safe_open(str(path), framework="pt") as f:
            have = {k: (tuple(f.get_slice(k).get_shape()), f.get_slice(k).get_dtype()) for k in f.keys()}  # noqa: SIM118
            missing, extra = sorted(set(want) - set(have)), sorted(set(have) - set(want))
            if missing or extra:
                parts = [f"{len(names)} tensor(s) {what} ({_few(names)})"
                         for names, what in ((missing, "missing"), (extra, "unexpected")) if names]
                raise CheckpointError(path, f"{'; '.join(parts)}, for the layers config.json describes")
            for k, shape in want.items():
                if have[k][0] != shape:
                    raise CheckpointError(path, f"tensor {k} has shape {list(have[k][0])} but config.json implies "
                                                f"{list(shape)} (d_model {cfg.d_model}, d_ff {cfg.d_ff}, vocabularies "
                                                f"{cfg.src_vocab_size:,} / {cfg.tgt_vocab_size:,})")
                if have[k][1] not in FLOAT_DTYPES:
                    raise CheckpointError(path, f"tensor {k} has dtype {have[k][1]}, not a floating-point type")
            state = {k: f.get_tensor(k) for k in want}
    except CheckpointError:
        raise
    except (SafetensorError, ValueError, RuntimeError, TypeError) as e:
        raise CheckpointError(path, f"is not a readable safetensors file ({str(e).splitlines()[0][:160]})") from None
    except OSError as e:
        raise CheckpointError(path, f"cannot be read ({e.strerror or e})") from None
    for k, v in state.items():
        if not torch.isfinite(v).all():
            raise CheckpointError(path, f"tensor {k} holds NaN or infinite values")
    return state


def read_checkpoint(path: Path | str) -> Checkpoint:
    """Read and check every file of a checkpoint folder. CheckpointError names the file and the problem."""
    path = Path(path)
    if not path.is_dir():
        raise CheckpointError(path, "checkpoint folder is missing" if not path.exists() else "is not a folder")
    meta = read_json(path / CONFIG)
    cfg = _config(path / CONFIG, meta)
    languages = meta.get("languages")
    if languages is not None and (not isinstance(languages, dict) or not languages
                                  or not all(isinstance(k, str) and isinstance(v, str) for k, v in languages.items())):
        raise CheckpointError(path / CONFIG, '"languages" must map language codes to names, e.g. {"es": "Spanish"}')
    training = meta.get("training", {})
    if not isinstance(training, dict):
        raise CheckpointError(path / CONFIG, '"training" must be an object')
    src = _vocab(path / SRC_VOCAB, cfg.src_vocab_size, "src")
    tgt = _vocab(path / TGT_VOCAB, cfg.tgt_vocab_size, "tgt")
    if cfg.n_encoder_layers and languages:
        absent = [lang_tag(code) for code in languages if lang_tag(code) not in src]
        if absent:
            raise CheckpointError(path / SRC_VOCAB, f"lacks the language tag(s) {', '.join(absent)} that config.json's "
                                                    f'"languages" need')
    info = dict(training)
    for name in OPTIONAL_JSON:
        if (path / name).exists():
            value = read_json(path / name)
            if not isinstance(value, dict):
                raise CheckpointError(path / name, "expected a JSON object")
            info[name.removesuffix(".json")] = value
    state = _weights(path / WEIGHTS, cfg)
    return Checkpoint(cfg, state, src, tgt, dict(languages) if languages else {}, info)
