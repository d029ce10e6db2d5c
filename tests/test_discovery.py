"""Discovery beyond lists (sitemaps, feeds) and crawling a date window."""

from __future__ import annotations

import json
import re
import signal
import time
from pathlib import Path

import pytest

from conftest import Crawl, run_crawl
from discovery_portal import (
    ARTICLES,
    FEED_ONLY,
    LIST_PAGES,
    NEWS_ONLY,
    SITEMAP_ONLY,
    DiscoveryPortal,
)
from test_incremental import cron, start_cron

pytestmark = pytest.mark.slow  # crawls in subprocesses


def stats(log: str, key: str) -> int:
    match = re.search(rf"'{re.escape(key)}': (\d+)", log)
    return int(match.group(1)) if match else 0


def crawl_of(portal: DiscoveryPortal, tmp_path: Path) -> tuple[Crawl, list[str], dict[str, int]]:
    """A whole crawl of ``portal``: the run, the paths of its records, the requests per path."""
    with portal:
        crawl = run_crawl(tmp_path, portal.origin + "/")
        hits = dict(portal.hits)
    assert crawl.returncode == 0, crawl.log[-3000:]
    return crawl, [r["url"].removeprefix(portal.origin) for r in crawl.records], hits


def test_every_source_finds_its_articles_once(tmp_path: Path) -> None:
    crawl, urls, hits = crawl_of(DiscoveryPortal(), tmp_path)
    assert sorted(urls) == sorted(ARTICLES)  # each once, whichever sources list it
    for source in ("list", "sitemap", "feed"):
        assert stats(crawl.log, f"discovery/{source}/articles") > 0, source
    assert hits["/sitemaps/archive.xml.gz"] == 1 and hits["/sitemaps/news.xml"] == 1
    assert hits.get("/a/gone.html") == 1  # a sitemap that lies: one 404, nothing more
    assert all(p in urls for p in (*SITEMAP_ONLY, *NEWS_ONLY, *FEED_ONLY))


class NoRobotsPortal(DiscoveryPortal):
    """The same portal without a robots.txt: its sitemap index is at ``/sitemap.xml``."""

    def respond(self, path: str) -> tuple[int, dict[str, str], bytes]:
        if path == "/robots.txt":
            return 404, {"Content-Type": "text/html"}, b"<html>404</html>"
        return super().respond("/sitemap_index.xml" if path == "/sitemap.xml" else path)


class MovedRobotsPortal(DiscoveryPortal):
    """The same portal with its robots.txt moved: ``/robots.txt`` redirects to it."""

    def respond(self, path: str) -> tuple[int, dict[str, str], bytes]:
        if path == "/robots.txt":
            return 301, {"Location": "/static/robots.txt"}, b""
        return super().respond("/robots.txt" if path == "/static/robots.txt" else path)


@pytest.mark.parametrize(("portal", "fetched_once"), [
    (NoRobotsPortal, ("/robots.txt", "/sitemap.xml")),
    (MovedRobotsPortal, ("/robots.txt", "/static/robots.txt")),
], ids=["no-robots-txt-sitemap-where-it-usually-is", "redirected-robots-txt-fetched-once"])
def test_the_sitemaps_are_read_whatever_robots_txt_does(
        tmp_path: Path, portal: type[DiscoveryPortal], fetched_once: tuple[str, ...]) -> None:
    _, urls, hits = crawl_of(portal(), tmp_path)
    assert sorted(urls) == sorted(ARTICLES)  # the sitemap-only ones too
    assert [hits[path] for path in fetched_once] == [1] * len(fetched_once)


def test_a_date_window_bounds_records_and_requests(tmp_path: Path) -> None:
    with DiscoveryPortal() as portal:
        crawl = run_crawl(tmp_path, portal.origin + "/",
                          args=("-a", "since=2022-01-01", "-a", "until=2022-12-31"))
        hits = dict(portal.hits)
    assert crawl.returncode == 0, crawl.log[-3000:]
    days = sorted(r["published_at"][:10] for r in crawl.records)
    expected = sorted(str(d) for d in ARTICLES.values() if "2022-01-01" <= str(d) <= "2022-12-31")
    assert days == expected
    # Lists run newest first: the page of 2021 shows the window is passed; 2020's is not asked.
    assert hits.get("/list/index_2.html") == 1 and f"/list/index_{LIST_PAGES - 1}.html" not in hits
    outside = [p for p, d in ARTICLES.items() if not "2022-01-01" <= str(d) <= "2022-12-31"
               and (p in SITEMAP_ONLY or p in FEED_ONLY)]
    assert outside and not [p for p in outside if p in hits]  # listed with a date: not fetched


def test_a_killed_backfill_resumes_where_it_was(tmp_path: Path) -> None:
    window = ("-a", "since=2019-01-01")
    with DiscoveryPortal(delay=0.15) as portal:
        victim = start_cron(tmp_path, portal.origin + "/", *window, "--batch-records", "3",
                            "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1")
        log_dir = tmp_path / "logs"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            logs = list(log_dir.glob("*.log"))
            if logs and "Stored jsonlines feed" in logs[0].read_text():  # a file is complete
                break
            time.sleep(0.05)
        victim.send_signal(signal.SIGKILL)
        victim.communicate(timeout=30)
        first_hits = sum(n for p, n in portal.hits.items() if p in ARTICLES)
        portal.hits.clear()
        rerun = cron(tmp_path, portal.origin + "/", *window)
        assert rerun.returncode == 0, rerun.stderr[-2000:]
        second_hits = sum(n for p, n in portal.hits.items() if p in ARTICLES)
    urls = [json.loads(line)["url"].removeprefix(portal.origin)
            for path in (tmp_path / "output").glob("*.jsonl")
            for line in path.read_text("utf-8").splitlines()]
    assert sorted(urls) == sorted(ARTICLES)
    assert first_hits >= 3 and second_hits < len(ARTICLES)  # it went on, not over
