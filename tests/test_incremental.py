"""Cron runs: only what is new, nothing twice, nothing lost, never two at once."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT
from growing_portal import CHANNELS, PER_PAGE, GrowingPortal

pytestmark = pytest.mark.slow  # crawls in subprocesses


FAST = ("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "RETRY_BACKOFF_BASE=0.05", "-s", "LOG_LEVEL=DEBUG")


def start_cron(data: Path, start: str, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "crawler.cron", "--start-urls", start, "--data-dir", str(data),
         *FAST, *extra], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def cron(data: Path, start: str, *extra: str) -> subprocess.CompletedProcess[str]:
    process = start_cron(data, start, *extra)
    stdout, stderr = process.communicate(timeout=180)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def outputs(data: Path) -> list[Path]:
    return sorted((data / "output").glob("*.jsonl"))


def records(data: Path) -> list[dict]:
    return [json.loads(line) for path in outputs(data)
            for line in path.read_text("utf-8").splitlines()]


def summaries(data: Path) -> list[dict]:
    return [json.loads(p.read_text("utf-8")) for p in sorted((data / "runs").glob("*.json"))]


def test_second_run_fetches_and_writes_only_new_articles(tmp_path: Path) -> None:
    with GrowingPortal(per_channel=12) as portal:
        first = cron(tmp_path, portal.origin + "/")
        assert first.returncode == 0, first.stderr
        assert {r["url"] for r in records(tmp_path)} == portal.articles()
        before = set(portal.articles())
        portal.grow(5)
        portal.hits.clear()
        second = cron(tmp_path, portal.origin + "/")
        hits = dict(portal.hits)
    assert second.returncode == 0, second.stderr
    new = portal.articles() - before
    assert len(outputs(tmp_path)) == 2
    written = [r["url"] for r in json.loads("[" + ",".join(
        outputs(tmp_path)[1].read_text("utf-8").splitlines()) + "]")]
    assert sorted(written) == sorted(new)  # exactly the new ones, each once
    article_hits = {path: n for path, n in hits.items() if "/t2023" in path}
    assert sorted(portal.origin + p for p in article_hits) == sorted(new)
    assert set(article_hits.values()) == {1}
    # robots.txt (once), home, /sitemap.xml, and per channel page 1 (new articles) and page 2
    # (all known: stop). /rss.xml and /feed were 404: not asked again.
    assert sum(hits.values()) == 3 + 2 * len(CHANNELS) + len(new), hits
    summary = summaries(tmp_path)[-1]
    assert summary["records"]["new"] == len(new) and summary["exit_code"] == 0
    assert summary["discovery"]["list/articles"] + summary["discovery"].get("link/articles", 0) \
        == len(new)


def test_unchanged_portal_second_run_writes_nothing(tmp_path: Path) -> None:
    with GrowingPortal(per_channel=3 * PER_PAGE) as portal:
        assert cron(tmp_path, portal.origin + "/").returncode == 0
        portal.hits.clear()
        second = cron(tmp_path, portal.origin + "/")
        hits = dict(portal.hits)
    assert second.returncode == 0, second.stderr
    assert len(outputs(tmp_path)) == 1  # an empty run leaves no file
    # robots.txt, the home page, the sitemap, the first page of each channel list; nothing else.
    assert sorted(hits) == sorted(["/robots.txt", "/", "/sitemap.xml",
                                   *(f"/{c}/index.html" for c in CHANNELS)])
    assert "0 new" in second.stdout


def test_killed_run_loses_nothing_and_shows_no_partial_file(tmp_path: Path) -> None:
    with GrowingPortal(per_channel=40, delay=0.02) as portal:
        victim = start_cron(tmp_path, portal.origin + "/", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1")
        deadline = time.monotonic() + 60
        log = None
        while time.monotonic() < deadline:  # kill once some records were written aside
            logs = list((tmp_path / "logs").glob("*.log"))
            log = logs[0] if logs else None
            if log and log.read_text("utf-8", "replace").count("Scraped from") >= 10:
                break
            time.sleep(0.05)
        victim.send_signal(signal.SIGKILL)
        victim.communicate(timeout=30)
        assert log is not None and victim.returncode == -signal.SIGKILL
        assert outputs(tmp_path) == []  # no file a consumer would read
        assert list((tmp_path / "output").glob(".*.tmp"))  # the records were only aside
        rerun = cron(tmp_path, portal.origin + "/")
        assert rerun.returncode == 0, rerun.stderr
        urls = [r["url"] for r in records(tmp_path)]
        assert sorted(urls) == sorted(portal.articles())  # every article exactly once
    assert not list((tmp_path / "output").glob(".*.tmp"))


def test_second_invocation_while_one_runs_exits_at_once(tmp_path: Path) -> None:
    with GrowingPortal(per_channel=30, delay=0.05) as portal:
        first = start_cron(tmp_path, portal.origin + "/", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1")
        lock = tmp_path / "lock"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and "pid" not in (
                lock.read_text() if lock.exists() else ""):
            time.sleep(0.05)
        started = time.monotonic()
        second = cron(tmp_path, portal.origin + "/")
        took = time.monotonic() - started
        first.send_signal(signal.SIGTERM)
        first.communicate(timeout=60)
    assert second.returncode == 75
    assert second.stderr.count("\n") == 1 and "another run holds" in second.stderr
    assert took < 10
    assert first.returncode != 0  # stopped by SIGTERM: finish reason "shutdown"


@pytest.mark.parametrize("damage", ["corrupt", "locked"])
def test_unusable_state_stops_the_run_instead_of_recrawling(tmp_path: Path, damage: str) -> None:
    state = tmp_path / "state.sqlite3"
    holder = None
    if damage == "corrupt":
        state.write_bytes(b"this is not a database" * 100)
    else:
        holder = sqlite3.connect(state, isolation_level=None)
        holder.execute("CREATE TABLE t (x)")
        holder.execute("BEGIN EXCLUSIVE")
    try:
        with GrowingPortal(per_channel=3) as portal:
            done = cron(tmp_path, portal.origin + "/", "-s", "STATE_LOCK_TIMEOUT=0.5")
            assert not portal.hits
    finally:
        if holder is not None:
            holder.close()
    assert done.returncode == 78
    assert "state" in done.stderr and "re-crawl" in done.stderr
    assert outputs(tmp_path) == []


def test_recheck_window_writes_changed_articles_as_updates(tmp_path: Path) -> None:
    with GrowingPortal(per_channel=3) as portal:
        assert cron(tmp_path, portal.origin + "/").returncode == 0
        second = cron(tmp_path, portal.origin + "/", "-s", "RECHECK_DAYS=100000")
        assert second.returncode == 0
        assert len(outputs(tmp_path)) == 1  # re-fetched, unchanged: nothing written
        assert summaries(tmp_path)[-1]["dropped"]["unchanged"] == 2 * 3
        original = portal._article
        portal._article = lambda path: (original(path) or "").replace("有序推进", "全面完成") or None  # type: ignore[method-assign]
        third = cron(tmp_path, portal.origin + "/", "-s", "RECHECK_DAYS=100000")
    assert third.returncode == 0
    updates = json.loads("[" + ",".join(outputs(tmp_path)[-1].read_text().splitlines()) + "]")
    assert len(updates) == 2 * 3 and all(r["update"] for r in updates)


def test_exit_codes_for_an_unreachable_portal(tmp_path: Path) -> None:
    with GrowingPortal(per_channel=1) as portal:
        origin = portal.origin
    done = cron(tmp_path, origin + "/", "-s", "RETRY_TIMES=0")  # nothing listens there now
    assert done.returncode == 4, done.stdout + done.stderr
    summary = summaries(tmp_path)[-1]
    assert summary["exit_code"] == 4 and summary["errors"]["download"]


def test_runs_and_logs_are_rotated(tmp_path: Path) -> None:
    with GrowingPortal(per_channel=1) as portal:
        for _ in range(3):
            assert cron(tmp_path, portal.origin + "/", "--keep", "2").returncode == 0
    assert len(list((tmp_path / "runs").glob("*.json"))) == 2
    assert len(list((tmp_path / "logs").glob("*.log"))) == 2


def test_unchanged_lock_file_from_a_dead_run_does_not_block(tmp_path: Path) -> None:
    (tmp_path / "lock").write_text(f"pid {os.getpid() + 100000} since long ago\n")
    with GrowingPortal(per_channel=1) as portal:
        assert cron(tmp_path, portal.origin + "/").returncode == 0
