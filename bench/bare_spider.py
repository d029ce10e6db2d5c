"""The baseline: a bare Scrapy spider that follows every link on the site, extracts nothing.

    python -m bench.bare_spider URL [-s NAME=VALUE ...]
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.crawler import CrawlerProcess
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor


class BareSpider(Spider):
    name = "bare"

    def __init__(self, start: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.start_urls = [start]
        self.allowed_domains = [urlsplit(start).hostname or ""]
        self.links = LinkExtractor()  # off-site links are dropped by OffsiteMiddleware

    def parse(self, response: Response) -> Iterator[Request]:
        if isinstance(response, TextResponse):
            for link in self.links.extract_links(response):
                yield response.follow(link.url, callback=self.parse)


def main(argv: list[str]) -> None:
    settings = {"ROBOTSTXT_OBEY": True, "TELNETCONSOLE_ENABLED": False,
                "REMOTE_CONTROL_ENABLED": False, "LOG_LEVEL": "INFO"}
    start, rest = argv[0], argv[1:]
    for flag, pair in zip(rest[::2], rest[1::2], strict=True):
        assert flag == "-s", "usage: python -m bench.bare_spider URL [-s NAME=VALUE ...]"
        name, _, value = pair.partition("=")
        settings[name] = value
    process = CrawlerProcess(settings)
    process.crawl(BareSpider, start=start)
    process.start()


if __name__ == "__main__":
    main(sys.argv[1:])
