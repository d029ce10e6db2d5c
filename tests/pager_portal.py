"""A portal whose channels page their lists the ways real Chinese CMSs do, its articles
reachable only through those lists. Markup after the sites' own pager scripts."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, parse_qsl

from portal_server import LocalServer

PER_PAGE = 10


def _trs_variables(pages: int, page: int, first: str, ext: str) -> str:
    # A stale call commented out beside the live variables (seen on TRS sites).
    return (f"<script>var currentPage = {page};//所在页从0开始\n"
            f"var prevPage = currentPage-1//上一页\nvar countPage = {pages}//共多少页\n"
            f'//createPageHTML({pages + 7}, 0, "index", "{ext}");\n'
            f'createPageHTML(countPage, currentPage, "index", "{ext}");</script>')


def _count_loop(pages: int, page: int, first: str, ext: str) -> str:
    # No call: a document.write loop over the count draws the links.
    return (f'<script type="text/javascript">var countPage="{pages}";var currentPage={page};'
            "for(var i=0;i<countPage;i++){if(i==currentPage){document.write(i+1);}"
            'else if(i==0){document.write("<a href=index.' + ext + '>1</a>");}'
            'else{document.write("<a href=index_"+i+".' + ext + '>"+(i+1)+"</a>");}}</script>')


def _one_based(pages: int, page: int, first: str, ext: str) -> str:
    return f"<script>createPageHTML('page_div', {pages}, {page + 1}, '{first}', '{ext}', 89);</script>"


def _two_arguments(pages: int, page: int, first: str, ext: str) -> str:
    return f'<script language="JavaScript">createPageHTML("{pages}", "{page}");</script>'


def _numbered_series(pages: int, page: int, first: str, ext: str) -> str:
    # Numbered links only (no 下一页), a series named after the channel: list_yw_2.html.
    names = [f"{first}.{ext}"] + [f"{first}_{n}.{ext}" for n in range(2, pages + 1)]
    return "<div class='page'>" + " ".join(
        str(n + 1) if n == page else f'<a href="{name}">{n + 1}</a>'
        for n, name in enumerate(names)) + "</div>"


#: channel -> (first page's name, extension, 1-based numbering of later pages, pager)
CHANNELS = {
    "trsvar": ("index", "html", False, _trs_variables),
    "loop": ("index", "shtml", False, _count_loop),
    "fg": ("fg", "shtml", True, _one_based),
    "two": ("index", "html", False, _two_arguments),
    "yw": ("list_yw", "html", True, _numbered_series),
}
MECHANISMS = {"trsvar": "script-variables", "loop": "script-count-variable",
              "fg": "script-one-based", "two": "script-two-arguments", "yw": "numbered-links",
              "col": "hanweb-jpage", "aspx": "aspnet-postback", "unit": "jpaas-unitbuild",
              "gkml": "gkmlpt-api", "jget": "hanweb-jpage", "npath": "script-count-variable"}
# Channels served by the JSON and proxy handlers below (not by a pager function).
SCRIPTED = ("col", "aspx", "unit", "gkml", "jget", "npath")
UNIT_PAGE = '<div id="list" class="list" queryData="{&#39;webId&#39;:&#39;2f9c&#39;,' \
    "&#39;pageId&#39;:&#39;1487002&#39;,&#39;tplSetId&#39;:&#39;quSyq&#39;,&#39;pageType&#39;:" \
    "&#39;column&#39;,&#39;tagId&#39;:&#39;分页列表&#39;,&#39;editType&#39;:&#39;null&#39;}\">" \
    '</div><script src="/script/unitbuild.js"></script>'
GKML_PAGE = ("<div id='app'></div><script>window._CONFIG = {SID: '662021', TREE: [{id: 721, "
             "name: '通知公告'}]};</script><script src='/gkmlpt/gkml/pc/js/app.js'></script>")
JPAGE_PER_PAGE, JPAGE_GROUP = 5, 3  # a proxy answer holds 15 records


class PagerPortal(LocalServer):
    """``grow(n)`` publishes ``n`` new articles in every channel; ``articles()`` lists all."""

    def __init__(self, per_channel: int = 35) -> None:
        super().__init__()
        self.count = dict.fromkeys([*CHANNELS, *SCRIPTED], 0)
        self.grow(per_channel)

    def grow(self, n: int) -> None:
        for channel in self.count:
            self.count[channel] += n

    def articles(self) -> set[str]:
        return {f"{self.origin}/{c}/art/t{i}.html" for c in self.count
                for i in range(1, self.count[c] + 1)}

    def respond(self, path: str) -> tuple[int, dict[str, str], bytes]:
        channel, _, name = path.strip("/").partition("/")
        body = None
        if path == "/":
            body = self._page("首页", " ".join(
                f'<a href="/{c}/{CHANNELS[c][0]}.{CHANNELS[c][1]}">栏目{c}</a>' for c in CHANNELS)
                + ' <a href="/col/col7474/index.html">栏目col</a>'
                + ' <a href="/aspx/List.aspx">栏目aspx</a> <a href="/unit/index.html">栏目unit</a>'
                + ' <a href="/gkml/gkmlpt/index">栏目gkml</a> <a href="/jget/col/col9/index.html">'
                  '栏目jget</a> <a href="/npath/xxgk/list.html">栏目npath</a>')
        elif channel in self.count and name.startswith("art/t"):
            number = name.removeprefix("art/t").removesuffix(".html")
            if number.isdigit() and 1 <= int(number) <= self.count[channel]:
                body = self._article(channel, int(number))
        elif path == "/col/col7474/index.html":
            body = self._jpage_list()
        elif path == "/aspx/List.aspx":
            body = self._aspx_list(0)
        elif path == "/unit/index.html":
            body = self._page("栏目unit", UNIT_PAGE)
        elif path.startswith("/api-gateway/jpaas-publish-server/front/page/build/unit?"):
            return self._unit_api(path.partition("?")[2])
        elif path == "/gkml/gkmlpt/index":
            body = self._page("栏目gkml", GKML_PAGE)
        elif path.startswith("/gkml/gkmlpt/api/all/0?"):
            return self._gkml_api(path.partition("?")[2])
        elif path == "/jget/col/col9/index.html" or path.startswith("/jget/dataproxy.jsp?"):
            body = self._jget(path)
        elif channel == "npath" and name.startswith("xxgk/list"):
            body = self._npath(name.removeprefix("xxgk/"))
        elif channel in CHANNELS:
            body = self._list(channel, name)
        if body is None:
            return 404, {"Content-Type": "text/html"}, b"<html>not found</html>"
        return 200, {"Content-Type": "text/html; charset=utf-8"}, body.encode()

    def _records(self, start: int, end: int) -> str:
        """Hanweb's datastore of records ``start``..``end`` (1-based, newest first)."""
        newest = self.count["col"]
        return "".join(
            f'<record><![CDATA[\n<li><a href="/col/art/t{i}.html" target="_blank">col栏目第{i}号：'
            f"质量工作稳步推进</a><span>2023-{1 + i % 12:02d}-{1 + i % 28:02d}</span></li>\n]]>"
            "</record>" for i in range(newest - start + 1, max(0, newest - end), -1))

    def _jpage_list(self) -> str:
        size = JPAGE_PER_PAGE * JPAGE_GROUP
        script = (
            '<div id="4405843"><script type="text/xml"><datastore><nextgroup><![CDATA[<a href='
            '"/module/web/jpage/dataproxy.jsp?page=1&webid=1&path=http://www.a.gov.cn/&columnid='
            '7474&unitid=4405843&webname=%E5%B8%82%E6%94%BF%E5%BA%9C&permissiontype=0"></a>]]>'
            f"</nextgroup><recordset>{self._records(1, size)}</recordset></datastore></script>"
            '<script language="javascript" src="/module/jslib/jquery/jpage/jquery.page.min.js">'
            "</script><script>$(document).ready(function(){$('#4405843').jpage({dataStore: "
            f"dataStore, perPage: {JPAGE_PER_PAGE}, groupSize: {JPAGE_GROUP}, totalRecord: "
            f"{self.count['col']}, proxyUrl: '/module/web/jpage/dataproxy.jsp', barPosition: "
            "'bottom'});});</script></div>")
        return self._page("栏目col", script)

    def _items(self, channel: str, page: int, per_page: int = PER_PAGE) -> str:
        """List items of page ``page`` (0-based) of a channel, newest first."""
        newest = self.count[channel] - page * per_page
        return "".join(f'<li><a href="/{channel}/art/t{i}.html">{channel}栏目第{i}号：质量工作稳步'
                       f"推进</a><span>2023-{1 + i % 12:02d}-{1 + i % 28:02d}</span></li>"
                       for i in range(newest, max(0, newest - per_page), -1))

    def _unit_api(self, query: str) -> tuple[int, dict[str, str], bytes]:
        """Hanweb JPaaS's unit builder: the list's HTML in ``data.html``, as JSON."""
        sent = {key: values[0] for key, values in parse_qs(query).items()}
        paging = json.loads(sent.get("paramJson", "{}"))
        if sent.get("webId") != "2f9c" or sent.get("pageId") != "1487002" \
                or sent.get("tagId") != "分页列表" or not isinstance(paging.get("pageNo"), int):
            return 200, {"Content-Type": "application/json"}, b'{"success":false,"data":null}'
        size = paging.get("pageSize", 15)
        html = (f"<ul class='page-content'>{self._items('unit', paging['pageNo'] - 1, size)}"
                f"</ul><div class='pagination' count='{self.count['unit']}'></div>")
        body = json.dumps({"success": True, "data": {"html": html}}, ensure_ascii=False)
        return 200, {"Content-Type": "application/json;charset=UTF-8"}, body.encode()

    def _gkml_api(self, query: str) -> tuple[int, dict[str, str], bytes]:
        """Guangdong's gkmlpt catalogue API: 20 articles a page, page 1 first."""
        sent = {key: values[0] for key, values in parse_qs(query).items()}
        page = int(sent["page"]) if sent.get("page", "").isdigit() else 0
        if sent.get("sid") != "662021" or page < 1:
            return 404, {"Content-Type": "text/html"}, b"<html>not found</html>"
        newest = self.count["gkml"] - (page - 1) * 20
        articles = [{"id": i, "title": f"gkml栏目第{i}号：质量工作稳步推进",
                     "url": f"{self.origin}/gkml/art/t{i}.html",
                     "created_at": f"2023-{1 + i % 12:02d}-{1 + i % 28:02d} 10:00:00"}
                    for i in range(newest, max(0, newest - 20), -1)]
        body = json.dumps({"total": self.count["gkml"], "articles": articles,
                           "classify": {"post_count": self.count["gkml"]}}, ensure_ascii=False)
        return 200, {"Content-Type": "application/json"}, body.encode()

    def _jget(self, path: str) -> str | None:
        """An older Hanweb jpage: no totalRecord; each group (5 records) names the next by
        a ``nextgroup`` link the proxy answers by GET."""
        group = int(path.rpartition("page=")[2]) if "page=" in path else 0
        newest = self.count["jget"] - group * 5
        if newest <= 0 and group:
            return "<datastore><nextgroup><![CDATA[]]></nextgroup><recordset></recordset></datastore>"
        records = "".join(
            f'<record><![CDATA[<li><a href="/jget/art/t{i}.html">jget栏目第{i}号：质量工作稳步推进'
            f"</a><span>2023-{1 + i % 12:02d}-{1 + i % 28:02d}</span></li>]]></record>"
            for i in range(newest, max(0, newest - 5), -1))
        after = f"<a href='/jget/dataproxy.jsp?col=1&amp;columnid=9&amp;page={group + 1}'></a>" \
            if newest > 5 else ""
        store = f"<datastore><nextgroup><![CDATA[{after}]]></nextgroup><recordset>{records}" \
                "</recordset></datastore>"
        if group:
            return store
        return self._page("栏目jget", f'<div id="9"><script type="text/xml">{store}</script></div>')

    def _npath(self, name: str) -> str | None:
        """An n-path list: the page count in a ``maxPageNum`` cookie, the series' stem in
        ``purl``, the pager drawn by script (list.html, list_2.html, ...)."""
        pages = max(1, -(-self.count["npath"] // PER_PAGE))
        stem = name.removesuffix(".html")
        page = 0 if stem == "list" else int(stem[5:]) - 1 if stem[5:].isdigit() else -1
        if not 0 <= page < pages or stem == "list_1":
            return None
        script = (f'<script>$.cookie("maxPageNum", "{pages}", {{path: "/"}});var purl = '
                  '"/npath/xxgk/list";var curPage = 1;</script>')
        return self._page("栏目npath", f"<ul>{self._items('npath', page)}</ul>{script}")

    def _aspx_list(self, page: int) -> str | None:
        """An ASP.NET list: 下一页 posts the form back with __EVENTARGUMENT = the page."""
        pages = max(1, -(-self.count["aspx"] // PER_PAGE))
        if not 0 <= page < pages:
            return None
        newest = self.count["aspx"] - page * PER_PAGE
        items = "".join(f'<li><a href="art/t{i}.html">aspx栏目第{i}号：质量工作稳步推进</a>'
                        f"<span>2023-{1 + i % 12:02d}-{1 + i % 28:02d}</span></li>"
                        for i in range(newest, max(0, newest - PER_PAGE), -1))
        pager = (f'<a href="javascript:__doPostBack(&#39;ctl00$Main$Pager&#39;,&#39;{page + 2}'
                 '&#39;)">下一页</a>' if page + 1 < pages else "")
        return self._page("栏目aspx", '<form name="aspnetForm" method="post" action="./List.aspx"'
                          ' id="aspnetForm"><input type="hidden" name="__EVENTTARGET" value="">'
                          '<input type="hidden" name="__EVENTARGUMENT" value="">'
                          f'<input type="hidden" name="__VIEWSTATE" value="/wEPDw{page}Ux">'
                          f"<ul>{items}</ul><div class='pager'>{pager}</div></form>")

    def respond_post(self, path: str, form: bytes) -> tuple[int, dict[str, str], bytes]:
        if path == "/aspx/List.aspx":
            sent = dict(parse_qsl(form.decode()))
            argument = sent.get("__EVENTARGUMENT", "")
            body = self._aspx_list(int(argument) - 1) if sent.get("__VIEWSTATE") and \
                sent.get("__EVENTTARGET") == "ctl00$Main$Pager" and argument.isdigit() else None
            if body is None:
                return 500, {"Content-Type": "text/html"}, b"<html>Server Error</html>"
            return 200, {"Content-Type": "text/html; charset=utf-8"}, body.encode()
        base, _, query = path.partition("?")
        fields = dict(pair.partition("=")[::2] for pair in query.split("&"))
        sent = dict(pair.partition("=")[::2] for pair in form.decode().split("&"))
        if base != "/module/web/jpage/dataproxy.jsp" or sent.get("columnid") != "7474" \
                or not fields.get("startrecord", "").isdigit():
            return 404, {"Content-Type": "text/html"}, b"<html>not found</html>"
        start, end = int(fields["startrecord"]), int(fields["endrecord"])
        body = (f"<datastore><nextgroup><![CDATA[]]></nextgroup><recordset>"
                f"{self._records(start, end)}</recordset></datastore>")
        return 200, {"Content-Type": "text/xml;charset=UTF-8"}, body.encode()

    def _page(self, title: str, main: str) -> str:
        return (f'<html><head><meta charset="utf-8"><title>{title}_质量网</title></head>'
                f'<body><div class="nav"><a href="/">首页</a></div>{main}</body></html>')

    def _list(self, channel: str, name: str) -> str | None:
        first, ext, one_based, pager = CHANNELS[channel]
        pages = max(1, -(-self.count[channel] // PER_PAGE))
        stem, _, suffix = name.rpartition(".")
        if suffix != ext:
            return None
        if stem == first:
            page = 0
        elif stem.startswith(f"{first}_") and stem[len(first) + 1:].isdigit():
            page = int(stem[len(first) + 1:]) - (1 if one_based else 0)
            if page < 1:
                return None
        else:
            return None
        if page >= pages:
            return None
        newest = self.count[channel] - page * PER_PAGE
        items = "".join(f'<li><a href="art/t{i}.html">{channel}栏目第{i}号：质量工作稳步推进</a>'
                        f"<span>2023-{1 + i % 12:02d}-{1 + i % 28:02d}</span></li>"
                        for i in range(newest, max(0, newest - PER_PAGE), -1))
        return self._page(f"栏目{channel}", f"<ul>{items}</ul>"
                          + pager(pages, page, first, ext))

    def _article(self, channel: str, i: int) -> str:
        title = f"{channel}栏目第{i}号：质量工作稳步推进"
        body = "".join(f"<p>　　第{n}段：质量监督工作有序推进，各项任务按计划完成，成效明显。</p>"
                       for n in (1, 2, 3))
        return self._page(title, f"<h1>{title}</h1><div>发布时间：2023-{1 + i % 12:02d}-"
                                 f"{1 + i % 28:02d} 09:00　来源：质量网</div>"
                                 f"<div class='TRS_Editor'>{body}</div>")
