"""The article record: one JSON Lines line per article, the contract with downstream users.

``schema/article.schema.json`` states the same contract as JSON Schema; the tests validate
every produced record against it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, TypedDict

from itemadapter import ItemAdapter


class Image(TypedDict):
    url: str  #: absolute URL of the image
    caption: str | None  #: the caption printed under it, null when none


class Attachment(TypedDict):
    url: str  #: absolute URL of the file (pdf, doc, xls, zip, ...), never fetched
    title: str  #: the link text, or the file name when the link has no text


class RelatedLink(TypedDict):
    url: str  #: absolute, canonical URL of the linked article
    title: str  #: full title when the page gives it (link title), else the text as shown
    date: str | None  #: ``YYYY-MM-DD`` shown beside the link, null when none


@dataclass
class Article:
    """One article, however many pages or URLs it was reached by. Field order is output order."""

    #: Canonical article URL (first page of a multi-page article, ``<link rel=canonical>`` when
    #: on the allowed hosts); the key by which an article is written once.
    url: str
    #: The full headline; never a list's shortened title nor the ``<title>`` site suffix.
    title: str | None = None
    #: ISO 8601: ``2007-08-23T10:12:00+08:00`` when the page shows a time (the offset it
    #: states; +08:00 on a Chinese page that states none, none on another page that states
    #: none), ``2007-08-23`` when it shows a day only; null when it shows no publication date.
    published_at: str | None = None
    #: The publication date text exactly as shown (``2007年08月23日 10:12``); null when none.
    published_at_raw: str | None = None
    source: str | None = None  #: 来源: the publishing organisation or outlet; null when none
    author: str | None = None  #: 作者 / 记者; null when none
    editor: str | None = None  #: 责任编辑, usually printed at the end of the body; null when none
    channel: str | None = None  #: the section the article belongs to (质检要闻); null when unknown
    #: Body paragraphs in order, whitespace-normalised, without editor lines, widgets,
    #: captions, attachment lines or repeated copies of the body or of a block of it (short
    #: lines the text repeats on purpose stay). Empty only for photo news (``images``).
    paragraphs: list[str] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)  #: body images with captions
    attachments: list[Attachment] = field(default_factory=list)  #: linked files in the body
    related: list[RelatedLink] = field(default_factory=list)  #: 相关新闻 and the like, page order
    #: URLs of the pages the body was read from, in order (more than one for 分页 articles).
    pages: list[str] = field(default_factory=list)
    #: Which layer produced each field: ``template``, ``metadata``, ``generic``, or ``crawl``
    #: (the channel named by the list page that linked the article).
    extracted_by: dict[str, str] = field(default_factory=dict)
    #: True when an article written by an earlier run changed and is written again
    #: (``RECHECK_DAYS``); false for an article written for the first time.
    update: bool = False
    fetched_at: str | None = None  #: ISO 8601 UTC time of the fetch of the first page


def content_hash(item: Any) -> str:
    """What a change of an article means: its headline, date text and body."""
    adapter = ItemAdapter(item)
    text = json.dumps([adapter.get("title"), adapter.get("published_at_raw"),
                       adapter.get("paragraphs")], ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()
