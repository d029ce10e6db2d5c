"""A portal that gains articles between runs: TRS-style lists newest first, five a page."""

from __future__ import annotations

from datetime import date, timedelta

from portal_server import LocalServer

PER_PAGE = 5
CHANNELS = {"zjyw": "质检要闻", "dfdt": "地方动态"}


class GrowingPortal(LocalServer):
    """Channel ``zjyw`` draws its pager with ``createPageHTML``, ``dfdt`` with 下一页 links.

    ``grow(n)`` publishes ``n`` new articles in every channel; ``articles()`` lists the URLs of
    all published ones.
    """

    def __init__(self, per_channel: int = 12, delay: float = 0.0, *,
                 per_page: int = PER_PAGE, latest: bool = True) -> None:
        super().__init__(delay=delay)
        self.per_page = per_page
        self.latest = latest  #: the home page links each channel's newest article
        self.count = dict.fromkeys(CHANNELS, 0)
        self.grow(per_channel)

    def grow(self, n: int) -> None:
        for channel in CHANNELS:
            self.count[channel] += n

    def articles(self) -> set[str]:
        return {f"{self.origin}{self._path(c, i)}" for c in CHANNELS
                for i in range(1, self.count[c] + 1)}

    @staticmethod
    def _day(i: int) -> date:
        return date(2023, 1, 1) + timedelta(days=i)

    def _path(self, channel: str, i: int) -> str:
        return f"/{channel}/{self._day(i):%Y%m}/t{self._day(i):%Y%m%d}_{i}.html"

    def respond(self, path: str) -> tuple[int, dict[str, str], bytes]:
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /search/\n"
        if path == "/":
            body = self._home()
        elif path == "/about.html":
            body = self._page("关于我们", "<p>本网站由质量监督部门主办。</p>")
        else:
            body = self._channel_page(path) or self._article(path)
        if body is None:
            return 404, {"Content-Type": "text/html"}, b"<html>not found</html>"
        return 200, {"Content-Type": "text/html; charset=utf-8"}, body.encode("utf-8")

    def _page(self, title: str, main: str) -> str:
        nav = " ".join(f'<a href="/{c}/index.html">{name}</a>' for c, name in CHANNELS.items())
        return (f'<html><head><meta charset="utf-8"><title>{title}_质量网</title></head><body>'
                f'<div class="nav"><a href="/">首页</a> {nav}</div>{main}'
                f'<div class="foot"><a href="/about.html">关于我们</a></div></body></html>')

    def _home(self) -> str:
        items = "".join(f'<li><a href="{self._path(c, self.count[c])}">{self._title(c, self.count[c])}'
                        f"</a></li>" for c in CHANNELS if self.latest)
        return self._page("首页", f"<ul>{items}</ul>")

    def _title(self, channel: str, i: int) -> str:
        return f"{CHANNELS[channel]}第{i}号：质量工作稳步推进"

    def _channel_page(self, path: str) -> str | None:
        for channel in CHANNELS:
            prefix = f"/{channel}/index"
            if not path.startswith(prefix):
                continue
            rest = path[len(prefix):]
            page = 0 if rest == ".html" else int(rest[1:-5]) if rest.startswith("_") else -1
            pages = max(1, -(-self.count[channel] // self.per_page))
            if not 0 <= page < pages:
                return None
            newest = self.count[channel] - page * self.per_page
            ids = range(newest, max(0, newest - self.per_page), -1)
            items = "".join(f'<li><a href="{self._path(channel, i)}">{self._title(channel, i)}</a>'
                            f"<span>{self._day(i)}</span></li>" for i in ids)
            if channel == "zjyw":
                pager = f'<script>createPageHTML({pages}, {page}, "index", "html");</script>'
            else:
                previous = "index.html" if page == 1 else f"index_{page - 1}.html"
                pager = (f'<a href="{previous}">上一页</a> ' if page else "") + (
                    f'<a href="index_{page + 1}.html">下一页</a>' if page + 1 < pages else "")
            return self._page(CHANNELS[channel], f'<div class="position">当前位置：<a href="/">首页</a>'
                              f" &gt; {CHANNELS[channel]}</div><ul>{items}</ul>{pager}")
        return None

    def _article(self, path: str) -> str | None:
        number = path.rpartition("_")[2].removesuffix(".html")
        i = int(number) if number.isdigit() else 0
        for channel in CHANNELS:
            if 1 <= i <= self.count[channel] and path == self._path(channel, i):
                title = self._title(channel, i)
                body = "".join(
                    f"<p>　　{self._day(i):%m月%d日}，{CHANNELS[channel]}栏目发布第{i}号消息，"
                    f"第{n}段介绍了质量监督工作的进展情况，各项工作有序推进。</p>" for n in (1, 2, 3))
                return self._page(title, f"<h1>{title}</h1><div>发布时间：{self._day(i)} 09:00"
                                         f"　来源：质量网</div><div class='TRS_Editor'>{body}</div>")
        return None
