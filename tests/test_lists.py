"""List mechanisms of real CMSs, followed end to end: every article a list shows is found,
the incremental walk stops where it may, and the stats name each mechanism."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_crawl
from pager_portal import MECHANISMS, PagerPortal
from test_incremental import cron, records, summaries

pytestmark = pytest.mark.slow  # crawls in subprocesses


def test_every_article_of_every_pager_is_found(tmp_path: Path) -> None:
    with PagerPortal(per_channel=35) as portal:
        crawl = run_crawl(tmp_path, portal.origin + "/")
        expected = portal.articles()
    assert crawl.returncode == 0, crawl.log[-3000:]
    found = {record["url"] for record in crawl.records}
    for channel in MECHANISMS:  # per mechanism: found / listed
        listed = {url for url in expected if f"/{channel}/" in url}
        assert len(listed) == 35 and found & listed == listed, f"{MECHANISMS[channel]}: {len(found & listed)}/35"
        assert f"'lists/{MECHANISMS[channel]}'" in crawl.log
    assert len(crawl.records) == len(expected)


def test_the_incremental_walk_follows_each_pager_and_stops(tmp_path: Path) -> None:
    with PagerPortal(per_channel=35) as portal:
        assert cron(tmp_path, portal.origin + "/").returncode == 0
        assert {r["url"] for r in records(tmp_path)} == portal.articles()
        before = portal.articles()
        portal.grow(12)  # page 1 and part of page 2 are new
        portal.hits.clear()
        second = cron(tmp_path, portal.origin + "/", "-s", "LOG_LEVEL=INFO")
        hits = dict(portal.hits)
    assert second.returncode == 0, second.stderr
    urls = [r["url"] for r in records(tmp_path)]
    assert sorted(urls) == sorted(portal.articles())  # every article once, the new ones too
    new = portal.articles() - before
    articles = [path for path in hits if "/art/" in path]
    assert sorted(portal.origin + path for path in articles) == sorted(new)
    # Per channel: pages 1 and 2 hold new articles, page 3 is known: the walk stops there.
    lists = [path for path in hits if "/art/" not in path and path != "/"]
    assert len(lists) <= 3 * len(MECHANISMS) + 3, sorted(lists)  # + robots, sitemap, feeds
    assert summaries(tmp_path)[-1]["exit_code"] == 0
