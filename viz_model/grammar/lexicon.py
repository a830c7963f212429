"""The lexicon: data files with named columns (lexicon/*.tsv), loaded once into typed, immutable entries.

Each file is UTF-8, tab-separated, with a header row; lines starting with "#" are comments and "-" means "none".
Semantic classes (the `class` of a noun, a verb's `subj` / `obj`, an adjective's `applies_to`) come from one fixed
inventory, CLASSES; a verb's `obj` may also name nouns directly. Loading checks every row and fails with the file,
line and column of the first problem.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .es_verbs import Conjugation, conjugate

LEXICON_DIR = Path(__file__).with_name("lexicon")

CLASSES = frozenset(
    "person animal food drink readable object clothing vehicle furniture place plant body event media topic info "
    "group time".split())
CONCRETE = frozenset("animal food drink readable object clothing vehicle furniture place plant body".split())
PREPS = ("in", "on", "under", "next_to", "behind", "in_front_of", "near", "at")


class LexiconError(ValueError):
    pass


def _rows(name: str, directory: Path | None = None) -> Iterable[tuple[int, dict[str, str]]]:
    path = (directory or LEXICON_DIR) / name
    with open(path, encoding="utf-8", newline="") as f:
        lines = [(i, line) for i, line in enumerate(f, 1) if line.strip() and not line.startswith("#")]
    header = lines[0][1].rstrip("\n").split("\t")
    for lineno, line in lines[1:]:
        cells = next(csv.reader([line.rstrip("\n")], delimiter="\t", quoting=csv.QUOTE_NONE))
        if len(cells) != len(header):
            raise LexiconError(f"{name}:{lineno}: {len(cells)} columns, the header has {len(header)}")
        yield lineno, {k: ("" if v.strip() == "-" else v.strip()) for k, v in zip(header, cells)}


def _words(s: str) -> tuple[str, ...]:
    return tuple(s.split())


def _classes(name: str, lineno: int, value: str, allow_nouns: bool = False) -> frozenset[str]:
    out = frozenset(value.split())
    bad = [c for c in out if c not in CLASSES and not allow_nouns]
    if bad:
        raise LexiconError(f"{name}:{lineno}: unknown class {bad[0]!r}")
    return out


# ------------------------------------------------------------------------------------------------------ entries


@dataclass(frozen=True, eq=False)
class Noun:
    en: str
    en_pl: str | None
    es: str
    es_pl: str | None
    gender: str
    zh: str
    mw: str | None
    cls: str
    preps: frozenset[str]
    zh_in: str | None
    flags: frozenset[str]

    @property
    def mass(self) -> bool:
        return self.en_pl is None

    def __repr__(self) -> str:
        return f"Noun({self.en})"


@dataclass(frozen=True, eq=False)
class Adj:
    en: str
    es: tuple[str, str, str, str]  # m sg, f sg, m pl, f pl
    estar: bool
    zh: str
    zh_bare: str | None
    zh_pred: tuple[str, ...]
    zh_neg: tuple[str, ...]
    kind: str
    applies_to: frozenset[str]
    flags: frozenset[str]

    def es_form(self, gender: str, plural: bool) -> str:
        return self.es[(2 if plural else 0) + (1 if gender == "f" else 0)]

    @property
    def attributive(self) -> bool:
        return "pred_only" not in self.flags

    @property
    def predicative(self) -> bool:
        return "attr_only" not in self.flags

    def __repr__(self) -> str:
        return f"Adj({self.en})"


@dataclass(frozen=True, eq=False)
class Verb:
    en: tuple[str, str, str, str, str]  # base, 3sg, past, past participle, -ing
    particle: str | None
    es: str
    es_prep: str | None
    es_refl: bool
    zh: str
    zh_intr: tuple[str, ...] | None  # None: no object-less use in Chinese
    zh_coverb: str | None
    zh_ditr: str | None
    frame: str
    subj: frozenset[str]
    obj: frozenset[str]
    flags: frozenset[str]
    conj: Conjugation = field(repr=False)

    @property
    def stative(self) -> bool:
        return "stative" in self.flags

    @property
    def dative(self) -> bool:
        return "es_dative" in self.flags

    def __repr__(self) -> str:
        return f"Verb({self.en[0]}{' ' + self.particle if self.particle else ''}/{self.es})"


@dataclass(frozen=True, eq=False)
class Name:
    en: tuple[str, ...]
    es: tuple[str, ...]
    zh: str
    gender: str
    kind: str  # person / place

    def __repr__(self) -> str:
        return f"Name({' '.join(self.en)})"


@dataclass(frozen=True, eq=False)
class Pron:
    en: str
    person: int
    plural: bool
    gender: str
    es_subj: str
    es_obj: str
    es_dat: str
    es_refl: str
    es_poss: str
    zh: str
    obj_en: str
    poss_en: str

    @property
    def es_person(self) -> int:
        """Index into es_verbs.PERSONS: yo, tú, él, nosotros, ellos."""
        return {(1, False): 0, (2, False): 1, (3, False): 2, (1, True): 3, (3, True): 4}[(self.person, self.plural)]

    def __repr__(self) -> str:
        return f"Pron({self.en})"


@dataclass(frozen=True, eq=False)
class Adv:
    en: tuple[str, ...]
    es: tuple[str, ...]
    zh: tuple[str, ...]
    kind: str  # time / freq / place
    tense: str  # any / past / future / now / habit

    def __repr__(self) -> str:
        return f"Adv({' '.join(self.en)})"


@dataclass(frozen=True, eq=False)
class Phrase:
    en: tuple[str, ...]
    es: tuple[str, ...]
    zh: tuple[str, ...]
    es_align: tuple[tuple[int, int], ...] | None
    zh_align: tuple[tuple[int, int], ...] | None

    def alignment(self, lang: str, src: tuple[int, ...]) -> list[frozenset[int]]:
        """Per target token, the English indices (`src`: the phrase's token positions) it translates: every token
        with every word when the file gives no alignment, else the listed links (an unlisted token has none)."""
        tokens, links = (self.es, self.es_align) if lang == "es" else (self.zh, self.zh_align)
        if not links:
            return [frozenset(src)] * len(tokens)
        out: list[set[int]] = [set() for _ in tokens]
        for a, b in links:
            out[b].add(src[a])
        return [frozenset(x) for x in out]


@dataclass(frozen=True)
class Lexicon:
    nouns: tuple[Noun, ...]
    adjs: tuple[Adj, ...]
    verbs: tuple[Verb, ...]
    names: tuple[Name, ...]
    prons: tuple[Pron, ...]
    numbers: tuple[tuple[str, int, str, str], ...]
    advs: tuple[Adv, ...]
    phrases: tuple[Phrase, ...]

    @functools.cached_property
    def noun_by_en(self) -> dict[str, Noun]:
        out = {}
        for n in self.nouns:
            out.setdefault(n.en, n)
        return out


def _align(s: str) -> tuple[tuple[int, int], ...] | None:
    if not s:
        return None
    return tuple((int(a), int(b)) for a, b in (p.split("-") for p in s.split()))


def load(directory: Path | None = None) -> Lexicon:
    nouns = []
    for ln, r in _rows("nouns.tsv", directory):
        if r["gender"] not in ("m", "f"):
            raise LexiconError(f"nouns.tsv:{ln}: gender must be m or f")
        cls = r["class"]
        if cls not in CLASSES:
            raise LexiconError(f"nouns.tsv:{ln}: unknown class {cls!r}")
        preps = frozenset(r["preps"].split())
        if preps - set(PREPS):
            raise LexiconError(f"nouns.tsv:{ln}: unknown preposition in {r['preps']!r}")
        nouns.append(Noun(r["en"], r["en_pl"] or None, r["es"], r["es_pl"] or None, r["gender"], r["zh"],
                          r["mw"] or None, cls, preps, r["zh_in"] or None, frozenset(r["flags"].split())))
    adjs = []
    for ln, r in _rows("adjectives.tsv", directory):
        if r["copula"] not in ("ser", "estar"):
            raise LexiconError(f"adjectives.tsv:{ln}: copula must be ser or estar")
        adjs.append(Adj(r["en"], (r["es_ms"], r["es_fs"], r["es_mp"], r["es_fp"]), r["copula"] == "estar", r["zh"],
                        r["zh_bare"] or None, _words(r["zh_pred"]), _words(r["zh_neg"]), r["kind"],
                        _classes("adjectives.tsv", ln, r["applies_to"], allow_nouns=True),
                        frozenset(r["flags"].split())))
    verbs = []
    for ln, r in _rows("verbs.tsv", directory):
        try:
            conj = conjugate(r["es"])
        except ValueError as e:
            raise LexiconError(f"verbs.tsv:{ln}: {e}") from e
        zh_intr = None if r["zh_intr"] == "X" else (_words(r["zh_intr"]) if r["zh_intr"] else (r["zh"],))
        verbs.append(Verb((r["en"], r["en_3sg"], r["en_past"], r["en_pp"], r["en_ing"]), r["particle"] or None,
                          r["es"], r["es_prep"] or None, r["es_refl"] == "1", r["zh"], zh_intr,
                          r["zh_coverb"] or None, r["zh_ditr"] or None, r["frame"],
                          _classes("verbs.tsv", ln, r["subj"]), _classes("verbs.tsv", ln, r["obj"], allow_nouns=True),
                          frozenset(r["flags"].split()), conj))
    names = [Name(_words(r["en"]), _words(r["es"]), r["zh"], r["gender"] or "m", r["kind"])
             for _, r in _rows("names.tsv", directory)]
    prons = [Pron(r["en"], int(r["person"]), r["number"] == "pl", r["gender"], r["es_subj"], r["es_obj"], r["es_dat"],
                  r["es_refl"], r["es_poss"], r["zh"], r["obj_en"], r["poss_en"])
             for _, r in _rows("pronouns.tsv", directory)]
    numbers = tuple((r["en"], int(r["value"]), r["es"], r["zh"]) for _, r in _rows("numbers.tsv", directory))
    advs = [Adv(_words(r["en"]), _words(r["es"]), _words(r["zh"]), r["kind"], r["tense"])
            for _, r in _rows("adverbs.tsv", directory)]
    phrases = [Phrase(_words(r["en"]), _words(r["es"]), _words(r["zh"]), _align(r["es_align"]), _align(r["zh_align"]))
               for _, r in _rows("phrases.tsv", directory)]
    return Lexicon(tuple(nouns), tuple(adjs), tuple(verbs), tuple(names), tuple(prons), numbers, tuple(advs),
                   tuple(phrases))


@functools.lru_cache(maxsize=1)
def default() -> Lexicon:
    return load()


def filter_classes(items: Sequence, classes: frozenset[str]) -> list:
    return [x for x in items if x.cls in classes or x.en in classes]
