"""Spanish verb conjugation: present, preterite, imperfect, future, conditional, present subjunctive, participle,
gerund and the affirmative tú imperative, for the persons yo, tú, él, nosotros, ellos (no vosotros; usted = él).

Design
  * Regular -ar / -er / -ir paradigms live in code (_ENDINGS), with the spelling rules applied to every form:
      - c>qu, g>gu, z>c, gu>gü before e  (busqué, llegué, empecé, averigüe; subjunctive busque...)
      - c>zc after a vowel, c>z after a consonant before a/o in -cer/-cir  (conozco, conduzca; venzo, tuerza)
      - g>j before a/o in -ger/-gir (cojo, coja, elijo), gu>g before a/o in -guir (sigo, siga), qu>c in -quir
      - -uir: y before a, e, o (construyo, construye, construyó, construyeron, construyendo, construya)
      - a stem ending in a, e or o (leer, creer, caer, oír): i>y in the preterite él/ellos and the gerund
        (leyó, leyeron, leyendo) and a written í in leíste, leímos, leído
  * Stem changes (pensar > pienso, dormir > durmió, pedir > pidió, jugar > juego, enviar > envío) and all
    irregular forms are DATA in lexicon/es_irregular.tsv: `inf <TAB> tense <TAB> forms`, where tense is one of
    pres pret impf fut cond subj (5 forms) or pp ger imp (1 form), plus two pseudo-tenses:
      - `stem`: the stem-change class of an otherwise regular verb: ie, ue, i, í, ú (see the file's header);
      - `like`: a compound conjugated as its model with the prefix replaced (mantener like tener).
    A listed tense replaces the regular one. cond follows an irregular fut (tendré > tendría), subj follows an
    irregular present whose yo form ends in -o (tengo > tenga), and imp is the present él form unless listed.
  * A pronominal infinitive (sentarse, irse) conjugates as its base verb; clitics are the caller's business.
Accents follow the RAE 2010 spelling (rio, frio, fue, dio, vio without a written accent).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

PERSONS: tuple[str, ...] = ("yo", "tú", "él", "nosotros", "ellos")
TENSES: tuple[str, ...] = ("pres", "pret", "impf", "fut", "cond", "subj")
_SINGLE = ("pp", "ger", "imp")
_STEM_KINDS = ("ie", "ue", "i", "í", "ú")

IRREGULAR_PATH = Path(__file__).with_name("lexicon") / "es_irregular.tsv"


@dataclass(frozen=True)
class Conjugation:
    inf: str
    pres: tuple[str, ...]
    pret: tuple[str, ...]
    impf: tuple[str, ...]
    fut: tuple[str, ...]
    cond: tuple[str, ...]
    subj: tuple[str, ...]
    pp: str
    ger: str
    imp: str

    def form(self, tense: str, person: int) -> str:
        """The form of `tense` (one of TENSES) for PERSONS[person]."""
        if tense not in TENSES:
            raise ValueError(f"unknown tense {tense!r}; expected one of {TENSES}")
        if not 0 <= person < len(PERSONS):
            raise ValueError(f"person must be 0..{len(PERSONS) - 1}, got {person}")
        return getattr(self, tense)[person]


# --- regular endings --------------------------------------------------------------------------------------------

_ENDINGS: dict[str, dict[str, tuple[str, ...]]] = {
    "ar": {"pres": ("o", "as", "a", "amos", "an"), "pret": ("é", "aste", "ó", "amos", "aron"),
           "impf": ("aba", "abas", "aba", "ábamos", "aban"), "subj": ("e", "es", "e", "emos", "en")},
    "er": {"pres": ("o", "es", "e", "emos", "en"), "pret": ("í", "iste", "ió", "imos", "ieron"),
           "impf": ("ía", "ías", "ía", "íamos", "ían"), "subj": ("a", "as", "a", "amos", "an")},
    "ir": {"pres": ("o", "es", "e", "imos", "en"), "pret": ("í", "iste", "ió", "imos", "ieron"),
           "impf": ("ía", "ías", "ía", "íamos", "ían"), "subj": ("a", "as", "a", "amos", "an")},
}
_FUT = ("é", "ás", "á", "emos", "án")
_COND = ("ía", "ías", "ía", "íamos", "ían")
_SUBJ_FROM_YO = {"ar": ("e", "es", "e", "emos", "en"), "er": ("a", "as", "a", "amos", "an"),
                 "ir": ("a", "as", "a", "amos", "an")}

# -cer/-cir verbs with a vowel before c that take z, not zc (mecer > mezo, cocer > cuezo); hacer/decir are data
_CER_Z = {"mecer", "cocer", "escocer", "recocer"}

# common nouns and adjectives that look like infinitives
_NOT_VERBS = frozenset("""mujer lugar hogar collar altar militar popular familiar particular similar regular
singular solar polar taller alfiler ayer""".split())

_STRESSED = (0, 1, 2, 4)          # stem-stressed persons of the present and the subjunctive
_VOWELS = "aeiouáéíóúü"
_STRONG = "aeoáéó"
_ACUTE = str.maketrans("aeiou", "áéíóú")
_PLAIN = str.maketrans("áéíóú", "aeiou")
_WORD = re.compile(r"^[a-záéíóúüñ]+$")


# --- data -------------------------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _irregular() -> dict[str, dict[str, tuple[str, ...]]]:
    """inf -> tense -> forms, read from lexicon/es_irregular.tsv (validated)."""
    table: dict[str, dict[str, tuple[str, ...]]] = {}
    for n, raw in enumerate(IRREGULAR_PATH.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) != 3:
            raise ValueError(f"{IRREGULAR_PATH.name}:{n}: expected 3 tab-separated columns: {raw!r}")
        inf, tense, forms_s = (c.strip() for c in cols)
        forms = tuple(forms_s.split())
        if tense in TENSES:
            expected = 5
        elif tense in _SINGLE or tense in ("stem", "like"):
            expected = 1
        else:
            raise ValueError(f"{IRREGULAR_PATH.name}:{n}: unknown tense {tense!r}")
        if len(forms) != expected or not all(_WORD.match(f) for f in forms):
            raise ValueError(f"{IRREGULAR_PATH.name}:{n}: expected {expected} lowercase Spanish word(s): {raw!r}")
        if tense == "stem" and forms[0] not in _STEM_KINDS:
            raise ValueError(f"{IRREGULAR_PATH.name}:{n}: stem change must be one of {_STEM_KINDS}")
        entry = table.setdefault(inf, {})
        if tense in entry:
            raise ValueError(f"{IRREGULAR_PATH.name}:{n}: {inf} {tense} listed twice")
        entry[tense] = forms
    return table


# --- helpers ----------------------------------------------------------------------------------------------------

def _split(inf: str) -> tuple[str, str]:
    """(stem, class) of an infinitive, the class without accent: oír -> ("o", "ir")."""
    base = inf.translate(_PLAIN) if inf.endswith(("ír",)) else inf
    return base[:-2], base[-2:]


def _stem_change(stem: str, kind: str, weak: bool) -> str:
    """Apply a stem change to the stem's last e / o (u for jugar) / i / u; `weak` gives the -ir e>i, o>u form."""
    if kind in ("ie", "i"):
        pos = stem.rfind("e")
        new = "i" if weak or kind == "i" else "ie"
    elif kind == "ue":
        pos = stem.rfind("o")
        if pos < 0:
            pos = stem.rfind("u")
        new = "u" if weak else "ue"
    else:  # í / ú: written accent on the stressed weak vowel
        pos = stem.rfind(kind.translate(_PLAIN))
        new = kind
    if pos < 0:
        raise ValueError(f"stem change {kind!r} does not apply to stem {stem!r}")
    if new in ("ie", "ue") and pos == 0:
        new = "ye" if new == "ie" else "hue"            # errar > yerro, oler > huelo
    elif new == "ue" and pos > 0 and stem[pos - 1] == "g":
        new = "üe"                                      # avergonzar > avergüenzo
    return stem[:pos] + new + stem[pos + 1:]


def _is_vowel_stem(stem: str) -> bool:
    """A stem ending in a, e or o (leer, caer, oír): hiatus rules of the preterite, gerund and participle."""
    return bool(stem) and stem[-1] in "aeo"


def _is_uir_stem(stem: str, cls: str) -> bool:
    """-uir verbs like construir (not seguir / delinquir: there the u is silent)."""
    return cls == "ir" and stem.endswith("u") and not stem.endswith(("gu", "qu"))


def _join(stem: str, ending: str, inf: str, cls: str) -> str:
    """stem + ending with the orthographic adjustments that keep the consonant's sound."""
    first = ending[:1]
    if first in ("e", "é") and cls == "ar":
        if stem.endswith("gu"):
            stem = stem[:-2] + "gü"
        elif stem.endswith("c"):
            stem = stem[:-1] + "qu"
        elif stem.endswith("g"):
            stem = stem[:-1] + "gu"
        elif stem.endswith("z"):
            stem = stem[:-1] + "c"
    elif first in ("a", "o") and cls in ("er", "ir"):
        if stem.endswith("c") and inf.endswith(("cer", "cir")):
            if stem[-2:-1] and stem[-2] in _VOWELS and inf not in _CER_Z:
                stem = stem[:-1] + "zc"
            else:
                stem = stem[:-1] + "z"
        elif stem.endswith("gu") and inf.endswith("guir"):
            stem = stem[:-2] + "g"
        elif stem.endswith("qu") and inf.endswith("quir"):
            stem = stem[:-2] + "c"
        elif stem.endswith("g") and inf.endswith(("ger", "gir")):
            stem = stem[:-1] + "j"
    return stem + ending


def _syllables(word: str) -> int:
    """Number of syllables, good enough to tell monosyllables (ten, rio, vio, ves) from the rest."""
    count, prev = 0, ""
    for ch in word:
        if ch in _VOWELS:
            if not prev or (prev in _STRONG and ch in _STRONG) or ch in "íú" or prev in "íú":
                count += 1
            prev = ch
        else:
            prev = ""
    return count


def _accent_last_syllable(word: str) -> str:
    """Write the accent on the vowel nucleus of the word's last syllable (ten > tén, rio > rió)."""
    if any(c in "áéíóú" for c in word):
        return word
    end = len(word)
    while end and word[end - 1] not in _VOWELS:
        end -= 1
    start = end
    while start and word[start - 1] in _VOWELS:
        start -= 1
    group = word[start:end]
    strong = [i for i, c in enumerate(group) if c in _STRONG]
    i = strong[-1] if strong else len(group) - 1
    return word[:start + i] + group[i].translate(_ACUTE) + word[start + i + 1:]


def _monosyllable(form: str) -> str:
    """RAE 2010: a form that is one syllable takes no written accent (hui, fie, guio), unless the accent marks a
    hiatus (leí, oí, caí are two syllables)."""
    for i, ch in enumerate(form):
        if ch in "áéíóú":
            plain = form[:i] + ch.translate(_PLAIN) + form[i + 1:]
            if _syllables(plain) != 1:
                return form
            neighbours = form[i - 1:i] + form[i + 1:i + 2]
            if ch in "íú" and any(c in _STRONG for c in neighbours):
                return form
            return plain
    return form


def _compound(form: str, old: str, new: str) -> str:
    if not form.startswith(old):
        raise ValueError(f"cannot derive from {form!r}: it does not start with {old!r}")
    out = new + form[len(old):]
    if _syllables(form) == 1 and _syllables(out) > 1 and out[-1] in _VOWELS + "ns":
        out = _accent_last_syllable(out)
    return out


# --- conjugation ------------------------------------------------------------------------------------------------

def _regular(inf: str, kind: str | None) -> dict[str, tuple[str, ...] | str]:
    stem, cls = _split(inf)
    ends = _ENDINGS[cls]
    vowel_stem = _is_vowel_stem(stem)
    uir = _is_uir_stem(stem, cls)
    ir_change = kind in ("ie", "ue", "i") and cls == "ir"

    def stem_for(tense: str, person: int) -> str:
        if kind is None:
            return stem
        if tense in ("pres", "subj") and person in _STRESSED:
            return _stem_change(stem, kind, weak=False)
        if ir_change and ((tense == "subj" and person == 3) or (tense == "pret" and person in (2, 4))):
            return _stem_change(stem, kind, weak=True)
        return stem

    out: dict[str, tuple[str, ...] | str] = {}
    for tense in ("pres", "pret", "impf", "subj"):
        forms = []
        for p, e in enumerate(ends[tense]):
            s = stem_for(tense, p)
            if uir and e[:1] in ("a", "e", "o"):
                e = "y" + e                                      # construyo, construye, construya
            if tense == "pret" and p in (2, 4) and (vowel_stem or uir) and cls != "ar":
                e = "y" + e[1:]                                  # leyó, leyeron, construyó
            elif tense == "pret" and p in (1, 3) and vowel_stem and cls != "ar":
                e = "í" + e[1:]                                  # leíste, leímos
            elif tense == "pres" and p == 3 and vowel_stem and cls == "ir":
                e = "í" + e[1:]                                  # oímos
            forms.append(_monosyllable(_join(s, e, inf, cls)))
        out[tense] = tuple(forms)
    base = stem + cls
    out["fut"] = tuple(base + e for e in _FUT)
    out["cond"] = tuple(base + e for e in _COND)
    if cls == "ar":
        out["ger"] = stem + "ando"
        out["pp"] = stem + "ado"
    else:
        gstem = _stem_change(stem, kind, weak=True) if ir_change else stem
        out["ger"] = gstem + ("yendo" if vowel_stem or uir else "iendo")
        out["pp"] = stem + ("ído" if vowel_stem else "ido")
    return out


def _apply_data(inf: str, forms: dict, data: dict[str, tuple[str, ...]]) -> dict:
    forms = dict(forms)
    for tense, fs in data.items():
        if tense in TENSES:
            forms[tense] = fs
        elif tense in _SINGLE:
            forms[tense] = fs[0]
    _, cls = _split(inf)
    if "fut" in data and "cond" not in data:
        fstem = data["fut"][0][:-1]
        forms["cond"] = tuple(fstem + e for e in _COND)
    if "pres" in data and "subj" not in data:
        yo = data["pres"][0]
        if not yo.endswith("o"):
            raise ValueError(f"{inf}: irregular present {yo!r} needs an explicit subj row")
        forms["subj"] = tuple(yo[:-1] + e for e in _SUBJ_FROM_YO[cls])
    if "imp" not in data and ("imp" not in forms or "pres" in data):
        forms["imp"] = forms["pres"][2]
    return forms


@functools.lru_cache(maxsize=4096)
def conjugate(inf: str) -> Conjugation:
    """The full conjugation of a Spanish infinitive (hablar, sentarse, oír); ValueError if it is not a verb."""
    if not isinstance(inf, str):
        raise ValueError(f"not a Spanish infinitive: {inf!r}")
    word = unicodedata.normalize("NFC", inf.strip().lower())
    if word != inf or not _WORD.match(word):
        raise ValueError(f"not a Spanish infinitive: {inf!r}")
    if word.endswith(("arse", "erse", "irse", "írse")):
        c = conjugate(word[:-2])
        return Conjugation(word, *(getattr(c, f) for f in Conjugation.__dataclass_fields__ if f != "inf"))
    if not word.endswith(("ar", "er", "ir", "ír")):
        raise ValueError(f"not a Spanish infinitive: {inf!r}")
    data = _irregular().get(word, {})
    stem = word[:-2]
    if not data and (word in _NOT_VERBS or not any(c in "aeiou" for c in stem)
                     or any(c in "áéíóú" for c in stem) or (word.endswith("ír") and stem[-1:] not in ("a", "e", "o"))):
        raise ValueError(f"not a Spanish infinitive: {inf!r}")
    if "like" in data:
        model = data["like"][0]
        common = 0
        while common < min(len(word), len(model)) and word[-1 - common] == model[-1 - common]:
            common += 1
        old, new = model[:len(model) - common], word[:len(word) - common]
        m = conjugate(model)
        fields = {}
        for f in TENSES:
            fields[f] = tuple(_compound(x, old, new) for x in getattr(m, f))
        for f in _SINGLE:
            fields[f] = _compound(getattr(m, f), old, new)
        rest = {k: v for k, v in data.items() if k != "like"}
        if rest:
            fields = _apply_data(word, fields, rest)
        return Conjugation(word, **fields)
    kind = data["stem"][0] if "stem" in data else None
    forms = _apply_data(word, _regular(word, kind), {k: v for k, v in data.items() if k != "stem"})
    return Conjugation(word, **{f: forms[f] for f in (*TENSES, *_SINGLE)})


def irregular_verbs() -> tuple[str, ...]:
    """Infinitives listed in lexicon/es_irregular.tsv."""
    return tuple(_irregular())
