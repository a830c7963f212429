"""Head ablation in the app (issue 8.2): cached re-decodes and sweeps, and the controls that choose what is off.

Results are values cached by (sentence, language, decoding settings, model, ablation text): nothing is kept on the
shared model, and a shared link (?ablate=...) reproduces the same result."""

from __future__ import annotations

from typing import Any

import numpy as np
import streamlit as st

from viz_model.ablation import PARTS, AblationResult, AblationSet, Sweep, head_sweep, run_ablation
from viz_model.decoding import DecodeSettings
from viz_model.i18n import label
from viz_model.model import Transformer
from viz_model.trace import ATTENTION_KINDS

from . import cache, session
from .session import Run


def supported(engine: Any) -> bool:
    """Only the app's own Transformer takes a per-call ablation (Hugging Face models run their own attention code)."""
    return isinstance(getattr(engine, "model", None), Transformer)


def layers_of(engine: Any) -> dict[str, int]:
    cfg = engine.model.cfg
    return {"encoder": cfg.n_encoder_layers, "decoder": cfg.n_decoder_layers}


def current_set(run: Run) -> AblationSet:
    """The view's ablation, read against this model's own layer counts (the link was checked against the larger)."""
    return AblationSet.parse(run.view.ablation, layers_of(run.engine), run.engine.model.cfg.n_heads)[0]


@st.cache_data(max_entries=64, max_size="32MB", show_spinner=False)
def ablation_result(sentence: str, lang: str, settings: DecodeSettings, model: str, ablation: str) -> AblationResult:
    engine = cache.engine_of(model)
    aset = AblationSet.parse(ablation, layers_of(engine), engine.model.cfg.n_heads)[0]
    v = engine.tgt_vocab
    return run_ablation(engine.model, cache.get_trace(sentence, lang, settings, model), v.itos, aset, v.bos_id,
                        v.eos_id, pad_id=v.pad_id)


@st.cache_data(max_entries=64, max_size="16MB", show_spinner=False)
def sweep(sentence: str, lang: str, settings: DecodeSettings, model: str) -> Sweep:
    engine = cache.engine_of(model)
    v = engine.tgt_vocab
    return head_sweep(engine.model, cache.get_trace(sentence, lang, settings, model), v.stoi, v.bos_id, v.unk_id,
                      pad_id=v.pad_id)


def _set_view(aset: AblationSet) -> None:
    session.update(ablation=aset.to_string())


_ANY = {"encoder": 99, "decoder": 99}  # re-reading the view's own (already checked) set: no limits needed


def _heads_changed(kind: str, key: str) -> None:
    aset = AblationSet.parse(session.view().ablation, _ANY, 99)[0]
    chosen = {(kind, layer, h) for layer, h in st.session_state[key]}
    _set_view(AblationSet(frozenset({x for x in aset.heads if x[0] != kind} | chosen), aset.sublayers))


def _subs_changed(key: str) -> None:
    aset = AblationSet.parse(session.view().ablation, _ANY, 99)[0]
    _set_view(AblationSet(aset.heads, frozenset(tuple(x) for x in st.session_state[key])))


def controls(run: Run, aset: AblationSet) -> None:
    """Three multiselects of heads (one per attention kind) and one of whole sub-layers, bound to view.ablation."""
    loc, layers, n_heads = run.locale, layers_of(run.engine), run.engine.model.cfg.n_heads
    kinds = [k for k in ATTENTION_KINDS if layers[ATTENTION_KINDS[k][0]] and (k != "cross" or layers["encoder"])]
    cols = st.columns(len(kinds))
    for col, kind in zip(cols, kinds):
        key = f"abl_heads_{kind}.{loc}"
        options = [(layer, h) for layer in range(layers[ATTENTION_KINDS[kind][0]]) for h in range(n_heads)]
        st.session_state[key] = sorted((layer, h) for k, layer, h in aset.heads if k == kind)
        col.multiselect(label("abl_pick_heads", loc, kind=label(kind, loc)), options, key=key,
                        format_func=lambda o: label("abl_head_option", loc, layer=o[0], head=o[1]),
                        on_change=_heads_changed, args=(kind, key))
    parts = [(p, layer) for p in PARTS for layer in range(layers[PARTS[p][0]])
             if p != "cross" or layers["encoder"]]
    parts.sort(key=lambda x: (PARTS[x[0]][0] != "encoder", x[1], list(PARTS).index(x[0])))
    key = f"abl_subs.{loc}"
    st.session_state[key] = [x for x in parts if x in aset.sublayers]
    st.multiselect(label("abl_pick_sublayers", loc), parts, key=key, on_change=_subs_changed, args=(key,),
                   format_func=lambda x: label("abl_sublayer_option", loc, stack=label(PARTS[x[0]][0], loc),
                                               layer=x[1], part=label(f"abl_part_{PARTS[x[0]][1]}", loc)))
    if aset:
        st.button(label("abl_clear", loc), on_click=_set_view, args=(AblationSet(),), icon="↩️",
                  key="abl_clear")


def add_top_heads(sw: Sweep, aset: AblationSet, n: int = 3) -> None:
    """A control under the sweep: switch off the n heads whose removal costs most (added to what is off)."""
    ranked = sorted(((float(z[idx]), (k, *idx)) for k, z in sw.drops.items() for idx in np.ndindex(z.shape)),
                    reverse=True)
    top = frozenset(x for _, x in ranked[:n])
    st.button(label("abl_add_top", session.view().locale, n=n), icon="✂️", on_click=_set_view,
                     args=(AblationSet(aset.heads | top, aset.sublayers),))
