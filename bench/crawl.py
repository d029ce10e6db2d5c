"""Performance benchmark: the portal crawl against bare Scrapy on the same synthetic site.

    python -m bench.crawl [--articles 2000] [--big 20000] [--out FILE]

Measures, in one run (see README "Performance"):
1. a full ``scrapy crawl portal`` (delays and AutoThrottle off, concurrency up) against a bare
   Scrapy spider following every in-site link: wall time, pages/s, articles/s, CPU s/page;
   and the portal crawl again with the garbage collector left as Python sets it;
2. extraction and pipelines alone on saved article pages, one core, against trafilatura and
   GNE on the same pages (skipped without the ``bench`` extras): pages/s, and instructions per
   page counted by valgrind (``bench.instructions``; skipped without valgrind);
3. peak RSS of crawls of ``--articles`` and ``--big`` articles;
4. the requests of a second, incremental run on the unchanged portal.
The site is served by ``bench.synthetic`` in a process of its own.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import NamedTuple

from bench.instructions import counts, crawl_collector
from bench.interpreters import describe
from crawler.settings import GC_GEN0_THRESHOLD

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
            [sys.executable, "-m", "bench.synthetic", "--articles", str(articles),
             "--port", str(port)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
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


def portal_crawl(site: Site, work: Path, name: str, state: Path | None = None,
                 **more: str) -> Run:
    output = work / f"{name}.jsonl"
    command = [sys.executable, "-m", "scrapy", "crawl", "portal", "-a",
               f"start_urls={site.origin}/", "-O", f"{output}:jsonlines"]
    settings = {**FAST, **({"STATE_URI": str(state)} if state else {}), **more}
    for key, value in settings.items():
        command += ["-s", f"{key}={value}"]
    return measured(command, site, output)


def bare_crawl(site: Site) -> Run:
    command = [sys.executable, "-m", "bench.bare_spider", site.origin + "/"]
    for key, value in FAST.items():
        command += ["-s", f"{key}={value}"]
    return measured(command, site, None)


class Rate(NamedTuple):
    best: float  #: article pages per second, CPU time of the best round
    median: float  #: the same, of the median round
    ratio: float  #: time per page relative to this project, the median of the rounds' ratios


ROUNDS = 25  # timed rounds of the extraction rate, after one warm-up round


def extraction_rates(pages: int, rounds: int = ROUNDS) -> dict[str, Rate]:
    """Rates for this project (bytes to cleaned record) and, when installed, trafilatura and
    GNE (decoded text to text), on the same pages. Each round times one pass of each
    extractor over ``pages`` pages no round has seen before (caches help only as much as in
    a crawl), the order reversed every other round, the collector set as for a crawl
    (``crawl_collector``). Many short rounds: on a shared machine, load from elsewhere comes
    in bursts of seconds, and the best round is the one it missed."""
    from bench.instructions import workloads

    found = workloads(pages * (rounds + 1))  # one site, a slice of its pages per round

    def run(round_: int) -> dict[str, float]:
        spent = {}
        for name in list(found) if round_ % 2 else reversed(found):
            function, inputs = found[name]
            start = time.process_time()
            list(map(function, inputs[round_ * pages:(round_ + 1) * pages]))
            spent[name] = time.process_time() - start
        return spent

    run(0)  # warm-up
    times: dict[str, list[float]] = {name: [] for name in found}
    with crawl_collector():
        for round_ in range(1, rounds + 1):
            for name, spent in run(round_).items():
                times[name].append(spent)
    ours = times["this project"]
    return {name: Rate(pages / min(spent), pages / statistics.median(spent),
                       statistics.median(theirs / mine for theirs, mine in zip(spent, ours,
                                                                               strict=True)))
            for name, spent in times.items()}


def report(args: argparse.Namespace) -> str:
    lines: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        site = Site(args.articles, args.port)
        try:
            ours = portal_crawl(site, work, "portal", state=work / "state.sqlite3")
            again = portal_crawl(site, work, "again", state=work / "state.sqlite3")
            untuned = portal_crawl(site, work, "untuned", state=work / "untuned.sqlite3",
                                   GC_TUNING_ENABLED="False")
            bare = bare_crawl(site)
        finally:
            site.close()
        big_site = Site(args.big, args.port + 1)
        try:
            big = portal_crawl(big_site, work, "big")
        finally:
            big_site.close()
    lines += [
        f"### Full crawl of a {args.articles}-article synthetic portal",
        "",
        "| crawl | wall s | pages fetched | pages/s | articles/s | CPU s | CPU ms/page |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, run in (("scrapy crawl portal", ours), ("bare Scrapy spider", bare),
                      ("scrapy crawl portal, GC_TUNING_ENABLED=False", untuned)):
        lines.append(f"| {name} | {run.wall:.1f} | {run.requests} | {run.requests / run.wall:.0f}"
                     f" | {run.records / run.wall:.0f} | {run.cpu:.1f} | "
                     f"{run.cpu / run.requests * 1000:.2f} |")
    lines += [
        "",
        f"Ratios, portal / bare: wall {ours.wall / bare.wall:.2f}x, pages fetched "
        f"{ours.requests / bare.requests:.2f}x, CPU per fetched page "
        f"{(ours.cpu / ours.requests) / (bare.cpu / bare.requests):.2f}x. Records written: "
        f"{ours.records} of {args.articles} articles. CPU per fetched page with the garbage "
        f"collector left as Python sets it / tuned (`GcTuning`): "
        f"{(untuned.cpu / untuned.requests) / (ours.cpu / ours.requests):.2f}x.",
        "",
        "### Extraction and pipelines alone, saved article pages, one core",
        "",
        "| extractor | pages/s, best round | pages/s, median round | time per page vs this "
        "project | M instructions per page | vs this project |",
        "|---|---|---|---|---|---|",
    ]
    rates = extraction_rates(args.pages)
    counted = counts(args.counted_pages) if args.counted_pages else {}
    for name, rate in rates.items():
        millions = counted.get(name)
        lines.append(f"| {name} | {rate.best:.0f} | {rate.median:.0f} | {rate.ratio:.1f}x | "
                     + (f"{millions:.1f} | {millions / counted['this project']:.1f}x |"
                        if millions else "- | - |"))
    lines += [
        "",
        f"Pages/s: CPU time of {ROUNDS} rounds, each round one pass of each extractor over "
        f"{args.pages} pages of the site no earlier round has seen, the order reversed every "
        "other round, the garbage collector set as for a crawl (start-up objects frozen, the "
        f"youngest generation collected every {GC_GEN0_THRESHOLD:,} new objects); time per "
        "page: the median of the rounds' ratios. Instructions: "
        f"valgrind's count over {args.counted_pages} pages after {args.counted_pages} others "
        "(`python -m bench.instructions`), the same on any run whatever the machine's load.",
    ]
    lines += [
        "",
        "### Memory and the incremental run",
        "",
        "| crawl | articles | peak RSS MB |",
        "|---|---|---|",
        f"| scrapy crawl portal | {args.articles} | {ours.max_rss_mb:.0f} |",
        f"| scrapy crawl portal | {args.big} | {big.max_rss_mb:.0f} |",
        "",
        f"Peak RSS grows by {big.max_rss_mb - ours.max_rss_mb:.0f} MB from {args.articles} to "
        f"{args.big} articles ({big.records} records written, {big.wall:.0f} s).",
        f"A second run with the state on the unchanged {args.articles}-article portal made "
        f"{again.requests} requests and wrote {again.records} records (the first made "
        f"{ours.requests}).",
        "",
        f"Machine: {os.cpu_count()} cores, {platform.machine()}, {describe()}; server and "
        "crawler share it.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.crawl", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--big", type=int, default=20000)
    parser.add_argument("--pages", type=int, default=48,
                        help="pages per round of the extraction rate")
    parser.add_argument("--counted-pages", type=int, default=30,
                        help="pages for the instruction counts (valgrind); 0 skips them")
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
