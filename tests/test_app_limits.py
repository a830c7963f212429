"""Limits on expensive work in the app (ui/throttle.py over ui/admission.py), under AppTest: a busy server and an
exhausted budget are said in the interface language, with no traceback and nothing typed lost; a trace the cache
already holds is drawn however busy the server is; downloads pass the same gate.

Every test swaps in its own Admission (strict settings, a short wait) and puts the server's back after it. Each run
asks for a trace no other test asks for (a fresh seed), so it is a cache miss unless the test wants a hit.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator

import pytest
from streamlit.testing.v1 import AppTest

from ui import cache, throttle
from ui.admission import Admission, Policy, Refused
from ui.legacy_pages import navigation_only
from viz_model.decoding import DecodeSettings
from viz_model.i18n import label

SIXTEEN = "The black cat that the old woman sees does not sleep under the big table."  # light: 1.1 units sampled to 40
_seeds = itertools.count(424_242)


@pytest.fixture(scope="module", autouse=True)
def _navigation_only() -> Iterator[None]:
    with navigation_only():
        yield


@pytest.fixture()
def admission() -> Iterator[Callable[..., Admission]]:
    """admission(**policy) installs a fresh Admission for the app; the server's own is restored afterwards."""
    original = throttle.ADMISSION

    def install(**kw) -> Admission:
        throttle.ADMISSION = Admission(Policy(**{"wait_s": 0.05, **kw}))
        return throttle.ADMISSION

    yield install
    throttle.ADMISSION = original


def sampled(**extra: str) -> dict[str, str]:
    """Query parameters of a sampled, never-seen trace of SIXTEEN (a cache miss)."""
    return dict(q=SIXTEEN, temp="1.5", seed=str(next(_seeds)), max="40", **extra)


def new_app(**params: str) -> AppTest:
    at = AppTest.from_file("../app.py", default_timeout=300)  # the first run loads the model: slow on a busy machine
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_busy_server_says_so_and_keeps_the_text(admission, locale: str) -> None:
    adm = admission(slots=1, heavy_slots=1)
    held = adm.acquire("another visitor", 10.0)  # the only slot, taken
    try:
        at = new_app(**sampled(ui=locale))
        no_exception(at)
        want = throttle.message(Refused("server", 0.05), locale)
        assert [w.value for w in at.warning] == [want]
        assert label("try_again", locale) == at.button(key="try_again").label
        assert not at.get("plotly_chart")  # nothing drawn from a trace that was not computed
        assert at.text_input(key=f"w_sentence.{locale}").value == SIXTEEN  # what the visitor typed is kept
        assert at.query_params["q"] == SIXTEEN
    finally:
        held.release()
    at.button(key="try_again").click().run()  # the slot is free now: the same view is computed and drawn
    no_exception(at)
    assert not at.warning and at.get("plotly_chart")
    assert adm.running() == (0, 0)  # the run's ticket was given back when the run ended


def test_over_budget_says_when_to_come_back(admission) -> None:
    params = sampled(ui="zh")
    cost = throttle.cost_of(SIXTEEN, DecodeSettings(temperature=1.5, max_new_tokens=40))
    admission(burst=1.5 * cost, refill_per_s=0.001)
    at = new_app(**params)  # paid: half a trace's cost left
    no_exception(at)
    assert at.get("plotly_chart") and not at.warning
    seed = next(_seeds)
    at.number_input(key="w_seed.zh").set_value(seed).run()  # another trace: refused
    no_exception(at)
    text = [w.value for w in at.warning]
    assert len(text) == 1 and text[0].startswith("你在短时间内请求了大量计算"), text
    seconds = 0.5 * cost / 0.001  # until the budget can pay it again (less what refilled between the two runs)
    shown = int(re.search(r"约 (\d+) 秒", text[0]).group(1))
    assert seconds - 60 <= shown <= seconds + 1, (seconds, text[0])
    assert not at.get("plotly_chart") and at.button(key="try_again").label == "重试"
    assert at.number_input(key="w_seed.zh").value == seed  # the setting that was refused is kept
    assert at.query_params["seed"] == str(seed)


def test_a_cached_trace_is_never_blocked(admission) -> None:
    params = sampled()
    no_exception(new_app(**params))  # computed and cached, under the server's own limits
    adm = admission(slots=1, heavy_slots=1, burst=0.0)  # no slot, no budget
    held = adm.acquire("another visitor", 10.0)
    try:
        at = new_app(**params)  # a new session: the trace comes from the cache
        no_exception(at)
        assert not at.warning and at.get("plotly_chart")
        assert adm.running() == (1, 1)  # only the other visitor's
    finally:
        held.release()


def test_switched_off_limits_admit_everything(admission) -> None:
    adm = admission(enabled=False, slots=1, heavy_slots=1, burst=0.0)
    held = adm.acquire("another visitor", 10.0)
    at = new_app(**sampled())
    no_exception(at)
    assert not at.warning and at.get("plotly_chart")
    held.release()


def test_downloads_pass_the_gate_only_when_built() -> None:
    settings = DecodeSettings(temperature=1.5, seed=next(_seeds), max_new_tokens=40)
    asked: list[float] = []

    def refuse(cost: float):
        asked.append(cost)
        raise Refused("server", 1.0)

    with pytest.raises(Refused):
        cache.trace_download(SIXTEEN, "es", settings, "json", _gate=refuse)
    assert asked == [pytest.approx(throttle.cost_of(SIXTEEN, settings))]
    built = cache.trace_download(SIXTEEN, "es", settings, "json")  # the refusal was not cached
    assert cache.trace_download(SIXTEEN, "es", settings, "json", _gate=refuse) == built  # cached: not asked
    assert len(asked) == 1


def test_run_scope_holds_a_ticket_until_the_run_ends(admission) -> None:
    adm = admission(slots=2, heavy_slots=1)
    with throttle.run_scope():
        with throttle.gate("s")(5.0):
            pass
        assert adm.running() == (1, 1)  # still held: the figures are drawn after the trace is computed
    assert adm.running() == (0, 0)
    with throttle.gate("s")(5.0):  # outside a run (a download): held while the work is done
        assert adm.running() == (1, 1)
    assert adm.running() == (0, 0)
