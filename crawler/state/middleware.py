"""The state in the downloader: written articles and dead pages are not fetched again."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from scrapy.exceptions import IgnoreRequest

from crawler.state import StateStore, required_state
from crawler.urls import canonical_url, join_url

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.statscollectors import StatsCollector


class StateMiddleware:
    """Across runs: never fetch a written article again, whichever URL leads to it (lists,
    related links, redirects, print views), unless it is due for a re-check
    (``RECHECK_DAYS``); leave known dead and non-article pages alone until their re-check
    time. Requests with ``meta["state_exempt"]`` (start URLs, list pages) always go out."""

    def __init__(self, state: StateStore, stats: StatsCollector, recheck_days: int,
                 dead_recheck: timedelta) -> None:
        self.state = state
        self.stats = stats
        self.recheck_days = recheck_days
        self.dead_recheck = dead_recheck

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        state = required_state(crawler)
        assert crawler.stats is not None
        return cls(state, crawler.stats, crawler.settings.getint("RECHECK_DAYS"),
                   timedelta(days=crawler.settings.getfloat("STATE_DEAD_RECHECK_DAYS")))

    def process_request(self, request: Request) -> None:
        if request.meta.get("state_exempt") or request.url.endswith("/robots.txt"):
            return
        url = canonical_url(request.url)
        known = self.state.known(url)
        if known is not None and not self.due_for_recheck(known.published_at):
            self.stats.inc_value("state/skipped_known")
            raise IgnoreRequest(f"already written: {url}")
        if self.state.skip_until(url):
            self.stats.inc_value("state/skipped_page")
            raise IgnoreRequest(f"known to lead nowhere until its re-check: {url}")

    def due_for_recheck(self, published_at: str | None) -> bool:
        since = self.state.recheck_since(self.recheck_days)
        return bool(since and published_at and published_at[:10] >= since)

    def process_response(self, request: Request, response: Response) -> Response:
        if request.meta.get("state_exempt"):
            return response
        if response.status in (404, 410):
            self.state.mark_page(canonical_url(request.url), str(response.status),
                                 self.dead_recheck)
        elif response.status in (301, 302, 303, 307, 308):
            # An old URL: once its target is written, the old URL needs no fetch either.
            location = (response.headers.get(b"Location") or b"").decode("latin-1")
            target = join_url(request.url, location) if location else None
            if target:
                self.state.add_alias(canonical_url(request.url), canonical_url(target))
        return response
