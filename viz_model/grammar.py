"""A small synchronous grammar: English sentences with Spanish and Chinese translations and gold word alignments.

Every sentence is built as a little syntax tree (noun phrases, clauses, relative clauses, place phrases) from a
hand-written lexicon, then linearised three times: English first (which fixes the source token indices), then
Spanish and Chinese, each target token carrying the set of English token indices it translates.

Design decisions that keep the mapping English -> translation a function (one reading per English string):
  * "you" is always singular informal (tú / 你); "they"/"them" always ellos / los / 他们; "it" is not used.
  * place phrases attach only to intransitive verbs and to "be" (never to a transitive verb or to a noun),
    so "the man sees the dog that sleeps under the tree" has a single parse.
  * verbs whose past equals their base form ("read") are never used in the present with a non-3sg subject.
  * clause coordination never contains noun-phrase coordination or relative clauses.
  * Spanish predicate adjectives only occur with subjects whose gender is known (nouns, he, she).
Spanish: Castilian vocabulary (coche, bolígrafo, enfadado), relative clauses with subject before verb
("el gato que la mujer ve"), yes/no questions keep declarative order inside ¿...?, past of "be"/"have"/"want"
is the imperfect (era, estaba, tenía, quería), other past tenses are the preterite.
Chinese: adjective predicates use 很 (colours use 是…的), past is V了 (没有 in the negative), future 会 / 不会.
"""

from __future__ import annotations

import functools
import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass

LANGUAGES: dict[str, str] = {"es": "Spanish", "zh": "Chinese (Simplified)"}


@dataclass(frozen=True)
class Translation:
    tokens: tuple[str, ...]
    alignment: tuple[frozenset[int], ...]


@dataclass(frozen=True)
class Example:
    source: tuple[str, ...]
    translations: dict[str, Translation]


# ----------------------------------------------------------------------------------------------------------------
# Lexicon
# ----------------------------------------------------------------------------------------------------------------

POSS = ("my", "your", "his", "her", "our", "their")
NUMS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
NUM_ES = {"two": "dos", "three": "tres", "four": "cuatro", "five": "cinco", "six": "seis", "seven": "siete",
          "eight": "ocho", "nine": "nueve", "ten": "diez"}
NUM_ZH = {"one": "一", "two": "两", "three": "三", "four": "四", "five": "五", "six": "六", "seven": "七",
          "eight": "八", "nine": "九", "ten": "十"}
POSS_ZH = {"my": "我", "your": "你", "his": "他", "her": "她", "our": "我们", "their": "他们"}
DEFINITE = {"the", "this", "that", "these", "those"} | set(POSS)
COLOURS = ("black", "white", "red", "blue", "green", "yellow", "brown", "grey")

_DET_MACROS = {
    "H": "the a this that these those num",
    "P": "the a this that these those num poss",
    "A": "the a this that these those num",
    "T": "the a this that these those num poss",
    "K": "the poss",
    "M": "the poss bare",
    "F": "the this that",
}

# en | en_pl | es | es_pl | gender | zh | measure word | class | size (0 small, 1 person-sized, 2 large)
#    | determiners | colours | flags
_NOUNS = """
man|men|hombre|hombres|m|男人|个|human|1|H||adult
woman|women|mujer|mujeres|f|女人|个|human|1|H||adult
boy|boys|niño|niños|m|男孩|个|human|1|H||child
girl|girls|niña|niñas|f|女孩|个|human|1|H||child
king|-|rey|-|m|国王|个|human|1|the a this that||adult
queen|-|reina|-|f|王后|个|human|1|the a this that||adult
father|-|padre|-|m|爸爸|个|human|1|K||adult kin
mother|-|madre|-|f|妈妈|个|human|1|K||adult kin
son|sons|hijo|hijos|m|儿子|个|human|1|K||child kin
daughter|daughters|hija|hijas|f|女儿|个|human|1|K||child kin
baby|babies|bebé|bebés|m|宝宝|个|human|1|P||baby
cat|cats|gato|gatos|m|猫|只|animal|0|P|black white grey brown|pet
dog|dogs|perro|perros|m|狗|只|animal|1|P|black white grey brown|pet
bird|birds|pájaro|pájaros|m|鸟|只|animal|0|P|black white red blue yellow green|pet
mouse|mice|ratón|ratones|m|老鼠|只|animal|0|A|grey white brown|
horse|horses|caballo|caballos|m|马|匹|animal|2|P|black white brown grey|pet
cow|cows|vaca|vacas|f|奶牛|头|animal|2|A|black white brown|
rabbit|rabbits|conejo|conejos|m|兔子|只|animal|0|P|white grey brown black|pet
duck|ducks|pato|patos|m|鸭子|只|animal|0|A|white yellow|
pig|pigs|cerdo|cerdos|m|猪|头|animal|2|A||
elephant|elephants|elefante|elefantes|m|大象|头|animal|2|A|grey|
lion|lions|león|leones|m|狮子|只|animal|2|A||
tiger|tigers|tigre|tigres|m|老虎|只|animal|2|A||
monkey|monkeys|mono|monos|m|猴子|只|animal|1|A|brown|
bear|bears|oso|osos|m|熊|只|animal|2|A|brown black white|
frog|frogs|rana|ranas|f|青蛙|只|animal|0|A|green|
snake|snakes|serpiente|serpientes|f|蛇|条|animal|0|A|green black brown|
book|books|libro|libros|m|书|本|thing|0|T|red blue green black white yellow|
newspaper|newspapers|periódico|periódicos|m|报纸|份|thing|0|T||
letter|letters|carta|cartas|f|信|封|thing|0|T||
ball|balls|pelota|pelotas|f|球|个|thing|0|T|red blue green yellow white black|
car|cars|coche|coches|m|车|辆|thing|2|T|red blue green black white yellow grey|
bicycle|bicycles|bicicleta|bicicletas|f|自行车|辆|thing|1|T|red blue green black white yellow|
table|tables|mesa|mesas|f|桌子|张|thing|1|T|white black brown|
chair|chairs|silla|sillas|f|椅子|把|thing|1|T|white black brown red blue green|
bed|beds|cama|camas|f|床|张|thing|1|T|white|
box|boxes|caja|cajas|f|盒子|个|thing|0|T|red blue green yellow white black brown|
cup|cups|taza|tazas|f|杯子|个|thing|0|T|red blue green yellow white black|
key|keys|llave|llaves|f|钥匙|把|thing|0|T||
pen|pens|bolígrafo|bolígrafos|m|笔|支|thing|0|T|red blue green black|
pencil|pencils|lápiz|lápices|m|铅笔|支|thing|0|T|red blue green yellow|
door|doors|puerta|puertas|f|门|扇|thing|1|F|red blue green white black brown|fixed
window|windows|ventana|ventanas|f|窗户|扇|thing|1|F||fixed
hat|hats|sombrero|sombreros|m|帽子|顶|thing|0|T|black white red blue green yellow brown grey|
shirt|shirts|camisa|camisas|f|衬衫|件|thing|0|T|black white red blue green yellow brown grey|
umbrella|umbrellas|paraguas|paraguas|m|伞|把|thing|0|T|black red blue green yellow|
flower|flowers|flor|flores|f|花|朵|plant|0|A|red white yellow blue|
tree|trees|árbol|árboles|m|树|棵|plant|2|A||fixed
apple|apples|manzana|manzanas|f|苹果|个|food|0|T|red green yellow|
egg|eggs|huevo|huevos|m|鸡蛋|个|food|0|A|white brown|
cake|cakes|pastel|pasteles|m|蛋糕|个|food|0|T||
bread|-|pan|-|m|面包|-|food|0|M||mass
rice|-|arroz|-|m|米饭|-|food|0|M||mass
meat|-|carne|-|f|肉|-|food|0|M||mass
fish|-|pescado|-|m|鱼|-|food|0|M||mass
cheese|-|queso|-|m|奶酪|-|food|0|M||mass
soup|-|sopa|-|f|汤|-|food|0|M||mass
water|-|agua|-|f|水|-|drink|0|M||mass elfem
milk|-|leche|-|f|牛奶|-|drink|0|M||mass
coffee|-|café|-|m|咖啡|-|drink|0|M||mass
tea|-|té|-|m|茶|-|drink|0|M||mass
house|houses|casa|casas|f|房子|座|place|2|T|white red yellow blue green|fixed
garden|gardens|jardín|jardines|m|花园|个|place|2|the this that poss||fixed
park|parks|parque|parques|m|公园|个|place|2|F||fixed
kitchen|kitchens|cocina|cocinas|f|厨房|个|place|2|the this that poss||fixed
room|rooms|habitación|habitaciones|f|房间|个|place|2|the this that poss||fixed
school|schools|escuela|escuelas|f|学校|所|place|2|the this that poss||fixed
river|rivers|río|ríos|m|河|条|place|2|F||fixed
lake|lakes|lago|lagos|m|湖|个|place|2|F||fixed
street|streets|calle|calles|f|街|条|place|2|F||fixed
city|cities|ciudad|ciudades|f|城市|座|place|2|F||fixed
forest|forests|bosque|bosques|m|森林|片|place|2|F||fixed
"""


@dataclass(frozen=True, eq=False)
class Noun:
    en: str
    en_pl: str | None
    es: str
    es_pl: str | None
    g: str
    zh: str
    mw: str | None
    cls: str
    size: int
    dets: tuple[str, ...]
    colours: frozenset[str]
    flags: frozenset[str]

    @property
    def mass(self) -> bool:
        return "mass" in self.flags


def _parse_nouns() -> dict[str, Noun]:
    out = {}
    for line in _NOUNS.strip().splitlines():
        en, pl, es, es_pl, g, zh, mw, cls, size, dets, cols, flags = line.split("|")
        dets = _DET_MACROS.get(dets, dets)
        dl: list[str] = []
        for d in dets.split():
            dl += list(NUMS) if d == "num" else list(POSS) if d == "poss" else [d]
        out[en] = Noun(en, None if pl == "-" else pl, es, None if es_pl == "-" else es_pl, g, zh,
                       None if mw == "-" else mw, cls, int(size), tuple(dl), frozenset(cols.split()),
                       frozenset(flags.split()))
    return out


NOUNS = _parse_nouns()


def _nouns(spec: str) -> tuple[Noun, ...]:
    """Space-separated classes (human, animal, ...), flags (adult, pet, ...), noun names, or -name to exclude."""
    inc, exc = set(), set()
    for s in spec.split():
        target = exc if s.startswith("-") else inc
        s = s.lstrip("-")
        for n in NOUNS.values():
            if n.en == s or n.cls == s or s in n.flags:
                target.add(n.en)
    return tuple(n for n in NOUNS.values() if n.en in inc and n.en not in exc)


@dataclass(frozen=True, eq=False)
class Pron:
    key: str
    en_s: str
    en_o: str
    es_s: str
    es_o: str
    zh: str
    person: int  # index into Spanish person order: 0 yo, 1 tú, 2 él/ella, 3 nosotros, 4 ellos
    plural: bool
    g: str


PRONOUNS = (
    Pron("i", "i", "me", "yo", "me", "我", 0, False, "m"),
    Pron("you", "you", "you", "tú", "te", "你", 1, False, "m"),
    Pron("he", "he", "him", "él", "lo", "他", 2, False, "m"),
    Pron("she", "she", "her", "ella", "la", "她", 2, False, "f"),
    Pron("we", "we", "us", "nosotros", "nos", "我们", 3, True, "m"),
    Pron("they", "they", "them", "ellos", "los", "他们", 4, True, "m"),
)

# --- Spanish conjugation -------------------------------------------------------------------------------------

_END = {
    "ar": {"pres": ("o", "as", "a", "amos", "an"), "past": ("é", "aste", "ó", "amos", "aron"),
           "impf": ("aba", "abas", "aba", "ábamos", "aban")},
    "er": {"pres": ("o", "es", "e", "emos", "en"), "past": ("í", "iste", "ió", "imos", "ieron"),
           "impf": ("ía", "ías", "ía", "íamos", "ían")},
    "ir": {"pres": ("o", "es", "e", "imos", "en"), "past": ("í", "iste", "ió", "imos", "ieron"),
           "impf": ("ía", "ías", "ía", "íamos", "ían")},
}
_FUT = ("é", "ás", "á", "emos", "án")

_IRREG: dict[str, dict[str, tuple[str, ...]]] = {
    "ver": {"pres": ("veo", "ves", "ve", "vemos", "ven"), "past": ("vi", "viste", "vio", "vimos", "vieron")},
    "oír": {"pres": ("oigo", "oyes", "oye", "oímos", "oyen"), "past": ("oí", "oíste", "oyó", "oímos", "oyeron")},
    "leer": {"past": ("leí", "leíste", "leyó", "leímos", "leyeron")},
    "cerrar": {"pres": ("cierro", "cierras", "cierra", "cerramos", "cierran")},
    "buscar": {"past": ("busqué", "buscaste", "buscó", "buscamos", "buscaron")},
    "lanzar": {"past": ("lancé", "lanzaste", "lanzó", "lanzamos", "lanzaron")},
    "encontrar": {"pres": ("encuentro", "encuentras", "encuentra", "encontramos", "encuentran")},
    "perseguir": {"pres": ("persigo", "persigues", "persigue", "perseguimos", "persiguen"),
                  "past": ("perseguí", "perseguiste", "persiguió", "perseguimos", "persiguieron")},
    "morder": {"pres": ("muerdo", "muerdes", "muerde", "mordemos", "muerden")},
    "tener": {"pres": ("tengo", "tienes", "tiene", "tenemos", "tienen"),
              "fut": ("tendré", "tendrás", "tendrá", "tendremos", "tendrán")},
    "querer": {"pres": ("quiero", "quieres", "quiere", "queremos", "quieren"),
               "fut": ("querré", "querrás", "querrá", "querremos", "querrán")},
    "dormir": {"pres": ("duermo", "duermes", "duerme", "dormimos", "duermen"),
               "past": ("dormí", "dormiste", "durmió", "dormimos", "durmieron")},
    "jugar": {"pres": ("juego", "juegas", "juega", "jugamos", "juegan"),
              "past": ("jugué", "jugaste", "jugó", "jugamos", "jugaron")},
    "volar": {"pres": ("vuelo", "vuelas", "vuela", "volamos", "vuelan")},
    "ser": {"pres": ("soy", "eres", "es", "somos", "son"), "impf": ("era", "eras", "era", "éramos", "eran")},
    "estar": {"pres": ("estoy", "estás", "está", "estamos", "están")},
}


def conjugate(inf: str) -> dict[str, tuple[str, ...]]:
    """Present, preterite ("past"), imperfect ("impf") and future, persons yo, tú, él, nosotros, ellos."""
    base = inf.replace("í", "i")
    cls, stem = base[-2:], base[:-2]
    forms = {t: tuple(stem + e for e in ends) for t, ends in _END[cls].items()}
    forms["fut"] = tuple(base + e for e in _FUT)
    forms.update(_IRREG.get(inf, {}))
    return forms


_SER, _ESTAR = conjugate("ser"), conjugate("estar")

# --- verbs ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Verb:
    en: tuple[str, str, str]        # base, 3sg present, past; may be two words ("look for")
    es: dict                        # conjugation table
    zh: str                         # Chinese verb for human subjects
    zh_animal: str                  # Chinese verb for animal subjects
    zh_negpres: str | None          # one-token present negative ("看不见") replacing 不 + verb
    subj: tuple[Noun, ...]
    obj: tuple[Noun, ...]           # empty for intransitive verbs
    locs: tuple                     # allowed (noun, prep) place phrases, intransitives only
    flags: frozenset[str]

    @property
    def trans(self) -> bool:
        return bool(self.obj)

    @functools.cached_property
    def _human(self) -> tuple[bool, bool]:
        return any(n.cls == "human" for n in self.subj), any(n.cls == "human" for n in self.obj)

    def human_subj(self) -> bool:
        return self._human[0]

    def human_obj(self) -> bool:
        return self._human[1]


# Place phrases: English preposition -> (Spanish words, Chinese localiser per noun, max subject size)
PREPS: dict[str, tuple[str, ...]] = {
    "on": ("en",), "in": ("en",), "under": ("debajo", "de"), "next to": ("al", "lado", "de"),
    "behind": ("detrás", "de"), "in front of": ("delante", "de"), "near": ("cerca", "de"),
}
_LOC_ZH = {"on": "上", "in": "里", "under": "下面", "next to": "旁边", "behind": "后面", "in front of": "前面",
           "near": "附近"}
# (noun, prep) -> max size of the thing located there
_LOCS_SRC = """
table on 0; table under 1; table next_to 1
chair on 1; chair under 0; chair next_to 1
bed on 1; bed under 0; bed next_to 1
box in 0; box next_to 0
car in 1; car next_to 2; car behind 2; car under 0
tree under 2; tree next_to 2; tree behind 2
door next_to 1; door behind 1
window next_to 1
house in 1; house behind 2; house in_front_of 2; house near 2
garden in 2
park in 2; park near 2
kitchen in 1
room in 1
school in 1; school near 2; school in_front_of 2
river in 2; river near 2
lake in 2; lake near 2
street on 2
city in 2
forest in 2
"""
LOCS: dict[tuple[str, str], int] = {}
for _part in _LOCS_SRC.replace("\n", ";").split(";"):
    if _part.strip():
        _n, _p, _s = _part.split()
        LOCS[(_n, _p.replace("_", " "))] = int(_s)
WATER = {("river", "in"), ("lake", "in")}


def _locs(spec: str) -> tuple[tuple[str, str], ...]:
    """'noun:prep' items; '*' is a wildcard on either side."""
    out = []
    for key in LOCS:
        for item in spec.split():
            n, p = item.split(":")
            p = p.replace("_", " ")
            if (n in ("*", key[0])) and (p in ("*", key[1])):
                out.append(key)
                break
    return tuple(k for k in out if (k in WATER) == (spec == "river:in lake:in"))


_INSIDE = "house:in room:in kitchen:in school:in"
_OUT = "garden:in park:in street:on forest:in city:in"

_VERBS_SRC = [
    # base 3sg past | spanish | zh | zh animal | zh negpres | subjects | objects | places | flags
    "see sees saw|ver|看见||看不见|human animal|human animal thing plant place||",
    "hear hears heard|oír|听见||听不见|human animal|human animal||",
    "watch watches watched|mirar|看|||human animal|human animal||",
    "eat eats ate|comer|吃|||human -baby animal|food -soup||",
    "drink drinks drank|beber|喝|||human -baby animal|drink||",
    "read reads read|leer|看|||adult child|book newspaper letter||",
    "write writes wrote|escribir|写|||adult child|book letter||",
    "buy buys bought|comprar|买|||adult child|book newspaper ball car bicycle table chair bed box cup key pen pencil "
    "hat shirt umbrella flower apple egg cake bread fish meat cheese milk coffee tea house||",
    "sell sells sold|vender|卖|||adult|book newspaper ball car bicycle table chair bed box cup key pen pencil "
    "hat shirt umbrella flower apple egg cake bread fish meat cheese milk coffee tea house||",
    "open opens opened|abrir|打开|||adult child|door window box book letter umbrella||",
    "close closes closed|cerrar|关|||adult child|door window||",
    "wash washes washed|lavar|洗|||adult child|car bicycle cup shirt hat dog apple||",
    "look_for looks_for looked_for|buscar|找|||adult child dog|human -baby pet thing -fixed||",
    "find finds found|encontrar|找到||找不到|adult child dog|human -baby pet thing -fixed||",
    "help helps helped|ayudar|帮助|||adult child|human||",
    "chase chases chased|perseguir|追|||child dog cat lion tiger bear|animal child -elephant -cow -pig -bear "
    "-lion -tiger -horse||",
    "catch catches caught|atrapar|抓|||adult child cat dog|mouse bird rabbit frog snake||",
    "bite bites bit|morder|咬|||dog cat horse mouse snake lion tiger bear monkey|human animal -elephant||",
    "draw draws drew|dibujar|画|||adult child|house tree flower car bicycle||",
    "kick kicks kicked|patear|踢|||adult child horse|ball||",
    "throw throws threw|lanzar|扔|||adult child|ball||",
    "visit visits visited|visitar|看望|||adult child|kin king queen||",
    "cook cooks cooked|cocinar|做|||adult|rice meat fish soup||",
    "have has had|tener|有|||human -baby|pet thing -fixed -key||stative noneg noq norel",
    "want wants wanted|querer|想要|||human -baby|book ball bicycle car hat shirt umbrella apple cake bread "
    "milk water coffee tea||stative noneg noq norel nofut",
    # intransitives
    "sleep sleeps slept|dormir|睡觉|||human animal||" + _INSIDE + " car:in garden:in *:on *:under *:next_to box:in|",
    "play plays played|jugar|玩|||child baby cat dog monkey rabbit||" + _INSIDE + " " + _OUT +
    " tree:* house:* *:next_to|",
    "run runs ran|correr|跑步|跑||adult child dog horse cat rabbit lion tiger||" + _OUT + " *:near|",
    "walk walks walked|caminar|散步|||adult child dog||" + _OUT + " river:near lake:near|",
    "swim swims swam|nadar|游泳|||adult child dog duck frog snake bear elephant||river:in lake:in|",
    "sing sings sang|cantar|唱歌|||adult child||" + _INSIDE + " " + _OUT + "|",
    "dance dances danced|bailar|跳舞|||adult child||" + _INSIDE + " " + _OUT + "|",
    "work works worked|trabajar|工作|||adult||" + _INSIDE + " garden:in city:in|",
    "cry cries cried|llorar|哭|||human||" + _INSIDE + " " + _OUT + " car:in bed:on|",
    "wait waits waited|esperar|等|||adult child dog||*:next_to *:in_front_of *:near *:behind car:in " + _INSIDE +
    " " + _OUT + "|",
    "study studies studied|estudiar|学习|||adult child||" + _INSIDE + " garden:in park:in|",
    "rest rests rested|descansar|休息|||human animal||tree:under bed:on chair:on room:in house:in garden:in "
    "park:in|",
    "jump jumps jumped|saltar|跳|||child cat dog rabbit frog monkey||bed:on chair:on table:on garden:in park:in "
    "room:in street:on|",
    "fly flies flew|volar|飞|||bird||garden:in park:in forest:in city:in river:near lake:near|nopast",
]


def _parse_verbs() -> tuple[Verb, ...]:
    out = []
    for line in _VERBS_SRC:
        en, es, zh, zh_an, negp, subj, obj, locs, flags = line.split("|")
        forms = tuple(w.replace("_", " ") for w in en.split())
        out.append(Verb(forms, conjugate(es), zh, zh_an or zh, negp or None, _nouns(subj), _nouns(obj) if obj else (),
                        _locs(locs) if locs else (), frozenset(flags.split())))
    return tuple(out)


VERBS = _parse_verbs()
TRANS = tuple(v for v in VERBS if v.trans)
INTRANS = tuple(v for v in VERBS if not v.trans)

# --- adjectives ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Adj:
    en: str
    es: tuple[str, str, str, str]   # m sg, f sg, m pl, f pl
    estar: bool                     # copula: estar (states) or ser (properties)
    zh_attr: str | None             # None: predicate only
    zh_mono: bool                   # attaches without 的 ("大狗")
    zh_pred: str
    shide: bool                     # predicate 是…的 (colours) instead of 很
    group: str                      # colour / size / other
    nouns: frozenset[str]
    fut: bool                       # can be a future predicate ("will be tired")


def _es_forms(ms: str, pl: str | None) -> tuple[str, str, str, str]:
    if ms.endswith("o"):
        return ms, ms[:-1] + "a", ms + "s", ms[:-1] + "as"
    p = pl or ms + "s"
    return ms, ms, p, p


_ANIMATE = "human animal"
_ADJ_SRC = [
    # en | es (m sg, pl) | copula | zh attr | mono | zh pred | shide | group | nouns | fut
    "black|negro|ser|黑色||黑色|y|colour|*|", "white|blanco|ser|白色||白色|y|colour|*|",
    "red|rojo|ser|红色||红色|y|colour|*|", "blue|azul azules|ser|蓝色||蓝色|y|colour|*|",
    "green|verde|ser|绿色||绿色|y|colour|*|", "yellow|amarillo|ser|黄色||黄色|y|colour|*|",
    "brown|marrón marrones|ser|棕色||棕色|y|colour|*|", "grey|gris grises|ser|灰色||灰色|y|colour|*|",
    "big|grande|ser|大|y|大||size|animal thing plant place food -mass -door -window -school|",
    "small|pequeño|ser|小|y|小||size|child baby animal thing plant place food -mass -door -window -school|",
    "old|viejo|ser|*|y|*||other|animal thing house -mass -key -door -window|",
    "new|nuevo|ser|新|y|新||other|book car bicycle ball hat shirt house umbrella cup pen table chair bed box|",
    "beautiful|hermoso|ser|漂亮||漂亮||other|woman girl queen flower house garden park city bird horse|",
    "clever|inteligente|ser|聪明||聪明||other|adult child dog cat monkey horse|",
    "young|joven jóvenes|ser|年轻||年轻||other|man woman king queen father mother|",
    "happy|feliz felices|ser|快乐||高兴||other|adult child dog|",
    "sad|triste|estar|伤心||难过||other|adult child|y",
    "angry|enfadado|estar|生气||生气||other|adult child dog|y",
    "tired|cansado|estar|||累||other|adult child dog horse|y",
    "busy|ocupado|estar|||忙||other|adult|y",
    "hot|caliente|estar|热|y|热||other|coffee tea milk soup water|y",
    "cold|frío|estar|||凉||other|coffee tea milk soup water|y",
    "dirty|sucio|estar|脏|y|脏||other|car bicycle cup shirt hat table chair dog pig kitchen room|y",
    "clean|limpio|estar|干净||干净||other|car bicycle cup shirt hat table chair kitchen room house|y",
    "expensive|caro|ser|||贵||other|car bicycle hat shirt house book umbrella|",
    "cheap|barato|ser|便宜||便宜||other|car bicycle hat shirt book umbrella|",
    "tall|alto|ser|||高||other|adult tree|",
    "short|bajo|ser|||矮||other|adult|",
    "strong|fuerte|ser|强壮||强壮||other|man king father horse elephant bear lion tiger|",
    "fast|rápido|ser|||快||other|horse dog car bicycle rabbit tiger lion|",
    "slow|lento|ser|||慢||other|cow pig elephant bicycle|",
    "delicious|delicioso|estar|好吃||好吃||other|food|y",
    "heavy|pesado|ser|||重||other|box table bed car bicycle chair|",
    "empty|vacío|estar|||空||other|box cup room house|",  # predicate 是空的 (shide set below)
    "quiet|tranquilo|ser|安静||安静||other|park street city garden|",
]


def _parse_adjs() -> tuple[Adj, ...]:
    out = []
    for line in _ADJ_SRC:
        en, es, cop, za, mono, zp, shide, group, nouns, fut = line.split("|")
        es_ms, *es_pl = es.split()
        if group == "colour":
            ns = frozenset(n.en for n in NOUNS.values() if en in n.colours)
        else:
            ns = frozenset(n.en for n in _nouns(nouns))
        out.append(Adj(en, _es_forms(es_ms, es_pl[0] if es_pl else None), cop == "estar", za or None, mono == "y",
                       zp, shide == "y" or en == "empty", group, ns, fut == "y"))
    return tuple(out)


ADJS = _parse_adjs()
ATTR_ADJS = {n: tuple(a for a in ADJS if n in a.nouns and a.zh_attr) for n in NOUNS}
PRED_ADJS = {n: tuple(a for a in ADJS if n in a.nouns) for n in NOUNS}


def _zh_attr(a: Adj, n: Noun) -> str:
    if a.en == "old":
        return "老" if n.cls == "animal" else "旧"
    return a.zh_attr or ""


def _zh_pred(a: Adj, n: Noun | None) -> str:
    if a.en == "old":
        return "老" if n is not None and n.cls in ("animal", "human") else "旧"
    return a.zh_pred


# ----------------------------------------------------------------------------------------------------------------
# Syntax trees
# ----------------------------------------------------------------------------------------------------------------


class NP:
    __slots__ = ("noun", "det", "plural", "adjs", "rel", "pron", "parts", "ix")

    def __init__(self, noun=None, det="the", plural=False, adjs=(), rel=None, pron=None, parts=None):
        self.noun, self.det, self.plural, self.adjs, self.rel = noun, det, plural, tuple(adjs), rel
        self.pron, self.parts, self.ix = pron, parts, {}

    # agreement features
    @property
    def person(self) -> int:
        if self.pron is not None:
            return self.pron.person
        return 4 if self.is_plural else 2

    @property
    def is_plural(self) -> bool:
        if self.parts:
            return True
        if self.pron is not None:
            return self.pron.plural
        return self.plural

    @property
    def gender(self) -> str:
        if self.parts:
            return "m" if any(p.gender == "m" for p in self.parts) else "f"
        if self.pron is not None:
            return self.pron.g
        return self.noun.g

    @property
    def animacy(self) -> str:
        if self.pron is not None:
            return "human"
        if self.parts:
            return self.parts[0].animacy
        return self.noun.cls

    @property
    def size(self) -> int:
        if self.pron is not None:
            return 1
        if self.parts:
            return max(p.size for p in self.parts)
        return self.noun.size


class Loc:
    __slots__ = ("prep", "np", "ix")

    def __init__(self, prep: str, np: NP):
        self.prep, self.np, self.ix = prep, np, {}


class Clause:
    """kind: tr / intr / cop_adj / cop_loc.  subj or obj None = relative-clause gap or wh-word."""
    __slots__ = ("kind", "subj", "verb", "obj", "adj", "loc", "tense", "neg", "ix")

    def __init__(self, kind, subj=None, verb=None, obj=None, adj=None, loc=None, tense="pres", neg=False):
        self.kind, self.subj, self.verb, self.obj, self.adj, self.loc = kind, subj, verb, obj, adj, loc
        self.tense, self.neg, self.ix = tense, neg, {}


class Rel:
    """Relative clause. kind 'subj': head is the clause subject; 'obj': head is the clause object."""
    __slots__ = ("kind", "clause", "ix")

    def __init__(self, kind: str, clause: Clause):
        self.kind, self.clause, self.ix = kind, clause, {}


class Sentence:
    """mode: decl / yn / where / what / who_s / who_o / coord."""
    __slots__ = ("mode", "clauses", "conj", "ix")

    def __init__(self, mode: str, clauses: list, conj: str | None = None):
        self.mode, self.clauses, self.conj, self.ix = mode, clauses, conj, {}


# ----------------------------------------------------------------------------------------------------------------
# English
# ----------------------------------------------------------------------------------------------------------------


class _En:
    __slots__ = ("toks",)

    def __init__(self):
        self.toks: list[str] = []

    def e(self, w: str) -> int:
        self.toks.append(w)
        return len(self.toks) - 1

    def words(self, phrase: str) -> list[int]:
        return [self.e(w) for w in phrase.split()]


def _subj_key(np: NP | None) -> tuple[bool, bool]:
    """(is 3rd person singular, is 'i')."""
    if np is None:
        return True, False
    return np.person == 2, np.pron is not None and np.pron.key == "i"


def en_np(c: _En, np: NP, case: str) -> None:
    ix = np.ix
    if np.pron is not None:
        ix["p"] = c.e(np.pron.en_s if case == "subj" else np.pron.en_o)
        return
    if np.parts:
        en_np(c, np.parts[0], case)
        ix["and"] = c.e("and")
        en_np(c, np.parts[1], case)
        return
    n = np.noun
    if np.det != "bare":
        w = np.det
        if w == "a" and (np.adjs[0].en if np.adjs else n.en)[0] in "aeiou":
            w = "an"
        ix["det"] = c.e(w)
    ix["adj"] = [c.e(a.en) for a in np.adjs]
    ix["n"] = c.e(n.en_pl if np.plural else n.en)
    if np.rel is not None:
        r = np.rel
        if r.kind == "subj":
            r.ix["rel"] = c.e("who" if n.cls == "human" else "that")
            en_vp(c, r.clause, np)
        else:
            r.ix["rel"] = c.e("that")
            en_np(c, r.clause.subj, "subj")
            en_vp(c, r.clause, r.clause.subj)


def en_loc(c: _En, loc: Loc) -> None:
    loc.ix["p"] = c.words(loc.prep)
    en_np(c, loc.np, "obj")


def _be(tense: str, sg3: bool, is_i: bool) -> str:
    if tense == "pres":
        return "am" if is_i else "is" if sg3 else "are"
    return "was" if sg3 or is_i else "were"


def en_pred(c: _En, cl: Clause) -> None:
    if cl.kind == "cop_adj":
        cl.ix["adj"] = c.e(cl.adj.en)
    elif cl.kind == "cop_loc":
        en_loc(c, cl.loc)
    else:
        if cl.obj is not None:
            en_np(c, cl.obj, "obj")
        if cl.loc is not None:
            en_loc(c, cl.loc)


def en_vp(c: _En, cl: Clause, subj: NP | None) -> None:
    """Declarative verb phrase after the subject (also used in relative clauses and who-subject questions)."""
    sg3, is_i = _subj_key(subj)
    ix = cl.ix
    if cl.kind.startswith("cop"):
        if cl.tense == "fut":
            ix["aux"] = c.e("will")
            if cl.neg:
                ix["neg"] = c.e("not")
            ix["be"] = c.e("be")
        else:
            ix["be"] = c.e(_be(cl.tense, sg3, is_i))
            if cl.neg:
                ix["neg"] = c.e("not")
    else:
        v = cl.verb
        if cl.neg or cl.tense == "fut":
            ix["aux"] = c.e("will" if cl.tense == "fut" else "did" if cl.tense == "past" else
                            "does" if sg3 else "do")
            if cl.neg:
                ix["neg"] = c.e("not")
            ix["v"] = c.words(v.en[0])
        else:
            ix["v"] = c.words(v.en[2] if cl.tense == "past" else v.en[1] if sg3 else v.en[0])
    en_pred(c, cl)


def en_question_head(c: _En, cl: Clause) -> None:
    """Inverted auxiliary + subject ("does the cat", "is the cat", "will the cat be")."""
    sg3, is_i = _subj_key(cl.subj)
    ix = cl.ix
    if cl.kind.startswith("cop"):
        if cl.tense == "fut":
            ix["aux"] = c.e("will")
            en_np(c, cl.subj, "subj")
            ix["be"] = c.e("be")
        else:
            ix["be"] = c.e(_be(cl.tense, sg3, is_i))
            en_np(c, cl.subj, "subj")
    else:
        ix["aux"] = c.e("will" if cl.tense == "fut" else "did" if cl.tense == "past" else "does" if sg3 else "do")
        en_np(c, cl.subj, "subj")
        ix["v"] = c.words(cl.verb.en[0])


def en_sentence(s: Sentence) -> list[str]:
    c = _En()
    cl = s.clauses[0]
    if s.mode == "decl":
        en_np(c, cl.subj, "subj")
        en_vp(c, cl, cl.subj)
        s.ix["end"] = c.e(".")
    elif s.mode == "coord":
        for k, cl in enumerate(s.clauses):
            if k:
                if s.conj == "but":
                    s.ix["comma"] = c.e(",")
                s.ix["conj"] = c.e(s.conj)
            en_np(c, cl.subj, "subj")
            en_vp(c, cl, cl.subj)
        s.ix["end"] = c.e(".")
    elif s.mode == "yn":
        en_question_head(c, cl)
        en_pred(c, cl)
        s.ix["end"] = c.e("?")
    elif s.mode in ("where", "what", "who_o"):
        s.ix["wh"] = c.e(s.mode if s.mode != "who_o" else "who")
        en_question_head(c, cl)
        s.ix["end"] = c.e("?")
    elif s.mode == "who_s":
        s.ix["wh"] = c.e("who")
        en_vp(c, cl, None)
        s.ix["end"] = c.e("?")
    return c.toks


# ----------------------------------------------------------------------------------------------------------------
# Spanish
# ----------------------------------------------------------------------------------------------------------------

_E: frozenset[int] = frozenset()


def _s(*items) -> frozenset[int]:
    out: set[int] = set()
    for it in items:
        if it is None:
            continue
        if isinstance(it, int):
            out.add(it)
        else:
            out.update(it)
    return frozenset(out)


def _es_det(d: str, n: Noun, pl: bool) -> str:
    f = n.g == "f"
    if d == "the":
        if pl:
            return "las" if f else "los"
        return "la" if f and "elfem" not in n.flags else "el"
    if d in ("a", "one"):
        return "una" if f and "elfem" not in n.flags else "un"
    if d in ("this", "these"):
        return ("estas" if f else "estos") if pl else ("esta" if f else "este")
    if d in ("that", "those"):
        return ("esas" if f else "esos") if pl else ("esa" if f else "ese")
    if d == "our":
        return ("nuestras" if f else "nuestros") if pl else ("nuestra" if f else "nuestro")
    if d in POSS:
        w = {"my": "mi", "your": "tu"}.get(d, "su")
        return w + "s" if pl else w
    return NUM_ES[d]


def _adj_es(a: Adj, g: str, pl: bool) -> str:
    return a.es[(2 if pl else 0) + (1 if g == "f" else 0)]


def _personal_a(np: NP) -> bool:
    cls = np.animacy
    return cls == "human" or (cls == "animal" and np.det in DEFINITE)


def es_np(np: NP, pa: bool = False) -> list:
    ix = np.ix
    if np.pron is not None:
        return [(np.pron.es_s, _s(ix["p"]))]
    if np.parts:
        a = es_np(np.parts[0], pa)
        b = es_np(np.parts[1], pa)
        y = "e" if b[0][0].startswith("i") or (b[0][0].startswith("hi") and not b[0][0].startswith("hie")) else "y"
        return a + [(y, _s(ix["and"]))] + b
    n = np.noun
    out = []
    if np.det != "bare":
        out.append((_es_det(np.det, n, np.plural), _s(ix["det"])))
    out.append((n.es_pl if np.plural else n.es, _s(ix["n"])))
    if np.adjs:
        forms = [(_adj_es(a, n.g, np.plural), _s(i)) for a, i in zip(np.adjs, ix["adj"])]
        if len(forms) == 2:
            forms.insert(1, ("y", _E))
        out += forms
    if np.rel is not None:
        out += es_rel(np)
    if pa and _personal_a(np):
        if out[0][0] == "el":
            out[0] = ("al", out[0][1])
        else:
            out.insert(0, ("a", _E))
    return out


def es_loc(loc: Loc, extra: frozenset[int] = _E) -> list:
    pi = _s(loc.ix["p"])
    words = PREPS[loc.prep]
    out = [(w, pi | extra if k == 0 else pi) for k, w in enumerate(words)]
    np_toks = es_np(loc.np)
    if out[-1][0] == "de" and np_toks[0][0] == "el":
        out[-1] = ("del", out[-1][1] | np_toks[0][1])
        np_toks = np_toks[1:]
    return out + np_toks


def _es_verb(cl: Clause, person: int) -> tuple[str, frozenset[int]]:
    ix = cl.ix
    if cl.kind.startswith("cop"):
        table = _ESTAR if (cl.kind == "cop_loc" or cl.adj.estar) else _SER
        t = "impf" if cl.tense == "past" else cl.tense
        return table[t][person], _s(ix["be"], ix.get("aux"))
    t = cl.tense
    if t == "past" and "stative" in cl.verb.flags:
        t = "impf"
    return cl.verb.es[t][person], _s(ix["v"], ix.get("aux"))


def es_vp(cl: Clause, subj: NP | None) -> list:
    """[no] [clitic] verb complements — the Spanish verb phrase after the subject."""
    person = 2 if subj is None else subj.person
    out = []
    if cl.neg:
        out.append(("no", _s(cl.ix["neg"])))
    if cl.obj is not None and cl.obj.pron is not None:
        out.append((cl.obj.pron.es_o, _s(cl.obj.ix["p"])))
    out.append(_es_verb(cl, person))
    out += es_complements(cl, subj)
    return out


def es_complements(cl: Clause, subj: NP | None) -> list:
    out = []
    if cl.kind == "cop_adj":
        out.append((_adj_es(cl.adj, subj.gender, subj.is_plural), _s(cl.ix["adj"])))
    elif cl.kind == "cop_loc":
        out += es_loc(cl.loc)
    else:
        if cl.obj is not None and cl.obj.pron is None:
            out += es_np(cl.obj, pa="stative" not in cl.verb.flags)
        if cl.loc is not None:
            out += es_loc(cl.loc)
    return out


def es_rel(head: NP) -> list:
    r = head.rel
    cl = r.clause
    out = [("que", _s(r.ix["rel"]))]
    if r.kind == "subj":
        out += es_vp(cl, head)
    else:
        out += es_np(cl.subj)
        out += es_vp(cl, cl.subj)
    return out


def es_sentence(s: Sentence) -> list:
    cl = s.clauses[0]
    q = [("¿", _s(s.ix["end"]))]
    end = [("?" if s.mode != "decl" and s.mode != "coord" else ".", _s(s.ix["end"]))]
    if s.mode == "decl":
        return es_np(cl.subj) + es_vp(cl, cl.subj) + end
    if s.mode == "coord":
        out = []
        for k, c in enumerate(s.clauses):
            if k:
                if s.conj == "but":
                    out += [(",", _s(s.ix["comma"])), ("pero", _s(s.ix["conj"]))]
                else:
                    first = es_np(c.subj)[0][0]
                    y = "e" if first.startswith("i") or (first.startswith("hi") and not first.startswith("hie")) \
                        else "y"
                    out.append((y, _s(s.ix["conj"])))
            out += es_np(c.subj) + es_vp(c, c.subj)
        return out + end
    if s.mode == "yn":
        return q + es_np(cl.subj) + es_vp(cl, cl.subj) + end
    if s.mode == "where":
        return q + [("dónde", _s(s.ix["wh"])), _es_verb(cl, cl.subj.person)] + es_np(cl.subj) + end
    if s.mode == "what":
        return q + [("qué", _s(s.ix["wh"])), _es_verb(cl, cl.subj.person)] + es_np(cl.subj) + end
    if s.mode == "who_o":
        return q + [("a", _E), ("quién", _s(s.ix["wh"])), _es_verb(cl, cl.subj.person)] + es_np(cl.subj) + end
    if s.mode == "who_s":
        return q + [("quién", _s(s.ix["wh"]))] + es_vp(cl, None) + end
    raise ValueError(s.mode)


# ----------------------------------------------------------------------------------------------------------------
# Chinese
# ----------------------------------------------------------------------------------------------------------------


def zh_np(np: NP) -> list:
    ix = np.ix
    if np.pron is not None:
        return [(np.pron.zh, _s(ix["p"]))]
    if np.parts:
        return zh_np(np.parts[0]) + [("和", _s(ix["and"]))] + zh_np(np.parts[1])
    n = np.noun
    out = []
    if np.rel is not None:
        out += zh_rel(np)
    d = np.det
    if d in ("a", "one") or d in NUM_ZH:
        out += [(NUM_ZH.get(d, "一"), _s(ix["det"])), (n.mw, _s(ix["det"]))]
    elif d in ("this", "that"):
        out += [("这" if d == "this" else "那", _s(ix["det"])), (n.mw, _s(ix["det"]))]
    elif d in ("these", "those"):
        out.append(("这些" if d == "these" else "那些", _s(ix["det"])))
    elif d in POSS:
        out += [(POSS_ZH[d], _s(ix["det"])), ("的", _s(ix["det"]))]
    adjs = list(zip(np.adjs, ix["adj"]))
    if len(adjs) == 2:          # size + colour: colour first in Chinese ("黑色的大狗")
        adjs.reverse()
    for a, i in adjs:
        out.append((_zh_attr(a, n), _s(i)))
        if not a.zh_mono:
            out.append(("的", _E))
    out.append((n.zh, _s(ix["n"])))
    return out


def zh_loc(loc: Loc, extra: frozenset[int] = _E) -> list:
    pi = _s(loc.ix["p"])
    return [("在", pi | extra)] + zh_np(loc.np) + [(_LOC_ZH[loc.prep], pi)]


def _zh_verb_word(cl: Clause, subj: NP | None) -> str:
    v = cl.verb
    return v.zh_animal if subj is not None and subj.animacy == "animal" else v.zh


def zh_vp(cl: Clause, subj: NP | None, mode: str = "decl") -> list:
    """Chinese predicate after the subject. mode: decl / yn (adds nothing itself) / rel (no aspect)."""
    ix = cl.ix
    aux, neg = ix.get("aux"), ix.get("neg")
    t = cl.tense
    if cl.kind == "cop_loc":
        pre = []
        if t == "fut" and mode != "rel":
            pre = [("不会", _s(aux, neg))] if cl.neg else [("会", _s(aux))]
        elif cl.neg:
            pre = [("不", _s(neg))]
        return pre + zh_loc(cl.loc, _s(ix["be"]))
    if cl.kind == "cop_adj":
        a = cl.adj
        w = (_zh_pred(a, subj.noun if subj is not None and subj.pron is None and not subj.parts else None),
             _s(ix["adj"]))
        if a.shide:
            core = [("是", _s(ix["be"])), w, ("的", _E)]
            return ([("不", _s(neg))] if cl.neg else []) + core
        if t == "fut":
            if cl.neg:
                return [("不会", _s(aux, neg)), w]
            return [("会", _s(aux))] + ([w] if mode == "yn" else [("很", _s(ix["be"])), w])
        if cl.neg:
            return [("不", _s(neg)), w]
        return [w] if mode == "yn" else [("很", _s(ix["be"])), w]
    # verbs
    v = cl.verb
    vw = _zh_verb_word(cl, subj)
    vi = _s(ix["v"])
    le = t == "past" and not cl.neg and "stative" not in v.flags and mode != "rel"
    pre: list = []
    if mode != "rel":
        if t == "fut":
            pre = [("不会", _s(aux, neg))] if cl.neg else [("会", _s(aux))]
        elif cl.neg and t == "past":
            pre = [("没有", _s(aux, neg))]
        elif cl.neg and v.zh_negpres:
            vw, vi, pre = v.zh_negpres, _s(vi, aux, neg), []
        elif cl.neg:
            pre = [("不", _s(aux, neg))]
        else:
            vi = _s(vi, aux)        # do-support / did in questions folds into the verb
    if v.trans:
        out = pre + [(vw, vi)]
        if le:
            out.append(("了", _E))
        if cl.obj is not None:
            out += zh_np(cl.obj)
        return out
    out = pre + (zh_loc(cl.loc) if cl.loc is not None else []) + [(vw, vi)]
    if le:
        out.append(("了", _E))
    return out


def zh_rel(head: NP) -> list:
    r = head.rel
    cl = r.clause
    if r.kind == "subj":
        out = zh_vp(cl, head, "rel")
    else:
        out = zh_np(cl.subj) + zh_vp(cl, cl.subj, "rel")
    return out + [("的", _s(r.ix["rel"]))]


def zh_sentence(s: Sentence) -> list:
    cl = s.clauses[0]
    ix = s.ix
    if s.mode == "decl":
        return zh_np(cl.subj) + zh_vp(cl, cl.subj) + [("。", _s(ix["end"]))]
    if s.mode == "coord":
        out = []
        for k, c in enumerate(s.clauses):
            if k:
                if s.conj == "but":
                    out += [("，", _s(ix["comma"])), ("但是", _s(ix["conj"]))]
                else:
                    out.append(("，", _s(ix["conj"])))
            out += zh_np(c.subj) + zh_vp(c, c.subj)
        return out + [("。", _s(ix["end"]))]
    q = [("？", _s(ix["end"]))]
    if s.mode == "yn":
        return zh_np(cl.subj) + zh_vp(cl, cl.subj, "yn") + [("吗", _E)] + q
    wh = _s(ix["wh"])
    if s.mode == "where":
        if cl.kind == "cop_loc":
            pre = [("会", _s(cl.ix["aux"]))] if cl.tense == "fut" else []
            return zh_np(cl.subj) + pre + [("在", _s(cl.ix["be"])), ("哪里", wh)] + q
        pre = [("会", _s(cl.ix["aux"]))] if cl.tense == "fut" else []
        vi = _s(cl.ix["v"]) if cl.tense == "fut" else _s(cl.ix["v"], cl.ix["aux"])
        return zh_np(cl.subj) + pre + [("在", wh), ("哪里", wh), (_zh_verb_word(cl, cl.subj), vi)] + q
    if s.mode in ("what", "who_o"):
        body = zh_vp(cl, cl.subj)
        return zh_np(cl.subj) + body + [("什么" if s.mode == "what" else "谁", wh)] + q
    if s.mode == "who_s":
        return [("谁", wh)] + zh_vp(cl, None) + q
    raise ValueError(s.mode)


# ----------------------------------------------------------------------------------------------------------------
# Sampling
# ----------------------------------------------------------------------------------------------------------------

_SUBJ_DET_W = {"the": 10, "a": 0, "one": 0, "this": 2, "that": 2, "these": 1.5, "those": 1.5, "bare": 0}
_OBJ_DET_W = {"the": 8, "a": 4, "one": 0.3, "this": 1.5, "that": 1.5, "these": 1, "those": 1, "bare": 3}
_LOC_DET_W = {"the": 10, "a": 0, "one": 0, "this": 1, "that": 1, "these": 0, "those": 0, "bare": 0}


def _det_weight(d: str, table: dict) -> float:
    if d in table:
        return table[d]
    if d in POSS:
        return 0.8
    return 0.12  # numbers two..ten


_TABLES = {"subj": _SUBJ_DET_W, "obj": _OBJ_DET_W, "loc": _LOC_DET_W}


@functools.cache
def _det_choices(n: Noun, role: str, forbid: tuple) -> tuple[tuple[str, ...], tuple[float, ...]]:
    table = _TABLES[role]
    dets = [d for d in n.dets if d not in forbid and _det_weight(d, table) > 0]
    ws = [_det_weight(d, table) * (6 if "kin" in n.flags and d in POSS else 1) for d in dets]
    return tuple(dets), tuple(itertools.accumulate(ws))


@functools.cache
def _np_pool(nouns: tuple, role: str, forbid: tuple, avoid: Noun | None) -> tuple[Noun, ...]:
    return tuple(n for n in nouns if n is not avoid and _det_choices(n, role, forbid)[0])


def _plural_for(rng: random.Random, n: Noun, det: str) -> bool:
    if n.en_pl is None or det in ("a", "one", "this", "that", "bare"):
        return False
    if det in ("these", "those") or det in NUM_ES:
        return True
    return rng.random() < 0.3


def simple_np(rng: random.Random, nouns: Sequence[Noun], role: str, adj_p: float = 0.25, forbid=(),
              avoid: Noun | None = None) -> NP:
    pool = _np_pool(tuple(nouns), role, tuple(forbid), avoid)
    if not pool:
        raise _Retry
    n = rng.choice(pool)
    dets, cum = _det_choices(n, role, tuple(forbid))
    det = rng.choices(dets, cum_weights=cum)[0]
    pl = role != "loc" and _plural_for(rng, n, det)
    adjs: tuple = ()
    if det not in POSS and rng.random() < adj_p:
        cands = ATTR_ADJS[n.en]
        if cands:
            a = rng.choice(cands)
            adjs = (a,)
            if a.group == "size" and rng.random() < 0.3:
                cols = [c for c in cands if c.group == "colour"]
                if cols:
                    adjs = (a, rng.choice(cols))
    return NP(n, det, pl, adjs)


def _pron(rng: random.Random, role: str, avoid: NP | None = None) -> NP:
    opts = list(PRONOUNS)
    if avoid is not None and avoid.pron is not None:
        # no reflexive readings: "i see me", "we see me", "you see you"
        sp = avoid.pron.person
        if sp in (0, 3):
            opts = [p for p in opts if p.person not in (0, 3)]
        elif sp == 1:
            opts = [p for p in opts if p.person != 1]
    return NP(pron=rng.choice(opts))


def _tense(rng: random.Random, v: Verb | None, subj: NP | None, allow_fut: bool = True,
           weights=(5, 4, 2)) -> str:
    opts = ["pres", "past", "fut"]
    ws = list(weights)
    if v is not None:
        if "nopast" in v.flags:
            ws[1] = 0
        if "nofut" in v.flags:
            ws[2] = 0
        # "they read the book" would be ambiguous between present and past: only past for those
        if v.en[0] == v.en[2] and subj is not None and subj.person != 2:
            ws[0] = 0
    if not allow_fut:
        ws[2] = 0
    return rng.choices(opts, ws)[0]


def loc_phrase(rng: random.Random, options: Sequence[tuple[str, str]], size: int) -> Loc | None:
    opts = [o for o in options if LOCS[o] >= size]
    if not opts:
        return None
    n, p = rng.choice(opts)
    return Loc(p, simple_np(rng, [NOUNS[n]], "loc", adj_p=0.12))


_COP_LOCS = tuple(k for k in LOCS if k not in WATER)


_ANIMAL_OBJ = {"drink": "water milk", "eat": "meat fish bread cheese apple egg"}


def _objects(v: Verb, subj: NP | None) -> tuple[Noun, ...]:
    """Objects of v that make sense for this subject (cats drink water or milk, not tea)."""
    if subj is not None and v.en[0] in _ANIMAL_OBJ and (
            subj.animacy == "animal" or any(p.animacy == "animal" for p in subj.parts or ())):
        return _nouns(_ANIMAL_OBJ[v.en[0]])
    return v.obj


def make_rel(rng: random.Random, head: NP, avoid_verb: Verb | str | None = None) -> Rel | None:
    """A relative clause for `head` (a noun with determiner 'the'), or None if none fits."""
    n = head.noun
    r = rng.random()
    if r < 0.45:  # object relative: "the cat that the woman sees"
        vs = [v for v in TRANS if n in v.obj and "norel" not in v.flags and v is not avoid_verb]
        if not vs:
            return None
        v = rng.choice(vs)
        if v.human_subj() and rng.random() < 0.25:
            subj = _pron(rng, "subj")
        else:
            subjs = v.subj
            if v.en[0] in _ANIMAL_OBJ and n not in _nouns(_ANIMAL_OBJ[v.en[0]]):
                subjs = tuple(x for x in v.subj if x.cls == "human")
            subj = simple_np(rng, subjs, "subj", adj_p=0.15, forbid=("that", "those"), avoid=n)
        cl = Clause("tr", subj=subj, verb=v, obj=None, tense=_tense(rng, v, subj, allow_fut=False))
        return Rel("obj", cl)
    if r < 0.75:  # subject relative, transitive: "the man who reads the book"
        vs = [v for v in TRANS if n in v.subj and "norel" not in v.flags and v is not avoid_verb]
        if not vs:
            return None
        v = rng.choice(vs)
        if v.human_obj() and rng.random() < 0.2:
            obj = _pron(rng, "obj")
        else:
            obj = simple_np(rng, _objects(v, head), "obj", adj_p=0.15, forbid=("a", "one"), avoid=n)
        cl = Clause("tr", verb=v, obj=obj, tense=_tense(rng, v, head, allow_fut=False))
        return Rel("subj", cl)
    if r < 0.9:  # subject relative, intransitive with a place: "the dog that sleeps under the table"
        vs = [v for v in INTRANS if n in v.subj and v is not avoid_verb]
        if not vs:
            return None
        v = rng.choice(vs)
        loc = loc_phrase(rng, v.locs, n.size) if rng.random() < 0.75 else None
        return Rel("subj", Clause("intr", verb=v, loc=loc, tense=_tense(rng, v, head, allow_fut=False)))
    # "the book that is on the table"
    if "fixed" in n.flags or avoid_verb == "be":
        return None
    loc = loc_phrase(rng, _COP_LOCS, n.size)
    if loc is None or loc.np.noun is n:
        return None
    return Rel("subj", Clause("cop_loc", loc=loc, tense=rng.choice(("pres", "past"))))


def full_np(rng: random.Random, nouns: Sequence[Noun], role: str, rel_p: float, pron_p: float = 0.0,
            coord_p: float = 0.0, avoid: Noun | None = None, forbid=(), avoid_verb: Verb | str | None = None) -> NP:
    """Noun phrase in a main clause: maybe a pronoun, a coordination, or a noun with a relative clause."""
    r = rng.random()
    if r < pron_p:
        return _pron(rng, role)
    if r < pron_p + coord_p:
        a = simple_np(rng, nouns, role, adj_p=0.15, forbid=("a", "one", "bare") + tuple(forbid), avoid=avoid)
        b = simple_np(rng, nouns, role, adj_p=0.15, forbid=("a", "one", "bare") + tuple(forbid), avoid=a.noun)
        if a.noun is not b.noun:
            return NP(parts=(a, b))
    if rng.random() < rel_p:
        cands = [n for n in nouns if "the" in n.dets and n is not avoid]
        if cands:
            n = rng.choice(cands)
            head = NP(n, "the", _plural_for(rng, n, "the"))
            rel = make_rel(rng, head, avoid_verb)
            if rel is not None:
                head.rel = rel
                return head
    return simple_np(rng, nouns, role, forbid=forbid, avoid=avoid)


_MOVABLE = tuple(n for n in NOUNS.values() if "fixed" not in n.flags)
_PRED_SUBJ = tuple(n for n in NOUNS.values() if PRED_ADJS[n.en])
_PRON_PRED_ADJS = tuple(a for a in ADJS if "man" in a.nouns and "woman" in a.nouns)


def make_clause(rng: random.Random, kind: str, rel_p: float, neg_p: float, allow_pron_subj: bool = True,
                coord_p: float = 0.0, question: bool = False) -> Clause | None:
    neg = (not question) and rng.random() < neg_p
    if kind == "tr":
        v = rng.choice(TRANS)
        if ("noneg" in v.flags and neg) or ("noq" in v.flags and question):
            return None
        pron_p = 0.22 if (allow_pron_subj and v.human_subj()) else 0.0
        subj = full_np(rng, v.subj, "subj", rel_p, pron_p=pron_p, coord_p=coord_p, avoid_verb=v)
        avoid = subj.noun
        forbid: tuple = ("a", "one") if neg else ()
        if "stative" in v.flags:
            forbid = ("the", "this", "that", "these", "those") + POSS
        if v.human_obj() and rng.random() < 0.12:
            obj = _pron(rng, "obj", avoid=subj)
        else:
            obj = full_np(rng, _objects(v, subj), "obj", 0.0 if (subj.rel or "stative" in v.flags) else rel_p,
                          coord_p=coord_p, avoid=avoid, avoid_verb=v,
                          forbid=forbid)
        return Clause("tr", subj, v, obj, tense=_tense(rng, v, subj), neg=neg)
    if kind == "intr":
        v = rng.choice(INTRANS)
        pron_p = 0.2 if (allow_pron_subj and v.human_subj()) else 0.0
        subj = full_np(rng, v.subj, "subj", rel_p, pron_p=pron_p, coord_p=coord_p, avoid_verb=v)
        loc = loc_phrase(rng, v.locs, subj.size) if rng.random() < 0.7 else None
        return Clause("intr", subj, v, loc=loc, tense=_tense(rng, v, subj), neg=neg)
    if kind == "cop_loc":
        subj = full_np(rng, _MOVABLE, "subj", rel_p, pron_p=0.15 if allow_pron_subj else 0.0, coord_p=coord_p,
                       avoid_verb="be")
        loc = loc_phrase(rng, _COP_LOCS, subj.size)
        if loc is None:
            return None
        if subj.pron is None and not subj.parts and subj.noun is loc.np.noun:
            return None
        return Clause("cop_loc", subj, loc=loc, tense=_tense(rng, None, subj, weights=(6, 3, 1.5)), neg=neg)
    if kind == "cop_adj":
        if allow_pron_subj and rng.random() < 0.1:
            subj = NP(pron=rng.choice(PRONOUNS[2:4]))       # he / she: gender known
            adjs = list(_PRON_PRED_ADJS)
        else:
            subj = full_np(rng, _PRED_SUBJ, "subj", rel_p * 1.3, coord_p=coord_p * 0.5)
            if subj.parts:
                common = set(PRED_ADJS[subj.parts[0].noun.en]) & set(PRED_ADJS[subj.parts[1].noun.en])
                adjs = [a for a in PRED_ADJS[subj.parts[0].noun.en] if a in common]
            else:
                adjs = list(PRED_ADJS[subj.noun.en])
            adjs = [a for a in adjs if not any(a is b for b in (subj.adjs if subj.pron is None else ()))]
        if not adjs:
            return None
        a = rng.choice(adjs)
        tense = _tense(rng, None, subj, allow_fut=a.fut and not a.shide, weights=(6, 3, 1.5))
        return Clause("cop_adj", subj, adj=a, tense=tense, neg=neg)
    raise ValueError(kind)


class _Retry(Exception):
    """The random choices so far lead nowhere: start the sentence again."""


_KINDS = ("tr", "intr", "cop_adj", "cop_loc")


def make_sentence(rng: random.Random) -> Sentence | None:
    r = rng.random()
    if r < 0.56:
        kind = rng.choices(_KINDS, (42, 26, 17, 15))[0]
        cl = make_clause(rng, kind, rel_p=0.28, neg_p=0.2, coord_p=0.05)
        return Sentence("decl", [cl]) if cl else None
    if r < 0.72:
        kind = rng.choices(_KINDS, (40, 25, 18, 17))[0]
        cl = make_clause(rng, kind, rel_p=0.25, neg_p=0.0, coord_p=0.04, question=True)
        if cl is None or (cl.subj.pron is not None and cl.subj.pron.key == "i"):   # no "do i ...?"
            return None
        return Sentence("yn", [cl])
    if r < 0.86:
        return make_wh(rng)
    # clause coordination
    conj = "but" if rng.random() < 0.35 else "and"
    k1, k2 = rng.choices(_KINDS, (35, 35, 15, 15), k=2)
    c1 = make_clause(rng, k1, rel_p=0.0, neg_p=0.2)
    c2 = make_clause(rng, k2, rel_p=0.0, neg_p=0.2)
    if c1 is None or c2 is None:
        return None
    if conj == "but" and c1.neg == c2.neg:
        if "noneg" in (c2.verb.flags if c2.verb else ()):
            return None
        c2.neg = not c1.neg
        if c2.neg and c2.obj is not None and c2.obj.det in ("a", "one"):
            return None
    # same tense in both clauses, where allowed
    if c2.tense != c1.tense:
        ok = c1.tense != "fut" or (c2.kind != "cop_adj" or (c2.adj.fut and not c2.adj.shide))
        if c2.verb is not None:
            ok = ok and not (c1.tense == "past" and "nopast" in c2.verb.flags) \
                and not (c1.tense == "fut" and "nofut" in c2.verb.flags) \
                and not (c1.tense == "pres" and c2.verb.en[0] == c2.verb.en[2] and c2.subj.person != 2)
        if ok:
            c2.tense = c1.tense
    return Sentence("coord", [c1, c2], conj)


def make_wh(rng: random.Random) -> Sentence | None:
    r = rng.random()
    if r < 0.35:  # where
        if rng.random() < 0.55:
            subj = full_np(rng, _MOVABLE, "subj", 0.15, avoid_verb="be")
            return Sentence("where", [Clause("cop_loc", subj, tense=rng.choices(("pres", "past", "fut"),
                                                                                   (6, 3, 2))[0])])
        v = rng.choice([v for v in INTRANS if v.locs])
        subj = full_np(rng, v.subj, "subj", 0.15, avoid_verb=v)
        return Sentence("where", [Clause("intr", subj, v, tense=rng.choice(("pres", "fut")))])
    if r < 0.65:  # what
        v = rng.choice([v for v in TRANS if any(n.cls not in ("human",) for n in v.obj)])
        subj = full_np(rng, v.subj, "subj", 0.2, avoid_verb=v)
        return Sentence("what", [Clause("tr", subj, v, None, tense=_tense(rng, v, subj))])
    if r < 0.85:  # who (subject)
        v = rng.choice([v for v in TRANS if v.human_subj() and "noq" not in v.flags])
        obj = full_np(rng, v.obj, "obj", 0.2, forbid=("a", "one", "bare"), avoid_verb=v)
        return Sentence("who_s", [Clause("tr", None, v, obj, tense=_tense(rng, v, None))])
    v = rng.choice([v for v in TRANS if v.human_obj()])
    subj = full_np(rng, v.subj, "subj", 0.2, avoid_verb=v)
    return Sentence("who_o", [Clause("tr", subj, v, None, tense=_tense(rng, v, subj))])


def realise(s: Sentence) -> Example:
    src = tuple(en_sentence(s))
    es = es_sentence(s)
    zh = zh_sentence(s)
    return Example(src, {
        "es": Translation(tuple(t for t, _ in es), tuple(a for _, a in es)),
        "zh": Translation(tuple(t for t, _ in zh), tuple(a for _, a in zh)),
    })


MIN_LEN, MAX_LEN = 4, 18


def sample(rng: random.Random) -> Example:
    """One random sentence with its translations."""
    while True:
        try:
            s = make_sentence(rng)
        except _Retry:
            continue
        if s is None:
            continue
        ex = realise(s)
        if MIN_LEN <= len(ex.source) <= MAX_LEN:
            return ex


def generate(n: int, seed: int) -> list[Example]:
    """n examples with distinct English sentences, deterministic for a seed."""
    rng = random.Random(seed)
    seen: set[tuple[str, ...]] = set()
    out: list[Example] = []
    misses = 0
    while len(out) < n:
        ex = sample(rng)
        if ex.source in seen:
            misses += 1
            if misses > 50 * n + 1000:
                raise ValueError(f"the grammar cannot produce {n} distinct sentences")
            continue
        seen.add(ex.source)
        out.append(ex)
    return out


# ----------------------------------------------------------------------------------------------------------------
# Vocabularies, word classes, detokenisation
# ----------------------------------------------------------------------------------------------------------------


def word_classes() -> dict[str, list[str]]:
    """English words by class, for a vocabulary browser."""
    nouns = set()
    for n in NOUNS.values():
        nouns.add(n.en)
        if n.en_pl:
            nouns.add(n.en_pl)
    verbs = set()
    for v in VERBS:
        forms = [v.en[0], v.en[1]] + ([] if "nopast" in v.flags else [v.en[2]])
        for f in forms:
            verbs.add(f.split()[0])
    classes = {
        "noun": nouns,
        "adjective": {a.en for a in ADJS},
        "verb": verbs,
        "pronoun": {p.en_s for p in PRONOUNS} | {p.en_o for p in PRONOUNS},
        "determiner": {"the", "a", "an", "this", "that", "these", "those"} | set(POSS),
        "number": set(NUMS),
        "preposition": {w for p in PREPS for w in p.split()} | {"for"},
        "auxiliary": {"do", "does", "did", "will", "be", "am", "is", "are", "was", "were"},
        "negation": {"not"},
        "conjunction": {"and", "but"},
        "relative pronoun": {"who", "that"},
        "question word": {"where", "what", "who"},
        "punctuation": {".", ",", "?"},
    }
    return {k: sorted(v) for k, v in classes.items()}


def source_vocabulary() -> list[str]:
    """Every English token the grammar can emit."""
    out: set[str] = set()
    for ws in word_classes().values():
        out.update(ws)
    return sorted(out)


def _es_vocab() -> set[str]:
    out = {"¿", "?", ".", ",", "y", "pero", "que", "no", "a", "al", "del", "dónde", "qué", "quién"}
    for n in NOUNS.values():
        out.add(n.es)
        if n.es_pl:
            out.add(n.es_pl)
        for d in n.dets:
            for pl in (False, True):
                if d == "bare" or (pl and not n.en_pl) or (pl and d in ("a", "one", "this", "that")) or \
                        (not pl and (d in ("these", "those") or d in NUM_ES)):
                    continue
                out.add(_es_det(d, n, pl))
    # adjectives: every form whose gender/number some compatible noun or pronoun has
    for a in ADJS:
        for ne in a.nouns:
            n = NOUNS[ne]
            out.add(_adj_es(a, n.g, False))
            if n.en_pl:
                out.add(_adj_es(a, n.g, True))
        # coordinated subjects: "el café y la leche están fríos", "la leche y la sopa están frías"
        genders = [NOUNS[ne].g for ne in a.nouns]
        if len(genders) >= 2 and "m" in genders:
            out.add(_adj_es(a, "m", True))
        if genders.count("f") >= 2:
            out.add(_adj_es(a, "f", True))
    for w in PREPS.values():
        out.update(w)
    for p in PRONOUNS:
        out.add(p.es_s)
        out.add(p.es_o)
    for v in VERBS:
        persons = range(5) if v.human_subj() else (2, 4)
        tenses = ["pres", "impf" if "stative" in v.flags else "past", "fut"]
        if "nopast" in v.flags:
            tenses.remove("past")
        if "nofut" in v.flags:
            tenses.remove("fut")
        for t in tenses:
            for p in persons:
                if t == "pres" and v.en[0] == v.en[2] and p != 2:
                    continue
                out.add(v.es[t][p])
    # "be": ser only with noun / he / she subjects and never in the future; estar with every person
    for t in ("pres", "impf"):
        out.update(_SER[t][p] for p in (2, 4))
    for t in ("pres", "impf", "fut"):
        out.update(_ESTAR[t])
    return out


def _zh_vocab() -> set[str]:
    out = {"。", "，", "？", "的", "了", "吗", "很", "不", "没有", "会", "不会", "在", "是", "和", "但是",
           "哪里", "什么", "谁", "这", "那", "这些", "那些"}
    out.update(NUM_ZH.values())
    out.update(POSS_ZH.values())
    out.update(_LOC_ZH.values())
    for n in NOUNS.values():
        out.add(n.zh)
        if n.mw:
            out.add(n.mw)
    for a in ADJS:
        if a.en == "old":
            out.update(("老", "旧"))
        else:
            out.add(a.zh_pred)
            if a.zh_attr:
                out.add(a.zh_attr)
    for p in PRONOUNS:
        out.add(p.zh)
    for v in VERBS:
        if any(n.cls == "human" for n in v.subj):
            out.add(v.zh)
        if any(n.cls == "animal" for n in v.subj):
            out.add(v.zh_animal)
        if v.zh_negpres:
            out.add(v.zh_negpres)
    return out


_VOCAB_CACHE: dict[str, list[str]] = {}


def target_vocabulary(lang: str) -> list[str]:
    """Every target token the grammar can emit for `lang`."""
    if lang not in _VOCAB_CACHE:
        if lang == "es":
            _VOCAB_CACHE[lang] = sorted(_es_vocab())
        elif lang == "zh":
            _VOCAB_CACHE[lang] = sorted(_zh_vocab())
        else:
            raise KeyError(lang)
    return list(_VOCAB_CACHE[lang])


_ZH_PUNCT = {".": "。", ",": "，", "?": "？", "!": "！"}


def detokenize(tokens: Sequence[str], lang: str) -> str:
    """Readable text from tokens: lang 'en', 'es' or 'zh'."""
    toks = [t for t in tokens if t]
    if lang == "zh":
        return "".join(_ZH_PUNCT.get(t, t) for t in toks)
    if lang == "en":
        toks = ["I" if t == "i" else t for t in toks]
    text = ""
    for k, t in enumerate(toks):
        if k == 0 or t in (".", ",", "?", "!") or toks[k - 1] == "¿":
            text += t
        else:
            text += " " + t
    # capitalise the first letter
    for k, ch in enumerate(text):
        if ch.isalpha():
            text = text[:k] + ch.upper() + text[k + 1:]
            break
    return text
