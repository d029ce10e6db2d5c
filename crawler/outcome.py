"""How a run ended, as an exit code: shared by ``scrapy crawl`` and the cron runner.

The codes follow BSD's sysexits where one fits; the README's tables document them.
"""

from __future__ import annotations

from typing import Any

EXIT_OK = 0
EXIT_UNFINISHED = 3  #: the crawl did not finish normally (shut down, closed by a limit)
EXIT_UNREACHABLE = 4  #: no start URL answered with a page
EXIT_ERRORS = 5  #: too many errors (cron)
EXIT_ANOMALY = 6  #: fields or extraction layers far off their usual rates (cron)
EXIT_USAGE = 64  #: bad input: nothing was crawled, no file or state was touched
EXIT_CRASH = 70  #: the crawler crashed
EXIT_OUTPUT = 74  #: an output file could not be written: its articles stay unknown
EXIT_LOCKED = 75  #: another run holds the lock (cron)
EXIT_STATE = 78  #: the state store (SQLite file, Redis) cannot be used


def unreachable(stats: dict[str, Any]) -> bool:
    """Start URLs were requested and none answered with a page. (A cluster worker that
    joins a running crawl requests none.)"""
    return bool(stats.get("pages/start_requested")) and not stats.get("pages/start_ok")


def output_failed(stats: dict[str, Any]) -> bool:
    """An output file could not be opened, written or put in place."""
    return bool(stats.get("output/failed")) or any(
        key.startswith("feedexport/failed_count/") for key in stats)


def crawl_exit_code(stats: dict[str, Any]) -> tuple[int, str]:
    """The exit code of a crawl that ran, and its reason; the first failure wins."""
    reason = stats.get("finish_reason")
    if reason is None:
        return EXIT_CRASH, "the crawl did not run to its end (see the log)"
    if unreachable(stats):
        return EXIT_UNREACHABLE, "no start URL answered with a page"
    if output_failed(stats):
        return EXIT_OUTPUT, "an output file could not be written (see the log)"
    if reason != "finished":
        return EXIT_UNFINISHED, f"finish reason {reason}"
    return EXIT_OK, "ok"
