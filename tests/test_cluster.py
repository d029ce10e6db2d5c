"""Two workers, one crawl, a real redis-server: every article once, nothing lost."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from scrapy.exceptions import DontCloseSpider

from conftest import FAST, REDIS_PASSWORD, ROOT
from crawler.cluster.worker import ClusterWorker
from crawler.redis_connection import client
from growing_portal import GrowingPortal

pytestmark = pytest.mark.slow  # crawls in subprocesses


def worker(tmp_path: Path, name: str, start: str, redis_url: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "scrapy", "crawl", "portal", "-a", f"start_urls={start}",
               "-O", f"{tmp_path / name}.jsonl:jsonlines", "-s", f"REDIS_URL={redis_url}",
               "-s", f"LOG_FILE={tmp_path / name}.log", "-s", "CLUSTER_IDLE_SECONDS=1",
               "-s", "CLUSTER_PRESENCE_SECONDS=3"]
    for setting in (*FAST, "CONCURRENT_REQUESTS_PER_DOMAIN=2"):
        command += ["-s", setting]
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def run_workers(tmp_path: Path, names: list[str], start: str, redis_url: str) -> None:
    workers = [worker(tmp_path, name, start, redis_url) for name in names]
    for process in workers:
        _, stderr = process.communicate(timeout=180)  # each exits by itself
        assert process.returncode == 0, stderr[-3000:]


def urls(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [json.loads(line)["url"] for line in path.read_text("utf-8").splitlines()]


def test_two_workers_share_a_crawl_then_fetch_only_new_articles(
        tmp_path: Path, redis_url: str) -> None:
    # Long enough (about 15 s) that the joining worker, which looks at an empty shared queue
    # on Scrapy's 5-second engine heartbeat, finds work too.
    with GrowingPortal(per_channel=40, delay=0.3) as portal:
        run_workers(tmp_path, ["a1", "b1"], portal.origin + "/", redis_url)
        first = urls(tmp_path / "a1.jsonl") + urls(tmp_path / "b1.jsonl")
        assert sorted(first) == sorted(portal.articles())  # every article exactly once
        assert urls(tmp_path / "a1.jsonl") and urls(tmp_path / "b1.jsonl")  # both worked
        before = portal.articles()
        portal.grow(5)
        portal.hits.clear()
        run_workers(tmp_path, ["a2", "b2"], portal.origin + "/", redis_url)
        second = urls(tmp_path / "a2.jsonl") + urls(tmp_path / "b2.jsonl")
        hits = dict(portal.hits)
    assert sorted(second) == sorted(portal.articles() - before)
    assert sorted(path for path in hits if "/t2023" in path) == sorted(
        url.removeprefix(portal.origin) for url in portal.articles() - before)
    logs = "".join((tmp_path / f"{name}.log").read_text() for name in ("a1", "b1", "a2", "b2"))
    assert REDIS_PASSWORD not in logs
    assert "Cluster: starting the run" in logs and "Cluster: joining the run" in logs


def test_a_killed_worker_loses_nothing_for_good(tmp_path: Path, redis_url: str) -> None:
    with GrowingPortal(per_channel=40, delay=0.3) as portal:
        workers = {name: worker(tmp_path, name, portal.origin + "/", redis_url)
                   for name in ("w1", "w2")}
        victim = None
        deadline = time.monotonic() + 60
        while victim is None and time.monotonic() < deadline:  # the first to write records
            for name in workers:
                log = tmp_path / f"{name}.log"
                if log.exists() and log.read_text().count("Scraped from") >= 3:
                    victim = name
                    break
            time.sleep(0.05)
        assert victim is not None
        workers[victim].send_signal(signal.SIGKILL)
        workers[victim].communicate(timeout=30)
        (survivor,) = set(workers) - {victim}
        _, stderr = workers[survivor].communicate(timeout=180)
        assert workers[survivor].returncode == 0, stderr[-3000:]
        assert not (tmp_path / f"{victim}.jsonl").exists()  # nothing half-written visible
        time.sleep(3.5)  # the killed worker's presence expires
        run_workers(tmp_path, ["rerun"], portal.origin + "/", redis_url)
        written = urls(tmp_path / f"{survivor}.jsonl") + urls(tmp_path / "rerun.jsonl")
        assert sorted(written) == sorted(portal.articles())  # every article, exactly once


def test_an_idle_worker_stays_while_another_still_fetches(redis_url: str) -> None:
    # The first worker may still be reading the start pages when a joining one finds the
    # queue empty: their links are not queued yet.
    server = client(redis_url)
    idle, busy = (ClusterWorker(server, idle_seconds=1, presence_ttl=30)
                  for _ in range(2))
    busy.me += ":busy"
    with pytest.raises(DontCloseSpider):
        idle.spider_idle()  # the queue is empty from now on
    time.sleep(1.1)
    busy.fetched()
    with pytest.raises(DontCloseSpider):
        idle.spider_idle()  # empty for longer than CLUSTER_IDLE_SECONDS, but a page came in
    time.sleep(1.1)
    idle.spider_idle()  # nothing fetched for CLUSTER_IDLE_SECONDS: the worker may close
