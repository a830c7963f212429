"""The grammar: one definition that generates and parses (round trip), one translation per English sentence,
the lexicon's data files, vocabulary coverage, and the translations of sentences people type first."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from viz_model import grammar as g
from viz_model.grammar import lexicon
from viz_model.grammar.es_verbs import conjugate
from viz_model.tokenizer import split_words

ROUND_TRIP = 20_000


@pytest.fixture(scope="module")
def samples() -> list[g.Example]:
    rng = random.Random(99)
    gr = g.grammar()
    return [gr.sample(rng) for _ in range(1500)]


def translate(text: str, lang: str) -> str:
    r = g.parse(split_words(text))
    assert r.in_grammar, (text, r.reason, r.detail)
    return g.detokenize(r.translations[lang].tokens, lang)


def _round_trip(seed: int) -> list[str]:
    from viz_model.grammar import recognise, sampling

    gr = g.grammar()
    rng = random.Random(seed)
    failures = []
    for _ in range(ROUND_TRIP // 4):
        toks, tree = sampling.sample_tree(gr.g, rng)
        parsed = recognise.parse_tokens(gr.g, toks, gr.vocabulary)
        if tree not in parsed.trees:
            failures.append(" ".join(toks))
            continue
        want = gr.realise(toks, tree)
        for other in parsed.trees:
            if gr.realise(toks, other).translations != want.translations:
                # two readings with different translations: sampling drops such sentences, so they never reach
                # the data; count them to keep them rare
                failures.append("ambiguous: " + " ".join(toks))
                break
    return failures


@pytest.mark.slow
def test_round_trip_parse_gives_back_the_sampled_tree_and_translations():
    """Sample 20,000 sentences (4 seeds, in 2 processes); parsing each English sentence finds the sampled tree, and
    every other reading, if any, has the same translations (tokens and alignments)."""
    import multiprocessing as mp

    with mp.get_context("fork").Pool(2) as pool:
        failures = [f for part in pool.map(_round_trip, [2024, 2025, 2026, 2027]) for f in part]
    ambiguous = [f for f in failures if f.startswith("ambiguous")]
    missing = [f for f in failures if not f.startswith("ambiguous")]
    assert not missing, missing[:10]
    assert len(ambiguous) <= ROUND_TRIP // 100, ambiguous[:10]  # measured: 101 of 20,000 (dropped from the data)


def test_sampled_sentences_have_exactly_one_translation(samples):
    gr = g.grammar()
    for ex in samples[:1500]:
        r = gr.parse(ex.source)
        assert r.in_grammar and not r.ambiguous, " ".join(ex.source)
        assert r.translations == ex.translations, " ".join(ex.source)


def test_sampling_is_deterministic():
    assert g.generate(50, seed=3) == g.generate(50, seed=3)
    assert g.generate(50, seed=3) != g.generate(50, seed=4)


def test_alignments_point_at_real_source_words(samples):
    for ex in samples:
        for lang, tr in ex.translations.items():
            assert len(tr.tokens) == len(tr.alignment)
            for a in tr.alignment:
                assert all(0 <= i < len(ex.source) for i in a), (ex.source, lang)
            words = [(t, a) for t, a in zip(tr.tokens, tr.alignment) if any(ch.isalnum() for ch in t)]
            aligned = [t for t, a in words if a]
            assert len(aligned) >= len(words) // 2, (ex.source, tr.tokens)


def test_lexicon_files_load_and_every_verb_conjugates():
    lex = lexicon.load()
    assert len(lex.nouns) >= 300 and len(lex.verbs) >= 150 and len(lex.adjs) >= 80
    for v in lex.verbs:
        c = conjugate(v.es)
        assert all(c.pres) and all(c.pret) and all(c.fut) and c.pp and c.ger
    for n in lex.nouns:
        assert n.gender in ("m", "f") and n.cls in lexicon.CLASSES


def test_bad_lexicon_rows_are_refused_with_file_and_line(tmp_path):
    for f in lexicon.LEXICON_DIR.glob("*.tsv"):
        (tmp_path / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    path = tmp_path / "nouns.tsv"
    path.write_text(path.read_text(encoding="utf-8") + "gizmo\tgizmos\tartilugio\n", encoding="utf-8")
    with pytest.raises(lexicon.LexiconError, match=r"nouns.tsv:\d+"):
        lexicon.load(tmp_path)


@pytest.mark.parametrize("text,es,zh", [
    ("I love you.", "Te quiero.", "我爱你。"),
    ("My name is Anna.", "Me llamo Anna.", "我叫安娜。"),
    ("I am a student.", "Soy estudiante.", "我是学生。"),
    ("She is a teacher.", "Ella es profesora.", "她是老师。"),
    ("We went to the park yesterday.", "Fuimos al parque ayer.", "我们昨天去了公园。"),
    ("The cat sat on the mat.", "El gato se sentó en la alfombra.", "猫坐在垫子上。"),
    ("How are you?", "¿Cómo estás?", "你好吗？"),
    ("Thank you very much.", "Muchas gracias.", "非常感谢。"),
    ("Where is the cat?", "¿Dónde está el gato?", "猫在哪里？"),
    ("I don't like coffee.", "No me gusta el café.", "我不喜欢咖啡。"),
    ("There are two books on the table.", "Hay dos libros en la mesa.", "桌子上有两本书。"),
    ("The man's dog is not black.", "El perro del hombre no es negro.", "男人的狗不是黑色的。"),
    ("Don't eat the apple!", "¡No comas la manzana!", "别吃苹果！"),
    ("Do you want to go home", "¿Quieres ir a casa?", "你想回家吗？"),
])
def test_first_sentences_people_type(text, es, zh):
    assert translate(text, "es") == es
    assert translate(text, "zh") == zh


def test_outside_the_grammar_is_reported_with_the_reason():
    r = g.parse(split_words("Colorless green ideas sleep furiously."))
    assert not r.in_grammar and r.reason == "unknown_word" and "colorless" in r.detail
    r = g.parse(split_words("the the cat"))
    assert not r.in_grammar and r.reason == "construction"


def test_old_is_lao_for_people_and_animals(samples):
    """旧 is for things; people and animals are 老."""
    gr = g.grammar()
    for ex in samples:
        tree = gr.parse(ex.source).tree
        zh = ex.translations["zh"]
        for k, tok in enumerate(zh.tokens):
            if tok == "旧":
                src = [ex.source[i] for i in zh.alignment[k]]
                assert src == ["old"], (ex.source, zh.tokens)
        assert tree is not None


def test_every_spanish_future_person_is_frequent():
    """Future forms for yo / tú / nosotros are not rare (they were learnt poorly when they were: the grammar before
    the balancing gave 10 sentences with one in 1,500; now 24-37 over three seeds)."""
    rng = random.Random(5)
    gr = g.grammar()
    futures = {c.fut[p] for c in (conjugate(v.es) for v in gr.lex.verbs) for p in (0, 1, 3)}
    counts = Counter()
    for _ in range(1500):
        ex = gr.sample(rng)
        counts.update(t for t in ex.translations["es"].tokens if t in futures)
    assert sum(counts.values()) >= 20, counts


def test_detokenize():
    assert g.detokenize(["¿", "dónde", "está", "el", "gato", "?"], "es") == "¿Dónde está el gato?"
    assert g.detokenize(["猫", "在", "哪里", "？"], "zh") == "猫在哪里？"
    assert g.detokenize(["i", "see", "anna", "'s", "book", "."], "en") == "I see Anna's book."
