"""The one markdown-escaping helper: outside values (links, typed text, tokens) never become markup."""

from __future__ import annotations

import re

import pytest

from ui.markdown import md_escape


@pytest.mark.parametrize("hostile", [
    "[click](https://evil.example)", "![x](https://evil.example/p.png)", ":red[boo]", "$$\\frac{1}{0}$$",
    "**bold** _it_ `code`", "<img src=x onerror=alert(1)>", "# heading", "> quote", "1. list", "~~gone~~",
])
def test_no_markup_survives(hostile):
    left = re.sub(r"\\.", "", md_escape(hostile))  # what is not escaped
    assert not [c for c in left if c.isascii() and not c.isalnum() and not c.isspace()]


def test_text_stays_readable():
    assert md_escape("the small dog 小狗 perro pequeño 42") == "the small dog 小狗 perro pequeño 42"
    assert md_escape("<s>") == "\\<s\\>" and md_escape(3) == "3"
