"""Extraction benchmark: this project, trafilatura and GNE side by side on labelled pages.

    python -m bench.extraction [DATA_DIR] [--repeat N] [--out FILE]

``DATA_DIR`` holds ``truth.jsonl`` (``file``, ``body``, ``date``, ``author`` per page) and
the pages (default: ``../shared/data/zh-content-dev``). Body text is scored as in the
Scrapinghub article-extraction-benchmark: token 4-shingles (each CJK character a token, other
word characters in runs), per-page true/false positives normalised, precision and recall
averaged over pages, F1 from the two. Dates: the exact day, on pages whose gold date has one.
Speed: ``--repeat`` rounds of one pass of each extractor over all pages, in turn; ms per page
is the best pass (CPU time of one core), the ratio the median of the rounds' ratios. This
project starts from the page's bytes (decoding included), the others from the decoded text.
trafilatura and GNE are benchmark-only dependencies (``pip install -e '.[bench]'``).
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from crawler.extract import PIPELINES
from crawler.pages.article import ArticlePage
from crawler.pages.document import Document, decode_html

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
TOKEN_RE = re.compile(rf"[{CJK}]|[^\W{CJK}]+")  # each CJK character a token, other words whole
DAY_RE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


class Output(NamedTuple):
    body: str
    date: str | None  #: as the tool gives it; only its day is scored


class Page(NamedTuple):
    name: str
    raw: bytes
    text: str
    body: str
    day: str | None  #: gold day, None when the label has none


def day_of(text: str | None) -> str | None:
    match = DAY_RE.search(text or "")
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups())
    return f"{year:04d}-{month:02d}-{day:02d}"


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = TOKEN_RE.findall(text or "")
    return Counter(tuple(tokens[i:i + n]) for i in range(max(1, len(tokens) - n + 1))
                   if tokens[i:i + n])


def tp_fp_fn(true: str, pred: str) -> tuple[float, float, float]:
    gold, got = shingles(true), shingles(pred)
    tp = sum((gold & got).values())
    fp = sum((got - gold).values())
    fn = sum((gold - got).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def body_scores(pairs: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    def precision(tp: float, fp: float, fn: float) -> float:
        return 1.0 if fp == fn == 0 else 0.0 if tp == fp == 0 else tp / (tp + fp)

    def recall(tp: float, fp: float, fn: float) -> float:
        return 1.0 if fp == fn == 0 else 0.0 if tp == fn == 0 else tp / (tp + fn)

    p = statistics.mean(precision(*x) for x in pairs if x[0] + x[1] > 0)
    r = statistics.mean(recall(*x) for x in pairs if x[0] + x[2] > 0)
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


# --- the extractors ---------------------------------------------------------------------------

def project(page: Page) -> Output:
    document = Document.from_bytes("http://example.cn/article.html", page.raw).at_wrapper_url()
    item = ArticlePage(document).to_article()
    for pipeline in PIPELINES[:2]:  # paragraph dedup, date normalisation
        item = pipeline.process_item(item)
    return Output("\n".join(item.paragraphs), item.published_at)


def _trafilatura(metadata: bool = True) -> Callable[[Page], Output]:
    import trafilatura

    def run(page: Page) -> Output:
        doc: Any = trafilatura.bare_extraction(page.text, with_metadata=metadata)
        if doc is None:
            return Output("", None)
        return Output(doc.text or "", doc.date)

    return run


def _gne() -> Callable[[Page], Output]:
    from gne import GeneralNewsExtractor

    extractor = GeneralNewsExtractor()

    def run(page: Page) -> Output:
        try:
            result = extractor.extract(page.text)
        except Exception:  # GNE raises on some pages; that page scores zero
            return Output("", None)
        return Output(result.get("content") or "", result.get("publish_time"))

    return run


# The extractors compared with this project, by name, each a factory (ImportError without the
# bench extras). trafilatura twice: with its metadata (title, date, author: the fields this
# project extracts too) and the text alone, which skips its date search and is faster.
OTHERS: tuple[tuple[str, Callable[[], Callable[[Page], Output]]], ...] = (
    ("trafilatura 2.3.1", _trafilatura),
    ("trafilatura 2.3.1, text only", lambda: _trafilatura(metadata=False)),
    ("GNE 0.4.3", _gne),
)


def load(data: Path) -> list[Page]:
    pages = []
    for line in (data / "truth.jsonl").read_text("utf-8").splitlines():
        truth = json.loads(line)
        raw = (data / truth["file"]).read_bytes()
        gold = truth.get("date") or ""
        # A full day only: "YYYY-M-D[ time]"; partial dates and bad labels are not scored.
        day = day_of(gold) if re.match(r"^\d{4}-\d{1,2}-\d{1,2}\b", gold) else None
        pages.append(Page(truth["file"], raw, decode_html(raw)[0], truth["body"], day))
    return pages


class Result(NamedTuple):
    name: str
    precision: float
    recall: float
    f1: float
    date_right: int
    date_total: int
    ms_per_page: float
    ratio: float  #: time per page relative to this project's


def measure(extractors: list[tuple[str, Callable[[Page], Output]]], pages: list[Page],
            repeat: int) -> list[Result]:
    """Score each extractor's output, then time ``repeat`` rounds of one pass of each over
    all pages, in turn (order reversed every other round), so that a burst of load lands on
    every extractor alike: ms per page is the best pass, the ratio the median of the rounds'."""
    outputs = {name: [extract(page) for page in pages] for name, extract in extractors}  # warm
    times: dict[str, list[float]] = {name: [] for name, _ in extractors}
    for round_ in range(repeat):
        for name, extract in extractors if round_ % 2 == 0 else extractors[::-1]:
            start = time.process_time()  # CPU time: another tenant's load cannot inflate it
            for page in pages:
                extract(page)
            times[name].append(time.process_time() - start)
    base = times[extractors[0][0]]
    results = []
    for name, _ in extractors:
        pairs = list(zip(pages, outputs[name], strict=True))
        p, r, f1 = body_scores([tp_fp_fn(page.body, out.body) for page, out in pairs])
        dated = [(page, out) for page, out in pairs if page.day]
        right = sum(1 for page, out in dated if day_of(out.date) == page.day)
        ratio = statistics.median(t / b for t, b in zip(times[name], base, strict=True))
        results.append(Result(name, p, r, f1, right, len(dated),
                              min(times[name]) / len(pages) * 1000, ratio))
    return results


def table(results: list[Result], pages: int) -> str:
    lines = ["| extractor | body P | body R | body F1 | date day right | ms/page | "
             "time vs this project |", "|---|---|---|---|---|---|---|"]
    for res in results:
        lines.append(
            f"| {res.name} | {res.precision:.3f} | {res.recall:.3f} | {res.f1:.3f} | "
            f"{res.date_right}/{res.date_total} ({res.date_right / max(res.date_total, 1):.0%}) | "
            f"{res.ms_per_page:.1f} | {res.ratio:.1f}x |")
    lines.append(f"\n{pages} pages; {platform.processor() or platform.machine()}, "
                 f"Python {platform.python_version()}, one core.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.extraction", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", nargs="?", type=Path,
                        default=Path("../shared/data/zh-content-dev"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, help="also write the table (markdown) here")
    parser.add_argument("--only-project", action="store_true",
                        help="skip trafilatura and GNE (no bench extras needed)")
    args = parser.parse_args(argv)
    pages = load(args.data)
    extractors: list[tuple[str, Callable[[Page], Output]]] = [("this project", project)]
    if not args.only_project:
        extractors += [(name, factory()) for name, factory in OTHERS]
    results = measure(extractors, pages, args.repeat)
    text = table(results, len(pages))
    print(text)
    if args.out:
        command = "python -m bench.extraction " + " ".join(sys.argv[1:])
        args.out.write_text(f"{text}\n\nCommand: `{command}`\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
