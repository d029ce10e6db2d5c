"""Several workers share one crawl through Redis: scrapy-redis's scheduler and duplicate
filter, wrapped so that requests travel as JSON (never pickles), fingerprints are canonical
URLs, the password never reaches a log, and workers start, seed and stop by themselves.

``-s REDIS_URL=redis://[:password@]host:port/db`` switches it on (the password may come from
the ``REDIS_PASSWORD`` environment variable instead); without it nothing here is used.
"""

from __future__ import annotations

import base64
import importlib
import json
import logging
import os
import socket
import time
from dataclasses import asdict
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

import redis
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler as RedisScheduler

from crawler.items import Article
from crawler.processors import canonical_url

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

PASSWORD_ENV = "REDIS_PASSWORD"
PREFIX = "portal"  # every key this project writes starts with "portal:"
QUEUE_KEY = f"{PREFIX}:requests"
DUPEFILTER_KEY = f"{PREFIX}:dupefilter"
EMITTED_KEY = f"{PREFIX}:emitted"
WORKER_KEY = f"{PREFIX}:worker:"
LOCK_KEY = f"{PREFIX}:lock"
#: Exists while some worker has fetched a page within ``CLUSTER_IDLE_SECONDS``: its pages may
#: still put work on the queue.
FETCHING_KEY = f"{PREFIX}:fetching"


def redact(url: str) -> tuple[str, str | None]:
    """Split the password out of a Redis URL.

    >>> redact("redis://:s3cret@10.0.0.5:6379/2")
    ('redis://10.0.0.5:6379/2', 's3cret')
    >>> redact("redis://127.0.0.1:6379/0")
    ('redis://127.0.0.1:6379/0', None)
    """
    parts = urlsplit(url)
    if parts.password is None:
        return url, None
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, "")), parts.password


def client(url: str) -> redis.Redis:
    """A Redis client for ``url``, its password from the URL or ``REDIS_PASSWORD``."""
    url, password = redact(url)
    return redis.Redis.from_url(url, password=password or os.environ.get(PASSWORD_ENV),
                                socket_timeout=30, socket_connect_timeout=10,
                                retry_on_timeout=True)


def apply_cluster_settings(settings: BaseSettings) -> None:
    """With ``REDIS_URL``, share scheduler, duplicate filter and state through Redis.

    The password leaves the settings (Scrapy logs overridden settings) for the process
    environment, where :func:`client` finds it.
    """
    url = settings.get("REDIS_URL")
    if not url:
        return
    redacted, password = redact(url)
    if password:
        os.environ[PASSWORD_ENV] = password
        settings.set("REDIS_URL", redacted, priority=settings.getpriority("REDIS_URL") or 0)
    for name, value in {
        "SCHEDULER": "crawler.cluster.Scheduler",
        "DUPEFILTER_CLASS": "crawler.cluster.DupeFilter",
        "SCHEDULER_SERIALIZER": "crawler.cluster",
        "SCHEDULER_QUEUE_KEY": QUEUE_KEY,
        "SCHEDULER_DUPEFILTER_KEY": DUPEFILTER_KEY,
        "SCHEDULER_PERSIST": True,  # one worker closing must not empty the others' queue
        "SCHEDULER_IDLE_BEFORE_CLOSE": 0,  # never block the event loop on an empty queue
    }.items():
        settings.set(name, value, priority="spider")
    per_domain = "CONCURRENT_REQUESTS_PER_DOMAIN"
    if (settings.getpriority("CONCURRENT_REQUESTS") or 0) < (settings.getpriority(per_domain) or 0):
        # A worker takes from the shared queue only what it can download now, instead of
        # queueing it locally where the other workers cannot reach it.
        settings.set("CONCURRENT_REQUESTS", settings.getint(per_domain), priority="spider")
    if not settings.get("STATE_URI"):
        settings.set("STATE_URI", redacted, priority="spider")
    extensions = settings.getdict("EXTENSIONS")
    extensions["crawler.cluster.ClusterWorker"] = 600
    settings.set("EXTENSIONS", extensions, priority="spider")


# --- the request serializer (SCHEDULER_SERIALIZER = "crawler.cluster") -------------------------

def _encode(value: Any) -> Any:
    if isinstance(value, bytes):
        return {"__bytes__": base64.b64encode(value).decode("ascii")}
    if isinstance(value, Article):
        return {"__article__": asdict(value)}
    raise TypeError(f"cannot queue a {type(value).__name__} in a request")


def _decode(value: dict[str, Any]) -> Any:
    if "__bytes__" in value:
        return base64.b64decode(value["__bytes__"])
    if "__article__" in value:
        return Article(**value["__article__"])
    return value


def dumps(request: dict[str, Any]) -> bytes:
    """A request (as ``request_to_dict`` gives it) as JSON: readable in Redis, and safe to
    load, unlike the pickles scrapy-redis uses by default.

    >>> from scrapy import Request
    >>> from scrapy.utils.request import request_from_dict
    >>> sent = Request("http://a.cn/x", headers={"Referer": "http://a.cn/"}, body=b"\\xff",
    ...                meta={"article": Article(url="http://a.cn/x")})
    >>> back = request_from_dict(loads(dumps(sent.to_dict())))
    >>> back.url, back.headers["Referer"], back.body, back.meta["article"].url
    ('http://a.cn/x', b'http://a.cn/', b'\\xff', 'http://a.cn/x')
    """
    headers = request.get("headers") or {}
    request = {**request, "headers": {
        _text(name): [_text(value) for value in values] for name, values in headers.items()}}
    return json.dumps(request, default=_encode, ensure_ascii=False).encode()


def _text(value: bytes | str) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else value


def loads(data: bytes) -> dict[str, Any]:
    return json.loads(data, object_hook=_decode)


# --- scrapy-redis, wired to the project ---------------------------------------------------------

class Scheduler(RedisScheduler):
    """scrapy-redis's scheduler, connecting with :func:`client` (password kept out of logs)."""

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> Self:
        server = client(settings["REDIS_URL"])
        server.ping()
        return cls(
            server=server, persist=settings.getbool("SCHEDULER_PERSIST"),
            queue_key=settings["SCHEDULER_QUEUE_KEY"],
            dupefilter=DupeFilter(server, key=DUPEFILTER_KEY),
            idle_before_close=settings.getint("SCHEDULER_IDLE_BEFORE_CLOSE"),
            serializer=importlib.import_module(settings["SCHEDULER_SERIALIZER"]),
        )

    # scrapy-redis 0.9.1 passes the spider to the stats, which Scrapy 2.19 deprecates.
    def enqueue_request(self, request: Request) -> bool:
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        self.queue.push(request)
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        request = self.queue.pop(self.idle_before_close)
        if request is not None and self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request


class DupeFilter(RFPDupeFilter):
    """The shared duplicate filter, on canonical URLs like the single-process crawl."""

    @classmethod
    def from_spider(cls, spider: Spider) -> Self:
        return cls(client(spider.settings["REDIS_URL"]), key=DUPEFILTER_KEY)

    def request_fingerprint(self, request: Request) -> str:
        return f"{request.method} {canonical_url(request.url)}"


class ClusterWorker:
    """One worker's life in the shared crawl.

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

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        url = crawler.settings.get("REDIS_URL")
        if not url:
            raise NotConfigured
        worker = cls(client(url), crawler.settings.getfloat("CLUSTER_IDLE_SECONDS"),
                     crawler.settings.getfloat("CLUSTER_PRESENCE_SECONDS"))
        crawler.signals.connect(worker.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(worker.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(worker.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(worker.fetched, signal=signals.response_received)
        return worker

    def spider_opened(self, spider: Spider) -> None:
        lock = self.server.lock(LOCK_KEY, timeout=30, blocking_timeout=60)
        with lock:
            others = [key for key in self.server.scan_iter(f"{WORKER_KEY}*")
                      if key.decode() != self.me]
            new_run = not others
            if new_run:
                self.server.delete(QUEUE_KEY, DUPEFILTER_KEY, EMITTED_KEY)
                self.fetched()  # the start URLs are on their way
            self.renew()
        spider.seed = new_run  # type: ignore[attr-defined]
        logger.info("Cluster: %s the run (%d other workers alive)",
                    "starting" if new_run else "joining", len(others))

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
