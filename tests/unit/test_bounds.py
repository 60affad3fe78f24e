"""Inputs that would exhaust memory or time are refused before anything large is allocated.

Every helper keeps its buffers within ``helpers._validate.BUDGET_BYTES`` (1 GiB): it refuses, with
a message naming the parameter and the size, any work whose buffers would be larger, and
``conv2d`` builds its im2col matrix in bands so that large *valid* inputs still work. Figures and
players draw at most ``MAX_CELLS`` cells per grid. Flags are ``True``/``False`` only.

The table runs in one fresh subprocess, which records each row's wall time and peak-RSS growth
(``ru_maxrss``: a row that allocated a large buffer, even briefly, raises the peak). The bounds in
the test are guards against a hang or a real allocation (they cannot flake under load); the
measured figures are printed by ``python tests/unit/test_bounds.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import helpers

# (id, code, exception, fragments the message must contain: the parameter and the size); the
# code's last line is the call measured, lines before it make its input
CASES = [
    (
        "corr2d padding=10**4",
        "helpers.corr2d(torch.ones(5, 5), torch.ones(3, 3), padding=10**4)",
        "ValueError",
        ["padding=10000", "20005×20005", "GiB"],
    ),
    (
        "conv2d output of 10**4 channels",
        "helpers.conv2d(torch.ones(1, 1, 5, 5), torch.ones(10**4, 1, 1, 1), padding=300)",
        "ValueError",
        ["the output", "10000×605×605", "GiB"],
    ),
    (
        "pad2d(x, 10**5)",
        "helpers.pad2d(torch.ones(5, 5), 10**5)",
        "ValueError",
        ["padding=100000", "200005×200005", "GiB"],
    ),
    (
        "insert_zeros(x, 10**6)",
        "helpers.insert_zeros(torch.ones(5, 5), 10**6)",
        "ValueError",
        ["stride=1000000", "4000001×4000001", "GiB"],
    ),
    (
        "conv_transpose2d stride=10**5",
        "helpers.conv_transpose2d(torch.ones(1, 1, 5, 5), torch.ones(1, 1, 3, 3), stride=10**5)",
        "ValueError",
        ["stride=100000", "400003×400003", "GiB"],
    ),
    (
        "conv_transpose2d_via_conv stride=10**5",
        "helpers.conv_transpose2d_via_conv(torch.ones(5, 5), torch.ones(3, 3), stride=10**5)",
        "ValueError",
        ["stride=100000", "GiB"],
    ),
    (
        "conv_transpose2d_scatter stride=10**5",
        "helpers.conv_transpose2d_scatter(torch.ones(5, 5), torch.ones(3, 3), stride=10**5)",
        "ValueError",
        ["stride=100000", "GiB"],
    ),
    (
        "pool2d kernel 2*10**5, padding 10**5",
        "helpers.pool2d(torch.ones(5, 5), 2 * 10**5, padding=10**5)",
        "ValueError",
        ["padding=100000", "GiB"],
    ),
    (
        "draw_grid 300×300",
        "helpers.draw_grid(np.zeros((300, 300)))",
        "ValueError",
        ["values is 300×300", "576 cells"],
    ),
    (
        "draw_receptive_field([400, None], [3])",
        "helpers.draw_receptive_field([400, None], [3])",
        "ValueError",
        ["layers[0]", "400×400", "576 cells"],
    ),
    (
        "animate 4000×4000 with 11×11",
        "x = torch.ones(4000, 4000)\nhelpers.animate(x, torch.ones(11, 11))",
        "ValueError",
        ["x is 4000×4000", "576 cells"],
    ),
    (
        "draw_correlation 4000×4000 with 11×11",
        "x = torch.ones(4000, 4000)\nhelpers.draw_correlation(x, torch.ones(11, 11))",
        "ValueError",
        ["x is 4000×4000", "576 cells"],
    ),
    (
        "animate complex x",
        "helpers.animate(torch.ones(3, 3, dtype=torch.complex64), torch.ones(2, 2))",
        "TypeError",
        ["x has dtype torch.complex64", "real"],
    ),
    (
        "animate int64 beyond 2**53",
        "helpers.animate(torch.tensor([[2**60, 1], [1, 1]]), torch.ones(1, 1, dtype=torch.int64))",
        "ValueError",
        ["x holds 1152921504606846976", "2**53"],
    ),
    (
        "pad2d value='0'",
        "helpers.pad2d(torch.ones(2, 2), 1, value='0')",
        "TypeError",
        ["value must be one real number", "'0'"],
    ),
    (
        "pad2d int x, value=0.5",
        "helpers.pad2d(torch.ones(2, 2, dtype=torch.int64), 1, value=0.5)",
        "ValueError",
        ["value=0.5", "torch.int64"],
    ),
    (
        "avg_pool2d count_include_pad='False'",
        "helpers.avg_pool2d(torch.ones(4, 4), 2, padding=1, count_include_pad='False')",
        "TypeError",
        ["count_include_pad must be True or False", "'False'"],
    ),
    (
        "conv2d_params bias='False'",
        "helpers.conv2d_params(3, 16, 3, bias='False')",
        "TypeError",
        ["bias must be True or False", "'False'"],
    ),
    (
        "linear_params bias='False'",
        "helpers.linear_params(10, 5, bias='False')",
        "TypeError",
        ["bias must be True or False", "'False'"],
    ),
]

WORKER = r"""
import json, resource, sys, time
import numpy as np, torch
import matplotlib
matplotlib.use("Agg")
import helpers

# warm up: import every module a case touches, so its import is not counted against the case
helpers.draw_grid(np.zeros((2, 2))); helpers.animate(torch.ones(3, 3), torch.ones(2, 2))
helpers.conv2d(torch.ones(1, 1, 3, 3), torch.ones(1, 1, 2, 2)); helpers.conv_transpose2d
helpers.pool2d(torch.ones(4, 4), 2); helpers.conv2d_params(1, 1, 1)

def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB

rows = []
for code in json.loads(sys.stdin.read()):
    *setup, call = code.splitlines()  # the input is made before the clock starts
    exec("\n".join(setup))
    before, start = peak(), time.perf_counter()
    try:
        exec(call)
        kind, message = None, ""
    except Exception as exc:
        kind, message = type(exc).__name__, str(exc)
    rows.append({"seconds": time.perf_counter() - start, "rss_growth": peak() - before,
                 "kind": kind, "message": message})
print(json.dumps(rows))
"""


def measure(codes: list[str]) -> list[dict]:
    """Run each line of code in one fresh interpreter; time and peak-RSS growth per line."""
    result = subprocess.run(
        [sys.executable, "-c", WORKER],
        input=json.dumps(codes),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.splitlines()[-1])


@pytest.fixture(scope="module")
def measured() -> dict[str, dict]:
    rows = measure([code for _, code, _, _ in CASES])
    return {case[0]: row for case, row in zip(CASES, rows, strict=True)}


@pytest.mark.parametrize("name, code, kind, fragments", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_refused_clearly_and_cheaply(measured, name, code, kind, fragments):
    row = measured[name]
    assert row["kind"] == kind, row["message"]
    for fragment in fragments:
        assert fragment in row["message"], (fragment, row["message"])
    # guards, far above the measured figures (see the module docstring), so they cannot flake:
    # a real allocation of the refused buffer would add at least 1 GiB, a hang never returns
    assert row["rss_growth"] < 200 * 2**20, row
    assert row["seconds"] < 30, row


@pytest.mark.parametrize("dtype", [torch.float32, torch.int64])
def test_conv2d_in_bands_equals_torch(dtype, monkeypatch):
    """A 600×600 input with an 11×11 kernel needs several im2col bands of at most CHUNK_BYTES;
    the bands together give exactly F.conv2d's result (integers exactly)."""
    x = torch.randint(-3, 4, (1, 2, 600, 600)).to(dtype)
    w = torch.randint(-3, 4, (3, 2, 11, 11)).to(dtype)
    band_columns = []  # one matrix product per band: count them and their output positions
    real_bmm = torch.bmm

    def counting_bmm(a, b):
        band_columns.append(b.shape[-1])
        return real_bmm(a, b)

    monkeypatch.setattr(torch, "bmm", counting_bmm)
    got = helpers.conv2d(x, w, torch.arange(3).to(dtype), padding=(2, 0), stride=(1, 2))
    monkeypatch.undo()
    h_out, w_out = got.shape[2:]
    assert 1 < len(band_columns) < h_out  # several bands, several rows each
    assert sum(band_columns) == h_out * w_out
    want = F.conv2d(
        x.double(), w.double(), torch.arange(3.0).double(), padding=(2, 0), stride=(1, 2)
    )
    assert got.dtype == dtype
    torch.testing.assert_close(got.double(), want, rtol=1e-5, atol=1e-3)
    if dtype == torch.int64:
        assert torch.equal(got, want.round().long())


def test_players_show_nan_and_infinity_as_such():
    x = torch.tensor([[float("nan"), 1.0, 2.0], [3.0, float("inf"), 5.0], [6.0, 7.0, 8.0]])
    player = helpers.animate(x, torch.ones(2, 2))
    texts = [step.text for step in player.steps]
    assert texts[0].endswith("= nan") and texts[1].endswith("= ∞")  # NaN poisons its sum
    assert texts[3] == "∞×1 + 5×1 + 7×1 + 8×1 = ∞"
    page = player._repr_html_()
    assert '"NaN"' in page and '"Infinity"' in page  # JSON has no NaN: JavaScript's names


def test_players_keep_int64_exact():
    big = 2**40 + 1  # float32 (the player's old dtype) would show 1099511627776
    steps = helpers.player_steps(
        torch.tensor([[big, 1], [1, 1]]), torch.ones(1, 1, dtype=torch.int64)
    )
    assert steps[0].text == f"{big}×1 = {big}"
    with pytest.raises(ValueError, match=r"sums of products may reach"):
        helpers.animate(torch.full((3, 3), 2**30), torch.full((2, 2), 2**30))


def test_flags_accept_real_bools():
    assert helpers.conv2d_params(3, 16, 3, bias=np.bool_(False)) == 16 * 3 * 9
    y = helpers.avg_pool2d(torch.ones(1, 4, 4), 2, padding=1, count_include_pad=False)
    assert torch.equal(y, torch.ones(1, 3, 3))


if __name__ == "__main__":
    # the measured table for the report: python tests/unit/test_bounds.py
    rows = measure([code for _, code, _, _ in CASES])
    print("| bad input | error | time (ms) | peak RSS growth (MB) |\n|---|---|---:|---:|")
    for (name, *_), row in zip(CASES, rows, strict=True):
        print(
            f"| `{name}` | {row['kind']} | {row['seconds'] * 1e3:.1f} | "
            f"{row['rss_growth'] / 2**20:.1f} |"
        )
