"""``python -m crawler.cron``: one unattended incremental run of ``scrapy crawl portal``.

Takes an exclusive lock, crawls with the state in ``DATA_DIR/state.sqlite3``, writes the new
records to ``DATA_DIR/output/portal-<UTC time>-<n>.jsonl`` atomically, a file per
``--batch-records`` records (no file when nothing is new), a JSON run summary to
``DATA_DIR/runs/`` and the log to ``DATA_DIR/logs/`` (keeping the last ``--keep`` of each),
and exits non-zero when the run failed. Every run that gets past its arguments writes a
summary, failed ones included, with ``exit_code`` and ``exit_reason``. Exit codes, the first
that applies in this order:

  64  bad arguments (start URLs, days, URIs, folders): one line, nothing created
  75  another run holds the lock (nothing was done; try again later)
  78  the state store is unusable (corrupt, locked by another program, Redis unreachable)
  70  the crawler crashed
   4  the portal was unreachable: no start URL answered with a page
  74  an output file could not be written (its articles stay unknown: the next run
      fetches them again)
   3  the crawl did not finish normally (finish reason not ``finished``: shut down, a limit)
   5  the error rate (download errors, 5xx after retries, spider errors) exceeded the limit
   6  records lacked a field, or needed the generic extraction layer, far more often than in
      recent runs (a sign of a redesign)
   0  the run finished
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import statistics
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from scrapy.crawler import CrawlerProcess
from scrapy.utils.project import get_project_settings

from crawler import checks
from crawler.commands.crawl import reach_state
from crawler.feeds import write_atomic
from crawler.outcome import (
    EXIT_ANOMALY,
    EXIT_CRASH,
    EXIT_ERRORS,
    EXIT_LOCKED,
    EXIT_OK,
    EXIT_USAGE,
    crawl_exit_code,
)
from crawler.pipelines import TRACKED_FIELDS
from crawler.state import open_state

BASELINE_RUNS = 10  # recent runs whose field-missing rates make "usual"
MIN_RECORDS_FOR_RATES = 5  # fewer records than this say nothing about rates


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m crawler.cron", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--start-urls", required=True, help="URL[,URL...] as for -a start_urls")
    parser.add_argument("--data-dir", type=Path, default=Path("data"),
                        help="state, output, runs and logs live here (default: ./data)")
    parser.add_argument("--keep", type=int, default=100,
                        help="run summaries and logs to keep (default: 100)")
    parser.add_argument("--max-error-rate", type=float, default=0.2,
                        help="errors per request above which the run fails (default: 0.2)")
    parser.add_argument("--field-jump", type=float, default=0.5,
                        help="rise of a field's missing rate over its recent median that "
                             "fails the run (default: 0.5)")
    parser.add_argument("--batch-records", type=int, default=1000,
                        help="records per output file; each complete file is final, so a "
                             "killed long run resumes after its last file (default: 1000)")
    parser.add_argument("-a", dest="spider_args", action="append", default=[],
                        metavar="NAME=VALUE", help="more spider arguments (allowed_domains=...)")
    parser.add_argument("-s", dest="settings", action="append", default=[],
                        metavar="NAME=VALUE", help="Scrapy settings, as for scrapy crawl")
    return parser.parse_args(argv)


def _lock(path: Path) -> IO[str] | None:
    """An exclusive lock held until the process ends (the kernel drops it even on SIGKILL)."""
    handle = path.open("a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "unknown"
        handle.close()
        print(f"portal-cron: another run holds {path} ({holder}); nothing done",
              file=sys.stderr)
        return None
    handle.seek(0)
    handle.truncate()
    handle.write(f"pid {os.getpid()} since {_now()}\n")
    handle.flush()
    return handle


def main(argv: list[str] | None = None) -> int:
    # Installed, there is no scrapy.cfg to find the project's settings by.
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    try:
        args = _arguments(argv)
    except SystemExit as exit_:
        return EXIT_OK if exit_.code == 0 else EXIT_USAGE
    data = args.data_dir.absolute()
    settings = get_project_settings()
    settings.set("STATE_URI", str(data / "state.sqlite3"), priority="cmdline")
    for pair in args.settings:
        name, _, value = pair.partition("=")
        settings.set(name, value, priority="cmdline")
    spider_args = {"start_urls": args.start_urls,
                   **dict(pair.partition("=")[::2] for pair in args.spider_args)}
    try:  # bad input: one line, nothing created
        if args.keep < 0 or args.batch_records < 1:
            raise checks.BadInput("--keep takes 0 or more, --batch-records 1 or more")
        checks.writable_folder("--data-dir", data / "lock")
        checks.crawl_input(spider_args, settings)
    except checks.BadInput as error:
        print(f"portal-cron: {error}", file=sys.stderr)
        return EXIT_USAGE

    for folder in ("output", "runs", "logs"):
        (data / folder).mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    started = _now()
    run = Run(data, stamp, started, args.keep)
    lock = _lock(data / "lock")
    if lock is None:
        run.stamp += "-locked"  # the holder's summary is its own
        return run.failed(EXIT_LOCKED, "another run holds the lock; nothing done",
                          rotate=False, said=True)
    code = reach_state(settings, "portal-cron")
    if code:
        return run.failed(code, "the state store cannot be used; nothing crawled", said=True)

    output = data / "output" / f"portal-{stamp}-%(batch_id)d.jsonl"
    log = data / "logs" / f"portal-{stamp}.log"
    settings.set("FEEDS", {str(output): {"format": "jsonlines", "encoding": "utf-8"}},
                 priority="cmdline")
    settings.set("FEED_STORE_EMPTY", False, priority="cmdline")
    settings.set("FEED_EXPORT_BATCH_ITEM_COUNT", args.batch_records, priority="cmdline")
    settings.set("LOG_FILE", str(log), priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler("portal")
    try:
        process.crawl(crawler, **spider_args)
        process.start()
    except Exception as error:  # the exit code must still say it failed
        return run.failed(EXIT_CRASH, f"the crawler crashed: {error!r}", log=log)
    stats = crawler.stats.get_stats() if crawler.stats else {}
    for stale in (data / "output").glob(".*.tmp"):  # left by killed runs, settled by now
        stale.unlink(missing_ok=True)

    state = open_state(settings["STATE_URI"])
    written = sorted((data / "output").glob(f"portal-{stamp}-*.jsonl"))
    summary = summarize(stats, started, _now(), [str(path) for path in written])
    code, reason = verdict(summary, state.recent_runs(BASELINE_RUNS), args, stats)
    summary.update(exit_code=code, exit_reason=reason, log=str(log))
    state.record_run(str(stats.get("state/run", stamp)), summary)
    state.close()
    run.write(summary)
    records = summary["records"]
    print(f"portal-cron: {summary['finish_reason']}, {records['new']} new, "
          f"{records['updated']} updated, {summary['pages_fetched']} pages; "
          f"exit {code} ({reason})")
    return code


class Run:
    """This run's summary file, written for every run that got past its arguments."""

    def __init__(self, data: Path, stamp: str, started: str, keep: int) -> None:
        self.data, self.stamp, self.started, self.keep = data, stamp, started, keep

    def failed(self, code: int, reason: str, *, log: Path | None = None,
               rotate: bool = True, said: bool = False) -> int:
        """A run that ended before its crawl did: the summary says why (and stderr, unless
        that was ``said`` already)."""
        if not said:
            print(f"portal-cron: exit {code} ({reason})", file=sys.stderr)
        self.write({"start": self.started, "end": _now(), "finish_reason": None,
                    "outputs": [], "exit_code": code, "exit_reason": reason,
                    "log": str(log) if log else None}, rotate=rotate)
        return code

    def write(self, summary: dict[str, Any], *, rotate: bool = True) -> None:
        path = self.data / "runs" / f"portal-{self.stamp}.json"
        write_atomic(path, (json.dumps(summary, ensure_ascii=False, indent=2, default=str)
                            + "\n").encode())
        if not rotate:  # another run holds the lock: its files are its own
            return
        for folder, pattern in (("runs", "portal-*.json"), ("logs", "portal-*.log")):
            older = [old for old in sorted((self.data / folder).glob(pattern))
                     if old.stem != path.stem]
            for old in older[: max(0, len(older) - max(self.keep - 1, 0))]:
                old.unlink(missing_ok=True)  # this run's own files are always kept


def summarize(stats: dict[str, Any], started: str, ended: str,
              outputs: list[str]) -> dict[str, Any]:
    """The machine-readable run summary, from the crawl's stats."""

    def prefixed(prefix: str) -> dict[str, int]:
        return {key[len(prefix):]: value for key, value in stats.items()
                if key.startswith(prefix)}

    valid = stats.get("records/valid", 0)
    statuses = prefixed("downloader/response_status_count/")
    errors = {
        "download": {kind: n for kind, n in prefixed("downloader/exception_type_count/").items()
                     if not kind.endswith("IgnoreRequest")},  # our own skips, not failures
        "http": {code: n for code, n in prefixed("httperror/response_ignored_status_count/")
                 .items()},
        "spider": prefixed("spider_exceptions/"),
        "log_errors": stats.get("log_count/ERROR", 0),
    }
    return {
        "start": started, "end": ended,
        "finish_reason": stats.get("finish_reason", "unknown"),
        "outputs": outputs,
        "requests": stats.get("downloader/request_count", 0),
        "pages_fetched": stats.get("response_received_count", 0),
        "status_counts": statuses,
        "start_pages_ok": stats.get("pages/start_ok", 0),
        "records": {"new": stats.get("records/new", 0), "updated": stats.get("records/updated", 0),
                    "written": stats.get("item_scraped_count", 0), "valid": valid},
        "dropped": {**prefixed("validation/dropped/"),
                    "unchanged": stats.get("state/unchanged", 0),
                    "duplicate": stats.get("dedup/articles_removed", 0),
                    "copy_of_written": stats.get("state/copy_of_written", 0)},
        "skipped": {"known": stats.get("state/skipped_known", 0),
                    "dead_or_other": stats.get("state/skipped_page", 0)},
        "errors": errors,
        "discovery": {key: n for key, n in prefixed("discovery/").items()},
        "error_count": (sum(errors["download"].values())
                        + sum(n for code, n in errors["http"].items() if code.startswith("5"))
                        + sum(errors["spider"].values())),
        "fallback_extraction_rate": _rate(stats.get("extraction/paragraphs/generic", 0), valid),
        "fallback_example": stats.get("extraction/example/generic"),
        "missing_field_rates": {field: _rate(stats.get(f"records/missing/{field}", 0), valid)
                                for field in TRACKED_FIELDS},
    }


def verdict(summary: dict[str, Any], history: list[dict[str, Any]],
            args: argparse.Namespace, stats: dict[str, Any] | None = None) -> tuple[int, str]:
    """The exit code and its reason; the first failure in the documented order wins."""
    code, reason = crawl_exit_code(stats if stats is not None else {
        "finish_reason": summary["finish_reason"], "pages/start_requested": 1,
        "pages/start_ok": summary["start_pages_ok"]})
    if code:
        return code, reason
    rate = summary["error_count"] / max(summary["requests"], 1)
    if rate > args.max_error_rate:
        return EXIT_ERRORS, f"error rate {rate:.2f} above {args.max_error_rate}"
    if summary["records"]["valid"] >= MIN_RECORDS_FOR_RATES:
        usual = [run for run in history
                 if run.get("records", {}).get("valid", 0) >= MIN_RECORDS_FOR_RATES]
        for field, now in summary["missing_field_rates"].items():
            past = [run["missing_field_rates"].get(field) for run in usual]
            past = [value for value in past if value is not None]
            if past and now - statistics.median(past) >= args.field_jump:
                return EXIT_ANOMALY, (f"{field} missing in {now:.0%} of records, usually "
                                      f"{statistics.median(past):.0%}: has the site changed?")
        now = summary["fallback_extraction_rate"]
        past = [run.get("fallback_extraction_rate") for run in usual]
        past = [value for value in past if value is not None]
        if past and now is not None and now - statistics.median(past) >= args.field_jump:
            return EXIT_ANOMALY, (f"generic extraction on {now:.0%} of records, usually "
                                  f"{statistics.median(past):.0%}: the template rules stopped "
                                  f"matching (e.g. {summary['fallback_example']})")
    return EXIT_OK, "ok"


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def script() -> None:
    """The ``portal-cron`` script."""
    sys.exit(main())


if __name__ == "__main__":
    script()
