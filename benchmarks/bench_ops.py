"""Speed of the course's cross-correlation: readable loop vs vectorized helpers vs PyTorch.

Run: ``.venv/bin/python benchmarks/bench_ops.py [--full-loop] [--repeat N]``

Two cases, float32 on the CPU:

1. one channel, 256x256 input, 3x3 kernel: ``helpers.corr2d_loop`` / ``helpers.corr2d`` /
   ``F.conv2d``;
2. a ``1x3x224x224`` input, 16 filters of ``3x3x3``: the loop composed per (filter, channel) pair as
   in the notes (``corr2d_loop`` summed over channels, stacked over filters) / ``helpers.conv2d``
   / ``F.conv2d``.

The target is the vectorized form within 3x of ``F.conv2d``. The loop of case 2 runs
16 * 3 = 48 single-channel loops; by default one pair is timed and multiplied by 48 (say
``--full-loop`` to run them all, about a minute). Prints a table; asserts nothing (speed targets
live here, not in timed tests).
"""

from __future__ import annotations

import argparse
import os

import torch
import torch.nn.functional as F

import helpers


def loop_multi(x, weight):
    """The notes' multi-channel correlation built from the single-channel loop."""
    return torch.stack(
        [sum(helpers.corr2d_loop(x_c, k_c) for x_c, k_c in zip(x, k, strict=True)) for k in weight]
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full-loop", action="store_true", help="run all 48 loops of case 2")
    parser.add_argument(
        "--repeat", type=int, default=200, help="timed runs of the fast forms (best kept)"
    )
    args = parser.parse_args()
    torch.manual_seed(0)
    load = os.getloadavg()[0]
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, float32, CPU")
    print(f"load average {load:.1f} on {os.cpu_count()} cores (other work skews the timings)")

    x1, k1 = torch.randn(256, 256), torch.randn(3, 3)
    x2, w2 = torch.randn(1, 3, 224, 224), torch.randn(16, 3, 3, 3)
    torch.testing.assert_close(
        helpers.corr2d(x1, k1), F.conv2d(x1[None, None], k1[None, None])[0, 0]
    )
    torch.testing.assert_close(helpers.conv2d(x2, w2), F.conv2d(x2, w2), rtol=1e-4, atol=1e-4)

    # Fastest of exactly --repeat runs after one warm-up run; the loops: one run after one warm-up.
    fast = dict(repeats=args.repeat, budget=0)
    once = dict(repeats=1, budget=0)
    # the fast forms first, so that the long Python loops cannot disturb them
    vec1 = helpers.time_call(helpers.corr2d, x1, k1, **fast)
    ref1 = helpers.time_call(F.conv2d, x1[None, None], k1[None, None], **fast)
    vec2 = helpers.time_call(helpers.conv2d, x2, w2, **fast)
    ref2 = helpers.time_call(F.conv2d, x2, w2, **fast)
    loop1 = helpers.time_call(helpers.corr2d_loop, x1, k1, **once)
    if args.full_loop:
        loop2, note = helpers.time_call(loop_multi, x2[0], w2, **once), ""
    else:
        loop2 = 48 * helpers.time_call(helpers.corr2d_loop, x2[0, 0], w2[0, 0], **once)
        note = " (1 of 48 pairs timed, x48)"
    rows = [
        ("256x256, 1 channel, 3x3", loop1, "", vec1, ref1),
        ("1x3x224x224, 16 filters 3x3", loop2, note, vec2, ref2),
    ]

    header = (
        f"{'case':30} {'loop':>10} {'vectorized':>11} {'F.conv2d':>10} {'loop/F':>9} {'vec/F':>7}"
    )
    print(header)
    print("-" * len(header))
    for name, loop, note, vec, ref in rows:
        print(
            f"{name:30} {loop * 1e3:8.1f}ms {vec * 1e3:9.3f}ms {ref * 1e3:8.3f}ms "
            f"{loop / ref:8.0f}x {vec / ref:6.2f}x{note}"
        )
    print("target: vectorized within 3x of F.conv2d")


if __name__ == "__main__":
    main()
