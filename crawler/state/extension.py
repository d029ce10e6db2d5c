"""Settling the crawl state once the run's output file is in place."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy import signals

from crawler.state import StateStore, required_state

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector


class StateExtension:
    """Commits the run's records to the state after the feed exporter has renamed the output
    into place (``feed_exporter_closed``); then, when the run was clean, marks the lists it
    walked complete; remembers pages whose records were dropped.

    Clean: the spider finished (not shut down, not closed by a limit), no page that may hold
    an article failed, and every output file was stored. In a cluster no worker sees the
    whole run, so lists are never marked complete there (every run walks them to the end).
    """

    def __init__(self, state: StateStore, stats: StatsCollector, has_feeds: bool,
                 dropped_recheck: timedelta, cluster: bool = False) -> None:
        self.state = state
        self.stats = stats
        self.has_feeds = has_feeds
        self.dropped_recheck = dropped_recheck
        self.cluster = cluster
        self.reason = ""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        state = required_state(crawler)
        assert crawler.stats is not None
        ext = cls(state, crawler.stats, bool(crawler.settings.getdict("FEEDS")),
                  timedelta(hours=crawler.settings.getfloat("STATE_DROPPED_RECHECK_HOURS")),
                  cluster=bool(crawler.settings.get("REDIS_URL")))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.feed_exporter_closed, signal=signals.feed_exporter_closed)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.item_dropped, signal=signals.item_dropped)
        return ext

    def spider_opened(self) -> None:
        self.stats.set_value("state/run", self.state.run)
        for key, value in self.state.counts().items():
            self.stats.set_value(f"state/at_start/{key}", value)
        if not self.has_feeds:
            self.state.begin_batch(None)  # no file to wait for

    def spider_closed(self, reason: str) -> None:
        self.reason = reason
        if not self.has_feeds:
            self.finish()

    def feed_exporter_closed(self) -> None:
        self.finish()

    def finish(self) -> None:
        if self.has_feeds:  # each file settled its batch once in place; the rest were not
            dropped = self.state.discard_unstored()
            if dropped:
                self.stats.set_value("state/discarded", dropped)
        else:
            self.stats.set_value("state/committed", self.state.settle(self.state.batch))
        stats = self.stats.get_stats()
        failed = stats.get("pages/failed", 0) + sum(
            count for key, count in stats.items() if key.startswith("feedexport/failed_count/"))
        if self.reason == "finished" and not failed and not self.cluster:
            self.stats.set_value("state/lists_complete", self.state.complete_walks())

    def item_dropped(self, item: Any, exception: BaseException) -> None:
        reason = str(exception).split(":", 1)[0]
        if reason in {"no_title", "no_body"}:
            self.state.mark_page(ItemAdapter(item)["url"], f"dropped:{reason}",
                                 self.dropped_recheck)
