"""``python -m crawler.extract``: saved pages in, one record per file out, errors inline."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from argparse import Namespace
from datetime import timedelta
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import Response
from scrapy.statscollectors import StatsCollector
from scrapy.utils.test import get_crawler

from conftest import PORTAL, ROOT
from crawler.cron import EXIT_ANOMALY, EXIT_OK, verdict
from crawler.extract import extract
from crawler.items import Article
from crawler.pages.article import ArticlePage
from crawler.pages.document import Document
from crawler.pages.kinds import Page, PageKind
from crawler.pages.sitemaps import parse_feed, parse_sitemap, robots_sitemaps
from crawler.pipelines import ExtractionLayerPipeline
from crawler.state.middleware import StateMiddleware
from crawler.state.sqlite import SqliteState

ARTICLE = """<html><head><title>市场监管局开展春季农资打假_工作动态</title></head><body>
<h1>市场监管局开展春季农资打假</h1><p>发布时间：2023-03-15 09:30 来源：某县市场监管局</p>
<div><p>　　为保障春耕生产，某县市场监管局近日开展春季农资打假专项行动，检查农资经营户四十余家。</p>
<p>　　执法人员重点检查了化肥、农药、种子的进货台账和产品标识，对发现的问题责令整改。</p></div>
<ul><li><a href="/gzdt/t20230301_1.html">另一条工作动态的标题</a></li></ul>
</body></html>"""


def run_extract(*args: str) -> list[dict]:
    done = subprocess.run([sys.executable, "-m", "crawler.extract", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=60, check=True)
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_extract_prints_one_record_per_file_in_order_and_goes_on_after_errors(
        tmp_path: Path) -> None:
    gbk = tmp_path / "gbk-no-charset.html"
    gbk.write_bytes(ARTICLE.encode("gbk"))
    wrapped = tmp_path / "cleaneval.html"
    wrapped.write_bytes(b'<text id="http://www.example.gov.cn/gzdt/t20230315_9.html" '
                        b'title="x" encoding="gb2312">\n' + ARTICLE.encode("gbk") + b"\n</text>")
    records = run_extract(str(gbk), str(tmp_path / "missing.html"), str(wrapped),
                          str(PORTAL / "zlxs-seed-article-body-twice"))
    assert [r.get("error", "")[:10] for r in records] == ["", "unreadable", "", ""]
    first, _, third, seed = records
    assert first["title"] == third["title"] == "市场监管局开展春季农资打假"
    assert first["published_at"] == "2023-03-15T09:30:00+08:00"
    assert first["source"] == "某县市场监管局"
    assert len(first["paragraphs"]) == 2 and first["paragraphs"][0].startswith("为保障春耕生产")
    assert first["url"].startswith("file://")
    assert third["url"] == "http://www.example.gov.cn/gzdt/t20230315_9.html"
    assert len(seed["paragraphs"]) == 5 and seed["extracted_by"]["paragraphs"] == "generic"


def test_extract_url_option_resolves_links(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text(ARTICLE.replace("</div>", '<p>附件：<a href="f/a.pdf">计划.pdf</a></p></div>'),
                    "utf-8")
    record = run_extract(str(page), "--url", "http://www.example.gov.cn/gzdt/t1.html")[0]
    assert record["attachments"] == [{"url": "http://www.example.gov.cn/gzdt/f/a.pdf",
                                      "title": "计划.pdf"}]


def test_template_rules_that_stop_matching_are_reported(caplog: pytest.LogCaptureFixture) -> None:
    pipeline = ExtractionLayerPipeline()
    template = Article(url="http://a/1", channel="要闻", extracted_by={"paragraphs": "template"})
    generic = Article(url="http://a/2", channel="要闻", extracted_by={"paragraphs": "generic"})
    elsewhere = Article(url="http://a/3", channel="公告", extracted_by={"paragraphs": "generic"})
    with caplog.at_level(logging.WARNING):
        for item in (template, elsewhere, generic, generic):
            pipeline.process_item(item)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "要闻" in warnings[0] and "http://a/2" in warnings[0]


def _summary(fallback: float | None, missing: float | None, valid: int = 20) -> dict:
    return {"finish_reason": "finished", "start_pages_ok": 1, "error_count": 0, "requests": 50,
            "records": {"valid": valid}, "fallback_extraction_rate": fallback,
            "fallback_example": "http://a/2",
            "missing_field_rates": {"published_at": missing}}


@pytest.mark.parametrize(("now", "expected"), [
    (_summary(0.05, 0.0), EXIT_OK),
    (_summary(0.9, 0.0), EXIT_ANOMALY),  # the template rules stopped matching
    (_summary(0.05, 0.8), EXIT_ANOMALY),  # dates vanished
    (_summary(0.9, 0.8, valid=2), EXIT_OK),  # too few records to say
])
def test_cron_flags_a_redesign_against_recent_runs(now: dict, expected: int) -> None:
    history = [_summary(0.0, 0.05), _summary(0.1, 0.0), _summary(0.05, 0.1)]
    code, _reason = verdict(now, history, Namespace(max_error_rate=0.2, field_jump=0.5))
    assert code == expected


# Links urllib refuses to parse: a bracket that opens no IPv6 address, a full-width colon
# or slash in the host (NFKC turns them into ":" and "/"), in every place a URL is read.
BROKEN = ("http://[x/a.html", "//[x/b.html", "HTTP://[x/c.html", "http://www.example.gov.cn：8080/d",
          "http://www.example.gov.cn／e.html", "javascript://[")


def test_links_urllib_cannot_parse_cost_those_links_not_the_page(tmp_path: Path) -> None:
    links = "".join(f'<a href="{href}">坏链接{i}</a>' for i, href in enumerate(BROKEN))
    page = tmp_path / "p.html"
    page.write_text(ARTICLE.replace("<head>", '<head><base href="http://[x/">'
                                    '<link rel="canonical" href="//[x/t1.html">')
                    .replace("</div>", f'<p>附件：<a href="f/a.pdf">计划.pdf</a>{links}'
                             '<img src="//[x/e.png"></p></div>'), "utf-8")
    url = "http://www.example.gov.cn/gzdt/t1.html"
    record = extract(page, url)
    assert "error" not in record and record["title"] == "市场监管局开展春季农资打假"
    assert record["url"] == url  # the broken canonical link and <base> are left aside
    assert record["attachments"] == [{"url": "http://www.example.gov.cn/gzdt/f/a.pdf",
                                      "title": "计划.pdf"}]
    lines = ArticlePage(Document.from_bytes(url, page.read_bytes())).lines
    anchors = {a.text: a.url for line in lines for a in line.anchors}
    assert [anchors[f"坏链接{i}"] for i in range(len(BROKEN))] == [""] * len(BROKEN)  # nowhere


def test_sitemaps_feeds_and_redirects_skip_urls_urllib_cannot_parse(tmp_path: Path) -> None:
    base = "http://www.example.gov.cn/sitemap.xml"
    locs = "".join(f"<url><loc>{href}</loc></url>" for href in (*BROKEN[:2], "/a/t1.html"))
    pages, _ = parse_sitemap(f"<urlset>{locs}</urlset>".encode(), base)
    assert [entry.url for entry in pages] == ["http://www.example.gov.cn/a/t1.html"]
    items = "".join(f"<item><link>{href}</link></item>" for href in ("/a/t2.html", BROKEN[3]))
    assert [e.url for e in parse_feed(f"<rss><channel>{items}</channel></rss>".encode(), base)] \
        == ["http://www.example.gov.cn/a/t2.html"]
    assert robots_sitemaps(f"Sitemap: {BROKEN[1]}\nSitemap: /s.xml\n".encode(), base) \
        == ["http://www.example.gov.cn/s.xml"]
    state = SqliteState(tmp_path / "s.sqlite3")
    middleware = StateMiddleware(state, StatsCollector(get_crawler()), 30, timedelta(days=7))
    old = Request("http://www.example.gov.cn/old.html")
    response = Response(old.url, status=301, headers={"Location": BROKEN[0]}, request=old)
    assert middleware.process_response(old, response) is response


def test_a_list_page_with_links_urllib_cannot_parse_lists_the_rest() -> None:
    rows = [f'<li><a href="/gzdt/t2023030{i}_{i}.html">工作动态标题第{i}条</a> 2023-03-0{i}</li>'
            for i in range(1, 6)]
    rows += [f'<li><a href="{href}">坏链接标题第{i}条</a> 2023-03-09</li>'
             for i, href in enumerate(BROKEN)]
    html = (f"<html><head><title>工作动态</title></head><body><ul>{''.join(rows)}</ul>"
            '<div>共2页 <a href="index_1.html">下一页</a></div></body></html>')
    page = Page(Document.from_bytes("http://www.example.gov.cn/gzdt/index.html", html.encode()))
    assert page.kind is PageKind.LIST
    assert [item.url for item in page.listing.articles] == [
        f"http://www.example.gov.cn/gzdt/t2023030{i}_{i}.html" for i in range(1, 6)]
    assert page.listing.next_page == "http://www.example.gov.cn/gzdt/index_1.html"
