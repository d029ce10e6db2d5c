"""Extraction benchmark: this project, trafilatura, htmldate and GNE side by side on every
labelled development set, each scored as its README says (``bench/devsets.py``).

    python -m bench.extraction [DATA_DIR] [--repeat N] [--out FILE] [--only-project]

``DATA_DIR`` holds the sets (default ``../shared/data``): ``zh-portal-dev``, ``zh-content-dev``
and ``peer-suites-dev`` (htmldate's and trafilatura's own evaluation sets). Speed: ``--repeat``
rounds of one pass of each extractor over every page of every set, in turn (order reversed
every other round); ms per page is the best pass (CPU time of one core), the ratio the median
of the rounds' ratios. This project starts from the page's bytes (decoding included), the
others from the decoded text. The peers are benchmark-only dependencies
(``pip install -e '.[bench]'``).
"""

from __future__ import annotations

import argparse
import logging
import platform
import statistics
import sys
import time
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any, NamedTuple

from bench import devsets
from bench.devsets import DevSet, Output, Page
from crawler.extract import PIPELINES
from crawler.pages.article import ArticlePage
from crawler.pages.document import Document

Extractor = Callable[[Page], Output]
NO_URL = "http://example.cn/article.html"  # the sets without the pages' own addresses


def project(page: Page) -> Output:
    document = Document.from_bytes(page.url, page.raw).at_wrapper_url()
    item = ArticlePage(document).to_article()
    for pipeline in PIPELINES[:2]:  # paragraph dedup, date normalisation
        item = pipeline.process_item(item)
    return Output(item.title, "\n".join(item.paragraphs), item.published_at, item.source)


def _url(page: Page) -> str | None:
    return None if page.url == NO_URL else page.url


def _trafilatura() -> Extractor:
    import trafilatura

    def run(page: Page) -> Output:
        doc: Any = trafilatura.bare_extraction(page.text, url=_url(page), with_metadata=True)
        if doc is None:
            return Output()
        return Output(doc.title, doc.text or "", doc.date)

    return run


def _htmldate() -> Extractor:
    from htmldate import find_date

    def run(page: Page) -> Output:
        try:
            return Output(date=find_date(page.text, url=_url(page), original_date=True,
                                         extensive_search=True))
        except Exception:  # a failure on one page scores that page zero
            return Output()

    return run


def _gne() -> Extractor:
    from gne import GeneralNewsExtractor

    extractor = GeneralNewsExtractor()

    def run(page: Page) -> Output:
        try:
            result = extractor.extract(page.text)
        except Exception:  # GNE raises on some pages; that page scores zero
            return Output()
        return Output(result.get("title"), result.get("content") or "",
                      result.get("publish_time"))

    return run


# The extractors compared with this project, each a factory (ImportError without the extras),
# named with the version installed.
OTHERS: tuple[tuple[str, str, Callable[[], Extractor]], ...] = (
    ("trafilatura", "", _trafilatura),
    ("htmldate", " (dates only)", _htmldate),
    ("gne", "", _gne),
)


class Run(NamedTuple):
    name: str
    outputs: dict[str, list[Output]]  #: per set, one output per page
    ms_per_page: float
    ratio: float  #: time per page relative to this project's


def measure(extractors: list[tuple[str, Extractor]], sets: list[DevSet],
            repeat: int) -> list[Run]:
    """Each extractor's outputs, then ``repeat`` timed rounds of one pass of each over every
    page, in turn, so that a burst of load lands on every extractor alike."""
    pages = [page for dev in sets for page in dev.pages]
    outputs = {name: {dev.name: [extract(page) for page in dev.pages] for dev in sets}
               for name, extract in extractors}  # also the warm-up
    times: dict[str, list[float]] = {name: [] for name, _ in extractors}
    for round_ in range(repeat):
        for name, extract in extractors if round_ % 2 == 0 else extractors[::-1]:
            start = time.process_time()  # CPU time: another tenant's load cannot inflate it
            for page in pages:
                extract(page)
            times[name].append(time.process_time() - start)
    base = times[extractors[0][0]]
    return [Run(name, outputs[name], min(times[name]) / len(pages) * 1000,
                statistics.median(t / b for t, b in zip(times[name], base, strict=True)))
            for name, _ in extractors]


def _share(right: int, total: int) -> str:
    return f"{right / total:.2f}" if total else "-"


def _gives(outputs: dict[str, list[Output]], field: str) -> bool:
    """Whether an extractor gives ``field`` at all (htmldate gives dates only)."""
    return any(getattr(out, field) for pages in outputs.values() for out in pages)


def tables(runs: list[Run], sets: list[DevSet]) -> str:
    """One table per set, scored as the set's README says, and the speed table."""
    by_name = {dev.name: dev for dev in sets}
    out: list[str] = []
    if "zh-portal" in by_name:
        pages = by_name["zh-portal"].pages
        out += [f"### zh-portal-dev ({len(pages)} Chinese portal articles)", "",
                "| extractor | title exact | day | time | 来源 | body start | body end | "
                "length 0.8-1.25 |", "|---|---|---|---|---|---|---|---|"]
        for run in runs:
            fields = devsets.score_portal(pages, run.outputs["zh-portal"])
            given = {"title": "title", "day": "date", "time": "date", "source": "source",
                     "start": "body", "end": "body", "length": "body"}
            out.append(f"| {run.name} | " + " | ".join(
                _share(*fields[key]) if _gives(run.outputs, given[key]) else "-"
                for key in given) + " |")
        out.append("")
    if "zh-content" in by_name:
        pages = by_name["zh-content"].pages
        out += [f"### zh-content-dev ({len(pages)} Chinese pages)", "",
                "| extractor | body P | body R | body F1 | day right |", "|---|---|---|---|---|"]
        for run in runs:
            p, r, f1 = devsets.body_f1(pages, run.outputs["zh-content"])
            right, total = devsets.content_days(pages, run.outputs["zh-content"])
            body = f"{p:.3f} | {r:.3f} | {f1:.3f}" if _gives(run.outputs, "body") \
                else "- | - | -"
            out.append(f"| {run.name} | {body} | {right}/{total} ({_share(right, total)}) |")
        out.append("")
    if "htmldate" in by_name:
        pages = by_name["htmldate"].pages
        out += [f"### htmldate's set ({len(pages)} pages, scored as its tests/evaluation.py)",
                "", "| extractor | day accuracy | precision | recall | F1 |",
                "|---|---|---|---|---|"]
        for run in runs:
            s = devsets.score_dates(pages, run.outputs["htmldate"])
            out.append(f"| {run.name} | {s['day']:.3f} | {s['precision']:.3f} | "
                       f"{s['recall']:.3f} | {s['f1']:.3f} |")
        out.append("")
    if "trafilatura" in by_name:
        pages = by_name["trafilatura"].pages
        out += [f"### trafilatura's set ({len(pages)} pages, scored as its tests/evaluate.py)",
                "", "| extractor | precision | recall | accuracy | F1 |", "|---|---|---|---|---|"]
        for run in runs:
            if not _gives(run.outputs, "body"):
                out.append(f"| {run.name} | - | - | - | - |")
                continue
            s = devsets.score_texts(pages, run.outputs["trafilatura"])
            out.append(f"| {run.name} | {s['precision']:.3f} | {s['recall']:.3f} | "
                       f"{s['accuracy']:.3f} | {s['f1']:.3f} |")
        out.append("")
    total = sum(len(dev.pages) for dev in sets)
    out += [f"### Speed ({total} pages, every set)", "",
            "| extractor | ms/page | time vs this project |", "|---|---|---|"]
    out += [f"| {run.name} | {run.ms_per_page:.1f} | {run.ratio:.1f}x |" for run in runs]
    out.append(f"\n{platform.processor() or platform.machine()}, Python "
               f"{platform.python_version()}, one core.")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.extraction", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", nargs="?", type=Path, default=Path("../shared/data"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, help="also write the tables (markdown) here")
    parser.add_argument("--only-project", action="store_true",
                        help="skip the peers (no bench extras needed)")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)  # the peers log per page
    sets = devsets.load(args.data)
    if not sets:
        print(f"no labelled sets under {args.data}", file=sys.stderr)
        return 2
    extractors: list[tuple[str, Extractor]] = [("this project", project)]
    if not args.only_project:
        extractors += [(f"{name} {version(name)}{note}", factory())
                       for name, note, factory in OTHERS]
    text = tables(measure(extractors, sets, args.repeat), sets)
    print(text)
    if args.out:
        command = "python -m bench.extraction " + " ".join(sys.argv[1:])
        args.out.write_text(f"{text}\n\nCommand: `{command}`\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
