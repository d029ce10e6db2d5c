"""The state in the item pipeline: what was written before is not written again."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from crawler.items import content_hash
from crawler.pipelines import StatsPipeline
from crawler.state import StateStore, required_state

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector


class StatePipeline(StatsPipeline):
    """Across runs: a record already written with the same content is dropped, and so is a
    copy of a written article under a new URL (its URL becomes an alias); one whose content
    changed (re-fetched within ``RECHECK_DAYS``) is written with ``update: true``.
    Written records become known only when the run's output file is in place
    (``StateExtension``). Off without ``STATE_URI``."""

    def __init__(self, state: StateStore, stats: StatsCollector | None = None,
                 batch_size: int = 0) -> None:
        super().__init__(stats)
        self.state = state
        self.batch_size = batch_size  #: records per output file (FEED_EXPORT_BATCH_ITEM_COUNT)
        self.passed = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        state = required_state(crawler)
        return cls(state, crawler.stats, crawler.settings.getint("FEED_EXPORT_BATCH_ITEM_COUNT"))

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        digest = content_hash(item)
        known = self.state.known(adapter["url"])
        if known is not None and known.content_hash == digest:
            self.inc("state/unchanged")
            raise DropItem(f"unchanged: {adapter['url']}", log_level="DEBUG")
        if known is None and (written := self.state.written_copy(digest)):
            # Moved to another channel, republished under a new URL: the article is written.
            self.state.add_alias(adapter["url"], written)
            self.inc("state/copy_of_written")
            raise DropItem(f"a copy of {written}: {adapter['url']}", log_level="DEBUG")
        adapter["update"] = known is not None
        self.inc("records/updated" if known else "records/new")
        # The last pipeline: records leave in order, so this one goes to file n // size + 1.
        number = self.passed // self.batch_size + 1 if self.batch_size else 1
        self.passed += 1
        self.state.add_pending(adapter["url"], digest, adapter.get("published_at"),
                               self.state.batch_name(number))
        return item
