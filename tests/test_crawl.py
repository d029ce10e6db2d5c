"""Whole crawls, as users run them: from saved responses, and against a live local portal."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from conftest import PORTAL, ROOT, SCHEMA, comparable, run_crawl
from portal_server import FixturePortal

pytestmark = pytest.mark.slow  # crawls in subprocesses


START = "http://www.qsportal.test/"
CRAWLED_RE = re.compile(r"Crawled \((\d+)\) <GET (\S+)>")


def test_replay_crawl_writes_every_article_once_with_every_field(
        tmp_path: Path, expected_portal: list[dict]) -> None:
    crawl = run_crawl(tmp_path, START, f"REPLAY_DIR={PORTAL}")
    assert crawl.returncode == 0, crawl.log[-3000:]
    for record in crawl.records:
        jsonschema.validate(record, SCHEMA)
    assert comparable(crawl.records) == expected_portal
    assert len({r["url"] for r in crawl.records}) == len(crawl.records) == 24
    # Chinese stays readable in the file, one record per line.
    text = crawl.output.read_text("utf-8")
    assert "质量兴市" in text and "\\u" not in text
    assert "Replay has no saved response for http://www.qsportal.test/zlxs/content_1803.htm" \
        in crawl.log


def test_live_crawl_survives_faults_and_stays_on_site(
        tmp_path: Path, expected_portal: list[dict]) -> None:
    faults = {"/zjyw/200708/t20070823_123456.htm": [503], "/zlxs/node_12_2.htm": [500, 503]}
    # Another host (same machine, other name): a redirect there must not be followed.
    with FixturePortal(PORTAL) as elsewhere:
        offsite = elsewhere.origin.replace("127.0.0.1", "localhost") + "/zlxs/content_2001.htm"
        redirects = {"/zjyw/200708/t20070830_999999.htm": offsite}
        with FixturePortal(PORTAL, faults, redirects) as portal:
            crawl = run_crawl(tmp_path, portal.origin + "/")
            hits = dict(portal.hits)
        assert not elsewhere.hits
    assert crawl.returncode == 0, crawl.log[-3000:]
    assert comparable(crawl.records, portal.origin) == expected_portal
    # The 5xx pages were retried until they answered; nothing else was fetched twice.
    assert hits.pop("/zjyw/200708/t20070823_123456.htm") == 2
    assert hits.pop("/zlxs/node_12_2.htm") == 3
    assert hits["/zjyw/200708/t20070830_999999.htm"] == 1  # the redirect off the site
    assert max(hits.values()) == 1, hits
    # robots.txt fetched once (Scrapy obeys it, the spider reads its sitemaps from the same
    # response); obeyed; no trap, search or off-site request.
    assert hits["/robots.txt"] == 1
    assert not [path for path in hits if path.startswith(("/admin/", "/search/"))]
    crawled = [url for _, url in CRAWLED_RE.findall(crawl.log)]
    assert crawled and all(url.startswith(portal.origin) for url in crawled)
    # Bounded waste: 24 articles plus their extra page, 15 list pages (one a jpage proxy's
    # answer), a few others, and the sitemap and feed guesses (/sitemap.xml, /rss.xml, /feed).
    assert len(crawled) <= 56, sorted(hits)


def test_record_then_replay_gives_the_same_records(tmp_path: Path) -> None:
    record_dir = tmp_path / "recorded"
    with FixturePortal(PORTAL) as portal:
        live = run_crawl(tmp_path / "live", portal.origin + "/", f"RECORD_DIR={record_dir}")
        origin = portal.origin
    assert live.returncode == 0 and live.records
    saved = list(record_dir.rglob("response.json"))
    assert len(saved) >= len(live.records)
    replayed = run_crawl(tmp_path / "replay", origin + "/", f"REPLAY_DIR={record_dir}")
    assert replayed.returncode == 0, replayed.log[-3000:]
    assert comparable(replayed.records) == comparable(live.records)


def test_without_output_option_records_go_to_the_default_file(tmp_path: Path) -> None:
    feed = tmp_path / "runs" / "%(name)s-%(time)s.jsonl"
    done = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "portal", "-a",
         "start_urls=http://www.qsportal.test/zlxs/content_2001.htm",
         "-s", f"REPLAY_DIR={PORTAL}", "-s", f"PORTAL_DEFAULT_FEED={feed}"],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    files = list((tmp_path / "runs").glob("portal-*.jsonl"))
    assert len(files) == 1
    assert "大力推进质量兴市工作" in files[0].read_text("utf-8")
