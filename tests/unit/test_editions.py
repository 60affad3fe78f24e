"""The Chinese edition's build helpers: the language switch's links, the translations' glue roles,
the search's word list (scripts/editions.py, scripts/course_pages.py, scripts/terms.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.course_pages import language_switch
from scripts.editions import ZH, glue_from_the_page
from scripts.terms import load_terms, search_words


@pytest.mark.parametrize(
    ("pagename", "uri", "language", "href", "lang"),
    [
        ("book/pooling", "book/pooling.html", None, "../zh/book/pooling.html", "zh-CN"),
        ("book/pooling", "book/pooling.html", "zh_CN", "../../book/pooling.html", "en"),
        ("search", "search.html", None, "zh/search.html", "zh-CN"),
        ("search", "search.html", "zh_CN", "../search.html", "en"),
    ],
)
def test_the_switch_leads_to_the_same_page_in_the_other_edition(
    pagename, uri, language, href, lang
):
    html = language_switch(pagename, uri, language)
    assert f'href="{href}" hreflang="{lang}" lang="{lang}"' in html
    assert html.count("<a ") == 1


def test_the_chinese_edition_is_published_in_zh():
    assert (ZH.language, ZH.lang_attr, ZH.folder) == ("zh_CN", "zh-CN", "zh")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{glue:text}`n:.1f` 毫秒", "{glue:text}`pooling.md::n:.1f` 毫秒"),
        ("{glue:text}`word`", "{glue:text}`pooling.md::word:s`"),
        ("{glue}`fig`", "{glue}`pooling.md::fig`"),
        ("{glue:text}`other.md::n:.1f`", "{glue:text}`other.md::n:.1f`"),
        ("no role", "no role"),
    ],
)
def test_translations_glue_roles_name_their_page(text, expected):
    assert glue_from_the_page(text, Path("book/pooling.md")) == expected


def test_search_words_come_from_the_terminology_list():
    words = search_words(load_terms())
    assert {
        "卷积核",
        "互相关运算",
        "空洞卷积",
        "膨胀卷积",
        "感受野",
        "向下取整",
        "向上取整",
    } <= set(words)
    assert len(words) == len(set(words))
    assert all(" " not in w and "（" not in w for w in words)
