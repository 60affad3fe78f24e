"""Measuring speed honestly: how long a call takes, and what the processor could do at most.

- :func:`time_call` times a function the way a careful person would by hand: warm it up, run it
  several times, and report the fastest (or the median) run, in seconds.
- :func:`relative_speed` turns two times into words that stay true on any machine: ``(2.5,
  "faster")`` or ``(1.3, "slower")``.
- :func:`cpu_peak_estimate` estimates a core's float32 peak in GFLOP/s from its clock and vector
  instructions, to judge a measured speed against (``2 * MACs / seconds / 1e9``).

Timings depend on the machine and on whatever else it is doing. Print them, compare them, never
assert them in a test; speed targets belong in ``benchmarks/``.
"""

from __future__ import annotations

import math
import numbers
import re
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import torch

_STATS = {"min": min, "median": statistics.median}


def _whole(value, name, minimum):
    if not isinstance(value, numbers.Integral) or isinstance(value, bool):
        raise TypeError(
            f"{name} must be a whole number, but got {value!r} (a {type(value).__name__}): "
            f"pass an int such as {max(minimum, 1)}"
        )
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, but got {value}")
    return int(value)


def _seconds(value, name):
    if not isinstance(value, numbers.Real) or isinstance(value, bool) or math.isnan(value):
        raise TypeError(f"{name} is a time in seconds (a number such as 0.02), but got {value!r}")
    if value < 0:
        raise ValueError(f"{name} is a time in seconds and cannot be negative, but got {value}")
    return float(value)


def time_call(
    fn,
    *args,
    stat="min",
    repeats=3,
    budget=0.02,
    max_repeats=200,
    warmup=1,
    threads=None,
):
    """Seconds that ``fn(*args)`` takes: ``stat`` (``"min"`` or ``"median"``) of several timed runs.

    How it measures, and why:

    1. **Warm-up.** ``fn(*args)`` is first called ``warmup`` times without timing. First calls
       pay one-off costs that are not the operation's: PyTorch choosing and caching an algorithm,
       memory being allocated, code and data being loaded into the caches.
    2. **Several runs.** It is then timed (``time.perf_counter``) at least ``repeats`` times, and
       more while the timed runs together take less than ``budget`` seconds, up to
       ``max_repeats`` runs (so a call of a few microseconds gets many runs, a slow one just
       ``repeats``). ``budget=0`` gives exactly ``repeats`` runs.
    3. **One number.** Other programs, interrupts and the clock only ever *add* time, so the
       fastest run (``stat="min"``, the default) is the best estimate of what the code itself
       costs. The median (``stat="median"``) is the typical run instead: what a user sees on a
       busy machine, and steadier than the minimum when runs vary a lot.

    ``threads``: if given, ``torch.set_num_threads(threads)`` is in force for the warm-up and the
    runs, and the previous setting is restored afterwards (even if ``fn`` raises). One thread gives
    steadier numbers on a shared machine; compare with ``os.cpu_count()`` to see what cores add.

    Pass keyword arguments of ``fn`` through a lambda: ``time_call(lambda: F.conv2d(x, w,
    padding=1))``. Wrap the call in ``torch.inference_mode()`` to time a layer without autograd.
    """
    if not callable(fn):
        raise TypeError(
            f"fn must be a function to call, but got {fn!r} (a {type(fn).__name__}): pass the "
            f"function itself, e.g. time_call(layer, x) or time_call(lambda: layer(x)), not the "
            f"result of calling it"
        )
    if stat not in _STATS:
        raise ValueError(f'stat must be "min" or "median", but got {stat!r}')
    repeats = _whole(repeats, "repeats", 1)
    max_repeats = _whole(max_repeats, "max_repeats", 1)
    warmup = _whole(warmup, "warmup", 0)
    budget = _seconds(budget, "budget")
    if threads is not None:
        threads = _whole(threads, "threads", 1)

    previous = torch.get_num_threads()
    if threads is not None:
        torch.set_num_threads(threads)
    try:
        for _ in range(warmup):
            fn(*args)
        times = []
        while len(times) < repeats or (sum(times) < budget and len(times) < max_repeats):
            start = time.perf_counter()
            fn(*args)
            times.append(time.perf_counter() - start)
    finally:
        if threads is not None:
            torch.set_num_threads(previous)
    return float(_STATS[stat](times))


def relative_speed(seconds, reference):
    """How ``seconds`` compares with ``reference`` (two measured times), in words for a sentence
    such as "im2col ran 2.1 times faster than F.conv2d".

    Returns ``(factor, word)``: ``word`` is ``"faster"`` when ``seconds < reference`` and
    ``"slower"`` otherwise, and ``factor = max(reference / seconds, seconds / reference)``, so
    ``factor >= 1`` and the sentence reads right whichever way the measurement went. Equal times
    give ``(1.0, "slower")`` ("1.0 times slower"): round the factor when you print it.
    """
    seconds, reference = _seconds(seconds, "seconds"), _seconds(reference, "reference")
    for value, name in ((seconds, "seconds"), (reference, "reference")):
        if value == 0:
            raise ValueError(
                f"{name} is a measured time and must be greater than 0, but got 0: time the "
                f"call with time_call, which never returns 0"
            )
    if seconds < reference:
        return reference / seconds, "faster"
    return seconds / reference, "slower"


@dataclass(frozen=True)
class PeakEstimate:
    """A processor's float32 peak, ``ghz * fma_units * lanes * 2 * cores`` GFLOP/s.

    ``lanes``: float32 numbers per vector instruction; ``fma_units``: vector multiply-add
    instructions a core can start per cycle; each multiply-add is 2 FLOPs. ``clock_source`` says
    where the clock came from: ``"cpuinfo_max_freq"`` (the highest clock the core is rated for,
    from ``/sys``), ``"model name"`` (the ``@ 2.50GHz`` in ``/proc/cpuinfo``'s processor name),
    ``"cpu MHz"`` (the clock at the moment ``/proc/cpuinfo`` was read) or ``"assumed"``.
    ``flags_read`` says whether the vector extensions came from ``/proc/cpuinfo`` (``True``) or
    were assumed (``False``).
    """

    ghz: float
    lanes: int
    fma_units: int
    cores: int
    clock_source: str
    flags_read: bool

    @property
    def clock_read(self):
        """``True`` if the clock was read from the machine, ``False`` if it was assumed."""
        return self.clock_source != "assumed"

    @property
    def gflops(self):
        """The estimated peak in GFLOP/s (billions of float32 operations per second)."""
        return self.ghz * self.fma_units * self.lanes * 2 * self.cores


CPUINFO = Path("/proc/cpuinfo")
MAX_FREQ = Path("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq")


def _read_text(path):
    try:
        return Path(path).read_text()
    except OSError:  # not Linux, no cpufreq driver (many virtual machines), or not readable
        return ""


def _text(value, name, what):
    if not isinstance(value, str):
        raise TypeError(
            f"{name} must be the text of {what} (a str), but got a {type(value).__name__}: read "
            f"it first, e.g. Path(...).read_text()"
        )
    return value


_NUMBER = r"(\d+(?:\.\d*)?)"
_CLOCKS = (  # (pattern, source, units per GHz), best first
    (r"\A\s*" + _NUMBER + r"\s*\Z", "cpuinfo_max_freq", 1e6),  # in kHz
    (r"^model name\s*:.*@\s*" + _NUMBER + r"\s*GHz", "model name", 1),
    (r"^cpu MHz\s*:\s*" + _NUMBER, "cpu MHz", 1000),
)


def _clock_ghz(cpuinfo, max_freq):
    """(GHz, source) from the best clock the texts give, or (None, "assumed")."""
    for pattern, source, per_ghz in _CLOCKS:
        text = max_freq if source == "cpuinfo_max_freq" else cpuinfo
        found = re.search(pattern, text, re.MULTILINE)
        if found and float(found.group(1)) > 0:
            return float(found.group(1)) / per_ghz, source
    return None, "assumed"


def cpu_peak_estimate(cores=1, *, cpuinfo=None, max_freq=None, assumed_ghz=3.0):
    """Estimate the float32 peak of ``cores`` cores (Linux): a :class:`PeakEstimate` (its
    ``.gflops`` is the number).

    Peak = clock × FMA units × lanes × 2 FLOPs per multiply-add, per core:

    - clock, the first of these that is known (``clock_source`` says which):
      ``/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq`` (kHz), the highest clock the core
      is rated for; the ``@ 2.50GHz`` at the end of ``/proc/cpuinfo``'s ``model name``; the first
      ``cpu MHz`` line of ``/proc/cpuinfo``, the clock of that moment (a laptop at rest reports
      0.4-1.2 GHz there, so it comes last); else ``assumed_ghz``;
    - lanes: 16 with AVX-512 (``avx512f``), 8 with AVX/AVX2 (256-bit vectors), else 4 (SSE, NEON);
    - FMA units: 2 if the ``fma`` flag is present (AVX2-era x86 cores have two), else 1;
    - no flags line at all: assume a typical x86 core, 8 lanes and 2 FMA units
      (``flags_read=False``).

    It is an estimate, not a measurement: turbo clocks, clocks lowered for AVX-512 and cores with a
    single FMA unit can move the real peak by up to a factor of two either way.

    ``cpuinfo`` / ``max_freq``: the texts to parse instead of reading ``/proc/cpuinfo`` /
    ``cpuinfo_max_freq`` (for tests, or another machine's files; ``""`` for a file that is
    missing). When ``cpuinfo`` is given and ``max_freq`` is not, no file is read at all, so another
    machine's ``cpuinfo`` is never mixed with this machine's clock.
    """
    cores = _whole(cores, "cores", 1)
    if not isinstance(assumed_ghz, numbers.Real) or isinstance(assumed_ghz, bool):
        raise TypeError(f"assumed_ghz is a clock in GHz (e.g. 3.0), but got {assumed_ghz!r}")
    if not assumed_ghz > 0:
        raise ValueError(f"assumed_ghz is a clock in GHz and must be positive, got {assumed_ghz}")
    if max_freq is None:
        max_freq = _read_text(MAX_FREQ) if cpuinfo is None else ""
    max_freq = _text(max_freq, "max_freq", "a cpuinfo_max_freq file")
    if cpuinfo is None:
        cpuinfo = _read_text(CPUINFO)
    cpuinfo = _text(cpuinfo, "cpuinfo", "a /proc/cpuinfo file")

    ghz, clock_source = _clock_ghz(cpuinfo, max_freq)
    if ghz is None:
        ghz = float(assumed_ghz)

    flag_line = re.search(r"^(?:flags|Features)\s*:(.*)$", cpuinfo, re.MULTILINE)
    if flag_line is None:
        lanes, fma_units, flags_read = 8, 2, False
    else:
        flags = set(flag_line.group(1).split())
        if "avx512f" in flags:
            lanes = 16
        elif flags & {"avx", "avx2"}:
            lanes = 8
        else:
            lanes = 4
        fma_units, flags_read = (2 if "fma" in flags else 1), True
    return PeakEstimate(ghz, lanes, fma_units, cores, clock_source, flags_read)
