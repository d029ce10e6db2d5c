"""Hostile pages and failing servers: the crawl goes on, every line it writes is sound, every
fault is counted, nothing leaves the site."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from scrapy.statscollectors import MemoryStatsCollector

from conftest import FAST, ROOT, SCHEMA
from hostile_server import GOOD, LATER, HostileServer

pytestmark = pytest.mark.slow  # crawls in subprocesses


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, list[str], dict, str]:
    """One cron run over the hostile portal: (summary, output lines, server hits, log)."""
    data = tmp_path_factory.mktemp("hostile")
    with HostileServer() as server:
        command = [sys.executable, "-m", "crawler.cron", "--start-urls", server.origin + "/",
                   "--data-dir", str(data), "--max-error-rate", "1.0"]
        for setting in (*FAST, "DOWNLOAD_TIMEOUT=3", "RETRY_TIMES=1",
                        "PORTAL_MAX_PAGE_BYTES=1048576"):
            command += ["-s", setting]
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
        hits = dict(server.hits)
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    summary = json.loads(next((data / "runs").glob("*.json")).read_text("utf-8"))
    lines = [line for path in (data / "output").glob("*.jsonl")
             for line in path.read_text("utf-8").splitlines()]
    log = next((data / "logs").glob("*.log")).read_text("utf-8")
    return summary, lines, hits, log


def records(run: tuple[dict, list[str], dict, str]) -> dict[str, dict]:
    return {json.loads(line)["url"].split("/", 3)[3]: json.loads(line) for line in run[1]}


def test_the_crawl_finishes_and_every_line_is_a_sound_record(hostile_run: tuple) -> None:
    summary, lines, _, log = hostile_run
    assert summary["finish_reason"] == "finished"
    for line in lines:
        jsonschema.validate(json.loads(line), SCHEMA)  # one complete record per line
    # Download failures are logged (with Scrapy's tracebacks); the spider never fails.
    assert "spider_exceptions/" not in log and "Spider error processing" not in log
    got = records(hostile_run)
    for path in (*GOOD, LATER):
        assert path.lstrip("/") in got, path


@pytest.mark.parametrize(("path", "title"), [
    ("bad/truncated.html", "截断在标签中间的页面"),
    ("bad/unclosed-tables.html", "表格没有闭合的页面"),
    ("bad/deep-nesting.html", "十万层嵌套的页面"),
    ("bad/huge.html", "二十兆的大页面"),
    ("bad/mixed-encodings.html", "混合编码的页面"),
    ("bad/nul-bytes.html", "带有空字节的页面"),
    ("bad/invalid-entities.html", "非法实体的页面"),
    ("srv/length-short", "长度声明比实际短的文章"),
])
def test_broken_html_still_gives_its_record(hostile_run: tuple, path: str, title: str) -> None:
    record = records(hostile_run)[path]
    assert record["title"] == title
    assert record["published_at"] == "2023-07-28T10:00:00+08:00"
    assert record["paragraphs"][0].startswith("这是第1段正文")
    assert all("\x00" not in p and "\ufffd" not in p for p in record["paragraphs"][:4])


@pytest.mark.parametrize("path", ["bad/impossible-date.html", "bad/zero-date.html",
                                  "bad/future-date.html", "bad/yearless-date.html"])
def test_impossible_dates_become_null_not_wrong(hostile_run: tuple, path: str) -> None:
    record = records(hostile_run)[path]
    assert record["published_at"] is None and record["paragraphs"]


def test_photo_news_and_odd_links(hostile_run: tuple) -> None:
    got = records(hostile_run)
    photo = got["bad/image-only.html"]
    assert photo["paragraphs"] == [] and photo["images"][0]["url"].endswith("/img/photo.jpg")
    related = got["bad/weird-links.html"]["related"]
    assert [r["title"] for r in related] == ["相对路径的标题", "空格和中文的标题"]
    assert related[1]["url"].endswith("/good/%E6%9C%89%20%E7%A9%BA%E6%A0%BC%20%E5%92%8C%E4%B8%AD%E6%96%87.html")


def test_pages_without_a_record_are_left_without_one(hostile_run: tuple) -> None:
    got = records(hostile_run)
    for path in ("bad/empty.html", "bad/binary.html", "bad/no-headline.html",
                 "bad/no-body.html", "srv/reset", "srv/length-lies", "srv/gzip-bomb",
                 "srv/brotli-bomb"):
        assert path not in got


def test_server_faults_are_retried_bounded_and_counted(hostile_run: tuple) -> None:
    summary, _, hits, _ = hostile_run
    assert hits["/srv/503-retry-after"] == 2 and hits["/srv/429"] == 2  # then answered
    assert hits["/srv/500"] == 2 and hits["/srv/503"] == 2  # one retry (RETRY_TIMES=1)
    assert hits["/srv/404"] == 1 and hits["/srv/410"] == 1  # never retried
    assert hits["/srv/loop"] == 1 and hits.get("/srv/loop2") == 1  # the loop is cut
    assert not [path for path in hits if "offsite" in path and path != "/srv/offsite"]
    assert hits["/srv/stall"] <= 2 and hits["/srv/gzip-bomb"] <= 2
    assert hits["/srv/brotli-bomb"] <= 2
    errors = summary["errors"]
    assert {"404", "410", "500", "503"} <= set(errors["http"])
    kinds = " ".join(errors["download"])
    assert "Timeout" in kinds  # the stall
    assert "DataLoss" in kinds  # the reset and the lying Content-Length
    assert summary["dropped"]["no_title"] >= 1  # bad/no-headline.html: dropped, counted


def test_memory_stays_bounded(hostile_run: tuple) -> None:
    _, _, _, log = hostile_run
    peak = max(int(n) for n in __import__("re").findall(r"'memusage/max': (\d+)", log))
    assert peak < 700 * 1024 * 1024


def test_internal_addresses_on_a_public_site_are_not_requested(
        tmp_path: Path, stats: MemoryStatsCollector) -> None:
    from scrapy.exceptions import IgnoreRequest
    from scrapy.http import Request

    from crawler.middlewares.safety import SafetyMiddleware

    public = SafetyMiddleware(stats, ["https://www.example.gov.cn/"])
    for url in ("http://127.0.0.1:6379/", "http://10.0.0.8/admin", "http://[::1]/",
                "http://localhost/x", "file:///etc/passwd", "ftp://a.cn/f"):
        with pytest.raises(IgnoreRequest):
            public.process_request(Request(url) if url.startswith("http") else
                                   Request("http://x.cn/").replace(url=url))
    assert public.process_request(Request("https://www.example.gov.cn/a.html")) is None
    local = SafetyMiddleware(stats, ["http://127.0.0.1:8000/"])  # a portal on this machine
    assert local.process_request(Request("http://127.0.0.1:8000/a.html")) is None
