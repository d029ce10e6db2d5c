"""The URL to request and the identity of a page."""

from __future__ import annotations

import pytest

from crawler.urls import canonical_url, clean_url


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
