"""Repeated timing: the median of several runs, after a warm-up."""

import statistics
import time


def median_seconds(run, repeat: int = 7, warmup: int = 1) -> float:
    return paired_median_seconds(run, None, repeat=repeat, warmup=warmup)[0]


def paired_median_seconds(first, second, repeat: int = 7, warmup: int = 1) -> tuple[float, ...]:
    """The medians of two runs timed in turn, so that a machine slowing down or speeding
    up meanwhile moves both alike; `second` None times `first` alone."""
    runs = [run for run in (first, second) if run is not None]
    for _ in range(warmup):
        for run in runs:
            run()
    samples = [[] for _ in runs]
    for _ in range(repeat):
        for run, times in zip(runs, samples, strict=True):
            started = time.perf_counter()
            run()
            times.append(time.perf_counter() - started)
    return tuple(statistics.median(times) for times in samples)
