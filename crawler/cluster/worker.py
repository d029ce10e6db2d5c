"""One worker's life in the shared crawl: start or join the run, stay while there is work."""

from __future__ import annotations

import logging
import os
import socket
import time
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured

from crawler.cluster.keys import (
    DUPEFILTER_KEY,
    EMITTED_KEY,
    FETCHING_KEY,
    LOCK_KEY,
    QUEUE_KEY,
    WORKER_KEY,
)
from crawler.redis_connection import client

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from typing import Any, Self

    import redis
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class ClusterWorker:
    """One worker's life in the shared crawl (a spider middleware, so that it can hold back
    the start requests of a worker that joins).

    On start it takes a short Redis lock: when no other worker is alive it starts a new run
    (clears the previous run's queue, duplicate filter and written-records set) and seeds the
    start URLs; otherwise it joins the run. It renews its presence while it works, and closes
    once the shared queue has stayed empty and no worker has fetched a page for
    ``CLUSTER_IDLE_SECONDS``: a worker that joins while the first one is still reading the
    start pages waits for the work they bring.
    """

    def __init__(self, server: redis.Redis, idle_seconds: float, presence_ttl: float) -> None:
        self.server = server
        self.idle_seconds = idle_seconds
        #: A worker's presence expires this long after its last renewal (a killed worker's
        #: too); it is renewed three times as often.
        self.presence_ttl = presence_ttl
        self.me = f"{WORKER_KEY}{socket.gethostname()}:{os.getpid()}"
        self.empty_since: float | None = None
        self.last_beat = 0.0
        self.new_run: bool | None = None  #: decided once, when the worker starts

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        url = crawler.settings.get("REDIS_URL")
        if not url:
            raise NotConfigured
        worker = cls(client(url), crawler.settings.getfloat("CLUSTER_IDLE_SECONDS"),
                     crawler.settings.getfloat("CLUSTER_PRESENCE_SECONDS"))
        crawler.signals.connect(worker.start_or_join, signal=signals.spider_opened)
        crawler.signals.connect(worker.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(worker.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(worker.fetched, signal=signals.response_received)
        return worker

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        """The start requests, from the worker that starts the run only."""
        if self.start_or_join():
            async for request in start:
                yield request

    def start_or_join(self) -> bool:
        """Start a new run (True) or join the running one (False), decided once."""
        if self.new_run is not None:
            return self.new_run
        with self.server.lock(LOCK_KEY, timeout=30, blocking_timeout=60):
            others = [key for key in self.server.scan_iter(f"{WORKER_KEY}*")
                      if key.decode() != self.me]
            self.new_run = not others
            if self.new_run:
                self.server.delete(QUEUE_KEY, DUPEFILTER_KEY, EMITTED_KEY)
                self.fetched()  # the start URLs are on their way
            self.renew()
        logger.info("Cluster: %s the run (%d other workers alive)",
                    "starting" if self.new_run else "joining", len(others))
        return self.new_run

    def renew(self) -> None:
        self.last_beat = time.monotonic()
        self.server.set(self.me, time.time(), px=int(self.presence_ttl * 1000))

    def heartbeat(self) -> None:
        if time.monotonic() - self.last_beat >= self.presence_ttl / 3:
            self.renew()

    def fetched(self) -> None:
        self.server.set(FETCHING_KEY, self.me, px=max(1, int(self.idle_seconds * 1000)))
        self.heartbeat()

    def spider_idle(self) -> None:
        """Keep the worker while the shared queue may still get work from the others."""
        self.heartbeat()
        if self.server.zcard(QUEUE_KEY):
            self.empty_since = None
            raise DontCloseSpider
        now = time.monotonic()
        self.empty_since = self.empty_since or now
        if now - self.empty_since < self.idle_seconds or self.server.exists(FETCHING_KEY):
            raise DontCloseSpider
        logger.info("Cluster: the shared queue has been empty for %.0f s and no worker is "
                    "fetching; closing",
                    now - self.empty_since)

    def spider_closed(self) -> None:
        self.server.delete(self.me)
