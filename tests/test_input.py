"""Bad input is refused before any request: one line naming the value, the documented exit
code, no traceback, no file or state created. Run as an installed user would: the console
scripts, from a folder that is not the checkout."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from growing_portal import GrowingPortal

BIN = Path(sys.executable).parent
OK_URL = "http://127.0.0.1:9/"  # never requested: every case fails before any request


def run(tmp_path: Path, program: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / program), *args], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)


def files(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


CRAWL_CASES = [
    ((), "no start URLs"),
    (("-a", "start_urls=http://"), "'http://' has no host"),
    (("-a", "start_urls=http://a.cn/x y"), "'http://a.cn/x y' has a space"),
    (("-a", "start_urls=ftp://a.cn/"), "'ftp://a.cn/' is not an http(s) URL"),
    (("-a", "start_urls=http://a.cn:port/"), "'http://a.cn:port/' cannot be parsed"),
    (("-a", f"start_urls={OK_URL}", "-a", "since=garbage"), "since='garbage' is not a day"),
    (("-a", f"start_urls={OK_URL}", "-a", "until=2023-02-30"), "until='2023-02-30' is not a day"),
    (("-a", f"start_urls={OK_URL}", "-a", "since=2024-01-02", "-a", "until=2024-01-01"),
     "since=2024-01-02 is after until=2024-01-01"),
    (("-a", f"start_urls={OK_URL}", "-s", "STATE_URI=mysql://x/y"),
     "STATE_URI='mysql://x/y': unknown state backend"),
    (("-a", f"start_urls={OK_URL}", "-s", "REDIS_URL=notaurl"),
     "REDIS_URL='notaurl' is not a Redis URL"),
    (("-a", f"start_urls={OK_URL}", "-O", "/proc/x.jsonl"), "cannot write /proc/x.jsonl"),
    (("-a", f"start_urls={OK_URL}", "-s", "REPLAY_DIR=missing"), "REPLAY_DIR='missing'"),
]


@pytest.mark.parametrize(("args", "message"), CRAWL_CASES)
def test_crawl_refuses_bad_input_up_front(tmp_path: Path, args: tuple[str, ...],
                                          message: str) -> None:
    done = run(tmp_path, "portal-crawl", *args)
    assert done.returncode == 64, done.stderr
    assert done.stderr.count("\n") == 1 and message in done.stderr, done.stderr
    assert files(tmp_path) == []  # no output, no state, no folder


CRON_CASES = [
    (("--start-urls", "notaurl"), "'notaurl' is not an http(s) URL"),
    (("--start-urls", OK_URL, "-a", "since=garbage"), "since='garbage' is not a day"),
    (("--start-urls", OK_URL, "--data-dir", "/proc/portal"), "--data-dir: cannot write"),
    (("--start-urls", OK_URL, "-s", "STATE_URI=mysql://x/y"), "unknown state backend"),
    (("--start-urls", OK_URL, "--keep", "-1"), "--keep takes 0 or more"),
]


@pytest.mark.parametrize(("args", "message"), CRON_CASES)
def test_cron_refuses_bad_input_up_front(tmp_path: Path, args: tuple[str, ...],
                                         message: str) -> None:
    done = run(tmp_path, "portal-cron", "--data-dir", "data", *args)
    assert done.returncode == 64, done.stderr
    assert done.stderr.count("\n") == 1 and message in done.stderr, done.stderr
    assert files(tmp_path) == []


def summary(data: Path) -> dict:
    summaries = sorted((data / "runs").glob("*.json"))
    assert len(summaries) == 1
    return json.loads(summaries[0].read_text("utf-8"))


@pytest.mark.slow
def test_an_unreachable_redis_fails_the_run_with_its_cause(tmp_path: Path) -> None:
    for program, args in (("portal-crawl", ("-a", f"start_urls={OK_URL}")),
                          ("portal-cron", ("--start-urls", OK_URL, "--data-dir", "data"))):
        done = run(tmp_path, program, *args, "-s", "REDIS_URL=redis://127.0.0.1:9/0")
        assert done.returncode == 78, done.stderr
        assert "cannot reach Redis" in done.stderr and "Traceback" not in done.stderr
    assert summary(tmp_path / "data")["exit_code"] == 78
    assert "state store" in summary(tmp_path / "data")["exit_reason"]


@pytest.mark.slow
def test_no_start_url_answering_fails_and_keeps_the_previous_output(tmp_path: Path) -> None:
    with GrowingPortal(per_channel=1) as portal:
        origin = portal.origin
    previous = tmp_path / "portal.jsonl"
    previous.write_text('{"url": "kept"}\n')
    done = run(tmp_path, "portal-crawl", "-a", f"start_urls={origin}/", "-O", str(previous),
               "-s", "RETRY_TIMES=0", "-s", "ROBOTSTXT_OBEY=False")
    assert done.returncode == 4, done.stderr[-2000:]
    assert previous.read_text() == '{"url": "kept"}\n'
    assert files(tmp_path) == ["portal.jsonl"]


@pytest.mark.slow
def test_keep_zero_keeps_the_run_it_just_wrote(tmp_path: Path) -> None:
    with GrowingPortal(per_channel=1) as portal:
        for _ in range(2):
            done = run(tmp_path, "portal-cron", "--start-urls", portal.origin + "/",
                       "--data-dir", "data", "--keep", "0", "-s", "DOWNLOAD_DELAY=0",
                       "-s", "AUTOTHROTTLE_ENABLED=False")
            assert done.returncode == 0, done.stderr[-2000:]
    assert summary(tmp_path / "data")["exit_code"] == 0
    assert len(list((tmp_path / "data" / "logs").glob("*.log"))) == 1


@pytest.mark.slow
def test_an_output_that_cannot_be_written_fails_the_run_and_loses_nothing(
        tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()  # writable when checked; a file by the time the first record comes
    state = f"STATE_URI={tmp_path / 'state.sqlite3'}"
    log = tmp_path / "crawl.log"
    with GrowingPortal(per_channel=3, delay=0.3) as portal:
        crawl = subprocess.Popen(
            [str(BIN / "portal-crawl"), "-a", f"start_urls={portal.origin}/", "-O",
             str(out / "portal.jsonl"), "-s", state, "-s", f"LOG_FILE={log}",
             "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False"],
            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and "Spider opened" not in (
                log.read_text() if log.exists() else ""):
            time.sleep(0.05)
        out.rmdir()
        out.write_text("not a folder")
        _, stderr = crawl.communicate(timeout=120)
        assert crawl.returncode == 74, stderr[-2000:]
        assert "output file could not be written" in stderr
        out.unlink()
        again = run(tmp_path, "portal-crawl", "-a", f"start_urls={portal.origin}/", "-O",
                    str(tmp_path / "again.jsonl"), "-s", state, "-s", "DOWNLOAD_DELAY=0",
                    "-s", "AUTOTHROTTLE_ENABLED=False")
        assert again.returncode == 0, again.stderr[-2000:]
        written = [json.loads(line)["url"] for line in
                   (tmp_path / "again.jsonl").read_text("utf-8").splitlines()]
        assert sorted(written) == sorted(portal.articles())  # none was taken as written
