"""What is known about a translation, shown wherever it appears: is the sentence in the model's language (with the
grammar's reference translation), did the model get it right, which tokens it was unsure of, and which unknown words
were copied from the source (with the attention that chose them).

All of it comes from the trace's meta (viz_model.engine.check_against_grammar, confidence, copy_unknowns); every
outside value reaches markdown through md_escape.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from viz_model import figures
from viz_model.engine import LOW_CONFIDENCE
from viz_model.i18n import label

from . import widgets
from .markdown import md_escape
from .session import Run

NO_SPACE_BEFORE = {".", ",", "?", "!", "'s", "。", "，", "？", "！"}


def marked_text(tokens: Sequence[str], lang: str, marks: dict[int, str]) -> str:
    """Markdown for a token sequence, spaced as the language writes it, with token k wrapped in marks[k] (a Streamlit
    colour directive such as "orange-background")."""
    out = ""
    for k, tok in enumerate(tokens):
        text = md_escape(tok[:1].upper() + tok[1:] if k == 0 or (k == 1 and tokens[0] in ("¿", "¡")) else tok)
        if k in marks:
            text = f":{marks[k]}[{text}]"
        glue = lang != "zh" and k > 0 and tok not in NO_SPACE_BEFORE and tokens[k - 1] not in ("¿", "¡")
        out += (" " if glue else "") + text
    return out


def output_markdown(run: Run) -> str:
    """The translation with low-confidence tokens (orange) and copied unknown words (blue) marked."""
    m = run.trace.meta
    tokens = list(m.get("output_tokens", ()))
    conf = list(m.get("confidence", ()))
    marks = {k: "orange-background" for k in range(len(tokens)) if k < len(conf) and conf[k] < LOW_CONFIDENCE}
    marks.update({c["target_index"]: "blue-background" for c in m.get("copies", ())})
    return marked_text(tokens, m.get("lang", "es"), marks) if tokens else "∅"


def status(run: Run) -> None:
    """In the grammar (with the reference, right or wrong) or outside it (and why)."""
    m, loc = run.trace.meta, run.locale
    if "in_grammar" not in m:  # a model with no grammar behind it
        return
    if m["in_grammar"]:
        ref = m["reference"]
        if m.get("matches_reference"):
            st.success(label("in_grammar", loc, reference=md_escape(ref["translation"])) + " "
                       + label("in_grammar_ok", loc), icon="✅")
        else:
            st.error(label("model_error", loc), icon="❌")
            side_by_side(run)
    else:
        why = ""
        if m.get("outside_reason") == "unknown_word":
            why = label("outside_unknown", loc, words=md_escape(m.get("outside_detail", "")))
        elif m.get("outside_reason") == "construction":
            why = label("outside_construction", loc, where=md_escape(m.get("outside_detail", "")))
        st.warning(label("outside_grammar", loc) + ("\n\n" + why if why else ""), icon="⚠️")


def side_by_side(run: Run) -> None:
    """Reference and output, the tokens that differ marked in each (position by position)."""
    m, loc = run.trace.meta, run.locale
    ref, out, lang = list(m["reference"]["tokens"]), list(m.get("output_tokens", ())), m.get("lang", "es")
    diff = {k for k in range(max(len(ref), len(out))) if k >= len(ref) or k >= len(out) or ref[k] != out[k]}
    c1, c2 = st.columns(2)
    with c1:
        st.markdown(f"**{label('reference', loc)}**  \n"
                    + marked_text(ref, lang, {k: "green-background" for k in diff if k < len(ref)}))
    with c2:
        st.markdown(f"**{label('model_output', loc)}**  \n"
                    + marked_text(out, lang, {k: "red-background" for k in diff if k < len(out)}))


def notes(run: Run, charts: bool = True) -> None:
    """Low-confidence legend, and each copied unknown word with the attention row that chose it."""
    m, loc = run.trace.meta, run.locale
    conf = m.get("confidence", ())
    if any(c < LOW_CONFIDENCE for c in conf[: len(m.get("output_tokens", ()))]):
        st.caption(":orange-background[" + label("low_confidence", loc, p=f"{LOW_CONFIDENCE:.0%}") + "]")
    for k, c in enumerate(m.get("copies", ())):
        st.info(label("copied_word", loc, word=md_escape(c["word"]), step=c["target_index"], weight=c["attention"]),
                icon="📋")
        if charts:
            widgets.chart(figures.copy_attention_figure(run.trace, c, locale=loc), key=f"copy_{k}")


def panel(run: Run, charts: bool = True) -> None:
    """The translation with its marks, then status and notes."""
    st.markdown("#### " + output_markdown(run))
    status(run)
    notes(run, charts)
