"""Every word the app shows outside the figures, in English and Simplified Chinese.

`t(key, ui, **fmt)` looks a string up; `PAGES[page]` holds each page's title, plain explanation and formulas.
Figure labels come from viz_model.i18n (the figure builders translate themselves when given `ui`).
"""

from __future__ import annotations

from typing import Any

UI_LANGUAGES = {"en": "English", "zh": "简体中文"}

STRINGS: dict[str, dict[str, str]] = {
    # ------------------------------------------------------------------ sidebar
    "app_title": {"en": "Inside a Transformer translator", "zh": "Transformer 翻译模型内部一览"},
    "ui_language": {"en": "Interface language", "zh": "界面语言"},
    "sentence": {"en": "English sentence (press Enter)", "zh": "英文句子（按回车）"},
    "longer_than_training": {
        "en": "This input has {n} words; the longest training sentence had {limit}. The model has never seen inputs "
              "this long, so its translation may stop early or drop parts. Try one sentence at a time.",
        "zh": "输入有 {n} 个词，而训练中最长的句子只有 {limit} 个词。"
              "模型从未见过这么长的输入，译文可能提前结束或漏掉部分内容。请一次输入一个句子。",
    },
    "head_map_help": {
        "en": "Each point is one head: high entropy = attention spread over many tokens; mean distance = how far from "
              "its own position it looks. Click a head to show it in the heatmap above; double-click to clear.",
        "zh": "每个点是一个注意力头：熵越高，注意力越分散；平均距离表示它看向离自身位置多远的词。"
              "点击一个头即可在上方热力图中查看它；双击清除选择。",
    },
    "sentence_help": {"en": "Type an English sentence; the model translates it and every stage is shown.",
                      "zh": "输入一个英文句子；模型会翻译它，并展示每一个阶段。"},
    "examples": {"en": "Example sentences", "zh": "示例句子"},
    "examples_placeholder": {"en": "Pick an example…", "zh": "选择一个示例…"},
    "random": {"en": "🎲 Random sentence", "zh": "🎲 随机句子"},
    "random_help": {"en": "Draw a sentence from the grammar the model was trained on.",
                    "zh": "从训练模型所用的语法中随机抽取一句。"},
    "target": {"en": "Translate into", "zh": "翻译成"},
    "lang_es": {"en": "Spanish", "zh": "西班牙语"},
    "lang_zh": {"en": "Chinese (Simplified)", "zh": "中文（简体）"},
    "decoding": {"en": "Decoding", "zh": "解码"},
    "mode": {"en": "Strategy", "zh": "策略"},
    "greedy": {"en": "Greedy (most probable token)", "zh": "贪心（取概率最大的词）"},
    "sampling": {"en": "Sampling", "zh": "采样"},
    "temperature": {"en": "Temperature", "zh": "温度"},
    "top_k": {"en": "Top-k (0 = whole vocabulary)", "zh": "Top-k（0 = 整个词表）"},
    "seed": {"en": "Random seed", "zh": "随机种子"},
    "max_new": {"en": "Max new tokens", "zh": "最多生成的词数"},
    "share": {"en": "🔗 Share this view", "zh": "🔗 分享当前视图"},
    "share_help": {"en": "This link reopens exactly this page, sentence and settings.",
                   "zh": "此链接会重新打开完全相同的页面、句子和设置。"},
    "downloads": {"en": "⬇️ Download the trace", "zh": "⬇️ 下载运行记录"},
    "download_npz": {"en": "All arrays (.npz)", "zh": "全部数组（.npz）"},
    "download_json": {"en": "All arrays (.json)", "zh": "全部数组（.json）"},
    "download_csv": {"en": "Download CSV", "zh": "下载 CSV"},
    # ------------------------------------------------------------------ notices
    "translation": {"en": "Translation", "zh": "译文"},
    "input_tokens": {"en": "Input as the model reads it", "zh": "模型读到的输入"},
    "unknown_words": {"en": "Words the model does not know (read as <unk>): {words}",
                      "zh": "模型不认识的词（按 <unk> 处理）：{words}"},
    "did_you_mean": {"en": "did you mean", "zh": "你是不是想输入"},
    "no_suggestion": {"en": "no close match", "zh": "没有相近的词"},
    "truncated": {"en": "The sentence had {n} tokens; only the first {limit} were translated.",
                  "zh": "句子有 {n} 个词；只翻译了前 {limit} 个。"},
    "unfinished": {"en": "Decoding stopped at the cap of {n} new tokens before the end-of-sentence token.",
                   "zh": "解码在达到 {n} 个新词的上限时停止，还没有生成句末标记。"},
    "caps": {"en": "Limits: at most {tokens} source tokens and {steps} decoding steps.",
             "zh": "限制：源句最多 {tokens} 个词，解码最多 {steps} 步。"},
    "kept_text": {"en": "Your text is kept in the sidebar: edit it and press Enter.",
                  "zh": "你的文字仍保留在侧边栏中：修改后按回车即可。"},
    # ------------------------------------------------------------------ URL warnings
    "warn_choice": {"en": "Link parameter {name}={value!r} is not one of {choices}; using {default!r}.",
                    "zh": "链接参数 {name}={value!r} 不在 {choices} 之中；改用 {default!r}。"},
    "warn_number": {"en": "Link parameter {name}={value!r} is not a number; using {default}.",
                    "zh": "链接参数 {name}={value!r} 不是数字；改用 {default}。"},
    "warn_range": {"en": "Link parameter {name}={value} is outside {lo}–{hi}; clamped to {clamped}.",
                   "zh": "链接参数 {name}={value} 超出 {lo}–{hi} 的范围；已调整为 {clamped}。"},
    "warn_head": {"en": "Link parameter head={value!r} is not a head of this model (0–{hi} or mean); showing the mean.",
                  "zh": "链接参数 head={value!r} 不是本模型的注意力头（0–{hi} 或 mean）；改为显示平均值。"},
    "warn_long": {"en": "The sentence in the link had {n} characters; it was cut to the first {limit}.",
                  "zh": "链接中的句子有 {n} 个字符；已截取前 {limit} 个。"},
    "warn_markup": {"en": "The sentence contains markup such as <…>; it is treated as plain text, never as HTML.",
                    "zh": "句子中含有 <…> 之类的标记；它只会被当作普通文字，绝不会被当作 HTML。"},
    "warn_dims": {"en": "Link parameter dims={value!r} lists no valid dimension; using the defaults.",
                  "zh": "链接参数 dims={value!r} 中没有有效的维度；改用默认值。"},
    "warn_page": {"en": "Link parameter page={value!r} is not a page of this app; showing {default!r}.",
                  "zh": "链接参数 page={value!r} 不是本应用的页面；改为显示 {default!r}。"},
    "clamped_step": {"en": "Step {value} does not exist for this translation; showing step {clamped}.",
                     "zh": "此译文没有第 {value} 步；改为显示第 {clamped} 步。"},
    # ------------------------------------------------------------------ input errors (InputError.code)
    "err_empty": {"en": "Please type a sentence: the input is empty.", "zh": "请输入一个句子：输入为空。"},
    "err_too_long": {"en": "The input has {n} characters; the limit is {limit}.",
                     "zh": "输入有 {n} 个字符；上限是 {limit}。"},
    "err_unprintable": {"en": "The input contains an unprintable character ({char}).",
                        "zh": "输入中含有不可打印的字符（{char}）。"},
    "err_no_words": {"en": "The input has no words the model can read.", "zh": "输入中没有模型能读的词。"},
    "err_all_unknown": {"en": "None of these words is in the model's vocabulary: {words}",
                        "zh": "这些词都不在模型的词表中：{words}"},
    "err_language": {"en": "Unknown target language {lang!r}; choose one of {choices}.",
                     "zh": "未知的目标语言 {lang!r}；请从 {choices} 中选择。"},
    "err_model": {"en": "The model could not be loaded. Please try again later.",
                  "zh": "模型无法加载，请稍后再试。"},
    # ------------------------------------------------------------------ shared widgets
    "layer": {"en": "Layer", "zh": "层"},
    "head": {"en": "Head", "zh": "注意力头"},
    "mean_heads": {"en": "Mean of heads", "zh": "各头平均"},
    "head_n": {"en": "Head {n}", "zh": "第 {n} 个头"},
    "play": {"en": "▶ Play through the layers", "zh": "▶ 逐层播放"},
    "play_help": {"en": "Advances the layer once a second.", "zh": "每秒前进一层。"},
    "step": {"en": "Decoding step", "zh": "解码步"},
    "stack": {"en": "Stack", "zh": "堆栈"},
    "encoder": {"en": "Encoder", "zh": "编码器"},
    "decoder": {"en": "Decoder", "zh": "解码器"},
    "source": {"en": "Source (English)", "zh": "源句（英文）"},
    "target_side": {"en": "Target (decoder input)", "zh": "目标句（解码器输入）"},
    "go_to": {"en": "Open: {page}", "zh": "打开：{page}"},
    # ------------------------------------------------------------------ overview
    "stages": {"en": "The stages", "zh": "各个阶段"},
    "what_model_knows": {"en": "What the model knows", "zh": "模型知道什么"},
    "where_runs": {"en": "Runs on: {device}", "zh": "运行设备：{device}"},
    "model_shape": {"en": "{enc} encoder + {dec} decoder layers, {heads} heads, d_model {d}, FFN {ff}, "
                           "{params:,} parameters; vocabularies: {sv} source / {tv} target tokens.",
                    "zh": "{enc} 层编码器 + {dec} 层解码器，{heads} 个头，d_model {d}，前馈层 {ff}，"
                          "共 {params:,} 个参数；词表：源 {sv} 个词 / 目标 {tv} 个词。"},
    "task": {"en": "Task", "zh": "任务"},
    "training": {"en": "Training", "zh": "训练"},
    "training_line": {"en": "{steps} steps in {minutes} minutes on {device}; {train} training sentences.",
                      "zh": "在 {device} 上训练 {steps} 步，用时 {minutes} 分钟；训练句子 {train} 个。"},
    "metrics": {"en": "Held-out results ({n} sentences never seen in training)",
                "zh": "保留集结果（{n} 个训练中未见过的句子）"},
    "exact_match": {"en": "Exact match", "zh": "完全匹配率"},
    "aer": {"en": "Alignment error (AER, best head)", "zh": "对齐错误率（AER，最佳头）"},
    "aer_help": {"en": "How often cross-attention points at the wrong English word (lower is better).",
                 "zh": "交叉注意力指向错误英文词的比例（越低越好）。"},
    "no_metrics": {"en": "No held-out metrics are stored with this model.", "zh": "该模型没有附带保留集评测结果。"},
    "vocabulary": {"en": "Vocabulary", "zh": "词表"},
    "vocab_search": {"en": "Search the English vocabulary", "zh": "搜索英文词表"},
    "word_class": {"en": "Word class", "zh": "词类"},
    "words": {"en": "Words", "zh": "词"},
    "count": {"en": "Count", "zh": "数量"},
    # ------------------------------------------------------------------ embeddings / positions
    "emb_view": {"en": "Embedding rows shown", "zh": "显示的嵌入"},
    "raw": {"en": "Raw rows E[x]", "zh": "原始行 E[x]"},
    "scaled": {"en": "Scaled √d_model · E[x]", "zh": "缩放后 √d_model · E[x]"},
    "projection": {"en": "The whole source vocabulary, projected to 2-D (PCA)",
                   "zh": "整个源词表投影到二维（主成分分析）"},
    "positions_n": {"en": "Positions shown", "zh": "显示的位置数"},
    "dims": {"en": "Dimensions to plot", "zh": "要绘制的维度"},
    # ------------------------------------------------------------------ attention / ffn / output
    "tab_encoder_self": {"en": "Encoder self-attention", "zh": "编码器自注意力"},
    "tab_decoder_self": {"en": "Decoder masked self-attention", "zh": "解码器掩码自注意力"},
    "tab_cross": {"en": "Cross-attention", "zh": "交叉注意力"},
    "all_heads": {"en": "Every layer and head", "zh": "所有层与头"},
    "head_stats": {"en": "How focused is each head?", "zh": "每个头有多集中？"},
    "mask": {"en": "The causal mask", "zh": "因果掩码"},
    "scores_vs_weights": {"en": "Scores before the softmax (left) and weights after it (right)",
                          "zh": "softmax 之前的分数（左）与之后的权重（右）"},
    "top_units": {"en": "Most active hidden units per token", "zh": "每个词最活跃的隐藏单元"},
    "residual": {"en": "Size of the residual stream through the network", "zh": "残差流在网络中的大小"},
    "view_temperature": {"en": "Temperature for this chart (live)", "zh": "此图的温度（实时）"},
    "view_top_k": {"en": "Bars shown (top-k)", "zh": "显示的条数（top-k）"},
    "so_far": {"en": "Tokens so far", "zh": "目前已生成"},
    "chosen": {"en": "Chosen next token", "zh": "选出的下一个词"},
    "attn_layer": {"en": "Layer for the attention rows", "zh": "注意力行所在的层"},
    "causal_row": {"en": "What this step looked at in its own output", "zh": "这一步在已生成内容中关注了什么"},
    "cross_row": {"en": "What this step looked at in the English input", "zh": "这一步在英文输入中关注了什么"},
    "lens": {"en": "Logit lens: what each decoder layer would predict", "zh": "Logit 透镜：每一层解码器会预测什么"},
}

PAGES: dict[str, dict[str, Any]] = {
    "overview": {
        "icon": "🗺️",
        "title": {"en": "Overview", "zh": "总览"},
        "intro": {
            "en": "The encoder reads the whole English sentence at once and turns every word into a vector that "
                  "knows its context. The decoder then writes the translation one token at a time: at each step it "
                  "looks at what it has written so far and, through cross-attention, at the encoded English. "
                  "A final linear layer and a softmax turn its last vector into a probability for every word.",
            "zh": "编码器一次读入整个英文句子，把每个词变成一个了解上下文的向量。随后解码器逐词写出译文："
                  "每一步它既查看自己已经写出的内容，也通过交叉注意力查看编码后的英文。"
                  "最后的线性层和 softmax 把它的最后一个向量变成词表中每个词的概率。",
        },
        "latex": [r"P(y_t \mid y_{<t}, x) = \operatorname{softmax}\big(W_{\text{out}}\,"
                  r"\operatorname{Dec}(y_{<t},\ \operatorname{Enc}(x))_t\big)"],
    },
    "embeddings": {
        "icon": "🔤",
        "title": {"en": "Tokens & embeddings", "zh": "词元与嵌入"},
        "intro": {
            "en": "The sentence is split into tokens (words and punctuation). A language tag such as <2es> in front "
                  "tells the model which language to write. Each token id picks one row of a learned embedding "
                  "table, and the row is multiplied by √d_model so it is not drowned out by the positional signal.",
            "zh": "句子先被切分成词元（单词和标点）。开头的语言标记（如 <2es>）告诉模型要写哪种语言。"
                  "每个词元编号从一张学习得到的嵌入表中取出一行，再乘以 √d_model，使它不会被位置信号淹没。",
        },
        "latex": [r"e_i = \sqrt{d_{\text{model}}}\; E[x_i], \qquad E \in \mathbb{R}^{|V| \times d_{\text{model}}}"],
    },
    "positional": {
        "icon": "〰️",
        "title": {"en": "Positional encoding", "zh": "位置编码"},
        "intro": {
            "en": "Attention by itself ignores word order, so a fixed pattern of sines and cosines is added to each "
                  "embedding. Every dimension pair oscillates at its own wavelength, from 2π up to 10000·2π, so each "
                  "position gets a unique fingerprint and nearby positions look alike.",
            "zh": "注意力本身不考虑词序，所以每个嵌入都要加上一组固定的正弦和余弦。每对维度以各自的波长振荡，"
                  "波长从 2π 到 10000·2π，因此每个位置都有独特的“指纹”，相邻位置彼此相似。",
        },
        "latex": [r"PE_{(pos,\,2i)} = \sin\!\left(\frac{pos}{10000^{2i/d_{\text{model}}}}\right),\quad "
                  r"PE_{(pos,\,2i+1)} = \cos\!\left(\frac{pos}{10000^{2i/d_{\text{model}}}}\right)",
                  r"h^{(0)}_i = \sqrt{d_{\text{model}}}\,E[x_i] + PE_i"],
    },
    "attention": {
        "icon": "👀",
        "title": {"en": "Attention", "zh": "注意力"},
        "intro": {
            "en": "Each position asks a question (query) and compares it with every position's key; the softmax of "
                  "the scaled scores says how much of each value to mix in. Several heads do this in parallel and "
                  "their results are concatenated. The decoder's self-attention is masked so a position cannot see "
                  "the future; cross-attention lets the decoder read the encoded English.",
            "zh": "每个位置提出一个问题（查询 Q），与每个位置的键 K 比较；缩放后分数的 softmax 决定从各个值 V "
                  "中取多少。多个头并行计算，结果拼接在一起。解码器的自注意力带有掩码，位置看不到未来；"
                  "交叉注意力让解码器读取编码后的英文。",
        },
        "latex": [r"\operatorname{Attention}(Q,K,V) = \operatorname{softmax}\!\left(\frac{QK^{\top}}{\sqrt{d_k}}"
                  r" + M\right)V",
                  r"\operatorname{MultiHead}(x) = \operatorname{Concat}(\text{head}_1,\dots,\text{head}_h)\,W^{O}"],
    },
    "ffn": {
        "icon": "🧮",
        "title": {"en": "Feed-forward", "zh": "前馈网络"},
        "intro": {
            "en": "After attention, every position passes through the same two-layer network on its own: a wide "
                  "layer with a ReLU, then back to d_model. Each sub-layer's output is added to its input (the "
                  "residual stream) and normalised.",
            "zh": "注意力之后，每个位置各自通过同一个两层网络：先是一个带 ReLU 的宽层，再变回 d_model 维。"
                  "每个子层的输出都会加回它的输入（残差流），然后做层归一化。",
        },
        "latex": [r"\operatorname{FFN}(x) = \max(0,\ xW_1 + b_1)\,W_2 + b_2",
                  r"x \leftarrow \operatorname{LayerNorm}\big(x + \operatorname{Sublayer}(x)\big)"],
    },
    "output": {
        "icon": "🎯",
        "title": {"en": "Output & decoding", "zh": "输出与解码"},
        "intro": {
            "en": "The decoder's last vector at step t is multiplied by the output matrix to give one score (logit) "
                  "per target word; a softmax turns the scores into probabilities. Greedy decoding takes the most "
                  "probable word; sampling draws one, with the temperature τ sharpening or flattening the "
                  "distribution. The chosen word is fed back in as the next input.",
            "zh": "解码器在第 t 步的最后一个向量乘以输出矩阵，为每个目标词得到一个分数（logit）；"
                  "softmax 把分数变成概率。贪心解码取概率最大的词；采样则随机抽取一个，"
                  "温度 τ 使分布更尖锐或更平缓。选中的词作为下一步的输入。",
        },
        "latex": [r"p(y_t = w) = \frac{\exp(z_{t,w}/\tau)}{\sum_{v} \exp(z_{t,v}/\tau)},\qquad "
                  r"z_t = h_t W_{\text{out}}"],
    },
}

WORD_CLASSES_ZH = {
    "noun": "名词", "adjective": "形容词", "verb": "动词", "pronoun": "代词", "determiner": "限定词", "number": "数词",
    "preposition": "介词", "auxiliary": "助动词", "negation": "否定词", "conjunction": "连词",
    "relative pronoun": "关系代词", "question word": "疑问词", "punctuation": "标点",
}

PAGE_ORDER = ("overview", "embeddings", "positional", "attention", "ffn", "output")


def t(key: str, ui: str = "en", **fmt: Any) -> str:
    """The string `key` in UI language `ui` (English when missing), formatted with `fmt`."""
    entry = STRINGS[key]
    text = entry.get(ui) or entry["en"]
    return text.format(**fmt) if fmt else text


def page_title(page: str, ui: str = "en") -> str:
    return PAGES[page]["title"].get(ui) or PAGES[page]["title"]["en"]


def input_error(err: Exception, ui: str = "en") -> str:
    """An InputError's message in the UI language, by its code; its English text when the code is unknown."""
    code = getattr(err, "code", None)
    key = f"err_{code}"
    if code and key in STRINGS:
        try:
            return t(key, ui, **getattr(err, "params", {}))
        except (KeyError, IndexError, ValueError):
            pass
    return str(err)


def word_class(name: str, ui: str = "en") -> str:
    return WORD_CLASSES_ZH.get(name, name) if ui == "zh" else name


def md_escape(text: str) -> str:
    """Escape user text for st.markdown: every ASCII punctuation mark gets a backslash, so no markup survives."""
    return "".join("\\" + c if (c.isascii() and not c.isalnum() and not c.isspace()) else c for c in str(text))
