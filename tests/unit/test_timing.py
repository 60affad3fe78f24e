"""helpers.timing: behaviour only (how often fn runs, what comes back, threads restored, how
/proc/cpuinfo is read). No assert depends on how fast this machine is."""

from __future__ import annotations

import pytest
import torch

from helpers import PeakEstimate, cpu_peak_estimate, time_call


class Counter:
    """A function that counts its calls and remembers its arguments and the thread setting."""

    def __init__(self):
        self.calls, self.args, self.threads = 0, [], []

    def __call__(self, *args):
        self.calls += 1
        self.args.append(args)
        self.threads.append(torch.get_num_threads())


@pytest.mark.parametrize("stat", ["min", "median"])
def test_returns_positive_seconds(stat):
    seconds = time_call(lambda: sum(range(1000)), stat=stat)
    assert isinstance(seconds, float) and seconds > 0


@pytest.mark.parametrize("warmup, repeats", [(0, 1), (1, 3), (2, 5)])
def test_no_budget_calls_exactly_warmup_plus_repeats(warmup, repeats):
    fn = Counter()
    time_call(fn, 7, "a", warmup=warmup, repeats=repeats, budget=0)
    assert fn.calls == warmup + repeats
    assert fn.args == [(7, "a")] * fn.calls


def test_budget_adds_runs_up_to_max_repeats():
    fn = Counter()  # far faster than a 10-second budget, so only max_repeats stops it
    time_call(fn, warmup=1, repeats=2, budget=10.0, max_repeats=9)
    assert fn.calls == 1 + 9


def test_repeats_wins_over_smaller_max_repeats():
    fn = Counter()
    time_call(fn, warmup=0, repeats=4, budget=10.0, max_repeats=2)
    assert fn.calls == 4


def test_min_and_median_of_the_timed_runs(monkeypatch):
    # A fake clock: run i takes durations[i] seconds (the warm-up is not timed).
    durations = iter([5.0, 1.0, 3.0])
    now = [0.0]

    def fake_perf_counter():
        return now[0]

    def fn():
        now[0] += next(durations)

    monkeypatch.setattr("helpers.timing.time.perf_counter", fake_perf_counter)
    args = dict(warmup=0, repeats=3, budget=0)
    assert time_call(fn, stat="min", **args) == 1.0
    durations = iter([5.0, 1.0, 3.0])
    assert time_call(fn, stat="median", **args) == 3.0


def test_threads_set_during_runs_and_restored():
    before = torch.get_num_threads()
    fn = Counter()
    time_call(fn, threads=1, warmup=1, repeats=2, budget=0)
    assert fn.threads == [1, 1, 1]
    assert torch.get_num_threads() == before


def test_threads_restored_when_fn_raises():
    before = torch.get_num_threads()

    def boom():
        raise RuntimeError("inside fn")

    with pytest.raises(RuntimeError, match="inside fn"):
        time_call(boom, threads=1)
    assert torch.get_num_threads() == before


def test_threads_none_leaves_setting_alone():
    fn = Counter()
    time_call(fn, warmup=0, repeats=1, budget=0)
    assert fn.threads == [torch.get_num_threads()]


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        (dict(stat="mean"), ValueError, ["stat", "mean", "median"]),
        (dict(repeats=0), ValueError, ["repeats", "at least 1", "0"]),
        (dict(repeats=2.5), TypeError, ["repeats", "whole number", "2.5"]),
        (dict(warmup=-1), ValueError, ["warmup", "at least 0"]),
        (dict(budget=-0.1), ValueError, ["budget", "negative"]),
        (dict(budget="1s"), TypeError, ["budget", "seconds"]),
        (dict(threads=0), ValueError, ["threads", "at least 1"]),
        (dict(max_repeats=True), TypeError, ["max_repeats", "whole number"]),
    ],
)
def test_bad_options_are_explained(kwargs, error, words):
    with pytest.raises(error) as info:
        time_call(Counter(), **kwargs)
    for word in words:
        assert word in str(info.value)


def test_passing_a_result_instead_of_a_function_is_explained():
    with pytest.raises(TypeError, match="fn must be a function.*not the result"):
        time_call(torch.zeros(3))


# --- peak estimate ------------------------------------------------------------------------------

X86 = """processor\t: 0
vendor_id\t: GenuineIntel
model name\t: Some CPU @ 2.50GHz
cpu MHz\t\t: {mhz}
flags\t\t: fpu sse sse2 {flags}

processor\t: 1
cpu MHz\t\t: 1200.000
flags\t\t: fpu sse sse2 {flags}
"""


@pytest.mark.parametrize(
    "flags, lanes, fma_units",
    [
        ("avx avx2 fma avx512f avx512bw", 16, 2),
        ("avx avx2 fma", 8, 2),
        ("avx", 8, 1),
        ("sse4_1 sse4_2", 4, 1),
    ],
)
def test_peak_from_fake_cpuinfo(flags, lanes, fma_units):
    est = cpu_peak_estimate(cpuinfo=X86.format(mhz="2500.000", flags=flags))
    assert isinstance(est, PeakEstimate)
    assert (est.ghz, est.lanes, est.fma_units, est.cores) == (2.5, lanes, fma_units, 1)
    assert est.clock_read and est.flags_read
    assert est.gflops == pytest.approx(2.5 * fma_units * lanes * 2)


def test_peak_scales_with_cores_and_uses_first_clock():
    text = X86.format(mhz="3000.0", flags="avx avx2 fma")
    one, four = cpu_peak_estimate(cpuinfo=text), cpu_peak_estimate(4, cpuinfo=text)
    assert one.ghz == 3.0 and one.gflops == pytest.approx(96.0)
    assert four.gflops == pytest.approx(4 * one.gflops)


def test_arm_features_line():
    text = "processor\t: 0\nFeatures\t: fp asimd evtstrm aes crc32\nCPU part\t: 0xd0c\n"
    est = cpu_peak_estimate(cpuinfo=text, assumed_ghz=2.0)
    assert (est.lanes, est.fma_units, est.flags_read) == (4, 1, True)
    assert (est.ghz, est.clock_read) == (2.0, False)


@pytest.mark.parametrize("text", ["", "processor : 0\nmodel name : unknown\n"])
def test_fallback_when_nothing_is_known(text):
    est = cpu_peak_estimate(cpuinfo=text, assumed_ghz=3.0)
    assert (est.ghz, est.clock_read, est.flags_read) == (3.0, False, False)
    assert (est.lanes, est.fma_units) == (8, 2)
    assert est.gflops == pytest.approx(3.0 * 2 * 8 * 2)


def test_fallback_when_cpuinfo_cannot_be_read(monkeypatch):
    monkeypatch.setattr("helpers.timing._read_cpuinfo", lambda: "")
    est = cpu_peak_estimate(assumed_ghz=2.0)
    assert (est.ghz, est.clock_read, est.flags_read) == (2.0, False, False)


def test_reads_this_machine_without_error():
    est = cpu_peak_estimate()
    assert est.ghz > 0 and est.lanes in (4, 8, 16) and est.fma_units in (1, 2)
    assert est.gflops > 0


@pytest.mark.parametrize(
    "kwargs, error, word",
    [
        (dict(cores=0), ValueError, "cores"),
        (dict(cores=1.5), TypeError, "cores"),
        (dict(assumed_ghz=0), ValueError, "assumed_ghz"),
        (dict(assumed_ghz="3GHz"), TypeError, "assumed_ghz"),
        (dict(cpuinfo=b"flags: avx"), TypeError, "cpuinfo"),
    ],
)
def test_bad_peak_arguments_are_explained(kwargs, error, word):
    with pytest.raises(error, match=word):
        cpu_peak_estimate(**kwargs)
