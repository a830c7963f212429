"""Record every intermediate of one forward pass of a Hugging Face model, under the trace's names (viz_model/trace.py).

Attention weights are the model's own (eager attention, `output_attentions=True`). What the model does not return is
read by forward hooks that exist only for the length of one `record()` call: registered on entry, removed in a
`finally` (also when the forward pass raises). A loaded model is shared by every visitor, and another call may run on
it at the same time from another thread; so each hook also checks a context variable and records only for the call
that registered it. Nothing is stored on the model.

Derived quantities (exact arithmetic on what the hooks saw, in the model's own order of operations):
    heads       q, k, v and head_out are the projections' outputs viewed as (H, N, dk)
    scores      q kᵀ × the module's scaling (+ T5's relative position bias); decoder self-attention: causal -inf
    resid       stream entering the sub-layer + the sub-layer's output
    normed      the output of the sub-layer's own LayerNorm: post-LN LayerNorm(resid), pre-LN LayerNorm(stream entering)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import torch
from torch import Tensor, nn

from .arch import Arch, AttnMap, StackMap

_ACTIVE: ContextVar[dict[str, Tensor] | None] = ContextVar("viz_model_hf_recording", default=None)


def hook_count(model: nn.Module) -> int:
    """Forward (pre-)hooks on every module of the model: 0 between calls (tests check it)."""
    return sum(len(m._forward_hooks) + len(m._forward_pre_hooks) for m in model.modules())


@contextmanager
def recording(arch: Arch) -> Iterator[dict[str, Tensor]]:
    """Hooks on the modules of `arch` for the body of this `with`; yields the dict they fill (batch dim kept)."""
    rec: dict[str, Tensor] = {}
    handles: list[Any] = []

    def put(name: str, value: Tensor) -> None:
        if _ACTIVE.get() is rec:  # another call's forward pass through the same shared model: not ours
            rec[name] = value.detach()

    def on_output(module: nn.Module, name: str, pick: Callable[[Any], Tensor] = lambda o: o) -> None:
        handles.append(module.register_forward_hook(lambda _m, _a, out: put(name, pick(out))))

    def on_input(module: nn.Module, name: str) -> None:
        def pre(_m: nn.Module, args: tuple, kwargs: dict) -> None:
            put(name, args[0] if args else kwargs["hidden_states"])
        handles.append(module.register_forward_pre_hook(pre, with_kwargs=True))

    token = _ACTIVE.set(rec)
    try:
        for stack in arch.stacks:
            for i, pm in enumerate(stack.pos_modules):
                on_output(pm, f"_pos{i}.{stack.side}")
            for layer_idx, layer in enumerate(stack.layers):
                p = f"{stack.name}.{layer_idx}"
                on_input(layer.block, f"{p}.input")
                for a in layer.attns:
                    _hook_attention(a, f"{p}.{a.sub}", on_output, on_input, with_bias=layer_idx == 0)
                on_output(layer.ffn.first, f"{p}.ffn.pre")
                on_input(layer.ffn.second, f"{p}.ffn.hidden")
                on_output(layer.ffn.second, f"{p}.ffn.out")
                on_output(layer.ffn.norm, f"{p}.ffn.normed")
        yield rec
    finally:
        for h in handles:
            h.remove()
        _ACTIVE.reset(token)


def _hook_attention(a: AttnMap, name: str, on_output: Callable, on_input: Callable, with_bias: bool) -> None:
    if a.qkv is not None:
        on_output(a.qkv, f"{name}._qkv")
    else:
        for part, mod in (("q", a.q), ("k", a.k), ("v", a.v)):
            on_output(mod, f"{name}._{part}")
    on_input(a.o, f"{name}._heads")
    on_output(a.o, f"{name}.out")
    on_output(a.norm, f"{name}.normed")
    if a.bias_source is not None and with_bias:  # T5: the bias is computed in layer 0 and reused by every layer
        on_output(a.bias_source, f"{name.split('.')[0]}.{a.sub}._bias", lambda out: out[1])


def _heads(x: Tensor, n_heads: int) -> Tensor:
    b, n, d = x.shape
    return x.view(b, n, n_heads, d // n_heads).transpose(1, 2)  # (B, H, N, dk)


def finish(arch: Arch, rec: dict[str, Tensor], weights: dict[str, Tensor], ids: dict[str, Tensor]
           ) -> dict[str, Tensor]:
    """Hook records + the model's attention weights (by sub-layer name) + the input ids (by side, (1, N)) -> the
    trace's names, batch dim kept. The hooks' private entries (names starting with _) are dropped."""
    out: dict[str, Tensor] = {}
    for stack in arch.stacks:
        _finish_stack(arch, stack, rec, weights, ids[stack.side], out)
    return out


def _finish_stack(arch: Arch, stack: StackMap, rec: dict[str, Tensor], weights: dict[str, Tensor], ids: Tensor,
                  out: dict[str, Tensor]) -> None:
    side = stack.side
    raw = nn.functional.embedding(ids.to(stack.embed_tokens.weight.device), stack.embed_tokens.weight)
    scaled = raw * stack.embed_scale
    pos = torch.zeros_like(scaled)
    for i in range(len(stack.pos_modules)):
        pos = pos + rec[f"_pos{i}.{side}"].to(scaled.dtype)  # Marian's is (N, D): broadcast
    out.update({f"embed.{side}.raw": raw, f"embed.{side}.scaled": scaled, f"embed.{side}.pos": pos.expand_as(scaled),
                f"embed.{side}.sum": scaled + pos})
    for layer_idx, layer in enumerate(stack.layers):
        p = f"{stack.name}.{layer_idx}"
        stream = rec[f"{p}.input"]
        out[f"{p}.input"] = stream
        for a in layer.attns:
            n = f"{p}.{a.sub}"
            if a.qkv is not None:
                q, k, v = rec[f"{n}._qkv"].chunk(3, dim=-1)
            else:
                q, k, v = rec[f"{n}._q"], rec[f"{n}._k"], rec[f"{n}._v"]
            q, k, v = (_heads(x, a.n_heads) for x in (q, k, v))
            scores = (q @ k.transpose(-2, -1)) * a.scaling
            bias = rec.get(f"{stack.name}.{a.sub}._bias")
            if bias is not None:
                scores = scores + bias.to(scores.dtype)
            if stack.name == "decoder" and a.sub == "self_attn":
                n_q = scores.size(-2)
                causal = torch.ones(n_q, n_q, dtype=torch.bool, device=scores.device).triu(1)
                scores = scores.masked_fill(causal, float("-inf"))
            resid = stream + rec[f"{n}.out"]
            out.update({f"{n}.q": q, f"{n}.k": k, f"{n}.v": v, f"{n}.scores": scores, f"{n}.weights": weights[n],
                        f"{n}.head_out": _heads(rec[f"{n}._heads"], a.n_heads), f"{n}.out": rec[f"{n}.out"],
                        f"{n}.resid": resid, f"{n}.normed": rec[f"{n}.normed"]})
            stream = rec[f"{n}.normed"] if arch.norm == "post" else resid
        f = f"{p}.ffn"
        resid = stream + rec[f"{f}.out"]
        out.update({f"{f}.pre": rec[f"{f}.pre"], f"{f}.hidden": rec[f"{f}.hidden"], f"{f}.out": rec[f"{f}.out"],
                    f"{f}.resid": resid, f"{f}.normed": rec[f"{f}.normed"]})
    bias = rec.get(f"{stack.name}.self_attn._bias")
    if bias is not None:
        out[f"{stack.name}.pos_bias"] = bias.expand(1, *bias.shape[1:])


def layer_output(arch: Arch, records: dict[str, Tensor], stack: str, layer: int) -> Tensor:
    """The residual stream leaving a layer: post-LN its last LayerNorm's output, pre-LN the last residual sum."""
    return records[f"{stack}.{layer}.ffn.{'normed' if arch.norm == 'post' else 'resid'}"]
