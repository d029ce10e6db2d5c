"""Date, text and URL helpers: the forms Chinese portals print, and the ones to reject."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from crawler import processors
from crawler.processors import (
    PORTAL_TZ,
    canonical_url,
    clean_url,
    find_date,
    normalize_space,
    paragraph_key,
    split_trailing_date,
)

NOW = datetime(2024, 1, 1, tzinfo=PORTAL_TZ)


@pytest.mark.parametrize(("text", "iso"), [
    ("2007-08-23 10:12", "2007-08-23T10:12:00+08:00"),
    ("2007-08-23 10:12:35", "2007-08-23T10:12:35+08:00"),
    ("2007年08月23日 10:12", "2007-08-23T10:12:00+08:00"),
    ("2007年08月23日10时12分", "2007-08-23T10:12:00+08:00"),
    ("2023年7月28日", "2023-07-28"),
    ("2007/8/23", "2007-08-23"),
    ("2007.08.23", "2007-08-23"),
    ("发布时间：2007-08-23", "2007-08-23"),
    ("2023-07-28T10:12:00+08:00", "2023-07-28T10:12:00+08:00"),
    ("2023-07-28T02:12:00Z", "2023-07-28T10:12:00+08:00"),
    ("2023-07-28 10:12:00.000", "2023-07-28T10:12:00+08:00"),
    ("2005-04-05 06:40更新", "2005-04-05T06:40:00+08:00"),
])
def test_find_date_forms(text: str, iso: str) -> None:
    parsed = find_date(text, now=NOW)
    assert parsed is not None and parsed.iso == iso


@pytest.mark.parametrize("text", [
    "2023-02-30", "0000-00-00", "2007-13-01", "2030-01-01", "8月22日", "电话：2007-0823", "",
])
def test_find_date_rejects_impossible_future_and_partial(text: str) -> None:
    assert find_date(text, now=NOW) is None


def test_find_date_skips_an_impossible_date_for_a_later_real_one() -> None:
    assert find_date("2023-02-30 或 2023-03-01", now=NOW).iso == "2023-03-01"  # type: ignore[union-attr]


@pytest.mark.parametrize(("title", "expected"), [
    ("四川成都市开展第二届“走进企业看质量”活动(2023-07-28)",
     ("四川成都市开展第二届“走进企业看质量”活动", "2023-07-28")),
    ("质量提升（2018-03-27）", ("质量提升", "2018-03-27")),
    ("质量提升 [2018/3/27]", ("质量提升", "2018-03-27")),
    ("2023年质量工作要点", ("2023年质量工作要点", None)),
    ("标题(2023-02-30)", ("标题(2023-02-30)", None)),
])
def test_split_trailing_date(title: str, expected: tuple[str, str | None]) -> None:
    assert split_trailing_date(title) == expected


@pytest.mark.parametrize(("url", "canonical"), [
    ("http://WWW.A.cn:80/zjyw/index.html", "http://www.a.cn/zjyw/"),
    ("http://www.a.cn/zjyw/", "http://www.a.cn/zjyw/"),
    ("http://www.a.cn/a/t1.html?print=1", "http://www.a.cn/a/t1.html"),
    ("http://www.a.cn/a/t1.html?utm_source=wx&spm=1.2#comments", "http://www.a.cn/a/t1.html"),
    ("http://www.a.cn/list.html?page=2&cat=3", "http://www.a.cn/list.html?cat=3&page=2"),
    ("https://www.a.cn:443/a/", "https://www.a.cn/a/"),
    ("http://www.a.cn/新闻/质量 兴市.html", "http://www.a.cn/%E6%96%B0%E9%97%BB/%E8%B4%A8%E9%87%8F%20%E5%85%B4%E5%B8%82.html"),
])
def test_canonical_url(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical


def test_clean_url_keeps_the_path_the_server_knows() -> None:
    assert clean_url("http://www.a.cn/zjyw/index.html?from=timeline") == \
        "http://www.a.cn/zjyw/index.html"


def test_normalize_space_removes_cjk_indentation() -> None:
    assert normalize_space("\u3000\u3000质量\xa0\xa0兴市\u200b ") == "质量 兴市"


@pytest.mark.parametrize("char", processors.INVISIBLE_SPACES)
def test_every_zero_width_space_splits_words(char: str) -> None:
    assert normalize_space(f"{char}质量{char}兴市{char}") == "质量 兴市"
    assert paragraph_key(f"质量{char} 兴市") == "质量兴市"


PLAIN_AND_NOT = [
    # plain: taken as they are, without parsing
    "http://www.a.cn/zjyw/201501/t20150101_3.html", "http://www.a.cn/", "http://1.2.3.4/a",
    "http://a-b.c-d.cn/x_y/z-1.htm", "http://www.a.cn/X/Y.HTML", "http://www.a.cn/a..b",
    "http://www.a.cn/~u/", "http://www.a.cn/zjyw/index.html", "https://www.a.cn/default.aspx",
    # not plain: what the full cleaning changes or might change
    "http://www.a.cn", "http://WWW.a.cn/x", "http://www.a.cn:80/x", "http://www.a.cn/./x",
    "http://www.a.cn/a/../b", "http://www.a.cn//x", "http://www.a.cn/%E4%B8%AD",
    "http://www.a.cn/中文.html", "http://www.a.cn/x.html#f", "http://www.a.cn/x?b=1&a=2",
    "https://www.a.cn/.well-known/x", "http://www.a.cn/a b", "http://www.a.cn/a/.x",
    " http://www.a.cn/a ", "ftp://www.a.cn/a",
]


@pytest.mark.parametrize("url", PLAIN_AND_NOT)
def test_plain_url_shortcut_gives_what_full_cleaning_gives(
        url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """URLs that look plain skip w3lib's parsing; the result must not change."""
    def uncached() -> tuple[str, str]:
        clean_url.cache_clear()
        canonical_url.cache_clear()
        return clean_url(url), canonical_url(url)

    shortcut = uncached()
    monkeypatch.setattr(processors, "_PLAIN_URL_RE", re.compile(r"(?!)"))  # never plain
    assert uncached() == shortcut
    monkeypatch.undo()
    uncached()  # no result of the slow path left in the caches


def test_plain_url_shortcut_is_taken_for_usual_article_urls() -> None:
    plain = [u for u in PLAIN_AND_NOT if processors._PLAIN_URL_RE.fullmatch(u)]
    assert len(plain) == 9
