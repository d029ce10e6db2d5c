"""Each article written once by the whole cluster, whichever worker reached it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from crawler.cluster.keys import EMITTED_KEY
from crawler.pipelines import UniqueArticlePipeline
from crawler.redis_connection import client

if TYPE_CHECKING:
    from typing import Self

    import redis
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector


class SharedUniqueArticlePipeline(UniqueArticlePipeline):
    """``UniqueArticlePipeline`` on a Redis set all workers share (``REDIS_URL``)."""

    def __init__(self, shared: redis.Redis, stats: StatsCollector | None = None) -> None:
        super().__init__(stats)
        self.shared = shared

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(client(crawler.settings["REDIS_URL"]), crawler.stats)

    def seen_before(self, keys: set[str]) -> bool:
        # One SADD is atomic: of two workers adding the same article, one adds nothing.
        return self.shared.sadd(EMITTED_KEY, *sorted(keys)) < len(keys)
