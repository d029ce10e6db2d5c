"""The cluster switched on in one place: a Scrapy add-on that does nothing without
``REDIS_URL``."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from crawler.cluster.dedup import SharedUniqueArticlePipeline
from crawler.cluster.keys import DUPEFILTER_KEY, QUEUE_KEY
from crawler.cluster.worker import ClusterWorker
from crawler.pipelines import UniqueArticlePipeline
from crawler.redis_connection import PASSWORD_ENV, redact

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings


class ClusterAddon:
    """With ``REDIS_URL``, share scheduler, duplicate filter, state and written articles
    through Redis; without it, change nothing."""

    def update_settings(self, settings: BaseSettings) -> None:
        url = settings.get("REDIS_URL")
        if not url:
            return
        redacted, password = redact(url)
        if password:  # Scrapy logs overridden settings: the password goes to the environment
            os.environ[PASSWORD_ENV] = password
            settings.set("REDIS_URL", redacted, priority=settings.getpriority("REDIS_URL") or 0)
        for name, value in {
            "SCHEDULER": "crawler.cluster.queue.Scheduler",
            "DUPEFILTER_CLASS": "crawler.cluster.queue.DupeFilter",
            "SCHEDULER_SERIALIZER": "crawler.cluster.queue",
            "SCHEDULER_QUEUE_KEY": QUEUE_KEY,
            "SCHEDULER_DUPEFILTER_KEY": DUPEFILTER_KEY,
            "SCHEDULER_PERSIST": True,  # one worker closing must not empty the others' queue
            "SCHEDULER_IDLE_BEFORE_CLOSE": 0,  # never block the event loop on an empty queue
        }.items():
            settings.set(name, value, priority="spider")
        per_domain = "CONCURRENT_REQUESTS_PER_DOMAIN"
        if (settings.getpriority("CONCURRENT_REQUESTS") or 0) < \
                (settings.getpriority(per_domain) or 0):
            # A worker takes from the shared queue only what it can download now, instead of
            # queueing it locally where the other workers cannot reach it.
            settings.set("CONCURRENT_REQUESTS", settings.getint(per_domain), priority="spider")
        if not settings.get("STATE_URI"):
            settings.set("STATE_URI", redacted, priority="spider")
        settings.set_in_component_priority_dict("SPIDER_MIDDLEWARES", ClusterWorker, 10)
        settings.replace_in_component_priority_dict(
            "ITEM_PIPELINES", UniqueArticlePipeline, SharedUniqueArticlePipeline)
