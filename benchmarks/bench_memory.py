"""Peak memory and time of a large valid convolution: helpers.conv2d (im2col in bands), F.conv2d.

Run: ``.venv/bin/python benchmarks/bench_memory.py [--size 4000] [--kernel 11]``

Each call runs in its own interpreter and reports its wall time and its peak-RSS growth
(``ru_maxrss`` after minus before the call, input already made). Before the bands, im2col asked for
``k*k*(n-k+1)**2*4`` bytes (7.7 GB for 4000×4000 and 11×11); the budget is 1 GiB
(``helpers._validate.BUDGET_BYTES``). Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import subprocess
import sys

CALL = r"""
import resource, sys, time, torch, torch.nn.functional as F, helpers
n, k = int(sys.argv[1]), int(sys.argv[2])
x, w = torch.randn(1, 1, n, n), torch.randn(1, 1, k, k)
helpers.conv2d(x[..., :32, :32], w); F.conv2d(x[..., :32, :32], w)  # warm up
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
y = {fn}(x, w)
seconds = time.perf_counter() - start
growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
print(f"{seconds:.2f} {growth:.0f} {tuple(y.shape)}")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=4000)
    parser.add_argument("--kernel", type=int, default=11)
    args = parser.parse_args()
    n, k = args.size, args.kernel
    print(
        f"input 1×1×{n}×{n} float32, kernel {k}×{k}; one-shot im2col would need "
        f"{k * k * (n - k + 1) ** 2 * 4 / 1e9:.1f} GB"
    )
    print("| function | time (s) | peak RSS growth (MB) | output |\n|---|---:|---:|---|")
    for fn in ("helpers.conv2d", "F.conv2d"):
        out = subprocess.run(
            [sys.executable, "-c", CALL.replace("{fn}", fn), str(n), str(k)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split(maxsplit=2)
        print(f"| `{fn}` | {out[0]} | {out[1]} | {out[2].strip()} |")


if __name__ == "__main__":
    main()
