"""The one translation table: complete in every language, no unused keys, one Chinese term per concept."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from viz_model.i18n import GLOSSARY, LABELS, LANGUAGES, label, word_class

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [p for pattern in ("app.py", "pages/*.py", "ui/*.py", "viz_model/**/*.py") for p in ROOT.glob(pattern)
           if p.name != "i18n.py"]


def test_every_key_in_every_language():
    missing = [(k, lang) for k, v in LABELS.items() for lang in LANGUAGES if not v.get(lang)]
    assert not missing
    extra = [k for k, v in LABELS.items() if set(v) - set(LANGUAGES)]
    assert not extra


def test_templates_take_the_same_fields_in_every_language():
    field = re.compile(r"{(\w+)")
    for key, v in LABELS.items():
        assert {lang: set(field.findall(s)) for lang, s in v.items()} == \
            {lang: set(field.findall(v["en"])) for lang in v}, key


def test_no_unused_keys():
    """A key is used when the code names it in quotes, or builds it from a prefix in an f-string (f"tab_{kind}")."""
    i18n = (ROOT / "viz_model" / "i18n.py").read_text(encoding="utf-8")
    code = "\n".join(p.read_text(encoding="utf-8") for p in SOURCES) + i18n[i18n.index("\ndef "):]  # not the table
    prefixes = set(re.findall(r"f[\"']([a-z_]+_){", code))
    unused = [k for k in LABELS
              if f'"{k}"' not in code and f"'{k}'" not in code and not any(k.startswith(p) for p in prefixes)]
    assert not unused


@pytest.mark.parametrize("word, term", GLOSSARY.items())
def test_one_chinese_term_per_concept(word, term):
    pattern = re.compile(rf"\b{word}\b", re.IGNORECASE)
    wrong = [k for k, v in LABELS.items() if pattern.search(re.sub(r"{[^}]*}", "", v["en"])) and term not in v["zh"]]
    assert not wrong, f"{word!r} should read {term!r} in Chinese: {wrong}"


def test_head_is_never_a_bare_tou():
    bare = [k for k, v in LABELS.items() if re.search(r"(?<!注意力)(?<!开)头", v["zh"])]
    assert not bare


def test_lookup_and_fallback():
    assert label("layer_n", "zh", n=2) == "第 2 层"
    assert label("layer", "fr") == "layer"
    assert word_class("relative pronoun", "zh") == "关系代词" and word_class("new class", "zh") == "new class"
    with pytest.raises(KeyError):
        label("no such key")
