"""What may leave the machine: http(s) only, and no internal address a public page names."""

from __future__ import annotations

import ipaddress
import logging
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)


def is_internal_host(host: str) -> bool:
    """Whether ``host`` names this machine or a private network: loopback, private,
    link-local, reserved or unspecified IP literals, and ``localhost`` names.

    >>> [is_internal_host(h) for h in ("127.0.0.1", "10.1.2.3", "::1", "localhost", "www.gov.cn")]
    [True, True, True, True, False]
    """
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return (address.is_private or address.is_loopback or address.is_link_local
            or address.is_reserved or address.is_unspecified or address.is_multicast)


class SafetyMiddleware:
    """The last word on what leaves the machine: only http(s), and no loopback or private
    address unless a start URL is on one (a public portal's page cannot point the crawler at
    the machine it runs on or its neighbours). Checked on every request, redirects included."""

    def __init__(self, stats: StatsCollector, start_urls: list[str]) -> None:
        self.stats = stats
        self.internal_ok = any(is_internal_host(urlsplit(url).hostname or "")
                               for url in start_urls)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        assert crawler.stats is not None
        return cls(crawler.stats, list(getattr(crawler.spider, "start_urls", [])))

    def process_request(self, request: Request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme not in {"http", "https"}:
            self.stats.inc_value("safety/blocked/scheme")
            raise IgnoreRequest(f"not an http(s) URL: {request.url}")
        if not self.internal_ok and is_internal_host(parts.hostname or ""):
            self.stats.inc_value("safety/blocked/internal_address")
            logger.warning("Not requesting %s: an internal address named by a public site",
                           request.url)
            raise IgnoreRequest(f"internal address: {request.url}")
