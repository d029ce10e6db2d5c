"""The metadata layer: what the page declares about itself in ``<meta>``, JSON-LD and links."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from crawler.dates import ParsedDate, find_date
from crawler.pages.markers import SCRIPT_DATE_NAMES, SCRIPT_DATE_VALUE_RE
from crawler.text import normalize_space
from crawler.urls import join_url

if TYPE_CHECKING:
    from crawler.pages.document import Document

# TRS WCM, other government CMSs, Open Graph and Dublin Core names, most specific first.
TITLE_METAS = ("ArticleTitle", "og:title", "twitter:title", "dc.title")
DATE_METAS = ("PubDate", "publishdate", "pubdate", "article:published_time",
              "og:article:published_time", "datePublished", "dc.date.issued", "dc.date",
              "firstpublishedtime", "publish_time", "ptime")
# Where a page states its publication time the way search engines read it: precise enough to
# stand without a search of the whole page (htmldate agrees on 97% of them, make bench).
PUBLISHED_METAS = ("article:published_time", "og:article:published_time")
MAX_DATA_SCRIPT = 64 * 1024  # a script holding a page's data is small; a library is not read
# Dates that are not the publication's but share its day often enough to lend it a time.
MODIFIED_METAS = ("article:modified_time", "og:updated_time", "dateModified", "dateUpdate",
                  "lastmod", "last-modified")
SOURCE_METAS = ("ContentSource", "source", "article:source", "og:article:source")
AUTHOR_METAS = ("article:author", "og:article:author", "dc.creator")
CHANNEL_METAS = ("ColumnName", "article:section", "og:article:section", "category")


@dataclass
class Metadata:
    """Fields a page declares; each None when it declares none."""

    title: str | None = None
    date: ParsedDate | None = None
    source: str | None = None
    author: str | None = None
    channel: str | None = None
    canonical: str | None = None
    #: every date the page declares (publication metas, JSON-LD, ``<time>``, modification
    #: metas, publication times in script data), in that order
    dates: list[ParsedDate] = field(default_factory=list)
    #: the publication date a script writes or holds (``showDate("…")``, ``"pubtime": "…"``)
    script_date: ParsedDate | None = None
    #: the publication time stated for search engines (Open Graph, JSON-LD), with its time
    published: ParsedDate | None = None


def _json_ld(document: Document) -> dict[str, Any]:
    for script in document.declared["script"]:
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        for item in data if isinstance(data, list) else data.get("@graph", [data]):
            if isinstance(item, dict) and ("headline" in item or "datePublished" in item):
                return item
    return {}


def read_metadata(document: Document) -> Metadata:
    """The page's self-description; never raises on malformed metadata."""
    ld = _json_ld(document)
    ld_author = ld.get("author")
    if isinstance(ld_author, list):
        ld_author = ld_author[0] if ld_author else None
    if isinstance(ld_author, dict):
        ld_author = ld_author.get("name")
    date_text = document.meta(*DATE_METAS) or str(ld.get("datePublished") or "")
    if not date_text:
        times = [t.get("datetime") for t in document.declared["time"] if t.get("datetime")]
        date_text = times[0] if times else ""
    data = "\n".join(text for script in document.declared["script"]
                     if (text := script.text) and len(text) <= MAX_DATA_SCRIPT)
    scripted = [found for text in script_dates(data) if (found := find_date(text))]
    texts = [document.meta(*DATE_METAS), str(ld.get("datePublished") or ""),
             *(t.get("datetime") or "" for t in document.declared["time"][:3]),
             document.meta(*MODIFIED_METAS), str(ld.get("dateModified") or "")]
    dates = [found for text in texts if text and (found := find_date(text))] + scripted
    canonical = [link.get("href") or "" for link in document.declared["link"]
                 if link.get("rel") == "canonical" and link.get("href") is not None]
    return Metadata(
        title=document.meta(*TITLE_METAS) or _text(ld.get("headline")),
        date=find_date(date_text) if date_text else None,
        source=document.meta(*SOURCE_METAS),
        author=document.meta(*AUTHOR_METAS) or _text(ld_author),
        channel=document.meta(*CHANNEL_METAS),
        canonical=join_url(document.url, canonical[0]) if canonical else None,
        dates=dates,
        script_date=scripted[0] if scripted else None,
        published=next((found for text in (document.meta(*PUBLISHED_METAS),
                                           str(ld.get("datePublished") or ""))
                        if text and (found := find_date(text)) and "T" in found.iso), None),
    )


def script_dates(script: str, most: int = 3) -> list[str]:
    """Date values a page's scripts hold or write under a publication name, in order.

    >>> script_dates('var DATA = {"pubtime": "2019-09-07 19:02:26"}; showDate("2020/04/17");')
    ['2019-09-07 19:02:26', '2020/04/17']
    """
    lower = script.lower()
    found: list[tuple[int, str]] = []
    for name in SCRIPT_DATE_NAMES:
        at = lower.find(name)
        while at >= 0 and len(found) < 4 * most:
            if not (at and (lower[at - 1].isalnum() or lower[at - 1] == "_")):  # a whole name
                match = SCRIPT_DATE_VALUE_RE.match(script, at + len(name))
                if match:
                    found.append((at, match.group(1)))
            at = lower.find(name, at + len(name))
    return [value for _, value in sorted(found)[:most]]


def _text(value: object) -> str | None:
    return normalize_space(value) or None if isinstance(value, str) else None
