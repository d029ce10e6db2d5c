"""The requests a crawl has yet to make, on disk: Scrapy's disk queues in a private folder
for the run, so that the frontier of a large portal does not grow the process."""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING

from scrapy import signals

from crawler.seen import private_folder

if TYPE_CHECKING:
    from pathlib import Path
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings


class DiskFrontierAddon:
    """Unless the user gave a ``JOBDIR`` (to pause and resume a crawl) or the cluster's
    Redis queue is on, the scheduler's queues live in a temporary folder that is removed
    when the spider closes (and, if the process was killed, by a later run).
    ``FRONTIER_ON_DISK=False`` keeps them in memory."""

    def __init__(self) -> None:
        self.folder: Path | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        addon = cls()
        crawler.signals.connect(addon.spider_closed, signal=signals.spider_closed)
        return addon

    def update_settings(self, settings: BaseSettings) -> None:
        if settings.get("JOBDIR") or settings.get("REDIS_URL") \
                or not settings.getbool("FRONTIER_ON_DISK", True):
            return
        self.folder = private_folder("portal-frontier-")
        settings.set("JOBDIR", str(self.folder), priority="addon")

    def spider_closed(self) -> None:
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)

