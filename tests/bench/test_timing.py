"""The benchmark's timing: two runs timed in turn, so that both see the same machine."""

from bench.timing import median_seconds, paired_median_seconds


def test_paired_runs_alternate_after_their_warm_up():
    order = []
    medians = paired_median_seconds(
        lambda: order.append("first"), lambda: order.append("second"), repeat=3, warmup=1
    )
    assert order == ["first", "second"] * 4
    assert len(medians) == 2


def test_the_median_is_of_each_run_s_own_times(monkeypatch):
    clock = iter([0, 1, 10, 12, 20, 21, 30, 33, 40, 41, 50, 52])  # first: 1, 1, 1; second: 2, 3, 2
    monkeypatch.setattr("bench.timing.time.perf_counter", lambda: next(clock))
    assert paired_median_seconds(lambda: None, lambda: None, repeat=3, warmup=0) == (1, 2)


def test_a_single_run_is_timed_alone():
    calls = []
    median_seconds(lambda: calls.append(1), repeat=5, warmup=2)
    assert len(calls) == 7
