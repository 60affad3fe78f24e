"""helpers.timing: behaviour only (how often fn runs, what comes back, threads restored, how two
times are put into words, how /proc/cpuinfo and cpuinfo_max_freq are read). No assert depends on
how fast this machine is."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from helpers import PeakEstimate, cpu_peak_estimate, relative_speed, time_call


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


# --- relative speed -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "seconds, reference, factor, word",
    [
        (1.0, 4.0, 4.0, "faster"),
        (4.0, 1.0, 4.0, "slower"),
        (0.002, 0.003, 1.5, "faster"),
        (2.0, 2.0, 1.0, "slower"),
    ],
)
def test_relative_speed_reads_right_either_way(seconds, reference, factor, word):
    got_factor, got_word = relative_speed(seconds, reference)
    assert got_word == word and got_factor == pytest.approx(factor)
    assert got_factor >= 1


@pytest.mark.parametrize(
    "seconds, reference, error, words",
    [
        (0, 1.0, ValueError, ["seconds", "greater than 0"]),
        (1.0, 0.0, ValueError, ["reference", "greater than 0"]),
        (-1.0, 1.0, ValueError, ["seconds", "negative"]),
        ("1 ms", 1.0, TypeError, ["seconds", "1 ms"]),
        (1.0, None, TypeError, ["reference", "None"]),
    ],
)
def test_relative_speed_bad_times_are_explained(seconds, reference, error, words):
    with pytest.raises(error) as info:
        relative_speed(seconds, reference)
    for word in words:
        assert word in str(info.value)


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


def test_peak_scales_with_cores():
    text = X86.format(mhz="2500.0", flags="avx avx2 fma")
    one, four = cpu_peak_estimate(cpuinfo=text), cpu_peak_estimate(4, cpuinfo=text)
    assert one.ghz == 2.5 and one.gflops == pytest.approx(80.0)
    assert four.gflops == pytest.approx(4 * one.gflops)


NO_MODEL_CLOCK = "model name\t: AMD EPYC\ncpu MHz\t\t: {mhz}\nflags\t\t: avx2 fma\n"


@pytest.mark.parametrize(
    "cpuinfo, max_freq, ghz, source",
    [
        # the rated maximum (kHz, as the kernel writes it) wins over everything in cpuinfo
        (X86.format(mhz="800.000", flags="avx2 fma"), "4200000\n", 4.2, "cpuinfo_max_freq"),
        # then the "@ 2.50GHz" in the model name, not the current (idle, low) clock
        (X86.format(mhz="800.000", flags="avx2 fma"), "", 2.5, "model name"),
        # no clock in the name: the first cpu MHz line (processor 0's, not processor 1's 1200)
        (NO_MODEL_CLOCK.format(mhz="2596.140") + "cpu MHz\t\t: 1200.0\n", "", 2.59614, "cpu MHz"),
        # a file that holds no number or zero is skipped
        (NO_MODEL_CLOCK.format(mhz="3000.0"), "unknown\n", 3.0, "cpu MHz"),
        (NO_MODEL_CLOCK.format(mhz="3000.0"), "0\n", 3.0, "cpu MHz"),
        (NO_MODEL_CLOCK.format(mhz="0.000"), "", 2.0, "assumed"),
    ],
)
def test_clock_source_order(cpuinfo, max_freq, ghz, source):
    est = cpu_peak_estimate(cpuinfo=cpuinfo, max_freq=max_freq, assumed_ghz=2.0)
    assert est.ghz == pytest.approx(ghz) and est.clock_source == source
    assert est.clock_read == (source != "assumed")


def test_given_cpuinfo_is_not_mixed_with_this_machines_max_freq(monkeypatch):
    reads = []
    monkeypatch.setattr("helpers.timing._read_text", lambda path: reads.append(path) or "5000000")
    est = cpu_peak_estimate(cpuinfo=X86.format(mhz="800.0", flags="avx2 fma"))
    assert reads == [] and (est.ghz, est.clock_source) == (2.5, "model name")


def test_reads_max_freq_file_first(monkeypatch):
    files = {"cpuinfo_max_freq": "3700000\n", "cpuinfo": X86.format(mhz="800.0", flags="avx")}
    monkeypatch.setattr("helpers.timing._read_text", lambda path: files[Path(path).name])
    est = cpu_peak_estimate()
    assert (est.ghz, est.clock_source, est.lanes) == (3.7, "cpuinfo_max_freq", 8)
    # a max_freq text given on its own is used with this machine's (here: fake) cpuinfo
    assert cpu_peak_estimate(max_freq="").clock_source == "model name"


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


def test_fallback_when_files_cannot_be_read(monkeypatch):
    monkeypatch.setattr("helpers.timing._read_text", lambda path: "")
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
        (dict(max_freq=3700000), TypeError, "max_freq"),
    ],
)
def test_bad_peak_arguments_are_explained(kwargs, error, word):
    with pytest.raises(error, match=word):
        cpu_peak_estimate(**kwargs)
