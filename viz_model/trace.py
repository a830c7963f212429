"""The trace: every intermediate of one run, as an immutable value of plain CPU float32 arrays.

Names (the single place they are documented). S = source positions, T = decoder input positions (starting with the
start token <s>), D = d_model, H = heads, dk = D / H, F = d_ff, V = target vocabulary. {l} is a layer index. Batch
dimension removed. A model with only an encoder or only a decoder simply lacks the other stack's names.
Hugging Face models (viz_model/hf) use the same names; how they differ is in meta["model"] (viz_model/hf/capture.py):
norm "pre" means resid = x + sublayer(LayerNorm(x)) and normed = LayerNorm(x), the sub-layer's input (a layer's
output is then ffn.resid); positions "relative" (T5) means embed.*.pos is zero and {stack}.pos_bias (H, N, N) is the
bias added to every layer's scores; dk is the model's own head size; ffn.hidden is its own activation.

    embed.{side}.raw              (N, D)      token embedding rows; side is "src" (N = S) or "tgt" (N = T)
    embed.{side}.scaled           (N, D)      raw × √D
    embed.{side}.pos              (N, D)      sinusoidal positional encoding of positions 0..N-1
    embed.{side}.sum              (N, D)      scaled + pos: what layer 0 receives

    {stack}.{l}.input             (N, D)      residual stream entering the layer; stack is "encoder" or "decoder"
    {stack}.{l}.{attn}.q          (H, N, dk)  queries; attn is self_attn (both stacks) or cross_attn (decoder)
    {stack}.{l}.{attn}.k          (H, K, dk)  keys   (K = N for self_attn, K = S for cross_attn)
    {stack}.{l}.{attn}.v          (H, K, dk)  values
    {stack}.{l}.{attn}.scores     (H, N, K)   Q Kᵀ / √dk; masked entries -inf (decoder self_attn: causal upper triangle)
    {stack}.{l}.{attn}.weights    (H, N, K)   softmax of the scores; rows are queries and sum to 1; masked entries 0
    {stack}.{l}.{attn}.head_out   (H, N, dk)  weights @ V per head
    {stack}.{l}.{attn}.out        (N, D)      heads concatenated, times W_O
    {stack}.{l}.{attn}.resid      (N, D)      residual sum x + sublayer(x), before LayerNorm ("Add")
    {stack}.{l}.{attn}.normed     (N, D)      after LayerNorm ("& Norm"): the stream leaving the sub-layer
    {stack}.{l}.ffn.pre           (N, F)      x W1 + b1, before the ReLU
    {stack}.{l}.ffn.hidden        (N, F)      after the ReLU
    {stack}.{l}.ffn.out           (N, D)      hidden W2 + b2
    {stack}.{l}.ffn.resid         (N, D)      x + FFN(x)
    {stack}.{l}.ffn.normed        (N, D)      after LayerNorm: the layer's output
    encoder.output                (S, D)      the memory read by cross-attention
    decoder.output                (T, D)      the last decoder layer's output
    logits                        (T, V)      unembedding of decoder.output; row t scores the token after position t
    probs                         (T, V)      softmax(logits) at temperature 1, over the full target vocabulary
    lens.{l}.probs                (T, V)      logit lens: decoder layer l's output through the unembedding, softmax
                                              (post-LN: layer outputs are already normalised; the last equals probs)
    src.ids                       (S,)        int64 source token ids
    tgt.ids                       (T,)        int64 decoder input ids
    next.ids                      (T,)        int64 the token chosen after each position (tgt.ids[1:] + the last one)
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

ATTENTION_KINDS: dict[str, tuple[str, str]] = {
    # kind -> (stack, sub-layer)
    "encoder_self": ("encoder", "self_attn"),
    "decoder_self": ("decoder", "self_attn"),
    "cross": ("decoder", "cross_attn"),
}

TENSOR_FIELDS = ("q", "k", "v", "scores", "weights", "head_out", "out", "resid", "normed")
FFN_FIELDS = ("pre", "hidden", "out", "resid", "normed")


def attention_name(kind: str, layer: int, what: str = "weights") -> str:
    stack, sub = ATTENTION_KINDS[kind]
    return f"{stack}.{layer}.{sub}.{what}"


def expected_shapes(
    S: int, T: int, D: int, H: int, F: int, V: int, n_encoder_layers: int, n_decoder_layers: int
) -> dict[str, tuple[int, ...]]:
    """Every name a trace of such a model holds, with its shape (the table in this module's docstring)."""
    dk = D // H
    shapes: dict[str, tuple[int, ...]] = {"tgt.ids": (T,), "next.ids": (T,)}
    sides = (("tgt", T),) if n_encoder_layers == 0 else (("src", S), ("tgt", T))
    for side, n in sides:
        for part in ("raw", "scaled", "pos", "sum"):
            shapes[f"embed.{side}.{part}"] = (n, D)
    if n_encoder_layers:
        shapes["src.ids"] = (S,)
        shapes["encoder.output"] = (S, D)
    stacks = [("encoder", n_encoder_layers, S, [("self_attn", S)])]
    dec_attn = [("self_attn", T)] + ([("cross_attn", S)] if n_encoder_layers else [])
    stacks.append(("decoder", n_decoder_layers, T, dec_attn))
    for stack, n_layers, n, attns in stacks:
        for layer in range(n_layers):
            p = f"{stack}.{layer}"
            shapes[f"{p}.input"] = (n, D)
            for sub, k in attns:
                shapes.update({
                    f"{p}.{sub}.q": (H, n, dk), f"{p}.{sub}.k": (H, k, dk), f"{p}.{sub}.v": (H, k, dk),
                    f"{p}.{sub}.scores": (H, n, k), f"{p}.{sub}.weights": (H, n, k),
                    f"{p}.{sub}.head_out": (H, n, dk), f"{p}.{sub}.out": (n, D),
                    f"{p}.{sub}.resid": (n, D), f"{p}.{sub}.normed": (n, D),
                })
            shapes.update({
                f"{p}.ffn.pre": (n, F), f"{p}.ffn.hidden": (n, F), f"{p}.ffn.out": (n, D),
                f"{p}.ffn.resid": (n, D), f"{p}.ffn.normed": (n, D),
            })
    if n_decoder_layers:
        shapes.update({"decoder.output": (T, D), "logits": (T, V), "probs": (T, V)})
        shapes.update({f"lens.{layer}.probs": (T, V) for layer in range(n_decoder_layers)})
    return shapes


def _freeze(a: np.ndarray) -> np.ndarray:
    a = np.ascontiguousarray(a)
    a.setflags(write=False)
    return a


@dataclass(frozen=True)
class Trace:
    """One run of one model on one input. Arrays are read-only; build a new Trace rather than changing one."""

    arrays: Mapping[str, np.ndarray]
    source_tokens: tuple[str, ...]  # as the encoder sees them (language tag first, </s> last); () for decoder-only
    target_tokens: tuple[str, ...]  # decoder input positions, starting with <s>
    next_tokens: tuple[str, ...]  # the token chosen after each decoder position (what row t of the logits predicts)
    meta: Mapping[str, Any] = field(default_factory=dict)  # model, lang, decoding settings, unknown words, notices

    def __post_init__(self) -> None:
        object.__setattr__(self, "arrays", MappingProxyType({k: _freeze(v) for k, v in self.arrays.items()}))
        object.__setattr__(self, "meta", MappingProxyType(dict(self.meta)))

    # ---------------------------------------------------------------- access
    def __getitem__(self, name: str) -> np.ndarray:
        return self.arrays[name]

    def __contains__(self, name: object) -> bool:
        return name in self.arrays

    def names(self) -> list[str]:
        return sorted(self.arrays)

    def n_layers(self, stack: str) -> int:
        n = 0
        while f"{stack}.{n}.input" in self.arrays:
            n += 1
        return n

    @property
    def has_encoder(self) -> bool:
        return "encoder.0.input" in self.arrays

    @property
    def has_decoder(self) -> bool:
        return "decoder.0.input" in self.arrays

    @property
    def n_heads(self) -> int:
        for kind in ATTENTION_KINDS:
            name = attention_name(kind, 0)
            if name in self.arrays:
                return self.arrays[name].shape[0]
        return 0

    def attention_kinds(self) -> list[str]:
        return [k for k in ATTENTION_KINDS if attention_name(k, 0) in self.arrays]

    def attention(self, kind: str, layer: int, what: str = "weights") -> np.ndarray:
        """(H, queries, keys) for one layer of one attention kind; `what` is weights or scores."""
        return self.arrays[attention_name(kind, layer, what)]

    def attention_stack(self, kind: str, what: str = "weights") -> np.ndarray:
        """(L, H, queries, keys): all layers of one attention kind."""
        stack = ATTENTION_KINDS[kind][0]
        return np.stack([self.attention(kind, i, what) for i in range(self.n_layers(stack))])

    def attention_tokens(self, kind: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(query tokens, key tokens) labelling the rows and columns of an attention matrix."""
        if kind == "encoder_self":
            return self.source_tokens, self.source_tokens
        if kind == "decoder_self":
            return self.target_tokens, self.target_tokens
        return self.target_tokens, self.source_tokens

    @property
    def output_text(self) -> str:
        return str(self.meta.get("output", ""))

    # ---------------------------------------------------------------- export
    def to_npz_bytes(self) -> bytes:
        """Every array plus a JSON header (tokens and meta) in one .npz file."""
        buf = io.BytesIO()
        header = json.dumps(self.header(), ensure_ascii=False)
        np.savez_compressed(buf, __header__=np.array(header), **dict(self.arrays))
        return buf.getvalue()

    @classmethod
    def from_npz_bytes(cls, data: bytes) -> Trace:
        with np.load(io.BytesIO(data), allow_pickle=False) as z:
            header = json.loads(str(z["__header__"]))
            arrays = {k: z[k] for k in z.files if k != "__header__"}
        return cls(arrays, tuple(header["source_tokens"]), tuple(header["target_tokens"]),
                   tuple(header["next_tokens"]), header["meta"])

    def header(self) -> dict[str, Any]:
        return {
            "source_tokens": list(self.source_tokens),
            "target_tokens": list(self.target_tokens),
            "next_tokens": list(self.next_tokens),
            "meta": _jsonable(dict(self.meta)),
        }

    def to_json_dict(self, names: Sequence[str] | None = None) -> dict[str, Any]:
        """Header plus the chosen arrays (all by default) as nested lists; -inf (masked scores) becomes null."""
        out = self.header()
        out["arrays"] = {n: _array_to_json(self.arrays[n]) for n in (names or self.names())}
        return out


def _array_to_json(a: np.ndarray) -> Any:
    if a.dtype.kind == "f" and not np.isfinite(a).all():
        obj = a.astype(object)
        obj[~np.isfinite(a)] = None
        return obj.tolist()
    return a.tolist()


def _jsonable(x: Any) -> Any:
    if isinstance(x, Mapping):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, np.generic):
        return x.item()
    return x
