"""Train the default model from a fixed seed.

    python -m viz_model.train                       # the shipped model (README: measured time)
    python -m viz_model.train --steps 20 --preset tiny --sentences 500 --out /tmp/m   # a smoke run

Data: English sentences from the synchronous grammar (viz_model.grammar), each paired with its Spanish and Chinese
translation; the language is chosen by a tag token at the start of the source. Optimiser as in the paper: Adam
(0.9, 0.98, 1e-9) and label smoothing 0.1 as in the paper; the learning rate warms up linearly, then decays
linearly to 2% of its peak at the last step (`--schedule linear`, the default: on this task it ends far better than
the paper's inverse square root, `--schedule inverse_sqrt`, in the same number of steps).
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import torch
import torch.nn.functional as F
from tqdm import tqdm

from . import grammar
from .config import preset
from .data import (
    PHRASE_COPIES,
    TRAIN_HASHES_FILE,
    add_unknowns,
    make_splits,
    make_vocabs,
    save_examples,
    save_train_hashes,
    to_pairs,
    token_batches,
)
from .engine import Engine, resolve_device
from .evaluate import HELDOUT_FILE, evaluate, exact_match, format_report
from .model import Transformer

log = logging.getLogger(__name__)


FINAL_LR_FRACTION = 0.02


def lr_at(step: int, peak: float, warmup: int, total: int | None = None, schedule: str = "inverse_sqrt") -> float:
    """Linear warm-up to `peak` over `warmup` steps, then either peak * sqrt(warmup / step) ("inverse_sqrt", the
    paper's) or a straight line down to FINAL_LR_FRACTION * peak at step `total` ("linear")."""
    step = max(step, 1)
    if step <= warmup:
        return peak * step / warmup
    if schedule == "inverse_sqrt":
        return peak * math.sqrt(warmup / step)
    if schedule == "linear":
        if total is None or total <= warmup:
            return peak
        frac = min((step - warmup) / (total - warmup), 1.0)
        return peak * (1 - (1 - FINAL_LR_FRACTION) * frac)
    raise ValueError(f"unknown schedule {schedule!r}")


def run_stage(model: Transformer, engine: Engine, train_pairs: list, valid: list, langs: list[str], steps: int,
              peak_lr: float, warmup: int, rng: random.Random, args: argparse.Namespace, t0: float,
              history: list[dict], name: str, step_offset: int = 0) -> int:
    """One stage of training: Adam (0.9, 0.98, 1e-9), warm-up then args.schedule, label smoothing, token
    batches in `rng`'s order; validation exact match every eval_every steps; the last `average` checkpoints (every
    `average_every` steps) averaged into the model, as in the paper (§6.1). Returns the number of epochs begun."""
    device = engine.device
    pad_id = engine.tgt_vocab.pad_id
    opt = torch.optim.Adam(model.parameters(), lr=peak_lr, betas=(0.9, 0.98), eps=1e-9)
    avg_from = steps - (args.average - 1) * args.average_every if args.average > 1 else steps + 1
    avg_sum: dict[str, torch.Tensor] = {}
    step, epoch = 0, 0
    bar = tqdm(total=steps, desc=name, unit="step", dynamic_ncols=True, mininterval=5)
    while step < steps:
        epoch += 1
        for src, tgt in token_batches(train_pairs, args.max_tokens, rng, args.max_sentences):
            if step >= steps:
                break
            model.train()
            step += 1
            for g in opt.param_groups:
                g["lr"] = lr_at(step, peak_lr, warmup, steps, args.schedule)
            src, tgt = src.to(device), tgt.to(device)
            logits = model(src, tgt[:, :-1], pad_id=pad_id)
            loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), tgt[:, 1:].reshape(-1),
                                   ignore_index=pad_id, label_smoothing=args.label_smoothing)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            if step >= avg_from and (step - avg_from) % args.average_every == 0:
                for k, v in model.state_dict().items():
                    avg_sum[k] = avg_sum.get(k, 0) + v.detach().double()
            bar.update(1)
            bar.set_postfix(loss=f"{loss.item():.3f}", epoch=epoch)
            if step % args.eval_every == 0 or step == steps:
                model.eval()
                acc = {lang: exact_match(engine, valid, lang)["exact_match"] for lang in langs}
                history.append({"step": step_offset + step, "loss": round(loss.item(), 4),
                                "valid_exact_match": acc, "minutes": round((time.perf_counter() - t0) / 60, 2)})
                bar.write(f"{name} step {step}: loss {loss.item():.3f}, valid exact match "
                          + ", ".join(f"{k} {v:.2%}" for k, v in acc.items()))
    bar.close()
    if avg_sum:
        n_avg = (steps - avg_from) // args.average_every + 1
        model.load_state_dict({k: (v / n_avg).to(model.state_dict()[k].dtype) for k, v in avg_sum.items()})
        log.info("averaged %d checkpoints (steps %d..%d every %d)", n_avg, avg_from, steps, args.average_every)
    model.eval()
    return epoch


def train(args: argparse.Namespace) -> Engine:
    """Stage 1 (args.steps from scratch), then stage 2 (args.continue_steps more, with a fresh optimiser and a lower
    peak learning rate: a warm restart). `--init DIR` starts from a stage-1 checkpoint and runs stage 2 only: the
    same data, the same order and the same arithmetic as the single run, so the result is the same model."""
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    if args.threads:
        torch.set_num_threads(args.threads)
    device = resolve_device(args.device)
    langs = list(grammar.LANGUAGES)
    t0 = time.perf_counter()
    splits = make_splits(args.sentences, args.seed, args.valid, args.test, workers=args.workers)
    src_vocab, tgt_vocab = make_vocabs(langs, splits.train)
    train_examples = add_unknowns(splits.train, args.unk_rate, args.seed + 2, langs)
    train_pairs = to_pairs(train_examples, langs, src_vocab, tgt_vocab)
    seen = {w for ex in splits.train for w in ex.source}
    unseen = sorted(w for w in src_vocab.words() if w not in seen)
    log.info("%d source words never occur in the training sentences: %s", len(unseen), " ".join(unseen[:40]))
    log.info("data: %d train / %d valid / %d test sentences, %d pairs, vocab %d/%d (%.1fs)", len(splits.train),
             len(splits.valid), len(splits.test), len(train_pairs), len(src_vocab), len(tgt_vocab),
             time.perf_counter() - t0)

    history: list[dict] = []
    earlier_minutes = 0.0
    epochs = 0
    if args.init:
        engine = Engine.load(args.init, device=str(device))
        if engine.src_vocab.itos != src_vocab.itos or engine.tgt_vocab.itos != tgt_vocab.itos:
            # the checkpoint's own vocabularies win; a pair with a target token it lacks is left out
            log.warning("%s: vocabularies differ from this data (%d/%d vs %d/%d tokens); keeping the checkpoint's",
                        args.init, len(engine.src_vocab), len(engine.tgt_vocab), len(src_vocab), len(tgt_vocab))
            src_vocab, tgt_vocab = engine.src_vocab, engine.tgt_vocab
            before = len(train_pairs)
            pairs = to_pairs(train_examples, langs, src_vocab, tgt_vocab)  # in the order (example, language)
            sides = [ex.translations[lang].tokens for ex in train_examples for lang in langs]
            train_pairs = [p for p, toks in zip(pairs, sides) if all(t in tgt_vocab for t in toks)]
            log.warning("kept %d of %d training pairs", len(train_pairs), before)
        model = engine.model
        history = list(engine.info.get("history", []))
        earlier_minutes = float(engine.info.get("minutes", 0.0))
        epochs = int(engine.info.get("epochs", 0))
        log.info("stage 1 from %s (%s steps, %.1f minutes)", args.init, engine.info.get("steps"), earlier_minutes)
    else:
        cfg = preset(args.preset, len(src_vocab), len(tgt_vocab), name=args.name)
        model = Transformer(cfg).to(device)
        engine = Engine(model, src_vocab, tgt_vocab, dict(grammar.LANGUAGES), {})
        log.info("model %s: %d parameters on %s", cfg.name, model.num_parameters(), device)
        epochs = run_stage(model, engine, train_pairs, splits.valid, langs, args.steps, args.lr, args.warmup, rng,
                           args, t0, history, "stage 1")
    if args.continue_steps:
        epochs += run_stage(model, engine, train_pairs, splits.valid, langs, args.continue_steps, args.continue_lr,
                            args.continue_warmup, random.Random(args.seed + 7), args, t0, history, "stage 2",
                            step_offset=args.steps)
    minutes = (time.perf_counter() - t0) / 60
    engine.info = {
        "task": "English -> Spanish / Chinese translation of sentences from a synchronous grammar",
        "seed": args.seed, "steps": args.steps + args.continue_steps, "stage_steps": [args.steps, args.continue_steps],
        "epochs": epochs, "sentences": {"train": len(splits.train),
        "valid": len(splits.valid), "test": len(splits.test)}, "pairs": len(train_pairs), "max_tokens": args.max_tokens,
        "max_sentences": args.max_sentences,
        "unk_rate": args.unk_rate, "source_words_unseen": unseen,
        "max_source_words": max(len(ex.source) for ex in splits.train),
        "peak_lr": args.lr, "warmup": args.warmup, "schedule": args.schedule, "phrase_copies": PHRASE_COPIES,
        "continue_lr": args.continue_lr,
        "continue_warmup": args.continue_warmup, "averaged_checkpoints": args.average,
        "average_every": args.average_every, "label_smoothing": args.label_smoothing,
        "minutes": round(earlier_minutes + minutes, 1),
        "minutes_by_run": ([round(earlier_minutes, 1)] if args.init else []) + [round(minutes, 1)],
        "device": str(device), "threads": torch.get_num_threads(), "history": history,
        "command": "python -m viz_model.train " + " ".join(args.argv),
    }
    out = Path(args.out)
    engine.save(out)
    write_word_rank(src_vocab.words(), out / "word_rank.json")
    save_examples(splits.test, out / HELDOUT_FILE)
    save_train_hashes(splits.train, out / TRAIN_HASHES_FILE)
    metrics = evaluate(engine, splits.test)
    (out / "metrics.json").write_text(json.dumps(metrics, indent=1, ensure_ascii=False))
    print(format_report(metrics))
    log.info("saved to %s after %.1f minutes", out, minutes)
    return engine


def write_word_rank(words: Sequence[str], path: Path) -> None:
    """Frequency rank (wordfreq, English) of each source word, for ordering typo suggestions; skipped without
    wordfreq (a development requirement)."""
    try:
        from wordfreq import top_n_list
    except ImportError:
        log.info("wordfreq is not installed: no word_rank.json")
        return
    top = {w: i for i, w in enumerate(top_n_list("en", 50_000))}
    path.write_text(json.dumps({w: top.get(w, 50_000) for w in words}, ensure_ascii=False), encoding="utf-8")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=None,
                    help="checkpoint folder to write (default: a new folder runs/model-<date>-<time>); writing over "
                         "an existing checkpoint, such as the shipped one, needs --overwrite")
    ap.add_argument("--overwrite", action="store_true", help="allow --out to be an existing checkpoint folder")
    ap.add_argument("--preset", default="small", help="model preset (viz_model.config.PRESETS)")
    ap.add_argument("--name", default="viz-mt-everyday", help="model name shown in the app")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--sentences", type=int, default=120_000, help="unique English sentences to generate")
    ap.add_argument("--unk-rate", type=float, default=0.06,
                    help="fraction of training sentences added again with one content word as <unk> (both sides)")
    ap.add_argument("--workers", type=int, default=2, help="processes generating sentences")
    ap.add_argument("--valid", type=int, default=500)
    ap.add_argument("--test", type=int, default=2000)
    ap.add_argument("--steps", type=int, default=8500)
    ap.add_argument("--max-tokens", type=int, default=3000, help="target tokens per batch")
    ap.add_argument("--max-sentences", type=int, default=0,
                    help="at most this many pairs per batch (0: no cap, as the shipped model was trained); a cap "
                         "gives the shortest sentences, set phrases among them, more gradient steps")
    ap.add_argument("--lr", type=float, default=1e-3, help="peak learning rate")
    ap.add_argument("--warmup", type=int, default=700)
    ap.add_argument("--schedule", choices=("linear", "inverse_sqrt"), default="linear",
                    help="after warm-up: linear decay to 2%% of the peak at the last step, or the paper's inverse "
                         "square root")
    ap.add_argument("--continue-steps", type=int, default=0,
                    help="stage 2: more steps with a fresh optimiser (a warm restart); 0: stage 1 only")
    ap.add_argument("--continue-lr", type=float, default=5e-4, help="stage 2 peak learning rate")
    ap.add_argument("--continue-warmup", type=int, default=200, help="stage 2 warm-up steps")
    ap.add_argument("--init", default=None,
                    help="a stage-1 checkpoint of these same settings: run stage 2 only, from it")
    ap.add_argument("--label-smoothing", type=float, default=0.1)
    ap.add_argument("--eval-every", type=int, default=1000)
    ap.add_argument("--average", type=int, default=5, help="average the weights of the last N checkpoints (1: off)")
    ap.add_argument("--average-every", type=int, default=250, help="steps between averaged checkpoints")
    ap.add_argument("--threads", type=int, default=2,
                    help="torch CPU threads (0: torch's default); use 1 if other work shares the 2 cores")
    ap.add_argument("--device", default="auto")
    args = ap.parse_args(argv)
    args.argv = list(argv) if argv is not None else sys.argv[1:]
    if args.out is None:
        args.out = str(Path("runs") / time.strftime("model-%Y%m%d-%H%M%S"))
    out = Path(args.out)
    if out.exists() and (out / "model.safetensors").exists() and not args.overwrite:
        ap.error(f"{out} already holds a checkpoint; pass --overwrite to replace it")
    return args


def main(argv: Sequence[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    train(parse_args(argv))


if __name__ == "__main__":
    main()
