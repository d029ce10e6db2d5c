"""This project's extraction on two or more Python interpreters, side by side on one machine.

    python -m bench.interpreters PYTHON PYTHON... [--pages 1300] [--chunk 40] [--out FILE]

Each PYTHON (the ``python`` of a virtualenv with this project installed) runs the extraction
and pipelines in a worker process of its own, over the same synthetic article pages. The
workers take turns, one chunk of pages each, the order reversed every other chunk, so that a
burst of load on a shared machine falls on both. Reports each interpreter's CPU time per page
(best and median chunk) and the median of the chunks' ratios to the first interpreter.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WARM_UP = 100  # pages each worker extracts before the measured chunks


def worker(pages: int) -> None:
    """Extract the chunks the parent names on standard input (``start stop`` per line); print
    each chunk's CPU milliseconds per page."""
    from bench.instructions import workloads

    function, inputs = workloads(pages)["this project"]
    for page in inputs[:WARM_UP]:
        function(page)
    print(describe(), flush=True)
    for line in sys.stdin:
        start, stop = map(int, line.split())
        began = time.process_time()
        for page in inputs[start:stop]:
            function(page)
        print((time.process_time() - began) / (stop - start) * 1000, flush=True)


def describe() -> str:
    """The interpreter: version, executable, and whether libpython is a shared library
    (position-independent code, calls through the PLT) or linked into the executable; and
    which visual-lines walk runs."""
    import platform

    maps = Path("/proc/self/maps")
    shared = "libpython" in maps.read_text() if maps.exists() else None
    linked = {True: "shared libpython", False: "libpython linked in", None: "?"}[shared]
    from crawler.pages.lines import COMPILED_WALK

    walk = "compiled" if COMPILED_WALK else "in Python (not built)"
    return (f"Python {platform.python_version()} ({linked}), {Path(sys.executable).resolve()}, "
            f"visual-lines walk {walk}")


def compare(pythons: list[str], pages: int, chunk: int) -> str:
    workers = [subprocess.Popen([python, "-m", "bench.interpreters", "--worker", str(pages)],
                                cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                text=True) for python in pythons]
    pipes = []
    for process in workers:
        assert process.stdin is not None and process.stdout is not None
        pipes.append((process.stdin, process.stdout))
    names = [reply.readline().strip() for _, reply in pipes]
    times: list[list[float]] = [[] for _ in workers]
    for n, start in enumerate(range(WARM_UP, pages - chunk + 1, chunk)):
        for i in range(len(workers)) if n % 2 else reversed(range(len(workers))):
            ask, reply = pipes[i]
            ask.write(f"{start} {start + chunk}\n")
            ask.flush()
            times[i].append(float(reply.readline()))
    for process in workers:
        process.communicate(timeout=60)  # closes its standard input: the worker ends
    lines = ["| interpreter | venv python | best ms/page | best pages/s | median ms/page "
             "| time vs the first (median, quartiles) |", "|---|---|---|---|---|---|"]
    for python, name, spent in zip(pythons, names, times, strict=True):
        ratios = [mine / first for mine, first in zip(spent, times[0], strict=True)]
        low, _, high = statistics.quantiles(ratios, n=4)
        lines.append(f"| {name} | `{python}` | {min(spent):.2f} | {1000 / min(spent):.0f} | "
                     f"{statistics.median(spent):.2f} | {statistics.median(ratios):.2f}x "
                     f"({low:.2f}-{high:.2f}) |")
    lines += ["", f"{len(times[0])} chunks of {chunk} synthetic article pages each (bytes to "
              "cleaned record), the interpreters taking turns; CPU time."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.interpreters", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pythons", nargs="*", help="interpreters (virtualenv pythons)")
    parser.add_argument("--pages", type=int, default=1300)
    parser.add_argument("--chunk", type=int, default=40)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker)
        return 0
    if len(args.pythons) < 2:
        parser.error("name two interpreters or more")
    text = compare(args.pythons, args.pages, args.chunk)
    print(text)
    if args.out:
        command = "python -m bench.interpreters " + " ".join(
            argv if argv is not None else sys.argv[1:])
        args.out.write_text(f"{text}\n\nCommand: `{command}`\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
