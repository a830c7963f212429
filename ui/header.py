"""Each page's header: icon, title and plain explanation (from the translation table) and the stage's formulas."""

from __future__ import annotations

import streamlit as st

from viz_model.i18n import LABELS, label
from viz_model.tokenizer import InputError

from .markdown import md_escape

ICONS = {"overview": "🗺️", "embeddings": "🔤", "positional": "〰️", "attention": "👀", "ffn": "🧮", "output": "🎯",
         "alignment": "🔗", "qk": "🔬", "ablation": "✂️"}  # issue 8

FORMULAS: dict[str, list[str]] = {
    "overview": [r"P(y_t \mid y_{<t}, x) = \operatorname{softmax}\big(W_{\text{out}}\,"
                 r"\operatorname{Dec}(y_{<t},\ \operatorname{Enc}(x))_t\big)"],
    "embeddings": [r"e_i = \sqrt{d_{\text{model}}}\; E[x_i], \qquad E \in \mathbb{R}^{|V| \times d_{\text{model}}}"],
    "positional": [r"PE_{(pos,\,2i)} = \sin\!\left(\frac{pos}{10000^{2i/d_{\text{model}}}}\right)",
                   r"PE_{(pos,\,2i+1)} = \cos\!\left(\frac{pos}{10000^{2i/d_{\text{model}}}}\right)",
                   r"h^{(0)}_i = \sqrt{d_{\text{model}}}\,E[x_i] + PE_i"],
    "attention": [r"\operatorname{Attention}(Q,K,V) = \operatorname{softmax}\!\left(\frac{QK^{\top}}{\sqrt{d_k}}"
                  r" + M\right)V",
                  r"\operatorname{MultiHead}(x) = \operatorname{Concat}(\text{head}_1,\dots,\text{head}_h)\,W^{O}"],
    "ffn": [r"\operatorname{FFN}(x) = \max(0,\ xW_1 + b_1)\,W_2 + b_2",
            r"x \leftarrow \operatorname{LayerNorm}\big(x + \operatorname{Sublayer}(x)\big)"],
    "output": [r"p(y_t = w) = \frac{\exp(z_{t,w}/\tau)}{\sum_{v} \exp(z_{t,v}/\tau)}", r"z_t = h_t W_{\text{out}}"],
    # issue 8: alignment & flow, query · key
    "alignment": [r"a(t) = \arg\max_{s \in \text{words}} A^{\text{cross}}_{t-1,\,s}",
                  r"\operatorname{AER} = 1 - \frac{|A \cap S| + |A \cap P|}{|A| + |S|}",
                  r"\tilde A = \tfrac12 I + \tfrac12 \overline{A}",
                  r"R_{\text{enc}} = \tilde A_L \cdots \tilde A_1"],
    "qk": [r"s_j = \frac{q \cdot k_j}{\sqrt{d_k}} + M_j = \frac{\sum_i q_i k_{j,i}}{\sqrt{d_k}} + M_j",
           r"\alpha_j = \frac{e^{s_j}}{\sum_{j'} e^{s_{j'}}}, \qquad o = \sum_j \alpha_j v_j"],
    # issue 8.2: head ablation
    "ablation": [r"\operatorname{MultiHead}(x) = \operatorname{Concat}(m_1\,\text{head}_1,\dots,m_h\,\text{head}_h)"
                 r"\,W^{O},\quad m_i \in \{0, 1\}",
                 r"\Delta_i = \log p(y \mid x) - \log p_{\,\text{head } i \text{ off}}(y \mid x)"],
}


# On a phone (390 px) the formulas are set smaller so that none is cut (if one still does not fit, it scrolls), and
# the pipeline diagram keeps a readable width inside its own horizontal scroll (its boxes hold fixed-size text).
NARROW_CSS = """<style>
.katex-display { overflow-x: auto; overflow-y: hidden; }
@media (max-width: 640px) {
  .katex-display { font-size: 0.74em; }
  .st-key-wide_diagram { overflow-x: auto; }
  .st-key-wide_diagram > div { min-width: 760px !important; }
}
</style>"""


def page_title(page: str, locale: str = "en") -> str:
    return label(f"page_{page}", locale)


def header(page: str, locale: str) -> None:
    """Title, 2-4 plain sentences on what the stage does, and its formula(s) (one per line, so none is cut)."""
    st.title(f"{ICONS[page]} {page_title(page, locale)}")
    st.markdown(md_escape(label(f"intro_{page}", locale)))  # "<2es>" is text, not a tag
    st.html(NARROW_CSS)
    for formula in FORMULAS[page]:
        st.latex(formula)


def input_error(err: InputError, locale: str = "en") -> str:
    """An InputError's message in the interface language by its code (English when unknown), escaped for markdown."""
    key = f"err_{getattr(err, 'code', '')}"
    if key in LABELS:
        try:
            return md_escape(label(key, locale, **getattr(err, "params", {})))
        except (KeyError, IndexError, ValueError):
            pass
    return md_escape(err)


def model_error(err: BaseException, locale: str = "en") -> str:
    """Why the shipped model could not be loaded: a CheckpointError names the file and the problem (the file's
    name only, not the server's path), anything else the generic message; escaped for markdown."""
    short = getattr(err, "short", None)
    if short:
        return label("err_model_checkpoint", locale, what=md_escape(short))
    return label("err_model", locale)
