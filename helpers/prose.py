"""Values the prose quotes: glued into the book's text, printed in a plain notebook.

The book (Jupyter Book, MyST-NB) puts a computed value into a sentence with ``{glue:text}`name```.
``glue`` is the one place a chapter hands such a value over. When ``myst_nb`` is importable (the
book build, the chapters' own tests) it glues through ``myst_nb.glue``; elsewhere (an exported
notebook on Colab, a student's own Jupyter) there is no text to fill in, so it prints
``name = value`` below the cell, where the notebook's text points to it. Nothing else in the course
needs ``myst_nb`` at run time.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from numbers import Integral, Real

__all__ = ["glue", "glue_words", "glue_count_zh", "format_value", "format_count_zh", "ZH_CN"]


def format_value(value) -> str:
    """``value`` as a short number: ``12.34``, ``0.04213``, ``5,208``; others as ``str``."""
    if isinstance(value, bool) or not isinstance(value, Real):
        return str(value)
    if isinstance(value, Integral) or abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def glue(name: str, value, display: bool = True):
    """Name ``value`` for the prose (as ``myst_nb.glue``) and return it.

    ``display=False`` hides the value in the book, where the text shows it. Without ``myst_nb`` the
    value is always printed, as ``name = value``: a plain notebook cannot put it into the text.
    """
    if not isinstance(name, str) or not name:
        raise TypeError(
            f"glue: name must be a non-empty string (the name the text uses), got {name!r}."
        )
    try:
        from myst_nb import glue as myst_glue
    except ImportError:
        print(f"{name} = {format_value(value)}")
    else:
        myst_glue(name, value, display=display)
    return value


# The Chinese edition's words for the words a chapter glues into its sentences. Its catalogue
# names ``<name>_zh`` where the English text names ``<name>`` (glue_words glues both).
ZH_CN = {
    "faster": "快",
    "slower": "慢",
    "left": "左",
    "right": "右",
    "none": "无",
    "full 3×3": "完整 3×3 卷积层",
    "depthwise 3×3": "3×3 深度卷积层",
    "pointwise 1×1": "1×1 逐点卷积层",
    "depthwise, ch-last": "通道在后的深度卷积层",
    "both ran slower with more threads, as happens on a busy machine": (
        "两者在线程更多时都变慢了，繁忙的机器上常会如此"
    ),
    "the full layer gained more, as predicted": "完整层获益更多，与预测一致",
    "here the depthwise layer gained more, against the prediction": (
        "这里深度卷积层获益更多，与预测相反"
    ),
    "the two gained the same": "两者获益相同",
}


def glue_words(name: str, words: str | list[str], separator: str = "; ") -> str:
    """Glue words for a sentence, ``name`` in English and ``name_zh`` in the Chinese edition's
    words (:data:`ZH_CN`); a list is joined by ``separator`` (``"、"`` in Chinese). Returns the
    English text."""
    items = [words] if isinstance(words, str) else list(words)
    missing = [w for w in items if w not in ZH_CN]
    if missing:
        raise KeyError(
            f"glue_words: no Chinese for {missing!r}; add it to helpers.prose.ZH_CN so the "
            "Chinese edition does not show English words in its sentences."
        )
    english = separator.join(items) if items else "none"
    chinese = "、".join(ZH_CN[w] for w in items) if items else ZH_CN["none"]
    glue(name, english, display=False)
    glue(f"{name}_zh", chinese, display=False)
    return english


# Chinese groups large numbers by 10^4, not 10^3: 万 (10^4) and 亿 (10^8).
ZH_UNITS = ((10**8, "亿"), (10**4, "万"))


def format_count_zh(value, significant: int | None = None) -> str:
    """A count as Chinese technical writing states it: Arabic digits, with 亿 (10^8) from
    100,000,000 and 万 (10^4) from 10,000, plain digits below: ``475e9`` -> ``"4750 亿"``,
    ``118_013_952`` with ``significant=3`` -> ``"1.18 亿"``, ``12_000`` -> ``"1.2 万"``,
    ``9999`` -> ``"9999"``.

    ``significant`` rounds to that many significant digits first (half to even, as ``round``),
    the precision of the English figure ("about 118 million" is 3 digits); ``None`` keeps every
    digit. 万 starts at 10,000 (``"1.2 万"``, not ``"12000"``), so one rule covers every count
    and a reader never counts zeros."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(
            f"format_count_zh: value must be a number (a count), got {value!r}; "
            "pass the computed count, e.g. format_count_zh(118_013_952, significant=3)."
        )
    if significant is not None and (
        isinstance(significant, bool) or not isinstance(significant, Integral) or significant < 1
    ):
        raise ValueError(
            f"format_count_zh: significant must be a whole number of digits >= 1 or None, got "
            f'{significant!r}; e.g. significant=3 for "about 118 million".'
        )
    number = Decimal(int(value)) if isinstance(value, Integral) else Decimal(repr(float(value)))
    if significant is not None and number:
        step = Decimal(1).scaleb(number.adjusted() - significant + 1)
        number = number.quantize(step, rounding=ROUND_HALF_EVEN)
    for unit, word in ZH_UNITS:
        if abs(number) >= unit:
            return f"{_digits(number / unit)} {word}"
    return _digits(number)


def _digits(number: Decimal) -> str:
    """``number`` in plain digits, without trailing zeros after the point: 4750, 1.18, 9999."""
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def glue_count_zh(name: str, value, significant: int | None = None) -> str:
    """Glue ``value`` as the Chinese edition writes the count (:func:`format_count_zh`) under
    ``name_zh``, the name its catalogue uses where the English text states the count in words
    ("about 475 billion" -> "约 4750 亿"). Returns the Chinese text, for the chapter to assert."""
    text = format_count_zh(value, significant)
    glue(f"{name}_zh", text, display=False)
    return text
