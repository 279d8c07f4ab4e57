"""Repeated timing: the median of several runs, after a warm-up."""

import statistics
import time


def median_seconds(run, repeat: int = 7, warmup: int = 1) -> float:
    for _ in range(warmup):
        run()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)
