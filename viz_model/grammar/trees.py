"""The trees the English rules build, in either mode: what a sentence means, plus the index of every English word.

Indices (`*_i` fields, tuples of English token positions) are what the Spanish and Chinese realisers use for gold
alignments. Trees are frozen dataclasses compared by value, so "parse(generate(x)) == x" is a plain equality.
"""

from __future__ import annotations

from dataclasses import dataclass

from .lexicon import Adj, Adv, Name, Noun, Phrase, Pron, Verb

I = tuple[int, ...]  # noqa: E741  English token indices


@dataclass(frozen=True)
class AdjUse:
    adj: Adj
    i: I
    very_i: I = ()  # "very" / "most" / "more"
    degree: str = ""  # very / most (superlative, "the most important book")


@dataclass(frozen=True)
class Rel:
    """A relative clause on a noun: "that sleeps" (gap = subj) or "that the man reads" (gap = obj)."""

    gap: str  # subj / obj
    that_i: I
    clause: Clause


@dataclass(frozen=True)
class NP:
    kind: str  # noun / pron / name / coord / demo ("this" / "that" as a pronoun)
    head: Noun | Pron | Name | None = None
    head_i: I = ()
    plural: bool = False
    det: str = ""  # the a this that these those my your his her our their num bare own ('s) no
    det_i: I = ()
    num: int = 0
    adjs: tuple[AdjUse, ...] = ()
    and_i: I = ()  # "and" between two adjectives, or between coordinated noun phrases
    owner: NP | None = None  # "the man's": owner NP, det_i holds "'s"
    rel: Rel | None = None
    parts: tuple[NP, ...] = ()  # coord
    conj: str = "and"  # coord: and / or

    @property
    def person(self) -> int:
        return self.head.person if self.kind == "pron" else 3

    @property
    def is_plural(self) -> bool:
        if self.kind == "pron":
            return self.head.plural
        return self.kind == "coord" or self.plural

    @property
    def agr(self) -> str:
        """English verb agreement: "i" (am / was), "3sg" (is / does / -s), "pl" (are / do / were)."""
        if self.kind == "pron":
            if self.head.en == "i":
                return "i"
            if self.head.en == "you" or self.head.plural:
                return "pl"
            return "3sg"
        return "pl" if self.is_plural else "3sg"

    @property
    def gender(self) -> str:
        if self.kind == "coord":
            return "f" if all(p.gender == "f" for p in self.parts) else "m"
        if self.kind == "demo":
            return self.head.gender if self.head is not None else "m"
        return getattr(self.head, "gender", "m")

    @property
    def cls(self) -> str:
        if self.kind == "pron":
            return "object" if self.head.en == "it" else "person"
        if self.kind == "name":
            return self.head.kind
        if self.kind == "coord":
            return self.parts[0].cls
        return self.head.cls if self.head is not None else "object"

    @property
    def definite(self) -> bool:
        return self.kind in ("pron", "name") or self.det not in ("a", "num", "bare", "no", "some", "any", "many",
                                                                 "several", "another")


@dataclass(frozen=True)
class Loc:
    prep: str  # in on under next_to behind in_front_of near at
    prep_i: I
    np: NP


@dataclass(frozen=True)
class Clause:
    subj: NP | None  # None: imperative, or the gap of a subject relative / subject question
    pred: str  # verb / adj / nom / loc / from / name / exist
    tense: str = "pres"  # pres prog past fut going perf
    aux_i: I = ()  # do / does / did / will / am / is / are / was / were / have / has / going to / would
    modal: str = ""  # can must should have_to want like need would_like
    modal_i: I = ()
    neg_i: I = ()
    verb: Verb | None = None
    verb_i: I = ()
    part_i: I = ()  # the verb's particle ("look at")
    obj: NP | None = None
    iobj: NP | None = None
    to_i: I = ()  # "to" of a recipient ("give a book to the boy") or of a destination ("go to the park")
    dest: NP | None = None
    comp: Clause | None = None  # "that"-clause
    that_i: I = ()
    adjs: tuple[AdjUse, ...] = ()
    and_i: I = ()
    nom: NP | None = None  # "is a student", "my name is Anna" (a name NP)
    loc: Loc | None = None
    time: tuple[Adv, I] | None = None
    freq: tuple[Adv, I] | None = None
    place: tuple[Adv, I] | None = None  # here / there
    comit: NP | None = None  # "with my friend"
    with_i: I = ()
    cmp_i: I = ()  # "more ... than" (pred "cmp": adjs[0] compared with `nom`)

    @property
    def neg(self) -> bool:
        return bool(self.neg_i)


@dataclass(frozen=True)
class Sentence:
    form: str  # decl yn wh imp sub coord phrase
    clause: Clause | None = None
    clause2: Clause | None = None  # second clause (coord, sub)
    conj: str = ""  # and but because when if
    conj_i: I = ()
    sub_first: bool = False  # "When ..., ..." / "If ..., ..."
    comma_i: I = ()
    wh: str = ""  # what who where when why how_many
    wh_i: I = ()
    front: Loc | None = None  # fronted place phrase
    please_i: I = ()
    phrase: Phrase | None = None
    phrase_i: I = ()
    punct: str = ""
    punct_i: I = ()


__all__ = ["I", "AdjUse", "Rel", "NP", "Loc", "Clause", "Sentence", "Adj", "Adv", "Name", "Noun", "Phrase", "Pron",
           "Verb"]
