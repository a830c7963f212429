"""Model maths against independent references: torch's own attention, LayerNorm, the paper's formulas."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from viz_model.config import ModelConfig, preset
from viz_model.model import Recorder, Transformer, causal_mask, padding_mask, sinusoidal_positions

from .conftest import DEVICE

PAD = 0


@pytest.fixture(scope="module")
def run():
    """A tiny random model, one padded batch through it, everything recorded."""
    torch.manual_seed(0)
    model = Transformer(preset("tiny", 50, 60)).to(DEVICE).eval()
    src = torch.tensor([[4, 5, 6, 7, 8, 3], [4, 9, 10, 3, PAD, PAD]], device=DEVICE)
    tgt = torch.tensor([[2, 11, 12, 13, 14], [2, 15, 16, PAD, PAD]], device=DEVICE)
    rec = Recorder()
    with torch.no_grad():
        logits = model(src, tgt, pad_id=PAD, rec=rec)
    return model, src, tgt, rec.tensors, logits


def _mask_for(name, src, tgt):
    """The mask each attention kind must have used, built independently of the model."""
    src_keys = (src != PAD)[:, None, None, :]
    if name.endswith("cross_attn"):
        return src_keys.expand(-1, 1, tgt.size(1), -1)
    if name.startswith("decoder"):
        t = tgt.size(1)
        causal = torch.tril(torch.ones(t, t, dtype=torch.bool, device=tgt.device))
        return causal[None, None] & (tgt != PAD)[:, None, None, :]
    return src_keys.expand(-1, 1, src.size(1), -1)


ATTN = [f"encoder.{i}.self_attn" for i in range(2)] + [
    f"decoder.{i}.{k}" for i in range(2) for k in ("self_attn", "cross_attn")
]


@pytest.mark.parametrize("name", ATTN)
def test_weights_are_softmax_of_recorded_q_k(run, name):
    _, src, tgt, r, _ = run
    q, k = r[f"{name}.q"], r[f"{name}.k"]
    mask = _mask_for(name, src, tgt)
    expected = torch.softmax((q @ k.transpose(-2, -1) / math.sqrt(q.size(-1))).masked_fill(~mask, -math.inf), -1)
    torch.testing.assert_close(r[f"{name}.weights"], expected, atol=1e-6, rtol=1e-5)
    sums = r[f"{name}.weights"].sum(-1)
    torch.testing.assert_close(sums, torch.ones_like(sums), atol=1e-5, rtol=0)
    # masked entries: exactly zero weight, -inf score
    w, s = r[f"{name}.weights"], r[f"{name}.scores"]
    full = mask.expand_as(w)
    assert (w[~full] == 0).all() and torch.isneginf(s[~full]).all()
    assert (~full).any()  # the batch really has masked entries (padding or causal)


@pytest.mark.parametrize("name", ATTN)
def test_sublayer_output_matches_torch_sdpa(run, name):
    model, src, tgt, r, _ = run
    q, k, v = r[f"{name}.q"], r[f"{name}.k"], r[f"{name}.v"]
    heads = F.scaled_dot_product_attention(q, k, v, attn_mask=_mask_for(name, src, tgt))
    torch.testing.assert_close(r[f"{name}.head_out"], heads, atol=1e-5, rtol=1e-5)
    stack, layer, sub = name.split(".")
    mha = getattr(getattr(model, f"{stack}_layers")[int(layer)], sub)
    b, h, t, dk = heads.shape
    out = mha.w_o(heads.transpose(1, 2).reshape(b, t, h * dk))
    torch.testing.assert_close(r[f"{name}.out"], out, atol=1e-5, rtol=1e-5)


def test_encoder_attention_matches_nn_multihead_attention(run):
    """Our whole attention sub-layer, projections included, against torch's own implementation."""
    model, src, _, r, _ = run
    ours = model.encoder_layers[0].self_attn
    d, h = model.cfg.d_model, model.cfg.n_heads
    ref = nn.MultiheadAttention(d, h, batch_first=True).to(DEVICE).eval()
    with torch.no_grad():
        ref.in_proj_weight.copy_(torch.cat([ours.w_q.weight, ours.w_k.weight, ours.w_v.weight]))
        ref.in_proj_bias.copy_(torch.cat([ours.w_q.bias, ours.w_k.bias, ours.w_v.bias]))
        ref.out_proj.weight.copy_(ours.w_o.weight)
        ref.out_proj.bias.copy_(ours.w_o.bias)
        x = r["encoder.0.input"]
        out, avg = ref(x, x, x, key_padding_mask=src == PAD, need_weights=True, average_attn_weights=False)
    torch.testing.assert_close(r["encoder.0.self_attn.out"], out, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(r["encoder.0.self_attn.weights"], avg, atol=1e-6, rtol=1e-5)


def test_add_norm_and_ffn(run):
    model, _, _, r, _ = run
    layer = model.encoder_layers[1]
    p = "encoder.1"
    torch.testing.assert_close(r[f"{p}.self_attn.resid"], r[f"{p}.input"] + r[f"{p}.self_attn.out"])
    ln = layer.add_norm_1.norm
    expected = F.layer_norm(r[f"{p}.self_attn.resid"], (model.cfg.d_model,), ln.weight, ln.bias, ln.eps)
    torch.testing.assert_close(r[f"{p}.self_attn.normed"], expected)
    torch.testing.assert_close(r[f"{p}.ffn.hidden"], r[f"{p}.ffn.pre"].clamp(min=0))
    torch.testing.assert_close(r[f"{p}.ffn.resid"], r[f"{p}.self_attn.normed"] + r[f"{p}.ffn.out"])
    torch.testing.assert_close(r["encoder.output"], r[f"{p}.ffn.normed"])


def test_embeddings_and_positions(run):
    model, src, _, r, _ = run
    d = model.cfg.d_model
    torch.testing.assert_close(r["embed.src.raw"], model.src_embed.weight[src])
    torch.testing.assert_close(r["embed.src.scaled"], r["embed.src.raw"] * math.sqrt(d))
    pe = r["embed.src.pos"][0]
    pos, i = 3, 5  # an odd dimension: cos(pos / 10000^((i-1)/d))
    assert pe[pos, i].item() == pytest.approx(math.cos(pos / 10000 ** ((i - 1) / d)), abs=1e-6)
    assert pe[pos, i - 1].item() == pytest.approx(math.sin(pos / 10000 ** ((i - 1) / d)), abs=1e-6)
    torch.testing.assert_close(r["embed.src.sum"], r["embed.src.scaled"] + r["embed.src.pos"])
    table = sinusoidal_positions(10, 8)
    assert table.shape == (10, 8) and table[0, 0::2].abs().max() == 0 and (table[0, 1::2] == 1).all()


def test_logits_and_probs(run):
    model, _, _, r, logits = run
    torch.testing.assert_close(r["logits"], model.unembed(r["decoder.output"]))
    torch.testing.assert_close(r["probs"], torch.softmax(logits, -1))


def test_masks_are_pure_functions():
    m = causal_mask(4)
    assert m.tolist() == [[j <= i for j in range(4)] for i in range(4)]
    assert causal_mask(1, 4).tolist() == [[True, True, True, True]]  # the last query of a 4-long sequence
    assert causal_mask(2, 5).tolist() == [[True] * 4 + [False], [True] * 5]
    ids = torch.tensor([[5, 6, 0]])
    assert padding_mask(ids, 0).shape == (1, 1, 1, 3) and padding_mask(ids, 0)[0, 0, 0].tolist() == [True, True, False]


def test_nothing_about_a_run_is_stored_on_the_model(run):
    """A shared model must hold no run state: its attributes after a traced run equal those of a fresh copy."""
    model = run[0]
    before = {k: v.clone() for k, v in model.state_dict().items()}
    with torch.no_grad():
        model(torch.tensor([[4, 5, 3]], device=DEVICE), torch.tensor([[2, 7]], device=DEVICE), rec=Recorder())
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    tensors_on_modules = [
        (name, attr) for name, mod in model.named_modules() for attr, val in vars(mod).items()
        if isinstance(val, torch.Tensor) and not attr.startswith("_")
    ]
    assert tensors_on_modules == []


def test_decoder_only_model_has_no_encoder_or_cross_attention():
    torch.manual_seed(0)
    model = Transformer(preset("tiny", 20, 30, n_encoder_layers=0)).eval()
    rec = Recorder()
    with torch.no_grad():
        logits = model(None, torch.tensor([[2, 5, 6]]), rec=rec)
    assert logits.shape == (1, 3, 30)
    assert not any(n.startswith("encoder") or "cross_attn" in n or n.startswith("embed.src") for n in rec.tensors)
    assert "decoder.1.self_attn.weights" in rec.tensors


def test_config_validation():
    with pytest.raises(ValueError, match="divisible"):
        ModelConfig(10, 10, d_model=30, n_heads=4)
    with pytest.raises(KeyError):
        preset("nope", 10, 10)
    cfg = preset("small", 100, 200)
    assert ModelConfig.from_dict(cfg.to_dict()) == cfg


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_matches_cpu():
    torch.manual_seed(0)
    cpu = Transformer(preset("tiny", 50, 60)).eval()
    gpu = Transformer(preset("tiny", 50, 60)).eval()
    gpu.load_state_dict(cpu.state_dict())
    gpu.cuda()
    src, tgt = torch.tensor([[4, 5, 6, 3]]), torch.tensor([[2, 7, 8]])
    with torch.no_grad():
        a, b = cpu(src, tgt), gpu(src.cuda(), tgt.cuda()).cpu()
    torch.testing.assert_close(a, b, atol=1e-4, rtol=1e-4)
