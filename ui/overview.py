"""The overview page's blocks: the input with unknown words marked, the translation, the model card, the vocabulary.

Every outside value (typed words, tokens, suggestions) reaches markdown through md_escape.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from viz_model import grammar
from viz_model.i18n import LABELS, label, word_class

from . import honesty, widgets
from .markdown import md_escape
from .session import Run


def sentence_and_translation(run: Run) -> None:
    """Two columns: the input as the model reads it, and the translation panel."""
    c1, c2 = st.columns(2)
    with c1:
        st.markdown(f"**{label('input_tokens', run.locale)}**")
        source_with_unknown(run)
    with c2:
        st.markdown(f"**{label('translation', run.locale)}**")
        translation_panel(run)


def source_with_unknown(run: Run) -> None:
    """The words as typed; unknown ones (read as <unk>) highlighted, with the nearest known words."""
    trace, loc = run.trace, run.locale
    words = list(trace.meta.get("source_words", ()))
    unknown = list(trace.meta.get("unknown_words", ()))
    marked = [f":orange-background[{md_escape(w)}]" if w in unknown else md_escape(w) for w in words]
    st.markdown("#### " + " ".join(marked))
    if unknown:
        lines = [md_escape(label("unknown_words", loc, words=", ".join(unknown)))]
        for w in unknown:
            near = trace.meta.get("suggestions", {}).get(w) or []
            hint = ", ".join(md_escape(s) for s in near) if near else label("no_suggestion", loc)
            lines.append(f"- **{md_escape(w)}** → {label('did_you_mean', loc)}: {hint}")
        st.warning("\n".join(lines), icon="❓")


def translation_panel(run: Run) -> None:
    """The translation, with what is known about it: in the model's language or not, the reference translation and
    whether the model matched it, low-confidence tokens, unknown words copied from the source (ui/honesty.py)."""
    honesty.panel(run)


def _pct(x: Any) -> str:
    return f"{x:.1%}" if isinstance(x, (int, float)) else "–"


def training_facts(info: dict[str, Any]) -> dict[str, Any] | None:
    """What the checkpoint's config.json says about its training run, with the sentence split added up."""
    if not info.get("steps"):
        return None
    split = info.get("sentences") or {}
    return {"steps": info["steps"], "minutes": info.get("minutes", "?"), "device": info.get("device", "?"),
            "threads": info.get("threads", "?"), "generated": sum(split.values()) if split else "?",
            "train": split.get("train", "?"), "valid": split.get("valid", "?"), "test": split.get("test", "?")}


def model_card(run: Run) -> None:
    """Architecture, task, training and held-out metrics, all read from the loaded checkpoint (never hard-coded)."""
    engine, loc = run.engine, run.locale
    d = engine.describe()
    st.markdown(label("model_shape", loc, enc=d["encoder_layers"], dec=d["decoder_layers"], heads=d["heads"],
                      d=d["d_model"], ff=d["d_ff"], params=d["parameters"], sv=d["src_vocab"], tv=d["tgt_vocab"]))
    st.caption(label("where_runs", loc, device=d["device"]))
    targets = " / ".join(label(f"lang_{code}", loc) if f"lang_{code}" in LABELS else md_escape(name)
                         for code, name in engine.languages.items())
    if "family" not in d:  # the shipped model's task; another model is described above every page (ui/models.py)
        st.markdown(f"**{label('task', loc)}** {label('task_line', loc, targets=targets)}")
    facts = training_facts(engine.info)
    if facts:
        fmt = {k: f"{v:,}" if isinstance(v, int) else v for k, v in facts.items()}
        st.markdown(f"**{label('training', loc)}** " + label("training_line", loc, **fmt))
    metrics = engine.info.get("metrics") or {}  # the checkpoint's metrics.json
    langs = metrics.get("languages") or {}
    if not langs:
        st.caption(label("no_metrics", loc))
        return
    n = metrics.get("n_sentences", "?")
    st.markdown(f"**{label('metrics', loc, n=f'{n:,}' if isinstance(n, int) else n)}**")
    for col, (lang, r) in zip(st.columns(len(langs)), langs.items()):
        with col, st.container(border=True):
            st.markdown(f"**{label(f'lang_{lang}', loc) if f'lang_{lang}' in LABELS else md_escape(lang)}**")
            c1, c2 = st.columns(2)
            c1.metric(label("exact_match", loc), _pct(r.get("exact_match")))
            c2.metric(label("aer", loc), _pct((r.get("aer") or {}).get("best_head_aer")), help=label("aer_help", loc))


@st.cache_data(show_spinner=False)
def _word_classes() -> dict[str, list[str]]:
    return grammar.word_classes()


def vocabulary_browser(run: Run) -> None:
    """Every English word the model knows, one row per word class, filtered by a search box."""
    loc = run.locale
    st.subheader(label("vocabulary_title", loc))
    query = st.text_input(label("vocab_search", loc), key="vocab_search", max_chars=40).strip().lower()
    rows = []
    for cls, words in _word_classes().items():
        hits = words if not query or query in cls.lower() else [w for w in words if query in w]
        if hits:
            rows.append((word_class(cls, loc), len(hits), ", ".join(hits)))
    df = pd.DataFrame(rows, columns=[label("word_class", loc), label("count_col", loc), label("words", loc)])
    widgets.table(run, df, "vocabulary", key="csv_vocab")
