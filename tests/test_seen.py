"""The sets a crawl keeps on disk behave as sets, and leave nothing behind."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

from scrapy import Request
from scrapy.utils.test import get_crawler

from crawler.seen import DiskDupeFilter, DiskSet, private_folder


def test_disk_set_answers_as_a_set_does() -> None:
    rng = random.Random(4)
    keys = [rng.choice([f"http://a.cn/{rng.randrange(3000)}.html", os.urandom(4)])
            for _ in range(25_000)]  # past one transaction of additions
    disk, memory = DiskSet(), set()
    try:
        for key in keys:
            assert disk.add(key) == (key not in memory)
            memory.add(key)
        assert len(disk) == len(memory)
        assert all(key in disk for key in keys[:500]) and "http://b.cn/" not in disk
    finally:
        disk.close()
    assert not disk.folder.exists()


def test_the_duplicate_filter_sees_canonical_urls_once() -> None:
    crawler = get_crawler(settings_dict={
        "REQUEST_FINGERPRINTER_CLASS": "crawler.middlewares.fingerprint.CanonicalUrlFingerprinter"})
    seen = DiskDupeFilter.from_crawler(crawler)
    try:
        assert not seen.request_seen(Request("http://a.cn/zjyw/index.html"))
        assert seen.request_seen(Request("http://A.cn/zjyw/?utm_source=x"))
        assert not seen.request_seen(Request("http://a.cn/zjyw/", method="POST", body=b"p=2"))
    finally:
        seen.close("finished")


def test_folders_of_killed_processes_are_removed() -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    stale = Path(tempfile.mkdtemp(prefix=f"portal-test-{dead}-"))
    mine = private_folder("portal-test-")
    try:
        assert not stale.exists() and mine.is_dir()
        assert mine.name.startswith(f"portal-test-{os.getpid()}-")
    finally:
        mine.rmdir()
