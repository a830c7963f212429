"""Spanish realiser: tree -> Spanish tokens, each with the set of English token indices it translates.

Conventions (one translation per English sentence): "you" is tú; subject pronouns yo / tú / nosotros are dropped
(the verb carries them and is aligned with the English pronoun), él / ella / ellos are kept; adjectives follow the
noun ("el perro grande y negro") except the few marked es_pre; object pronouns are clitics before the finite verb
("lo voy a ver", "no te he visto"); person objects take the personal "a" (animals only when definite); a noun
recipient is doubled by le / les ("le doy un libro al niño"); gustar-type verbs put the experiencer in the dative
("al niño le gustan los libros"); generic bare-plural subjects and gustar's subject take the definite article;
negative imperatives use the subjunctive ("no comas"); yes/no questions keep declarative order inside ¿ ... ?,
wh-questions invert a noun subject ("¿Qué come el gato?"); past of stative verbs marked es_imperfect_past and of
ser / estar is the imperfect.
"""

from __future__ import annotations

from collections.abc import Iterable

from .es_verbs import conjugate
from .trees import NP, AdjUse, Clause, Loc, Sentence

Tok = tuple[str, frozenset[int]]
E = frozenset()


def T(word: str, *idx: Iterable[int]) -> Tok:
    s: set[int] = set()
    for part in idx:
        s.update(part)
    return word, frozenset(s)


SER, ESTAR, HABER, IR, TENER = (conjugate(v) for v in ("ser", "estar", "haber", "ir", "tener"))
MODAL_VERB = {"can": "poder", "must": "deber", "should": "deber", "want": "querer", "need": "necesitar",
              "have_to": "tener"}
PREP = {"in": ("en",), "on": ("en",), "at": ("en",), "under": ("debajo", "de"), "over": ("encima", "de"),
        "next_to": ("al", "lado", "de"),
        "behind": ("detrás", "de"), "in_front_of": ("delante", "de"), "near": ("cerca", "de")}
WH = {"what": ("qué",), "who": ("quién",), "where": ("dónde",), "when": ("cuándo",), "why": ("por", "qué")}
PREP_PRON = {"me": "mí", "te": "ti", "lo": "él", "la": "ella", "nos": "nosotros", "los": "ellos"}
CON_PRON = {"mí": "conmigo", "ti": "contigo"}


def _det(np: NP) -> list[str]:
    n = np.head
    g, pl = n.gender, np.plural
    elfem = "elfem" in n.flags and not pl
    d = np.det
    if d in ("the", "own", "art"):
        return ["el" if elfem or (g == "m" and not pl) else "la" if not pl else "los" if g == "m" else "las"]
    if d == "a":
        return ["un" if elfem or g == "m" else "una"]
    if d in ("this", "these"):
        return ["este" if g == "m" and not pl else "esta" if not pl else "estos" if g == "m" else "estas"]
    if d in ("that", "those"):
        return ["ese" if g == "m" and not pl else "esa" if not pl else "esos" if g == "m" else "esas"]
    if d in ("my", "your", "his", "her", "their", "its"):
        base = {"my": "mi", "your": "tu"}.get(d, "su")
        return [base + ("s" if pl else "")]
    if d == "our":
        return [{("m", False): "nuestro", ("f", False): "nuestra", ("m", True): "nuestros",
                 ("f", True): "nuestras"}[(g, pl)]]
    if d == "how_many":
        return ["cuántos" if g == "m" else "cuántas"]
    if d == "all":
        return ["todos" if g == "m" else "todas", "los" if g == "m" else "las"]
    if d == "some":
        return ["algunos" if g == "m" else "algunas"]
    if d == "many":
        return ["muchos" if g == "m" else "muchas"]
    if d == "several":
        return ["varios" if g == "m" else "varias"]
    if d in ("each", "every"):
        return ["cada"]
    if d == "another":
        return ["otro" if g == "m" else "otra"]
    return []


def feminine(noun: str) -> str:
    """The feminine of a masculine noun of profession: profesor -> profesora, médico -> médica, estudiante."""
    irregular = {"actor": "actriz", "actores": "actrices", "rey": "reina", "reyes": "reinas"}
    if noun in irregular:
        return irregular[noun]
    if noun.endswith("ores"):
        return noun[:-2] + "as"
    if noun.endswith("or"):
        return noun + "a"
    if noun.endswith("os"):
        return noun[:-2] + "as"
    if noun.endswith("o"):
        return noun[:-1] + "a"
    return noun


def o_or_u(next_word: str) -> str:
    """"o" becomes "u" before a word that starts with the sound /o/ (otro, hombre)."""
    w = next_word.lower()
    return "u" if w.startswith(("o", "ho")) else "o"


def y_or_e(next_word: str) -> str:
    """"y" becomes "e" before a word that starts with the sound /i/ (hijos, Isabel), not before "hie-"."""
    w = next_word.lower()
    return "e" if (w.startswith("i") or w.startswith("hi")) and not w.startswith("hie") else "y"


class Spanish:
    def __init__(self, lex) -> None:
        self.lex = lex
        self.nums = {v: es for _, v, es, _ in lex.numbers}
        self.prons = {p.en: p for p in lex.prons}

    # ---------------------------------------------------------------------------------- noun phrases

    def adjs(self, adjs: tuple[AdjUse, ...], gender: str, plural: bool, and_i=(), attributive: bool = False
             ) -> list[Tok]:
        out: list[Tok] = []
        if attributive and len(adjs) == 2:
            # after the noun, the adjective nearest to it in English (colour, origin) comes first: un perro negro
            # grande, un vecino extranjero peligroso
            first, second = adjs[1], adjs[0]
            for a in (first, second):
                if a.very_i:
                    out.append(T("muy", a.very_i))
                out.append(T(a.adj.es_form(gender, plural), a.i))
            return out
        for k, a in enumerate(adjs):
            if k:
                w = a.adj.es_form(gender, plural)
                out.append(T(y_or_e(w), and_i))
            if a.very_i:
                out.append(T("más" if a.degree in ("most", "more") else "muy", a.very_i))
            out.append(T(a.adj.es_form(gender, plural), a.i))
        return out

    def np(self, np: NP, case: str = "subj") -> list[Tok]:
        """case: subj (generic bare plurals take the article), obj, pobj (after a preposition), art (always an
        article: gustar's subject)."""
        if np.kind == "pron":
            p = np.head
            return [T(p.es_subj if case == "subj" else PREP_PRON.get(p.es_obj, p.es_subj), np.head_i)]
        if np.kind == "name":
            return [T(w, np.head_i) for w in np.head.es]
        if np.kind == "coord":
            a, b = (self.np(p, case) for p in np.parts)
            word = y_or_e(b[0][0]) if np.conj == "and" else o_or_u(b[0][0])
            return a + [T(word, np.and_i)] + b
        if np.kind == "demo":
            return []
        n = np.head
        if np.det == "who":
            return [T("quién", np.head_i)]
        out: list[Tok] = []
        det = np.det
        if det == "bare" and np.plural and case in ("subj", "art"):
            det = "art"
        if det == "bare" and case == "art":
            det = "art"
        if det == "num":
            out.append(T(self.nums[np.num], np.det_i))
        elif det == "all":
            words = _det(np)
            out += [T(words[0], np.det_i[:1]), T(words[1], np.det_i[1:])]
        elif det not in ("bare", "no", "home", "any"):
            out += [T(w, np.det_i if det != "own" else ()) for w in _det(NP(**{**np.__dict__, "det": det}))]
        noun = n.es_pl if np.plural else n.es
        pre = [a for a in np.adjs if "es_pre" in a.adj.flags]
        post = tuple(a for a in np.adjs if "es_pre" not in a.adj.flags)
        for a in pre:
            out.append(T(a.adj.es_form(n.gender, np.plural), a.i))
        out += [T(w, np.head_i) for w in noun.split()]
        out += self.adjs(post, n.gender, np.plural, np.and_i, attributive=True)
        if np.owner is not None:
            out += self.de(np.owner, np.det_i)
        if np.rel is not None:
            out += self.rel(np)
        return out

    def de(self, np: NP, extra=()) -> list[Tok]:
        """"de" + noun phrase, with de + el = del (repeated in a coordination: del chico o del músico)."""
        if np.kind == "coord":
            a, b = np.parts
            rest = self.de(b)
            word = y_or_e(rest[0][0]) if np.conj == "and" else o_or_u(rest[0][0])
            return self.de(a, extra) + [T(word, np.and_i)] + rest
        inner = self.np(np, "pobj")
        if inner and inner[0][0] == "el" and np.kind == "noun":
            return [T("del", extra, inner[0][1])] + inner[1:]
        return [T("de", extra)] + inner

    def a(self, np: NP, extra=(), case="pobj") -> list[Tok]:
        """"a" + noun phrase, with a + el = al (repeated in a coordination: a un ingeniero y a la esposa)."""
        if np.kind == "coord":
            a, b = np.parts
            rest = self.a(b, (), case)
            word = y_or_e(rest[0][0]) if np.conj == "and" else o_or_u(rest[0][0])
            return self.a(a, extra, case) + [T(word, np.and_i)] + rest
        inner = self.np(np, case)
        if inner and inner[0][0] == "el" and np.kind == "noun":
            return [T("al", extra, inner[0][1])] + inner[1:]
        return [T("a", extra)] + inner

    def con(self, np: NP, with_i) -> list[Tok]:
        """"con" + noun phrase: conmigo, contigo, con él."""
        inner = self.np(np, "pobj")
        if np.kind == "pron" and inner[0][0] in CON_PRON:
            return [T(CON_PRON[inner[0][0]], with_i, np.head_i)]
        return [T("con", with_i)] + inner

    def loc(self, loc: Loc) -> list[Tok]:
        words = PREP[loc.prep]
        if words[-1] == "de":
            return [T(w, loc.prep_i) for w in words[:-1]] + self.de(loc.np, loc.prep_i)
        return [T(w, loc.prep_i) for w in words] + self.np(loc.np, "pobj")

    def rel(self, head: NP) -> list[Tok]:
        r = head.rel
        c = r.clause
        if r.gap == "subj":
            c = Clause(**{**c.__dict__, "subj": None})
            return [T("que", r.that_i)] + self.clause(c, person=2 if not head.is_plural else 4, rel_head=head)
        return [T("que", r.that_i)] + self.clause(c, gap=head)

    # ---------------------------------------------------------------------------------- verbs

    @staticmethod
    def person_of(np: NP | None, default: int = 2) -> int:
        if np is None:
            return default
        if np.kind == "pron":
            return np.head.es_person
        return 4 if np.is_plural else 2

    def finite(self, c: Clause, p: int, inf: str, refl: bool = False) -> tuple[list[Tok], list[Tok]]:
        """The verb group: (finite part with auxiliaries, non-finite rest). Alignments: auxiliaries to aux_i /
        modal_i, the main verb form to verb_i."""
        v = c.verb
        conj = conjugate(inf)
        vi = c.verb_i
        past_impf = v is not None and "es_imperfect_past" in v.flags
        if c.modal == "inf":
            return [], [T(conj.inf, vi)]
        if c.modal:
            mod = c.modal
            if mod == "should":
                first = [T(conjugate("deber").cond[p], c.modal_i)]
            elif mod == "could":
                first = [T(conjugate("poder").cond[p], c.modal_i)]
            elif mod == "have_to":
                t = "pret" if c.tense == "past" else "pres"
                first = [T(TENER.form(t, p), c.modal_i, c.aux_i), T("que", c.modal_i)]
            else:
                t = "impf" if c.tense == "past" else "pres"
                first = [T(conjugate(MODAL_VERB[mod]).form(t, p), c.modal_i, c.aux_i)]
            return first, [T(conj.inf, vi)]
        t = c.tense
        if t == "pres":
            return [T(conj.pres[p], vi, c.aux_i)], []
        if t == "past":
            return [T((conj.impf if past_impf else conj.pret)[p], vi, c.aux_i)], []
        if t == "fut":
            return [T(conj.fut[p], vi, c.aux_i)], []
        if t == "prog":
            return [T(ESTAR.pres[p], c.aux_i)], [T(conj.ger, vi)]
        if t == "going":
            return [T(IR.pres[p], c.aux_i[:2]), T("a", c.aux_i[2:])], [T(conj.inf, vi)]
        if t == "perf":
            return [T(HABER.pres[p], c.aux_i)], [T(conj.pp, vi)]
        raise ValueError(t)

    def clause(self, c: Clause, person: int | None = None, mood: str = "decl", gap: NP | None = None,
               rel_head: NP | None = None, wh: str = "") -> list[Tok]:
        """A clause in declarative order (mood decl / yn), imperative (imp), or with its subject after the verb
        (mood wh)."""
        if c.pred != "verb":
            return self.be_clause(c, mood, wh, rel_head)
        v = c.verb
        subj = c.subj
        p = person if person is not None else self.person_of(subj)
        pron_i = subj.head_i if self.dropped(subj) else ()
        clitics: list[Tok] = []
        after: list[Tok] = []
        subj_toks: list[Tok] = []
        if subj is not None and not self.dropped(subj) and not v.dative:
            subj_toks = self.np(subj, "subj")
        if v.dative or c.modal in ("like", "would_like"):
            return self.dative_clause(c, mood, wh, gap)
        obj = c.obj
        if obj is not None:
            if obj.kind == "pron" and v.es_prep is None:
                clitics.append(T(obj.head.es_obj, obj.head_i, c.part_i))
            elif obj.kind == "pron" and v.es_prep == "a":  # "belongs to him": le pertenece
                clitics.append(T(obj.head.es_dat, obj.head_i, c.part_i))
            elif v.es_prep is not None:
                prep = v.es_prep
                inner = self.np(obj, "pobj")
                if prep == "con" and obj.kind == "pron" and inner[0][0] in CON_PRON:
                    after.append(T(CON_PRON[inner[0][0]], c.part_i, obj.head_i))
                elif prep in ("a", "de") and obj.kind == "noun" and inner and inner[0][0] == "el":
                    after += [T("al" if prep == "a" else "del", c.part_i, inner[0][1])] + inner[1:]
                else:
                    after += [T(prep, c.part_i)] + inner
            elif self.personal_a(obj) and not self.no_personal_a(v, obj):
                after += self.a(obj, c.part_i, "obj")
            else:
                if c.part_i:
                    after += [(w, s | frozenset(c.part_i)) if k == 0 else (w, s)
                              for k, (w, s) in enumerate(self.np(obj, "obj"))]
                else:
                    after += self.np(obj, "obj")
        if c.iobj is not None:
            io = c.iobj
            if io.kind == "pron":
                clitics.insert(0, T(io.head.es_dat, io.head_i, c.to_i))
            else:
                clitics.insert(0, T("les" if io.is_plural else "le", io.head_i if io.kind != "noun" else ()))
                after += self.a(io, c.to_i)
        if c.dest is not None:
            d = c.dest
            if d.det == "home":
                after += [T("a", c.to_i), T("casa", d.head_i)]
            else:
                after += self.a(d, c.to_i)
        if c.comp is not None:
            after += [T("que", c.that_i)] + self.clause(c.comp)
        if c.comit is not None:
            after += self.con(c.comit, c.with_i)
        if v.es_refl:
            rp = self.refl(p)
            clitics.insert(0, T(rp, c.verb_i))  # the reflexive pronoun belongs to the verb (se sentó)
        if mood == "imp":
            return self.imperative(c, clitics, after)
        first, rest = self.finite(c, p, v.es)
        if pron_i:
            first[0] = (first[0][0], first[0][1] | frozenset(pron_i))
        neg: list[Tok] = []
        if c.freq is not None:
            adv, ai = c.freq
            neg = [T(w, ai) for w in adv.es]
        if c.neg:
            neg.append(T("no", c.neg_i))
        tail = self.adjuncts(c)
        if mood == "wh":
            return neg + clitics + first + rest + subj_toks + after + tail
        return subj_toks + neg + clitics + first + rest + after + tail

    @staticmethod
    def dropped(subj: NP | None) -> bool:
        """Subject pronouns Spanish leaves out: yo, tú, nosotros, and "it"."""
        return subj is not None and subj.kind == "pron" and (subj.head.es_person in (0, 1, 3) or
                                                              not subj.head.es_subj)

    def refl(self, p: int) -> str:
        return ("me", "te", "se", "nos", "se")[p]

    @staticmethod
    def no_personal_a(v, obj: NP) -> bool:
        """tener takes no personal "a" ("tengo un hermano", "tengo dos hijos"), nor do necesitar / buscar with a
        person not yet known ("necesito un médico")."""
        return v.es == "tener" or (v.es in ("necesitar", "buscar") and obj.kind == "noun" and not obj.definite)

    def personal_a(self, obj: NP) -> bool:
        if obj.kind == "name":
            return obj.head.kind == "person"
        if obj.kind == "noun":
            if obj.head.cls == "person":
                return True
            return obj.head.cls == "animal" and obj.definite
        return False

    def imperative(self, c: Clause, clitics: list[Tok], after: list[Tok]) -> list[Tok]:
        conj = conjugate(c.verb.es)
        if c.neg:
            verb = [T("no", c.aux_i, c.neg_i)] + clitics + [T(conj.subj[1], c.verb_i)]
        else:
            verb = [T(conj.imp, c.verb_i)]
            if clitics:
                raise ValueError("affirmative imperative with a clitic")
        return verb + after + self.adjuncts(c)

    def adjuncts(self, c: Clause) -> list[Tok]:
        out: list[Tok] = []
        if c.loc is not None and c.pred not in ("loc", "exist"):
            out += self.loc(c.loc)
        if c.place is not None:
            adv, ai = c.place
            out += [T(w, ai) for w in adv.es]
        if c.time is not None:
            adv, ai = c.time
            out += [T(w, ai) for w in adv.es]
        return out

    def dative_clause(self, c: Clause, mood: str, wh: str, gap: NP | None) -> list[Tok]:
        """gustar / encantar: "(a + experiencer) le gusta(n) + thing"; "like to" / "would like to" + infinitive."""
        subj = c.subj
        exp: list[Tok] = []
        if subj is None or subj.kind == "stub":
            dat = T("le", ())
        elif subj.kind == "pron":
            dat = T(subj.head.es_dat, subj.head_i)
        else:
            exp = self.a(subj, (), "pobj")
            dat = T("les" if subj.is_plural else "le", ())
        if c.modal in ("like", "would_like"):
            g = conjugate("gustar")
            if c.modal == "would_like":
                verb = [T(g.cond[2], c.modal_i)]
            else:
                verb = [T((g.impf if c.tense == "past" else g.pres)[2], c.modal_i, c.aux_i)]
            inner = Clause(**{**c.__dict__, "modal": "inf", "modal_i": (), "aux_i": (), "neg_i": (), "subj": None,
                              "freq": None, "loc": None, "place": None, "time": None})
            rest = self.clause(inner, person=0)
        else:
            obj = c.obj
            p = 4 if obj is not None and obj.is_plural else 2
            first, r = self.finite(Clause(**{**c.__dict__, "modal": ""}), p, c.verb.es)
            verb = first + r
            if obj is not None and obj.kind == "pron":  # "I like it": me gusta
                verb[-1] = (verb[-1][0], verb[-1][1] | frozenset(obj.head_i))
                rest = []
            else:
                rest = self.np(obj, "art") if obj is not None else []
            if c.part_i and rest:
                rest[0] = (rest[0][0], rest[0][1] | frozenset(c.part_i))
        neg = [T("no", c.neg_i)] if c.neg else []
        if c.freq is not None:
            adv, ai = c.freq
            neg = [T(w, ai) for w in adv.es]
        tail = self.adjuncts(c)
        return exp + neg + [dat] + verb + rest + tail

    # ---------------------------------------------------------------------------------- "be" clauses

    def be_clause(self, c: Clause, mood: str, wh: str, rel_head: NP | None) -> list[Tok]:
        subj = c.subj
        p = self.person_of(subj) if subj is not None and subj.kind not in ("stub", "demo") else 2
        if subj is not None and subj.kind == "noun" and subj.det == "who":
            p = 2
        pron_i = subj.head_i if subj is not None and self.dropped(subj) else ()
        subj_toks: list[Tok] = []
        if subj is not None and subj.kind not in ("stub",) and not self.dropped(subj):
            if subj.kind == "demo":
                n = c.nom.head
                word = {"this": "este", "that": "ese"}[subj.det] if n.gender == "m" else \
                    {"this": "esta", "that": "esa"}[subj.det]
                subj_toks = [T(word, subj.head_i)]
            else:
                subj_toks = self.np(subj, "subj")
        neg = [T("no", c.neg_i)] if c.neg else []
        if c.freq is not None:
            adv, ai = c.freq
            neg = [T(w, ai) for w in adv.es] + neg
        t = {"pres": "pres", "past": "impf", "fut": "fut", "perf": "perf"}[c.tense]
        if c.pred == "name":
            who = c.subj.head
            llamar = conjugate("llamar")
            return neg + [T(self.refl(who.es_person), c.subj.head_i), T(llamar.pres[who.es_person], c.aux_i)] + \
                self.np(c.nom)
        if c.pred == "exist":
            hay = {"pres": "hay", "impf": "había", "fut": "habrá"}[t]
            body = neg + [T(hay, c.aux_i)] + self.np(c.subj, "obj")
            if c.subj.det == "no":
                body = [T("no", c.subj.det_i)] + [T(hay, c.aux_i)] + self.np(c.subj, "obj")
            if c.loc is not None:
                body += self.loc(c.loc)
            return body
        def be(cop):
            if t == "perf":  # ha estado / ha sido
                return [T(HABER.pres[p], c.aux_i[:1], pron_i), T(cop.pp, c.aux_i[1:])]
            return [T(cop.form(t, p), c.aux_i, pron_i)]
        if c.pred in ("adj", "cmp"):
            cop = ESTAR if c.adjs and c.adjs[0].adj.estar else SER
            g = subj.gender if subj is not None else "m"
            pl = subj.is_plural if subj is not None else False
            verb = be(cop)
            pred = self.adjs(c.adjs, g, pl, c.and_i)
            if c.pred == "cmp":  # más caro que el coche
                pred = [T("más", c.cmp_i[:1]), T(c.adjs[0].adj.es_form(g, pl), c.adjs[0].i),
                        T("que", c.cmp_i[1:])] + self.np(c.nom, "pobj")
        elif c.pred == "nom":
            verb = [T(SER.form(t, p), c.aux_i, pron_i)]
            nom = c.nom
            if "profession" in nom.head.flags and nom.det in ("a", "bare"):
                word = nom.head.es_pl if nom.plural else nom.head.es
                if subj is not None and subj.gender == "f" and nom.head.gender == "m":
                    word = feminine(word)
                pred = [T(w, nom.head_i, nom.det_i) for w in word.split()]
            else:
                pred = self.np(nom, "obj")
        elif c.pred == "loc":
            verb = be(ESTAR)
            pred = self.loc(c.loc) if c.loc is not None else []
        elif c.pred == "from":
            verb = [T(SER.form(t, p), c.aux_i, pron_i)]
            pred = [T("de", c.to_i)] + self.np(c.dest, "pobj")
        else:
            raise ValueError(c.pred)
        tail = self.adjuncts(c) if c.pred != "loc" else ([] if c.time is None else
                                                          [T(w, c.time[1]) for w in c.time[0].es])
        if mood == "wh":
            return neg + verb + pred + subj_toks + tail if c.pred != "loc" else neg + verb + subj_toks + tail
        return subj_toks + neg + verb + pred + tail

    # ---------------------------------------------------------------------------------- sentences

    def sentence(self, s: Sentence) -> list[Tok]:
        if s.form == "phrase":
            ph = s.phrase
            out = [(w, a) for w, a in zip(ph.es, ph.alignment("es", s.phrase_i))]
            question = s.punct == "?" or ph.en[0] in ("how", "what", "where")
            return self.punctuate(out, s, question)
        if s.form == "imp":
            body = self.clause(s.clause, mood="imp")
            if s.please_i:
                body = [T("por", s.please_i), T("favor", s.please_i), T(",", ())] + body
            return self.punctuate(body, s, False)
        if s.form == "yn":
            return self.punctuate(self.clause(s.clause, mood="yn"), s, True)
        if s.form == "wh":
            return self.punctuate(self.wh(s), s, True)
        if s.form == "sub":
            conj = {"because": ("porque",), "when": ("cuando",), "if": ("si",), "after": ("después", "de", "que"),
                    "although": ("aunque",)}[s.conj]
            main, sub = self.clause(s.clause), self.clause(s.clause2)
            cw = [T(w, s.conj_i) for w in conj]
            if s.sub_first:
                body = cw + sub + [T(",", s.comma_i)] + main
            else:
                body = main + cw + sub
            return self.punctuate(body, s, False)
        if s.form == "coord":
            a, b = self.clause(s.clause), self.clause(s.clause2)
            if s.conj == "and":
                mid = [T(y_or_e(b[0][0]), s.conj_i)]
            elif s.conj == "but":
                mid = [T("pero", s.conj_i)]
            elif s.conj == "then":  # y luego
                mid = [T("y", s.conj_i[:1]), T("luego", s.conj_i[1:])]
            else:  # , así que
                mid = [T(",", s.conj_i[:1]), T("así", s.conj_i[1:]), T("que", s.conj_i[1:])]
            return self.punctuate(a + mid + b, s, False)
        body = self.clause(s.clause)
        if s.front is not None:
            body = self.loc(s.front) + [T(",", s.comma_i)] + body
        return self.punctuate(body, s, False)

    def wh(self, s: Sentence) -> list[Tok]:
        c = s.clause
        if s.wh == "how_many":
            obj = c.obj
            head = [T(_det(obj)[0], s.wh_i)] + [T(w, obj.head_i) for w in obj.head.es_pl.split()]
            inner = Clause(**{**c.__dict__, "obj": None})
            return head + self.clause(inner, mood="wh")
        if s.wh == "who" and c.subj is not None and c.subj.kind == "noun" and c.subj.det == "who":
            if c.pred == "verb":
                inner = Clause(**{**c.__dict__, "subj": None})
                return [T("quién", s.wh_i)] + self.clause(inner, person=2)
            return [T("quién", s.wh_i)] + self.be_clause(Clause(**{**c.__dict__, "subj": None}), "decl", "", None)
        words = WH[s.wh]
        head = [T(w, s.wh_i) for w in words]
        if s.wh == "who" and c.pred == "verb" and c.obj is None:
            head = [T("a", ()), T("quién", s.wh_i)]
        return head + self.clause(c, mood="wh", wh=s.wh)

    @staticmethod
    def punctuate(body: list[Tok], s: Sentence, question: bool) -> list[Tok]:
        if question:
            return [T("¿", s.punct_i)] + body + [T("?", s.punct_i)]
        if s.punct == "!":
            return [T("¡", s.punct_i)] + body + [T("!", s.punct_i)]
        return body + [T(".", s.punct_i)]
