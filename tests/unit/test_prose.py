"""``helpers.glue``: through myst_nb when it is importable, printed when it is not."""

from __future__ import annotations

import sys

import pytest

import helpers
from helpers.prose import format_count_zh, format_value


@pytest.mark.parametrize(
    "value, text",
    [
        (50.4567, "50.46"),
        (99.98, "99.98"),
        (0.0421349, "0.04213"),
        (4265.7, "4,266"),
        (145388.2, "145,388"),
        (16, "16"),
        (True, "True"),
        ("faster", "faster"),
    ],
)
def test_format_value(value, text):
    assert format_value(value) == text


def test_without_myst_nb_the_value_is_printed_and_returned(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "myst_nb", None)  # import myst_nb now raises ImportError
    assert helpers.glue("loop_ms", 50.4567, display=False) == 50.4567
    assert capsys.readouterr().out == "loop_ms = 50.46\n"


def test_with_myst_nb_the_value_is_glued_not_printed(monkeypatch, capsys):
    import myst_nb

    calls = []
    monkeypatch.setattr(myst_nb, "glue", lambda *args, **kwargs: calls.append((args, kwargs)))
    assert helpers.glue("ratio", 4265.7, display=False) == 4265.7
    assert calls == [(("ratio", 4265.7), {"display": False})]
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("name", ["", None, 3])
def test_a_bad_name_says_what_to_pass(name):
    with pytest.raises(TypeError, match=r"glue: name must be a non-empty string .* got"):
        helpers.glue(name, 1.0)


@pytest.mark.parametrize(
    "words, english, chinese",
    [
        ("faster", "faster", "快"),
        (
            ["full 3×3", "pointwise 1×1"],
            "full 3×3; pointwise 1×1",
            "完整 3×3 卷积层、1×1 逐点卷积层",
        ),
        ([], "none", "无"),
    ],
)
def test_glue_words_glues_the_english_and_the_chinese(monkeypatch, capsys, words, english, chinese):
    monkeypatch.setitem(sys.modules, "myst_nb", None)
    assert helpers.glue_words("side", words) == english
    assert capsys.readouterr().out == f"side = {english}\nside_zh = {chinese}\n"


def test_glue_words_without_a_chinese_word_says_where_to_add_it():
    with pytest.raises(KeyError, match=r"no Chinese for \['sideways'\].*helpers\.prose\.ZH_CN"):
        helpers.glue_words("side", "sideways")


@pytest.mark.parametrize(
    "value, significant, text",
    [
        (475e9, None, "4750 亿"),  # "about 475 billion"
        (474_794_959_104, 3, "4750 亿"),  # rounded as the English figure is
        (118_013_952, 3, "1.18 亿"),
        (1_849_688_064, 3, "18.5 亿"),
        (54_992_896, 2, "5500 万"),
        (950_272, 2, "95 万"),
        (12_000, None, "1.2 万"),  # 万 from 10,000: one rule for every count
        (10_000, None, "1 万"),
        (9999, None, "9999"),  # plain digits below 10,000
        (9999, 3, "1 万"),  # rounded first, then written
        (99_999_999, 3, "1 亿"),
        (3.6, None, "3.6"),
        (0, 2, "0"),
    ],
)
def test_format_count_zh_writes_digits_with_wan_and_yi(value, significant, text):
    assert format_count_zh(value, significant) == text


@pytest.mark.parametrize(
    "value, significant, error, match",
    [
        ("475 billion", None, TypeError, r"value must be a number .* got '475 billion'"),
        (True, None, TypeError, r"value must be a number .* got True"),
        (475e9, 0, ValueError, r"significant must be a whole number .* got 0"),
        (475e9, 2.5, ValueError, r"significant must be a whole number .* got 2\.5"),
    ],
)
def test_format_count_zh_bad_input_says_what_to_pass(value, significant, error, match):
    with pytest.raises(error, match=match):
        format_count_zh(value, significant)


def test_glue_count_zh_glues_the_chinese_count_under_name_zh(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "myst_nb", None)
    assert helpers.glue_count_zh("fc_count", 474_794_959_104, significant=3) == "4750 亿"
    assert capsys.readouterr().out == "fc_count_zh = 4750 亿\n"
