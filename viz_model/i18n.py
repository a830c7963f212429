"""Every word a visitor reads, in English ("en") and Simplified Chinese ("zh"): one table for figures, tables and app.

`label(key, locale, **fmt)` returns the text for a key in the interface language `locale`, falling back to English
when the language is unknown. Templates take keyword arguments: `label("layer_n", "zh", n=2)` -> "第 2 层".
An unknown key raises KeyError: a typo should fail in tests, not show a raw key to a visitor.
tests/test_i18n.py checks that every key has both languages, that every key is used somewhere, and that one concept
has one Chinese term (GLOSSARY).
"""

from __future__ import annotations

LANGUAGES: dict[str, str] = {"en": "English", "zh": "简体中文"}  # interface languages, as the switch shows them

# One Chinese term per concept: wherever the English text uses the word, the Chinese uses this term.
GLOSSARY: dict[str, str] = {"head": "注意力头", "heads": "注意力头", "token": "词元", "tokens": "词元",
                            "count": "数量", "layer": "层"}

LABELS: dict[str, dict[str, str]] = {
    # ================================================================ figures and tables
    "layer": {"en": "layer", "zh": "层"},
    "head": {"en": "head", "zh": "注意力头"},
    "heads": {"en": "heads", "zh": "注意力头"},
    "query": {"en": "query", "zh": "查询"},
    "query_decoder": {"en": "query (row → next token)", "zh": "查询（行 → 下一个词元）"},
    "key": {"en": "key", "zh": "键"},
    "value": {"en": "value", "zh": "值"},
    "token": {"en": "token", "zh": "词元"},
    "tokens": {"en": "tokens", "zh": "词元"},
    "position": {"en": "position", "zh": "位置"},
    "dimension": {"en": "dimension", "zh": "维度"},
    "unit": {"en": "unit", "zh": "单元"},
    "activation": {"en": "activation", "zh": "激活值"},
    "weight": {"en": "weight", "zh": "权重"},
    "weights": {"en": "weights", "zh": "权重"},
    "score": {"en": "score", "zh": "分数"},
    "scores": {"en": "scores", "zh": "分数"},
    "probability": {"en": "probability", "zh": "概率"},
    "logit": {"en": "logit", "zh": "logit"},
    "step": {"en": "step", "zh": "步"},
    "row": {"en": "row", "zh": "行"},
    "column": {"en": "column", "zh": "列"},
    "count": {"en": "count", "zh": "数量"},
    "norm": {"en": "L2 norm", "zh": "L2 范数"},
    "similarity": {"en": "cosine similarity", "zh": "余弦相似度"},
    "masked": {"en": "masked", "zh": "已屏蔽"},
    "allowed": {"en": "allowed", "zh": "允许"},
    "mean_over_heads": {"en": "mean over heads", "zh": "各注意力头平均"},
    "source": {"en": "source", "zh": "源"},
    "target": {"en": "target", "zh": "目标"},
    "encoder": {"en": "encoder", "zh": "编码器"},
    "decoder": {"en": "decoder", "zh": "解码器"},
    "enc": {"en": "enc", "zh": "编"},
    "dec": {"en": "dec", "zh": "解"},
    "input": {"en": "input", "zh": "输入"},
    "output": {"en": "output", "zh": "输出"},
    "layer_n": {"en": "layer {n}", "zh": "第 {n} 层"},
    "head_n": {"en": "head {n}", "zh": "注意力头 {n}"},
    "unit_n": {"en": "unit {n}", "zh": "单元 {n}"},
    "activation_n": {"en": "activation {n}", "zh": "激活值 {n}"},
    "encoder_self": {"en": "encoder self-attention", "zh": "编码器自注意力"},
    "decoder_self": {"en": "decoder masked self-attention", "zh": "解码器掩码自注意力"},
    "cross": {"en": "cross-attention", "zh": "交叉注意力"},
    "title_head_map": {
        "en": "{kind}: every head — click one to show it above",
        "zh": "{kind}：每个注意力头——点击一个以在上方查看",
    },
    "entropy": {"en": "entropy (bits)", "zh": "熵（比特）"},
    "max_weight": {"en": "max weight", "zh": "最大权重"},
    "mean_distance": {"en": "mean distance", "zh": "平均距离"},
    "raw": {"en": "token embedding", "zh": "词元嵌入"},
    "scaled": {"en": "embedding × √d", "zh": "嵌入 × √d"},
    "pos": {"en": "positional encoding", "zh": "位置编码"},
    "sum": {"en": "embedding + position", "zh": "嵌入 + 位置"},
    "title_attention": {"en": "{kind} · layer {layer} · {head}", "zh": "{kind} · 第 {layer} 层 · {head}"},
    "title_attention_grid": {"en": "{kind}: every layer and head", "zh": "{kind}：所有层与注意力头"},
    "title_head_summary": {"en": "{kind}: {metric} per head", "zh": "{kind}：每个注意力头的{metric}"},
    "title_attention_row": {
        "en": "What “{token}” (position {q}) looks at · {kind} · layer {layer}",
        "zh": "“{token}”（位置 {q}）关注了什么 · {kind} · 第 {layer} 层",
    },
    "title_mask": {
        "en": "Causal mask: each target position sees only itself and earlier ones",
        "zh": "因果掩码：每个目标位置只能看到自身和之前的位置",
    },
    "title_embedding": {"en": "{which} · {side} tokens × dimensions", "zh": "{which} · {side}词元 × 维度"},
    "title_vocab": {"en": "Embedding space (PCA, 2 components)", "zh": "嵌入空间（PCA 二维投影）"},
    "title_positional": {"en": "Sinusoidal positional encoding", "zh": "正弦位置编码"},
    "title_positional_curves": {"en": "Positional encoding: selected dimensions", "zh": "位置编码：选定维度"},
    "title_position_similarity": {"en": "Cosine similarity between positions", "zh": "位置之间的余弦相似度"},
    "title_embedding_sum": {"en": "What layer 0 receives ({side})", "zh": "第 0 层的输入（{side}）"},
    "title_ffn": {
        "en": "FFN {stack} layer {layer}: {k} most active units (after ReLU)",
        "zh": "前馈网络 {stack} 第 {layer} 层：最活跃的 {k} 个单元（ReLU 之后）",
    },
    "title_ffn_hist": {
        "en": "FFN {stack} layer {layer}: pre-activations (before ReLU)",
        "zh": "前馈网络 {stack} 第 {layer} 层：激活前的值（ReLU 之前）",
    },
    "title_ffn_active": {
        "en": "Fraction of FFN units active (> 0) per layer",
        "zh": "每层前馈网络中激活（> 0）单元的比例",
    },
    "title_residual": {"en": "Residual stream norm per token ({stack})", "zh": "每个词元的残差流范数（{stack}）"},
    "title_next_token": {
        "en": "Step {step}: after “{token}”, the next token (temperature {temp})",
        "zh": "第 {step} 步：在“{token}”之后的下一个词元（温度 {temp}）",
    },
    "title_logit_lens": {
        "en": "Logit lens: each decoder layer's best guess",
        "zh": "Logit 透镜：每个解码器层的最佳猜测",
    },
    "title_pipeline": {"en": "The Transformer, live", "zh": "Transformer 的实时运行"},
    "active_fraction": {"en": "fraction active", "zh": "激活比例"},
    "active_annotation": {"en": "{pct:.1f}% of values > 0 pass the ReLU", "zh": "{pct:.1f}% 的值 > 0，通过 ReLU"},
    "cut_by_relu": {"en": "≤ 0: set to 0 by ReLU", "zh": "≤ 0：被 ReLU 置零"},
    "passes_relu": {"en": "> 0: passes", "zh": "> 0：通过"},
    "mean_activation": {"en": "mean activation", "zh": "平均激活值"},
    "vocabulary": {"en": "vocabulary", "zh": "词表"},
    "sentence_words": {"en": "this sentence", "zh": "本句中的词"},
    "pc1": {"en": "component 1", "zh": "主成分 1"},
    "pc2": {"en": "component 2", "zh": "主成分 2"},
    "top_token": {"en": "top token", "zh": "最可能的词元"},
    "p_top": {"en": "p(top token)", "zh": "p(最可能词元)"},
    "p_chosen": {"en": "p(chosen token)", "zh": "p(选中词元)"},
    "not_in_top": {"en": "(rank {rank})", "zh": "（排名 {rank}）"},
    "stage": {"en": "stage", "zh": "阶段"},
    "embed_stage": {"en": "embedding", "zh": "嵌入"},
    "attn": {"en": "attn", "zh": "注意力"},
    "self_attn": {"en": "self", "zh": "自注意力"},
    "cross_attn": {"en": "cross", "zh": "交叉"},
    "ffn": {"en": "FFN", "zh": "前馈"},
    "add": {"en": "add", "zh": "相加"},
    "norm_step": {"en": "norm", "zh": "归一化"},
    "pipe_src_tokens": {"en": "Source tokens", "zh": "源词元"},
    "pipe_tgt_tokens": {"en": "Decoder input", "zh": "解码器输入"},
    "pipe_embed": {"en": "Embedding × √d<br>+ positions", "zh": "嵌入 × √d<br>+ 位置编码"},
    "pipe_encoder": {"en": "Encoder × {n}<br>self-attention<br>FFN", "zh": "编码器 × {n}<br>自注意力<br>前馈网络"},
    "pipe_decoder": {
        "en": "Decoder × {n}<br>masked self-attn<br>cross-attn<br>FFN",
        "zh": "解码器 × {n}<br>掩码自注意力<br>交叉注意力<br>前馈网络",
    },
    "pipe_decoder_only": {
        "en": "Decoder × {n}<br>masked self-attn<br>FFN",
        "zh": "解码器 × {n}<br>掩码自注意力<br>前馈网络",
    },
    "pipe_unembed": {"en": "Linear + softmax", "zh": "线性层 + softmax"},
    "pipe_output": {"en": "Output", "zh": "输出"},
    "pipe_memory": {"en": "memory", "zh": "记忆"},
    "col_position": {"en": "position", "zh": "位置"},
    "col_token": {"en": "token", "zh": "词元"},
    "col_id": {"en": "id", "zh": "编号"},
    "col_layer": {"en": "layer", "zh": "层"},
    "col_head": {"en": "head", "zh": "注意力头"},
    "col_entropy": {"en": "entropy (bits)", "zh": "熵（比特）"},
    "col_max_weight": {"en": "max weight", "zh": "最大权重"},
    "col_mean_distance": {"en": "mean distance", "zh": "平均距离"},
    "col_rank": {"en": "rank", "zh": "排名"},
    "col_probability": {"en": "probability", "zh": "概率"},
    "col_logit": {"en": "logit", "zh": "logit"},
    "col_step": {"en": "{t}: {inp} → {out}", "zh": "{t}：{inp} → {out}"},
    # ================================================================ the app: sidebar, notices, pages
    "ui_language": {"en": "Interface language", "zh": "界面语言"},
    "sentence": {"en": "English sentence (press Enter)", "zh": "英文句子（按回车）"},
    "longer_than_training": {
        "en": "This input has {n} words; the longest training sentence had {limit}. The model has never seen "
              "inputs this long, so its translation may stop early or drop parts. Try one sentence at a time.",
        "zh": "输入有 {n} 个词，而训练中最长的句子只有 {limit} 个词。模型从未见过这么长的输入，译"
              "文可能提前结束或漏掉部分内容。请一次输入一个句子。",
    },
    "head_map_help": {
        "en": "Each point is one head: high entropy = attention spread over many tokens; mean distance = how far "
              "from its own position it looks. Click a head to show it in the heatmap above; double-click to clear.",
        "zh": "每个点是一个注意力头：熵越高，注意力越分散在多个词元上；平均距离表示它看向离自身位置多远的词。"
              "点击一个注意力头即可"
              "在上方热力图中查看它；双击清除选择。",
    },
    "sentence_help": {
        "en": "Type an English sentence; the model translates it and every stage is shown.",
        "zh": "输入一个英文句子；模型会翻译它，并展示每一个阶段。",
    },
    "examples": {"en": "Example sentences", "zh": "示例句子"},
    "examples_placeholder": {"en": "Pick an example…", "zh": "选择一个示例…"},
    "random": {"en": "🎲 Random sentence", "zh": "🎲 随机句子"},
    "random_help": {
        "en": "Draw a sentence from the grammar the model was trained on.",
        "zh": "从训练模型所用的语法中随机抽取一句。",
    },
    "translate_into": {"en": "Translate into", "zh": "翻译成"},
    "lang_es": {"en": "Spanish", "zh": "西班牙语"},
    "lang_zh": {"en": "Chinese (Simplified)", "zh": "中文（简体）"},
    "decoding": {"en": "Decoding", "zh": "解码"},
    "mode": {"en": "Strategy", "zh": "策略"},
    "greedy": {"en": "Greedy (most probable token)", "zh": "贪心（取概率最大的词元）"},
    "sampling": {"en": "Sampling", "zh": "采样"},
    "sampling_note": {
        "en": "Trained with label smoothing, the model leaves about a fifth of the probability spread over every "
              "token, words of the other language included. Sampling the whole vocabulary (top-k 0) at "
              "temperature 1 therefore picks some of them; top-k 10 or a lower temperature keeps to likely words.",
        "zh": "模型训练时使用了标签平滑，约五分之一的概率分散在所有词元上，其中也包括另一种语言的词。"
              "因此在温度 1 下对整个词表采样（top-k 为 0）时会选出一些这样的词；"
              "top-k 取 10 或降低温度可以只选可能的词。",
    },
    "temperature": {"en": "Temperature", "zh": "温度"},
    "top_k": {"en": "Top-k (0 = whole vocabulary)", "zh": "Top-k（0 = 整个词表）"},
    "seed": {"en": "Random seed", "zh": "随机种子"},
    "max_new": {"en": "Max new tokens", "zh": "最多生成的词元数"},
    "share": {"en": "🔗 Share this view", "zh": "🔗 分享当前视图"},
    "share_help": {
        "en": "This link reopens exactly this page, sentence and settings.",
        "zh": "此链接会重新打开完全相同的页面、句子和设置。",
    },
    "downloads": {"en": "⬇️ Download the trace", "zh": "⬇️ 下载运行记录"},
    "download_npz": {"en": "All arrays (.npz)", "zh": "全部数组（.npz）"},
    "download_json": {"en": "All arrays (.json)", "zh": "全部数组（.json）"},
    "download_csv": {"en": "Download CSV", "zh": "下载 CSV"},
    "translation": {"en": "Translation", "zh": "译文"},
    "in_grammar": {
        "en": "**In the model's language.** This sentence is one the training grammar can produce; its reference "
              "translation is: {reference}",
        "zh": "**在模型的语言范围内。** 训练语法能生成这个句子；参考译文是：{reference}",
    },
    "in_grammar_ok": {"en": "The model's translation matches it.", "zh": "模型的译文与参考译文一致。"},
    "model_error": {
        "en": "**Model error.** The sentence is in the model's language, but the output differs from the reference "
              "translation (differences marked):",
        "zh": "**模型出错。** 句子在模型的语言范围内，但输出与参考译文不同（不同处已标出）：",
    },
    "reference": {"en": "Reference", "zh": "参考译文"},
    "model_output": {"en": "Model output", "zh": "模型输出"},
    "outside_grammar": {
        "en": "**Outside what the model was trained on: expect mistakes.** The model only learnt sentences from its "
              "training grammar, and will still write a fluent-looking translation for anything else.",
        "zh": "**超出模型的训练范围：译文可能有错。** 模型只学过训练语法中的句子，对其他句子也会写出看似通顺的译文。",
    },
    "outside_unknown": {"en": "Words it has never seen: {words}.", "zh": "模型没见过的词：{words}。"},
    "outside_construction": {
        "en": "All the words are known, but the grammar has no rule for the sentence from here: “{where}”.",
        "zh": "所有的词都认识，但语法没有规则能继续分析这里：“{where}”。",
    },
    "low_confidence": {
        "en": "Marked tokens were chosen with a probability below {p}: the model was unsure.",
        "zh": "标出的词元被选中的概率低于 {p}：模型不确定。",
    },
    "copied_word": {
        "en": "“{word}” is not in the model's vocabulary: the model wrote <unk> at step {step}, and the source word "
              "its cross-attention pointed at most ({weight:.0%}, last layer, mean of heads) was copied in its place.",
        "zh": "“{word}”不在模型的词表中：模型在第 {step} 步写出 <unk>，于是把交叉注意力最关注的源词"
              "（{weight:.0%}，最后一层，各注意力头平均）复制到这里。",
    },
    "title_copy": {
        "en": "Which source word to copy for <unk> at step {step}: cross-attention → “{word}”",
        "zh": "第 {step} 步的 <unk> 复制哪个源词：交叉注意力 → “{word}”",
    },
    "input_tokens": {"en": "Input as the model reads it", "zh": "模型读到的输入"},
    "unknown_words": {
        "en": "Words the model does not know (read as <unk>): {words}",
        "zh": "模型不认识的词（按 <unk> 处理）：{words}",
    },
    "did_you_mean": {"en": "did you mean", "zh": "你是不是想输入"},
    "no_suggestion": {"en": "no close match", "zh": "没有相近的词"},
    "truncated": {
        "en": "The sentence had {n} tokens; only the first {limit} were translated.",
        "zh": "句子有 {n} 个词元；只翻译了前 {limit} 个。",
    },
    "unfinished": {
        "en": "Decoding stopped at the cap of {n} new tokens before the end-of-sentence token.",
        "zh": "解码在达到 {n} 个新词元的上限时停止，还没有生成句末标记。",
    },
    "caps": {
        "en": "Limits: at most {tokens} source tokens and {steps} decoding steps.",
        "zh": "限制：源句最多 {tokens} 个词元，解码最多 {steps} 步。",
    },
    "kept_text": {
        "en": "Your text is kept in the sidebar: edit it and press Enter.",
        "zh": "你的文字仍保留在侧边栏中：修改后按回车即可。",
    },
    "refused_server": {
        "en": "The server is busy with other visitors' requests. Please try again in a moment (about {seconds} s).",
        "zh": "服务器正忙于处理其他访客的请求。请稍后再试（约 {seconds} 秒）。",
    },
    "refused_session": {
        "en": "Your previous request (a translation or a download) is still being computed. Please try again in a "
              "moment (about {seconds} s).",
        "zh": "你的上一个请求（翻译或下载）仍在计算中。请稍后再试（约 {seconds} 秒）。",
    },
    "refused_budget": {
        "en": "You have asked for a lot of computation in a short time. Please wait about {seconds} s, or choose a "
              "shorter sentence, greedy decoding or a lower cap on generated tokens.",
        "zh": "你在短时间内请求了大量计算。请等待约 {seconds} 秒，"
              "或换一个更短的句子、改用贪心解码，或降低生成词元数的上限。",
    },
    "kept_text_retry": {
        "en": "Your text and settings are kept in the sidebar.",
        "zh": "你的文字和设置仍保留在侧边栏中。",
    },
    "try_again": {"en": "Try again", "zh": "重试"},
    "warn_choice": {
        "en": "Link parameter {name}={value!r} is not one of {choices}; using {default!r}.",
        "zh": "链接参数 {name}={value!r} 不在 {choices} 之中；改用 {defaul"
              "t!r}。",
    },
    "warn_number": {
        "en": "Link parameter {name}={value!r} is not a number; using {default}.",
        "zh": "链接参数 {name}={value!r} 不是数字；改用 {default}。",
    },
    "warn_range": {
        "en": "Link parameter {name}={value} is outside {lo}–{hi}; clamped to {clamped}.",
        "zh": "链接参数 {name}={value} 超出 {lo}–{hi} 的范围；已调整为 {clamp"
              "ed}。",
    },
    "warn_head": {
        "en": "Link parameter head={value!r} is not a head of this model (0–{hi} or mean); showing the mean.",
        "zh": "链接参数 head={value!r} 不是本模型的注意力头（0–{hi} 或 mean）；改为"
              "显示平均值。",
    },
    "warn_long": {
        "en": "The sentence in the link had {n} characters; it was cut to the first {limit}.",
        "zh": "链接中的句子有 {n} 个字符；已截取前 {limit} 个。",
    },
    "warn_markup": {
        "en": "The sentence contains markup such as <…>; it is treated as plain text, never as HTML.",
        "zh": "句子中含有 <…> 之类的标记；它只会被当作普通文字，绝不会被当作 HTML。",
    },
    "warn_dims": {
        "en": "Link parameter dims={value!r} lists no valid dimension; using the defaults.",
        "zh": "链接参数 dims={value!r} 中没有有效的维度；改用默认值。",
    },
    "warn_page": {
        "en": "Link parameter page={value!r} is not a page of this app; showing {default!r}.",
        "zh": "链接参数 page={value!r} 不是本应用的页面；改为显示 {default!r}。",
    },
    "clamped_step": {
        "en": "Step {value} does not exist for this translation; showing step {clamped}.",
        "zh": "此译文没有第 {value} 步；改为显示第 {clamped} 步。",
    },
    "err_empty": {"en": "Please type a sentence: the input is empty.", "zh": "请输入一个句子：输入为空。"},
    "err_too_long": {
        "en": "The input has {n} characters; the limit is {limit}.",
        "zh": "输入有 {n} 个字符；上限是 {limit}。",
    },
    "err_unprintable": {
        "en": "The input contains an unprintable character ({char}).",
        "zh": "输入中含有不可打印的字符（{char}）。",
    },
    "err_no_words": {"en": "The input has no words the model can read.", "zh": "输入中没有模型能读的词。"},
    "err_all_unknown": {
        "en": "None of these words is in the model's vocabulary: {words}",
        "zh": "这些词都不在模型的词表中：{words}",
    },
    "err_language": {
        "en": "Unknown target language {lang!r}; choose one of {choices}.",
        "zh": "未知的目标语言 {lang!r}；请从 {choices} 中选择。",
    },
    "err_model": {"en": "The model could not be loaded. Please try again later.", "zh": "模型无法加载，请稍后再试。"},
    "err_model_checkpoint": {"en": "The model could not be loaded: {what}. Please try again later.",
                             "zh": "模型无法加载：{what}。请稍后再试。"},
    "pick_layer": {"en": "Layer", "zh": "层"},
    "pick_head": {"en": "Head", "zh": "注意力头"},
    "play": {"en": "▶ Play through the layers", "zh": "▶ 逐层播放"},
    "play_help": {"en": "Advances the layer once a second.", "zh": "每秒前进一层。"},
    "pick_step": {"en": "Decoding step", "zh": "解码步"},
    "stack": {"en": "Stack", "zh": "堆栈"},
    "pick_encoder": {"en": "Encoder", "zh": "编码器"},
    "pick_decoder": {"en": "Decoder", "zh": "解码器"},
    "source_side": {"en": "Source (English)", "zh": "源句（英文）"},
    "target_side": {"en": "Target (decoder input)", "zh": "目标句（解码器输入）"},
    "stages": {"en": "The stages", "zh": "各个阶段"},
    "what_model_knows": {"en": "What the model knows", "zh": "模型知道什么"},
    "where_runs": {"en": "Runs on: {device}", "zh": "运行设备：{device}"},
    "model_shape": {
        "en": "{enc} encoder + {dec} decoder layers, {heads} heads, d_model {d}, FFN {ff}, {params:,} parameters; "
              "vocabularies: {sv} source / {tv} target tokens.",
        "zh": "{enc} 层编码器 + {dec} 层解码器，{heads} 个注意力头，d_model {d}，前"
              "馈层 {ff}，共 {params:,} 个参数；词表：源 {sv} 个词元 / 目标 {tv} 个词元。",
    },
    "task": {"en": "Task:", "zh": "任务："},
    "training": {"en": "Training:", "zh": "训练："},
    "task_line": {"en": "translate English into {targets} (sentences of the grammar in viz_model/grammar)",
                  "zh": "把英文翻译成{targets}（viz_model/grammar 中语法生成的句子）"},
    "training_line": {
        "en": "{steps} steps in {minutes} minutes on {device} ({threads} threads); {generated} sentences generated: "
              "{train} for training, {valid} for validation, {test} held out.",
        "zh": "在 {device}（{threads} 个线程）上训练 {steps} 步，用时 {minutes} 分钟；共生成 {generated} 个句子："
              "{train} 个用于训练，{valid} 个用于验证，{test} 个留作保留集。",
    },
    "metrics": {
        "en": "Held-out results ({n} sentences never seen in training)",
        "zh": "保留集结果（{n} 个训练中未见过的句子）",
    },
    "exact_match": {"en": "Exact match", "zh": "完全匹配率"},
    "aer": {"en": "AER, best head", "zh": "AER（最佳注意力头）"},
    "aer_help": {
        "en": "Alignment error rate of the best cross-attention head: how often it points at the wrong English word "
              "(lower is better).",
        "zh": "最佳交叉注意力头的对齐错误率：它指向错误英文词的比例（越低越好）。",
    },
    "no_metrics": {"en": "No held-out metrics are stored with this model.", "zh": "该模型没有附带保留集评测结果。"},
    "vocabulary_title": {"en": "Vocabulary", "zh": "词表"},
    "vocab_search": {"en": "Search the English vocabulary", "zh": "搜索英文词表"},
    "word_class": {"en": "Word class", "zh": "词类"},
    "words": {"en": "Words", "zh": "词"},
    "count_col": {"en": "Count", "zh": "数量"},
    "emb_view": {"en": "Embedding rows shown", "zh": "显示的嵌入"},
    "emb_raw": {"en": "Raw rows E[x]", "zh": "原始行 E[x]"},
    "emb_scaled": {"en": "Scaled √d_model · E[x]", "zh": "缩放后 √d_model · E[x]"},
    "projection": {
        "en": "The whole source vocabulary, projected to 2-D (PCA)",
        "zh": "整个源词表投影到二维（主成分分析）",
    },
    "positions_n": {"en": "Positions shown", "zh": "显示的位置数"},
    "dims": {"en": "Dimensions to plot", "zh": "要绘制的维度"},
    "tab_encoder_self": {"en": "Encoder self-attention", "zh": "编码器自注意力"},
    "tab_decoder_self": {"en": "Decoder masked self-attention", "zh": "解码器掩码自注意力"},
    "tab_cross": {"en": "Cross-attention", "zh": "交叉注意力"},
    "all_heads": {"en": "Every layer and head", "zh": "所有层与注意力头"},
    "head_stats": {"en": "How focused is each head?", "zh": "每个注意力头有多集中？"},
    "mask": {"en": "The causal mask", "zh": "因果掩码"},
    "scores_vs_weights": {
        "en": "Scores before the softmax (left) and weights after it (right)",
        "zh": "softmax 之前的分数（左）与之后的权重（右）",
    },
    "top_units": {"en": "Most active hidden units per token", "zh": "每个词元最活跃的隐藏单元"},
    "residual": {"en": "Size of the residual stream through the network", "zh": "残差流在网络中的大小"},
    "view_temperature": {"en": "Temperature for this chart (live)", "zh": "此图的温度（实时）"},
    "view_top_k": {"en": "Bars shown (top-k)", "zh": "显示的条数（top-k）"},
    "so_far": {"en": "Tokens so far", "zh": "目前已生成的词元"},
    "chosen_next": {"en": "Chosen next token", "zh": "选出的下一个词元"},
    "causal_row": {"en": "What this step looked at in its own output", "zh": "这一步在已生成内容中关注了什么"},
    "cross_row": {"en": "What this step looked at in the English input", "zh": "这一步在英文输入中关注了什么"},
    "lens": {"en": "Logit lens: what each decoder layer would predict", "zh": "Logit 透镜：每一层解码器会预测什么"},
    "page_overview": {"en": "Overview", "zh": "总览"},
    "intro_overview": {
        "en": "The encoder reads the whole English sentence at once and turns every word into a vector that knows "
              "its context. The decoder then writes the translation one token at a time: at each step it looks at "
              "what it has written so far and, through cross-attention, at the encoded English. A final linear "
              "layer and a softmax turn its last vector into a probability for every word.",
        "zh": "编码器一次读入整个英文句子，把每个词变成一个了解上下文的向量。随后解码器逐个词元写出译文：每一步它既"
              "查看自己已经写出的内容，也通过交叉注意力查看编码后的英文。最后的线性层和 softmax 把它的"
              "最后一个向量变成词表中每个词的概率。",
    },
    "page_embeddings": {"en": "Tokens & embeddings", "zh": "词元与嵌入"},
    "intro_embeddings": {
        "en": "The sentence is split into tokens (words and punctuation). A language tag such as <2es> in front "
              "tells the model which language to write. Each token id picks one row of a learned embedding table, "
              "and the row is multiplied by √d_model so it is not drowned out by the positional signal.",
        "zh": "句子先被切分成词元（单词和标点）。开头的语言标记（如 <2es>）告诉模型要写哪种语言。每个词元"
              "编号从一张学习得到的嵌入表中取出一行，再乘以 √d_model，使它不会被位置信号淹没。",
    },
    "page_positional": {"en": "Positional encoding", "zh": "位置编码"},
    "intro_positional": {
        "en": "Attention by itself ignores word order, so a fixed pattern of sines and cosines is added to each "
              "embedding. Every dimension pair oscillates at its own wavelength, from 2π up to 10000·2π, so each "
              "position gets a unique fingerprint and nearby positions look alike.",
        "zh": "注意力本身不考虑词序，所以每个嵌入都要加上一组固定的正弦和余弦。每对维度以各自的波长振荡，波长从"
              " 2π 到 10000·2π，因此每个位置都有独特的“指纹”，相邻位置彼此相似。",
    },
    "page_attention": {"en": "Attention", "zh": "注意力"},
    "intro_attention": {
        "en": "Each position asks a question (query) and compares it with every position's key; the softmax of the "
              "scaled scores says how much of each value to mix in. Several heads do this in parallel and their "
              "results are concatenated. The decoder's self-attention is masked so a position cannot see the "
              "future; cross-attention lets the decoder read the encoded English.",
        "zh": "每个位置提出一个问题（查询 Q），与每个位置的键 K 比较；缩放后分数的 softmax 决定从"
              "各个值 V 中取多少。多个注意力头并行计算，结果拼接在一起。解码器的自注意力带有掩码，位置看不到未来；"
              "交叉注意力让解码器读取编码后的英文。",
    },
    "page_ffn": {"en": "Feed-forward", "zh": "前馈网络"},
    "intro_ffn": {
        "en": "After attention, every position passes through the same two-layer network on its own: a wide layer "
              "with a ReLU, then back to d_model. Each sub-layer's output is added to its input (the residual "
              "stream) and normalised.",
        "zh": "注意力之后，每个位置各自通过同一个两层网络：先是一个带 ReLU 的宽层，再变回 d_model"
              " 维。每个子层的输出都会加回它的输入（残差流），然后做层归一化。",
    },
    "page_output": {"en": "Output & decoding", "zh": "输出与解码"},
    "intro_output": {
        "en": "The decoder's last vector at step t is multiplied by the output matrix to give one score (logit) "
              "per target word; a softmax turns the scores into probabilities. Greedy decoding takes the most "
              "probable word; sampling draws one, with the temperature τ sharpening or flattening the "
              "distribution. The chosen word is fed back in as the next input.",
        "zh": "解码器在第 t 步的最后一个向量乘以输出矩阵，为每个目标词得到一个分数（logit）；softm"
              "ax 把分数变成概率。贪心解码取概率最大的词；采样则随机抽取一个，温度 τ 使分布更尖锐或更平缓"
              "。选中的词作为下一步的输入。",
    },
    # ================================================================ issue 8: alignment & flow, query · key pages
    "page_alignment": {"en": "Alignment & flow", "zh": "对齐与注意力流"},
    "intro_alignment": {
        "en": "Which English word does each translated word come from? For each output word, the model's alignment "
              "is the source word that the decoder row predicting it attends to most in cross-attention. Where the "
              "sentence is in the training grammar, its parse gives the gold links, and the alignment error rate "
              "(AER) says how well each layer and head agrees with them. Attention flow then follows attention "
              "through all layers at once.",
        "zh": "译文中的每个词来自哪个英文词？对每个输出词，模型的对齐就是预测它的那一行解码器在交叉注意力中最关注的"
              "源词。如果句子属于训练语法，语法分析给出参考对齐，对齐错误率（AER）衡量每一层、每个注意力头与它的吻合"
              "程度。注意力流则把所有层的注意力一并追踪。",
    },
    "page_qk": {"en": "Query · key, step by step", "zh": "查询 · 键：逐步计算"},
    "intro_qk": {
        "en": "Attention weights are plain arithmetic: pick one query position of one head and follow it with the "
              "model's real numbers. Multiply the query q with each key k element by element, add up the products, "
              "divide by √d_k, mask the positions it may not see, take the softmax, and mix the values v with the "
              "resulting weights. The recomputed weights are checked against the ones the model produced.",
        "zh": "注意力权重只是普通的算术：选一个注意力头的一个查询位置，用模型的真实数值一步步计算。把查询 q 与每个键 k "
              "逐元素相乘，把乘积相加，除以 √d_k，屏蔽它不能看到的位置，取 softmax，再用得到的权重混合各个值 v。"
              "重新算出的权重会与模型实际产生的权重对照。",
    },
    "needs_cross": {"en": "This page needs an encoder-decoder model: it reads cross-attention.",
                    "zh": "本页需要编码器-解码器模型：它读取交叉注意力。"},
    "align_section": {"en": "The model's alignment and the grammar's gold links",
                      "zh": "模型的对齐与语法的参考对齐"},
    "align_explain": {
        "en": "Each row is the decoder row that predicts one output word (row r reads the tokens up to position r "
              "and predicts the next one). The orange square marks the source word it attends to most (special "
              "tokens left out); the white dots are the gold links from the grammar's parse. Pick a layer and a "
              "head, or the mean over heads.",
        "zh": "每一行是预测一个输出词的解码器行（第 r 行读到位置 r 为止的词元，并预测下一个词元）。橙色方框标出它最关注"
              "的源词（不含特殊词元）；白点是语法分析给出的参考对齐。可以选择层和注意力头，或各注意力头平均。",
    },
    "align_outside": {
        "en": "This sentence is outside the model's training grammar, so there are no gold links to compare with: "
              "only the model's own alignment is shown, and no AER.",
        "zh": "这个句子不在模型的训练语法之内，因此没有参考对齐可比较：这里只显示模型自己的对齐，不计算 AER。",
    },
    "align_differs": {
        "en": "The model's translation differs from the grammar's reference translation, and the gold links belong "
              "to the reference's words: only the model's alignment is shown, and no AER. (The held-out evaluation "
              "feeds the reference in; this page shows what the model itself wrote.)",
        "zh": "模型的译文与语法的参考译文不同，而参考对齐属于参考译文的词：这里只显示模型的对齐，不计算 AER。"
              "（留出集评估把参考译文直接输入模型；本页显示的是模型自己写出的内容。）",
    },
    "align_aer_section": {"en": "This sentence's alignment error rate, per layer and head",
                          "zh": "本句每层、每个注意力头的对齐错误率"},
    "align_aer_explain": {
        "en": "AER = 1 − (|A∩S| + |A∩P|) / (|A| + |S|) (Och & Ney 2003), the held-out evaluation's definition: A "
              "are the model's links, P the gold links, S the gold links of output words with exactly one source "
              "word; output words with no source counterpart are not scored. 0% is perfect. The last column aligns "
              "with the mean over heads; the outlined cell is the best single head.",
        "zh": "AER = 1 − (|A∩S| + |A∩P|) / (|A| + |S|)（Och & Ney 2003），与留出集评估的定义相同：A 是模型的对齐，"
              "P 是参考对齐，S 是只对应一个源词的输出词的参考对齐；没有源词对应的输出词不计分。0% 表示完全正确。"
              "最后一列用各注意力头平均来对齐；加框的格子是最好的单个注意力头。",
    },
    "align_best_line": {"en": "Best head for this sentence: layer {layer}, head {head}, AER {aer}.",
                        "zh": "本句最好的注意力头：第 {layer} 层，注意力头 {head}，AER {aer}。"},
    "align_best": {"en": "best head: layer {layer}, head {head}",
                   "zh": "最好的注意力头：第 {layer} 层 · 注意力头 {head}"},
    "align_row_word": {"en": "row: word it predicts", "zh": "行：它预测的词"},
    "align_model": {"en": "model's alignment (most-attended source word)", "zh": "模型的对齐（最受关注的源词）"},
    "align_gold": {"en": "gold links (grammar)", "zh": "参考对齐（语法）"},
    "align_hit": {"en": "agrees with gold", "zh": "与参考对齐一致"},
    "align_table": {"en": "The alignment, word by word", "zh": "逐词对齐"},
    "title_align": {"en": "Cross-attention and alignment · layer {layer} · {head}",
                    "zh": "交叉注意力与对齐 · 第 {layer} 层 · {head}"},
    "title_align_aer": {"en": "This sentence's AER per decoder layer and head (lower is better)",
                        "zh": "本句每个解码器层与注意力头的 AER（越低越好）"},
    "align_decoder_layer": {"en": "decoder layer", "zh": "解码器层"},
    "flow_section": {"en": "Attention flow: every layer composed", "zh": "注意力流：把所有层组合起来"},
    "flow_explain": {
        "en": "Raw attention shows one layer, but each layer mixes what earlier layers already mixed, and the "
              "residual connection carries every position's own state forward. Attention rollout (Abnar & Zuidema "
              "2020) multiplies the layers' head-averaged attention, each mixed half and half with the identity for "
              "the residual path: Ã = ½ I + ½ mean(A), R = Ã_L ⋯ Ã_1. Through the decoder, each row's state is "
              "tracked as a share on the decoder's own input tokens and a share on the source tokens: every "
              "self-attention layer applies its Ã to both; every cross-attention layer keeps half (the residual) "
              "and sends the other half through its head-averaged attention times the encoder's rollout R. "
              "Feed-forward layers act on each position alone and are left out. With {n} decoder layers exactly "
              "½^{n} = {share} of every row stays on the decoder's own tokens (the last column).",
        "zh": "原始注意力只显示一层；但每一层混合的是前面各层已经混合过的内容，残差连接又把每个位置自己的状态传下去。"
              "注意力展开（rollout，Abnar & Zuidema 2020）把各层的注意力（各注意力头平均）相乘，每层都与单位矩阵各占"
              "一半，代表残差通路：Ã = ½ I + ½ mean(A)，R = Ã_L ⋯ Ã_1。在解码器中，每一行的状态分两部分追踪：落在解码器"
              "自己输入词元上的份额，和落在源词元上的份额。每个自注意力层对两者都乘以它的 Ã；每个交叉注意力层保留一半"
              "（残差），另一半经由它的注意力（各注意力头平均）再乘以编码器的 rollout R。"
              "前馈层只作用于单个位置，不计入。"
              "有 {n} 个解码器层时，每行恰好有 ½^{n} = {share} 留在解码器自己的词元上（最后一列）。",
    },
    "flow_encoder": {"en": "Encoder: rollout beside the raw last layer", "zh": "编码器：rollout 与最后一层原始注意力"},
    "flow_output": {"en": "Output ← source: flow beside raw last-layer cross-attention",
                    "zh": "输出 ← 源：注意力流与最后一层原始交叉注意力"},
    "title_flow_encoder": {"en": "Encoder rollout through every layer", "zh": "编码器 rollout（所有层）"},
    "title_raw_encoder": {"en": "Raw encoder self-attention, last layer, mean over heads",
                          "zh": "原始编码器自注意力 · 最后一层 · 各注意力头平均"},
    "title_flow_output": {"en": "Output ← source flow through every layer", "zh": "输出 ← 源的注意力流（所有层）"},
    "title_raw_output": {"en": "Raw cross-attention, last layer, mean over heads",
                         "zh": "原始交叉注意力 · 最后一层 · 各注意力头平均"},
    "flow_share": {"en": "share", "zh": "份额"},
    "flow_target_so_far": {"en": "(own earlier tokens)", "zh": "（自己之前的词元）"},
    "qk_pick_kind": {"en": "Attention kind", "zh": "注意力类型"},
    "qk_pick_query": {"en": "Query position", "zh": "查询位置"},
    "qk_mean_note": {"en": "The mean over heads has no query of its own: showing head {head}. Pick a head to "
                           "change it.",
                     "zh": "各注意力头平均没有自己的查询：显示注意力头 {head}。选择一个注意力头即可更换。"},
    "clamped_query": {"en": "Query position {value} does not exist here; showing position {clamped}.",
                      "zh": "这里没有查询位置 {value}；改为显示位置 {clamped}。"},
    "qk_where": {"en": "{kind} · layer {layer} · {head} · query {q} “{token}”",
                 "zh": "{kind} · 第 {layer} 层 · {head} · 查询 {q} “{token}”"},
    "title_qk_vectors": {"en": "1. The query q and each key k — {where}", "zh": "1. 查询 q 与每个键 k — {where}"},
    "title_qk_products": {"en": "2. q ∘ k, summed per key — {where}", "zh": "2. q ∘ k，按键求和 — {where}"},
    "title_qk_softmax": {"en": "3. ÷ √d_k, mask, softmax — {where}", "zh": "3. ÷ √d_k、掩码、softmax — {where}"},
    "title_qk_values": {"en": "4. Weighted values and their sum — {where}", "zh": "4. 加权的值及其和 — {where}"},
    "qk_sum_row": {"en": "{name} (Σ = {dot})", "zh": "{name}（Σ = {dot}）"},
    "qk_recomputed": {"en": "softmax recomputed here", "zh": "此处重新计算的 softmax"},
    "qk_from_trace": {"en": "the model's weights (trace)", "zh": "模型的权重（运行记录）"},
    "qk_head_output": {"en": "= head output", "zh": "= 注意力头输出"},
    "qk_step_vectors": {
        "en": "q is this position's query and k each position's key, read from the trace: d_k = {dk} numbers per "
              "head.",
        "zh": "q 是这个位置的查询，k 是每个位置的键，都直接取自运行记录：每个注意力头 d_k = {dk} 个数。",
    },
    "qk_step_products": {
        "en": "Multiply q and k element by element (q ∘ k): the sum of a row is the dot product q · k, large when "
              "the two point the same way.",
        "zh": "把 q 与 k 逐元素相乘（q ∘ k）：每行之和就是点积 q · k，两者方向越一致，点积越大。",
    },
    "qk_step_softmax": {
        "en": "Divide by √d_k = {sqrt} so the softmax is not saturated, set masked keys to −∞ ({masked} masked), and "
              "take the softmax: the bars. The diamonds are the weights the model produced.",
        "zh": "除以 √d_k = {sqrt}，使 softmax 不至于饱和；把被屏蔽的键设为 −∞（屏蔽了 {masked} 个），再取 softmax："
              "即柱形。菱形是模型实际产生的权重。",
    },
    "qk_step_values": {
        "en": "Each key's value v is multiplied by its weight; the sum over keys (bottom row) is this head's output "
              "for the query, before the heads are concatenated and multiplied by W_O.",
        "zh": "每个键的值 v 乘以它的权重；对所有键求和（最后一行）就是这个注意力头对该查询的输出，之后各注意力头拼接"
              "并乘以 W_O。",
    },
    "qk_check_ok": {
        "en": "The recomputed softmax equals the model's attention weights: largest difference {err} (float32 "
              "rounding); scores differ by at most {serr}, head outputs by at most {oerr}.",
        "zh": "重新计算的 softmax 与模型的注意力权重一致：最大差 {err}（float32 舍入误差）；分数最多相差 {serr}，"
              "注意力头输出最多相差 {oerr}。",
    },
    "qk_check_bad": {
        "en": "The recomputed softmax differs from the model's weights by up to {err}: this model's scores are not "
              "q · k / √d_k alone ({scores}).",
        "zh": "重新计算的 softmax 与模型的权重最多相差 {err}：该模型的分数不只是 q · k / √d_k（{scores}）。",
    },
    "qk_table": {"en": "Every number for this query", "zh": "该查询的全部数值"},
    "qk_col_scaled": {"en": "q · k / √d_k", "zh": "q · k / √d_k"},
    "qk_col_score": {"en": "score (trace)", "zh": "分数（运行记录）"},
    "qk_col_softmax": {"en": "softmax (recomputed)", "zh": "softmax（重新计算）"},
    "qk_col_weight": {"en": "weight (trace)", "zh": "权重（运行记录）"},
    # ================================================================ end of issue 8's block
    # ================================================================ other models (ui/models.py, issue 10)
    "model": {"en": "Model", "zh": "模型"},
    "model_help": {"en": "The shipped model, or one of the pretrained models this app allows (models.toml).",
                   "zh": "内置模型，或本应用允许的预训练模型之一（models.toml）。"},
    "model_default": {"en": "Shipped model (English → Spanish / Chinese, trained here)",
                      "zh": "内置模型（英文 → 西班牙语 / 中文，在此训练）"},
    "model_any": {"en": "Any hub id or local folder (local run)", "zh": "任意模型库 id 或本地文件夹（本地运行）"},
    "merge_subwords": {"en": "Merge subwords into words", "zh": "把子词合并成词"},
    "merge_subwords_help": {
        "en": "A word is a piece that starts a word and the pieces that continue it (\"·\"). Attention to a word is "
              "the sum over its pieces; attention from a word is the mean over its pieces, so rows still sum to 1. "
              "Scores are not shown merged.",
        "zh": "一个词 = 开始一个词的子词加上接续它的子词（“·”）。对一个词的注意力是其各子词之和；"
              "一个词发出的注意力是其各子词的平均，因此每行之和仍为 1。合并时不显示分数。",
    },
    "model_failed": {"en": "The model **{name}** {why}: {detail}. Showing the shipped model instead.",
                     "zh": "模型 **{name}** {why}：{detail}。改为显示内置模型。"},
    "model_too_large": {"en": "is too large for this machine", "zh": "对这台机器来说太大"},
    "model_unsupported": {"en": "is not a supported kind of model", "zh": "不是受支持的模型类型"},
    "model_unreachable": {"en": "could not be reached or read", "zh": "无法访问或读取"},
    "model_not_loaded": {"en": "could not be loaded", "zh": "无法加载"},
    "model_bad_checkpoint": {"en": "has a damaged checkpoint, or one that does not match its config",
                             "zh": "的检查点已损坏或与其配置不符"},
    "model_needs_package": {"en": "needs the package {package}, which this installation lacks",
                            "zh": "需要本安装缺少的软件包 {package}"},
    "model_kind_encoder_decoder": {"en": "encoder-decoder", "zh": "编码器-解码器"},
    "model_kind_encoder_only": {"en": "encoder-only", "zh": "仅编码器"},
    "model_kind_decoder_only": {"en": "decoder-only", "zh": "仅解码器"},
    "model_line": {
        "en": "**{name}** — {family}, {kind}, {enc}+{dec} layers × {heads} heads, d_model {d}, {norm}-LN, "
              "{positions} positions; scores = {scores}. Tokens are subword pieces: \"·\" starts a piece that "
              "continues a word.",
        "zh": "**{name}** — {family}，{kind}，{enc}+{dec} 层 × {heads} 个注意力头，d_model {d}，{norm}-LN，"
              "{positions} 位置编码；分数 = {scores}。词元是子词片段：以 “·” 开始的片段接续前面的词。",
    },
    "model_no_decoder": {
        "en": "This model has no decoder: the decoder's views (target side, masked self-attention, cross-attention, "
              "output) do not apply.",
        "zh": "该模型没有解码器：解码器的视图（目标端、带掩码的自注意力、交叉注意力、输出）不适用。",
    },
    "model_no_encoder": {
        "en": "This model has no encoder: the source side and cross-attention do not apply; the sentence is the "
              "prompt, and the model continues it.",
        "zh": "该模型没有编码器：源端和交叉注意力不适用；句子就是提示，模型接着往下写。",
    },
    "model_no_output": {
        "en": "An encoder-only model predicts no next token: there is no decoding, no output distribution and no "
              "logit lens. The encoder's views are on the other pages.",
        "zh": "仅编码器的模型不预测下一个词元：没有解码、没有输出分布，也没有 logit 透镜。编码器的视图在其他页面。",
    },
    "relative_positions": {
        "en": "This model has no absolute positions to add to the embeddings (the table and curves do not apply): it "
              "adds a learned bias for each relative distance to the attention scores instead (T5's relative "
              "position bias; in the trace as encoder.pos_bias and decoder.pos_bias).",
        "zh": "该模型没有加到嵌入上的绝对位置（位置表和曲线不适用）：它改为给注意力分数加上按相对距离学习的偏置"
              "（T5 的相对位置偏置；在轨迹中为 encoder.pos_bias 和 decoder.pos_bias）。",
    },
    # ================================================================ issue 8.2: head ablation (own block, for merging)
    "page_ablation": {"en": "Switch off heads", "zh": "关闭注意力头"},
    "intro_ablation": {
        "en": "What does one attention head do? Switch it off and see. Removing a head sets its output to zero before "
              "the heads are joined and multiplied by W_O; skipping a whole sub-layer (an attention or a feed-forward "
              "one) lets only the residual pass, into the same Add & Norm. The model then translates again, and the "
              "new translation is shown beside the original. Below, each head is removed alone to show which heads "
              "matter for this sentence.",
        "zh": "一个注意力头到底在做什么？把它关掉看看。关闭一个注意力头，就是在各注意力头拼接并"
              "乘以 W_O 之前，把它的输出置为零；跳过整个子层（注意力子层或前馈子层），则只让残差通过，"
              "照常进入同一个“相加与归一化”。然后模型重新翻译，新译文和原译文并排显示。下方逐个单独"
              "关闭每个注意力头，看看对这句话来说哪些注意力头最重要。",
    },
    "abl_pick_heads": {"en": "Heads to switch off: {kind}", "zh": "要关闭的注意力头：{kind}"},
    "abl_pick_sublayers": {"en": "Whole sub-layers to skip", "zh": "要跳过的整个子层"},
    "abl_head_option": {"en": "layer {layer} · head {head}", "zh": "第 {layer} 层 · 注意力头 {head}"},
    "abl_sublayer_option": {"en": "{stack} layer {layer}: {part}", "zh": "{stack}第 {layer} 层：{part}"},
    "abl_part_self_attn": {"en": "self-attention", "zh": "自注意力"},
    "abl_part_cross_attn": {"en": "cross-attention", "zh": "交叉注意力"},
    "abl_part_ffn": {"en": "feed-forward", "zh": "前馈网络"},
    "abl_clear": {"en": "Switch everything back on", "zh": "全部重新打开"},
    "abl_none": {"en": "Nothing is switched off: choose heads or sub-layers above, or pick from the sweep below.",
                 "zh": "目前没有关闭任何部分：请在上方选择注意力头或子层，或从下方逐个注意力头的测试中挑选。"},
    "abl_original": {"en": "Original translation", "zh": "原译文"},
    "abl_ablated": {"en": "With {n} part(s) switched off", "zh": "关闭 {n} 个部分后"},
    "abl_same": {"en": "The translation did not change; the probabilities below still moved.",
                 "zh": "译文没有变化；不过下面的概率仍有变动。"},
    "abl_changed": {"en": "{n} token(s) changed (marked).", "zh": "有 {n} 个词元发生变化（已标出）。"},
    "abl_unfinished": {"en": "The ablated model did not finish its sentence within {n} tokens.",
                       "zh": "关闭后的模型在 {n} 个词元内没有写完句子。"},
    "abl_sampled": {"en": "Sampling: the same settings and seed are used again, so only the ablation differs.",
                    "zh": "采样：沿用相同的设置和随机种子，因此唯一的不同就是关闭的部分。"},
    "abl_steps": {"en": "Step by step: how sure the model still is of the original's next token",
                  "zh": "逐步查看：模型对原译文下一个词元还有多大把握"},
    "abl_steps_help": {
        "en": "Each step reads the original translation up to that point (teacher forcing), so the steps line up "
              "with it. Blue: p(original token) with everything on; orange: with the parts switched off. The table "
              "also gives the token the ablated model would now prefer.",
        "zh": "每一步都读入原译文到该处为止的内容（教师强制），所以各步与原译文一一对应。蓝色：全部开启时原词元的概率；"
              "橙色：关闭所选部分后的概率。表格还列出关闭后模型现在更倾向的词元。",
    },
    "abl_before": {"en": "p before", "zh": "关闭前概率"},
    "abl_after": {"en": "p after", "zh": "关闭后概率"},
    "abl_new_top": {"en": "new top token", "zh": "新的首选词元"},
    "abl_p_new_top": {"en": "p(new top)", "zh": "新首选词元概率"},
    "abl_original_token": {"en": "original token", "zh": "原词元"},
    "abl_title_steps": {"en": "p(original next token), before and after", "zh": "原译文下一个词元的概率：关闭前后"},
    "abl_sweep": {"en": "Which heads matter for this sentence", "zh": "对这句话来说哪些注意力头重要"},
    "abl_sweep_help": {
        "en": "Each cell removes that one head alone and measures how much less likely the model finds the {what} "
              "(drop in log-probability, in nats; teacher-forced; all {n} heads in one batched pass). Red: the head "
              "helped; near 0: it hardly matters here; blue: the sentence became more likely without it. "
              "log p with every head on: {base}.",
        "zh": "每一格只单独关闭这一个注意力头，衡量模型觉得{what}变得有多不可能（对数概率的下降，单位为奈特；教师强制；"
              "全部 {n} 个注意力头在一次批量计算中完成）。红色：这个注意力头有帮助；接近 0：在这里几乎无关紧要；"
              "蓝色：没有它这句译文反而更可能。全部开启时的 log p：{base}。",
    },
    "abl_what_reference": {"en": "reference translation", "zh": "参考译文"},
    "abl_what_output": {"en": "model's own translation (the grammar has no reference for this sentence)",
                        "zh": "模型自己的译文（语法没有这句话的参考译文）"},
    "abl_title_sweep": {"en": "Drop in log p when one head is removed", "zh": "单独关闭一个注意力头时 log p 的下降"},
    "abl_drop": {"en": "drop in log p", "zh": "log p 下降"},
    "abl_kind": {"en": "attention kind", "zh": "注意力类型"},
    "abl_add_top": {"en": "Switch off the {n} heads that matter most", "zh": "关闭最重要的 {n} 个注意力头"},
    "abl_marked": {"en": "✕ = switched off now", "zh": "✕ = 当前已关闭"},
    "abl_unsupported": {
        "en": "Switching off heads is available for the app's own model only: this model comes from Hugging Face, "
              "whose attention code this app does not rewrite. Choose the shipped model in the sidebar.",
        "zh": "只有本应用自带的模型才能关闭注意力头：这个模型来自 Hugging Face，本应用不改写它的注意力代码。"
              "请在侧边栏选择自带的模型。",
    },
    "warn_ablation": {"en": "The link asked to switch off parts this model does not have ({value}): they were left on.",
                      "zh": "链接要求关闭的部分在该模型中不存在（{value}）：这些部分保持开启。"},
    # ================================================================ end of issue 8.2
    "class_noun": {"en": "noun", "zh": "名词"},
    "class_adjective": {"en": "adjective", "zh": "形容词"},
    "class_verb": {"en": "verb", "zh": "动词"},
    "class_pronoun": {"en": "pronoun", "zh": "代词"},
    "class_determiner": {"en": "determiner", "zh": "限定词"},
    "class_number": {"en": "number", "zh": "数词"},
    "class_preposition": {"en": "preposition", "zh": "介词"},
    # ---------------------------------------------------------------- issue 8.7: head metrics
    "head_metrics": {"en": "Head metrics: every head of every kind", "zh": "注意力头指标：每种注意力的每个注意力头"},
    "hm_entropy": {"en": "entropy (bits)", "zh": "熵（比特）"},
    "hm_entropy_norm": {"en": "normalised entropy", "zh": "归一化熵"},
    "hm_diagonal_distance": {"en": "distance from diagonal", "zh": "离对角线的距离"},
    "hm_previous_token": {"en": "previous-token score", "zh": "前一个词元得分"},
    "hm_first_token": {"en": "first-token score", "zh": "首词元得分"},
    "hm_last_token": {"en": "last-token (</s>) score", "zh": "末词元（</s>）得分"},
    "hm_alignment": {"en": "alignment (1 − AER)", "zh": "对齐度（1 − AER）"},
    "col_kind": {"en": "attention", "zh": "注意力类型"},
    "hm_y_metric": {"en": "Vertical axis of the scatter", "zh": "散点图的纵轴"},
    "title_head_metrics": {
        "en": "Every head: entropy against {metric}",
        "zh": "每个注意力头：熵与{metric}",
    },
    "hm_click_help": {
        "en": "Each point is one head. Click a point to show that layer and head in the views above.",
        "zh": "每个点是一个注意力头。点击一个点，即可在上方的视图中查看该层的这个注意力头。",
    },
    "hm_about": {"en": "What do these numbers mean?", "zh": "这些数字是什么意思？"},
    "hm_explain": {
        "en": "- **Entropy** (bits): how spread out a head's attention is, averaged over the query rows. 0 means each "
              "row looks at a single token; higher means attention is shared among many tokens.\n"
              "- **Normalised entropy**: the same, divided by the most it could be for the tokens each row may see. "
              "1 means perfectly even attention; 0 means fully focused.\n"
              "- **Distance from diagonal**: on average, how many positions away from itself a query looks "
              "(weighted by attention). For cross-attention it is measured from the line that runs proportionally "
              "from the first source token to the last. 0 means every token looks at itself.\n"
              "- **Previous-token score**: the average attention each token pays to the token just before it "
              "(self-attention only).\n"
              "- **First-token score**: the average attention paid to the first token (the language tag in the "
              "source, `<s>` in the output). Heads with nothing useful to do often park their attention there (a "
              "\"sink\").\n"
              "- **Last-token (`</s>`) score**: the same for the last source token, the end marker `</s>` (encoder and "
              "cross-attention only).\n"
              "- **Alignment (1 − AER)**: for cross-attention heads, how often the source word a head looks at most "
              "is the word the grammar says the output word translates (1 = always). Only for sentences in the "
              "model's grammar whose translation equals the reference.",
        "zh": "- **熵**（比特）：一个注意力头的注意力有多分散，对所有查询行取平均。0 表示每一行只看一个词元；"
              "数值越高，注意力分给的词元越多。\n"
              "- **归一化熵**：同样的熵，除以这一行能看到的词元所允许的最大值。1 表示注意力完全均匀；0 表示完全集中。\n"
              "- **离对角线的距离**：按注意力加权，查询平均看向离自己多少个位置之外的词元。交叉注意力则以从第一个源词元"
              "按比例延伸到最后一个源词元的那条线为基准。0 表示每个词元都只看自己。\n"
              "- **前一个词元得分**：每个词元分给紧挨在它前面那个词元的平均注意力（仅限自注意力）。\n"
              "- **首词元得分**：分给第一个词元（源句中的语言标记、输出中的 `<s>`）的平均注意力。没有有用信息可取的"
              "注意力头常把注意力“停放”在这里（称为“注意力汇”）。\n"
              "- **末词元（`</s>`）得分**：同样的计算，针对最后一个源词元，即结束标记 `</s>`"
              "（仅限编码器自注意力和交叉注意力）。\n"
              "- **对齐度（1 − AER）**：对交叉注意力头而言，它最关注的源词是否正是语法规定的、输出词所翻译的那个词"
              "（1 = 总是）。仅适用于模型语法之内、且译文与参考译文相同的句子。",
    },
    "hm_alignment_outside": {
        "en": "Alignment is blank: this sentence is outside the model's training grammar, so there are no gold "
              "word links to compare with.",
        "zh": "对齐度为空：这个句子不在模型的训练语法之内，没有可供比较的标准词对齐。",
    },
    "hm_alignment_differs": {
        "en": "Alignment is blank: the model's translation differs from the reference, so the gold word links do "
              "not apply to it.",
        "zh": "对齐度为空：模型的译文与参考译文不同，标准词对齐不适用于它。",
    },
    "class_auxiliary": {"en": "auxiliary", "zh": "助动词"},
    "class_negation": {"en": "negation", "zh": "否定词"},
    "class_conjunction": {"en": "conjunction", "zh": "连词"},
    "class_relative_pronoun": {"en": "relative pronoun", "zh": "关系代词"},
    "class_question_word": {"en": "question word", "zh": "疑问词"},
    "class_punctuation": {"en": "punctuation", "zh": "标点"},
    "class_name": {"en": "name", "zh": "人名和地名"},
    "class_adverb": {"en": "adverb", "zh": "副词"},
    "class_set_phrase": {"en": "set phrase", "zh": "固定说法"},
}


def label(key: str, locale: str = "en", **fmt: object) -> str:
    """The text for `key` in interface language `locale` (anything unknown gives English), formatted with `fmt`."""
    entry = LABELS[key]
    text = entry.get(locale if locale in LANGUAGES else "en") or entry["en"]
    return text.format(**fmt) if fmt else text


def word_class(name: str, locale: str = "en") -> str:
    """A grammar word class ("noun", "relative pronoun") in `locale`; its own name when the table lacks it."""
    key = f"class_{name.replace(' ', '_')}"
    return label(key, locale) if key in LABELS else name
