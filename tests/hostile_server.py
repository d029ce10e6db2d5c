"""A hostile portal on 127.0.0.1: broken pages and misbehaving server answers, written as raw
bytes on the socket so that lies (Content-Length), resets and stalls are real."""

from __future__ import annotations

import functools
import gzip
import socket
import socketserver
import struct
import threading
from collections import Counter
from collections.abc import Callable

from portal_server import OnLoopback

GOOD = [f"/good/t2023072{n}_{n}.html" for n in range(1, 4)]


def article(title: str, body: str, date: str = "2023-07-28 10:00", extra: str = "") -> bytes:
    return (f"<html><head><meta charset='utf-8'><title>{title}_测试网</title></head><body>"
            f"<div class='nav'><a href='/'>首页</a></div><h1>{title}</h1>"
            f"<div class='info'>发布时间：{date} 来源：测试局</div><div class='content'>{body}"
            f"</div>{extra}</body></html>").encode()


PARAGRAPHS = "".join(f"<p>　　这是第{n}段正文，内容足够长，用来构成文章的主体部分，包含逗号和句号。</p>"
                     for n in range(1, 5))

PAGES: dict[str, Callable[[], bytes]] = {
    **{path: (lambda n=n: article(f"正常的文章第{n}篇标题", PARAGRAPHS)) for n, path in
       enumerate(GOOD, 1)},
    "/bad/truncated.html": lambda: article("截断在标签中间的页面", PARAGRAPHS)[:-60],
    "/bad/unclosed-tables.html": lambda: article(
        "表格没有闭合的页面", "<table><tr><td><table><tr><td>" + PARAGRAPHS + "<tr><td>尾部"),
    "/bad/deep-nesting.html": lambda: article(
        "十万层嵌套的页面", "<div>" * 100_000 + PARAGRAPHS + "</div>" * 10),
    "/bad/huge.html": lambda: article(
        "二十兆的大页面", PARAGRAPHS + "<p>填充内容填充内容。</p>" * 700_000),
    "/bad/empty.html": lambda: b"",
    "/bad/binary.html": lambda: bytes(range(256)) * 400,
    "/bad/mixed-encodings.html": lambda: article("混合编码的页面", PARAGRAPHS)
    + "<p>这一段是GBK编码的文字。</p>".encode("gbk"),
    "/bad/nul-bytes.html": lambda: article("带有空字节的页面", PARAGRAPHS).replace(
        "第2段".encode(), b"\x00\x00" + "第2段".encode()),
    "/bad/invalid-entities.html": lambda: article(
        "非法实体的页面", PARAGRAPHS + "<p>实体&#xD800;&bogus;&#99999999;&amp结束。</p>"),
    "/bad/no-headline.html": lambda: (
        "<html><head><meta charset='utf-8'></head><body><div>" + PARAGRAPHS
        + "</div></body></html>").encode(),
    "/bad/no-body.html": lambda: article("只有标题没有正文", ""),
    "/bad/image-only.html": lambda: article(
        "只有一张图片的新闻", "<p><img src='/img/photo.jpg' alt='现场照片'></p>"),
    "/bad/impossible-date.html": lambda: article("日期不存在的文章", PARAGRAPHS, "2023-02-30"),
    "/bad/zero-date.html": lambda: article("日期全是零的文章", PARAGRAPHS, "0000-00-00"),
    "/bad/future-date.html": lambda: article("日期在未来的文章", PARAGRAPHS, "2099-01-01"),
    "/bad/yearless-date.html": lambda: article("日期没有年份的文章", PARAGRAPHS, "8月22日"),
    "/bad/weird-links.html": lambda: article("相关链接很奇怪的文章", PARAGRAPHS, extra=(
        "<div><h3>相关新闻</h3><ul><li><a href='javascript:void(0)'>脚本链接的标题</a></li>"
        "<li><a href='mailto:a@b.cn'>邮件链接的标题</a></li><li><a href='#top'>锚点</a></li>"
        "<li><a href='../good/t20230721_1.html'>相对路径的标题</a></li>"
        "<li><a href='/good/有 空格 和中文.html'>空格和中文的标题</a></li></ul></div>")),
}
# Server behaviour by path: each returns raw bytes to send, or None to stall.
LATER = "/good/t20230729_9.html"  # reached only through misbehaving answers


@functools.cache
def gzip_bomb() -> bytes:
    """100 MiB of zeros in about 100 KiB."""
    return gzip.compress(b"\0" * (100 * 1024 * 1024), compresslevel=9)


@functools.cache
def brotli_bomb() -> bytes:
    """100 MiB of zeros in a few hundred bytes."""
    import brotli

    return brotli.compress(b"\0" * (100 * 1024 * 1024), quality=5)


class HostileServer(OnLoopback):
    """Serves ``PAGES`` and ``/srv/...`` misbehaviours; ``hits`` counts requests per path."""

    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.stop = threading.Event()
        portal = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = self.request.recv(65536)
                    if not chunk:
                        return
                    data += chunk
                path = data.split(b" ", 2)[1].decode("latin-1")
                with portal.lock:
                    portal.hits[path] += 1
                    count = portal.hits[path]
                portal.answer(self.request, path, count)

        super().__init__(Handler)

    def __exit__(self, *exc: object) -> None:
        self.stop.set()  # release a stalled answer first
        super().__exit__(*exc)

    def home(self) -> bytes:
        links = [*PAGES, "/srv/404", "/srv/410", "/srv/500", "/srv/503", "/srv/503-retry-after",
                 "/srv/429", "/srv/loop", "/srv/offsite", "/srv/reset", "/srv/stall",
                 "/srv/gzip-bomb", "/srv/brotli-bomb", "/srv/length-lies", "/srv/length-short"]
        items = "".join(f"<li><a href='{path}'>列表中的文章标题{n}</a> 2023-07-{n % 28 + 1:02d}</li>"
                        for n, path in enumerate(links))
        return (f"<html><head><meta charset='utf-8'><title>测试网</title></head><body><ul>{items}"
                "</ul></body></html>").encode()

    def answer(self, sock: socket.socket, path: str, count: int) -> None:
        def reply(status: str, body: bytes, *headers: str, length: int | None = None) -> None:
            head = [f"HTTP/1.1 {status}", f"Content-Length: {len(body) if length is None else length}",
                    "Connection: close", *headers]
            sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + body)

        html = "Content-Type: text/html; charset=utf-8"
        if path == "/robots.txt":
            return reply("200 OK", b"User-agent: *\nAllow: /\n", "Content-Type: text/plain")
        if path == "/":
            return reply("200 OK", self.home(), html)
        if path in PAGES:
            kind = "text/html" if "binary" not in path else "text/html; charset=utf-8"
            return reply("200 OK", PAGES[path](), f"Content-Type: {kind}")
        if path == LATER:
            return reply("200 OK", article("从重试之后才拿到的文章", PARAGRAPHS), html)
        if path in ("/srv/404", "/srv/410", "/srv/500", "/srv/503"):
            code = path[-3:]
            return reply(f"{code} Error", b"<html>error</html>", html)
        if path in ("/srv/503-retry-after", "/srv/429"):
            if count == 1:
                code = "503 Busy" if "503" in path else "429 Too Many"
                return reply(code, b"busy", html, "Retry-After: 1")
            return reply("302 Found", b"", f"Location: {LATER}")
        if path == "/srv/loop":
            return reply("302 Found", b"", "Location: /srv/loop2")
        if path == "/srv/loop2":
            return reply("302 Found", b"", "Location: /srv/loop")
        if path == "/srv/offsite":
            port = self.server.server_address[1]
            return reply("302 Found", b"", f"Location: http://localhost:{port}/good/offsite.html")
        if path == "/srv/reset":
            sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n" + html.encode()
                         + b"\r\n\r\n" + article("连接被重置", PARAGRAPHS)[:500])
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return None  # closing with linger 0 sends a reset
        if path == "/srv/stall":
            self.stop.wait(30)  # never answers; the crawler's timeout must fire
            return None
        if path == "/srv/gzip-bomb":
            return reply("200 OK", gzip_bomb(), html, "Content-Encoding: gzip")
        if path == "/srv/brotli-bomb":
            return reply("200 OK", brotli_bomb(), html, "Content-Encoding: br")
        if path == "/srv/length-lies":  # promises more than it sends, then hangs up
            body = article("长度声明比实际长", PARAGRAPHS)
            return reply("200 OK", body, html, length=len(body) * 10)
        if path == "/srv/length-short":  # promises less than it sends
            body = article("长度声明比实际短的文章", PARAGRAPHS)
            return reply("200 OK", body, html, length=len(body) - 40)
        return reply("404 Not Found", b"<html>404</html>", html)
