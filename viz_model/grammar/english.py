"""The English grammar: one set of rules that both generates and parses (see derive.py), building trees.py trees.

What the grammar says, in brief (every rule below is used in both directions):
  sentence  := phrase | declarative | yes/no question | wh-question | imperative | clause (because|when|if) clause
               | (when|if) clause , clause | clause (and|but) clause | there is/are ...; final . ? ! optional
  clause    := subject verb-group complements adjuncts, where the verb group carries tense (present, progressive,
               past, future, "going to", present perfect), negation and modals (can, must, should, have to, want to,
               like to, need to, would like to); complements follow the verb's frame (intransitive, transitive,
               ditransitive, motion "to" a place, "that"-clause); "be" takes adjectives (one or two, "very"),
               "a" + noun, a place phrase, "from" + place; "my name is N"
  noun phrase := pronoun | name | "this"/"that" (as subject of "is") | determiner adjective* noun relative-clause?
               | owner 's noun | noun phrase and noun phrase
Semantic restrictions (what a verb takes as subject and object, which nouns an adjective describes, which places
fit which things) are checked in both modes, so what the grammar accepts is what it could have generated.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

from .derive import LexTable, Mode, State, one
from .lexicon import CLASSES, CONCRETE, Lexicon, Noun, Verb
from .trees import NP, AdjUse, Clause, Loc, Rel, Sentence

R = Iterator  # a rule's result: (value, State) pairs

POSS_DETS = ("my", "your", "his", "her", "our", "their", "its")
QUANT_DETS = ("all", "some", "many", "several", "each", "every", "another")  # and "any" (negative / question)
SMALL = frozenset("object readable food drink clothing plant".split())
ANIMATE = frozenset({"person", "animal"})
ADJ_RANK = {"order": 0, "quality": 1, "emotion": 1, "other": 1, "state": 1, "size": 2, "age": 3, "shape": 4,
            "temperature": 4, "colour": 5, "origin": 6}  # English order: opinion, size, age, shape, colour, origin
TENSES = ("pres", "prog", "past", "fut", "going", "perf")
# the prepositional dative: "buy a book for her" (not "to her"); "ask" only as "ask her a question"
FOR_DATIVE = {"buy": "for"}
NO_TO_DATIVE = frozenset({"ask"})
MODALS = ("can", "must", "should", "have_to", "want", "like", "need", "would_like")


class G:
    """The grammar over one lexicon: lookup tables built once."""

    def __init__(self, lex: Lexicon) -> None:
        self.lex = lex
        self.noun_sg = LexTable([(tuple(n.en.split()), n) for n in lex.nouns if "home" not in n.flags])
        self.noun_pl = LexTable([(tuple(n.en_pl.split()), n) for n in lex.nouns
                                 if n.en_pl and "unique" not in n.flags and "home" not in n.flags])
        self.home = next((n for n in lex.nouns if "home" in n.flags), None)
        self.adj = LexTable([((a.en,), a) for a in lex.adjs])
        forms = ("base", "3sg", "past", "pp", "ing")
        self.verb = {f: LexTable([(tuple(v.en[k].split()), v) for v in lex.verbs]) for k, f in enumerate(forms)}
        self.names = LexTable([(n.en, n) for n in lex.names])
        self.pron_subj = LexTable([((p.en,), p) for p in lex.prons])
        self.pron_obj = LexTable([((p.obj_en,), p) for p in lex.prons])
        self.poss = {p.poss_en: p for p in lex.prons}
        self.numbers = LexTable([((en,), (v, es, zh)) for en, v, es, zh in lex.numbers])
        self.adv = {k: LexTable([(a.en, a) for a in lex.advs if a.kind == k]) for k in ("time", "freq", "place")}
        self.phrases = LexTable([(p.en, p) for p in lex.phrases])
        self._loc_cache: dict = {}
        self.subj_lemmas = {x for v in lex.verbs for x in v.subj if x not in CLASSES}
        self.obj_lemmas = {x for v in lex.verbs for x in v.obj if x not in CLASSES}
        self.adj_lemmas = {x for a in lex.adjs for x in a.applies_to if x not in CLASSES}
        self.obj_classes = {id(v): frozenset(c for c in v.obj if c in CLASSES) | frozenset(
            n.cls for n in lex.nouns if n.en in v.obj) for v in lex.verbs}
        self.modal_verbs = {m: next((v for v in lex.verbs if v.en[0] == en and v.frame != "clause"), None)
                            for m, en in (("want", "want"), ("like", "like"), ("need", "need"))}

    # ------------------------------------------------------------------------------------------ helpers

    @staticmethod
    def fits(np: NP, allowed: frozenset[str]) -> bool:
        if np.kind == "noun" and np.head.en in allowed:
            return True
        if np.kind == "coord":
            return all(G.fits(p, allowed) for p in np.parts)
        return np.cls in allowed

    @staticmethod
    def noun_fits(n: Noun, allowed: frozenset[str] | None) -> bool:
        return allowed is None or n.cls in allowed or n.en in allowed

    # ------------------------------------------------------------------------------------------ noun phrases

    def np(self, m: Mode, st: State, role: str, classes: frozenset[str] | None, agr: str | None = None,
           rel: bool = False, pron: bool = True, names: bool = True) -> R:
        """Any noun phrase whose head fits `classes`. role: subj obj iobj loc dest owner pred exist."""
        person_ok = classes is None or "person" in classes
        it_ok = (classes is None or "object" in classes) and role in ("subj", "obj")
        if isinstance(agr, str):
            agr = (agr,)
        opts = []
        if pron and (person_ok or it_ok) and role in ("subj", "obj", "iobj"):
            opts.append((0.8 if role == "subj" else 0.3, lambda s: self.pronoun(m, s, role, agr, person_ok, it_ok)))
        if names and (agr is None or "3sg" in agr):
            kinds = {k for k in ("person", "place") if classes is None or k in classes}
            if role in ("loc", "dest"):
                kinds &= {"place"}
            if kinds:
                opts.append((0.1, lambda s: self.name_np(m, s, frozenset(kinds))))
        opts.append((1.0, lambda s: self.noun_np(m, s, role, classes, agr, rel)))
        if role == "subj" and (agr is None or "pl" in agr):
            opts.append((0.05, lambda s: self.coord_np(m, s, classes)))
        yield from m.alt(st, opts)

    def pronoun(self, m, st, role, agr, person_ok=True, it_ok=False):
        table = self.pron_subj if role == "subj" else self.pron_obj
        if m.generating and role == "subj" and person_ok and m.rng.random() < 0.3:
            # I / you / we as subjects a little more often, so that each of their verb forms in each tense (the
            # Spanish futures comeré, comerás, comeremos) is frequent in training
            ok, key = (lambda p: p.person in (1, 2)), ("pron12",)
        else:
            ok, key = (lambda p: it_ok if p.en == "it" else person_ok), ("pron", person_ok, it_ok)
        for (p, i), st2 in m.lex(st, table, ok, key=key):
            np = NP("pron", p, i)
            if agr is None or np.agr in agr:
                yield np, st2

    def name_np(self, m, st, kinds):
        for (n, i), st2 in m.lex(st, self.names, lambda n: n.kind in kinds, key=("names", kinds)):
            yield NP("name", n, i), st2

    def coord_np(self, m, st, classes):
        """"the cat and the dog": two simple noun phrases of the same class, plural agreement."""
        cls = classes & ANIMATE if classes is not None else ANIMATE
        if not cls:
            return
        for a, st2 in self.noun_np(m, st, "coord", cls, None, False):
            for and_i, st3 in m.word(st2, "and"):
                for b, st4 in self.noun_np(m, st3, "coord", frozenset({a.cls}), None, False):
                    if b.head is not a.head:
                        yield NP("coord", and_i=(and_i,), parts=(a, b), plural=True), st4

    def _dets(self, role):
        """(determiner, weight): which determiners a role allows."""
        if role == "exist":
            return (("a", 3), ("num", 2), ("bare", 2))
        if role == "coord":
            return (("the", 3), ("a", 1), ("poss", 1))
        base = [("the", 4), ("a", 2.5), ("this", 0.8), ("that", 0.8), ("these", 0.5), ("those", 0.5), ("poss", 2),
                ("num", 1), ("bare", 1.2), ("own", 0.6), ("quant", 1.0 if role in ("subj", "obj") else 0)]
        if role == "any":
            base = [(d, w) for d, w in base if d != "quant"] + [("any", 1.0)]
        if role in ("loc", "dest"):
            base = [(d, w) for d, w in base if d in ("the", "a", "this", "that", "poss", "own")]
        if role == "owner":
            base = [(d, w) for d, w in base if d in ("the", "poss")]
        return base

    def noun_np(self, m, st, role, classes, agr, rel):
        """det adjective* noun relative-clause?; role "any" is an object in a negative clause or a question."""
        for (det, det_i, num, owner), st2 in m.alt(st, [(w, functools.partial(self.det, m, d)) for d, w in
                                                        self._dets(role)]):
            if isinstance(agr, str):
                agr = (agr,)
            for plural in self._numbers_for(m, det, role, agr):
                if agr is not None and ("pl" if plural else "3sg") not in agr:
                    continue
                yield from self._noun_rest(m, st2, role, classes, det, det_i, num, owner, plural, rel)

    def _numbers_for(self, m, det, role, agr):
        if det in ("a", "this", "that", "each", "every", "another") or det == "num1":
            return (False,)
        if det in ("these", "those", "num", "all", "some", "many", "several", "any"):
            return (True,)
        if role == "loc":
            return (False,)
        if agr is not None and "pl" not in agr:
            return (False,)
        if agr is not None and "3sg" not in agr:
            return (True,)
        if m.generating:
            return (False, True) if m.rng.random() < 0.65 else (True, False)
        return (False, True)

    def det(self, m, kind, st):
        """One determiner: yields ((det, det_i, num, owner), State)."""
        if kind in ("the", "this", "that", "these", "those"):
            for i, st2 in m.word(st, kind):
                yield (kind, (i,), 0, None), st2
        elif kind in ("a", "a_not_one"):
            # "a", "an" and "one" are one determiner (un / una, 一 + measure word): generation writes "a" (or
            # "one") and fix_articles picks "a" or "an"; "one" is not offered where it would read oddly ("she is a
            # doctor", "this is a book")
            words = ("a", "an") if kind == "a_not_one" else ("a", "an", "one")
            if m.generating:
                words = ("one",) if kind == "a" and m.rng.random() < 0.08 else ("a",)
            for w in words:
                for i, st2 in m.word(st, w):
                    yield ("a", (i,), 0, None), st2
        elif kind == "poss":
            for w in (POSS_DETS if not m.generating else (m.rng.choice(POSS_DETS),)):
                for i, st2 in m.word(st, w):
                    yield (w, (i,), 0, None), st2
        elif kind == "num":
            for ((v, _, _), i), st2 in m.lex(st, self.numbers, lambda x: x[0] >= 2, key="num2"):
                yield ("num", i, v, None), st2
        elif kind == "bare":
            yield ("bare", (), 0, None), st
        elif kind == "quant":
            for (w, i), st2 in m.choose(st, QUANT_DETS, (1.2, 1.2, 1, 0.6, 0.6, 0.6, 0.6)):
                if w == "all":
                    for j, st3 in m.word(st2, "the"):
                        yield ("all", (i, j), 0, None), st3
                else:
                    yield (w, (i,), 0, None), st2
        elif kind == "any":
            for i, st2 in m.word(st, "any"):
                yield ("any", (i,), 0, None), st2
        elif kind == "own":
            for owner, st2 in self.owner(m, st):
                for i, st3 in m.word(st2, "'s"):
                    yield ("own", (i,), 0, owner), st3

    def owner(self, m, st):
        """The owner in "the man's dog" / "Anna's book": a name or a simple person/animal noun phrase."""
        opts = [(1, lambda s: self.name_np(m, s, frozenset({"person"}))),
                (2, lambda s: self._simple_owner(m, s))]  # people own things: "the man's dog", "Anna's book"
        yield from m.alt(st, opts)

    def _simple_owner(self, m, st):
        for (det, det_i, _, _), st2 in m.alt(st, [(3, functools.partial(self.det, m, "the")),
                                                  (2, functools.partial(self.det, m, "poss"))]):
            for (n, i), st3 in m.lex(st2, self.noun_sg, lambda n: n.cls == "person", key="owner"):
                yield NP("noun", n, i, False, det, det_i), st3

    def _noun_rest(self, m, st, role, classes, det, det_i, num, owner, plural, rel):
        if role == "any":
            role = "obj"
        mass_ok = det in ("the", "own") or det in POSS_DETS or (det == "bare" and role in ("obj", "exist"))
        table = self.noun_pl if plural else self.noun_sg
        n_adj_opts = [(6, 0), (2, 1), (0.6, 2)] if role not in ("coord", "owner") else [(1, 0)]
        if det == "own":
            n_adj_opts = [(4, 0), (1, 1)]
        for n_adj, st2 in m.alt(st, [(w, functools.partial(one, k)) for w, k in n_adj_opts]):
            for adjs, st3 in self.adjectives(m, st2, n_adj, classes, det):
                def ok(n, adjs=adjs):
                    if not self.noun_fits(n, classes):
                        return False
                    if n.mass and (plural or not mass_ok):
                        return False
                    if not plural and det == "bare" and not n.mass:
                        return False
                    if n.cls == "topic" and n.mass and det != "bare":  # "I study history", "speak English"
                        return False
                    if "unique" in n.flags and det != "the":
                        return False
                    if det == "its" and n.cls not in ("body", "food", "object", "place", "furniture"):
                        return False
                    return all(n.cls in a.adj.applies_to or n.en in a.adj.applies_to for a in adjs)

                # every value `ok` depends on is in the key: the cache must never hand one call another's filter
                key = ("noun", plural, det, mass_ok, classes, tuple(id(a.adj) for a in adjs))
                for (n, i), st4 in m.lex(st3, table, ok, key=key):
                    np = NP("noun", n, i, plural, det, det_i, num, adjs, (), owner)
                    if rel and role in ("subj", "obj") and det not in POSS_DETS and det != "own":
                        yield from self._maybe_rel(m, st4, np)
                    else:
                        yield np, st4

    def adjectives(self, m, st, k, classes, det="the"):
        """k attributive adjectives in English order (quality < size < age < shape < colour < origin); "very" on
        one. Ordinals and other "order" adjectives (first, next, same) only after "the" or a possessive."""
        if k == 0:
            yield (), st
            return
        order_ok = det in ("the", "own") or det in POSS_DETS

        def okc(a):
            if a.kind == "order" and not order_ok:
                return False
            return a.attributive and (classes is None or bool(a.applies_to & classes))
        if k == 1:
            for (degree, very_i), st2 in self._degree(m, st, det):
                if degree == "most":
                    def ok1(a):
                        return okc(a) and self.long_adjective(a) and a.kind != "order"
                else:
                    def ok1(a, very_i=very_i):
                        return okc(a) and (not very_i or "very" in a.flags)
                for (a, i), st3 in m.lex(st2, self.adj, ok1, key=("adj1", classes, degree, order_ok)):
                    yield (AdjUse(a, i, very_i, degree),), st3
            return
        for (a, i), st2 in m.lex(st, self.adj, okc, key=("adj1", classes, False, order_ok)):
            if a.kind == "order":
                continue
            for (b, j), st3 in m.lex(st2, self.adj, lambda b, a=a: self._pair_ok(a, b, classes),
                                     key=("adj2", id(a), classes)):
                yield (AdjUse(a, i), AdjUse(b, j)), st3

    def _pair_ok(self, a, b, classes):
        """Two attributive adjectives: different kinds in English order, one of them bare in Chinese (大, 老, 新),
        and some noun that both describe."""
        if not b.attributive or b.kind == "order" or a.kind == b.kind or a.en == b.en:
            return False
        if ADJ_RANK.get(a.kind, 1) >= ADJ_RANK.get(b.kind, 1):
            return False
        if (a.zh_bare is None) == (b.zh_bare is None):
            return False
        common = a.applies_to & b.applies_to
        return bool(common if classes is None else common & classes)

    def _degree(self, m, st, det):
        """No degree word, "very", or (after "the") the superlative "most"."""
        opts = [(0.84, lambda s: one(("", ()), s)), (0.12, lambda s: self._degree_word(m, s, "very")),
                (0.05 if det == "the" else 0, lambda s: self._degree_word(m, s, "most"))]
        yield from m.alt(st, opts)

    def _degree_word(self, m, st, w):
        for i, st2 in m.word(st, w):
            yield (w, (i,)), st2

    def _very(self, m, st, p):
        for i, st2 in m.opt(st, "very", p):
            yield ((i,) if i is not None else ()), st2

    def _maybe_rel(self, m, st, np):
        yield from m.alt(st, [(0.85, lambda s: one(np, s)), (0.15, lambda s: self.relative(m, s, np))])

    def relative(self, m, st, head: NP):
        """"that sleeps", "who reads a book", "that the man does not see"."""
        words = ("that", "who") if head.cls == "person" else ("that", "which")
        for w in words if not m.generating else (m.rng.choice(words),):
            for that_i, st2 in m.word(st, w):
                opts = [(1, lambda s: self._rel_subj(m, s, head, (that_i,)))]
                if w in ("that", "which"):
                    opts.append((0.7, lambda s: self._rel_obj(m, s, head, (that_i,))))
                yield from m.alt(st2, opts)

    def _rel_subj(self, m, st, head, that_i):
        for cl, st2 in self.verb_clause(m, st, None, "rel", subj_cls=head, agr=head.agr):
            yield NP(**{**head.__dict__, "rel": Rel("subj", that_i, cl)}), st2

    def _rel_obj(self, m, st, head, that_i):
        for subj, st2 in self.np(m, st, "subj", ANIMATE | {"group"}, rel=False):
            for cl, st3 in self.verb_clause(m, st2, subj, "relobj", gap=head):
                yield NP(**{**head.__dict__, "rel": Rel("obj", that_i, cl)}), st3

    # ------------------------------------------------------------------------------------------ verb groups

    def be(self, m, st, agr, tense):
        """Forms of "be" for present / past."""
        forms = {("pres", "i"): "am", ("pres", "3sg"): "is", ("pres", "pl"): "are",
                 ("past", "i"): "was", ("past", "3sg"): "was", ("past", "pl"): "were"}
        yield from m.word(st, forms[(tense, agr)])

    def _neg(self, m, st, p=0.25):
        for i, st2 in m.opt(st, "not", p):
            yield ((i,) if i is not None else ()), st2

    def vgroup(self, m, st, agr, mood, verb_ok, allow=TENSES, modals=True, neg=True, subj=None):
        """The verb group of a declarative clause (mood "decl") or of a question after its subject (mood "q",
        the auxiliary `aux` already read): yields ((tense, modal, aux_i, neg_i, modal_i, form), State)."""
        pneg = 0.25 if neg else 0.0
        opts = []
        for tense, w in (("pres", 3), ("past", 2.2), ("fut", 2.0), ("prog", 1.2), ("going", 0.8), ("perf", 0.9)):
            if tense in allow:
                opts.append((w, functools.partial(self._tense_group, m, tense, agr, pneg, verb_ok)))
        if modals:
            for mod, w in (("can", 0.6), ("must", 0.25), ("should", 0.3), ("have_to", 0.3), ("want", 0.5),
                           ("like", 0.3), ("need", 0.25), ("would_like", 0.2), ("could", 0.2)):
                opts.append((w, functools.partial(self._modal_group, m, mod, agr, pneg)))
        yield from m.alt(st, opts)

    def _tense_group(self, m, tense, agr, pneg, verb_ok, st):
        if tense == "pres":
            yield from m.alt(st, [(1 - pneg, lambda s: one(("pres", "", (), (), (), "3sg" if agr == "3sg" else "base"),
                                                          s)),
                                  (pneg, lambda s: self._do_not(m, s, "does" if agr == "3sg" else "do", "pres"))])
        elif tense == "past":
            yield from m.alt(st, [(1 - pneg, lambda s: one(("past", "", (), (), (), "past"), s)),
                                  (pneg, lambda s: self._do_not(m, s, "did", "past"))])
        elif tense == "fut":
            for i, st2 in m.word(st, "will"):
                for n, st3 in self._neg(m, st2, pneg):
                    yield ("fut", "", (i,), n, (), "base"), st3
        elif tense in ("prog", "going"):
            for i, st2 in self.be(m, st, agr, "pres"):
                for n, st3 in self._neg(m, st2, pneg):
                    if tense == "prog":
                        yield ("prog", "", (i,), n, (), "ing"), st3
                    else:
                        for g, st4 in m.words(st3, ("going", "to")):
                            yield ("going", "", (i, *g), n, (), "base"), st4
        elif tense == "perf":
            for i, st2 in m.word(st, "has" if agr == "3sg" else "have"):
                for n, st3 in self._neg(m, st2, pneg):
                    yield ("perf", "", (i,), n, (), "pp"), st3

    def _do_not(self, m, st, aux, tense):
        for i, st2 in m.word(st, aux):
            for n, st3 in m.word(st2, "not"):
                yield (tense, "", (i,), (n,), (), "base"), st3

    def _modal_group(self, m, mod, agr, pneg, st):
        if mod in ("can", "must", "should"):
            for i, st2 in m.word(st, mod):
                for n, st3 in self._neg(m, st2, pneg):
                    yield ("pres", mod, (), n, (i,), "base"), st3
        elif mod == "could":  # "could" as a conditional (podría / 可以), affirmative only
            for i, st2 in m.word(st, "could"):
                yield ("pres", mod, (), (), (i,), "base"), st2
        elif mod == "would_like":
            for i, st2 in m.words(st, ("would", "like", "to")):
                yield ("pres", mod, (), (), i, "base"), st2
        else:  # have to / want to / like to / need to: present or past, negated with do
            def aff(s, tense):
                if mod == "have_to":
                    w = {"pres": "has" if agr == "3sg" else "have", "past": "had"}[tense]
                else:
                    v = self.modal_verbs[mod]
                    w = {"pres": v.en[1] if agr == "3sg" else v.en[0], "past": v.en[2]}[tense]
                for i, s2 in m.words(s, (w, "to")):
                    yield (tense, mod, (), (), i, "base"), s2

            def negd(s, tense):
                aux = {"pres": "does" if agr == "3sg" else "do", "past": "did"}[tense]
                w = "have" if mod == "have_to" else self.modal_verbs[mod].en[0]
                for a, s2 in m.word(s, aux):
                    for n, s3 in m.word(s2, "not"):
                        for i, s4 in m.words(s3, (w, "to")):
                            yield (tense, mod, (a,), (n,), i, "base"), s4
            if mod != "have_to" and self.modal_verbs[mod] is None:
                return
            opts = [(0.75 * (1 - pneg), lambda s: aff(s, "pres")), (0.25 * (1 - pneg), lambda s: aff(s, "past")),
                    (0.75 * pneg, lambda s: negd(s, "pres")), (0.25 * pneg, lambda s: negd(s, "past"))]
            yield from m.alt(st, opts)

    # ------------------------------------------------------------------------------------------ clauses

    def subj_ok_for_verb(self, v: Verb, subj) -> bool:
        return subj is None or self.fits(subj, v.subj)

    def verb_clause(self, m, st, subj, mood, subj_cls=None, agr=None, gap=None, aux=None, front_loc=False):
        """A clause with a main verb after its subject. mood: decl, imp, rel (subject gap: subj_cls is the head),
        relobj (object gap: `gap` is the head), q (question after "do/does/did/will/...": `aux` is that group),
        whobj (question with an object gap), clause (embedded "that"-clause)."""
        agr = agr or (subj.agr if subj is not None else "pl")
        who = subj if subj is not None else subj_cls
        if mood == "imp":
            group = [(("pres", "", (), (), (), "base"), st)]
        elif aux is not None:
            group = [(aux, st)]
        else:
            allow = TENSES if mood in ("decl", "clause") else ("pres", "past", "prog", "fut")
            group = self.vgroup(m, st, agr, mood, None, allow=allow, modals=mood in ("decl", "clause"),
                                neg=mood in ("decl", "rel", "relobj"))
        for (tense, modal, aux_i, neg_i, modal_i, form), st2 in group:
            dative_ok = modal not in ("like", "would_like")

            def vok(v, tense=tense, modal=modal, form=form):
                if who is not None and not self.fits(who, v.subj):
                    return False
                if v.frame == "clause" and (mood not in ("decl",) or neg_i or modal):
                    return False
                if v.stative and (tense == "prog" or tense == "perf" or modal):
                    return False
                if tense == "prog" and "no_progressive" in v.flags:
                    return False
                if modal and who is not None and who.cls not in ("person", "animal", "group"):
                    return False
                if modal == "need" and (v.es_refl or v.frame == "ditr"):
                    return False
                if tense == "prog" and v.zh.endswith(("见", "到", "住")):  # resultatives take no 在 (看见, 抓住)
                    return False
                if v.frame == "clause" and tense not in ("pres", "past"):
                    return False
                if mood == "imp" and ("no_imperative" in v.flags or v.es_refl or v.dative or v.stative):
                    return False
                if v.dative and (not dative_ok or mood == "imp"):
                    return False
                if v.dative and who is not None and who.kind == "coord":
                    return False
                if v.dative and mood in ("rel", "relobj", "whobj") or v.dative and who is not None and \
                        who.kind == "stub":
                    return False
                if modal in ("like", "would_like") and (v.es_refl or v.frame == "ditr"):
                    return False
                if mood == "imp" and v.frame == "ditr":
                    return False
                if (gap is not None or mood == "whobj") and v.es_prep:
                    return False
                if gap is not None and (v.frame not in ("tr", "tr_opt") or v.particle or not self.fits(gap, v.obj)):
                    return False
                if mood == "whobj" and (v.frame not in ("tr", "tr_opt") or v.particle):
                    return False
                return True
            who_lemma = who.head.en if who is not None and who.kind == "noun" and who.head.en in \
                self.subj_lemmas else None
            gap_lemma = gap.head.en if gap is not None and gap.kind == "noun" and gap.head is not None and \
                gap.head.en in self.obj_lemmas else None
            key = ("verb", form, mood, tense, bool(neg_i), modal, who.cls if who is not None else None, who_lemma,
                   who.kind if who is not None else None, gap.cls if gap is not None else None, gap_lemma)
            for (v, vi), st3 in m.lex(st2, self.verb[form], vok, key=key):
                base = dict(subj=subj, pred="verb", tense=tense, aux_i=aux_i, modal=modal, modal_i=modal_i,
                            neg_i=neg_i, verb=v, verb_i=vi)
                if gap is not None or mood == "whobj":
                    for c, st4 in self.adjuncts(m, st3, Clause(**base), mood, who):
                        yield c, st4
                    continue
                if who is not None and who.cls not in ("person", "animal", "group") and tense == "pres" and \
                        not modal and v.frame in ("intr", "go") and mood not in ("imp",):
                    if not m.check(False):
                        continue
                any_ok = bool(neg_i) or mood == "q"
                for comp, st4 in self.complements(m, st3, v, mood, who, pron_ok=mood != "imp" and modal not in (
                        "like", "would_like", "need"), any_ok=any_ok):
                    for c, st5 in self.adjuncts(m, st4, Clause(**base, **comp), mood, who, front_loc):
                        yield c, st5

    def complements(self, m, st, v: Verb, mood, who, pron_ok=True, any_ok=False):
        f = v.frame
        if f == "intr":
            yield {}, st
        elif f in ("tr", "tr_opt"):
            opts = [(1.0, lambda s: self._object(m, s, v, mood, pron_ok, any_ok))]
            if f == "tr_opt" and v.zh_intr is not None:
                opts.append((0.35, lambda s: one({}, s)))
            yield from m.alt(st, opts)
        elif f == "ditr":
            opts = [(0.6, lambda s: self._ditr_double(m, s, v, mood))]
            if v.en[0] not in NO_TO_DATIVE:
                opts.append((0.4, lambda s: self._ditr_to(m, s, v, mood)))
            yield from m.alt(st, opts)
        elif f == "go":
            yield from self._dest(m, st, v)
        elif f == "clause":
            for that_i, st2 in m.opt(st, "that", 0.5):
                for cl, st3 in self.embedded(m, st2):
                    yield {"comp": cl, "that_i": (that_i,) if that_i is not None else ()}, st3

    def _object(self, m, st, v, mood, pron_ok=True, any_ok=False):
        part_i = ()
        if v.particle:
            got = list(m.word(st, v.particle)) if not m.generating else [next(m.word(st, v.particle))]
            if not got:
                return
            (pi, st) = got[0]
            part_i = (pi,)
        opts = [(1, lambda s: self.np(m, s, "obj", v.obj, rel=mood in ("decl",), pron=pron_ok))]
        if any_ok:
            opts.append((0.15, lambda s: self.noun_np(m, s, "any", v.obj, None, False)))
        if mood in ("decl", "imp") and not v.dative:
            opts.append((0.04, lambda s: self._or_np(m, s, v.obj)))
        for obj, st2 in m.alt(st, opts):
            if obj.kind == "pron" and obj.head.en == "it" and (v.es_prep or v.particle):
                if not m.check(False):
                    continue
            yield {"obj": obj, "part_i": part_i}, st2

    def _or_np(self, m, st, classes):
        """"an apple or a banana": two simple noun phrases of one class."""
        for a, st2 in self.noun_np(m, st, "coord", classes, None, False):
            for or_i, st3 in m.word(st2, "or"):
                for b, st4 in self.noun_np(m, st3, "coord", frozenset({a.cls}), None, False):
                    if m.check(b.head is not a.head):
                        yield NP("coord", and_i=(or_i,), parts=(a, b), plural=False, conj="or"), st4

    def _ditr_double(self, m, st, v, mood):
        for io, st2 in self.np(m, st, "iobj", frozenset({"person"}), pron=mood != "imp"):
            for obj, st3 in self.np(m, st2, "obj", v.obj, pron=False, names=False):
                yield {"obj": obj, "iobj": io}, st3

    def _ditr_to(self, m, st, v, mood):
        for obj, st2 in self.np(m, st, "obj", v.obj, pron=False, names=False):
            for to_i, st3 in m.word(st2, FOR_DATIVE.get(v.en[0], "to")):
                for io, st4 in self.np(m, st3, "iobj", frozenset({"person"}), pron=mood != "imp"):
                    yield {"obj": obj, "iobj": io, "to_i": (to_i,)}, st4

    def _dest(self, m, st, v):
        opts = [(1, lambda s: self._to_place(m, s))]
        if self.home is not None and v.en[0] in ("go", "come"):
            opts.append((0.15, lambda s: self._home(m, s)))
        yield from m.alt(st, opts)

    def _to_place(self, m, st):
        for to_i, st2 in m.word(st, "to"):
            for np, st3 in self.np(m, st2, "dest", frozenset({"place"}), pron=False):
                yield {"dest": np, "to_i": (to_i,)}, st3

    def _home(self, m, st):
        for i, st2 in m.word(st, "home"):
            yield {"dest": NP("noun", self.home, (i,), det="home")}, st2

    def embedded(self, m, st):
        """The clause after "I think (that)": a declarative clause, no fronting, no subordinate clauses."""
        for subj, st2 in self.np(m, st, "subj", None, rel=False):
            yield from self.clause_after_subj(m, st2, subj, "clause")

    def adjuncts(self, m, st, c: Clause, mood, who, front_loc=False):
        """Place phrase, "here/there", time adverb, in that order, each optional; frequency adverbs are placed by
        the caller (before the verb)."""
        loc_p = 0.0 if (front_loc or mood in ("rel", "relobj", "clause") or c.comp is not None or c.pred != "verb"
                        or (c.verb is not None and c.verb.stative)) else 0.2
        with_p = 0.06 if (c.pred == "verb" and c.verb is not None and not c.verb.stative and not c.verb.dative
                          and mood in ("decl", "q", "imp") and who is not None and who.cls in ANIMATE
                          and c.verb.frame in ("intr", "tr", "tr_opt", "go")) else 0.0
        for comit, st1 in m.alt(st, [(1 - with_p, lambda s: one(None, s)), (with_p, lambda s: self._with(m, s))]):
            if comit is not None:
                c = Clause(**{**c.__dict__, "comit": comit[0], "with_i": comit[1]})
            yield from self._adjuncts_rest(m, st1, c, mood, who, loc_p)

    def _with(self, m, st):
        """"with my friend", "with them": company."""
        for i, st2 in m.word(st, "with"):
            for np, st3 in self.np(m, st2, "obj", frozenset({"person"}), rel=False):
                yield (np, (i,)), st3

    def _adjuncts_rest(self, m, st, c, mood, who, loc_p):
        for loc, st2 in self._opt_loc(m, st, c, who, loc_p):
            place_p = 0.06 if (loc is None and mood not in ("rel", "relobj") and c.comp is None and c.dest is None
                               and c.pred == "verb") else 0.0
            for place, st3 in self._opt_adv(m, st2, "place", place_p, c):
                time_p = 0.2 if mood not in ("rel", "relobj") and c.comp is None and c.freq is None else 0.0
                if c.pred == "adj" and not all(u.adj.estar for u in c.adjs):
                    time_p = 0.0  # "the book is old today": only states (estar adjectives) take time adverbs
                for time, st4 in self._opt_adv(m, st3, "time", time_p, c):
                    yield Clause(**{**c.__dict__, "loc": loc, "place": place, "time": time}), st4

    def _opt_loc(self, m, st, c, who, p):
        opts = [(1 - p, lambda s: one(None, s))]
        if p > 0 and c.dest is None and c.pred not in ("loc", "exist", "from"):
            opts.append((p, lambda s: self.loc(m, s, who, c)))
        yield from m.alt(st, opts)

    def _opt_adv(self, m, st, kind, p, c):
        opts = [(1 - p, lambda s: one(None, s))]
        if p > 0:
            opts.append((p, lambda s: self._adv(m, s, kind, c)))
        yield from m.alt(st, opts)

    def _adv(self, m, st, kind, c):
        yield from m.lex(st, self.adv[kind], lambda a: self.adv_tense_ok(a, c), key=(
            kind, c.tense, c.modal, c.pred, c.freq is not None))

    @staticmethod
    def adv_tense_ok(a, c) -> bool:
        t = c.tense
        if c.modal:
            return a.tense in ("any", "future") and c.modal in ("can", "must", "should", "have_to", "want", "need") \
                and t == "pres"
        if t == "perf":
            return False  # "I have eaten in February": the perfect takes no time adverb here
        if a.tense == "any":
            return True
        if a.tense == "past":
            return t == "past"
        if a.tense == "future":
            return t in ("fut", "going")
        if a.tense == "now":
            return t == "prog" or (t == "pres" and c.pred in ("adj", "loc"))
        if a.tense == "habit":
            return t == "pres" and c.pred == "verb" and not c.freq
        return False

    def loc(self, m, st, who, c):
        """A place phrase: preposition + a noun phrase that can be that kind of place for `who`."""
        preps = ("in", "on", "under", "over", "next_to", "behind", "in_front_of", "near", "at")
        wcls = getattr(who, "cls", None) if who is not None else None
        for p, st2 in m.alt(st, [(3 if p in ("in", "on") else 1, functools.partial(self._prep, m, p))
                                 for p in preps if self._loc_possible(p, wcls, who)]):
            prep, prep_i = p

            def ok_noun(n, prep=prep):
                if prep == "over":  # over a table, a bed, a tree: whatever small things and animals can be under
                    return "under" in n.preps and n.cls in ("furniture", "plant") and self.loc_fits(who, n, "under")
                return prep in n.preps and self.loc_fits(who, n, prep)
            for np, st3 in self.loc_np(m, st2, prep, ok_noun, who):
                yield Loc(prep, prep_i, np), st3

    def _loc_possible(self, prep, wcls, who) -> bool:
        """Is there any noun that `who` (of class wcls) can be `prep`? (Saves generation a fruitless search.)"""
        key = (prep, wcls)
        got = self._loc_cache.get(key)
        if got is None:
            if prep == "over":
                got = any("under" in n.preps and n.cls in ("furniture", "plant") and self.loc_fits(who, n, "under")
                          for n in self.lex.nouns)
            else:
                got = any(prep in n.preps and self.loc_fits(who, n, prep) for n in self.lex.nouns)
            self._loc_cache[key] = got
        return got

    def loc_np(self, m, st, prep, ok_noun, who):
        opts = [(1, lambda s: self._loc_noun(m, s, prep, ok_noun, who))]
        if prep == "in":
            opts.append((0.12, lambda s: self.name_np(m, s, frozenset({"place"}))))
        yield from m.alt(st, opts)

    def _loc_noun(self, m, st, prep, ok_noun, who):
        for (det, det_i, num, owner), st2 in m.alt(st, [(w, functools.partial(self.det, m, d)) for d, w in
                                                        self._dets("loc")]):
            plural = False
            for n_adj, st3 in m.alt(st2, [(5, lambda s: one(0, s)), (1, lambda s: one(1, s))]):
                for adjs, st4 in self.adjectives(m, st3, n_adj, frozenset({"place", "furniture", "vehicle",
                                                                           "object"})):
                    def ok(n, adjs=adjs):
                        return ok_noun(n) and not n.mass and "unique" not in n.flags and all(
                            n.cls in a.adj.applies_to or n.en in a.adj.applies_to for a in adjs)
                    key = ("loc", prep, getattr(who, "cls", None) if who is not None else None,
                           tuple(id(a.adj) for a in adjs))
                    for (n, i), st5 in m.lex(st4, self.noun_sg, ok, key=key):
                        yield NP("noun", n, i, plural, det, det_i, num, adjs, (), owner), st5

    def _prep(self, m, p, st):
        words = tuple(p.split("_"))
        for i, st2 in m.words(st, words):
            yield (p, i), st2

    @staticmethod
    def loc_fits(who, n: Noun, prep: str) -> bool:
        """Can `who` (a noun phrase, or None: anyone) be `prep` this noun? People and animals are in places and
        next to things; small things are on, under and in furniture and containers."""
        if who is None:
            return n.cls == "place"
        cls = who.cls
        if n.cls == "place":
            return cls in ANIMATE or cls in SMALL or cls in ("vehicle", "furniture", "group")
        if n.cls == "furniture":
            if prep in ("on", "under", "in"):
                return cls in SMALL or cls == "animal"
            return cls in ANIMATE or cls in SMALL
        if n.cls == "vehicle":
            if prep in ("in", "on"):
                return cls in ANIMATE or cls in SMALL
            return cls in ANIMATE or cls == "vehicle"
        if n.cls in ("object", "plant"):
            if prep == "in":
                return cls in SMALL and cls != "plant"
            return cls in ANIMATE or cls in SMALL
        return False

    def clause_after_subj(self, m, st, subj, mood, front_loc=False):
        """Everything after the subject of a declarative clause: a verb clause or a "be" clause."""
        opts = [(3, lambda s: self._freq_verb_clause(m, s, subj, mood, front_loc)),
                (1.3, lambda s: self.be_clause(m, s, subj, mood, front_loc))]
        yield from m.alt(st, opts)

    def _freq_verb_clause(self, m, st, subj, mood, front_loc):
        opts = [(0.9, lambda s: self.verb_clause(m, s, subj, mood, front_loc=front_loc))]
        if mood in ("decl",):
            opts.append((0.1, lambda s: self._freq_then_verb(m, s, subj, mood, front_loc)))
        yield from m.alt(st, opts)

    def _freq_then_verb(self, m, st, subj, mood, front_loc):
        """"I always eat fish", "she never sleeps": simple present, affirmative."""
        for (a, i), st2 in m.lex(st, self.adv["freq"]):
            aux = ("pres", "", (), (), (), "3sg" if subj.agr == "3sg" else "base")
            for c, st3 in self.verb_clause(m, st2, subj, "freq", aux=aux, front_loc=front_loc):
                if not m.check(not (c.verb.frame == "clause" or c.time is not None or c.verb.stative)):
                    continue
                yield Clause(**{**c.__dict__, "freq": (a, i)}), st3

    # ------------------------------------------------------------------------------------------ "be" clauses

    def be_group(self, m, st, agr, neg=True):
        """am/is/are/was/were [not], will [not] be: yields ((tense, aux_i, neg_i), State)."""
        pneg = 0.25 if neg else 0.0
        opts = [(3, lambda s: self._be_simple(m, s, agr, "pres", pneg)),
                (1.5, lambda s: self._be_simple(m, s, agr, "past", pneg)),
                (0.8, lambda s: self._be_will(m, s, pneg)),
                (0.4 if neg else 0, lambda s: self._be_perf(m, s, agr))]
        yield from m.alt(st, opts)

    def _be_perf(self, m, st, agr):
        """"has been" (affirmative): ha estado / 一直."""
        for i, st2 in m.words(st, ("has" if agr == "3sg" else "have", "been")):
            yield ("perf", i, ()), st2

    def _be_simple(self, m, st, agr, tense, pneg):
        for i, st2 in self.be(m, st, agr, tense):
            for n, st3 in self._neg(m, st2, pneg):
                yield (tense, (i,), n), st3

    def _be_will(self, m, st, pneg):
        for i, st2 in m.word(st, "will"):
            for n, st3 in self._neg(m, st2, pneg):
                for b, st4 in m.word(st3, "be"):
                    yield ("fut", (i, b), n), st4

    def be_clause(self, m, st, subj, mood, front_loc=False, group=None):
        """subject + be + predicate. `group` is given when "be" was read before the subject (questions)."""
        groups = [(group, st)] if group is not None else self.be_group(m, st, subj.agr, neg=mood != "q")
        for (tense, aux_i, neg_i), st2 in groups:
            base = dict(subj=subj, tense=tense, aux_i=aux_i, neg_i=neg_i)
            perf = tense == "perf"
            opts = [(3, lambda s: self._pred_adj(m, s, subj, base)),
                    (0 if perf else 1.2, lambda s: self._pred_nom(m, s, subj, base)),
                    (1.5 if not front_loc else 0, lambda s: self._pred_loc(m, s, subj, base)),
                    (0 if perf else 0.3, lambda s: self._pred_from(m, s, subj, base)),
                    (0.4 if tense in ("pres", "past") and not neg_i and mood != "q" else 0,
                     lambda s: self._pred_cmp(m, s, subj, base))]
            yield from m.alt(st2, opts)

    def _pred_adj(self, m, st, subj, base):
        """"is (very) tired", "is big and black"."""
        cls = subj.cls
        taken = {u.adj.kind for u in getattr(subj, "adjs", ())}

        def ok(a):
            if a.kind in taken:  # "the black cat is black", "the big cat is small"
                return False
            if a.kind == "origin" and cls == "place":
                return False
            return a.predicative and (cls in a.applies_to or (subj.kind == "noun" and subj.head.en in a.applies_to))
        okkey = (cls, subj.head.en if subj.kind == "noun" and subj.head.en in self.adj_lemmas else "",
                 frozenset(taken))
        for very_i, st2 in self._very(m, st, 0.15):
            for (a, i), st3 in m.lex(st2, self.adj, lambda a: ok(a) and (not very_i or "very" in a.flags),
                                     key=("pred", *okkey, bool(very_i))):
                first = AdjUse(a, i, very_i)
                opts = [(0.88, lambda s: one(((first,), ()), s)),
                        (0.0 if base["neg_i"] or very_i else 0.12,
                         lambda s, first=first: self._and_adj(m, s, first, ok, okkey))]
                for (adjs, and_i), st4 in m.alt(st3, opts):
                    c = Clause(**base, pred="adj", adjs=adjs, and_i=and_i)
                    yield from self.adjuncts(m, st4, c, "decl", subj)

    @staticmethod
    def long_adjective(a) -> bool:
        """Adjectives compared with "more" / "most" in English (important, expensive), not with -er / -est."""
        return "very" in a.flags and len(a.en) >= 7 and not a.en.endswith("y") and a.kind != "colour" and \
            a.en not in ("strange", "simple", "clever", "narrow", "shallow", "yellow", "gentle", "stupid")

    def _pred_cmp(self, m, st, subj, base):
        """"the car is more expensive than the bicycle": más caro que / 比…更贵."""
        if subj.kind not in ("noun", "name", "pron") or subj.adjs:
            return
        cls = subj.cls
        for more_i, st2 in m.word(st, "more"):
            for (a, i), st3 in m.lex(st2, self.adj, lambda a: a.predicative and self.long_adjective(a) and (
                    cls in a.applies_to), key=("cmp", cls)):
                for than_i, st4 in m.word(st3, "than"):
                    for other, st5 in self.np(m, st4, "obj", frozenset({cls}), rel=False, pron=cls == "person"):
                        if not m.check(other.head is not subj.head or other.kind == "pron"):
                            continue
                        yield Clause(**base, pred="cmp", adjs=(AdjUse(a, i, (more_i,)),), nom=other,
                                     cmp_i=(more_i, than_i)), st5

    def _and_adj(self, m, st, first, ok, okkey):
        a = first.adj
        for and_i, st2 in m.word(st, "and"):
            for (b, j), st3 in m.lex(st2, self.adj, lambda b: ok(b) and b.kind != a.kind and b.estar == a.estar
                                     and b.en != a.en, key=("and_adj", id(a), okkey)):
                yield ((first, AdjUse(b, j)), (and_i,)), st3

    def _pred_nom(self, m, st, subj, base):
        """"I am a student", "they are teachers", "this is my book"."""
        if subj.kind == "demo":
            yield from self._demo_nom(m, st, subj, base)
            return
        if subj.cls != "person" or subj.kind == "coord" or base["tense"] == "fut":
            return
        plural = subj.is_plural
        if plural:
            dets = [(("bare", (), 0, None), st)]
        else:
            dets = self.det(m, "a_not_one", st)
        for (det, det_i, _, _), st2 in dets:
            for _adjs, st3 in self.adjectives(m, st2, 0, None):
                table = self.noun_pl if plural else self.noun_sg
                for (n, i), st4 in m.lex(st3, table, lambda n: "profession" in n.flags, key="prof"):
                    np = NP("noun", n, i, plural, det, det_i)
                    c = Clause(**base, pred="nom", nom=np)
                    yield from self.adjuncts(m, st4, c, "decl", subj)

    def _demo_nom(self, m, st, subj, base):
        for (det, det_i, num, owner), st2 in m.alt(st, [(2, functools.partial(self.det, m, "a_not_one")),
                                                        (2, functools.partial(self.det, m, "poss")),
                                                        (0.5, functools.partial(self.det, m, "own"))]):
            if det == "its":
                continue
            for n_adj, st3 in m.alt(st2, [(2, lambda s: one(0, s)), (1, lambda s: one(1, s))]):
                for adjs, st4 in self.adjectives(m, st3, n_adj, CONCRETE):
                    def ok(n, adjs=adjs):
                        return n.cls in CONCRETE and not n.mass and all(n.cls in a.adj.applies_to for a in adjs)
                    for (n, i), st5 in m.lex(st4, self.noun_sg, ok, key=("demo", tuple(id(a.adj) for a in adjs))):
                        np = NP("noun", n, i, False, det, det_i, num, adjs, (), owner)
                        demo = NP("demo", n, subj.head_i, det=subj.det)
                        yield Clause(**{**base, "subj": demo}, pred="nom", nom=np), st5

    def _pred_loc(self, m, st, subj, base):
        if subj.kind == "demo":
            return
        for loc, st2 in self.loc(m, st, subj, None):
            c = Clause(**base, pred="loc", loc=loc)
            for _place, st3 in one(None, st2):
                for time, st4 in self._opt_adv(m, st3, "time", 0.15, c):
                    yield Clause(**{**c.__dict__, "time": time}), st4

    def _pred_from(self, m, st, subj, base):
        if subj.cls != "person" or subj.kind in ("demo", "coord") or base["neg_i"] or base["tense"] != "pres":
            return
        for i, st2 in m.word(st, "from"):
            for np, st3 in self.name_np(m, st2, frozenset({"place"})):
                yield Clause(**base, pred="from", to_i=(i,), dest=np), st3

    def name_clause(self, m, st):
        """"my name is Anna" (present, optionally negated)."""
        for w, st2 in m.alt(st, [(1, functools.partial(self._poss_word, m, p)) for p in POSS_DETS]):
            pron, poss_i = w
            for n_i, st3 in m.word(st2, "name"):
                for is_i, st4 in m.word(st3, "is"):
                    for neg_i, st5 in self._neg(m, st4, 0.1):
                        for np, st6 in self.name_np(m, st5, frozenset({"person"})):
                            if pron.plural or pron.en == "it":
                                continue
                            if pron.en in ("he", "she") and not m.check(np.head.gender == pron.gender):
                                continue
                            subj = NP("pron", pron, poss_i)
                            yield Clause(subj, "name", aux_i=(n_i, is_i), neg_i=neg_i, nom=np), st6

    def _poss_word(self, m, w, st):
        for i, st2 in m.word(st, w):
            yield (self.poss[w], (i,)), st2

    # ------------------------------------------------------------------------------------------ sentences

    def sentence(self, m, st):
        opts = [(0.02 * 30, lambda s: self._phrase(m, s)),
                (4.0, lambda s: self._declarative(m, s)),
                (0.4, lambda s: self._name_sentence(m, s)),
                (0.3, lambda s: self._demo_sentence(m, s)),
                (0.5, lambda s: self._exist(m, s)),
                (1.1, lambda s: self._yn(m, s)),
                (1.2, lambda s: self._wh(m, s)),
                (0.7, lambda s: self._imperative(m, s)),
                (0.8, lambda s: self._subordinate(m, s)),
                (0.5, lambda s: self._coordinate(m, s)),
                (0.3, lambda s: self._fronted(m, s))]
        yield from m.alt(st, opts)

    def _end(self, m, st, marks, p_none=0.12):
        """Final punctuation: one of `marks`, or none."""
        opts = [(1 - p_none, lambda s: self._mark(m, s, marks)), (p_none, lambda s: one(("", ()), s))]
        yield from m.alt(st, opts)

    def _mark(self, m, st, marks):
        for mk in marks if not m.generating else (marks[0] if len(marks) == 1 or m.rng.random() < 0.85
                                                  else m.rng.choice(marks[1:]),):
            for i, st2 in m.word(st, mk):
                yield (mk, (i,)), st2

    def _phrase(self, m, st):
        for (p, i), st2 in m.lex(st, self.phrases):
            marks = ("?",) if p.en[0] in ("how", "what", "where") else (".", "!")
            for (mk, mi), st3 in self._end(m, st2, marks, 0.4):
                yield Sentence("phrase", phrase=p, phrase_i=i, punct=mk, punct_i=mi), st3

    def _declarative(self, m, st):
        for subj, st2 in self.np(m, st, "subj", None, rel=True):
            for c, st3 in self.clause_after_subj(m, st2, subj, "decl"):
                for (mk, mi), st4 in self._end(m, st3, (".", "!")):
                    yield Sentence("decl", c, punct=mk, punct_i=mi), st4

    def _name_sentence(self, m, st):
        for c, st2 in self.name_clause(m, st):
            for (mk, mi), st3 in self._end(m, st2, (".", "!")):
                yield Sentence("decl", c, punct=mk, punct_i=mi), st3

    def _demo_sentence(self, m, st):
        """"This is my book.", "That is not a big house."."""
        for (w, i), st2 in m.choose(st, ("this", "that")):
            subj = NP("demo", None, (i,), det=w)
            for (tense, aux_i, neg_i), st3 in self._be_simple(m, st2, "3sg", "pres", 0.2):
                base = dict(subj=subj, tense=tense, aux_i=aux_i, neg_i=neg_i)
                for c, st4 in self._demo_nom(m, st3, subj, base):
                    for (mk, mi), st5 in self._end(m, st4, (".", "!")):
                        yield Sentence("decl", c, punct=mk, punct_i=mi), st5

    def _exist(self, m, st):
        """"there is a cat under the table", "there are no cats in the park"."""
        for t_i, st2 in m.word(st, "there"):
            for (tense, aux_i, neg_i, agr), st3 in self._there_be(m, st2):
                for np, st4 in self._exist_np(m, st3, agr, bool(neg_i)):
                    c0 = Clause(np, "exist", tense=tense, aux_i=(t_i, *aux_i), neg_i=neg_i)
                    for loc, st5 in m.alt(st4, [(0.3, lambda s: one(None, s)),
                                                (0.7, lambda s, np=np: self.loc(m, s, np, None))]):
                        c = Clause(**{**c0.__dict__, "loc": loc})
                        for (mk, mi), st6 in self._end(m, st5, (".",)):
                            yield Sentence("decl", c, punct=mk, punct_i=mi), st6

    def _there_be(self, m, st):
        opts = []
        for tense, agr, w, wt in (("pres", "3sg", "is", 3), ("pres", "pl", "are", 3), ("past", "3sg", "was", 1),
                                  ("past", "pl", "were", 1)):
            opts.append((wt, functools.partial(self._there_simple, m, tense, agr, w)))
        opts.append((1, lambda s: self._there_will(m, s)))
        yield from m.alt(st, opts)

    def _there_simple(self, m, tense, agr, w, st):
        for i, st2 in m.word(st, w):
            yield (tense, (i,), (), agr), st2

    def _there_will(self, m, st):
        for i, st2 in m.words(st, ("will", "be")):
            yield ("fut", i, (), None), st2

    def _exist_np(self, m, st, agr, neg):
        opts = [(3, lambda s: self.noun_np(m, s, "exist", CONCRETE | {"person"}, agr, False))]
        if agr is not None:
            opts.append((1, lambda s: self._no_np(m, s, agr)))
        yield from m.alt(st, opts)

    def _no_np(self, m, st, agr):
        """"there are no cats", "there is no milk"."""
        for i, st2 in m.word(st, "no"):
            plural = agr == "pl"
            table = self.noun_pl if plural else self.noun_sg
            for (n, j), st3 in m.lex(st2, table, lambda n: (n.cls in CONCRETE or n.cls == "person") and (
                    plural or n.mass) and "unique" not in n.flags, key=("no", plural)):
                yield NP("noun", n, j, plural, "no", (i,)), st3

    # questions ---------------------------------------------------------------------------------------------

    def _yn(self, m, st):
        opts = [(3, lambda s: self._yn_do(m, s)), (2, lambda s: self._yn_be(m, s)),
                (1.5, lambda s: self._yn_aux(m, s))]
        for c, st2 in m.alt(st, opts):
            for (mk, mi), st3 in self._end(m, st2, ("?",), 0.2):
                yield Sentence("yn", c, punct=mk, punct_i=mi), st3

    def _yn_do(self, m, st, mood="q", gap=None):
        """"Does the cat sleep?", "Did you eat the apple?", "Do you want to go home?"."""
        for (word, aux), st2 in m.choose(st, ("do", "does", "did")):
            for subj, st3 in self.np(m, st2, "subj", None, self._do_agr(word), rel=False):
                tense = "past" if word == "did" else "pres"
                opts = [(3, lambda s: one((tense, "", (aux,), (), (), "base"), s))]
                for mod in ("want", "like", "need", "have_to"):
                    opts.append((0.4, functools.partial(self._q_semimodal, m, mod, tense, aux)))
                for group, st4 in m.alt(st3, opts):
                    yield from self.verb_clause(m, st4, subj, "q" if gap is None else "whobj", aux=group)

    @staticmethod
    def _do_agr(word):
        return {"do": ("i", "pl"), "does": ("3sg",), "did": None, "have": ("i", "pl"), "has": ("3sg",),
                "am": ("i",), "is": ("3sg",), "are": ("pl",), "was": ("i", "3sg"), "were": ("pl",)}.get(word)

    def _q_semimodal(self, m, mod, tense, aux, st):
        w = "have" if mod == "have_to" else (self.modal_verbs[mod].en[0] if self.modal_verbs[mod] else None)
        if w is None:
            return
        for i, st2 in m.words(st, (w, "to")):
            yield (tense, mod, (aux,), (), i, "base"), st2

    def _yn_be(self, m, st):
        """"Is the cat black?", "Are you a student?", "Is the book on the table?", "Is there a cat ...?"."""
        for (word, i), st2 in m.alt(st, [(1, functools.partial(self._be_word, m, w)) for w in
                                         ("am", "is", "are", "was", "were")]):
            tense = "past" if word in ("was", "were") else "pres"
            for subj, st3 in self.np(m, st2, "subj", None, self._do_agr(word), rel=False):
                yield from self._q_be_rest(m, st3, subj, tense, (i,))

    def _q_be_rest(self, m, st, subj, tense, aux_i):
        opts = [(3, lambda s: self.be_clause(m, s, subj, "q", group=(tense, aux_i, ()))),
                (1.2, lambda s: self._q_prog(m, s, subj, tense, aux_i))]
        yield from m.alt(st, opts)

    def _q_prog(self, m, st, subj, tense, aux_i):
        if tense != "pres":
            return
        opts = [(2, lambda s: one(("prog", "", aux_i, (), (), "ing"), s)),
                (1, lambda s: self._q_going(m, s, aux_i))]
        for group, st2 in m.alt(st, opts):
            yield from self.verb_clause(m, st2, subj, "q", aux=group)

    def _q_going(self, m, st, aux_i):
        for g, st2 in m.words(st, ("going", "to")):
            yield ("going", "", (*aux_i, *g), (), (), "base"), st2

    @staticmethod
    def _be_form(tense, agr):
        return {("pres", "i"): "am", ("pres", "3sg"): "is", ("pres", "pl"): "are",
                ("past", "i"): "was", ("past", "3sg"): "was", ("past", "pl"): "were"}[(tense, agr)]

    def _be_word(self, m, w, st):
        for i, st2 in m.word(st, w):
            yield (w, i), st2

    def _yn_aux(self, m, st):
        """"Will you eat?", "Can you help me?", "Should I go?", "Have you eaten the apple?"."""
        opts = []
        for w, group in (("will", ("fut", "")), ("can", ("pres", "can")), ("should", ("pres", "should")),
                         ("could", ("pres", "could")),
                         ("have", ("perf", "")), ("has", ("perf", ""))):
            opts.append((1, functools.partial(self._aux_word, m, w, group)))
        for (w, (tense, modal), i), st2 in m.alt(st, opts):
            for subj, st3 in self.np(m, st2, "subj", None, self._do_agr(w), rel=False):
                form = "pp" if tense == "perf" else "base"
                if modal:
                    group = (tense, modal, (), (), (i,), form)
                else:
                    group = (tense, "", (i,), (), (), form)
                yield from self.verb_clause(m, st3, subj, "q", aux=group)

    def _aux_word(self, m, w, group, st):
        for i, st2 in m.word(st, w):
            yield (w, group, i), st2

    def _wh(self, m, st):
        opts = [(2, lambda s: self._wh_obj(m, s)), (1.2, lambda s: self._wh_subj(m, s)),
                (2, lambda s: self._wh_adv(m, s)), (0.8, lambda s: self._how_many(m, s))]
        for (wh, wh_i, c), st2 in m.alt(st, opts):
            for (mk, mi), st3 in self._end(m, st2, ("?",), 0.2):
                yield Sentence("wh", c, wh=wh, wh_i=wh_i, punct=mk, punct_i=mi), st3

    def _wh_obj(self, m, st):
        """"What do you eat?", "Who did the man see?", "What are you reading?"."""
        for (word, w), st2 in m.choose(st, ("what", "who"), (1, 0.6)):
            cls = frozenset({"person"}) if word == "who" else frozenset(
                "animal food drink readable object clothing vehicle furniture plant media topic info event".split())
            for c, st3 in self._q_clause_with_obj_gap(m, st2, cls):
                yield (word, (w,), c), st3

    def _q_clause_with_obj_gap(self, m, st, cls):
        """The question after "what/who": do/does/did/will/am/is/are + subject + verb (+ no object)."""
        for group_subj, st2 in m.alt(st, [(3, lambda s: self._q_do_subj(m, s)), (1, lambda s: self._q_aux_subj(m, s)),
                                          (1.2, lambda s: self._q_be_ing_subj(m, s))]):
            group, subj = group_subj
            for c, st3 in self.verb_clause(m, st2, subj, "whobj", aux=group):
                if not (c.verb.frame in ("tr", "tr_opt") and not c.verb.particle):
                    continue
                if not (self.obj_classes[id(c.verb)] & cls):
                    continue
                if c.verb.dative:
                    continue
                yield c, st3

    def _q_do_subj(self, m, st):
        for (word, aux), st2 in m.choose(st, ("do", "does", "did")):
            for subj, st3 in self.np(m, st2, "subj", None, self._do_agr(word), rel=False):
                yield (("past" if word == "did" else "pres", "", (aux,), (), (), "base"), subj), st3

    def _q_aux_subj(self, m, st):
        for (w, i), st2 in m.alt(st, [(1, functools.partial(self._be_word, m, w)) for w in ("will", "can")]):
            for subj, st3 in self.np(m, st2, "subj", None, rel=False):
                if w == "will":
                    yield (("fut", "", (i,), (), (), "base"), subj), st3
                else:
                    yield (("pres", "can", (), (), (i,), "base"), subj), st3

    def _q_be_ing_subj(self, m, st):
        for (w, i), st2 in m.alt(st, [(1, functools.partial(self._be_word, m, w)) for w in ("am", "is", "are")]):
            for subj, st3 in self.np(m, st2, "subj", None, self._do_agr(w), rel=False):
                yield (("prog", "", (i,), (), (), "ing"), subj), st3

    def _wh_subj(self, m, st):
        """"Who eats the apple?", "Who is tired?"."""
        for w, st2 in m.word(st, "who"):
            subj = NP("noun", None, (w,), det="who")
            opts = [(2, lambda s: self._who_verb(m, s, subj)), (1, lambda s: self._who_be(m, s, subj))]
            for c, st3 in m.alt(st2, opts):
                yield ("who", (w,), c), st3

    def _who_verb(self, m, st, subj):
        person = _PersonStub()
        for group, st2 in self.vgroup(m, st, "3sg", "q", None, allow=("pres", "past", "fut", "prog", "perf"),
                                      modals=False, neg=False):
            for c, st3 in self.verb_clause(m, st2, None, "q", subj_cls=person, agr="3sg", aux=group):
                yield Clause(**{**c.__dict__, "subj": subj}), st3

    def _who_be(self, m, st, subj):
        for (tense, aux_i, neg_i), st2 in self.be_group(m, st, "3sg", neg=False):
            base = dict(subj=subj, tense=tense, aux_i=aux_i, neg_i=neg_i)
            person = _PersonStub()
            yield from m.alt(st2, [(2, lambda s: self._pred_adj(m, s, person, base)),
                                   (1, lambda s: self._pred_loc(m, s, person, base))])

    def _wh_adv(self, m, st):
        """"Where do you live?", "Where is the cat?", "When did you eat?", "Why are you sad?"."""
        for (word, w), st2 in m.choose(st, ("where", "when", "why")):
            opts = [(2, lambda s: self._wh_do_clause(m, s, word))]
            if word != "when":
                opts.append((1.2, lambda s: self._wh_be_clause(m, s, word)))
            for c, st3 in m.alt(st2, opts):
                yield (word, (w,), c), st3

    def _wh_do_clause(self, m, st, word):
        for (group, subj), st2 in m.alt(st, [(3, lambda s: self._q_do_subj(m, s)),
                                             (1, lambda s: self._q_aux_subj(m, s)),
                                             (1 if word == "why" else 0, lambda s: self._q_be_ing_subj(m, s))]):
            for c, st3 in self.verb_clause(m, st2, subj, "q", aux=group):
                if not m.check(not (c.loc is not None or c.place is not None or
                                    (c.time is not None and word == "when"))):
                    continue
                if not m.check(not (word == "where" and c.dest is not None)):
                    continue
                yield c, st3

    def _wh_be_clause(self, m, st, word):
        for (w, i), st2 in m.alt(st, [(1, functools.partial(self._be_word, m, x)) for x in
                                      ("am", "is", "are", "was", "were")]):
            tense = "past" if w in ("was", "were") else "pres"
            for subj, st3 in self.np(m, st2, "subj", None, self._do_agr(w), rel=False):
                c0 = Clause(subj, "loc" if word == "where" else "adj", tense=tense, aux_i=(i,))
                if word == "where":
                    if subj.cls not in ANIMATE and subj.cls not in SMALL and subj.cls != "vehicle":
                        continue
                    yield c0, st3
                else:
                    base = dict(subj=subj, tense=tense, aux_i=(i,), neg_i=())
                    for c, st4 in self._pred_adj(m, st3, subj, base):
                        if c.time is None and c.loc is None and c.place is None and subj.cls == "person":
                            yield c, st4

    def _how_many(self, m, st):
        """"How many cats do you have?", "How many books did the girl read?"."""
        for hm, st2 in m.words(st, ("how", "many")):
            for (n, i), st3 in m.lex(st2, self.noun_pl, lambda n: True, key="hm"):
                obj = NP("noun", n, i, True, "how_many", hm)
                for (group, subj), st4 in m.alt(st3, [(3, lambda s: self._q_do_subj(m, s)),
                                                      (0.5, lambda s: self._q_aux_subj(m, s))]):
                    for c, st5 in self.verb_clause(m, st4, subj, "relobj", gap=obj, aux=group):
                        yield ("how_many", hm, Clause(**{**c.__dict__, "obj": obj})), st5

    # other sentence forms --------------------------------------------------------------------------------

    def _imperative(self, m, st):
        """"Eat the apple.", "Please close the door!", "Don't go to the park."."""
        for please_i, st2 in m.opt(st, "please", 0.25):
            for neg, st3 in m.alt(st2, [(0.75, lambda s: one((), s)), (0.25, lambda s: m.words(s, ("do", "not")))]):
                aux_i, neg_i = (neg[:1], neg[1:]) if neg else ((), ())
                you = _PersonStub()
                for c, st4 in self.verb_clause(m, st3, None, "imp", subj_cls=you, agr="pl"):
                    c = Clause(**{**c.__dict__, "aux_i": aux_i, "neg_i": neg_i})
                    if not m.check(not (c.time is not None and c.time[0].tense not in ("any", "future"))):
                        continue
                    for (mk, mi), st5 in self._end(m, st4, (".", "!")):
                        yield Sentence("imp", c, please_i=(please_i,) if please_i is not None else (),
                                       punct=mk, punct_i=mi), st5

    def _decl_clause(self, m, st, mood="decl", rel=False):
        for subj, st2 in self.np(m, st, "subj", None, rel=rel):
            yield from self.clause_after_subj(m, st2, subj, mood)

    def _subordinate(self, m, st):
        """"I am happy because you are here.", "When the dog sleeps, the cat plays.", "If you eat, I will eat."."""
        opts = [(1, lambda s: self._sub_after(m, s)), (1, lambda s: self._sub_before(m, s))]
        yield from m.alt(st, opts)

    @staticmethod
    def sub_tenses_ok(conj, main: Clause, sub: Clause) -> bool:
        if conj == "after":
            return sub.tense == "past" and main.tense == "past" and not sub.modal and not main.modal
        if conj == "when":
            return sub.tense in ("pres", "past") and not sub.modal and main.tense == sub.tense and not main.modal
        if conj == "if":
            return sub.tense == "pres" and not sub.modal and main.tense in ("fut", "pres")
        return True

    def _sub_after(self, m, st):
        for main, st2 in self._decl_clause(m, st):
            if not m.check(not (main.comp is not None)):
                continue
            for (conj, w), st3 in m.choose(st2, ("because", "when", "if", "after", "although"),
                                           (1, 1, 1, 0.5, 0.4)):
                for sub, st4 in self._decl_clause(m, st3):
                    if not m.check(not (sub.comp is not None or not self.sub_tenses_ok(conj, main, sub))):
                        continue
                    for (mk, mi), st5 in self._end(m, st4, (".",)):
                        yield Sentence("sub", main, sub, conj, (w,), False, punct=mk, punct_i=mi), st5

    def _sub_before(self, m, st):
        for (conj, w), st2 in m.choose(st, ("when", "if", "after", "although"), (1, 1, 0.5, 0.4)):
            for sub, st3 in self._decl_clause(m, st2):
                if not m.check(not (sub.comp is not None)):
                    continue
                for c_i, st4 in m.word(st3, ","):
                    for main, st5 in self._decl_clause(m, st4):
                        if not m.check(not (main.comp is not None or not self.sub_tenses_ok(conj, main, sub))):
                            continue
                        for (mk, mi), st6 in self._end(m, st5, (".",)):
                            yield Sentence("sub", main, sub, conj, (w,), True, (c_i,), punct=mk, punct_i=mi), st6

    def _coordinate(self, m, st):
        """"The cat sleeps and the dog plays.", "I am tired but you are happy."."""
        for a, st2 in self._decl_clause(m, st):
            if not m.check(not (a.comp is not None)):
                continue
            for (conj, w), st3 in m.alt(st2, [(1, lambda s: self._conj_words(m, s, "and", ("and",))),
                                              (1, lambda s: self._conj_words(m, s, "but", ("but",))),
                                              (0.5, lambda s: self._conj_words(m, s, "then", ("and", "then"))),
                                              (0.5, lambda s: self._conj_words(m, s, "so", (",", "so")))]):
                for b, st4 in self._decl_clause(m, st3):
                    if not m.check(not (b.comp is not None)):
                        continue
                    if conj in ("then", "so") and not m.check(a.tense == b.tense == "past" or conj == "so"):
                        continue
                    for (mk, mi), st5 in self._end(m, st4, (".",)):
                        yield Sentence("coord", a, b, conj, w, punct=mk, punct_i=mi), st5

    def _conj_words(self, m, st, conj, words):
        for i, st2 in m.words(st, words):
            yield (conj, i), st2

    def _fronted(self, m, st):
        """"In the kitchen, the cat eats fish."."""
        for loc, st2 in self.loc(m, st, None, None):
            for c_i, st3 in m.word(st2, ","):
                for subj, st4 in self.np(m, st3, "subj", ANIMATE, rel=False):
                    if not self.loc_fits(subj, loc.np.head, loc.prep) if loc.np.kind == "noun" else False:
                        continue
                    for c, st5 in self.verb_clause(m, st4, subj, "decl", front_loc=True):
                        if not m.check(not (c.verb.frame in ("clause",) or c.dest is not None)):
                            continue
                        for (mk, mi), st6 in self._end(m, st5, (".",)):
                            yield Sentence("decl", c, front=loc, comma_i=(c_i,), punct=mk, punct_i=mi), st6


class _PersonStub:
    """The implied subject of an imperative ("you") or of "who ...?": a person, third person for agreement."""

    kind = "stub"
    cls = "person"
    head = None
    agr = "3sg"
    is_plural = False
    gender = "m"
