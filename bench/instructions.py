"""Instructions per article page, counted by valgrind: extraction cost without timing noise.

    python -m bench.instructions [--pages 30] [--stages] [--menu 25] [--misses [--cache 1024]]

Each extractor runs over the same synthetic article pages in a child process under
``valgrind --tool=callgrind``, which counts only inside the measured pass: the pass is a ctypes
callback, run inside libffi's ``ffi_call`` (``--toggle-collect=ffi_call``: a shared library's
exported symbol, there in stripped interpreters too, and nothing else here calls it), after a
warm-up pass over as many other pages of the same site (pages met for the first time, as in a
crawl), with the garbage collector set as for a crawl (``crawl_collector``). The counts are
the same from run to run whatever else the machine is doing; timings on a shared machine are
not. Needs valgrind (Debian package ``valgrind``); without it nothing is counted.
``--misses`` counts, instead, the misses of a simulated last-level cache the size
of one core's L2 (instruction and data misses together): the memory traffic a page costs when
other tenants' work has taken the shared L3; ``--cache`` sets that cache's size, to see how
much of the shared L3 each extractor needs.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.synthetic import MENU

ROOT = Path(__file__).resolve().parent.parent
_COLLECTED_RE = re.compile(r"Collected\s*:\s*(\d+)(?:\s+\d+)*")


@contextmanager
def crawl_collector() -> Iterator[None]:
    """The block runs under the garbage collector's settings for a crawl (``GcTuning``): what
    is alive when it starts (modules, the saved pages, the other extractors) frozen out of
    every collection, the youngest generation collected every ``GC_GEN0_THRESHOLD`` new
    objects. On Python's defaults a full collection of all that (70-80 ms in the benchmark's
    process) comes every 100 or so of this project's pages and lands in the pass of whichever
    extractor allocates when it falls due: this project's, never trafilatura's, which makes
    almost no objects the collector tracks."""
    # Imported here: Scrapy, which crawler.extensions brings, stays out of bench.crawl's own
    # memory, whose peak its crawls' peak RSS would report (see bench.crawl.measured).
    from crawler.extensions import restore_collector, tune_collector
    from crawler.settings import GC_GEN0_THRESHOLD

    saved = tune_collector(GC_GEN0_THRESHOLD)
    try:
        yield
    finally:
        restore_collector(saved)


def workloads(pages: int, menu: int = MENU) -> dict[str, tuple[Callable[[Any], Any], list[Any]]]:
    """Name -> (function, inputs): one call per article page, the same pages for all, with
    ``menu`` drop-down menu entries per channel.
    This project goes from bytes to a cleaned record (decoding, extraction, pipelines), and
    again with the visual-lines walk in Python where the compiled one is built;
    trafilatura and GNE, when installed, from the decoded text to their output."""
    from bench.extraction import OTHERS
    from bench.extraction import Page as LabelledPage
    from bench.synthetic import SyntheticPortal
    from crawler.extract import PIPELINES
    from crawler.pages import article, lines
    from crawler.pages.article import ArticlePage
    from crawler.pages.document import Document, decode_html

    portal = SyntheticPortal(pages, menu=menu)
    saved = []
    for path in portal.all_article_paths():
        _, headers, body = portal.respond(path)
        saved.append(("http://127.0.0.1" + path, body, headers))

    def ours(page: tuple[str, bytes, dict[str, str]]) -> Any:
        item = ArticlePage(Document.from_bytes(*page)).to_article()
        for pipeline in PIPELINES:
            item = pipeline.process_item(item)
        return item

    found: dict[str, tuple[Callable[[Any], Any], list[Any]]] = {"this project": (ours, saved)}
    if lines.COMPILED_WALK:  # the same work with the walk in Python, the alternative it twins
        def ours_in_python(page: tuple[str, bytes, dict[str, str]]) -> Any:
            article.page_lines = lines.python_page_lines
            try:
                return ours(page)
            finally:
                article.page_lines = lines.page_lines

        found["this project, walk in Python"] = (ours_in_python, saved)
    texts = [LabelledPage(url, body, decode_html(body)[0], "", None) for url, body, _ in saved]
    for name, factory in OTHERS:
        try:
            found[name] = (factory(), texts)
        except ImportError:
            continue
    return found


def stages(pages: int, menu: int = MENU) -> dict[str, tuple[Callable[[Any], Any], list[Any]]]:
    """This project's work per page cut after each stage, each from the bytes: the difference
    between two stages is what the later one costs."""
    from crawler.pages.article import ArticlePage
    from crawler.pages.document import Document
    from crawler.pages.lines import page_lines

    def lines(page: tuple[str, bytes, dict[str, str]]) -> Any:
        document = Document.from_bytes(*page)
        return page_lines(document.root, document.base_url)

    ours, saved = workloads(pages, menu)["this project"]
    return {
        "decode": (lambda page: Document.from_bytes(*page), saved),
        "+ parse": (lambda page: Document.from_bytes(*page).raw_root, saved),
        "+ drop scripts, styles, hidden": (lambda page: Document.from_bytes(*page).root, saved),
        "+ visual lines": (lines, saved),
        "+ fields": (lambda page: ArticlePage(Document.from_bytes(*page)).to_article(), saved),
        "+ pipelines": (ours, saved),
    }


# By default a last-level cache the size of one core's own L2 (1 MiB, 16-way): what the core
# keeps when other tenants' work fills the L3 it shares with them.
CACHE_KIB = 1024


def count(name: str, pages: int, menu: int = MENU, misses: bool = False,
          cache: int = CACHE_KIB) -> float | None:
    """Million instructions per page for extractor ``name`` or, with ``misses``, thousand
    misses per page of a simulated last-level cache of ``cache`` KiB (instructions and data);
    None without valgrind."""
    if shutil.which("valgrind") is None:
        return None
    caches = ["--cache-sim=yes", "--I1=32768,8,64", "--D1=32768,8,64",
              f"--LL={cache * 1024},16,64"]
    command = ["valgrind", "--tool=callgrind", "--toggle-collect=ffi_call",
               "--callgrind-out-file=/dev/null", *(caches if misses else []),
               sys.executable, "-m", "bench.instructions",
               "--child", name, "--pages", str(pages), "--menu", str(menu)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    match = _COLLECTED_RE.search(done.stderr)
    if done.returncode or not match or not int(match.group(1)):
        raise RuntimeError(f"valgrind counted nothing for {name}: {done.stderr[-500:]}")
    if misses:  # events Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw: the last three
        return sum(map(int, match.group(0).split()[-3:])) / pages / 1e3
    return int(match.group(1)) / pages / 1e6


def counts(pages: int, cut: bool = False, menu: int = MENU, misses: bool = False,
           cache: int = CACHE_KIB) -> dict[str, float]:
    """``count`` for every installed extractor, or with ``cut`` for this project's stages."""
    names = list(stages(1) if cut else workloads(1))
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:  # counts, not timings
        values = list(pool.map(lambda name: count(name, pages, menu, misses, cache), names))
    return {name: value for name, value in zip(names, values, strict=True) if value is not None}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.instructions", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=30)
    parser.add_argument("--menu", type=int, default=MENU,
                        help="drop-down menu entries per channel on each synthetic page "
                        f"(default {MENU}: 150 links of the page's 177)")
    parser.add_argument("--stages", action="store_true",
                        help="count this project's stages (decode, parse, ...) instead")
    parser.add_argument("--misses", action="store_true",
                        help="count misses of a simulated last-level cache instead")
    parser.add_argument("--cache", type=int, default=CACHE_KIB, metavar="KIB",
                        help=f"that cache's size in KiB (default {CACHE_KIB}, one core's L2)")
    parser.add_argument("--child", help=argparse.SUPPRESS)  # run one extractor, under valgrind
    args = parser.parse_args(argv)
    if args.child:
        function, inputs = {**workloads(2 * args.pages, args.menu),
                              **stages(2 * args.pages, args.menu)}[args.child]
        for item in inputs[:args.pages]:  # warm-up on other pages of the site: imports and
            function(item)  # first-call costs stay out of the count, caches are as in a crawl
        failed: list[BaseException] = []

        def measured() -> None:  # an exception would stop at the C boundary: pass it on
            try:
                for item in inputs[args.pages:]:
                    function(item)
            except BaseException as error:  # re-raised below
                failed.append(error)

        with crawl_collector():
            ctypes.CFUNCTYPE(None)(measured)()  # the measured pass, inside ffi_call
        if failed:
            raise failed[0]
        return 0
    found = counts(args.pages, cut=args.stages, menu=args.menu, misses=args.misses,
                   cache=args.cache)
    if not found:
        print("valgrind is not installed: nothing counted", file=sys.stderr)
        return 1
    unit = f"K misses of a {args.cache} KiB last-level cache" if args.misses \
        else "M instructions"
    if args.stages:
        print(f"| stage | {unit} per page | the stage alone |\n|---|---|---|")
        before = 0.0
        for name, value in found.items():
            print(f"| {name} | {value:.1f} | {value - before:.1f} |")
            before = value
        return 0
    for name, value in found.items():
        print(f"{name}: {value:.1f} {unit} per page "
              f"({value / found['this project']:.1f}x this project)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
