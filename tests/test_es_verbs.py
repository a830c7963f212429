"""Spanish conjugator (viz_model/grammar/es_verbs.py + lexicon/es_irregular.tsv) against hand-checked forms, and the
verb lexicon (lexicon/verbs.tsv): every Spanish infinitive conjugates, every row follows the schema."""

import importlib
import importlib.util
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GRAMMAR_DIR = ROOT / "viz_model" / "grammar"
VERBS_TSV = GRAMMAR_DIR / "lexicon" / "verbs.tsv"


def _load_es_verbs():
    try:
        return importlib.import_module("viz_model.grammar.es_verbs")
    except ImportError:
        # while viz_model/grammar.py (a module) still shadows the viz_model/grammar/ package, load the file itself
        spec = importlib.util.spec_from_file_location("_es_verbs_under_test", GRAMMAR_DIR / "es_verbs.py")
        mod = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = mod
        spec.loader.exec_module(mod)
        return mod


ev = _load_es_verbs()
P = {p: i for i, p in enumerate(ev.PERSONS)}

# (infinitive, tense, person or None for pp / ger / imp, expected form), checked by hand
CASES = """
hablar pres yo hablo | hablar pret él habló | hablar impf nosotros hablábamos | hablar fut tú hablarás
hablar cond nosotros hablaríamos | hablar subj nosotros hablemos | hablar pp - hablado | hablar ger - hablando
hablar imp - habla
comer pret yo comí | comer pret él comió | comer impf yo comía | comer impf nosotros comíamos | comer fut él comerá
comer cond yo comería | comer subj ellos coman | comer imp - come
vivir pres nosotros vivimos | vivir pret él vivió | vivir pret ellos vivieron | vivir fut ellos vivirán
vivir subj yo viva | vivir ger - viviendo | vivir pp - vivido
estar pres tú estás | estar pres él está | estar pres ellos están | estar pret yo estuve | estar subj yo esté
estar imp - está
ser pres yo soy | ser pres tú eres | ser pret él fue | ser impf nosotros éramos | ser subj nosotros seamos
ser imp - sé
ir pres yo voy | ir pret yo fui | ir impf él iba | ir impf nosotros íbamos | ir subj yo vaya | ir ger - yendo
ir imp - ve | ir fut yo iré
haber pres él ha | haber fut yo habré | haber subj él haya | haber pret él hubo
tener pres yo tengo | tener pres tú tienes | tener pret yo tuve | tener fut yo tendré | tener cond él tendría
tener subj nosotros tengamos | tener imp - ten
poder pres yo puedo | poder pres nosotros podemos | poder pret él pudo | poder fut nosotros podremos
poder ger - pudiendo | poder subj nosotros podamos
querer pres ellos quieren | querer pret yo quise | querer fut yo querré | querer cond ellos querrían
saber pres yo sé | saber pret nosotros supimos | saber fut tú sabrás | saber subj yo sepa
hacer pres yo hago | hacer pret él hizo | hacer fut él hará | hacer pp - hecho | hacer imp - haz
hacer subj ellos hagan
decir pres yo digo | decir pres él dice | decir pret ellos dijeron | decir fut yo diré | decir cond nosotros diríamos
decir pp - dicho | decir ger - diciendo | decir imp - di
venir pres tú vienes | venir pret yo vine | venir pret él vino | venir fut ellos vendrán | venir ger - viniendo
venir imp - ven
poner pres yo pongo | poner pret yo puse | poner fut yo pondré | poner pp - puesto | poner imp - pon
salir pres yo salgo | salir fut él saldrá | salir cond yo saldría | salir imp - sal | salir subj yo salga
dar pres yo doy | dar pret yo di | dar pret él dio | dar subj yo dé | dar subj tú des
ver pres yo veo | ver pret yo vi | ver pret él vio | ver impf yo veía | ver pp - visto
oír pres yo oigo | oír pres tú oyes | oír pres nosotros oímos | oír pret él oyó | oír pret ellos oyeron
oír ger - oyendo | oír pp - oído | oír imp - oye | oír fut yo oiré
traer pres yo traigo | traer pret ellos trajeron | traer ger - trayendo | traer pp - traído
caer pres yo caigo | caer pret él cayó | caer ger - cayendo
conocer pres yo conozco | conocer subj nosotros conozcamos | conocer pret yo conocí
conducir pres yo conduzco | conducir pret yo conduje | conducir pret ellos condujeron
traducir pret él tradujo | traducir pres yo traduzco
pensar pres yo pienso | pensar pres nosotros pensamos | pensar subj él piense | pensar imp - piensa
jugar pres yo juego | jugar pret yo jugué | jugar subj nosotros juguemos | jugar imp - juega
dormir pres él duerme | dormir pret él durmió | dormir pret ellos durmieron | dormir ger - durmiendo
dormir subj nosotros durmamos
volver pres yo vuelvo | volver pp - vuelto | devolver pres él devuelve | devolver pp - devuelto
resolver pp - resuelto | resolver pres yo resuelvo
empezar pres yo empiezo | empezar pret yo empecé | empezar subj yo empiece | empezar subj nosotros empecemos
encontrar pres ellos encuentran | encontrar subj yo encuentre
seguir pres yo sigo | seguir pres tú sigues | seguir pret él siguió | seguir ger - siguiendo | seguir subj yo siga
pedir pres yo pido | pedir pret él pidió | pedir ger - pidiendo | pedir subj nosotros pidamos
sentir pres yo siento | sentir pret él sintió | sentir ger - sintiendo | sentir subj nosotros sintamos
preferir pres tú prefieres | preferir pret ellos prefirieron
leer pret tú leíste | leer pret él leyó | leer pret ellos leyeron | leer ger - leyendo | leer pp - leído
creer pret él creyó | creer ger - creyendo
morir pres yo muero | morir pret él murió | morir pp - muerto | morir ger - muriendo
escribir pp - escrito | escribir pret él escribió | describir pp - descrito
abrir pp - abierto | romper pp - roto | cubrir pp - cubierto | descubrir pp - descubierto | descubrir pres yo descubro
imprimir pp - impreso
freír pres yo frío | freír pret él frio | freír pp - frito | freír ger - friendo
reír pres yo río | reír pres nosotros reímos | reír pret él rio | reír pret ellos rieron | reír ger - riendo
reír imp - ríe | reír subj nosotros riamos
sonreír pres él sonríe | sonreír pret él sonrió | sonreír ger - sonriendo
elegir pres yo elijo | elegir pres él elige | elegir pret él eligió | elegir subj yo elija
coger pres yo cojo | coger subj él coja | coger pret yo cogí | escoger pres yo escojo | proteger pres yo protejo
llegar pret yo llegué | llegar subj yo llegue | buscar pret yo busqué | buscar subj nosotros busquemos
pagar pret yo pagué | sacar pret yo saqué | tocar subj yo toque | explicar pret yo expliqué
practicar pret yo practiqué | descargar pret yo descargué
cruzar pret yo crucé | cruzar subj yo cruce | abrazar pret yo abracé | rezar subj ellos recen
almorzar pres yo almuerzo | almorzar pret yo almorcé | almorzar subj yo almuerce
cerrar pres yo cierro | cerrar pres nosotros cerramos | contar pres él cuenta | costar pres él cuesta
mostrar pres yo muestro | recordar pres tú recuerdas | recordar subj nosotros recordemos
perder pres yo pierdo | perder pres nosotros perdemos | entender pres él entiende
servir pres yo sirvo | servir pret él sirvió | vestir pres él viste | vestir pret ellos vistieron
repetir pres yo repito
construir pres yo construyo | construir pres nosotros construimos | construir pret yo construí
construir pret él construyó | construir ger - construyendo | construir pp - construido | construir subj yo construya
destruir pres ellos destruyen | incluir pret ellos incluyeron | huir pret yo hui | huir pres yo huyo
oler pres yo huelo | oler pres nosotros olemos | oler subj nosotros olamos | oler imp - huele
valer pres yo valgo | valer fut yo valdré
caber pres yo quepo | caber fut yo cabré | caber pret yo cupe | caber subj yo quepa
andar pret yo anduve | producir pret él produjo | producir pres yo produzco
mantener pres yo mantengo | mantener pret yo mantuve | mantener fut yo mantendré | mantener imp - mantén
obtener imp - obtén | obtener pres él obtiene | detener pret él detuvo
proponer pret yo propuse | proponer pp - propuesto | proponer imp - propón
suponer imp - supón | suponer fut yo supondré
mover pres yo muevo | llover pres él llueve | nevar pres él nieva | probar pres yo pruebo | aprobar pret yo aprobé
soñar pres yo sueño | volar pres él vuela | morder pres él muerde
despertar pres yo despierto | sentar pres yo siento | acostar pres yo acuesto
enviar pres yo envío | enviar pres nosotros enviamos | enviar subj yo envíe | enviar imp - envía
continuar pres yo continúo | continuar pres él continúa | continuar pres nosotros continuamos
confiar pres yo confío | averiguar pret yo averigüé | vencer pres yo venzo
sentarse pres él sienta | irse pret ellos fueron | reírse pres yo río
gustar pres él gusta | gustar pres ellos gustan | gustar pret él gustó | encantar pres ellos encantan
llamar pres yo llamo | añadir pret él añadió | diseñar subj yo diseñe
"""


def _cases():
    out = []
    for chunk in CASES.replace("\n", "|").split("|"):
        if chunk.strip():
            inf, tense, person, form = chunk.split()
            out.append((inf, tense, None if person == "-" else P[person], form))
    return out


HAND_CHECKED = _cases()


def test_table_is_large_enough():
    assert len(HAND_CHECKED) >= 120
    assert len({c[0] for c in HAND_CHECKED}) >= 40
    assert {c[1] for c in HAND_CHECKED} == set(ev.TENSES) | {"pp", "ger", "imp"}


@pytest.mark.parametrize("inf,tense,person,expected", HAND_CHECKED,
                         ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in HAND_CHECKED])
def test_hand_checked_form(inf, tense, person, expected):
    c = ev.conjugate(inf)
    got = getattr(c, tense) if person is None else c.form(tense, person)
    assert got == expected


def test_full_paradigms():
    c = ev.conjugate("comer")
    assert c.pres == ("como", "comes", "come", "comemos", "comen")
    assert c.pret == ("comí", "comiste", "comió", "comimos", "comieron")
    assert c.impf == ("comía", "comías", "comía", "comíamos", "comían")
    assert c.fut == ("comeré", "comerás", "comerá", "comeremos", "comerán")
    assert c.cond == ("comería", "comerías", "comería", "comeríamos", "comerían")
    assert c.subj == ("coma", "comas", "coma", "comamos", "coman")
    t = ev.conjugate("tener")
    assert t.cond == ("tendría", "tendrías", "tendría", "tendríamos", "tendrían")
    assert ev.conjugate("dormir").subj == ("duerma", "duermas", "duerma", "durmamos", "duerman")
    assert ev.conjugate("pedir").pret == ("pedí", "pediste", "pidió", "pedimos", "pidieron")


def test_api():
    assert ev.PERSONS == ("yo", "tú", "él", "nosotros", "ellos")
    assert ev.TENSES == ("pres", "pret", "impf", "fut", "cond", "subj")
    c = ev.conjugate("hablar")
    assert ev.conjugate("hablar") is c                       # cached
    assert c.inf == "hablar"
    assert ev.conjugate("sentarse").inf == "sentarse"
    with pytest.raises(ValueError):
        c.form("plup", 0)
    with pytest.raises(ValueError):
        c.form("pres", 5)
    with pytest.raises(AttributeError):
        c.pp = "x"                                           # frozen


@pytest.mark.parametrize("word", ["gato", "casa", "mujer", "mar", "", "Hablar", "hablar ", "dólar", "comer2"])
def test_non_verbs_raise(word):
    with pytest.raises(ValueError):
        ev.conjugate(word)


_FORM = re.compile(r"^[a-záéíóúüñ]+$")


def _check_all_forms(c):
    for t in ev.TENSES:
        forms = getattr(c, t)
        assert len(forms) == 5, (c.inf, t)
        for f in forms:
            assert _FORM.match(f), (c.inf, t, f)
    for f in (c.pp, c.ger, c.imp):
        assert _FORM.match(f), (c.inf, f)


# --- the verb lexicon ----------------------------------------------------------------------------------------

COLUMNS = ["en", "en_3sg", "en_past", "en_pp", "en_ing", "particle", "es", "es_prep", "es_refl", "zh", "zh_intr",
           "zh_coverb", "zh_ditr", "frame", "subj", "obj", "flags"]
FRAMES = {"intr", "tr", "tr_opt", "ditr", "go", "clause"}
CLASSES = {"person", "animal", "food", "drink", "readable", "object", "clothing", "vehicle", "furniture", "place",
           "plant", "body", "event", "media", "topic", "info", "group", "time"}
FLAGS = {"stative", "zh_le_final", "no_imperative", "es_imperfect_past", "es_dative", "no_progressive"}


def _lexicon_rows():
    lines = [ln for ln in VERBS_TSV.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.startswith("#")]
    header = lines[0].split("\t")
    return header, [dict(zip(header, ln.split("\t"))) | {"_n": len(ln.split("\t"))} for ln in lines[1:]]


HEADER, ROWS = _lexicon_rows()


def test_lexicon_schema():
    assert HEADER == COLUMNS
    assert len({r["en"] for r in ROWS}) >= 170
    for r in ROWS:
        where = f"{r['en']} {r['particle']} {r['es']}"
        assert r["_n"] == len(COLUMNS), where
        assert all(r[c] for c in COLUMNS), where
        assert all(re.fullmatch(r"[a-z]+( [a-z]+)?", r[c]) for c in COLUMNS[:5]), where
        assert r["frame"] in FRAMES, where
        assert r["es_refl"] in ("0", "1"), where
        assert set(r["subj"].split()) <= CLASSES, where
        assert r["flags"] == "-" or set(r["flags"].split()) <= FLAGS, where
        assert (r["obj"] == "-") == (r["frame"] in ("intr", "go", "clause")), where
        assert (r["zh_ditr"] in ("double", "gei")) == (r["frame"] == "ditr"), where
        assert r["particle"] == "-" or r["frame"] == "tr", where
        assert r["frame"] != "go" or r["es_prep"] != "-", where
        assert r["frame"] != "intr" or r["zh_intr"] == "-", where
        assert re.fullmatch(r"[\u4e00-\u9fff]+", r["zh"]), where
        assert r["zh_intr"] in ("-", "X") or re.fullmatch(r"[\u4e00-\u9fff]+( [\u4e00-\u9fff]+)?", r["zh_intr"]), where
        assert r["zh_coverb"] == "-" or re.fullmatch(r"[\u4e00-\u9fff]", r["zh_coverb"]), where
    keys = [(r["en"], r["particle"], r["es"], r["zh"], r["subj"], r["obj"]) for r in ROWS]
    assert len(keys) == len(set(keys))
    # every sense of one English verb has the same English forms
    forms: dict[str, tuple] = {}
    for r in ROWS:
        assert forms.setdefault(r["en"], tuple(r[c] for c in COLUMNS[:5])) == tuple(r[c] for c in COLUMNS[:5])


def test_lexicon_spanish_infinitives_conjugate():
    for inf in sorted({r["es"] for r in ROWS}):
        _check_all_forms(ev.conjugate(inf))


def test_irregular_table_conjugates():
    extra = ("ser estar haber ir tener poder querer deber saber gustar encantar llamar hacer decir venir poner salir "
             "dar ver oír traer conocer conducir pensar jugar dormir volver empezar encontrar seguir pedir sentir leer "
             "creer morir escribir abrir romper cubrir descubrir freír reír elegir coger llegar buscar pagar sacar "
             "tocar almorzar cerrar contar costar mostrar recordar perder entender preferir servir vestir repetir "
             "construir destruir incluir caer oler valer caber andar producir traducir mantener obtener contener "
             "sostener proponer suponer componer devolver resolver mover llover nevar probar sonar soñar volar "
             "morder despertar sentar acostar vivir comer hablar").split()
    for inf in sorted(set(ev.irregular_verbs()) | set(extra)):
        _check_all_forms(ev.conjugate(inf))
