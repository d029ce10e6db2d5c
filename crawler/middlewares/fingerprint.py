"""Request fingerprints on the canonical URL (``REQUEST_FINGERPRINTER_CLASS``)."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from crawler.urls import canonical_url

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler


class CanonicalUrlFingerprinter:
    """Request fingerprints on the canonical URL: print views, tracking parameters, parameter
    order and a trailing ``index.html`` do not make a page new."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls()

    def fingerprint(self, request: Request) -> bytes:
        key = f"{request.method} {canonical_url(request.url)} ".encode() + request.body
        return hashlib.sha1(key, usedforsecurity=False).digest()
