"""Tiny random-weight Hugging Face models of every supported family, with tokenizers trained here: nothing downloads.

Each builder returns (model, tokenizer). `save_tiny(family, folder)` writes one as a local model folder (what
`Engine.load(model=folder)` and the app's allowlist read).
"""

from __future__ import annotations

from pathlib import Path

import torch

CORPUS = [
    "The black cat sleeps under the table.", "A small dog sees the cats.", "The women are reading books quickly.",
    "My brother will not drink the cold water.", "Where do the children play football?",
    "Unbelievable things happened yesterday in the garden.", "She is writing letters to her grandmother.",
    "The teachers were walking slowly towards the station.", "Two green birds are singing in the trees.",
]
D, H, F, LAYERS = 32, 4, 64, 2


def _sentencepiece(vocab_size: int = 160):
    from tokenizers import SentencePieceBPETokenizer
    from tokenizers.processors import TemplateProcessing
    from transformers import PreTrainedTokenizerFast

    sp = SentencePieceBPETokenizer()
    sp.train_from_iterator(CORPUS * 5, vocab_size=vocab_size, special_tokens=["<pad>", "</s>", "<unk>"],
                           show_progress=False)
    sp.post_processor = TemplateProcessing(single="$A </s>", special_tokens=[("</s>", sp.token_to_id("</s>"))])
    return PreTrainedTokenizerFast(tokenizer_object=sp, pad_token="<pad>", eos_token="</s>", unk_token="<unk>")


def _byte_level(specials: list[str], template: str | None, **names: str):
    from tokenizers import ByteLevelBPETokenizer
    from tokenizers.processors import TemplateProcessing
    from transformers import PreTrainedTokenizerFast

    bl = ByteLevelBPETokenizer()
    bl.train_from_iterator(CORPUS * 5, vocab_size=320, special_tokens=specials, show_progress=False)
    tok = bl._tokenizer
    if template:
        tok.post_processor = TemplateProcessing(single=template, special_tokens=[(s, tok.token_to_id(s))
                                                                                 for s in specials[:3]])
    return PreTrainedTokenizerFast(tokenizer_object=tok, **names)


def _wordpiece():
    from tokenizers import BertWordPieceTokenizer
    from tokenizers.processors import TemplateProcessing
    from transformers import PreTrainedTokenizerFast

    wp = BertWordPieceTokenizer()
    wp.train_from_iterator(CORPUS * 5, vocab_size=140, show_progress=False)
    tok = wp._tokenizer
    tok.post_processor = TemplateProcessing(single="[CLS] $A [SEP]", special_tokens=[
        ("[CLS]", tok.token_to_id("[CLS]")), ("[SEP]", tok.token_to_id("[SEP]"))])
    return PreTrainedTokenizerFast(tokenizer_object=tok, cls_token="[CLS]", sep_token="[SEP]", pad_token="[PAD]",
                                   unk_token="[UNK]", mask_token="[MASK]")


def _bart_like(config_cls, model_cls, tok, **extra):
    cfg = config_cls(vocab_size=len(tok), d_model=D, encoder_layers=LAYERS, decoder_layers=LAYERS,
                     encoder_attention_heads=H, decoder_attention_heads=H, encoder_ffn_dim=F, decoder_ffn_dim=F,
                     max_position_embeddings=64, pad_token_id=tok.pad_token_id, eos_token_id=tok.eos_token_id,
                     attn_implementation="eager", **extra)
    model = model_cls(cfg).eval()
    with torch.no_grad():  # zeros after init: make it matter, so the tests see it in the logits and the logit lens
        model.final_logits_bias.normal_(std=0.5)
    return model, tok


def marian():
    from transformers import MarianConfig, MarianMTModel

    tok = _sentencepiece()
    return _bart_like(MarianConfig, MarianMTModel, tok, decoder_start_token_id=tok.pad_token_id,
                      bos_token_id=tok.pad_token_id, scale_embedding=True)


def bart():
    from transformers import BartConfig, BartForConditionalGeneration

    tok = _byte_level(["<s>", "<pad>", "</s>", "<unk>"], "<s> $A </s>", bos_token="<s>", pad_token="<pad>",
                      eos_token="</s>", unk_token="<unk>")
    return _bart_like(BartConfig, BartForConditionalGeneration, tok, bos_token_id=tok.bos_token_id,
                      decoder_start_token_id=tok.eos_token_id, forced_eos_token_id=None)


def mbart():
    from transformers import MBartConfig, MBartForConditionalGeneration

    tok = _sentencepiece()
    return _bart_like(MBartConfig, MBartForConditionalGeneration, tok, decoder_start_token_id=tok.eos_token_id,
                      bos_token_id=tok.eos_token_id, scale_embedding=True)


def t5():
    from transformers import T5Config, T5ForConditionalGeneration

    tok = _sentencepiece()
    cfg = T5Config(vocab_size=len(tok), d_model=D, d_kv=D // H, d_ff=F, num_layers=LAYERS, num_decoder_layers=LAYERS,
                   num_heads=H, relative_attention_num_buckets=8, relative_attention_max_distance=16,
                   pad_token_id=tok.pad_token_id, eos_token_id=tok.eos_token_id,
                   decoder_start_token_id=tok.pad_token_id, attn_implementation="eager")
    return T5ForConditionalGeneration(cfg).eval(), tok


def bert():
    from transformers import BertConfig, BertModel

    tok = _wordpiece()
    cfg = BertConfig(vocab_size=len(tok), hidden_size=D, num_hidden_layers=LAYERS, num_attention_heads=H,
                     intermediate_size=F, max_position_embeddings=64, pad_token_id=tok.pad_token_id,
                     attn_implementation="eager")
    return BertModel(cfg, add_pooling_layer=False).eval(), tok


def gpt2():
    from transformers import GPT2Config, GPT2LMHeadModel

    tok = _byte_level(["<|endoftext|>"], None, bos_token="<|endoftext|>", eos_token="<|endoftext|>",
                      unk_token="<|endoftext|>")
    cfg = GPT2Config(vocab_size=len(tok), n_embd=D, n_layer=LAYERS, n_head=H, n_inner=F, n_positions=64,
                     bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id, attn_implementation="eager")
    return GPT2LMHeadModel(cfg).eval(), tok


BUILDERS = {"marian": marian, "bart": bart, "mbart": mbart, "t5": t5, "bert": bert, "gpt2": gpt2}


def build(family: str, seed: int = 0):
    torch.manual_seed(seed)
    return BUILDERS[family]()


def save_tiny(family: str, folder: Path, seed: int = 0) -> Path:
    model, tok = build(family, seed)
    model.save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder
