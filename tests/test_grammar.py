"""The synchronous grammar: determinism, vocabularies, alignments, one translation per sentence, spot checks."""

from __future__ import annotations

import random
from collections import defaultdict

import pytest

from viz_model import grammar as g
from viz_model.grammar import NOUNS, NP, Clause, Loc, Rel, Sentence

N_SAMPLES = 40_000
FUNCTION_WORDS = {"es": {"a", "y"}, "zh": {"的", "了", "吗"}}


@pytest.fixture(scope="module")
def samples() -> list[g.Example]:
    rng = random.Random(1234)
    return [g.sample(rng) for _ in range(N_SAMPLES)]


# ---------------------------------------------------------------------------------------------- helpers


def adj(name: str) -> g.Adj:
    return next(a for a in g.ADJS if a.en == name)


def verb(base: str) -> g.Verb:
    return next(v for v in g.VERBS if v.en[0] == base)


def pron(key: str) -> NP:
    return NP(pron=next(p for p in g.PRONOUNS if p.key == key))


def np_(noun: str, det: str = "the", plural: bool = False, adjs=(), rel=None) -> NP:
    return NP(NOUNS[noun], det, plural, tuple(adj(a) for a in adjs), rel)


def render(s: Sentence) -> tuple[str, str, str]:
    ex = g.realise(s)
    return (" ".join(ex.source), " ".join(ex.translations["es"].tokens), " ".join(ex.translations["zh"].tokens))


def decl(cl: Clause) -> tuple[str, str, str]:
    return render(Sentence("decl", [cl]))


# ---------------------------------------------------------------------------------------------- generation


def test_deterministic_for_a_seed():
    assert g.generate(300, seed=7) == g.generate(300, seed=7)
    assert g.generate(300, seed=7) != g.generate(300, seed=8)
    rng1, rng2 = random.Random(3), random.Random(3)
    assert [g.sample(rng1) for _ in range(50)] == [g.sample(rng2) for _ in range(50)]


def test_generate_unique_sources():
    exs = g.generate(5000, seed=1)
    assert len(exs) == 5000
    assert len({e.source for e in exs}) == 5000


def test_examples_well_formed(samples):
    lengths = []
    for ex in samples[:20000]:
        src = ex.source
        lengths.append(len(src))
        assert src[-1] in (".", "?")
        assert all(t == t.lower() and "'" not in t and " " not in t for t in src)
        assert set(ex.translations) == set(g.LANGUAGES)
        for lang, tr in ex.translations.items():
            assert len(tr.tokens) == len(tr.alignment)
            assert tr.tokens[-1] in ((".", "?") if lang == "es" else ("。", "？"))
            if lang == "es":
                assert (tr.tokens[0] == "¿") == (src[-1] == "?")
    assert 4 <= min(lengths) and max(lengths) <= 18
    assert 7.5 <= sum(lengths) / len(lengths) <= 10.5


def test_source_vocabulary_size():
    words = [w for w in g.source_vocabulary() if w.isalpha()]
    assert len(words) >= 300
    assert g.source_vocabulary() == sorted(set(g.source_vocabulary()))
    assert len(g.target_vocabulary("es")) < 1500
    assert len(g.target_vocabulary("zh")) < 800


def test_vocabularies_complete_and_tight(samples):
    seen_src = {t for ex in samples for t in ex.source}
    assert seen_src <= set(g.source_vocabulary())
    assert set(g.source_vocabulary()) - seen_src == set()      # every English word is actually used
    for lang in g.LANGUAGES:
        vocab = set(g.target_vocabulary(lang))
        seen = {t for ex in samples for t in ex.translations[lang].tokens}
        assert seen <= vocab, sorted(seen - vocab)
        # rare forms (e.g. coordinated subjects with an unusual adjective) may be missing from a sample, but no more
        assert len(vocab - seen) <= 0.01 * len(vocab), sorted(vocab - seen)


def test_word_classes_cover_vocabulary():
    classes = g.word_classes()
    for k in ("noun", "adjective", "verb", "pronoun", "determiner", "number", "preposition"):
        assert classes[k]
    assert {w for ws in classes.values() for w in ws} == set(g.source_vocabulary())
    assert {"one", "two", "ten"} <= set(classes["number"])
    assert {"black", "big", "small", "red"} <= set(classes["adjective"])


def test_alignments_in_range_and_content_aligned(samples):
    for ex in samples[:20000]:
        n = len(ex.source)
        for lang, tr in ex.translations.items():
            for tok, al in zip(tr.tokens, tr.alignment):
                assert all(0 <= i < n for i in al)
                if tok not in FUNCTION_WORDS[lang]:
                    assert al, (lang, tok, ex.source, tr.tokens)
            # punctuation aligns to punctuation
            for tok, al in zip(tr.tokens, tr.alignment):
                if tok in ("¿", "?", ".", "。", "？"):
                    assert {ex.source[i] for i in al} <= {".", "?"}


def test_english_to_translation_is_a_function(samples):
    seen: dict[tuple, tuple] = {}
    rng = random.Random(99)
    extra = [g.sample(rng) for _ in range(15_000)]
    for ex in list(samples) + extra:
        key = tuple((lang, ex.translations[lang].tokens) for lang in sorted(ex.translations))
        prev = seen.setdefault(ex.source, key)
        assert prev == key, (ex.source, prev, key)
    # the check is meaningful: some sentences must recur
    counts: dict[tuple, int] = defaultdict(int)
    for ex in list(samples) + extra:
        counts[ex.source] += 1
    assert any(c > 1 for c in counts.values())


def test_structure_frequencies(samples):
    n = len(samples)
    rel = sum(1 for ex in samples if any(s & {ex.source.index(w) for w in ("who", "that") if w in ex.source}
                                         for t, s in zip(ex.translations["es"].tokens,
                                                         ex.translations["es"].alignment) if t == "que"))
    localisers = {"上", "里", "下面", "旁边", "后面", "前面", "附近"}
    place = sum(1 for ex in samples if "在" in ex.translations["zh"].tokens
                and localisers & set(ex.translations["zh"].tokens))
    questions = sum(1 for ex in samples if ex.source[-1] == "?")
    negation = sum(1 for ex in samples if "not" in ex.source)
    assert rel / n >= 0.15
    assert place / n >= 0.15
    assert questions / n >= 0.1
    assert negation / n >= 0.1


# ---------------------------------------------------------------------------------------------- spot checks


def test_spanish_noun_adjective_order_and_agreement():
    en, es, zh = decl(Clause("tr", np_("girl"), verb("see"), np_("house", "these", True, ["small", "white"])))
    assert en == "the girl sees these small white houses ."
    assert es == "la niña ve estas casas pequeñas y blancas ."
    assert zh == "女孩 看见 这些 白色 的 小 房子 。"
    en, es, zh = decl(Clause("tr", np_("man"), verb("buy"), np_("car", "a", False, ["red"]), tense="past"))
    assert en == "the man bought a red car ."
    assert es == "el hombre compró un coche rojo ."
    assert zh == "男人 买 了 一 辆 红色 的 车 。"


def test_predicate_agrees_across_relative_clause():
    rel = Rel("obj", Clause("tr", np_("woman", "the", True), verb("see")))
    en, es, zh = decl(Clause("cop_adj", np_("cat", rel=rel), adj=adj("black")))
    assert en == "the cat that the women see is black ."
    assert es == "el gato que las mujeres ven es negro ."
    assert zh == "女人 看见 的 猫 是 黑色 的 。"
    rel = Rel("obj", Clause("tr", np_("boy"), verb("see")))
    en, es, _ = decl(Clause("cop_adj", np_("cat", "the", True, rel=rel), adj=adj("white")))
    assert en == "the cats that the boy sees are white ."
    assert es == "los gatos que el niño ve son blancos ."
    rel = Rel("subj", Clause("tr", obj=np_("book"), verb=verb("read")))
    en, es, zh = decl(Clause("cop_adj", np_("girl", rel=rel), adj=adj("tired"), tense="past"))
    assert en == "the girl who reads the book was tired ."
    assert es == "la niña que lee el libro estaba cansada ."
    assert zh == "看 书 的 女孩 很 累 。"


def test_personal_a_and_contractions():
    assert decl(Clause("tr", np_("dog"), verb("chase"), np_("boy")))[1] == "el perro persigue al niño ."
    assert decl(Clause("tr", np_("boy"), verb("help"), np_("woman", "a")))[1] == "el niño ayuda a una mujer ."
    assert decl(Clause("tr", np_("boy"), verb("read"), np_("book")))[1] == "el niño lee el libro ."
    assert decl(Clause("tr", np_("woman"), verb("see"), pron("he"), neg=True))[1] == "la mujer no lo ve ."
    loc = Loc("under", np_("tree"))
    en, es, zh = decl(Clause("intr", np_("dog"), verb("sleep"), loc=loc))
    assert en == "the dog sleeps under the tree ."
    assert es == "el perro duerme debajo del árbol ."
    assert zh == "狗 在 树 下面 睡觉 。"


def test_ser_vs_estar():
    assert decl(Clause("cop_adj", np_("cat"), adj=adj("black")))[1] == "el gato es negro ."
    assert decl(Clause("cop_adj", np_("soup"), adj=adj("cold")))[1] == "la sopa está fría ."
    loc = Loc("on", np_("table"))
    en, es, zh = decl(Clause("cop_loc", np_("book", "the", True), loc=loc))
    assert en == "the books are on the table ."
    assert es == "los libros están en la mesa ."
    assert zh == "书 在 桌子 上 。"
    en, es, zh = decl(Clause("cop_loc", pron("i"), loc=Loc("in", np_("kitchen")), tense="fut"))
    assert (en, es) == ("i will be in the kitchen .", "yo estaré en la cocina .")
    assert zh == "我 会 在 厨房 里 。"


def test_chinese_measure_words():
    cases = {("cat", "three"): "三 只 猫", ("book", "this"): "这 本 书", ("car", "two"): "两 辆 车",
             ("table", "a"): "一 张 桌子", ("snake", "that"): "那 条 蛇", ("chair", "one"): "一 把 椅子",
             ("horse", "five"): "五 匹 马", ("letter", "a"): "一 封 信", ("tree", "ten"): "十 棵 树"}
    for (noun, det), want in cases.items():
        plural = det not in ("a", "one", "this", "that")
        zh = decl(Clause("tr", np_("boy"), verb("see"), np_(noun, det, plural), tense="past"))[2]
        assert zh == "男孩 看见 了 " + want + " 。", zh


def test_relative_clause_before_noun_in_chinese():
    rel = Rel("obj", Clause("tr", np_("woman"), verb("see")))
    en, es, zh = decl(Clause("intr", np_("cat", rel=rel), verb("sleep")))
    assert en == "the cat that the woman sees sleeps ."
    assert es == "el gato que la mujer ve duerme ."
    assert zh == "女人 看见 的 猫 睡觉 。"
    rel = Rel("subj", Clause("intr", verb=verb("sleep"), loc=Loc("under", np_("table"))))
    en, es, zh = decl(Clause("tr", np_("man"), verb("see"), np_("dog", rel=rel), tense="past"))
    assert en == "the man saw the dog that sleeps under the table ."
    assert es == "el hombre vio al perro que duerme debajo de la mesa ."
    assert zh == "男人 看见 了 在 桌子 下面 睡觉 的 狗 。"


def test_place_phrase_before_verb_in_chinese():
    en, es, zh = decl(Clause("intr", np_("cat", "this", False, ["black"]), verb("sleep"), loc=Loc("on", np_("bed"))))
    assert en == "this black cat sleeps on the bed ."
    assert es == "este gato negro duerme en la cama ."
    assert zh == "这 只 黑色 的 猫 在 床 上 睡觉 。"


def test_chinese_tense_and_negation():
    def zh(tense, neg, v="eat", obj="bread"):
        return decl(Clause("tr", np_("boy"), verb(v), np_(obj), tense=tense, neg=neg))

    assert zh("past", False)[2] == "男孩 吃 了 面包 。"
    assert zh("past", True)[0] == "the boy did not eat the bread ."
    assert zh("past", True)[2] == "男孩 没有 吃 面包 。"
    assert zh("pres", True)[2] == "男孩 不 吃 面包 。"
    assert zh("fut", False)[2] == "男孩 会 吃 面包 。"
    assert zh("fut", True)[2] == "男孩 不会 吃 面包 。"
    assert zh("fut", True)[1] == "el niño no comerá el pan ."
    assert zh("pres", True, "see", "cat")[2] == "男孩 看不见 猫 。"
    ex = g.realise(Sentence("decl", [Clause("tr", np_("boy"), verb("see"), np_("cat"), tense="fut")]))
    es = dict(zip(ex.translations["es"].tokens, ex.translations["es"].alignment))
    assert {ex.source[i] for i in es["verá"]} == {"will", "see"}


def test_questions():
    en, es, zh = render(Sentence("yn", [Clause("tr", np_("dog"), verb("see"), np_("cat"))]))
    assert en == "does the dog see the cat ?"
    assert es == "¿ el perro ve al gato ?"
    assert zh == "狗 看见 猫 吗 ？"
    en, es, zh = render(Sentence("yn", [Clause("intr", np_("baby"), verb("cry"), tense="past")]))
    assert (en, zh) == ("did the baby cry ?", "宝宝 哭 了 吗 ？")
    en, es, zh = render(Sentence("yn", [Clause("cop_adj", np_("dog"), adj=adj("big"))]))
    assert (en, es, zh) == ("is the dog big ?", "¿ el perro es grande ?", "狗 大 吗 ？")
    en, es, zh = render(Sentence("where", [Clause("cop_loc", np_("cat"))]))
    assert (en, es, zh) == ("where is the cat ?", "¿ dónde está el gato ?", "猫 在 哪里 ？")
    en, es, zh = render(Sentence("what", [Clause("tr", np_("cat"), verb("eat"), tense="past")]))
    assert (en, es, zh) == ("what did the cat eat ?", "¿ qué comió el gato ?", "猫 吃 了 什么 ？")
    en, es, zh = render(Sentence("who_o", [Clause("tr", np_("dog"), verb("see"))]))
    assert (en, es, zh) == ("who does the dog see ?", "¿ a quién ve el perro ?", "狗 看见 谁 ？")


def test_detokenize():
    ex = g.realise(Sentence("yn", [Clause("tr", pron("you"), verb("see"), pron("i"), tense="past")]))
    assert g.detokenize(ex.source, "en") == "Did you see me?"
    assert g.detokenize(ex.translations["es"].tokens, "es") == "¿Tú me viste?"
    assert g.detokenize(ex.translations["zh"].tokens, "zh") == "你看见了我吗？"
    assert g.detokenize(["i", "see", "the", "cat", ",", "but", "you", "do", "not", "."], "en") == \
        "I see the cat, but you do not."
    assert g.detokenize(["¿", "el", "perro", "ve", "al", "gato", "?"], "es") == "¿El perro ve al gato?"
    assert g.detokenize(["el", "gato", "duerme", ",", "pero", "el", "perro", "corre", "."], "es") == \
        "El gato duerme, pero el perro corre."
    assert g.detokenize(["猫", "睡觉", "，", "狗", "跑", "。"], "zh") == "猫睡觉，狗跑。"
    assert g.detokenize(["狗", "看见", "猫", "吗", "?"], "zh") == "狗看见猫吗？"
