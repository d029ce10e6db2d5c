"""The compiled walk (crawler/pages/_walk.pyx) against the walk in Python it twins, and the
C extensions' fallbacks."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bench.synthetic import SyntheticPortal
from crawler.pages import lines
from crawler.pages.document import Document, decode_gbk

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def read(walk: Any, document: Document, raw: bool) -> tuple[list[Any], list[Any]]:
    """Everything a walk gives: each line, and each block's run of lines (blocks by their
    path in the tree)."""
    root = document.raw_root if raw else document.root
    path = root.getroottree().getpath
    spans: dict[Any, tuple[int, int]] = {}
    found = walk(root, document.base_url, spans)
    return ([(line.text, line.link_chars, path(line.block), list(line.images),
              [(a.url, a.text, a.title, a.after) for a in line.anchors]) for line in found],
            sorted((path(block), span) for block, span in spans.items()))


def assert_same_lines(url: str, body: bytes, headers: dict[str, str] | None = None) -> None:
    for raw in (False, True):  # raw: comments, scripts and hidden elements still in the tree
        document = Document.from_bytes(url, body, headers)
        python = read(lines.python_page_lines, document, raw)
        compiled = read(lines.page_lines, document, raw)
        assert compiled == python, (url, raw, body[:300])


def test_the_c_extensions_are_built() -> None:
    # pip builds them from setup.py; without a C compiler the install gives the Python walk
    # and Python's GB18030 codec.
    hint = "not built: `pip install -e .` with a C compiler and Python's headers (make compiler)"
    assert lines.COMPILED_WALK, f"crawler/pages/_walk.pyx {hint}"
    assert decode_gbk is not None, f"crawler/pages/_gbk.pyx {hint}"


def test_without_the_c_extensions_python_does_the_same_work() -> None:
    code = ("import sys\n"
            "sys.modules['crawler.pages._walk'] = sys.modules['crawler.pages._gbk'] = None\n"
            "from crawler.pages import lines\n"
            "assert not lines.COMPILED_WALK and lines.page_lines is lines.python_page_lines\n"
            "from crawler.pages.document import Document, decode_gbk\n"
            "assert decode_gbk is None\n"
            "page = Document.from_bytes('http://a.cn/t.html', "
            "'<html><body><h1>标题</h1><p>正文<br>第二行</p></body></html>'.encode('gbk'))\n"
            "print([line.text for line in lines.page_lines(page.root, page.base_url)])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=FIXTURES.parent)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['标题', '正文', '第二行']"


def test_the_compiled_walk_runs_whichever_module_is_imported_first() -> None:
    code = ("import crawler.pages._walk as walk\n"
            "from crawler.pages import lines\n"
            "assert lines.COMPILED_WALK and lines.page_lines is walk.page_lines")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=FIXTURES.parent)
    assert done.returncode == 0, done.stderr


def test_the_walks_agree_past_the_bound_of_the_resolved_links() -> None:
    # The compiled walk keeps a site's resolved links in a bounded dict, emptied when full.
    links = "".join(f'<li><a href="/zjyw/{i}.html">第{i}条</a></li>' for i in range(5000))
    assert_same_lines("http://a.cn/", f"<html><body><ul>{links}</ul></body></html>".encode())


@pytest.mark.parametrize("case", sorted(path.parent.name for path in FIXTURES.glob("*/*/body.html")))
def test_the_walks_agree_on_each_fixture_page(case: str) -> None:
    body = next(FIXTURES.glob(f"*/{case}/body.html")).read_bytes()
    assert_same_lines(f"http://www.qsportal.test/{case}/index.html", body)


def test_the_walks_agree_on_the_synthetic_portal() -> None:
    portal = SyntheticPortal(40)
    paths = list(portal.all_article_paths())
    assert paths
    for path in paths:
        _, headers, body = portal.respond(path)
        assert_same_lines("http://127.0.0.1" + path, body, headers)


# The pieces of the random pages below: what the walk treats apart (blocks, links, breaks,
# images) and what it must not lose or invent (blank, full-width and odd whitespace, empty
# elements, comments, processing instructions, prefixed tags, entities).
TAGS = ["div", "p", "li", "ul", "td", "tr", "table", "h1", "section", "span", "b", "em", "font",
        "o:p", "a", "a", "a", "br", "img"]
TEXTS = ["", " ", "\n  ", "质量", "\u3000\u3000正文第一段。", "\xa0", "\x1c", "a  b", "（2023-07-28）",
         "&nbsp;", "&amp;", "\t\n", "责任编辑：王五"]
HREFS = ["/zlxs/", "t2.html", "../a/b.html?x=1#y", " http://b.cn/x ", "http://[x", "javascript:;",
         "", "mailto:a@b.cn", "./", "//c.cn/p"]


def random_html(rng: random.Random, depth: int = 0) -> str:
    out = [rng.choice(TEXTS)]
    for _ in range(rng.randint(0, 4 if depth < 5 else 0)):
        tag = rng.choice(TAGS)
        if tag == "br":
            out.append("<br>")
        elif tag == "img":
            src = rng.choice(["/i/1.jpg", "data:x", "", "p.png"])
            out.append(f'<img src="{src}" alt="{rng.choice(TEXTS)}">' if src else
                       '<img data-src="/i/2.jpg">')
        else:
            attributes = ""
            if tag == "a" and rng.random() < 0.8:
                attributes = f' href="{rng.choice(HREFS)}"'
                if rng.random() < 0.3:
                    attributes += f' title="{rng.choice(TEXTS)}"'
            inner = rng.choice(TEXTS) if tag == "a" and rng.random() < 0.5 else \
                random_html(rng, depth + 1)
            out.append(f"<{tag}{attributes}>{inner}</{tag}>")
        if rng.random() < 0.1:
            out.append(rng.choice(["<!-- 注释 -->", "<?php echo 1 ?>", "<script>var a;</script>",
                                   '<div style="display:none">隐藏</div>']))
        out.append(rng.choice(TEXTS))
    return "".join(out)


@pytest.mark.parametrize("seed", range(8))
def test_the_walks_agree_on_random_pages(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(60):
        body = f"<html><body>{random_html(rng)}</body></html>".encode()
        assert_same_lines(rng.choice(["http://a.cn/zjyw/t1.html", "https://c.gov.cn/",
                                      "ftp://x/y"]), body)
