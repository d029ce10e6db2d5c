"""List pages as real portals write them: pager scripts, series, and what is not a page."""

from __future__ import annotations

import pytest

from conftest import html_page
from crawler.pages.kinds import PageKind
from crawler.pages.pagers import (
    api_list,
    api_page,
    jpage,
    script_pager,
    series_number,
    strip_js_comments,
)

LIST_URL = "http://www.a.gov.cn/zwgk/index.html"


def names(urls: list[str]) -> list[str]:
    return [url.rsplit("/", 1)[1] for url in urls]


@pytest.mark.parametrize(("script", "expected", "form"), [
    ('createPageHTML(3, 0, "index", "html");', ["index.html", "index_1.html", "index_2.html"],
     "literal"),
    ('var currentPage = 0;//所在页从0开始\nvar countPage = 3//共多少页\n'
     '//createPageHTML(9, 0, "index", "html");\n'
     'createPageHTML(countPage, currentPage, "index", "html");',
     ["index.html", "index_1.html", "index_2.html"], "variables"),
    ("createPageHTML('page_div', 3, 1, 'fg', 'shtml', 89);",
     ["fg.shtml", "fg_2.shtml", "fg_3.shtml"], "one-based"),
    ('createPageHTML("3", "0");', ["index.html", "index_1.html", "index_2.html"],
     "two-arguments"),
    ('var countPage="3";var currentPage=0;for(var i=0;i<countPage;i++){document.write(i);}',
     ["index.html", "index_1.html", "index_2.html"], "count-variable"),
    ('countPage = 2; /* createPageHTML(40, 0, "index", "html"); */',
     ["index.html", "index_1.html"], "count-variable"),
    # n-path: the count in a cookie, the series named by purl; _1 and _2 numbering both asked
    ('$.cookie("maxPageNum", "2", {path: "/"}); var purl = "/zwgk/list";',
     ["list.html", "list_1.html", "list_2.html"], "count-variable"),
])
def test_pager_scripts_name_every_page(script: str, expected: list[str], form: str) -> None:
    pager = script_pager(script, LIST_URL)
    assert pager is not None and (names(pager.urls), pager.form) == (expected, form)


def test_comments_go_but_strings_stay() -> None:
    assert strip_js_comments("a = 'x//y'; // z\n/* w */b") == "a = 'x//y'; \nb"
    assert script_pager('var url = "http://a.cn/"; // countPage = 9', LIST_URL) is None


@pytest.mark.parametrize(("page", "link", "number"), [
    ("fg.shtml", "fg_3.shtml", 3),
    ("common_list.html", "common_list_2.html", 2),
    ("list_yw_2.html", "list_yw_3.html", 3),
    ("index_958.html", "index_958_2.html", 2),
    ("index.html", "t20230728_12345.html", None),
    ("index.html", "index_2.shtml", None),  # another extension: another series
])
def test_page_series_of_any_name(page: str, link: str, number: int | None) -> None:
    base = "http://www.a.gov.cn/zwgk/"
    assert series_number(base + page, base + link) == number


ITEMS = "".join(f'<li><a href="t2023072{i}_{i}.html">质量监督抽查结果通报第{i}期</a>'
                f"<span>2023-07-2{i}</span></li>" for i in range(1, 7))


def test_a_withdrawn_entry_does_not_make_a_list_a_deleted_article() -> None:
    page = html_page(f"<html><head><title>通知公告</title></head><body><ul>{ITEMS}"
                     "<li>该信息已删除</li></ul></body></html>", url=LIST_URL)
    assert page.kind is PageKind.LIST


def test_the_breadcrumb_home_link_is_not_a_page_of_the_list() -> None:
    # A list at the site's root: the home page is in the list's folder.
    page = html_page('<html><body><div>当前位置：<a href="/index.html">首页</a> &gt; 要闻</div>'
                     f'<ul>{ITEMS}</ul><a href="list_1.html">下一页</a></body></html>',
                     url="http://www.a.gov.cn/list.html")
    assert names(page.listing.pages) == ["list_1.html"]


def test_a_node_list_page_is_not_an_article_split_in_pages() -> None:
    body = "<p>" + "质量监督工作有序推进，各项任务按计划完成。" * 30 + "</p>"
    page = html_page(f"<html><head><title>质量动态</title></head><body><h1>质量动态</h1>"
                     f'{body}<a href="node_12_2.htm">2</a> <a href="node_12_3.htm">3</a>'
                     "</body></html>", url="http://www.a.gov.cn/zl/node_12.htm")
    assert page.article.split_pages == []


def test_a_hidden_pager_still_names_the_pages_but_hidden_text_is_no_body() -> None:
    page = html_page(f"<html><body><ul>{ITEMS}</ul><button>加载更多</button>"
                     '<div class="pages" style="display: none"><a href="index_1.html">下一页</a>'
                     '<span>隐藏的分页说明文字，不是正文。</span></div></body></html>', url=LIST_URL)
    assert page.kind is PageKind.LIST
    assert names(page.listing.pages) == ["index_1.html"]
    assert page.listing.next_page and page.listing.next_page.endswith("/zwgk/index_1.html")
    assert not any("隐藏" in line.text for line in page.article.lines)


def test_links_only_in_script_handlers_are_followed() -> None:
    page = html_page(
        f"<html><body><ul>{ITEMS}</ul><div class='page'>"
        "<a href=\"javascript:void(0)\" title=\"下一页\" "
        "onclick=\"queryArticleByCondition(this,'/zwgk/list-2.shtml')\"><img src='n.gif'></a>"
        "<a href='#' onclick=\"isDownLoad(this,'/files/2023/通知.pdf')\">附件</a>"
        "</div></body></html>", url=LIST_URL)
    assert page.listing.next_page == "http://www.a.gov.cn/zwgk/list-2.shtml"
    assert any(url.endswith(".pdf") for url, _ in page.listing.links)


def test_a_pager_that_names_no_page_is_reported() -> None:
    page = html_page(f"<html><body><ul>{ITEMS}</ul><div>共35页 "
                     "<a href=\"javascript:goPage('2','35')\">下一页</a></div></body></html>",
                     url=LIST_URL)
    assert page.listing.pages == [] and page.listing.unfollowed_pager == "共35页"


def test_a_portal_s_sibling_hosts_are_crawled_by_default() -> None:
    from crawler.spiders.portal import PortalSpider

    spider = PortalSpider(start_urls="http://ginfo.example.gov.cn/xxgk/index.html")
    assert spider.allowed_domains == ["example.gov.cn"]
    assert spider._allowed_host("http://www.example.gov.cn/art/2023/7/28/art_1_1.html")
    assert not spider._allowed_host("http://www.example2.gov.cn/")
    assert not spider._allowed_host("http://www.gov.cn/")


def test_card_links_keep_their_headline_and_date_and_make_a_list() -> None:
    cards = "".join(
        f'<a href="/xw/2023/t2023072{i}_{i}.html" class="card"><div><h3>质量强市建设推进会第{i}次'
        f"会议召开</h3><p>会议总结了上半年质量工作，部署下一阶段重点任务，要求各部门加强协作，"
        f"确保各项措施落地见效。</p><span>2023-07-2{i}</span></div></a>" for i in range(1, 7))
    page = html_page(f"<html><head><title>工作动态</title></head><body><div class='list'>"
                     f"{cards}</div></body></html>", url=LIST_URL)
    assert page.kind is PageKind.LIST
    assert [(item.title, item.date) for item in page.listing.articles][:2] == [
        ("质量强市建设推进会第1次会议召开", "2023-07-21"),
        ("质量强市建设推进会第2次会议召开", "2023-07-22")]
    assert len(page.listing.articles) == 6


def test_json_list_apis_behind_script_only_column_pages() -> None:
    unit = api_list('<div class="list" queryData="{&#39;webId&#39;:&#39;29e9&#39;,&#39;pageId&#39;'
                    ':&#39;bf39&#39;,&#39;tplSetId&#39;:&#39;5c30&#39;,&#39;tagId&#39;:&#39;内容区域'
                    '&#39;}"></div>', "", "https://www.a.gov.cn/zw/zh/index.html")
    assert unit is not None and unit.kind == "jpaas-unitbuild"
    assert unit.url(3).startswith("https://www.a.gov.cn/api-gateway/jpaas-publish-server/front/"
                                  "page/build/unit?parseType=bulidstatic&webId=29e9&pageId=bf39")
    assert "%22pageNo%22%3A3%2C" in unit.url(3)
    gkml = api_list("", "window._CONFIG = {SID: '200165', TREE: []};",
                    "http://www.lw.gov.cn/gzlwwglt/gkmlpt/index")
    assert gkml is not None and gkml.url(2) == \
        "http://www.lw.gov.cn/gzlwwglt/gkmlpt/api/all/0?page=2&sid=200165"
    quoted = api_list("", 'window._CONFIG = {"SID": "755041"}', "http://a.gov.cn/gkmlpt/index")
    assert quoted is not None and quoted.url(1).endswith("/gkmlpt/api/all/0?page=1&sid=755041")
    assert api_list("<p>SID: 5</p>", "var SID = 5", LIST_URL) is None  # not a gkmlpt page


def test_a_json_answer_is_read_as_json_and_a_wrong_one_is_refused() -> None:
    items, total = api_page("jpaas-unitbuild", '{"success": true, "data": {"html": "<ul><li>'
                            '<a href=\\"/a/art_1.html\\">甲</a></li></ul><div count=\\"31\\">'
                            '</div>"}}'.encode(), LIST_URL)
    assert len(items) == 1 and total == 31
    assert api_page("jpaas-unitbuild", b'{"success": true, "data": {"html": ""}}', LIST_URL) \
        == ([], None)
    for body in (b"<html>login</html>", b'{"success": false, "data": null}', b"[1, 2]",
                 b"{\"articles\": 3}"):
        with pytest.raises(ValueError):
            api_page("jpaas-unitbuild" if b"success" in body else "gkmlpt-api", body, LIST_URL)
    from scrapy.http import HtmlResponse
    from scrapy.utils.test import get_crawler

    from crawler.spiders.portal import PortalSpider

    spider = PortalSpider.from_crawler(get_crawler(PortalSpider), start_urls=LIST_URL)
    body = '{"articles": [{"url": "/c/post_1.html", "title": "质量工作稳步推进"}]}'.encode()
    for url in ("http://www.a.gov.cn/gkmlpt/api/all/0?page=1&sid=2", LIST_URL):
        # JSON mislabelled as a page is never read as one (its links would be garbage)
        response = HtmlResponse(url, body=b"  \n" + body, headers={"Content-Type": "text/html"})
        assert spider._page(response) is None
    assert spider.crawler.stats.get_value("pages/not_html") == 2


def test_a_jpage_without_a_total_follows_its_nextgroup_links() -> None:
    store = ("<datastore><nextgroup><![CDATA[{}]]></nextgroup><recordset><record><![CDATA["
             "<li><a href='/art/1.html'>甲</a></li>]]></record></recordset></datastore>")
    chained = jpage(store.format("<a href='/module/jpage/dataproxy.jsp?page=1&amp;col=1'></a>"),
                    LIST_URL)
    assert chained is not None and chained.total == 0
    assert chained.nextgroup == "http://www.a.gov.cn/module/jpage/dataproxy.jsp?page=1&col=1"
    assert jpage(store.format(""), LIST_URL) is None  # an empty link is the last group


def test_list_api_requests_survive_a_cluster_queue() -> None:
    from scrapy.utils.request import request_from_dict
    from scrapy.utils.test import get_crawler

    from crawler.cluster.queue import dumps, loads
    from crawler.pages.pagers import ApiList, Jpage
    from crawler.spiders.portal import PortalSpider

    spider = PortalSpider.from_crawler(get_crawler(PortalSpider), start_urls="http://a.gov.cn/")
    api = ApiList("gkmlpt-api", "http://a.gov.cn/gkmlpt/api/all/0?page={page}&sid=1", 1)
    chain = Jpage("http://a.gov.cn/module/web/jpage/dataproxy.jsp", {"col": "1"}, 15, 3, 0,
                  "http://a.gov.cn/module/web/jpage/dataproxy.jsp?page=1&col=1")
    for sent in (next(spider._api_request(api, 1, "w", "c", "http://a.gov.cn/gkmlpt/index")),
                 next(spider._jpage_get(chain, chain.nextgroup, "w", "c", LIST_URL))):
        back = request_from_dict(loads(dumps(sent.to_dict(spider=spider))), spider=spider)
        assert (back.url, back.callback, back.meta) == (sent.url, sent.callback, sent.meta)
    assert Jpage(**back.meta["jpage"]) == chain
