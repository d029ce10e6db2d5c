"""robots.txt fetched once per host, for Scrapy's robots middleware and the spider alike."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.exceptions import NotConfigured

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response


class RobotsTxtOnceMiddleware:
    """robots.txt fetched once per host: Scrapy's robots middleware fetches it to obey it, and
    the spider asks for it again for its ``Sitemap:`` lines; the spider's request gets the
    response Scrapy's fetch received (each held only until the spider asks, so at most one
    per host). A robots.txt that redirects (http to https, another path) is held under every
    URL of its redirect chain. Off when robots.txt is not obeyed or sitemaps are not read."""

    def __init__(self) -> None:
        self.fetched: dict[str, Response] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not (settings.getbool("ROBOTSTXT_OBEY") and settings.getbool("PORTAL_SITEMAPS")):
            raise NotConfigured
        return cls()

    def process_request(self, request: Request) -> Response | None:
        if request.meta.get("dont_obey_robotstxt") or not request.url.endswith("/robots.txt"):
            return None
        fetched = self.fetched.pop(request.url, None)
        if fetched is None:
            return None
        self.fetched = {url: held for url, held in self.fetched.items() if held is not fetched}
        return fetched.replace(request=request, flags=[*fetched.flags, "reused"])

    def process_response(self, request: Request, response: Response) -> Response:
        if request.meta.get("dont_obey_robotstxt"):  # Scrapy's own robots.txt fetch
            urls = [*request.meta.get("redirect_urls", ()), request.url]
            if urls[0].endswith("/robots.txt"):
                self.fetched.update(dict.fromkeys(urls, response))
        return response
