"""Contention: how long a normal visitor waits while others send worst-case requests, with and without the limits.

    nice -n 19 python bench/bench_contention.py                  # the full table: 0 and 10 worst-case visitors
    nice -n 19 python bench/bench_contention.py --worst 2 --requests 3 --warmup 2   # a quick check that it runs

For each setting of the limits (VIZ_LIMITS=1 and VIZ_LIMITS=0; ui/admission.py, ui/throttle.py) a fresh server is
started (`streamlit run app.py`, headless, a free port of 127.0.0.1; ui/apptest.serve_app). Then, with 0 and with
`--worst` worst-case visitors running:

- each worst-case visitor is one websocket session (Streamlit's own protocol, as the browser speaks it: BackMsg and
  ForwardMsg protobufs on /_stcore/stream) that opens the attention page with a 64-word sentence from the model's
  grammar, temperature 2 and the decoding cap at 100, then asks again and again with a new seed (the seed widget's
  state, as a browser sends it), each as soon as the last run ended: every request is a distinct cache miss;
- after `--warmup` seconds, one normal visitor (its own session) types `--requests` new short sentences, one after
  another, greedy: time-to-figure is from sending the new sentence to the first Plotly chart of the rerun.

Printed: one table row per (limits, worst-case visitors): the normal visitor's p50 / p90 / max time-to-figure, how
many of its requests were refused (the busy message instead of a figure), and what the worst-case visitors got done
(requests drawn / refused). A websocket client, not a browser: 10 Chromium tabs drawing 64 × 100 attention grids would
compete for the same 2 cores and measure the browsers. The server inherits this script's niceness.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import websockets  # noqa: E402  (a dependency of streamlit)
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ClientState_pb2 import ClientState  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates  # noqa: E402

from ui.apptest import serve_app  # noqa: E402
from viz_model import grammar  # noqa: E402
from viz_model.tokenizer import MAX_SOURCE_TOKENS  # noqa: E402

BUSY_ICON = "⏳"  # the refusal's icon (app.py)


@dataclass
class Result:
    seconds: float  # from the request to its first figure (or to the end of the run when refused)
    refused: bool


@dataclass
class Session:
    """One Streamlit session over a websocket: start it with a link, rerun it with a changed widget."""

    url: str
    ws: object = None
    widgets: dict[str, str] = field(default_factory=dict)  # user key ("w_seed.en") -> widget id

    async def open(self, params: dict[str, str]) -> Result:
        ws_url = self.url.replace("http://", "ws://") + "/_stcore/stream"
        self.ws = await websockets.connect(ws_url, subprotocols=["streamlit"], max_size=None, open_timeout=60,
                                           ping_interval=None)  # a busy server may not answer pings in time
        return await self._run(ClientState(query_string=urlencode(params)))

    async def change(self, key: str, **value: object) -> Result:
        """Rerun after the widget with user key `key` changed (e.g. double_value=7.0 or string_value="...")."""
        state = WidgetState(id=self.widgets[key], **value)
        return await self._run(ClientState(widget_states=WidgetStates(widgets=[state])))

    async def _run(self, client_state: ClientState) -> Result:
        t0 = time.perf_counter()
        await self.ws.send(BackMsg(rerun_script=client_state).SerializeToString())
        first_figure, refused = None, False
        while True:
            msg = ForwardMsg()
            msg.ParseFromString(await self.ws.recv())
            kind = msg.WhichOneof("type")
            if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                el = msg.delta.new_element
                which = el.WhichOneof("type")
                if which == "plotly_chart" and first_figure is None:
                    first_figure = time.perf_counter() - t0
                elif which == "alert" and el.alert.icon == BUSY_ICON:
                    refused = True
                elif which in ("number_input", "text_input"):
                    widget = getattr(el, which)
                    self.widgets[widget.id.rsplit("-", 1)[-1]] = widget.id
            elif kind == "script_finished" and msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
                return Result(first_figure if first_figure is not None else time.perf_counter() - t0,
                              refused or first_figure is None)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()


def long_sentence(rng: random.Random) -> str:
    words: list[str] = []
    while len(words) < MAX_SOURCE_TOKENS:
        words += list(grammar.sample(rng).source)
    return grammar.detokenize(words[:MAX_SOURCE_TOKENS], "en")


def short_sentences(n: int, seed: int) -> list[str]:
    rng, out = random.Random(seed), []
    while len(out) < n:
        text = grammar.detokenize(grammar.sample(rng).source, "en")
        if len(text.split()) <= 8 and text not in out:
            out.append(text)
    return out


async def worst_visitor(url: str, i: int, stop: asyncio.Event, results: list[Result]) -> None:
    rng = random.Random(1000 + i)
    seed = rng.randrange(10**9)
    s = Session(url)
    try:
        results.append(await s.open(dict(q=long_sentence(rng), temp="2.0", seed=str(seed), max="100",
                                         page="attention")))
        while not stop.is_set():
            seed += 1
            results.append(await s.change("w_seed.en", double_value=float(seed)))
    finally:
        await s.close()


async def normal_visitor(url: str, requests: int, seed: int) -> list[Result]:
    texts = short_sentences(requests + 1, seed)
    s = Session(url)
    try:
        await s.open(dict(q=texts[0]))
        out = []
        for text in texts[1:]:
            out.append(await s.change("w_sentence.en", string_value=text))
            await asyncio.sleep(0.2)  # a person reads a little before typing again
        return out
    finally:
        await s.close()


async def scenario(url: str, worst: int, requests: int, warmup: float, seed: int) -> tuple[list[Result], list[Result]]:
    stop, worst_results = asyncio.Event(), []
    tasks = [asyncio.create_task(worst_visitor(url, i, stop, worst_results)) for i in range(worst)]
    if worst:
        await asyncio.sleep(warmup)
    try:
        normal = await normal_visitor(url, requests, seed)
    finally:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
    return normal, worst_results


def pct(xs: list[float], q: int) -> float:
    return statistics.quantiles(xs, n=100, method="inclusive")[q - 1] if len(xs) > 1 else xs[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--worst", type=int, default=10, help="worst-case visitors in the loaded runs")
    ap.add_argument("--requests", type=int, default=12, help="the normal visitor's requests per run")
    ap.add_argument("--warmup", type=float, default=5.0, help="seconds the worst-case visitors run before it starts")
    ap.add_argument("--limits", choices=("both", "on", "off"), default="both")
    ap.add_argument("--server-log", type=Path, default=None, help="append the servers' output to this file")
    ap.add_argument("--start-timeout", type=float, default=600, help="seconds a server may take to start")
    args = ap.parse_args()
    settings = {"both": ("1", "0"), "on": ("1",), "off": ("0",)}[args.limits]
    rows = []
    for limits in settings:
        log = open(args.server_log, "a") if args.server_log else None  # noqa: SIM115
        with serve_app(log=log, env={"VIZ_LIMITS": limits}, timeout=args.start_timeout) as url:
            asyncio.run(normal_visitor(url, 1, seed=1))  # load the model and warm the caches: not measured
            for worst in (0, args.worst):
                normal, hostile = asyncio.run(scenario(url, worst, args.requests, args.warmup, seed=100 + worst))
                times = [r.seconds * 1000 for r in normal]
                rows.append((limits, worst, pct(times, 50), pct(times, 90), max(times),
                             sum(r.refused for r in normal), len(normal),
                             sum(not r.refused for r in hostile), sum(r.refused for r in hostile)))
                print(f"done: limits={limits} worst={worst} ({threading.active_count()} threads)", file=sys.stderr,
                      flush=True)
        if log is not None:
            log.close()
    print("| limits | worst-case visitors | normal p50 ms | normal p90 ms | normal max ms | normal refused | "
          "worst-case drawn / refused |")
    print("|---|---|---|---|---|---|---|")
    for limits, worst, p50, p90, top, refused, n, drawn, hostile_refused in rows:
        print(f"| {'on' if limits == '1' else 'off'} | {worst} | {p50:.0f} | {p90:.0f} | {top:.0f} | {refused}/{n} | "
              f"{drawn} / {hostile_refused} |")


if __name__ == "__main__":
    main()
