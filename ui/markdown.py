"""The one markdown-escaping helper: every outside value (URL parameters, typed text, tokens, words) that reaches
st.markdown, st.warning, st.info, st.error or st.caption goes through `md_escape` first.

Streamlit renders markdown in all of those: an unescaped value could become a live link, an outside image
(`![x](https://…)`), a colour (`:red[…]`) or KaTeX (`$$…$$`).
"""

from __future__ import annotations


def md_escape(text: object) -> str:
    """Every ASCII punctuation mark gets a backslash, so no markup survives; letters, digits, spaces and CJK stay."""
    return "".join("\\" + c if (c.isascii() and not c.isalnum() and not c.isspace()) else c for c in str(text))
