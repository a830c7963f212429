"""Limits on expensive work, so that one visitor's worst requests cannot make another visitor wait: the policy alone.

No streamlit here (ui/throttle.py binds it to sessions and script runs), so tests drive it with threads and fake
costs (tests/test_admission.py). Three rules, each applied only to work that is actually computed (a trace that is
not in the cache, a download that is not built yet): what the cache already holds is never counted nor blocked.

1. A process-wide gate: at most `slots` computations at once (default: the number of cores), and at most
   `heavy_slots` of them heavy (default: one fewer, at least 1), so `slots - heavy_slots` slots are always left to
   light work. A waiting light request goes before a waiting heavy one; within a class, first come, first served. A
   request that finds no slot within `wait_s` is refused (`Refused("server")`): the visitor is told to try again
   instead of queueing behind strangers' work.
2. One computation in flight per session (a download and a rerun of the same tab count together).
3. A cost budget per session, a token bucket: it holds up to `burst` units and refills at `refill_per_s` units a
   second; each computation spends its cost (`trace_cost`). A request the bucket cannot pay is refused at once
   (`Refused("budget")`, with the seconds until it can be paid).

Configured in one place, `Policy.from_env` (environment variables below, defaults in the dataclass); VIZ_LIMITS=0
switches all three off (bench/bench_contention.py compares both).

What it does not do: a client that opens many sessions gets a bucket per session. The gate is what bounds that case:
however many sessions ask, only `heavy_slots` heavy computations run at once, and light work keeps its own slots.
"""

from __future__ import annotations

import itertools
import math
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any

REFERENCE_COST = 18 * 37  # (source + 2) × (steps + 1) of a 16-word sentence decoded greedily: 1 unit


def _cores() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


@dataclass(frozen=True)
class Policy:
    """The limits. Environment variables (`from_env`) override each default."""

    enabled: bool = True  # VIZ_LIMITS: 0 switches every limit off
    slots: int = _cores()  # VIZ_SLOTS: computations at once, in the whole server process
    heavy_slots: int = max(1, _cores() - 1)  # VIZ_HEAVY_SLOTS: of which heavy (cost > heavy_cost)
    heavy_cost: float = 2.0  # VIZ_HEAVY_COST: units above which a computation is heavy
    wait_s: float = 3.0  # VIZ_WAIT_S: how long a request waits for a slot before it is refused
    burst: float = 30.0  # VIZ_BURST: a session's budget when full, in units (a 64-word sampled trace: 10)
    refill_per_s: float = 0.5  # VIZ_REFILL: units a second the budget refills (30 a minute)

    ENV = {"enabled": "VIZ_LIMITS", "slots": "VIZ_SLOTS", "heavy_slots": "VIZ_HEAVY_SLOTS",
           "heavy_cost": "VIZ_HEAVY_COST", "wait_s": "VIZ_WAIT_S", "burst": "VIZ_BURST", "refill_per_s": "VIZ_REFILL"}

    def __post_init__(self) -> None:
        if self.slots < 1 or not 1 <= self.heavy_slots <= self.slots:
            raise ValueError(f"need 1 <= heavy_slots ({self.heavy_slots}) <= slots ({self.slots})")
        if min(self.heavy_cost, self.wait_s, self.burst, self.refill_per_s) < 0:
            raise ValueError("costs, waits and budgets cannot be negative")

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Policy:
        """The policy with every variable set in `env` applied (VIZ_LIMITS=0/1, the others numbers)."""
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(cls.ENV.get(f.name, ""), "").strip()
            if not raw:
                continue
            if f.name == "enabled":
                values[f.name] = raw.lower() not in ("0", "false", "no", "off")
            elif f.name in ("slots", "heavy_slots"):
                values[f.name] = int(raw)
            else:
                values[f.name] = float(raw)
        if "slots" in values and "heavy_slots" not in values:  # keep the light reserve when only slots is set
            values["heavy_slots"] = max(1, values["slots"] - 1)
        return cls(**values)


def trace_cost(source_words: int, max_new_tokens: int, sampling: bool) -> float:
    """Units of work of one trace, 1 = a 16-word sentence decoded greedily.

    The recorded arrays, and the figures drawn from them, grow with source length × decoding steps (cross-attention
    is steps × source per layer and head). Sampling at a high temperature rarely stops early, so it is charged the
    whole cap; greedy decoding of this grammar ends near the source's length, so it is charged at most 2 × source + 4
    steps. A 64-word sentence sampled with the cap at 100 costs 10 units.
    """
    steps = max_new_tokens if sampling else min(max_new_tokens, 2 * source_words + 4)
    return (source_words + 2) * (steps + 1) / REFERENCE_COST


class Refused(Exception):
    """A computation that was not admitted. reason: "server" (no slot in time), "session" (this session's previous
    computation still runs) or "budget" (the session's budget cannot pay it); retry_after_s: a fair guess."""

    def __init__(self, reason: str, retry_after_s: float) -> None:
        super().__init__(f"refused ({reason}); retry after {retry_after_s:.1f} s")
        self.reason = reason
        self.retry_after_s = retry_after_s


class Ticket:
    """An admitted computation: release it (or leave its `with` block) when the work is done. Idempotent."""

    def __init__(self, release: Callable[[], None] = lambda: None) -> None:
        self._release: Callable[[], None] | None = release

    def release(self) -> None:
        release, self._release = self._release, None
        if release is not None:
            release()

    def __enter__(self) -> Ticket:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


@dataclass
class _Bucket:
    level: float
    stamp: float


class Admission:
    """The process-wide gate and every session's budget. Thread-safe; one per server process."""

    MAX_BUCKETS = 10_000  # buckets that refilled to full are forgotten first (they equal a new one)

    def __init__(self, policy: Policy | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.policy = policy or Policy()
        self._clock = clock
        self._cond = threading.Condition()
        self._running = 0
        self._heavy = 0
        self._sessions: set[str] = set()  # sessions with a computation in flight
        self._buckets: dict[str, _Bucket] = {}
        self._queue: list[tuple[int, bool, str]] = []  # waiting (order, heavy, session), in arrival order
        self._order = itertools.count()

    # ------------------------------------------------------------------------------------------ reading
    def running(self) -> tuple[int, int]:
        """(computations, of which heavy) in flight now."""
        with self._cond:
            return self._running, self._heavy

    def budget(self, session: str) -> float:
        """Units the session could spend now."""
        with self._cond:
            return self._refill(session).level

    def is_heavy(self, cost: float) -> bool:
        return cost > self.policy.heavy_cost

    # ------------------------------------------------------------------------------------------ admitting
    def acquire(self, session: str, cost: float, wait_s: float | None = None) -> Ticket:
        """Admit one computation of `cost` units for `session`, waiting up to `wait_s` (default: the policy's) for a
        slot; raises Refused. The budget is checked first (refused at once) and paid on admission."""
        p = self.policy
        if not p.enabled:
            return Ticket()
        heavy = self.is_heavy(cost)
        charge = min(cost, p.burst)  # a single request never costs more than a full budget
        deadline = self._clock() + (p.wait_s if wait_s is None else wait_s)
        with self._cond:
            bucket = self._refill(session)
            if bucket.level < charge:
                wait = (charge - bucket.level) / p.refill_per_s if p.refill_per_s > 0 else math.inf
                raise Refused("budget", wait)
            me = (next(self._order), heavy, session)
            self._queue.append(me)
            try:
                while not self._may_start(me):
                    left = deadline - self._clock()
                    if left <= 0:
                        raise Refused("session" if session in self._sessions else "server", p.wait_s)
                    self._cond.wait(left)
            finally:
                self._queue.remove(me)
                self._cond.notify_all()  # the next in line may now be first
            self._refill(session).level -= charge
            self._running += 1
            self._heavy += heavy
            self._sessions.add(session)
        return Ticket(lambda: self._release(session, heavy))

    def _may_start(self, me: tuple[int, bool, str]) -> bool:
        order, heavy, session = me
        p = self.policy
        if session in self._sessions or self._running >= p.slots:
            return False
        # Only requests that could start hold the line: not those whose session already has one in flight.
        ready = [(o, h) for o, h, s in self._queue if s not in self._sessions]
        if heavy:
            # Light work first: a heavy request waits while any light one waits, and takes a heavy slot.
            if self._heavy >= p.heavy_slots or any(not h for _, h in ready):
                return False
        # First come, first served within the class.
        return all(o >= order for o, h in ready if h == heavy)

    def _release(self, session: str, heavy: bool) -> None:
        with self._cond:
            self._running -= 1
            self._heavy -= heavy
            self._sessions.discard(session)
            self._cond.notify_all()

    def _refill(self, session: str) -> _Bucket:
        p = self.policy
        now = self._clock()
        bucket = self._buckets.get(session)
        if bucket is None:
            if len(self._buckets) >= self.MAX_BUCKETS:
                self._forget_full(now)
            bucket = self._buckets[session] = _Bucket(p.burst, now)
        else:
            bucket.level = min(p.burst, bucket.level + (now - bucket.stamp) * p.refill_per_s)
            bucket.stamp = now
        return bucket

    def _forget_full(self, now: float) -> None:
        p = self.policy
        full = [s for s, b in self._buckets.items() if b.level + (now - b.stamp) * p.refill_per_s >= p.burst]
        for s in full or list(self._buckets)[: len(self._buckets) // 2]:
            del self._buckets[s]
