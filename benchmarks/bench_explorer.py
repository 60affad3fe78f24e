"""How long one update of the live explorer takes (target: under 100 ms).

An update is what happens when a student moves a slider: the formula and shape are re-evaluated,
the example tensors rebuilt, the player's steps computed with helpers' operations, and its HTML
regenerated and handed to the Output widget. Measured two ways, without a browser:

- ``explorer_view``: the pure function (parameters in, HTML out);
- a slider change on a real ``explore()`` widget, through its observer, to the new output.

Run: ``.venv/bin/python benchmarks/bench_explorer.py``. Prints median and worst times per
configuration and the player's size; exits non-zero if a median exceeds the target.
"""

from __future__ import annotations

import statistics
import sys
import time

from helpers.widgets import explore, explorer_view

TARGET_MS = 100.0
REPEATS = 15

CONFIGS = {
    "default 5x5, k=3": {},
    "7x7, k=3, p=1, s=2, 2->3 channels": {
        "n": 7,
        "padding": 1,
        "stride": 2,
        "in_channels": 2,
        "out_channels": 3,
    },
    "12x12, k=3, p=1, 3->3 channels (largest)": {
        "n": 12,
        "padding": 1,
        "in_channels": 3,
        "out_channels": 3,
    },
    "max pooling 12x12, k=2, 3 channels": {
        "mode": "max",
        "n": 12,
        "kernel_size": 2,
        "stride": 2,
        "in_channels": 3,
    },
}


def timed(fn, repeats=REPEATS):
    fn()  # warm up (imports, caches)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def main() -> int:
    worst_median = 0.0
    print(f"{'configuration':44} {'median ms':>10} {'max ms':>8} {'KB':>6}")
    for name, params in CONFIGS.items():
        median, worst = timed(lambda p=params: explorer_view(p))
        size = len(explorer_view(params).encode()) / 1024
        worst_median = max(worst_median, median)
        print(f"{name:44} {median:10.1f} {worst:8.1f} {size:6.1f}")

    box = explore(n=8, kernel_size=3, in_channels=2, out_channels=2)
    slider = next(w for w in box.children[0].children if w.description == "padding p")
    values = iter([1, 0] * (REPEATS + 1))
    median, worst = timed(lambda: setattr(slider, "value", next(values)))
    worst_median = max(worst_median, median)
    print(f"{'slider change on explore() (8x8, 2->2)':44} {median:10.1f} {worst:8.1f}")
    verdict = "OK" if worst_median < TARGET_MS else "TOO SLOW"
    print(f"slowest median {worst_median:.1f} ms (target < {TARGET_MS:.0f} ms): {verdict}")
    return 0 if worst_median < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
