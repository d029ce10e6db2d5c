"""The portal spider: crawl policy only (what to follow, in which order); pages/ extracts."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from enum import IntEnum
from functools import cached_property
from itertools import pairwise
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy import FormRequest, Request, Spider
from scrapy.exceptions import IgnoreRequest
from scrapy.http import TextResponse
from scrapy.spidermiddlewares.httperror import HttpError

from crawler import checks
from crawler.pages.article import is_page_link
from crawler.pages.kinds import Page, PageKind
from crawler.pages.listing import ListedArticle, ListPage
from crawler.pages.markers import (
    is_binary,
    looks_like_article_url,
    looks_like_list_url,
    looks_like_trap,
)
from crawler.pages.pagers import (
    ApiList,
    Jpage,
    api_page,
    datastore_records,
    nextgroup,
    records_html,
)
from crawler.pages.sitemaps import (
    WELL_KNOWN_FEEDS,
    Entry,
    declared_feeds,
    parse_feed,
    parse_sitemap,
    robots_sitemaps,
)
from crawler.state import StateStore, state_for
from crawler.urls import canonical_url, clean_url, host_of, registered_domain

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from scrapy.http import Response
    from scrapy.settings import BaseSettings
    from twisted.python.failure import Failure

    from crawler.items import Article

logger = logging.getLogger(__name__)
# A robots.txt answered with one of these is no robots.txt: sitemaps are looked for anyway.
NO_ROBOTS_TXT = [401, 403, 404, 410]


class Priority(IntEnum):
    """Request kinds, most urgent first: finish the article at hand, then articles, then the
    next list page, then navigation. Declared once; callbacks only pick a kind."""

    SPLIT_PAGE = 40  # page 2..n of an article whose record waits for it
    ARTICLE = 30
    LIST_PAGE = 20  # a further page of a list already being read
    LIST = 10  # a channel list found in navigation
    PAGE = 0  # anything else on the site
    START = 50


class PortalSpider(Spider):
    """Home page -> channel lists -> articles, with pagination, related links and 分页.

    Arguments: ``-a start_urls=URL[,URL...]`` (home pages, lists or articles, mixed) and
    optionally ``-a allowed_domains=HOST[,HOST...]`` (default: the domains the start URLs'
    hosts are registered under, and every host under them: a portal's ``ginfo.`` and
    ``www.`` hosts list each other's articles).
    """

    name = "portal"

    def __init__(self, start_urls: str | list[str] | None = None,
                 allowed_domains: str | list[str] | None = None, since: str | None = None,
                 until: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        #: The date window (-a since=YYYY-MM-DD, -a until=YYYY-MM-DD), either end open.
        self.since, self.until = checks.window(since, until)
        urls = checks.as_list(start_urls)
        if not urls:
            raise checks.BadInput("no start URLs: give the portal's home page, channel lists "
                                  "or articles, as -a start_urls=https://www.example.gov.cn/")
        self.start_urls = [clean_url(checks.start_url(u)) for u in urls]
        self.allowed_domains = checks.as_list(allowed_domains) or sorted(
            {registered_domain(host_of(u)) for u in self.start_urls})
        self.other_pages = 0
        self.sitemaps_followed = 0
        self.query_variants: dict[str, set[str]] = defaultdict(set)
        self.warned_channels: set[str | None] = set()  #: warned of a pager not followed

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        if not settings.getdict("FEEDS"):
            settings.set("FEEDS", {settings.get("PORTAL_DEFAULT_FEED"): {
                "format": "jsonlines", "encoding": "utf-8"}}, priority="spider")

    async def start(self) -> AsyncIterator[Request]:
        for url in self.start_urls:
            self.crawler.stats.inc_value("pages/start_requested")
            yield Request(url, callback=self.parse, priority=Priority.START,
                          meta={"other_depth": 0, "state_exempt": True, "start": True,
                                "source": "start"})
        for origin in dict.fromkeys(_origin(url) for url in self.start_urls):
            if self.settings.getbool("PORTAL_SITEMAPS"):
                yield Request(origin + "/robots.txt", callback=self.parse_robots,
                              priority=Priority.LIST, meta={
                                  "state_exempt": True, "handle_httpstatus_list": NO_ROBOTS_TXT})
            if self.settings.getbool("PORTAL_FEEDS"):
                for path in WELL_KNOWN_FEEDS:
                    yield Request(origin + path, callback=self.parse_feed, priority=Priority.LIST,
                                  meta={"handle_httpstatus_list": []})

    # --- sitemaps and feeds ----------------------------------------------------------------

    def parse_robots(self, response: Response) -> Iterator[Request]:
        """The robots.txt ``Sitemap:`` lines, else (none, or no robots.txt) ``/sitemap.xml``."""
        listed = robots_sitemaps(response.body, response.url) if response.status == 200 else []
        sitemaps = listed or [_origin(response.url) + "/sitemap.xml"]
        for url in sitemaps:
            if self._allowed(url) or (is_binary(url) and self._allowed_host(url)):
                yield self._sitemap_request(url)

    def _sitemap_request(self, url: str) -> Request:
        return Request(url, callback=self.parse_sitemap, priority=Priority.LIST,
                       meta={"state_exempt": True})

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        pages, children = parse_sitemap(response.body, response.url)
        budget = self.settings.getint("PORTAL_MAX_SITEMAPS")
        for child in children:
            if self.sitemaps_followed < budget and self._allowed_host(child.url) \
                    and self._in_window(child.day, lastmod=True):
                self.sitemaps_followed += 1
                yield self._sitemap_request(child.url)
        yield from self._entries(pages, "sitemap")

    def parse_feed(self, response: Response) -> Iterator[Request]:
        yield from self._entries(parse_feed(response.body, response.url), "feed")

    def _entries(self, entries: list[Entry], source: str) -> Iterator[Request]:
        """Articles a sitemap or feed lists: in the window, on the site, not known yet."""
        for entry in entries:
            if not self._allowed(entry.url) or not self._in_window(entry.day):
                continue
            if self.store is not None and self.store.known(entry.url) is not None:
                continue
            self.crawler.stats.inc_value(f"discovery/{source}/listed")
            yield Request(clean_url(entry.url), callback=self.parse, priority=Priority.ARTICLE,
                          meta={"other_depth": 0, "source": source})

    def _in_window(self, day: str | None, *, lastmod: bool = False) -> bool:
        """Whether a listed day may fall in the window; an undated entry may. A sitemap's
        ``lastmod`` only bounds from below (a file changed after ``until`` may hold older)."""
        if day is None:
            return True
        return not ((self.since and day < self.since)
                    or (self.until and day > self.until and not lastmod))

    # --- callbacks -----------------------------------------------------------------------

    def parse(self, response: Response) -> Iterator[Request | Article]:
        page = self._page(response)
        if page is None:
            return
        if self.settings.getbool("PORTAL_FEEDS"):
            for feed in declared_feeds(page.document):
                if self._allowed_host(feed):
                    yield Request(feed, callback=self.parse_feed, priority=Priority.LIST)
        kind = page.kind
        self.crawler.stats.inc_value(f"pages/{kind}")
        if response.meta.get("start"):
            self.crawler.stats.inc_value("pages/start_ok")
        depth = response.meta.get("other_depth", 0)
        if kind is PageKind.ARTICLE:
            yield from self._article(response, page)
            depth = 0
        elif kind is PageKind.LIST:
            yield from self._list(response, page)
            depth = 0
        elif kind is PageKind.DELETED:
            logger.info("Deleted article page, no record: %s", response.url)
            self._remember(response, "deleted", "STATE_DEAD_RECHECK_DAYS", 24)
            return
        else:
            if page.listing.api is None:  # a column page a script fills: never skipped
                self._remember(response, "other", "STATE_OTHER_RECHECK_HOURS", 1)
            if page.listing.pages or page.listing.api:
                # A pager, or a list a script fills from an API: whatever its entries look
                # like (none, on a script-only column page), it is a list.
                yield from self._list(response, page)
            self.other_pages += 1
            depth += 1
            if self.other_pages > self.settings.getint("PORTAL_OTHER_PAGES") or \
                    depth > self.settings.getint("PORTAL_OTHER_DEPTH"):
                self.crawler.stats.inc_value("pages/other_not_followed")
                return
        yield from self._links(page, depth)

    def _article(self, response: Response, page: Page) -> Iterator[Request | Article]:
        article_page = page.article
        own, channel = canonical_url(response.url), response.meta.get("channel")
        first = article_page.first_page
        if first and canonical_url(first) != own:
            # Page N of a 分页 article reached directly: the record starts at page 1.
            yield Request(first, callback=self.parse, priority=Priority.ARTICLE,
                          meta={"channel": channel})
            return
        article = article_page.to_article(
            channel=channel, fetched_at=datetime.now(UTC).isoformat(timespec="seconds"))
        if self.store is not None:
            for alias in {own, *map(canonical_url, response.meta.get("redirect_urls", []))}:
                self.store.add_alias(alias, article.url)
        if article.url != own and not response.meta.get("fallback"):
            # A print view or alias declaring its canonical page: read the record there, and
            # keep this reading in case that page fails.
            yield Request(article.url, callback=self.parse, errback=self.canonical_failed,
                          priority=Priority.ARTICLE, meta={"channel": channel,
                                                           "fallback": article})
            return
        self.crawler.stats.inc_value(
            f"discovery/{response.meta.get('source', 'link')}/articles")
        rest = article_page.split_pages[: self.settings.getint("PORTAL_MAX_SPLIT_PAGES")]
        if rest:
            yield self._split_request(article, rest)
        else:
            yield article

    def _split_request(self, article: Article, rest: list[str]) -> Request:
        # dont_filter: these URLs are never scheduled any other way (see _links), and the
        # record waits for them. They stay on the article's host by construction.
        return Request(rest[0], callback=self.parse_split_page, errback=self.split_page_failed,
                       priority=Priority.SPLIT_PAGE, dont_filter=True,
                       meta={"article": article, "rest": rest[1:]})

    def parse_split_page(self, response: Response) -> Iterator[Request | Article]:
        """Page 2..n of an article: its paragraphs, images and files join the record."""
        article: Article = response.meta["article"]
        page = self._page(response)
        if page is not None:
            body = page.article.body
            related = {link["url"] for link in article.related}
            article = replace(
                article,
                paragraphs=article.paragraphs + body.paragraphs,
                images=article.images + body.images,
                attachments=article.attachments + body.attachments,
                related=article.related + [r for r in page.article.related
                                           if r["url"] not in related],
                pages=[*article.pages, canonical_url(response.url)],
                editor=body.editor or article.editor,
            )
        rest = response.meta["rest"]
        yield self._split_request(article, rest) if rest else article

    def page_failed(self, failure: Failure) -> None:
        """A page that may hold an article failed for good (not a 404/410, not skipped): it is
        counted, and the run's list walks do not count as complete (``StateExtension``)."""
        if isinstance(failure.value, HttpError):
            status = failure.value.response.status
            stats = self.crawler.stats
            stats.inc_value("httperror/response_ignored_count")  # as without an errback
            stats.inc_value(f"httperror/response_ignored_status_count/{status}")
            if status in (404, 410):
                return
        elif failure.check(IgnoreRequest):
            return  # known, unsafe, off-site: skipped on purpose
        self.crawler.stats.inc_value("pages/failed")
        logger.warning("Page failed: %s (%s)", failure.request.url,  # type: ignore[attr-defined]
                       failure.getErrorMessage())

    def split_page_failed(self, failure: Failure) -> Iterator[Article]:
        """A later page of an article failed: keep the pages read so far, say so."""
        request = failure.request  # type: ignore[attr-defined]
        logger.warning("Article page %s failed (%s); record keeps %d page(s)",
                       request.url, failure.getErrorMessage(),
                       len(request.meta["article"].pages))
        self.crawler.stats.inc_value("article/split_page_failed")
        yield request.meta["article"]

    def canonical_failed(self, failure: Failure) -> Iterator[Article]:
        """The canonical page of an alias failed: the alias's own reading is the record."""
        request = failure.request  # type: ignore[attr-defined]
        logger.warning("Canonical page %s failed (%s); using its alias's content",
                       request.url, failure.getErrorMessage())
        yield request.meta["fallback"]

    def _list(self, response: Response, page: Page) -> Iterator[Request]:
        listing = page.listing
        channel = listing.name if urlsplit(response.url).path.strip("/") else None
        channel = channel or response.meta.get("channel")
        walk = response.meta.get("list_walk") or canonical_url(response.url)
        if listing.mechanism:
            self.crawler.stats.inc_value(f"lists/{listing.mechanism}")
        elif listing.unfollowed_pager:
            self._unfollowed(response.url, channel, listing.unfollowed_pager)
        articles, new, entries = self._read_list(walk, channel, listing)
        yield from entries
        if listing.api is not None:  # the list's pages come as JSON, one after another
            yield from self._api_request(listing.api, listing.api.first, walk, channel,
                                         response.url)
            return
        if listing.jpage is not None and not listing.jpage.total:  # a chain of GETs
            if listing.jpage.nextgroup and self._walk_on(walk, articles, new, True):
                yield from self._jpage_get(listing.jpage, listing.jpage.nextgroup, walk,
                                           channel, response.url)
            return
        if listing.jpage is not None:  # the pager's pages come from the proxy, in groups
            numbers = list(range(1, listing.jpage.groups))
            if self.since or self.store is not None:
                numbers = numbers[:1] if self._walk_on(walk, articles, new, bool(numbers)) else []
            for number in numbers:
                yield from self._jpage_group(listing.jpage, number, walk, channel,
                                             response.url, last=not (self.since or self.store))
            return
        if not listing.pages and listing.postback_next:  # ASP.NET: the form, posted back
            if self._walk_on(walk, articles, new, True):
                yield self._postback(response, listing.postback_next, walk, channel)
            return
        if self.store is None and not self.since:
            # The list's first page asks for every page it names; the pages after it only
            # for the next (a pager script names all pages on every page: 1,667 pages
            # asking for each other is 2.8 million requests to filter).
            first = response.meta.get("list_walk") is None
            pages = listing.pages if first else [listing.next_page] if listing.next_page else []
        else:
            go_on = self._walk_on(walk, articles, new, listing.next_page is not None)
            pages = [listing.next_page] if go_on and listing.next_page else []
        for url in pages:
            if self._allowed(url):
                yield Request(url, callback=self.parse, errback=self.list_page_failed,
                              priority=Priority.LIST_PAGE,
                              meta={"channel": channel, "other_depth": 0, "state_exempt": True,
                                    "list_walk": walk, "skip_to": listing.page_after(url)})

    def list_page_failed(self, failure: Failure) -> Iterator[Request]:
        """A page of a list failed. A missing one (404, 410: a gap in the series, or a
        numbering a script left open) does not end the walk: it goes on at the page after.
        Any other failure leaves the walk incomplete (``page_failed``)."""
        request = failure.request  # type: ignore[attr-defined]
        skip_to = request.meta.get("skip_to")
        if isinstance(failure.value, HttpError) and skip_to \
                and failure.value.response.status in (404, 410):
            self.crawler.stats.inc_value("lists/missing_page")
            yield request.replace(url=skip_to, meta={**request.meta, "skip_to": None})
        self.page_failed(failure)

    def _postback(self, response: Response, event: tuple[str, str], walk: str,
                  channel: str | None) -> Request:
        """The next page of an ASP.NET list: its form (``__VIEWSTATE`` and the rest) posted
        back with the pager's ``__EVENTTARGET`` and ``__EVENTARGUMENT``."""
        assert isinstance(response, TextResponse)
        return FormRequest.from_response(
            response, formxpath="//form[.//input[@name='__VIEWSTATE']]", dont_click=True,
            formdata={"__EVENTTARGET": event[0], "__EVENTARGUMENT": event[1]},
            callback=self.parse, priority=Priority.LIST_PAGE,
            meta={"channel": channel, "other_depth": 0, "state_exempt": True,
                  "list_walk": walk})

    def _has_new(self, articles: list[ListedArticle]) -> bool:
        """Whether the state knows of a listed article neither as written nor as dead (True
        without a state: everything is new)."""
        return self.store is None or any(
            self.store.known(item.url) is None and self.store.skip_until(item.url) is None
            for item in articles)

    def _read_list(self, walk: str, channel: str | None, listing: ListPage
                   ) -> tuple[list[ListedArticle], bool, list[Request]]:
        """A page of list ``walk``: the articles it shows on allowed hosts, whether the state
        knows some not (``new``), and the requests for those in the window. A list with new
        articles is marked incomplete in the state before any of them can become known."""
        articles = [item for item in listing.articles if self._allowed(item.url)]
        new = self._has_new(articles)
        if self.store is not None and new:
            self.store.walk_found_new(walk)
        return articles, new, [
            Request(item.url, callback=self.parse, errback=self.page_failed,
                    priority=Priority.ARTICLE,
                    meta={"channel": channel, "other_depth": 0, "source": "list"})
            for item in articles if self._in_window(item.date)]

    def _jpage_group(self, jpage: Jpage, number: int, walk: str, channel: str | None,
                     list_url: str, *, last: bool) -> Iterator[Request]:
        """A POST for group ``number`` of a Hanweb jpage list (``last``: every group was
        asked for at once; else the answer decides whether to ask for the next)."""
        group = jpage.group(number)
        if group is not None and self._allowed_host(group[0]):
            url, form = group
            yield FormRequest(url, formdata=form, callback=self.parse_jpage,
                              priority=Priority.LIST_PAGE,
                              meta={"channel": channel, "state_exempt": True, "list_walk": walk,
                                    "jpage": jpage._asdict(), "group": number,  # JSON: cluster
                                    "list_url": list_url, "walk_all": last})

    def _jpage_get(self, jpage: Jpage, url: str, walk: str, channel: str | None,
                   list_url: str) -> Iterator[Request]:
        """A GET of a jpage list's next group, the URL its last ``nextgroup`` link named."""
        if self._allowed_host(url):
            yield Request(url, callback=self.parse_jpage, errback=self.page_failed,
                          priority=Priority.LIST_PAGE,
                          meta={"channel": channel, "state_exempt": True, "list_walk": walk,
                                "jpage": jpage._asdict(), "group": -1, "list_url": list_url,
                                "walk_all": False})

    def parse_jpage(self, response: Response) -> Iterator[Request]:
        """A jpage proxy's answer: a ``<datastore>`` of list items, read as the list's page."""
        meta = response.meta
        text = response.text if isinstance(response, TextResponse) else ""
        records = datastore_records(text)
        self.crawler.stats.inc_value("lists/hanweb-jpage")
        articles, new, entries = self._read_list(meta["list_walk"], meta["channel"],
                                                 _records_list(meta["list_url"], records))
        yield from entries
        jpage = Jpage(**meta["jpage"])
        if not jpage.total:  # GET chain: the answer names the next group
            after = nextgroup(text, response.url)
            has_next = bool(records) and after is not None \
                and canonical_url(after) != canonical_url(response.url)
            if self._walk_on(meta["list_walk"], articles, new, has_next) and after:
                yield from self._jpage_get(jpage, after, meta["list_walk"], meta["channel"],
                                           meta["list_url"])
            return
        has_next = jpage.group(meta["group"] + 1) is not None
        if not meta["walk_all"] and self._walk_on(meta["list_walk"], articles, new, has_next):
            yield from self._jpage_group(jpage, meta["group"] + 1, meta["list_walk"],
                                         meta["channel"], meta["list_url"], last=False)

    def _api_request(self, api: ApiList, number: int, walk: str, channel: str | None,
                     list_url: str, size: int = 0) -> Iterator[Request]:
        """Page ``number`` of a list a JSON API serves (``size``: entries a full page holds,
        0 before the first answer)."""
        if self._allowed_host(api.url(number)):
            yield Request(api.url(number), callback=self.parse_api, errback=self.page_failed,
                          priority=Priority.LIST_PAGE,
                          meta={"channel": channel, "state_exempt": True, "list_walk": walk,
                                "api": list(api), "page": number, "size": size,
                                "list_url": list_url})

    def parse_api(self, response: Response) -> Iterator[Request]:
        """A JSON list API's answer, read as JSON: its entries as the list's page, then the
        next page while the list goes on (the total it states, or a full page)."""
        meta = response.meta
        api = ApiList(*meta["api"])
        try:
            items, total = api_page(api.kind, response.body, response.url)
        except ValueError as error:  # an error page, a login wall: the walk is incomplete
            self.crawler.stats.inc_value("pages/failed")
            logger.warning("List API answer unreadable (%s): %s", error, response.url)
            return
        self.crawler.stats.inc_value(f"lists/{api.kind}")
        articles, new, entries = self._read_list(meta["list_walk"], meta["channel"],
                                                 _records_list(meta["list_url"], items))
        yield from entries
        size = meta["size"] or len(articles)
        read = (meta["page"] - api.first + 1) * size
        has_next = bool(articles) and (read < total if total is not None
                                       else len(articles) >= size)
        if self._walk_on(meta["list_walk"], articles, new, has_next):
            yield from self._api_request(api, meta["page"] + 1, meta["list_walk"],
                                         meta["channel"], meta["list_url"], size)

    def _unfollowed(self, url: str, channel: str | None, pager: str) -> None:
        """A list shows a pager no page of which could be found: counted, warned once per
        channel, since the channel's older articles are out of reach."""
        self.crawler.stats.inc_value("lists/unfollowed")
        if channel not in self.warned_channels:
            self.warned_channels.add(channel)
            logger.warning("Channel %s: the list %s shows a pager (%s) the crawler cannot "
                           "follow; its older articles are not reached (see docs/lists.md)",
                           channel or "(unnamed)", url, pager)

    def _walk_on(self, walk: str, articles: list[ListedArticle], new: bool,
                 has_next: bool) -> bool:
        """Whether to walk on from a page of list ``walk``, listing ``articles`` (``new``:
        some unknown to the state), to its next page (``has_next``).

        Without a state or a window, every page is walked. A backfill (``since``) walks
        down to the window's start. With a state, a walk stops
        at a page whose articles are all known only where the list was complete as this run
        began (``StateStore.walk_may_stop``); else it goes on to the list's end, so that
        articles an interrupted run never reached are not hidden behind known ones."""
        dates = [item.date for item in articles if item.date]
        if self.store is None and not self.since:
            return has_next
        if self.since:
            if dates and max(dates) < self.since and _newest_first(dates):
                self.crawler.stats.inc_value("window/pagination_stopped")
                return False  # everything further down this list is older than the window
            return has_next
        assert self.store is not None
        if not new and self.store.walk_may_stop(walk):
            self.crawler.stats.inc_value("state/pagination_stopped")
            self.store.walk_ended(walk)
            return False
        if not has_next:
            self.store.walk_ended(walk)
        return has_next

    def _links(self, page: Page, depth: int) -> Iterator[Request]:
        """Every other page link on the site, by the kind its URL suggests. Pages of a 分页
        article are left to the record's own chain, pages of a list to ``_list``."""
        skip = set(page.article.split_pages)
        if page.kind in (PageKind.LIST, PageKind.OTHER):  # read by _list
            skip.update(page.listing.pages)
        if self.since or self.until:  # articles a list dates outside the window
            skip.update(item.url for item in page.listing.articles
                        if not self._in_window(item.date))
        for url, _text in page.listing.links:
            if url in skip or not self._allowed(url) or looks_like_trap(url):
                continue
            if not self._new_query_variant(url):
                continue
            if looks_like_article_url(url):
                priority = Priority.ARTICLE
            elif looks_like_list_url(url):
                priority = Priority.LIST
            else:
                priority = Priority.PAGE
            yield Request(url, callback=self.parse, errback=self.page_failed,
                          priority=priority, meta={"other_depth": depth,
                                                   "state_exempt": priority is Priority.LIST})

    # --- helpers -------------------------------------------------------------------------

    @cached_property
    def store(self) -> StateStore | None:
        """The crawl state across runs (``STATE_URI``), None without one. (Not ``state``:
        Scrapy's SpiderState extension owns that name.)"""
        return state_for(self.crawler)

    def _remember(self, response: Response, kind: str, setting: str, unit_hours: float) -> None:
        """Let the state skip a page without articles until its re-check time."""
        if self.store is not None and not response.meta.get("state_exempt"):
            recheck = timedelta(hours=self.settings.getfloat(setting) * unit_hours)
            self.store.mark_page(canonical_url(response.url), kind, recheck)

    def _page(self, response: Response) -> Page | None:
        if not isinstance(response, TextResponse) or not _is_html(response):
            self.crawler.stats.inc_value("pages/not_html")
            return None
        if response.body.lstrip()[:1] in (b"{", b"["):  # JSON served as a page: no HTML
            self.crawler.stats.inc_value("pages/not_html")
            return None
        headers = {k.decode("latin-1"): v[0].decode("latin-1")
                   for k, v in response.headers.items() if v}
        body, limit = response.body, self.settings.getint("PORTAL_MAX_PAGE_BYTES")
        if len(body) > limit:  # no news page is this big: read its start, not all of it
            logger.warning("Page of %d bytes read up to %d: %s", len(body), limit, response.url)
            self.crawler.stats.inc_value("pages/truncated")
            body = body[:limit]
        return Page.from_bytes(response.url, body, headers)

    def _allowed(self, url: str) -> bool:
        return is_page_link(url) and self._allowed_host(url)

    def _allowed_host(self, url: str) -> bool:
        host = host_of(url)
        return url.startswith(("http://", "https://")) and any(
            host == d or host.endswith("." + d) for d in self.allowed_domains)

    def _new_query_variant(self, url: str) -> bool:
        """At most PORTAL_QUERY_VARIANTS distinct query strings per path (calendars, filters)."""
        parts = urlsplit(url)
        if not parts.query:
            return True
        variants = self.query_variants[f"{parts.netloc}{parts.path}"]
        if parts.query in variants:
            return True
        if len(variants) >= self.settings.getint("PORTAL_QUERY_VARIANTS"):
            self.crawler.stats.inc_value("pages/query_variant_not_followed")
            return False
        variants.add(parts.query)
        return True


def _records_list(list_url: str, records: list[str]) -> ListPage:
    """List items a proxy or an API answered with, read as a page of the list at
    ``list_url`` (links resolve against it, dates beside them are read)."""
    return Page.from_bytes(list_url, records_html(records)).listing


def _is_html(response: TextResponse) -> bool:
    content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1").lower()
    return not content_type or "html" in content_type or "xml" in content_type \
        or content_type.startswith("text/plain")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _newest_first(dates: list[str]) -> bool:
    """Whether a list's dates run newest first (a pinned item or two at the top allowed).

    >>> _newest_first(["2023-07-28", "2023-07-20", "2023-06-01"])
    True
    >>> _newest_first(["2021-01-01", "2022-01-01", "2023-01-01"])
    False
    """
    pairs = list(pairwise(dates))
    return not pairs or sum(a >= b for a, b in pairs) >= 0.8 * len(pairs)
