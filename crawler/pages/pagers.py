"""List pagers drawn by scripts, and page series: what a list page says about its other pages.

TRS WCM and its kin draw the pager with a script call such as
``createPageHTML(countPage, currentPage, "index", "html")``; the count may be a literal or a
variable assigned earlier (``var countPage = 17//共多少页``), and a commented-out stale call
may stand beside the live one. The script is read without its comments.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from html import escape, unescape
from posixpath import dirname
from typing import NamedTuple
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit

from crawler.pages.markers import PAGE_COUNT_VARIABLES, PAGER_FUNCTIONS

MAX_SCRIPT_PAGES = 2000  # a pager script claiming more pages than this is not believed

_CALL_RE = re.compile(rf"\b(?:{'|'.join(PAGER_FUNCTIONS)})\s*\(([^()]*)\)")
_ASSIGN_RE = re.compile(
    r"\b(?:var\s+|let\s+|const\s+)?([A-Za-z_$][\w$]*)\s*=\s*(['\"]?)(\d+)\2\s*[;,\n/]")
# n-path sites set the count as a cookie: $.cookie("maxPageNum", "12"), "maxPageNum=12".
_COUNT_COOKIE_RE = re.compile(r"""\b(maxPageNum)['"]?\s*[,=:]\s*['"]?(\d+)""")
# The list's own URL or name stem, where a script names it (n-path's ``var purl = "..."``).
_PURL_RE = re.compile(r"""\bpurl\s*=\s*['"]([^'"\s]+)['"]""")
_NAME_RE = re.compile(r"^[\w.-]+$")
_STEM_RE = re.compile(r"^(?P<stem>.+)\.(?P<ext>s?html?|jsp|php|aspx?)$", re.I)


class ScriptPager(NamedTuple):
    urls: list[str]  #: every page of the list, first page first
    form: str  #: which form of pager script drew it (``literal``, ``variables``, ...)


# A string (kept whole) or a comment (dropped), whichever starts first.
_JS_TOKEN_RE = re.compile(r"""("(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*')|//[^\n]*|/\*.*?(?:\*/|$)""",
                          re.S)


def strip_js_comments(source: str) -> str:
    """JavaScript without its ``//`` and ``/* */`` comments; strings are left whole.

    >>> strip_js_comments('var a = "http://x.cn/";//createPageHTML(9, 0)\\nb = 2;/* c */')
    'var a = "http://x.cn/";\\nb = 2;'
    """
    return _JS_TOKEN_RE.sub(lambda match: match.group(1) or "", source)


def _arguments(text: str) -> list[str]:
    return [part.strip().strip("'\"") for part in text.split(",")]


@lru_cache(maxsize=16)  # a page's article and list readings both ask
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
    if count is None and (cookie := _COUNT_COOKIE_RE.search(code)):
        count = int(cookie.group(2))
    if count is not None:  # drawn by a loop over the count, with no call to read
        match = _STEM_RE.match(urlsplit(page_url).path.rsplit("/", 1)[-1])
        ext = match.group("ext") if match else "html"
        stem, base, pages = "index", page_url, count
        if purl := _PURL_RE.search(code):  # the list named by the script: its stem and place
            base = urljoin(page_url, purl.group(1))
            name = urlsplit(base).path.rsplit("/", 1)[-1]
            named = _STEM_RE.match(name)
            stem, ext = (named.group("stem"), named.group("ext")) if named else (name, ext)
            if not _NAME_RE.match(stem or "-/"):
                return None
            pages = count + 1  # numbered from _1 or from _2: ask for both ends
        return ScriptPager(_series(base, stem, ext, pages, 1), "count-variable")
    return None


def _series(page_url: str, prefix: str, ext: str, count: int, first: int) -> list[str]:
    folder = urljoin(page_url, f"{prefix}.{ext}").rpartition("/")[0] + "/"  # one join
    count = min(count, MAX_SCRIPT_PAGES)
    return [f"{folder}{prefix}.{ext}"] + [f"{folder}{prefix}_{n}.{ext}"
                                          for n in range(first, count + first - 1)]


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


# --- Hanweb (大汉) jpage: list items in a <datastore>, further groups from dataproxy.jsp ---

_RECORD_RE = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S)
_NEXTGROUP_RE = re.compile(r"<nextgroup>\s*<!\[CDATA\[(?:(?!\]\]>).)*?href=['\"]?([^'\" >]+)",
                           re.S)
_JPAGE_RE = re.compile(r"\.jpage\s*\(\s*\{(.*?)\}\s*\)", re.S)
_JPAGE_KEY_RE = re.compile(r"(\w+)\s*:\s*(['\"]?)([^,'\"}\n]*)\2")


class Jpage(NamedTuple):
    """A Hanweb jpage list: its proxy and the column's parameters. Its further records come
    in groups posted for (``total`` known), or by GET from each answer's ``nextgroup`` link
    (``total`` 0: older proxies answer ``page=N`` with the group and a link to the next)."""

    proxy: str  #: absolute URL of dataproxy.jsp
    params: dict[str, str]  #: the column's parameters (columnid, unitid, webid, ...)
    per_page: int
    group_size: int  #: pages a proxy answer holds
    total: int  #: records in the list, 0 when the page does not say
    nextgroup: str = ""  #: absolute URL of the ``nextgroup`` link, "" when none

    @property
    def groups(self) -> int:
        """How many groups the list's records make (the page shows the first)."""
        return -(-self.total // (self.per_page * self.group_size))

    def group(self, number: int) -> tuple[str, dict[str, str]] | None:
        """The URL and form of group ``number`` (0 is the one the page shows), None past the
        last: a POST of ``startrecord``, ``endrecord``, ``perpage`` and the column."""
        size = self.per_page * self.group_size
        start = number * size + 1
        if number < 1 or start > self.total:
            return None
        query = f"startrecord={start}&endrecord={min(start + size - 1, self.total)}" \
                f"&perpage={self.per_page}"
        return f"{self.proxy}{'&' if '?' in self.proxy else '?'}{query}", dict(self.params)


def nextgroup(text: str, page_url: str) -> str | None:
    """The absolute URL a ``<datastore>``'s ``nextgroup`` link names, None when none."""
    found = _NEXTGROUP_RE.search(text)
    return urljoin(page_url, unescape(found.group(1))) if found else None


def records_html(records: list[str]) -> bytes:
    """Datastore records as one page of list items, for the list page to read."""
    return ("<html><body><ul>" + "".join(records) + "</ul></body></html>").encode()


def datastore_records(text: str) -> list[str]:
    """The HTML of each ``<record>`` of a jpage ``<datastore>`` (a page's script, or the
    proxy's answer).

    >>> datastore_records("<datastore><recordset><record><![CDATA[<li>甲</li>]]></record>"
    ...                   "</recordset></datastore>")
    ['<li>甲</li>']
    """
    return _RECORD_RE.findall(text) if "<datastore" in text else []


def jpage(source: str, page_url: str) -> Jpage | None:
    """The jpage list a page's scripts set up, or None.

    >>> j = jpage("<datastore><nextgroup><![CDATA[<a href='/module/web/jpage/dataproxy.jsp?"
    ...           "page=1&webid=1&columnid=7474&unitid=12'></a>]]></nextgroup></datastore>"
    ...           "$('#12').jpage({perPage: 15, totalRecord: 100, groupSize: 3});",
    ...           "http://a.gov.cn/col/col7474/index.html")
    >>> j.group(1)
    ('http://a.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=46&endrecord=90&perpage=15', \
{'webid': '1', 'columnid': '7474', 'unitid': '12'})
    """
    config = _JPAGE_RE.search(source)
    if "<datastore" not in source:
        return None
    keys = {key: value for key, _, value in _JPAGE_KEY_RE.findall(config.group(1))} \
        if config else {}
    params: dict[str, str] = {}
    proxy = keys.get("proxyUrl") or "/module/web/jpage/dataproxy.jsp"
    link = nextgroup(source, page_url)
    if link:
        target = urlsplit(link)
        proxy = target.path or proxy
        params = {name: value for name, value in parse_qsl(target.query) if name != "page"}
    for key in ("columnid", "unitid", "webid", "col", "appid", "path", "webname",
                "permissiontype", "sourceContentType"):
        if key in keys and key not in params:
            params[key] = keys[key]

    def number(key: str, default: int) -> int:
        value = keys.get(key, "")
        return int(value) if value.isdigit() else default

    total = number("totalRecord", 0)
    if not total and not link:
        return None
    return Jpage(urljoin(page_url, proxy), params, number("perPage", 15),
                 number("groupSize", 3), total, link or "")


# --- JSON list APIs behind script-only column pages ---------------------------------------

UNITBUILD_PATH = "/api-gateway/jpaas-publish-server/front/page/build/unit"
UNITBUILD_PAGE_SIZE = 15
_QUERY_DATA_RE = re.compile(r"""\bquerydata\s*=\s*(["'])(.*?)\1""", re.I | re.S)
_QUERY_PAIR_RE = re.compile(r"""['"](\w+)['"]\s*:\s*['"]([^'"]*)['"]""")
_SID_RE = re.compile(r"""\bSID['"]?\s*[:=]\s*['"]?(\d+)""")
_GKMLPT_RE = re.compile(r"^(?P<root>.*?/gkmlpt)(?:/|$)")
_UNITBUILD_KEYS = ("webId", "pageId", "tplSetId", "pageType", "tagId", "editType")


class ApiList(NamedTuple):
    """A list whose pages come as JSON from an API the column page's scripts call."""

    kind: str  #: the mechanism's stats name: ``jpaas-unitbuild`` or ``gkmlpt-api``
    template: str  #: the URL of a page, with ``{page}`` for its number
    first: int  #: the number of the list's first page

    def url(self, number: int) -> str:
        return self.template.replace("{page}", str(number))


def api_list(html: str, script: str, page_url: str) -> ApiList | None:
    """The JSON list API a column page's scripts fill the list from, or None:

    - Hanweb JPaaS ``unitbuild``: an element's ``queryData`` names the column
      (``webId``, ``pageId``, ``tplSetId``, ``tagId``); pages are
      ``/api-gateway/jpaas-publish-server/front/page/build/unit?...&paramJson={"pageNo":N,
      "pageSize":15}``, the list's HTML in the answer's ``data.html``;
    - Guangdong's information-disclosure catalogue (``/gkmlpt/``, ``SID`` in its
      ``window._CONFIG``): ``/gkmlpt/api/all/0?page=N&sid=S``, every column at once.

    >>> from urllib.parse import unquote
    >>> unit = api_list('<div queryData="{\\'webId\\':\\'2f\\',\\'pageId\\':\\'7\\'}">', "",
    ...                 "https://a.gov.cn/zw/index.html")
    >>> unquote(unit.url(2)).split("?")[1]
    'parseType=bulidstatic&webId=2f&pageId=7&pageType=column&paramJson={"pageNo":2,"pageSize":15}'
    >>> api_list("", "window._CONFIG = {SID: '662021'}", "http://b.gov.cn/yj/gkmlpt/index").url(1)
    'http://b.gov.cn/yj/gkmlpt/api/all/0?page=1&sid=662021'
    """
    if "querydata" in html[:200_000].lower() and (found := _QUERY_DATA_RE.search(html)):
        pairs = dict(_QUERY_PAIR_RE.findall(unescape(found.group(2))))
        if pairs.get("webId") and pairs.get("pageId"):
            query = {"parseType": "bulidstatic",  # sic: the API's own spelling
                     **{key: pairs[key] for key in _UNITBUILD_KEYS if key in pairs}}
            query.setdefault("pageType", "column")
            paging = quote(f'{{"pageNo":PAGE,"pageSize":{UNITBUILD_PAGE_SIZE}}}', safe="")
            url = urljoin(page_url, UNITBUILD_PATH) + "?" + urlencode(query) + "&paramJson=" \
                + paging.replace("PAGE", "{page}")
            return ApiList("jpaas-unitbuild", url, 1)
    gkmlpt = _GKMLPT_RE.match(urlsplit(page_url).path)
    if gkmlpt and (sid := _SID_RE.search(script)):
        root = urljoin(page_url, gkmlpt.group("root") + "/")
        return ApiList("gkmlpt-api", f"{root}api/all/0?page={{page}}&sid={sid.group(1)}", 1)
    return None


def api_page(kind: str, body: bytes, page_url: str) -> tuple[list[str], int | None]:
    """One page of an ``ApiList``'s answers: its entries as list-item HTML (for the list page
    to read as its own), and the list's total when the answer states it. A body that is not
    the JSON the API answers with raises ``ValueError``.

    >>> items, total = api_page("gkmlpt-api", b'{"total": 2, "articles": [{"url": "/c/p_1.html",'
    ...     b' "title": "A&B", "created_at": "2023-07-28 10:00:00"}]}', "http://a.cn/gkmlpt/")
    >>> items[0], total
    ('<li><a href="http://a.cn/c/p_1.html">A&amp;B</a> <span>2023-07-28 10:00:00</span></li>', 2)
    """
    data = json.loads(body)  # ValueError (JSONDecodeError, UnicodeDecodeError) if not JSON
    if not isinstance(data, dict):
        raise ValueError("the answer is not a JSON object")
    if kind == "jpaas-unitbuild":
        html = (data.get("data") or {}).get("html") if isinstance(data.get("data"), dict) else None
        if not isinstance(html, str):
            raise ValueError("no data.html in the answer")
        count = re.search(r"""\bcount\s*=\s*['"]?(\d+)""", html)
        return ([html] if _RECORD_LINK_RE.search(html) else []), \
            int(count.group(1)) if count else None
    articles = data.get("articles")
    if not isinstance(articles, list):
        raise ValueError("no articles in the answer")
    items = []
    for article in articles:
        url = isinstance(article, dict) and (article.get("url") or article.get("post_url"))
        if isinstance(url, str) and url:
            when = article.get("created_at") or article.get("publish_time") or ""
            items.append(f'<li><a href="{escape(urljoin(page_url, url))}">'
                         f'{escape(str(article.get("title") or ""))}</a> '
                         f"<span>{escape(str(when))}</span></li>")
    total = data.get("total")
    if not isinstance(total, int):
        total = (data.get("classify") or {}).get("post_count") \
            if isinstance(data.get("classify"), dict) else None
    return items, total if isinstance(total, int) else None


_RECORD_LINK_RE = re.compile(r"<a\s[^>]*href", re.I)
