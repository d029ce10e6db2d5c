"""A portal found four ways: lists spanning years, a sitemap index (gzipped and news
sitemaps), an RSS feed declared by the home page, and articles only one of them lists."""

from __future__ import annotations

import gzip
from datetime import date, timedelta

from portal_server import LocalServer

PER_PAGE = 5
LIST_PAGES = 4  # page 0: 2023 ... page 3: 2020, newest first


def _day(n: int) -> date:
    """List article n (0 = newest): five a year-page, from 2023 down to 2020."""
    return date(2023 - n // PER_PAGE, 6, 1) - timedelta(days=n % PER_PAGE * 7)


LISTED = {f"/a/t{_day(n):%Y%m%d}_{n}.html": _day(n) for n in range(PER_PAGE * LIST_PAGES)}
SITEMAP_ONLY = {"/a/t20230301_101.html": date(2023, 3, 1), "/a/t20220301_102.html": date(2022, 3, 1),
                "/a/t20200301_103.html": date(2020, 3, 1)}
NEWS_ONLY = {"/a/t20220705_201.html": date(2022, 7, 5)}
FEED_ONLY = {"/a/t20220801_301.html": date(2022, 8, 1), "/a/t20230801_302.html": date(2023, 8, 1)}
ARTICLES = {**LISTED, **SITEMAP_ONLY, **NEWS_ONLY, **FEED_ONLY}


class DiscoveryPortal(LocalServer):
    def respond(self, path: str) -> tuple[int, dict[str, str], bytes]:
        html = {"Content-Type": "text/html; charset=utf-8"}
        xml = {"Content-Type": "application/xml"}
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, b"User-agent: *\nSitemap: /sitemap_index.xml\n"
        if path == "/":
            return 200, html, self._page(
                "首页", '<a href="/list/index.html">工作动态</a>',
                '<link rel="alternate" type="application/rss+xml" href="/feed.xml">')
        if path == "/sitemap_index.xml":
            return 200, xml, (
                b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                b"<sitemap><loc>/sitemaps/archive.xml.gz</loc><lastmod>2023-06-01</lastmod></sitemap>"
                b"<sitemap><loc>/sitemaps/news.xml</loc></sitemap>"
                b"<sitemap><loc>http://other.example/sitemap.xml</loc></sitemap>"
                b"</sitemapindex>")
        if path == "/sitemaps/archive.xml.gz":
            entries = {**SITEMAP_ONLY, **dict(list(LISTED.items())[:3])}
            urls = "".join(f"<url><loc>{p}</loc><lastmod>{d}</lastmod></url>"
                           for p, d in entries.items())
            urls += ("<url><loc>http://other.example/a/1.html</loc></url>"
                     "<url><loc>/a/gone.html</loc></url>")
            body = gzip.compress(f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                                 f"{urls}</urlset>".encode())
            return 200, {"Content-Type": "application/x-gzip"}, body
        if path == "/sitemaps/news.xml":
            urls = "".join(
                f"<url><loc>{p}</loc><news:news><news:publication_date>{d}T09:00:00+08:00"
                "</news:publication_date></news:news></url>" for p, d in NEWS_ONLY.items())
            return 200, xml, (
                '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
                f"{urls}</urlset>").encode()
        if path == "/feed.xml":
            items = "".join(f"<item><title>t</title><link>{self.origin}{p}</link>"
                            f"<pubDate>{d:%a, %d %b %Y} 09:00:00 +0800</pubDate></item>"
                            for p, d in {**FEED_ONLY, **SITEMAP_ONLY}.items())
            return 200, {"Content-Type": "application/rss+xml"}, (
                f"<rss version='2.0'><channel><title>f</title>{items}</channel></rss>").encode()
        if path.startswith("/list/index"):
            name = path.rsplit("/", 1)[1]
            page = 0 if name == "index.html" else int(name[6:-5])
            if not 0 <= page < LIST_PAGES:
                return 404, html, b"404"
            chunk = list(LISTED.items())[page * PER_PAGE:(page + 1) * PER_PAGE]
            items = "".join(f'<li><a href="{p}">工作动态：{d}的消息</a><span>{d}</span></li>'
                            for p, d in chunk)
            return 200, html, self._page("工作动态", f"<ul>{items}</ul><script>createPageHTML("
                                         f'{LIST_PAGES}, {page}, "index", "html");</script>')
        if path in ARTICLES:
            day = ARTICLES[path]
            body = "".join(f"<p>　　{day:%m月%d日}，第{n}段正文介绍了质量工作的进展，各项工作有序推进。</p>"
                           for n in (1, 2, 3))
            return 200, html, self._page(f"{day}的消息", f"<h1>{day}的消息</h1><div>发布时间："
                                         f"{day} 09:00</div><div class='c'>{body}</div>")
        return 404, html, b"404"

    @staticmethod
    def _page(title: str, main: str, head: str = "") -> bytes:
        return (f'<html><head><meta charset="utf-8"><title>{title}_测试网</title>{head}</head>'
                f'<body><div class="nav"><a href="/">首页</a></div>{main}</body></html>').encode()
