"""A synchronous grammar of everyday English with Spanish and Chinese translations and gold word alignments.

One declarative definition, read in three ways:
  * lexicon/*.tsv + lexicon.py — the words, with named columns (nouns, verbs, adjectives, names, pronouns, numbers,
    adverbs, set phrases) and the Spanish conjugator (es_verbs.py, irregular forms in lexicon/es_irregular.tsv);
  * english.py — the rules of English, written once and interpreted by derive.py either as a generator
    (sampling.py) or as a parser (recognise.py); both build the same trees (trees.py);
  * spanish.py / chinese.py — realisers from a tree to target tokens, each aligned with English token indices.

    >>> ex = sample(random.Random(0))            # an Example: English tokens + a Translation per language
    >>> r = parse("the black cat sleeps under the table .".split())
    >>> r.in_grammar, r.translations["zh"].tokens
"""

from __future__ import annotations

import functools
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from . import lexicon as _lexicon
from .chinese import Chinese
from .english import G
from .recognise import parse_tokens
from .sampling import MAX_LEN, sample_tree, unique_reading
from .spanish import Spanish
from .trees import NP, Clause, Sentence

LANGUAGES: dict[str, str] = {"es": "Spanish", "zh": "Chinese (Simplified)"}


@dataclass(frozen=True)
class Translation:
    tokens: tuple[str, ...]
    alignment: tuple[frozenset[int], ...]  # per target token: the English token indices it translates


@dataclass(frozen=True)
class Example:
    source: tuple[str, ...]
    translations: dict[str, Translation]
    families: tuple[str, ...] = field(default=(), compare=False)  # construction families (FAMILIES)


class Grammar:
    """The grammar over one lexicon (the shipped one by default)."""

    def __init__(self, lex: _lexicon.Lexicon) -> None:
        self.lex = lex
        self.g = G(lex)
        self.es = Spanish(lex)
        self.zh = Chinese(lex)

    @functools.cached_property
    def vocabulary(self) -> frozenset[str]:
        """Every English token the rules can write (closed-class words are read off the rules' literals)."""
        g = self.g
        words = set()
        for table in [g.noun_sg, g.noun_pl, g.adj, g.names, g.pron_subj, g.pron_obj, g.numbers, g.phrases,
                      *g.verb.values(), *g.adv.values()]:
            words |= table.words()
        words |= set(g.poss) | {v.particle for v in self.lex.verbs if v.particle}
        words |= set(CLOSED_CLASS)
        if g.home is not None:
            words.add("home")
        return frozenset(words)

    def realise(self, source: Sequence[str], tree: Sentence) -> Example:
        trs = {}
        for lang, r in (("es", self.es), ("zh", self.zh)):
            toks = r.sentence(tree)
            trs[lang] = Translation(tuple(t for t, _ in toks), tuple(a for _, a in toks))
        return Example(tuple(source), trs, families(tree))

    def sample(self, rng: random.Random) -> Example:
        """One random sentence whose English has a single translation."""
        while True:
            toks, tree = sample_tree(self.g, rng)
            parsed = parse_tokens(self.g, toks, self.vocabulary)
            if not parsed.trees:
                continue  # cannot happen unless generation and parsing disagree; the round-trip test checks it
            if unique_reading(parsed.trees, lambda t: self._translations(t)):
                return self.realise(toks, parsed.trees[0])

    def phrase_examples(self) -> list[Example]:
        """Every set phrase ("thank you", "how are you?") with each ending it may have, itself and without one.
        A finite list that a model has to memorise: training takes each of them, a held-out set none of them."""
        out = []
        for _, p in self.g.phrases.entries:
            marks = ("?",) if p.en[0] in ("how", "what", "where") else (".", "!")
            for mk in (*marks, ""):
                toks = (*p.en, mk) if mk else p.en
                parsed = parse_tokens(self.g, toks, self.vocabulary)
                phrase_trees = [t for t in parsed.trees if t.form == "phrase"]
                if phrase_trees:
                    out.append(self.realise(toks, phrase_trees[0]))
        return out

    def _translations(self, tree: Sentence):
        return tuple(tuple(w for w, _ in r.sentence(tree)) for r in (self.es, self.zh))

    def parse(self, tokens: Sequence[str]) -> ParseResult:
        """The reading of an English token sequence (the last few hundred are cached: every rerun of the app parses
        its sentence again)."""
        return self._parse(tuple(tokens))

    @functools.lru_cache(maxsize=512)  # noqa: B019 - one Grammar per lexicon, alive for the whole process
    def _parse(self, tokens: tuple[str, ...]) -> ParseResult:
        parsed = parse_tokens(self.g, tokens, self.vocabulary)
        if not parsed.trees:
            if parsed.unknown:
                reason = "unknown_word"
                detail = ", ".join(parsed.unknown)
            else:
                reason = "construction"
                detail = " ".join(tokens[:parsed.stop + 1])
            return ParseResult(False, None, {}, reason, detail, False, ())
        ex = self.realise(tokens, parsed.trees[0])
        ambiguous = not unique_reading(parsed.trees, self._translations)
        return ParseResult(True, parsed.trees[0], ex.translations, None, "", ambiguous, ex.families)


@dataclass(frozen=True)
class ParseResult:
    in_grammar: bool
    tree: Sentence | None
    translations: dict[str, Translation]  # reference translations with gold alignments (empty when outside)
    reason: str | None  # outside the grammar: "unknown_word" or "construction"
    detail: str  # the unknown words, or the words up to where the grammar stops
    ambiguous: bool  # two readings with different translations (the first, in rule order, is given)
    families: tuple[str, ...]


CLOSED_CLASS = ("the a an this that these those do does did not will would am is are was were be have has had going "
                "to can must should want wants wanted like likes liked need needs needed very and but because when "
                "if who what where why how many there no 's please , . ? ! from name in on under next behind front of "
                "near at over with "
                "all some any each every another several which could been more most than or then so after although"
                ).split()


@functools.lru_cache(maxsize=1)
def grammar() -> Grammar:
    return Grammar(_lexicon.default())


# ------------------------------------------------------------------------------------------ construction families

FAMILIES = ("set phrase", "present", "progressive", "past", "future", "going to", "present perfect", "modal",
            "imperative", "yes/no question", "wh-question", "negation", "relative clause", "there is / are",
            "X is a Y", "my name is", "possessive", "two adjectives", "adverb", "ditransitive", "place phrase",
            "fronted place phrase", "subordinate clause", "coordination", "that-clause", "adjective predicate")


def _nps(c: Clause | None):
    if c is None:
        return
    for np in (c.subj, c.obj, c.iobj, c.dest, c.nom, c.loc.np if c.loc else None):
        if isinstance(np, NP):
            yield np
            yield from np.parts
            if np.rel is not None:
                yield from _nps(np.rel.clause)
    if c.comp is not None:
        yield from _nps(c.comp)


def families(s: Sentence) -> tuple[str, ...]:
    """The construction families a sentence belongs to (for per-construction evaluation)."""
    if s.form == "phrase":
        return ("set phrase",)
    out = set()
    clauses = [c for c in (s.clause, s.clause2) if c is not None]
    for c in clauses:
        out.add({"pres": "present", "prog": "progressive", "past": "past", "fut": "future", "going": "going to",
                 "perf": "present perfect"}[c.tense])
        if c.modal:
            out.add("modal")
        if c.neg or (c.freq and c.freq[0].en == ("never",)):
            out.add("negation")
        if c.pred == "exist":
            out.add("there is / are")
        if c.pred == "nom":
            out.add("X is a Y")
        if c.pred == "name":
            out.add("my name is")
        if c.pred == "adj":
            out.add("adjective predicate")
        if c.iobj is not None:
            out.add("ditransitive")
        if c.loc is not None:
            out.add("place phrase")
        if c.time or c.freq or c.place:
            out.add("adverb")
        if c.comp is not None:
            out.add("that-clause")
        for np in _nps(c):
            if np.rel is not None:
                out.add("relative clause")
            if np.det == "own" or np.det in ("my", "your", "his", "her", "our", "their"):
                out.add("possessive")
            if len(np.adjs) == 2:
                out.add("two adjectives")
            if np.kind == "coord":
                out.add("coordination")
            if np.rel is not None and np.rel.clause.neg:
                out.add("negation")
    if s.form == "imp":
        out.add("imperative")
        out.discard("present")
    if s.form == "yn":
        out.add("yes/no question")
    if s.form == "wh":
        out.add("wh-question")
    if s.form == "sub":
        out.add("subordinate clause")
    if s.form == "coord":
        out.add("coordination")
    if s.front is not None:
        out.add("fronted place phrase")
        out.add("place phrase")
    return tuple(f for f in FAMILIES if f in out)


# ------------------------------------------------------------------------------------------ module-level API


def sample(rng: random.Random) -> Example:
    return grammar().sample(rng)


def generate(n: int, seed: int) -> list[Example]:
    """n examples with distinct English sentences, deterministic for a seed."""
    rng = random.Random(seed)
    seen: set[tuple[str, ...]] = set()
    out: list[Example] = []
    misses = 0
    gr = grammar()
    while len(out) < n:
        ex = gr.sample(rng)
        if ex.source in seen:
            misses += 1
            if misses > 50 * n + 1000:
                raise ValueError(f"the grammar cannot produce {n} distinct sentences")
            continue
        seen.add(ex.source)
        out.append(ex)
    return out


def parse(tokens: Sequence[str]) -> ParseResult:
    return grammar().parse(tokens)


def phrase_examples() -> list[Example]:
    return grammar().phrase_examples()


def source_vocabulary() -> list[str]:
    return sorted(grammar().vocabulary)


def word_classes() -> dict[str, list[str]]:
    """English words by class, for a vocabulary browser."""
    lex = grammar().lex
    nouns = {n.en for n in lex.nouns} | {n.en_pl for n in lex.nouns if n.en_pl}
    verbs = {f for v in lex.verbs for f in v.en}
    classes = {
        "noun": nouns,
        "adjective": {a.en for a in lex.adjs},
        "verb": verbs,
        "name": {" ".join(n.en) for n in lex.names},
        "pronoun": {p.en for p in lex.prons} | {p.obj_en for p in lex.prons},
        "determiner": {"the", "a", "an", "this", "that", "these", "those", "no"} | {p.poss_en for p in lex.prons},
        "number": {en for en, *_ in lex.numbers},
        "adverb": {" ".join(a.en) for a in lex.advs} | {"very"},
        "preposition": {"in", "on", "under", "next", "to", "behind", "in front of", "near", "at", "from"} |
        {v.particle for v in lex.verbs if v.particle},
        "auxiliary": {"do", "does", "did", "will", "would", "be", "am", "is", "are", "was", "were", "have", "has",
                      "had", "can", "must", "should"},
        "conjunction": {"and", "but", "because", "when", "if"},
        "question word": {"what", "who", "where", "when", "why", "how"},
        "set phrase": {" ".join(p.en) for p in lex.phrases},
    }
    return {k: sorted(v) for k, v in classes.items()}


_ZH_PUNCT = {".": "。", ",": "，", "?": "？", "!": "！"}
_NO_SPACE_BEFORE = {".", ",", "?", "!", "'s"}


@functools.lru_cache(maxsize=1)
def _capitalised() -> dict[str, str]:
    """English tokens written with a capital: one-word names that are not also ordinary words ("anna", not "new")."""
    gr = grammar()
    g = gr.g
    common = set()
    for table in [g.noun_sg, g.noun_pl, g.adj, *g.verb.values()]:
        common |= table.words()
    out = {}
    for n in gr.lex.names:
        if len(n.en) == 1 and n.en[0] not in common:
            out[n.en[0]] = n.en[0][:1].upper() + n.en[0][1:]
    return out


def detokenize(tokens: Sequence[str], lang: str) -> str:
    """Readable text from tokens: lang 'en', 'es' or 'zh'."""
    toks = [t for t in tokens if t]
    if lang == "zh":
        return "".join(_ZH_PUNCT.get(t, t) for t in toks)
    if lang == "en":  # Spanish tokens already carry their capitals (Anna, Nueva York)
        caps = _capitalised()
        toks = ["I" if t == "i" else caps.get(t, t) for t in toks]
    text = ""
    for k, t in enumerate(toks):
        if k == 0 or t in _NO_SPACE_BEFORE or toks[k - 1] in ("¿", "¡"):
            text += t
        else:
            text += " " + t
    for k, ch in enumerate(text):
        if ch.isalpha():
            text = text[:k] + ch.upper() + text[k + 1:]
            break
    return text


__all__ = ["LANGUAGES", "MAX_LEN", "Translation", "Example", "Grammar", "ParseResult", "FAMILIES", "grammar",
           "sample", "generate", "parse", "source_vocabulary", "word_classes", "detokenize", "families"]
