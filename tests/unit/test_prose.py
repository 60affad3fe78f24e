"""``helpers.glue``: through myst_nb when it is importable, printed when it is not."""

from __future__ import annotations

import sys

import pytest

import helpers
from helpers.prose import format_value


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
