"""List pagers drawn by scripts, and page series: what a list page says about its other pages.

TRS WCM and its kin draw the pager with a script call such as
``createPageHTML(countPage, currentPage, "index", "html")``; the count may be a literal or a
variable assigned earlier (``var countPage = 17//共多少页``), and a commented-out stale call
may stand beside the live one. The script is read without its comments.
"""

from __future__ import annotations

import re
from posixpath import dirname
from typing import NamedTuple
from urllib.parse import urljoin, urlsplit

from crawler.pages.markers import PAGE_COUNT_VARIABLES, PAGER_FUNCTIONS

MAX_SCRIPT_PAGES = 2000  # a pager script claiming more pages than this is not believed

_CALL_RE = re.compile(rf"\b(?:{'|'.join(PAGER_FUNCTIONS)})\s*\(([^()]*)\)")
_ASSIGN_RE = re.compile(
    r"\b(?:var\s+|let\s+|const\s+)?([A-Za-z_$][\w$]*)\s*=\s*(['\"]?)(\d+)\2\s*[;,\n/]")
_NAME_RE = re.compile(r"^[\w.-]+$")
_STEM_RE = re.compile(r"^(?P<stem>.+)\.(?P<ext>s?html?|jsp|php|aspx?)$", re.I)


class ScriptPager(NamedTuple):
    urls: list[str]  #: every page of the list, first page first
    form: str  #: which form of pager script drew it (``literal``, ``variables``, ...)


def strip_js_comments(source: str) -> str:
    """JavaScript without its ``//`` and ``/* */`` comments; strings are left whole.

    >>> strip_js_comments('var a = "http://x.cn/";//createPageHTML(9, 0)\\nb = 2;/* c */')
    'var a = "http://x.cn/";\\nb = 2;'
    """
    out: list[str] = []
    i, quote = 0, ""
    while i < len(source):
        char = source[i]
        if quote:
            out.append(char)
            if char == "\\" and i + 1 < len(source):
                out.append(source[i + 1])
                i += 1
            elif char == quote or char == "\n":
                quote = ""
        elif char in "'\"":
            quote = char
            out.append(char)
        elif source.startswith("//", i):
            end = source.find("\n", i)
            i = len(source) if end < 0 else end
            continue
        elif source.startswith("/*", i):
            end = source.find("*/", i + 2)
            i = len(source) if end < 0 else end + 2
            continue
        else:
            out.append(char)
        i += 1
    return "".join(out)


def _arguments(text: str) -> list[str]:
    return [part.strip().strip("'\"") for part in text.split(",")]


def script_pager(source: str, page_url: str) -> ScriptPager | None:
    """The pages a pager script names, or None.

    Forms (``count`` pages in all):
    - ``createPageHTML(count, current, "index", "html")``: ``index.html``, ``index_1.html``
      ... ``index_<count-1>.html`` (0-based); ``count`` and ``current`` may be variables;
    - ``createPageHTML("page_div", count, current, "fg", "shtml", total)``: ``fg.shtml``,
      ``fg_2.shtml`` ... ``fg_<count>.shtml`` (1-based: there is no ``fg_1``);
    - ``createPageHTML(count, current)``: ``index_N.html`` as the first form;
    - no call, but a ``countPage`` variable (a ``document.write`` loop draws the pager):
      ``index_N`` with the page's own extension.

    >>> [u.rsplit("/", 1)[1] for u in script_pager(
    ...     'var countPage = 3//共多少页\\ncreatePageHTML(countPage, 0, "index", "html");',
    ...     "http://a.cn/zw/index.html").urls]
    ['index.html', 'index_1.html', 'index_2.html']
    """
    code = strip_js_comments(source)
    values = {name: int(number) for name, _, number in _ASSIGN_RE.findall(code)}

    def number(argument: str) -> int | None:
        if argument.isdigit():
            return int(argument)
        return values.get(argument)

    for call in _CALL_RE.finditer(code):
        args = _arguments(call.group(1))
        if len(args) >= 5 and not args[0].isdigit() and args[0] not in values:
            count, prefix, ext, first = number(args[1]), args[3], args[4], 2  # div id first
            form = "one-based"
        elif len(args) >= 4:
            count, prefix, ext, first = number(args[0]), args[2], args[3], 1
            form = "variables" if not args[0].isdigit() else "literal"
        elif len(args) == 2:
            count, prefix, ext, first = number(args[0]), "index", "html", 1
            form = "two-arguments"
        else:
            continue
        if count is not None and _NAME_RE.match(prefix) and _NAME_RE.match(ext):
            return ScriptPager(_series(page_url, prefix, ext, count, first), form)
    count = next((values[name] for name in PAGE_COUNT_VARIABLES if name in values), None)
    if count is not None:  # drawn by a loop over the count, with no call to read
        match = _STEM_RE.match(urlsplit(page_url).path.rsplit("/", 1)[-1])
        ext = match.group("ext") if match else "html"
        return ScriptPager(_series(page_url, "index", ext, count, 1), "count-variable")
    return None


def _series(page_url: str, prefix: str, ext: str, count: int, first: int) -> list[str]:
    count = min(count, MAX_SCRIPT_PAGES)
    names = [f"{prefix}.{ext}"] + [f"{prefix}_{n}.{ext}" for n in range(first, count + first - 1)]
    return [urljoin(page_url, name) for name in names]


def series_number(page_url: str, link: str) -> int | None:
    """The number of ``link`` in the page series ``page_url`` belongs to, whatever the
    series' name (``fg_2.shtml`` beside ``fg.shtml``, ``index_958_3.html`` beside
    ``index_958_2.html``); 0 for the series' first page, None when ``link`` is not in it.

    >>> series_number("http://a.cn/zw/fg.shtml", "http://a.cn/zw/fg_2.shtml")
    2
    >>> series_number("http://a.cn/zw/list_yw_2.html", "http://a.cn/zw/list_yw.html")
    0
    >>> series_number("http://a.cn/zw/index.html", "http://a.cn/zw/t20230728_12345.html")
    """
    own, other = urlsplit(page_url), urlsplit(link)
    if own.netloc != other.netloc or dirname(own.path) != dirname(other.path):
        return None
    mine = _STEM_RE.match(own.path.rsplit("/", 1)[-1])
    theirs = _STEM_RE.match(other.path.rsplit("/", 1)[-1])
    if not mine or not theirs or mine.group("ext").lower() != theirs.group("ext").lower():
        return None
    stem, target = mine.group("stem"), theirs.group("stem")
    # This page is the series' first (``fg``) or a later one (``fg_3``): its name either way.
    # A later page's series name first: beside list_yw_2, list_yw_3 is page 3 of list_yw.
    names = [*([stem.rpartition("_")[0]] if re.search(r"_\d+$", stem) else []), stem]
    for name in names:
        if target == name:
            return 0
        rest = target.removeprefix(name + "_")
        if rest != target and rest.isdigit():
            return int(rest)
    return None
