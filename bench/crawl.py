"""Crawl benchmark: the portal crawl against bare Scrapy on the same synthetic site, and the
crawl's peak memory as the portal grows.

    python -m bench.crawl [--articles 2000] [--big 20000 200000] [--out FILE]

1. A full ``scrapy crawl portal`` and a bare Scrapy spider that follows every in-site link
   and extracts nothing (``bench.bare_spider``), in turn on the same ``--articles`` site:
   wall time, pages/s, CPU per page. Politeness off (no delays, concurrency up): with the
   default politeness both wait on the site, not on the CPU.
2. Peak RSS of portal crawls of ``--articles`` and each ``--big`` count of articles, and its
   growth from the first ``--big`` count to the last.
The site (``tests/synthetic_portal.py``) is served in a process of its own on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent

FAST = {"DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False", "CONCURRENT_REQUESTS": "32",
        "CONCURRENT_REQUESTS_PER_DOMAIN": "32", "LOG_LEVEL": "INFO",
        "MEMUSAGE_ENABLED": "False"}


class Run(NamedTuple):
    wall: float
    cpu: float  #: user + system seconds of the crawl process
    max_rss_mb: float
    requests: int  #: counted at the server
    records: int


class Site:
    """The synthetic portal in a server process of its own."""

    def __init__(self, articles: int, port: int) -> None:
        self.origin = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "synthetic_portal.py"),
             "--articles", str(articles), "--port", str(port)],
            cwd=ROOT, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        self.process.stdout.readline()  # "serving ..."

    def requests(self, reset: bool = True) -> int:
        path = "/__requests?reset=1" if reset else "/__requests"
        with urllib.request.urlopen(self.origin + path, timeout=10) as reply:
            return int(json.loads(reply.read())["requests"])

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def measured(command: list[str], site: Site, output: Path | None) -> Run:
    """Run ``command`` as a child; its wall time, CPU and peak RSS from ``wait4``.

    Linux gives a child the peak RSS of the process it was started from (the parent's memory,
    which the child shares until it executes the command, counts as the child's): so the
    peak is the child's own only when it is above this process's own peak; else it is NaN."""
    site.requests()
    own_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    assert os.waitstatus_to_exitcode(status) == 0, command
    peak = usage.ru_maxrss / 1024 if usage.ru_maxrss > own_peak else float("nan")
    records = 0
    if output and output.exists():
        with output.open("rb") as lines:  # counted, not read whole: this process stays small
            records = sum(1 for _ in lines)
    return Run(wall, usage.ru_utime + usage.ru_stime, peak, site.requests(), records)


def portal_crawl(site: Site, work: Path, name: str) -> Run:
    output = work / f"{name}.jsonl"
    command = [sys.executable, "-m", "scrapy", "crawl", "portal", "-a",
               f"start_urls={site.origin}/", "-O", f"{output}:jsonlines"]
    for key, value in FAST.items():
        command += ["-s", f"{key}={value}"]
    return measured(command, site, output)


def bare_crawl(site: Site) -> Run:
    command = [sys.executable, "-m", "bench.bare_spider", site.origin + "/"]
    for key, value in FAST.items():
        command += ["-s", f"{key}={value}"]
    return measured(command, site, None)


def report(args: argparse.Namespace) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        site = Site(args.articles, args.port)
        try:
            ours = portal_crawl(site, work, "portal")
            bare = bare_crawl(site)
        finally:
            site.close()
        big = []
        for number, articles in enumerate(args.big, start=1):
            big_site = Site(articles, args.port + number)
            try:
                big.append((articles, portal_crawl(big_site, work, f"big{articles}")))
            finally:
                big_site.close()
    lines = [
        f"### Full crawl of a {args.articles}-article synthetic portal",
        "",
        "| crawl | wall s | pages fetched | pages/s | CPU ms/page | records |",
        "|---|---|---|---|---|---|",
    ]
    for name, run in (("scrapy crawl portal", ours), ("bare Scrapy spider", bare)):
        lines.append(f"| {name} | {run.wall:.1f} | {run.requests} | "
                     f"{run.requests / run.wall:.0f} | {run.cpu / run.requests * 1000:.2f} | "
                     f"{run.records} |")
    lines += [
        "",
        f"Portal / bare: wall {ours.wall / bare.wall:.2f}x, CPU per fetched page "
        f"{(ours.cpu / ours.requests) / (bare.cpu / bare.requests):.2f}x.",
        "",
        "### Peak memory as the portal grows",
        "",
        "| articles | records written | wall s | peak RSS MB |",
        "|---|---|---|---|",
        f"| {args.articles} | {ours.records} | {ours.wall:.0f} | {ours.max_rss_mb:.0f} |",
        *(f"| {n} | {run.records} | {run.wall:.0f} | {run.max_rss_mb:.0f} |" for n, run in big),
        "",
        f"Growth: {big[-1][1].max_rss_mb - big[0][1].max_rss_mb:.0f} MB from {big[0][0]} to "
        f"{big[-1][0]} articles.",
        "",
        f"Machine: {os.cpu_count()} cores, {platform.machine()}, Python "
        f"{platform.python_version()}; server and crawler share it.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.crawl", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--big", type=int, nargs="+", default=[20000, 200000])
    parser.add_argument("--port", type=int, default=8870)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    resource.setrlimit(resource.RLIMIT_NOFILE, (4096, 4096))
    text = report(args)
    print(text)
    if args.out:
        command = "python -m bench.crawl " + " ".join(argv if argv is not None else sys.argv[1:])
        args.out.write_text(f"{text}\n\nCommand: `{command}`\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
