"""A synthetic portal: N articles over several channels and three templates, 20-80 KB pages
in GBK and UTF-8, paginated lists, related links, print views, non-article pages and a
calendar trap; pages are a pure function of the path, served on 127.0.0.1. The tests read
its pages; the crawl benchmark serves it:

    python tests/synthetic_portal.py --articles 2000 --port 8800   # serve until interrupted
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Callable
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CHANNELS = ("zjyw", "zlxs", "dfdt", "tzgg", "bzjl", "jlgl")
NAMES = {"zjyw": "质检要闻", "zlxs": "质量兴市", "dfdt": "地方动态", "tzgg": "通知公告",
         "bzjl": "标准计量", "jlgl": "计量管理"}
PER_PAGE = 20
SENTENCES = (
    "各级质检部门要以贯彻落实全国质量工作会议精神为动力，大力推进质量兴市工作。",
    "会议要求，要坚持源头治理、全程把关，全面强化产品质量和食品安全监管。",
    "今年以来，全系统共开展监督抽查数千批次，抽样合格率比去年同期有所提高。",
    "执法人员重点检查了企业的进货台账、生产记录和出厂检验报告，对发现的问题责令限期整改。",
    "下一步，该局将持续加强计量监管，维护公平交易秩序，保障人民群众的合法权益。",
    "活动期间，市民代表参观了企业生产线和检测实验室，并与企业质量负责人面对面交流。",
)


MENU = 25  # drop-down menu entries per channel: 150 of a page's 177 links


class SyntheticPortal:
    """Pages as a pure function of the path; ``respond(path)`` gives (status, headers, body)."""

    def __init__(self, articles: int, seed: int = 7, menu: int = MENU) -> None:
        self.articles = articles
        self.seed = seed
        self.menu = menu  #: entries per channel in the drop-down menu on every page

    # --- the site's shape ----------------------------------------------------------------

    def channel_of(self, i: int) -> str:
        return CHANNELS[i % len(CHANNELS)]

    def day(self, i: int) -> date:
        return date(2015, 1, 1) + timedelta(days=i // 3)

    def article_path(self, i: int) -> str:
        channel, day = self.channel_of(i), self.day(i)
        if channel in ("zjyw", "tzgg", "jlgl"):  # TRS
            return f"/{channel}/{day:%Y%m}/t{day:%Y%m%d}_{i}.html"
        if channel in ("zlxs", "bzjl"):
            return f"/{channel}/content_{i}.htm"
        return f"/{channel}/show.php?id={i}"

    def channel_articles(self, channel: str) -> list[int]:
        index = CHANNELS.index(channel)
        return list(range(self.articles - 1 - (self.articles - 1 - index) % len(CHANNELS), -1,
                          -len(CHANNELS)))

    def all_article_paths(self) -> list[str]:
        return [self.article_path(i) for i in range(self.articles)]

    # --- rendering -----------------------------------------------------------------------

    def respond(self, path: str) -> tuple[int, dict[str, str], bytes]:
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /search/\n"
        html, encoding = self._route(path)
        if html is None:
            return 404, {"Content-Type": "text/html"}, b"<html><body>404</body></html>"
        charset = "; charset=gbk" if encoding == "gbk" and path.endswith("0.html") else ""
        return 200, {"Content-Type": "text/html" + charset}, html.encode(encoding)

    def _route(self, path: str) -> tuple[str | None, str]:
        base, _, query = path.partition("?")
        if base == "/":
            return self._home(), "utf-8"
        if base == "/about.html":
            return self._page("关于我们", "<p>本网站由质量监督部门主办。</p>" * 20), "utf-8"
        if base == "/calendar.html":  # a trap: 120 month pages, each linking to two more
            month = query.removeprefix("m=") or "2020-01"
            try:
                year, mon = (int(x) for x in month.split("-")[:2])
            except ValueError:
                return None, "utf-8"
            if not 2015 <= year <= 2024:
                return None, "utf-8"
            prev = f"{year - (mon == 1)}-{(mon - 2) % 12 + 1:02d}"
            nxt = f"{year + (mon == 12)}-{mon % 12 + 1:02d}"
            links = (f'<a href="/calendar.html?m={prev}">上月</a> '
                     f'<a href="/calendar.html?m={nxt}">下月</a>')
            return self._page("日历", f"<div>{month}</div>{links}"), "utf-8"
        for channel in CHANNELS:
            if base.startswith(f"/{channel}/index"):
                return self._list(channel, base), "gbk" if channel in ("zjyw", "tzgg") else "utf-8"
        for i in self._article_ids(path):
            return self._article(i, printable="print=1" in query)
        return None, "utf-8"

    def _article_ids(self, path: str) -> list[int]:
        base, _, query = path.partition("?")
        if "id=" in query:
            digits = query.split("id=")[1].split("&")[0]
        else:
            name = base.rsplit("/", 1)[-1].split(".")[0]
            digits = name.rsplit("_", 1)[-1]
        if not digits.isdigit() or int(digits) >= self.articles:
            return []
        i = int(digits)
        return [i] if self.article_path(i).partition("?")[0] == base else []

    def _boilerplate(self, rng: random.Random) -> tuple[str, str, str]:
        nav = " | ".join(f'<a href="/{c}/index.html">{NAMES[c]}</a>' for c in CHANNELS)
        menu = "".join(f'<li><a href="/{c}/index.html#m{k}">{NAMES[c]}专题栏目{k}</a></li>'
                       for k in range(self.menu) for c in CHANNELS)  # drop-down menu
        side = "".join(f'<li><a href="{self.article_path(j)}">热点新闻标题第{j}号</a> '
                       f"<span>{self.day(j)}</span></li>"
                       for j in rng.sample(range(self.articles), min(10, self.articles)))
        foot = ('<div class="foot"><a href="/about.html">关于我们</a> | '
                '<a href="/calendar.html?m=2020-01">日历</a> | <a href="http://www.gov.cn/">'
                "中国政府网</a> | <a href=\"mailto:a@b.cn\">联系</a>"
                + "<p>版权所有：中国质量监督网 地址：北京市某某区某某路1号 邮编：100000</p>" * 3
                + "</div>")
        return (f'<div class="nav"><a href="/">首页</a> | {nav}<ul class="menu">{menu}</ul></div>',
                f"<ul>{side}</ul>", foot)

    def _page(self, title: str, main: str, rng: random.Random | None = None) -> str:
        nav, side, foot = self._boilerplate(rng or random.Random(self.seed))
        return (f'<html><head><meta charset="utf-8"><title>{title}_中国质量监督网</title>'
                f"<style>{'.x{color:red}' * 200}</style></head><body>{nav}<div class='main'>"
                f"{main}</div><div class='side'>{side}</div>{foot}</body></html>")

    def _home(self) -> str:
        items = "".join(f'<li><a href="{self.article_path(i)}">首页新闻标题第{i}号</a></li>'
                        for i in range(self.articles - 1, max(-1, self.articles - 31), -1))
        return self._page("首页", f"<ul>{items}</ul>")

    def _list(self, channel: str, base: str) -> str | None:
        ids = self.channel_articles(channel)
        pages = max(1, -(-len(ids) // PER_PAGE))
        name = base.rsplit("/", 1)[-1]
        page = 0 if name == "index.html" else int(name[6:-5]) if name[6:-5].isdigit() else -1
        if not 0 <= page < pages:
            return None
        chunk = ids[page * PER_PAGE:(page + 1) * PER_PAGE]
        items = "".join(f'<li><a href="{self.article_path(i)}">{NAMES[channel]}第{i}号：'
                        f"质量工作稳步推进</a><span>{self.day(i)}</span></li>" for i in chunk)
        if channel in ("zjyw", "tzgg", "jlgl"):
            pager = f'<script>createPageHTML({pages}, {page}, "index", "html");</script>'
        else:
            pager = (f'<a href="index_{page + 1}.html">下一页</a>' if page + 1 < pages else "")
        return self._page(NAMES[channel], f"<div>当前位置：<a href='/'>首页</a> &gt; "
                                          f"{NAMES[channel]}</div><ul>{items}</ul>{pager}")

    def _article(self, i: int, printable: bool) -> tuple[str, str]:
        rng = random.Random(self.seed * 100003 + i)
        channel = self.channel_of(i)
        title = f"{NAMES[channel]}第{i}号：质量工作稳步推进"
        paragraphs = "".join(
            "<p>　　" + "".join(rng.choice(SENTENCES) for _ in range(rng.randint(4, 10))) + "</p>"
            for _ in range(rng.randint(14, 70)))
        related = "".join(f'<li><a href="{self.article_path(j)}">相关新闻第{j}号</a>'
                          f"({self.day(j)})</li>"
                          for j in rng.sample(range(self.articles), min(5, self.articles)))
        header = (f"<h1>{title}</h1><div class='info'>发布时间：{self.day(i)} 09:30　"
                  f"来源：{NAMES[channel]}</div>")
        tools = f'<a href="{self.article_path(i)}?print=1">打印本页</a>'
        if channel in ("zjyw", "tzgg", "jlgl"):
            body = f"<div class='TRS_Editor'>{paragraphs}</div>"
            encoding = "gbk"
        elif channel in ("zlxs", "bzjl"):
            body = f"<div class='detail-body'>{paragraphs}</div>"
            encoding = "utf-8"
        else:
            body = "<table><tr><td class='nr'>" + paragraphs.replace("</p><p>", "<br>") + \
                   "</td></tr></table>"
            encoding = "gbk"
        main = (f"{header}{body}<div>{tools}</div>"
                f"<div class='xgxw'><h3>相关新闻</h3><ul>{related}</ul></div>")
        if printable:
            page = f"<html><head><title>{title}</title></head><body>{header}{body}</body></html>"
            return page, encoding
        html = self._page(title, main, rng)
        if encoding == "gbk":
            html = html.replace('<meta charset="utf-8">', '<meta charset="gb2312">')
        return html, encoding


def serve(portal: SyntheticPortal, port: int = 0,
          on_request: Callable[[str], None] | None = None) -> ThreadingHTTPServer:
    """A server for ``portal`` on 127.0.0.1 (``port`` 0: any free port); not yet serving."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            if on_request:
                on_request(self.path)
            status, headers, body = portal.respond(self.path)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--port", type=int, default=8800)
    args = parser.parse_args()
    counted = {"requests": 0}
    portal = SyntheticPortal(args.articles)
    respond = portal.respond

    def counting(path: str) -> tuple[int, dict[str, str], bytes]:
        if path.startswith("/__requests"):  # the benchmark reads and resets the count here
            body = json.dumps(counted).encode()
            if "reset" in path:
                counted["requests"] = 0
            return 200, {"Content-Type": "application/json"}, body
        counted["requests"] += 1
        return respond(path)

    portal.respond = counting  # type: ignore[method-assign]
    server = serve(portal, args.port)
    print(f"serving {args.articles} articles on http://127.0.0.1:{server.server_address[1]}/",
          flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
