"""What a fetched page is (article, list, deleted article, other), decided from its content."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

from crawler.pages.article import ArticlePage
from crawler.pages.document import Document
from crawler.pages.listing import ListPage
from crawler.pages.markers import looks_like_article_url

MIN_ARTICLE_CHARS = 120  # body text that makes a page an article without other evidence
SHORT_ARTICLE_CHARS = 20  # a short notice still needs this much text, a headline and a date
LONG_ARTICLE_CHARS = 500  # this much body text is an article even without a headline line
LIST_LINKS_IN_BODY = 5  # headline links inside the "body" that make it a list of summaries


class PageKind(StrEnum):
    ARTICLE = "article"
    LIST = "list"
    DELETED = "deleted"
    OTHER = "other"


@dataclass
class Page:
    """One fetched page, parsed once, readable both as an article and as a list."""

    document: Document

    @classmethod
    def from_bytes(cls, url: str, body: bytes, headers: dict[str, str] | None = None) -> Page:
        return cls(Document.from_bytes(url, body, headers))

    @cached_property
    def article(self) -> ArticlePage:
        return ArticlePage(self.document)

    @cached_property
    def listing(self) -> ListPage:
        return ListPage(self.document, self.article.lines)

    @cached_property
    def kind(self) -> PageKind:
        """Article: a headline, and a body that outweighs the page's dated links (or a short
        dated notice at an article-shaped URL). List: several dated or article links."""
        article, listing = self.article, self.listing
        listed = listing.dated_links >= 3 or len(listing.articles) >= 5
        if article.deleted and not listed:  # one withdrawn entry does not unmake a list
            return PageKind.DELETED
        chars, dated = article.body_chars, listing.dated_links
        has_headline = article.headline is not None and article.headline.line >= 0
        dated_header = article.header.date is not None
        body = article.body
        is_list_body = article.body_links >= LIST_LINKS_IN_BODY or chars < 12 * dated
        long_text = chars >= LONG_ARTICLE_CHARS
        headed_text = has_headline and chars >= MIN_ARTICLE_CHARS and (dated_header or dated < 5)
        dated_notice = has_headline and dated_header and (
            (looks_like_article_url(self.document.url)
            and (chars >= SHORT_ARTICLE_CHARS or bool(body.attachments)))
            or (bool(body.images) and dated < 5)  # photo news: a picture is the body
        )
        if not is_list_body and (long_text or headed_text or dated_notice):
            return PageKind.ARTICLE
        paged = listing.pages or listing.jpage or listing.postback_next
        if dated >= 3 or len(listing.articles) >= 5 or (listing.articles and paged):
            return PageKind.LIST
        return PageKind.OTHER
