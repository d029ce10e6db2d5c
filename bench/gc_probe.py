"""The garbage collector's share of a crawl: the portal crawl with ``GcTuning`` and with the
collector left as Python sets it, taking turns on the same synthetic site, each run probed.

    python -m bench.gc_probe [--articles 2000] [--pairs 4] [--out FILE]

The probe is an extension (``GcProbe``, loaded through ``GC_PROBE_FILE``) that times every
collection through ``gc.callbacks`` and writes the totals to that file when the spider closes.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from bench.crawl import Run, Site, portal_crawl
from crawler.settings import EXTENSIONS

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler


class GcProbe:
    """Counts and times the collections of each generation while the spider runs."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.collections = [0, 0, 0]
        self.seconds = [0.0, 0.0, 0.0]
        self.collected = 0
        self.frozen = 0
        self.started = 0.0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        path = crawler.settings.get("GC_PROBE_FILE")
        if not path:
            raise NotConfigured
        probe = cls(Path(path))
        crawler.signals.connect(probe.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(probe.spider_closed, signal=signals.spider_closed)
        return probe

    def spider_opened(self) -> None:
        self.frozen = gc.get_freeze_count()  # connected after GcTuning: its freeze is done
        gc.callbacks.append(self.callback)

    def callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self.started = time.perf_counter()
            return
        self.collections[info["generation"]] += 1
        self.seconds[info["generation"]] += time.perf_counter() - self.started
        self.collected += info["collected"]

    def spider_closed(self) -> None:
        gc.callbacks.remove(self.callback)
        self.path.write_text(json.dumps({
            "collections": self.collections, "seconds": self.seconds,
            "collected": self.collected, "frozen": self.frozen}), "utf-8")


def probed_crawl(site: Site, work: Path, name: str, tuned: bool) -> tuple[Run, dict[str, Any]]:
    report = work / f"{name}.gc.json"
    run = portal_crawl(site, work, name, GC_TUNING_ENABLED=str(tuned), GC_PROBE_FILE=str(report),
                       EXTENSIONS=json.dumps({**EXTENSIONS, "bench.gc_probe.GcProbe": 200}))
    return run, json.loads(report.read_text("utf-8"))


def report(articles: int, pairs: int, port: int) -> str:
    runs: dict[bool, list[tuple[Run, dict[str, Any]]]] = {True: [], False: []}
    with tempfile.TemporaryDirectory() as tmp:
        site = Site(articles, port)
        try:
            for pair in range(pairs):
                for tuned in (True, False) if pair % 2 else (False, True):
                    runs[tuned].append(probed_crawl(site, Path(tmp), f"{pair}-{tuned}", tuned))
        finally:
            site.close()
    lines = [
        f"### The garbage collector in a crawl of a {articles}-article synthetic portal",
        "",
        "| collector | CPU s, each run | CPU s, median | collection s, median | collections "
        "(young, middle, full) | objects freed by collection | objects frozen |",
        "|---|---|---|---|---|---|---|",
    ]
    for tuned, name in ((False, "as Python sets it"), (True, "GcTuning")):
        cpu = [run.cpu for run, _ in runs[tuned]]
        spent = [sum(probe["seconds"]) for _, probe in runs[tuned]]
        last = runs[tuned][-1][1]
        lines.append(f"| {name} | {', '.join(f'{c:.1f}' for c in cpu)} | "
                     f"{statistics.median(cpu):.1f} | {statistics.median(spent):.2f} | "
                     f"{', '.join(map(str, last['collections']))} | {last['collected']} | "
                     f"{last['frozen']} |")
    fetched = sorted({run.requests for done in runs.values() for run, _ in done})
    untuned = statistics.median(run.cpu for run, _ in runs[False])
    tuned_cpu = statistics.median(run.cpu for run, _ in runs[True])
    lines += ["", f"CPU, GcTuning / Python's settings (medians): {tuned_cpu / untuned:.2f}x. "
              f"{pairs} pairs of crawls taking turns; collections and objects: the last run "
              f"of each. Pages fetched per run: {', '.join(map(str, fetched))}."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.gc_probe", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--pairs", type=int, default=4)
    parser.add_argument("--port", type=int, default=8880)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    text = report(args.articles, args.pairs, args.port)
    print(text)
    if args.out:
        command = "python -m bench.gc_probe " + " ".join(argv if argv is not None
                                                          else sys.argv[1:])
        args.out.write_text(f"{text}\n\nCommand: `{command}`\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
