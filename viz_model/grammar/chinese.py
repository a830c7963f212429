"""Chinese realiser: tree -> Simplified Chinese word tokens, each with the English token indices it translates.

Conventions: "the" is not translated, "a" is 一 + measure word, numbers and 这 / 那 take the noun's measure word;
modifiers come before the noun (relative clauses with 的 before demonstratives: 男人读的这本书; numbers and 一
before them: 一只睡觉的猫); one-character adjectives marked zh_bare attach without 的 (大狗); of two adjectives
the one with 的 comes first (黑色的大狗). Word order is subject - time - frequency - negation / modal / aspect -
place (在 ... 里) - verb - object. Past is V了 (没 + V in the negative, bare for stative verbs), progressive 在 V
(正在 before a place phrase), perfect 已经 V了 / 还没 V, future 会, "going to" 要 (negative 不会); adjective
predicates use the lexicon's 很-form; questions add 吗 or put the wh-word in place; "when" and "if" clauses come
first (…的时候，…; 如果…，…); "there is" puts the place first (桌子下面有一只猫).
"""

from __future__ import annotations

from collections.abc import Iterable

from .trees import NP, AdjUse, Clause, Loc, Sentence

Tok = tuple[str, frozenset[int]]


def T(word: str, *idx: Iterable[int]) -> Tok:
    s: set[int] = set()
    for part in idx:
        s.update(part)
    return word, frozenset(s)


LOCALISER = {"on": "上", "under": "下面", "over": "上方", "next_to": "旁边", "behind": "后面", "in_front_of": "前面",
             "near": "附近"}
POSS = {"my": "我", "your": "你", "his": "他", "her": "她", "our": "我们", "their": "他们", "its": "它"}
MODAL = {"can": ("能", "不能"), "must": ("必须", "不能"), "should": ("应该", "不应该"), "have_to": ("得", "不用"),
         "want": ("想", "不想"), "like": ("喜欢", "不喜欢"), "need": ("需要", "不需要"), "would_like": ("想", "不想"),
         "could": ("可以", "不可以")}
ORDINAL_MW = {"第一", "第二", "第三", "下", "同一"}  # followed by the noun's measure word
# verbs followed by their 在-phrase (坐在椅子上, 住在伦敦), with the form used there
LOC_AFTER = {"坐": "坐", "坐下": "坐", "站": "站", "住": "住", "躺": "躺", "躺下": "躺", "停": "停", "掉": "掉",
             "放": "放"}
PUNCT = {".": "。", "!": "！", "?": "？", "": "。"}


class Chinese:
    def __init__(self, lex) -> None:
        self.lex = lex
        self.nums = {v: zh for _, v, _, zh in lex.numbers}

    # ---------------------------------------------------------------------------------- noun phrases

    def adjs(self, adjs: tuple[AdjUse, ...], mw: list[Tok] | None = None) -> list[Tok]:
        if not adjs:
            return []
        if len(adjs) == 1:
            a = adjs[0]
            if a.adj.kind == "order" and a.adj.zh_bare in ORDINAL_MW:  # 第一本书, 下个星期, 同一个人
                return [T(a.adj.zh_bare, a.i)] + (mw or [])
            if a.adj.kind == "order" and a.adj.zh == "最后":  # 最后一本书
                return [T("最后", a.i), T("一", a.i)] + (mw or [])
            if a.very_i:
                return [T("最" if a.degree == "most" else "非常", a.very_i), T(a.adj.zh, a.i), T("的", ())]
            if a.adj.zh_bare:
                return [T(a.adj.zh_bare, a.i)]
            return [T(a.adj.zh, a.i), T("的", ())]
        bare = [a for a in adjs if a.adj.zh_bare]
        other = [a for a in adjs if not a.adj.zh_bare]
        return [T(other[0].adj.zh, other[0].i), T("的", ()), T(bare[0].adj.zh_bare, bare[0].i)]

    def np(self, np: NP, role: str = "") -> list[Tok]:
        if np.kind == "pron":
            return [T(np.head.zh, np.head_i)]
        if np.kind == "name":
            return [T(np.head.zh, np.head_i)]
        if np.kind == "coord":
            a, b = (self.np(p) for p in np.parts)
            return a + [T("和" if np.conj == "and" else "或者", np.and_i)] + b
        if np.det == "who":
            return [T("谁", np.head_i)]
        n = np.head
        pre: list[Tok] = []  # before the relative clause
        post: list[Tok] = []  # after it
        d = np.det
        mw = n.mw or "个"
        own_mw = mw == n.zh  # 天, 年, 分钟 are their own measure words: 一天, 三年
        mws = [] if own_mw else [T(mw, np.det_i)]
        if d == "a":
            pre = [T("一", np.det_i)] + mws
        elif d == "num":
            pre = [T(self.nums[np.num], np.det_i)] + mws
        elif d in ("this", "that"):
            post = [T("这" if d == "this" else "那", np.det_i)] + (mws if mws else [T("一", np.det_i)])
        elif d in ("these", "those"):
            post = [T("这些" if d == "these" else "那些", np.det_i)]
        elif d in POSS:
            post = [T(POSS[d], np.det_i), T("的", np.det_i)]
        elif d == "own":
            owner = np.owner
            if owner.kind == "noun" and owner.det in POSS:
                post = [T(POSS[owner.det], owner.det_i), T(owner.head.zh, owner.head_i)]
            else:
                post = self.np(owner)
            post.append(T("的", np.det_i))
        elif d == "how_many":
            pre = [T("几", np.det_i)] + mws
        elif d == "all":
            pre = [T("所有", np.det_i), T("的", np.det_i)]
        elif d == "some":
            pre = [T("一些", np.det_i)]
        elif d == "many":
            pre = [T("很多", np.det_i)]
        elif d == "several":
            pre = [T("几", np.det_i)] + mws
        elif d in ("each", "every"):
            post = [T("每", np.det_i)] + mws
        elif d == "another":
            pre = [T("另", np.det_i), T("一", np.det_i)] + mws
        rel = self.rel(np) if np.rel is not None else []
        adjs = self.adjs(np.adjs, [] if own_mw else [T(mw, ())])
        if any(w == "的" for w, _ in adjs):
            # one 的 is enough: 她愚蠢的艺术家, 所有愚蠢的艺术家 (not 她的愚蠢的)
            if post and post[-1][0] == "的" and d in POSS:
                post = post[:-1]
            if pre and pre[-1][0] == "的" and d == "all":
                pre = pre[:-1]
        if rel:
            return rel + pre + post + adjs + [T(n.zh, np.head_i)]  # 宠物找到的一个盒子
        return pre + post + adjs + [T(n.zh, np.head_i)]

    def rel(self, head: NP) -> list[Tok]:
        r = head.rel
        c = r.clause
        if r.gap == "subj":
            body = self.clause(Clause(**{**c.__dict__, "subj": None}), rel=True)
        else:
            body = self.clause(c, gap=True, rel=True)
        return body + [T("的", r.that_i)]

    def place(self, loc: Loc, with_zai: bool = True) -> list[Tok]:
        np = loc.np
        inner = self.np(np)
        out = [T("在", loc.prep_i)] if with_zai else []
        out += inner
        if loc.prep in ("in", "at"):
            if np.kind == "noun" and loc.prep == "in" and np.head.zh_in:
                out.append(T(np.head.zh_in, loc.prep_i))
            elif np.kind == "noun" and loc.prep == "at" and np.head.zh_in and np.head.cls != "place":
                out.append(T(np.head.zh_in, loc.prep_i))
        else:
            out.append(T(LOCALISER[loc.prep], loc.prep_i))
        return out

    # ---------------------------------------------------------------------------------- clauses

    def verb_words(self, c: Clause, with_obj: bool) -> list[str]:
        v = c.verb
        if with_obj or v.zh_intr is None:
            return [v.zh]
        return list(v.zh_intr)

    def clause(self, c: Clause, gap: bool = False, mood: str = "decl", wh: str = "", rel: bool = False,
               extra_time: list[Tok] | None = None, extra_place: list[Tok] | None = None) -> list[Tok]:
        if c.pred != "verb":
            return self.be_clause(c, mood, wh)
        v = c.verb
        subj = [] if c.subj is None or c.subj.kind == "stub" else self.np(c.subj)
        pre = self.time_freq(c) + (extra_time or [])
        obj = c.obj
        has_obj = obj is not None or gap or (mood == "whobj")
        if wh == "who_obj" or wh == "what":
            has_obj = True
        # the object (or recipient + object)
        objs: list[Tok] = []
        coverb: list[Tok] = []
        if obj is not None and not gap:
            o = self.np(obj)
            if c.part_i:
                o[0] = (o[0][0], o[0][1] | frozenset(c.part_i))
            if v.zh_coverb:
                coverb = [T(v.zh_coverb, c.part_i)] + self.np(obj)
            else:
                objs = o
        if wh in ("what", "who_obj"):
            objs = [T("什么" if wh == "what" else "谁", ())]  # the wh-word's index is set by the caller
        io: list[Tok] = []
        gei = False
        if c.iobj is not None:
            io = self.np(c.iobj)
            if c.to_i:
                io[0] = (io[0][0], io[0][1] | frozenset(c.to_i))
            gei = v.zh_ditr == "gei"
        dest: list[Tok] = []
        if c.dest is not None:
            if c.dest.det == "home":
                dest = [T("家", c.dest.head_i)]
            else:
                dest = self.np(c.dest)
                dest[0] = (dest[0][0], dest[0][1] | frozenset(c.to_i))
        comp: list[Tok] = []
        if c.comp is not None:
            comp = self.clause(c.comp)
            if c.that_i:
                comp[0] = (comp[0][0], comp[0][1] | frozenset(c.that_i))
        place = self.loc_or_place(c) + (extra_place or [])
        if c.comit is not None:
            place = [T("和", c.with_i)] + self.np(c.comit) + [T("一起", c.with_i)] + place
        verb = self.verb_words(c, has_obj or bool(io) or bool(dest) or bool(comp))
        vi = c.verb_i
        if c.dest is not None and c.dest.det == "home" and v.en[0] in ("go", "come"):
            verb = ["回"]
        vtoks = [T(w, vi) for w in verb]
        after_verb = (io + objs if not gei else objs) + dest + comp
        before_verb = ([T("给", c.to_i)] + io if gei else []) + coverb
        # aspect / tense / negation / modal
        t, neg = c.tense, c.neg
        aux: list[Tok] = []
        le_after_verb = False
        le_final = False
        never = c.freq is not None and c.freq[0].en == ("never",)
        if c.modal and c.modal != "inf":
            aux = [T(MODAL[c.modal][1 if neg else 0], c.modal_i, c.aux_i, c.neg_i)]
        elif t == "pres":
            if neg and not c.modal and v.zh in ("看见", "听见") and has_obj:
                # resultative verbs negate inside: 看不见, 找不到
                vtoks = [T(v.zh[:-1] + "不" + v.zh[-1], vi, c.aux_i, c.neg_i)]
            elif neg:
                aux = [T("不", c.aux_i, c.neg_i)]
            elif mood == "imp":
                aux = []
        elif t == "past":
            if neg:
                aux = [T("不" if v.stative else "没", c.aux_i, c.neg_i)]
            elif not v.stative:
                if after_verb and not (gap or mood == "whobj") and not comp:
                    le_after_verb = True
                else:
                    le_final = True
        elif t == "fut":
            aux = [T("不会" if neg else "会", c.aux_i, c.neg_i)]
        elif t == "going":
            aux = [T("不会" if neg else "要", c.aux_i, c.neg_i)]
        elif t == "prog":
            if v.frame == "go":
                aux = [T("不会" if neg else "要", c.aux_i, c.neg_i)]
            elif neg:
                aux = [T("没", c.neg_i)] + ([] if place else [T("在", c.aux_i)])
            else:
                aux = [T("正" if place else "在", c.aux_i)]
        elif t == "perf":
            if neg:
                aux = [T("还", c.aux_i), T("没", c.neg_i)]
            else:
                aux = [T("已经", c.aux_i)]
                if after_verb and not (gap or mood == "whobj") and not comp:
                    le_after_verb = True
                else:
                    le_final = True
        if mood == "imp":
            aux = [T("别", c.aux_i, c.neg_i)] if neg else []
        if never:
            aux = []
        if rel:
            le_final = False
        if v.zh in LOC_AFTER and c.loc is not None and c.pred == "verb":
            # posture and dwelling verbs put the place after the verb and take no aspect marker: 猫坐在垫子上,
            # 我住在伦敦
            if t in ("past", "prog") and not neg:
                aux = []
            vtoks = [T(LOC_AFTER[v.zh], vi)]
            le_after_verb = le_final = False
            out = subj + pre + aux + before_verb + vtoks + place + after_verb
            return out
        if le_after_verb:
            vtoks = vtoks + [T("了", c.aux_i if t == "perf" else ())]
        out = subj + pre + self.dou(c) + aux + place + before_verb + vtoks + after_verb
        if le_final:
            out.append(T("了", c.aux_i if t == "perf" else ()))
        return out

    @staticmethod
    def dou(c: Clause) -> list[Tok]:
        """所有的 / 每 subjects take 都 before the predicate: 每个学生都喜欢书."""
        if c.subj is not None and c.subj.kind == "noun" and c.subj.det in ("all", "each", "every"):
            return [T("都", c.subj.det_i)]
        return []

    def time_freq(self, c: Clause) -> list[Tok]:
        out: list[Tok] = []
        if c.time is not None:
            adv, ai = c.time
            out += [T(w, ai) for w in adv.zh]
        if c.freq is not None:
            adv, ai = c.freq
            out += [T(w, ai) for w in adv.zh]
        return out

    def loc_or_place(self, c: Clause) -> list[Tok]:
        if c.loc is not None and c.pred not in ("loc", "exist"):
            return self.place(c.loc)
        if c.place is not None:
            adv, ai = c.place
            return [T("在", ai)] + [T(w, ai) for w in adv.zh]
        return []

    def be_clause(self, c: Clause, mood: str = "decl", wh: str = "") -> list[Tok]:
        subj = [] if c.subj is None or c.subj.kind == "stub" else self.subject(c)
        pre = self.time_freq(c)
        neg, t = c.neg, c.tense
        fut = [T("不会" if neg else "会", c.aux_i, c.neg_i)] if t == "fut" else []
        if t == "perf":  # "has been": 一直
            fut = [T("一直", c.aux_i)]
        if c.pred == "name":
            return [T(c.subj.head.zh, c.subj.head_i)] + ([T("不", c.neg_i)] if neg else []) + \
                [T("叫", c.aux_i)] + self.np(c.nom)
        if c.pred == "exist":
            body = []
            if c.loc is not None:
                body = self.place(c.loc, with_zai=False)
            if c.subj.det == "no":
                verb = [T("没有", c.aux_i, c.subj.det_i)]
            elif neg:
                verb = [T("没有", c.aux_i, c.neg_i)]
            else:
                verb = fut + [T("有", c.aux_i if not fut else ())]
            return body + pre + verb + self.np(c.subj)
        if c.pred == "cmp":  # A 比 B 更 贵
            a = c.adjs[0]
            return subj + pre + [T("比", c.cmp_i[1:])] + self.np(c.nom) + [T("更", c.cmp_i[:1]), T(a.adj.zh, a.i)]
        if c.pred == "adj":
            adjs = c.adjs
            first = adjs[0]
            pred = self.adj_pred(first, neg and not fut, c.aux_i, c.neg_i, bare=wh == "why")
            if len(adjs) == 2:
                pred += [T("，", c.and_i), T("也", c.and_i)] + self.adj_pred(adjs[1], False, (), (), False)
            return subj + pre + self.dou(c) + fut + pred
        if c.pred == "nom":
            nom = c.nom
            shi = [T("不是" if neg and not fut else "是", c.aux_i, c.neg_i if not fut else ())]
            if nom.det in ("a", "bare") and "profession" in nom.head.flags:
                obj = [T(nom.head.zh, nom.head_i, nom.det_i)]
            else:
                obj = self.np(nom)
            return subj + pre + fut + shi + obj
        if c.pred == "loc":
            zai = [T("不在" if neg and not fut else "在", c.aux_i, c.neg_i if not fut else ())]
            if c.loc is None:  # "where is ...?"
                return subj + pre + fut + [T("在", c.aux_i), T("哪里", ())]
            body = self.place(c.loc, with_zai=False)
            body[0] = (body[0][0], body[0][1] | frozenset(c.loc.prep_i))
            return subj + pre + fut + zai + body
        if c.pred == "from":
            return subj + [T("来自", c.aux_i, c.to_i)] + self.np(c.dest)
        raise ValueError(c.pred)

    def subject(self, c: Clause) -> list[Tok]:
        s = c.subj
        if s.kind == "demo":
            return [T("这" if s.det == "this" else "那", s.head_i)]
        return self.np(s)

    def adj_pred(self, a: AdjUse, neg: bool, aux_i, neg_i, bare: bool = False) -> list[Tok]:
        if neg and a.very_i and "很" in a.adj.zh_pred:  # "not very big": 不太大
            return [T("不", neg_i, aux_i), T("太", a.very_i), T(a.adj.zh, a.i)]
        words = list(a.adj.zh_neg if neg else a.adj.zh_pred)
        if a.very_i and "很" in words:
            k = words.index("很")
            toks = [T(w, aux_i if j < k else (), a.i if j > k else (), a.very_i if j == k else ())
                    for j, w in enumerate(words)]
            toks[k] = T("非常", a.very_i)
            return toks
        if bare and words and words[0] == "很":
            words = words[1:]
        toks = []
        for j, w in enumerate(words):
            if w in ("不", "没"):
                toks.append(T(w, neg_i, aux_i))
            elif w in ("很", "是") and j < len(words) - 1:
                toks.append(T(w, aux_i))
            elif w == "的":
                toks.append(T(w, ()))
            else:
                toks.append(T(w, a.i))
        return toks

    # ---------------------------------------------------------------------------------- sentences

    def sentence(self, s: Sentence) -> list[Tok]:
        if s.form == "phrase":
            ph = s.phrase
            out = [(w, a) for w, a in zip(ph.zh, ph.alignment("zh", s.phrase_i))]
            q = s.punct == "?" or ph.en[0] in ("how", "what", "where")
            return out + [T("？" if q else PUNCT[s.punct], s.punct_i)]
        if s.form == "imp":
            body = self.clause(s.clause, mood="imp")
            if s.please_i:
                body = [T("请", s.please_i)] + body
            return body + [T(PUNCT[s.punct], s.punct_i)]
        if s.form == "yn":
            return self.clause(s.clause) + [T("吗", ()), T("？", s.punct_i)]
        if s.form == "wh":
            return self.wh(s) + [T("？", s.punct_i)]
        if s.form == "sub":
            main, sub = self.clause(s.clause), self.clause(s.clause2)
            comma = [T("，", s.comma_i)]
            if s.conj == "because":
                body = main + [T("，", ()), T("因为", s.conj_i)] + sub if not s.sub_first else \
                    [T("因为", s.conj_i)] + sub + comma + main
            elif s.conj == "when":
                sub = self.clause(s.clause2, rel=True) if s.clause2.pred == "verb" else sub
                de = [] if sub and sub[-1][0] == "的" else [T("的", s.conj_i)]  # never 的的
                body = sub + de + [T("时候", s.conj_i), T("，", s.comma_i)] + main
            elif s.conj == "after":  # 我吃了饭以后，…
                sub = self.clause(s.clause2, rel=True) if s.clause2.pred == "verb" else sub
                body = sub + [T("以后", s.conj_i), T("，", s.comma_i)] + main
            elif s.conj == "although":  # 虽然…，但是…
                body = [T("虽然", s.conj_i)] + sub + [T("，", s.comma_i), T("但是", ())] + main
            else:
                body = [T("如果", s.conj_i)] + sub + [T("，", s.comma_i)] + main
            return body + [T(PUNCT[s.punct], s.punct_i)]
        if s.form == "coord":
            a, b = self.clause(s.clause), self.clause(s.clause2)
            mid = {"and": [T("，", s.conj_i)], "but": [T("，", ()), T("但是", s.conj_i)],
                   "then": [T("，", s.conj_i[:1]), T("然后", s.conj_i[1:])],
                   "so": [T("，", s.conj_i[:1]), T("所以", s.conj_i[1:])]}[s.conj]
            return a + mid + b + [T(PUNCT[s.punct], s.punct_i)]
        body = self.clause(s.clause)
        if s.front is not None:
            body = self.place(s.front) + [T("，", s.comma_i)] + body
        return body + [T(PUNCT[s.punct], s.punct_i)]

    def wh(self, s: Sentence) -> list[Tok]:
        c = s.clause
        w = s.wh
        if w == "how_many":
            return self.clause(c)
        if w == "who" and c.subj is not None and c.subj.det == "who":
            return self.clause(c) if c.pred == "verb" else self.be_clause(c)
        if w in ("what", "who") and c.pred == "verb":
            toks = self.clause(c, wh="what" if w == "what" else "who_obj")
            return [(x, s.wh_i and frozenset(s.wh_i)) if x in ("什么", "谁") and not a else (x, a)
                    for x, a in toks]
        if w == "where":
            if c.pred == "loc":
                toks = self.be_clause(c)
                return [(x, frozenset(s.wh_i)) if x == "哪里" else (x, a) for x, a in toks]
            return self.clause(c, extra_place=[T("在", s.wh_i), T("哪里", s.wh_i)])
        if w == "when":
            return self.clause(c, extra_time=[T("什么", s.wh_i), T("时候", s.wh_i)])
        if w == "why":
            if c.pred == "verb":
                return self.clause(c, extra_time=[T("为什么", s.wh_i)])
            toks = self.be_clause(c, wh="why")
            k = len(self.subject(c))
            return toks[:k] + [T("为什么", s.wh_i)] + toks[k:]
        raise ValueError(w)
