"""The admission policy alone (ui/admission.py): no streamlit, fake costs, a fake clock for budgets, threads for the
gate. Each limit is shown to bite: switched off, or with no light reserve, the same scenario goes the other way."""

from __future__ import annotations

import threading
import time

import pytest

from ui.admission import REFERENCE_COST, Admission, Policy, Refused, trace_cost

LIGHT, HEAVY = 1.0, 10.0  # a 16-word greedy trace; a 64-word trace sampled to the cap


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def policy(**kw) -> Policy:
    base = dict(slots=2, heavy_slots=1, heavy_cost=2.0, wait_s=0.05, burst=1e9, refill_per_s=1.0)
    return Policy(**{**base, **kw})


# ---------------------------------------------------------------------------------------------- settings and costs


def test_policy_from_env_defaults_and_overrides() -> None:
    assert Policy.from_env({}) == Policy()
    assert Policy().enabled and Policy().heavy_slots <= Policy().slots and Policy().slots >= 1
    p = Policy.from_env({"VIZ_LIMITS": "0", "VIZ_SLOTS": "4", "VIZ_WAIT_S": "0.5", "VIZ_BURST": "12",
                         "VIZ_REFILL": "2", "VIZ_HEAVY_COST": "3"})
    assert (p.enabled, p.slots, p.heavy_slots, p.wait_s, p.burst, p.refill_per_s, p.heavy_cost) == \
        (False, 4, 3, 0.5, 12.0, 2.0, 3.0)  # slots alone keeps one slot for light work
    assert Policy.from_env({"VIZ_SLOTS": "4", "VIZ_HEAVY_SLOTS": "4"}).heavy_slots == 4
    assert Policy.from_env({"VIZ_LIMITS": "1"}).enabled
    with pytest.raises(ValueError):
        Policy.from_env({"VIZ_SLOTS": "2", "VIZ_HEAVY_SLOTS": "3"})
    with pytest.raises(ValueError):
        Policy(wait_s=-1)


def test_trace_cost() -> None:
    assert trace_cost(16, 100, sampling=False) == pytest.approx(1.0)  # the reference
    assert REFERENCE_COST == (16 + 2) * (2 * 16 + 4 + 1)
    worst = trace_cost(64, 100, sampling=True)
    assert worst == pytest.approx(10.0, rel=0.01)
    assert trace_cost(20, 100, sampling=False) < trace_cost(20, 100, sampling=True)  # greedy: what it decodes
    assert trace_cost(64, 10, sampling=True) < worst  # a lower cap costs less
    assert trace_cost(6, 100, sampling=False) < 0.5  # an everyday sentence is light
    assert trace_cost(6, 100, sampling=False) <= Policy().heavy_cost < worst


# ---------------------------------------------------------------------------------------------- the budget


def test_budget_refuses_then_refills() -> None:
    clock = Clock()
    adm = Admission(policy(burst=3.0, refill_per_s=0.5), clock=clock)
    for _ in range(3):
        adm.acquire("a", LIGHT).release()
    with pytest.raises(Refused) as err:
        adm.acquire("a", LIGHT)
    assert err.value.reason == "budget" and err.value.retry_after_s == pytest.approx(2.0)
    adm.acquire("b", LIGHT).release()  # another session has its own budget
    clock.t += 2.0
    adm.acquire("a", LIGHT).release()
    assert adm.budget("a") == pytest.approx(0.0)
    clock.t += 100
    assert adm.budget("a") == pytest.approx(3.0)  # never more than the burst


def test_a_request_dearer_than_the_burst_costs_the_burst() -> None:
    clock = Clock()
    adm = Admission(policy(burst=3.0, refill_per_s=1.0), clock=clock)
    adm.acquire("a", 50.0).release()  # would never fit otherwise
    with pytest.raises(Refused) as err:
        adm.acquire("a", 50.0)
    assert err.value.retry_after_s == pytest.approx(3.0)


def test_a_refused_request_costs_nothing() -> None:
    clock = Clock()
    adm = Admission(policy(slots=1, heavy_slots=1, burst=5.0, wait_s=0.0), clock=clock)
    held = adm.acquire("other", LIGHT)
    with pytest.raises(Refused) as err:
        adm.acquire("a", LIGHT)
    assert err.value.reason == "server"
    assert adm.budget("a") == pytest.approx(5.0)
    held.release()


def test_switched_off_admits_everything() -> None:
    adm = Admission(policy(enabled=False, slots=1, heavy_slots=1, burst=0.0, wait_s=0.0))
    tickets = [adm.acquire("a", HEAVY) for _ in range(20)]  # same session, over every limit
    assert adm.running() == (0, 0)
    for t in tickets:
        t.release()


# ---------------------------------------------------------------------------------------------- the gate


def test_one_computation_per_session() -> None:
    adm = Admission(policy(slots=4, heavy_slots=3))
    first = adm.acquire("a", LIGHT)
    with pytest.raises(Refused) as err:
        adm.acquire("a", LIGHT)
    assert err.value.reason == "session"
    adm.acquire("b", LIGHT).release()  # another session is not held up
    first.release()
    first.release()  # idempotent
    adm.acquire("a", LIGHT).release()
    assert adm.running() == (0, 0)


@pytest.mark.parametrize("heavy_slots, light_admitted", [(1, True), (2, False)])
def test_light_work_keeps_its_slot(heavy_slots: int, light_admitted: bool) -> None:
    """With one slot reserved for light work, heavy requests from any number of sessions cannot take it; without the
    reserve (heavy_slots == slots) they can, and a light request is refused."""
    adm = Admission(policy(slots=2, heavy_slots=heavy_slots, wait_s=0.0))
    held = []
    for i in range(10):
        try:
            held.append(adm.acquire(f"attacker{i}", HEAVY))
        except Refused as err:
            assert err.reason == "server"
    assert len(held) == heavy_slots
    if light_admitted:
        adm.acquire("visitor", LIGHT).release()
    else:
        with pytest.raises(Refused):
            adm.acquire("visitor", LIGHT)
    for t in held:
        t.release()
    assert adm.running() == (0, 0)


def _waiter(adm: Admission, session: str, cost: float, order: list[str], hold: float = 0.0) -> threading.Thread:
    def run() -> None:
        try:
            with adm.acquire(session, cost):
                order.append(session)
                time.sleep(hold)
        except Refused:
            order.append(session + ":refused")

    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t


def _wait_queued(adm: Admission, n: int) -> None:
    deadline = time.monotonic() + 5
    while len(adm._queue) < n:
        assert time.monotonic() < deadline, "waiter never queued"
        time.sleep(0.005)


def test_waiting_light_request_goes_before_waiting_heavy_and_fifo_within_a_class() -> None:
    adm = Admission(policy(slots=1, heavy_slots=1, wait_s=5.0))
    held = adm.acquire("holder", LIGHT)
    order: list[str] = []
    threads = []
    for i, (name, cost) in enumerate([("heavy1", HEAVY), ("light1", LIGHT), ("heavy2", HEAVY), ("light2", LIGHT)]):
        threads.append(_waiter(adm, name, cost, order))
        _wait_queued(adm, i + 1)
    held.release()
    for t in threads:
        t.join(10)
    assert order == ["light1", "light2", "heavy1", "heavy2"]
    assert adm.running() == (0, 0) and not adm._queue


def test_a_timed_out_waiter_leaves_no_trace() -> None:
    adm = Admission(policy(slots=1, heavy_slots=1, wait_s=0.05))
    held = adm.acquire("holder", HEAVY)
    t0 = time.monotonic()
    with pytest.raises(Refused) as err:
        adm.acquire("late", HEAVY)
    assert 0.04 <= time.monotonic() - t0 < 2 and err.value.reason == "server"
    assert not adm._queue and adm.running() == (1, 1)
    held.release()
    adm.acquire("late", HEAVY).release()


def test_limits_hold_under_contention() -> None:
    """16 threads, 8 sessions, random light and heavy fake work: never more than `slots` at once, never more than
    `heavy_slots` heavy, never two of one session; no light request starves (a long wait: this machine is shared, so
    the test bounds starvation, not latency; the light reserve's latency is test_light_work_keeps_its_slot)."""
    p = policy(slots=3, heavy_slots=2, wait_s=30.0)
    adm = Admission(p)
    lock = threading.Lock()
    now = {"all": 0, "heavy": 0, "sessions": set()}
    seen = {"all": 0, "heavy": 0, "overlap": 0, "light_refused": 0, "done": 0}

    def worker(i: int) -> None:
        session = f"s{i % 8}"
        for k in range(12):
            cost = HEAVY if (i + k) % 3 == 0 else LIGHT
            try:
                with adm.acquire(session, cost):
                    with lock:
                        seen["overlap"] += session in now["sessions"]
                        now["sessions"].add(session)
                        now["all"] += 1
                        now["heavy"] += cost == HEAVY
                        seen["all"] = max(seen["all"], now["all"])
                        seen["heavy"] = max(seen["heavy"], now["heavy"])
                    time.sleep(0.004 if cost == HEAVY else 0.001)
                    with lock:
                        now["sessions"].discard(session)
                        now["all"] -= 1
                        now["heavy"] -= cost == HEAVY
                        seen["done"] += 1
            except Refused as err:
                with lock:
                    seen["light_refused"] += cost == LIGHT and err.reason == "server"

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert seen["all"] <= p.slots and seen["heavy"] <= p.heavy_slots and seen["overlap"] == 0
    assert seen["all"] >= 2 and seen["done"] > 0  # the gate let work run in parallel
    assert seen["light_refused"] == 0
    assert adm.running() == (0, 0) and not adm._queue


def test_buckets_are_bounded() -> None:
    clock = Clock()
    adm = Admission(policy(burst=2.0, refill_per_s=1.0), clock=clock)
    adm.MAX_BUCKETS = 50
    for i in range(500):
        adm.acquire(f"s{i}", LIGHT).release()
        clock.t += 0.01
    assert len(adm._buckets) <= 50
