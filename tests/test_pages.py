"""Extraction on single pages: the seed article, encodings, templates no rule knows, lists."""

from __future__ import annotations

import pytest
from lxml import etree

from conftest import PORTAL, html_page, saved_page
from crawler.pages.document import Document
from crawler.pages.generic import inside, line_points
from crawler.pages.kinds import PageKind
from crawler.pages.lines import Line, page_lines
from crawler.pages.templates import template_body
from crawler.pipelines import DateNormalizationPipeline, ParagraphDedupPipeline
from synthetic_portal import SyntheticPortal

SEED = "zlxs-seed-article-body-twice"


def test_seed_article_is_one_clean_record() -> None:
    page = saved_page(SEED)
    assert page.kind is PageKind.ARTICLE
    record = DateNormalizationPipeline().process_item(
        ParagraphDedupPipeline().process_item(page.article.to_article()))
    assert record.title == "大力推进质量兴市工作 促进经济又好又快发展"
    assert len(record.paragraphs) == 5  # the body is printed twice on the page
    assert record.paragraphs[0].startswith("8月22日,国家质检总局党组书记李传卿")
    assert record.published_at == "2007-08-23T10:12:00+08:00"  # the header, not "8月22日"
    assert record.published_at_raw == "2007-08-23 10:12"
    assert (record.source, record.editor, record.channel) == ("国家质检总局", "王明", "质量兴市")
    assert record.images == [{"url": "http://www.qsportal.test/images/2007/0823/wuxi.jpg",
                              "caption": "李传卿在无锡质量立市动员大会上讲话"}]
    assert [(r["url"].rsplit("/", 1)[1], r["date"]) for r in record.related] == [
        ("show.php?id=305", "2023-07-28"), ("show.php?id=306", "2023-07-28"),
        ("content_1801.htm", "2018-03-27"), ("content_1802.htm", "2018-03-27"),
        ("content_1803.htm", "2018-03-27")]
    # The list shows a cut title; the link's title attribute has the whole one.
    assert record.related[0]["title"].endswith("在质量强国、质量强省建设中勇当排头兵")
    assert not any("(" in r["title"] and "2023" in r["title"] for r in record.related)
    assert all("打印" not in p and "分享" not in p and "责任编辑" not in p
               for p in record.paragraphs)


def test_related_link_without_full_title_keeps_the_cut_title_visible() -> None:
    page = html_page("""<html><head><title>标题一二三四五_栏目_网站</title></head><body>
      <h1>标题一二三四五</h1><div>发布日期：2023-07-28</div>
      <div><p>这是正文的第一段，内容足够长，用来构成文章的主体部分，包含标点符号。</p>
      <p>这是正文的第二段，同样足够长，继续讲述文章的内容，包含更多的标点符号。</p>
      <p>这是正文的第三段，再讲一些，让这一块成为页面上文字最密集的区域。</p></div>
      <div><b>相关链接：</b><ul>
        <li><a href="/xw/t1.html">被截断的相关新闻标题…</a>（2023-07-27）</li>
        <li><a href="javascript:void(0)">不是链接</a></li>
        <li><a href="/xw/t2.html">第二条</a> 2023/7/26</li>
      </ul></div></body></html>""")
    assert page.article.related == [
        {"url": "http://www.example.gov.cn/xw/t1.html", "title": "被截断的相关新闻标题…",
         "date": "2023-07-27"},
        {"url": "http://www.example.gov.cn/xw/t2.html", "title": "第二条", "date": "2023-07-26"},
    ]
    assert page.article.to_article().published_at == "2023-07-28"


@pytest.mark.parametrize(("name", "title"), [
    ("dfdt-table-gb2312-article", "广东省委常委、广州市委书记、市长郭永航为市长质量奖获奖企业颁奖 "
                                  "在质量强国、质量强省建设中勇当排头兵"),
    ("dfdt-table-gbk-no-charset", "四川成都市开展第二届“走进企业看质量”活动"),
    ("dfdt-table-gbk-wrong-header-charset", "浙江省开展食品生产加工小作坊专项检查"),
    ("zjyw-trs-gbk-article", "质检总局部署开展产品质量和食品安全专项整治行动"),
])
def test_gbk_pages_decode_whatever_they_declare(name: str, title: str) -> None:
    page = saved_page(name)
    assert page.document.encoding == "gb18030"
    assert page.article.title == title
    assert "\ufffd" not in " ".join(page.article.body.paragraphs)


def test_utf8_page_declaring_gb2312_is_parsed_from_its_bytes_as_utf8() -> None:
    # The parser reads a strictly valid UTF-8 body as it came: the declarations must not win.
    body = ("<html><head><meta http-equiv='Content-Type' content='text/html; charset=gb2312'>"
            "<title>质量新闻</title></head><body><p>质量工作稳步推进。</p></body></html>").encode()
    document = Document.from_bytes("http://www.example.gov.cn/a.html", body,
                                   {"Content-Type": "text/html; charset=gbk"})
    assert (document.encoding, document.utf8) == ("utf-8", body)
    assert document.title_tag == "质量新闻"
    assert "".join(document.root.itertext()) == "质量工作稳步推进。"


def test_text_changed_after_decoding_is_what_the_parser_reads() -> None:
    body = "<p>质量\u200b工作</p>\x00".encode()
    document = Document.from_bytes("http://www.example.gov.cn/a.html", body)
    assert document.utf8 is None
    assert "".join(document.root.itertext()) == "质量 工作"


def test_gb18030_only_characters_survive() -> None:
    paragraphs = saved_page("zjyw-trs-article-gb18030-chars").article.body.paragraphs
    assert paragraphs[-1] == "参加会议的还有喆、镕等同志。"


def test_generic_layer_reads_an_unseen_br_template() -> None:
    page = html_page("""<html><head><title>某市开展计量器具专项检查 - 某某市场监管局</title></head>
    <body><div id="nav"><a href="/">首页</a> <a href="/xw/">新闻</a> <span>2026年11月27日</span></div>
    <table><tr><td><font size="4"><b>某市开展计量器具专项检查</b></font></td></tr>
    <tr><td>时间：2023年7月28日 09:30　来源：某市市场监管局　作者：张三</td></tr>
    <tr><td>　　7月27日，某市市场监管局对全市集贸市场的计量器具开展专项检查，共检查电子秤三百余台。<br>
    　　检查中发现部分电子秤未按规定申请检定，执法人员当场责令整改，并对经营者进行了宣传教育。<br>
    　　下一步，该局将持续加强计量监管，维护公平交易秩序。<br>
    （责任编辑：李四）</td></tr></table>
    <div class="side"><a href="/xw/t1.html">另一条新闻的标题在这里</a> 2023-07-01</div>
    </body></html>""", encoding="gbk")
    record = page.article.to_article()
    assert page.kind is PageKind.ARTICLE
    assert record.title == "某市开展计量器具专项检查"
    assert record.published_at == "2023-07-28T09:30:00+08:00"
    assert (record.source, record.author, record.editor) == ("某市市场监管局", "张三", "李四")
    assert [p[:6] for p in record.paragraphs] == ["7月27日，", "检查中发现部", "下一步，该局"]
    assert record.extracted_by["paragraphs"] == "generic"


def test_metadata_layer_fills_what_the_page_does_not_show() -> None:
    page = html_page("""<html><head><title>质量月活动启动_新闻</title>
    <meta property="article:published_time" content="2023-09-01T08:00:00+08:00">
    <meta name="ContentSource" content="国家市场监管总局"></head><body>
    <h1>质量月活动启动</h1>
    <div class="c"><p>九月是全国质量月，今年的质量月活动以质量强国为主题，在全国范围内同步启动。</p>
    <p>各地将围绕质量提升开展形式多样的活动，推动全社会关注质量、重视质量。</p></div>
    </body></html>""")
    record = page.article.to_article()
    assert record.published_at == "2023-09-01T08:00:00+08:00"
    assert record.source == "国家市场监管总局"
    assert record.extracted_by["published_at"] == record.extracted_by["source"] == "metadata"


def test_split_article_links_its_pages_both_ways() -> None:
    first = saved_page("zjyw-two-page-article-p1").article
    second = saved_page("zjyw-two-page-article-p2").article
    assert first.split_pages == ["http://www.qsportal.test/zjyw/200709/t20070901_123460_1.htm"]
    assert first.first_page is None
    assert second.first_page == "http://www.qsportal.test/zjyw/200709/t20070901_123460.htm"


@pytest.mark.parametrize(("name", "pages", "next_page"), [
    ("zjyw-list-index", ["/zjyw/index_1.htm"], "/zjyw/index_1.htm"),  # createPageHTML script
    ("zlxs-list-node", ["/zlxs/node_12_2.htm"], "/zlxs/node_12_2.htm"),  # node_N_M + 下一页
    ("dfdt-list-page-1", ["/dfdt/list.html?page=2"], "/dfdt/list.html?page=2"),  # ?page=N
    ("tzgg-list", ["/tzgg/list_2.html"], "/tzgg/list_2.html"),  # list_N + 下页/尾页
    ("tzgg-list-2", ["/tzgg/list.html"], None),  # the last page
])
def test_list_pagination_styles(name: str, pages: list[str], next_page: str | None) -> None:
    page = saved_page(name)
    origin = "http://www.qsportal.test"
    assert page.kind is PageKind.LIST
    assert page.listing.pages == [origin + p for p in pages]
    assert page.listing.next_page == (origin + next_page if next_page else None)


def test_script_pager_lists_every_page() -> None:
    page = html_page("""<html><body><ul><li><a href="./t20230728_1.html">第一条新闻标题</a>
    2023-07-28</li></ul><script>createPageHTML(4, 2, "index", "shtml");</script></body></html>""",
                     url="http://www.a.gov.cn/xw/index_2.shtml")
    assert page.listing.pages == ["http://www.a.gov.cn/xw/index.shtml", "http://www.a.gov.cn/xw/index_1.shtml",
                                  "http://www.a.gov.cn/xw/index_3.shtml"]
    assert page.listing.next_page == "http://www.a.gov.cn/xw/index_3.shtml"


def test_list_links_carry_titles_and_dates() -> None:
    listing = saved_page("dfdt-list-page-1").listing
    assert [(a.url.rsplit("=", 1)[1], a.date) for a in listing.articles] == [
        ("306", "2023-07-28"), ("305", "2023-07-28")]
    assert listing.name is None or listing.name == "地方动态"


@pytest.mark.parametrize(("name", "kind"), [
    ("home", PageKind.LIST),
    ("about", PageKind.OTHER),
    ("tzgg-deleted-article", PageKind.DELETED),
    ("tzgg-notice-with-attachments", PageKind.ARTICLE),
    ("zlxs-list-node-2", PageKind.LIST),
])
def test_page_kind_from_evidence(name: str, kind: PageKind) -> None:
    assert saved_page(name).kind is kind


def test_attachments_are_recorded_not_paragraphs() -> None:
    article = saved_page("tzgg-notice-with-attachments").article
    assert [a["url"].rsplit("/", 1)[1] for a in article.body.attachments] == [
        "2008ccjh.pdf", "fbb.doc"]
    assert not any("附件" in p for p in article.body.paragraphs)


def test_print_view_names_its_canonical_page() -> None:
    article = saved_page("print-view-canonical").article
    assert article.canonical == "http://www.qsportal.test/zlxs/content_2002.htm"


@pytest.mark.parametrize("body", [
    b"", b"\x00\x01\x02\xff" * 1000, b"<html><body><div>" * 5000, b"<p>\xd6\xca\xc1\xbf",
    "<html><body><h1>标题</h1><p>&#xD800;&bogus; 文本".encode(),
])
def test_broken_pages_do_not_raise(body: bytes) -> None:
    page = html_page("")
    page = type(page).from_bytes("http://a.cn/x.html", body)
    assert page.kind in set(PageKind)
    page.article.to_article()


def test_script_drawn_article_pager_and_base_href() -> None:
    page = html_page("""<html><head><base href="http://www.a.gov.cn/xw/202307/">
    <title>一篇分两页的文章_新闻_网站</title></head><body>
    <h1>一篇分两页的文章</h1><p>发布时间：2023-07-28 10:00</p>
    <div class="TRS_Editor"><p>第一页的正文内容，足够长，包含标点符号，构成文章主体的第一部分。</p>
    <p>第一页的第二段内容，继续讲述，同样包含逗号和句号。</p></div>
    <script>createPageHTML(3, 0, "t20230728_99", "html");</script>
    <a href="t20230728_98.html">上一篇文章的标题</a></body></html>""",
                     url="http://www.a.gov.cn/xw/202307/t20230728_99.html")
    assert page.article.split_pages == ["http://www.a.gov.cn/xw/202307/t20230728_99_1.html",
                                        "http://www.a.gov.cn/xw/202307/t20230728_99_2.html"]
    assert "http://www.a.gov.cn/xw/202307/t20230728_98.html" in dict(page.listing.links)


def test_offsite_base_href_is_ignored() -> None:
    page = html_page("""<html><head><base href="http://evil.example/"></head><body>
    <a href="/xw/t1.html">新闻标题一二三</a></body></html>""")
    assert dict(page.listing.links) == {"http://www.example.gov.cn/xw/t1.html": "新闻标题一二三"}


def test_headline_from_a_title_block_when_title_tag_is_the_site_name() -> None:
    page = html_page("""<html><head><title>某某省质量技术监督局</title></head><body>
    <div class="nav"><a href="/">首页</a> <a href="/xw/">工作动态</a></div>
    <div class="art_title">全省开展电梯安全专项检查</div>
    <div class="art_info">2023-07-28</div>
    <div class="art_con"><p>为切实保障电梯运行安全，省局近日部署开展全省电梯安全专项检查。</p>
    <p>检查覆盖住宅小区、商场、医院等人员密集场所，共检查电梯一千余台。</p></div>
    <div class="foot">发布日期：2023-07-29 版权所有</div></body></html>""")
    record = page.article.to_article()
    assert record.title == "全省开展电梯安全专项检查"
    assert record.published_at == "2023-07-28"


def test_labelled_date_after_the_body_when_the_header_has_none() -> None:
    page = html_page("""<html><head><title>关于规范计量器具使用的通告_通知公告</title></head><body>
    <h2>关于规范计量器具使用的通告</h2>
    <div class="c"><p>为规范计量器具的使用，维护消费者合法权益，现将有关事项通告如下。</p>
    <p>一、经营者使用的计量器具应当依法检定，检定合格后方可使用。</p></div>
    <p>发布日期：2023年07月28日</p>
    <div class="side"><a href="/a.html">其他新闻的标题内容</a> 2023-08-01</div></body></html>""")
    assert page.article.to_article().published_at == "2023-07-28"


def _lines(body: str) -> list[Line]:
    document = Document.from_bytes("http://a.cn/zjyw/t1.html", f"<html><body>{body}</body></html>".encode())
    return page_lines(document.root, document.base_url)


def test_visual_lines_split_at_blocks_and_breaks_not_at_inline_elements() -> None:
    lines = _lines("<div>甲<span>乙</span> <b>丙<i>丁</i></b><p>戊</p>己<br>庚<table><tr><td>辛</td>"
                   "<td>壬</td></tr></table>癸</div>")
    assert [(line.text, line.block.tag) for line in lines] == [
        ("甲乙 丙丁", "div"), ("戊", "p"), ("己", "div"), ("庚", "div"), ("辛", "td"),
        ("壬", "td"), ("癸", "div")]


def test_visual_lines_read_links_with_their_text_title_and_what_follows() -> None:
    line, = _lines('<ul><li><a href="../t2.html" title=" 全 标题 ">短 标题</a> (2023-07-28)'
                   ' <a href="/zlxs/"><b>质量</b>兴市</a> 栏目</li></ul>')
    assert line.text == "短 标题 (2023-07-28) 质量兴市 栏目"
    assert [(a.url, a.text, a.title, a.after) for a in line.anchors] == [
        ("http://a.cn/t2.html", "短 标题", "全 标题", "(2023-07-28)"),
        ("http://a.cn/zlxs/", "质量兴市", "", "栏目")]
    assert line.link_chars == len("短 标题") + len("质量兴市")


@pytest.mark.parametrize("codec", ["utf-8", "gb18030", "utf-16"])
def test_nul_characters_are_dropped_and_zero_width_spaces_split_words(codec: str) -> None:
    body = "<html><body><p>质量\x00兴市\u200b工作</p></body></html>".encode(codec)
    document = Document.from_bytes("http://a.cn/zjyw/t1.html", body)
    assert [line.text for line in page_lines(document.root, document.base_url)] == ["质量兴市 工作"]


@pytest.mark.parametrize("codec", ["utf-8", "gb18030", "utf-16"])
def test_control_characters_go_and_a_hidden_element_before_one_costs_nothing(codec: str) -> None:
    # Pasted from office documents: \x08 and \x01 inside words, \x0b and \x1c between them.
    # lxml refuses such text, which the hidden element's removal hands it with its tail.
    body = ("<html><body><p>质量\x08兴市\x0b工作\x1c会议</p><div hidden>隐藏</div>"
            "尾\x01段</body></html>").encode(codec)
    document = Document.from_bytes("http://a.cn/zjyw/t1.html", body)
    assert [line.text for line in page_lines(document.root, document.base_url)] == [
        "质量兴市 工作 会议", "尾段"]


def test_a_block_of_one_link_reads_like_the_same_link_among_other_elements() -> None:
    # <li><a>text</a></li> has a short way through the walk; an empty <i> takes the long one.
    def read(lines: list[Line]) -> list[tuple[object, ...]]:
        return [(line.text, line.link_chars, [(a.url, a.text, a.title, a.after)
                                              for a in line.anchors]) for line in lines]

    link = '<a href="t2.html" title=" 全  标题 "> 短  标题 </a>'
    short = _lines(f"<ul><li> {link} </li><li><a href='/x'> </a></li></ul>")
    long = _lines(f"<ul><li> {link} <i></i></li><li><a href='/x'> </a><i></i></li></ul>")
    assert [line.block.tag for line in short] == ["li"]
    assert read(short) == [
        ("短 标题", len("短  标题"), [("http://a.cn/zjyw/t2.html", "短 标题", "全 标题", "")])]
    assert read(long) == read(short)


def test_the_same_hrefs_resolve_against_each_page_however_often_seen() -> None:
    # Links are resolved once per site, not once per page: the site and folder still count.
    body = ('<ul><li><a href="/zlxs/">质量兴市</a></li><li><a href="t2.html">下一篇</a></li></ul>'
            ' <p><a href=" http://b.cn/x.html ">外站</a></p>')

    def urls(url: str) -> list[str]:
        document = Document.from_bytes(url, f"<html><body>{body}</body></html>".encode())
        return [a.url for line in page_lines(document.root, document.base_url)
                for a in line.anchors]

    for _ in range(2):
        assert urls("http://a.cn/zjyw/t1.html") == [
            "http://a.cn/zlxs/", "http://a.cn/zjyw/t2.html", "http://b.cn/x.html"]
        assert urls("https://c.gov.cn/tzgg/2023/t1.html") == [
            "https://c.gov.cn/zlxs/", "https://c.gov.cn/tzgg/2023/t2.html", "http://b.cn/x.html"]


def test_visual_lines_keep_an_image_line_without_text() -> None:
    lines = _lines('<p><img src="/i/1.jpg" alt=" 会场 "></p><p>正文。<img src="data:x"></p>')
    assert [(line.text, list(line.images)) for line in lines] == [
        ("", [("http://a.cn/i/1.jpg", "会场")]), ("正文。", [])]


@pytest.mark.parametrize("kinds", ["，。；：！？、“”‘’《》", "，。", "。；"])
@pytest.mark.parametrize("marks", [0, 1, 9, 10, 11, 25])
def test_body_points_count_punctuation_marks_up_to_ten(marks: int, kinds: str) -> None:
    # Marks of every kind (or the commonest ones, counted first), at the start, between words
    # and at the end of the line.
    text = "".join(kinds[i % len(kinds)] + "质量监督" for i in range(marks)) + "抽查结果公布"
    line, = _lines(f"<p>{text}</p>")
    unpunctuated, = _lines(f"<p>{'质' * len(text)}</p>")
    assert line_points(line) - line_points(unpunctuated) == pytest.approx(min(marks, 10))


@pytest.mark.parametrize(("body", "expected"), [
    # A rule's class as one of several, the outermost of nested matches, in document order.
    ('<div class="x"><p>甲</p></div><div class="main  TRS_Editor\nclearfix" data-k="1">'
     '<div class="TRS_Editor" data-k="2"><p>乙</p></div></div>', ("trs-wcm", "1")),
    # A class that only contains a rule's name is not it; the rules' order decides.
    ('<div class="TRS_Editor2"></div><div id="zoom" data-k="3"></div>'
     '<div class="article-content" data-k="4"></div>', ("zoom", "3")),
    ('<div class="TRS_UEDITOR" data-k="5"></div><div class="TRS_Editor" data-k="6"></div>',
     ("trs-wcm", "6")),
    # Ids: the parser's index; a hidden element or one in a script is not on the page.
    ('<div id="UCAP-CONTENT" style="display: NONE"></div><noscript><td id="fontZoom"></td>'
     '</noscript><span id="Zoom" data-k="7"></span>', ("zoom", "7")),
    ('<p class="pages_content x" data-k="8">甲</p><p id="UCAP-CONTENT">乙</p>', ("ucap", None)),
    ('<div class=" pages_content " data-k="9"></div>', ("article-content", "9")),
    ('<div class="zoom" id="TRS_Editor"></div>', None),
])
def test_template_rules_find_the_outermost_marked_element(
        body: str, expected: tuple[str, str | None] | None) -> None:
    document = Document.from_bytes("http://a.cn/zjyw/t1.html",
                                   f"<html><body>{body}</body></html>".encode())
    found = template_body(document.root)
    assert (found and (found[0], found[1].get("data-k"))) == (expected or None)


def test_the_lines_inside_an_element_are_those_whose_block_is_in_it() -> None:
    # ``inside`` reads a block's lines as one run of them; checked against every element,
    # blocks and others (a <span> around blocks, a <font> in a line), of real-shaped pages.
    portal = SyntheticPortal(4)
    bodies = [portal.respond(path)[2] for path in portal.all_article_paths()]
    bodies += [path.read_bytes() for path in sorted(PORTAL.glob("*/body.html"))[:8]]
    bodies.append("<html><body><div>甲<span><p>乙</p>丙<p>丁</p></span><font>戊</font><p></p>"
                  "<table><tr><td>己<br>庚</td></tr></table></div></body></html>".encode())
    for body in bodies:
        document = Document.from_bytes("http://a.cn/zjyw/t1.html", body)
        spans: dict[etree._Element, tuple[int, int]] = {}
        lines = page_lines(document.root, document.base_url, spans)
        elements = list(document.root.iter())
        for element in elements:
            subtree = set(element.iter())
            expected = [i for i, line in enumerate(lines) if line.block in subtree]
            assert inside(spans, element) == expected
        assert inside(spans, *elements[-3:]) == sorted(
            {i for element in elements[-3:] for i in inside(spans, element)})
