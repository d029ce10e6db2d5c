"""A fixture portal on 127.0.0.1: saved responses served over real HTTP, with injected faults."""

from __future__ import annotations

import socketserver
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Self

from crawler.saved import read_saved, saved_folders

SAVED_ORIGIN = b"http://www.qsportal.test"


class OnLoopback:
    """A threaded socket server on 127.0.0.1 (a free port), served from a thread while the
    ``with`` block runs."""

    def __init__(self, handler: type[socketserver.BaseRequestHandler]) -> None:
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


class LocalServer(OnLoopback):
    """An HTTP server on 127.0.0.1 (a free port) that answers with ``respond(path)``.

    ``faults`` maps a path (with query) to statuses answered before the real response
    (``[503]``: one 503 then the page); ``redirects`` maps a path to a URL it answers 302 to;
    ``delay`` slows every answer. ``hits`` counts requests per path, for assertions about
    what a crawl fetched.
    """

    def __init__(self, faults: dict[str, list[int]] | None = None,
                 redirects: dict[str, str] | None = None, delay: float = 0.0) -> None:
        self.faults = {path: list(statuses) for path, statuses in (faults or {}).items()}
        self.redirects = dict(redirects or {})
        self.delay = delay
        self.hits: Counter[str] = Counter()
        self.lock = threading.Lock()
        super().__init__(self._handler())

    def answer(self, path: str, form: bytes | None = None) -> tuple[int, dict[str, str], bytes]:
        with self.lock:
            self.hits[path] += 1
            pending = self.faults.get(path)
            if pending:
                return pending.pop(0), {"Content-Type": "text/html"}, b"<html>busy</html>"
        if path in self.redirects:
            return 302, {"Location": self.redirects[path]}, b""
        if self.delay:
            time.sleep(self.delay)
        return self.respond(path) if form is None else self.respond_post(path, form)

    def respond(self, path: str) -> tuple[int, dict[str, str], bytes]:
        raise NotImplementedError

    def respond_post(self, path: str, form: bytes) -> tuple[int, dict[str, str], bytes]:
        return 405, {"Content-Type": "text/html"}, b"<html>method not allowed</html>"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        portal = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.reply(*portal.answer(self.path, self.rfile.read(length)))

            def do_GET(self) -> None:
                self.reply(*portal.answer(self.path))

            def reply(self, status: int, headers: dict[str, str], body: bytes) -> None:
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        if name.lower() not in {"content-length", "server"}:
                            self.send_header(name, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the crawler went away (killed by a test)

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler


class FixturePortal(LocalServer):
    """Serve every ``response.json`` folder under ``root`` at its saved path and query; the
    saved origin is rewritten to the server's own in bodies and headers."""

    def __init__(self, root: Path, faults: dict[str, list[int]] | None = None,
                 redirects: dict[str, str] | None = None) -> None:
        super().__init__(faults, redirects)
        self.saved = {url.removeprefix(SAVED_ORIGIN.decode()): folder
                      for url, folder in saved_folders(root).items()}

    def respond_post(self, path: str, form: bytes) -> tuple[int, dict[str, str], bytes]:
        return self.respond(path)  # a saved answer to a POST (jpage's proxy) is keyed by URL

    def respond(self, path: str) -> tuple[int, dict[str, str], bytes]:
        # As a web server: the exact path and query, or a folder's index file.
        folder = self.saved.get(path)
        if folder is None and path.endswith("/"):
            folder = self.saved.get(path + "index.htm") or self.saved.get(path + "index.html")
        if folder is None:
            return 404, {"Content-Type": "text/html"}, b"<html>not found</html>"
        saved = read_saved(folder)
        body = saved.body.replace(SAVED_ORIGIN, self.origin.encode())
        headers = {k: v.replace(SAVED_ORIGIN.decode(), self.origin)
                   for k, v in saved.headers.items()}
        return saved.status, headers, body
