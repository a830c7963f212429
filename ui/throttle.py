"""The admission policy (ui/admission.py) bound to Streamlit: who is asking (the session), how long a ticket is held
(until the script run that computed a trace has drawn it), and what the visitor reads when refused.

ui/cache.py calls a `Gate` only when it computes (a cache miss), so a rerun that the trace cache answers is never
counted nor blocked. A ticket taken in a script run is held until the router's `run_scope` ends, because the figures
drawn from a new trace cost as much as the trace; anywhere else (a download, built in a worker thread after the run)
it is held while the bytes are built.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext

from streamlit.runtime.scriptrunner import get_script_run_ctx

from viz_model.decoding import DecodeSettings
from viz_model.i18n import label
from viz_model.tokenizer import MAX_SOURCE_TOKENS, split_words

from .admission import Admission, Policy, Refused, trace_cost
from .markdown import md_escape

ADMISSION = Admission(Policy.from_env())  # one per server process; tests may replace it

Gate = Callable[[float], AbstractContextManager]  # cost -> held while the work is computed


def free(cost: float) -> AbstractContextManager:  # noqa: ARG001
    """No limits: tests, the CLI, and work inside an already admitted computation."""
    return nullcontext()


_run = threading.local()  # the ExitStack of the script run on this thread, while the router's run_scope is open


@contextmanager
def run_scope() -> Iterator[None]:
    """Open for the router's run and drawing: tickets taken inside are released when it ends (or is interrupted)."""
    with ExitStack() as stack:
        _run.stack = stack
        try:
            yield
        finally:
            _run.stack = None


def session_id() -> str:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else "no-session"


def gate(session: str | None = None) -> Gate:
    """The gate for `session` (default: the current script run's). Raises admission.Refused when not admitted."""
    session = session or session_id()

    def enter(cost: float) -> AbstractContextManager:
        ticket = ADMISSION.acquire(session, cost)
        stack = getattr(_run, "stack", None)
        if stack is None:
            return ticket  # released when the computation ends
        stack.callback(ticket.release)  # released when this script run ends
        return nullcontext()

    return enter


def cost_of(sentence: str, settings: DecodeSettings) -> float:
    """The units a trace of `sentence` costs (admission.trace_cost on its word count, capped as the model caps it)."""
    words = min(len(split_words(sentence)), MAX_SOURCE_TOKENS)
    return trace_cost(words, settings.max_new_tokens, not settings.greedy)


def message(refused: Refused, locale: str) -> str:
    """What the visitor reads, in the interface language, escaped for markdown."""
    seconds = max(1, math.ceil(min(refused.retry_after_s, 24 * 3600)))
    return md_escape(label(f"refused_{refused.reason}", locale, seconds=seconds))
