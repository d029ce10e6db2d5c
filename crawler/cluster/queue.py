"""scrapy-redis's scheduler and duplicate filter, wired to the project: requests travel as
JSON (this module is the ``SCHEDULER_SERIALIZER``), fingerprints are canonical URLs."""

from __future__ import annotations

import base64
import importlib
import json
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler as RedisScheduler

from crawler.cluster.keys import DUPEFILTER_KEY
from crawler.items import Article
from crawler.redis_connection import client
from crawler.urls import canonical_url

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request, Spider
    from scrapy.settings import BaseSettings


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
