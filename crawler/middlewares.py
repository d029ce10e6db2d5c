"""Downloader components: canonical-URL fingerprints, retries with backoff, state skips,
robots.txt once, safety, replay and record."""

from __future__ import annotations

import asyncio
import hashlib
import ipaddress
import json
import logging
import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.responsetypes import responsetypes

from crawler.feeds import write_atomic
from crawler.processors import canonical_url, join_url
from crawler.state import CrawlState, state_for

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)


class CanonicalUrlFingerprinter:
    """Request fingerprints on the canonical URL: print views, tracking parameters, parameter
    order and a trailing ``index.html`` do not make a page new."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls()

    def fingerprint(self, request: Request) -> bytes:
        key = f"{request.method} {canonical_url(request.url)} ".encode() + request.body
        return hashlib.sha1(key, usedforsecurity=False).digest()


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry, waiting ``base * 2**(n-1)`` seconds (or the server's ``Retry-After``,
    capped) before retry ``n``, so a struggling server is not hammered."""

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.base = settings.getfloat("RETRY_BACKOFF_BASE", 2.0)
        self.cap = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)

    def delay(self, retry_times: int, retry_after: bytes | None = None) -> float:
        """Seconds to wait before retry number ``retry_times`` (1-based).

        >>> mw = BackoffRetryMiddleware.__new__(BackoffRetryMiddleware)
        >>> mw.base, mw.cap = 2.0, 60.0
        >>> mw.delay(1), mw.delay(3), mw.delay(9), mw.delay(1, b"7")
        (2.0, 8.0, 60.0, 7.0)
        """
        wait = self.base * 2 ** (retry_times - 1)
        if retry_after:
            wait = max(wait, _retry_after_seconds(retry_after.decode("latin-1")))
        return min(wait, self.cap)

    async def _wait(self, request: Request, result: Request | Response | None,
                    retry_after: bytes | None = None) -> Request | Response | None:
        if isinstance(result, Response) or result is None:
            return result
        await asyncio.sleep(self.delay(result.meta.get("retry_times", 1), retry_after))
        return result

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        result = super().process_response(request, response)
        waited = await self._wait(request, result, response.headers.get(b"Retry-After"))
        return waited if waited is not None else response

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception
    ) -> Request | Response | None:
        return await self._wait(request, super().process_exception(request, exception))


def _retry_after_seconds(value: str) -> float:
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 0.0
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


class StateMiddleware:
    """Across runs: never fetch a written article again, whichever URL leads to it (lists,
    related links, redirects, print views), unless it is due for a re-check
    (``RECHECK_DAYS``); leave known dead and non-article pages alone until their re-check
    time. Requests with ``meta["state_exempt"]`` (start URLs, list pages) always go out."""

    def __init__(self, state: CrawlState, stats: StatsCollector, recheck_days: int,
                 dead_recheck: timedelta) -> None:
        self.state = state
        self.stats = stats
        self.recheck_days = recheck_days
        self.dead_recheck = dead_recheck

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        state = state_for(crawler)
        if state is None:
            raise NotConfigured
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


# --- replay and record: saved responses, one folder each ----------------------------------
#
#   <dir>/<name>/response.json   {"url", "status", "headers", "body", "encoding"}
#   <dir>/<name>/body.html       the body exactly as served (still compressed if it was)

_BODY_SUFFIX = {"text/html": ".html", "application/xhtml+xml": ".html", "text/plain": ".txt",
                "text/xml": ".xml", "application/xml": ".xml", "application/json": ".json"}
_UNSAFE_RE = re.compile(r"[^\w.\-]+")


def load_saved(folder: Path) -> tuple[str, Response]:
    """The (url, response) saved in ``folder``."""
    info = json.loads((folder / "response.json").read_text("utf-8"))
    body = (folder / info.get("body", "body.html")).read_bytes()
    headers = {k: v for k, v in info.get("headers", {}).items()}
    cls = responsetypes.from_args(headers=headers, url=info["url"], body=body)
    return info["url"], cls(url=info["url"], status=int(info.get("status", 200)),
                            headers=headers, body=body, flags=["replay"])


def saved_index(root: Path) -> dict[str, Path]:
    """Canonical URL -> folder, for every saved response under ``root``."""
    index: dict[str, Path] = {}
    for meta in sorted(root.rglob("response.json")):
        url = json.loads(meta.read_text("utf-8"))["url"]
        index.setdefault(canonical_url(url), meta.parent)
    return index


class ReplayMiddleware:
    """Answer every request from ``REPLAY_DIR`` instead of the network; an unknown URL gets a
    404 and a warning, so a crawl runs offline exactly as it ran when it was recorded."""

    def __init__(self, root: Path, stats: StatsCollector) -> None:
        self.root = root
        self.stats = stats
        self.index = saved_index(root)
        if not self.index:
            raise NotConfigured(f"REPLAY_DIR {root} holds no saved responses")
        logger.info("Replaying %d saved responses from %s", len(self.index), root)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        root = crawler.settings.get("REPLAY_DIR")
        if not root:
            raise NotConfigured
        assert crawler.stats is not None
        return cls(Path(root), crawler.stats)

    def process_request(self, request: Request) -> Response:
        folder = self.index.get(canonical_url(request.url))
        if folder is None:
            logger.warning("Replay has no saved response for %s: answering 404", request.url)
            self.stats.inc_value("replay/missing")
            return Response(url=request.url, status=404, body=b"", flags=["replay"],
                            request=request)
        self.stats.inc_value("replay/hit")
        _, saved = load_saved(folder)
        return saved.replace(url=request.url, request=request)


class RecordMiddleware:
    """Save every live response under ``RECORD_DIR`` in the replay layout, as served."""

    def __init__(self, root: Path, stats: StatsCollector) -> None:
        self.root = root
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        root = crawler.settings.get("RECORD_DIR")
        if not root:
            raise NotConfigured
        assert crawler.stats is not None
        return cls(Path(root), crawler.stats)

    def process_response(self, request: Request, response: Response) -> Response:
        if "replay" not in response.flags:
            self.save(response)
        return response

    def folder_for(self, url: str) -> Path:
        """A readable folder name derived from the URL only (never from page content).

        >>> recorder = RecordMiddleware(Path("rec"), None)  # type: ignore[arg-type]
        >>> recorder.folder_for("http://a.cn/zlxw/t1.html?id=3")  # doctest: +ELLIPSIS
        PosixPath('rec/a.cn/zlxw_t1.html__id_3-...')
        """
        parts = urlsplit(url)
        path = _UNSAFE_RE.sub("_", parts.path.strip("/")) or "index"
        name = path[:80]
        if parts.query:
            name += "__" + _UNSAFE_RE.sub("_", parts.query)[:40]
        digest = hashlib.sha1(url.encode(), usedforsecurity=False).hexdigest()[:8]
        host = _UNSAFE_RE.sub("_", parts.netloc) or "host"
        return self.root / host / f"{name}-{digest}"

    def save(self, response: Response) -> None:
        folder = self.folder_for(response.url)
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        suffix = _BODY_SUFFIX.get(content_type.split(";")[0].strip().lower(), ".bin")
        headers = {k.decode("latin-1"): v[0].decode("latin-1")
                   for k, v in response.headers.items() if v and k.lower() != b"set-cookie"}
        info = {"url": response.url, "status": response.status, "headers": headers,
                "body": "body" + suffix}
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(folder / ("body" + suffix), response.body)
        write_atomic(folder / "response.json", json.dumps(
            info, ensure_ascii=False, indent=2, sort_keys=True).encode() + b"\n")
        self.stats.inc_value("record/saved")

