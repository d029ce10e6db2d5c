"""SIGKILL at random points, each time followed by a normal run: every article is written
exactly once, no reader ever sees a partial line, the state stays sound.

``KILL_ROUNDS=20 pytest tests/test_kill.py`` runs the full twenty rounds (CI runs three)."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import time
from pathlib import Path

import pytest

from growing_portal import GrowingPortal
from test_incremental import cron, start_cron

pytestmark = pytest.mark.slow  # crawls in subprocesses


ROUNDS = int(os.environ.get("KILL_ROUNDS", "3"))


def visible_records(data: Path) -> list[str]:
    urls = []
    for path in sorted((data / "output").glob("*.jsonl")):
        text = path.read_text("utf-8")
        assert not text or text.endswith("\n"), f"partial line in {path}"
        urls += [json.loads(line)["url"] for line in text.splitlines()]  # each line whole
    return urls


def test_random_kills_lose_nothing_and_write_nothing_twice(tmp_path: Path) -> None:
    rng = random.Random(20261127)
    killed_mid_crawl = 0
    with GrowingPortal(per_channel=10, delay=0.02) as portal:
        for _ in range(ROUNDS):
            portal.grow(8)
            victim = start_cron(tmp_path, portal.origin + "/",
                                "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2")
            time.sleep(rng.uniform(0.5, 4.0))
            if victim.poll() is None:
                killed_mid_crawl += 1
            victim.send_signal(signal.SIGKILL)
            victim.communicate(timeout=30)
            visible_records(tmp_path)  # whatever is visible is whole
            normal = cron(tmp_path, portal.origin + "/")
            assert normal.returncode == 0, normal.stderr[-2000:]
            with sqlite3.connect(tmp_path / "state.sqlite3") as db:
                assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        urls = visible_records(tmp_path)
        assert sorted(urls) == sorted(portal.articles())  # every article exactly once
    print(f"{ROUNDS} rounds, {killed_mid_crawl} killed mid-crawl")  # seen with pytest -s
    assert killed_mid_crawl >= 1  # the kills did land during crawls


INTERRUPTIONS = ("itemcount", "SIGINT", "SIGTERM", "SIGKILL")
INTERRUPT_ROUNDS = int(os.environ.get("INTERRUPT_ROUNDS", str(len(INTERRUPTIONS))))


def interrupt(data: Path, start: str, how: str, after: int) -> None:
    """A cron run cut short ``how`` once about ``after`` records were scraped."""
    if how == "itemcount":
        cron(data, start, "--batch-records", "50", "-s", f"CLOSESPIDER_ITEMCOUNT={after}")
        return
    victim = start_cron(data, start, "--batch-records", "50")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and victim.poll() is None:
        logs = sorted((data / "logs").glob("*.log"))
        if logs and logs[-1].read_text("utf-8", "replace").count("Scraped from") >= after:
            break
        time.sleep(0.05)
    victim.send_signal(getattr(signal, how))
    victim.communicate(timeout=120)


def test_interrupted_runs_never_hide_older_articles(tmp_path: Path) -> None:
    """Articles reachable only through their lists, many list pages and output batches: cut
    runs short at random moments, each followed by a normal run; the union of the outputs
    holds every article exactly once. ``INTERRUPT_ROUNDS=20`` for the full count."""
    rng = random.Random(int(os.environ.get("INTERRUPT_SEED", "20261204")))
    with GrowingPortal(per_channel=500, per_page=20, latest=False) as portal:
        start = portal.origin + "/"
        for round_ in range(INTERRUPT_ROUNDS):
            how = INTERRUPTIONS[round_ % len(INTERRUPTIONS)]
            interrupt(tmp_path, start, how, after=rng.randint(5, 400))
            visible_records(tmp_path)  # whatever is visible is whole
            normal = cron(tmp_path, start, "--batch-records", "50")
            assert normal.returncode == 0, normal.stderr[-2000:]
            urls = visible_records(tmp_path)
            assert len(urls) == len(set(urls)), f"round {round_} ({how}): written twice"
            missing = portal.articles() - set(urls)
            assert not missing, f"round {round_} ({how}): {len(missing)} articles never written"
            portal.grow(rng.randint(0, 60))
