"""Sitemaps and feeds: the other ways a portal lists its articles. Pure parsing of bytes.

Sitemaps (``urlset`` and ``sitemapindex``, gzipped or not, news sitemaps) and RSS/Atom feeds
give (URL, day) entries; the day is ``<news:publication_date>``, ``<lastmod>``, ``<pubDate>``
or ``<published>``/``<updated>``, as ``YYYY-MM-DD`` or None.
"""

from __future__ import annotations

import re
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, NamedTuple

from lxml import etree
from scrapy.utils.gz import gunzip

from crawler.dates import day_of
from crawler.urls import join_url

if TYPE_CHECKING:
    from crawler.pages.document import Document

MAX_ENTRIES = 50_000  # per file, as the sitemap protocol allows
MAX_UNZIPPED = 64 * 1024 * 1024  # a gzipped sitemap is inflated up to this
# No network, no entities, no monster trees: a sitemap is data from a stranger.
_PARSER = etree.XMLParser(recover=True, resolve_entities=False, no_network=True,
                          huge_tree=False, remove_comments=True, remove_pis=True)
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")
WELL_KNOWN_FEEDS = ("/rss.xml", "/feed")
SITEMAP_LINE_RE = re.compile(r"^\s*sitemap\s*:\s*(\S+)", re.I | re.M)


class Entry(NamedTuple):
    url: str
    day: str | None  #: ``YYYY-MM-DD`` the file gives for the entry, None when it gives none


def _root(body: bytes) -> etree._Element | None:
    if body[:2] == b"\x1f\x8b":  # .xml.gz served as a file, not as Content-Encoding
        body = gunzip(body, max_size=MAX_UNZIPPED)
    try:
        return etree.fromstring(body.strip() or b"<x/>", _PARSER)
    except etree.XMLSyntaxError:
        return None


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _child_text(element: etree._Element, *names: str) -> str | None:
    for child in element:
        if _local(child.tag) in names and (child.text or "").strip():
            return child.text.strip()
        if _local(child.tag) == "news":  # <news:news><news:publication_date>
            found = _child_text(child, *names)
            if found:
                return found
    return None


def parse_sitemap(body: bytes, base_url: str) -> tuple[list[Entry], list[Entry]]:
    """(pages, child sitemaps) of a sitemap or sitemap index.

    >>> pages, _ = parse_sitemap(b'''<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
    ...   xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>/a/1.html</loc>
    ...   <news:news><news:publication_date>2023-07-28T10:00:00+08:00</news:publication_date>
    ...   </news:news></url><url><loc>http://x.cn/a/2.html</loc><lastmod>2023-07-01</lastmod>
    ...   </url></urlset>''', "http://x.cn/sitemap.xml")
    >>> [(entry.url[-8:], entry.day) for entry in pages]
    [('a/1.html', '2023-07-28'), ('a/2.html', '2023-07-01')]
    """
    root = _root(body)
    if root is None:
        return [], []
    pages: list[Entry] = []
    children: list[Entry] = []
    for element in root:
        kind = _local(element.tag)
        if kind not in ("url", "sitemap"):
            continue
        loc = _child_text(element, "loc")
        if not loc:
            continue
        day = day_of(_child_text(element, "publication_date") or _child_text(element, "lastmod"))
        url = join_url(base_url, loc)
        if url:
            (pages if kind == "url" else children).append(Entry(url, day))
        if len(pages) + len(children) >= MAX_ENTRIES:
            break
    return pages, children


def parse_feed(body: bytes, base_url: str) -> list[Entry]:
    """The items of an RSS or Atom feed.

    >>> parse_feed(b'''<rss><channel><item><link>/a/3.html</link>
    ...   <pubDate>Fri, 28 Jul 2023 10:00:00 +0800</pubDate></item></channel></rss>''',
    ...   "http://x.cn/rss.xml")
    [Entry(url='http://x.cn/a/3.html', day='2023-07-28')]
    """
    root = _root(body)
    if root is None:
        return []
    entries: list[Entry] = []
    for element in root.iter():
        kind = _local(element.tag)
        if kind not in ("item", "entry"):
            continue
        link = _child_text(element, "link")
        if link is None:  # Atom: <link href="..."/>
            hrefs = [c.get("href") for c in element if _local(c.tag) == "link" and c.get("href")
                     and c.get("rel", "alternate") == "alternate"]
            link = hrefs[0] if hrefs else None
        if not link:
            continue
        raw = _child_text(element, "pubdate", "published", "updated", "date")
        url = join_url(base_url, link)
        if url:
            entries.append(Entry(url, _feed_day(raw)))
        if len(entries) >= MAX_ENTRIES:
            break
    return entries


def _feed_day(raw: str | None) -> str | None:
    if not raw:
        return None
    try:  # RFC 822, as RSS writes it
        return parsedate_to_datetime(raw).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return day_of(raw)


def declared_feeds(document: Document) -> list[str]:
    """Feeds a page declares with ``<link rel="alternate" type="application/rss+xml">``."""
    found = []
    for link in document.declared["link"]:
        if (link.get("type") or "").lower() in FEED_TYPES and link.get("href"):
            url = join_url(document.url, link.get("href", ""))
            if url:
                found.append(url)
    return found


def robots_sitemaps(body: bytes, base_url: str) -> list[str]:
    """The ``Sitemap:`` lines of a robots.txt."""
    text = body.decode("utf-8", "replace")
    urls = (join_url(base_url, match.group(1)) for match in SITEMAP_LINE_RE.finditer(text))
    return [url for url in urls if url]
