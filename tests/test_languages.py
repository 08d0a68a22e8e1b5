"""The pages in other languages: the 引言 with its translation, 中文导读 and Guida in italiano.

- the sources: each page declares its language and marks English phrases; the guides cover every
  chapter with figure links that exist and glue only numbers the data give;
- the glued numbers follow their language (Italian decimal comma, Chinese 万/亿), from the data and
  from the executed notebooks of the session's build (``book`` fixture);
- the built pages: the content carries ``lang``, and no Chinese text sits outside a Chinese element.
"""

from __future__ import annotations

import ast
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from analysis import datasets, execution, guides
from analysis.common import locale
from conftest import DATA, ROOT

#: page -> the language its content declares (None: the page is English with marked Chinese blocks)
PAGES = {"book/guides/zh": "zh-Hans", "book/guides/it": "it", "book/intro-zh": None}
GUIDES = {page: lang for page, lang in PAGES.items() if lang}
CHAPTERS = 4  # three chapters and the conclusion, each with what the thesis argues and what the book found


def _source(page: str) -> str:
    return (ROOT / f"{page}.md").read_text(encoding="utf-8")


def _front_matter(page: str) -> dict:
    return yaml.safe_load(_source(page).split("---")[1])


def _figure_names() -> set[str]:
    names = set()
    for path in (ROOT / "analysis").rglob("*.py"):
        names |= set(re.findall(r'name="([a-z0-9-]+)"', path.read_text(encoding="utf-8")))
    return names


# --- the sources -------------------------------------------------------------------------------

@pytest.mark.parametrize("page", PAGES)
def test_the_page_enables_the_attribute_syntax_its_language_marks_need(page):
    enabled = _front_matter(page)["myst"]["enable_extensions"]
    assert {"attrs_block", "attrs_inline"} <= set(enabled)
    # the page keeps the book's own extensions too
    book = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["parse"]["myst_enable_extensions"]
    assert set(book) <= set(enabled)


@pytest.mark.parametrize("page, lang", GUIDES.items())
def test_a_guide_declares_its_language_on_its_title(page, lang):
    lines = [line for line in _source(page).split("---", 2)[2].splitlines() if line.strip()]
    assert lines[0] == "{.language-%s}" % lang and lines[1].startswith("# ")


@pytest.mark.parametrize("page", GUIDES)
def test_english_phrases_in_a_guide_are_marked_english(page):
    text = _source(page)
    assert "{.language-en}" in text
    # the thesis's English title is one of them
    assert re.search(r"\[Alibaba\.com as a tool for the internationalization[^\]]*\]\{\.language-en\}", text)


@pytest.mark.parametrize("page", GUIDES)
def test_every_glued_name_in_a_guide_is_a_number_the_data_give(page):
    used = set(re.findall(r"\{glue:text\}`([\w]+)", _source(page)))
    assert used and used <= set(guides.key_numbers(datasets.package(DATA)))


@pytest.mark.parametrize("page", GUIDES)
def test_each_chapter_of_a_guide_says_what_the_thesis_argues_and_what_the_book_found_with_figures(page):
    text = _source(page)
    chapters = [part for part in re.split(r"^## ", text, flags=re.M)[1:] if "### " in part]
    assert len(chapters) == CHAPTERS
    for chapter in chapters:
        assert chapter.count("\n### ") == 3, chapter.splitlines()[0]
        assert re.search(r'href="[^"]+#fig-[\w-]+"', chapter), chapter.splitlines()[0]


@pytest.mark.parametrize("page", GUIDES)
def test_figure_links_name_real_figures_on_real_pages(page):
    names = _figure_names()
    links = re.findall(r'href="([^"#]+)\.html#fig-([\w-]+)"', _source(page))
    assert links
    for target, name in links:
        source = (ROOT / page).parent / f"{target}.md"
        assert source.resolve().exists(), target
        assert name in names, name


def test_guide_headings_are_in_their_language_not_the_english_pages():
    english = set()
    for path in (ROOT / "book").rglob("*.md"):
        if "guides" not in path.parts and path.name != "intro-zh.md":
            english |= set(re.findall(r"^#+ (.+)$", path.read_text(encoding="utf-8"), flags=re.M))
    for page, lang in GUIDES.items():
        headings = re.findall(r"^#+ (.+)$", _source(page), flags=re.M)
        assert not set(headings) & english, page
        if lang.startswith("zh"):
            assert all(locale.has_cjk(h) for h in headings), page
        else:
            assert not any(locale.has_cjk(h) for h in headings), page


# --- the glued numbers follow their language ----------------------------------------------------

_DOT_DECIMAL = re.compile(r"\d\.\d{1,2}(?!\d)")        # 12.9 (a point before one or two digits)
_ZH_UNIT = re.compile(r"(万亿|亿|万)")


def check_italian(values: dict[str, str]) -> None:
    for name, text in values.items():
        assert not _DOT_DECIMAL.search(text), (name, text)   # a decimal comma, never a decimal point


def check_chinese(values: dict[str, str], quantities: dict[str, locale.Quantity]) -> None:
    for name, text in values.items():
        q = quantities[name]
        if q.kind not in ("amount", "count"):
            assert not _ZH_UNIT.search(text), (name, text)
            continue
        scale = locale.SCALES[q.unit.split()[1]] if q.kind == "amount" and " " in q.unit else 1.0
        if abs(q.value * scale) >= 1e4:
            assert _ZH_UNIT.search(text), (name, text)     # 万/亿/万亿 where a Chinese reader expects them
        assert "," not in text, (name, text)


def test_the_guides_numbers_from_the_data_follow_each_language():
    quantities = guides.key_numbers(datasets.package(DATA))
    italian = locale.write_all(quantities, "it")
    check_italian(italian)
    assert any("," in text for text in italian.values())            # there are decimals to write
    chinese = locale.write_all(quantities, "zh")
    check_chinese(chinese, quantities)
    assert any(_ZH_UNIT.search(text) for text in chinese.values())


def test_the_checks_catch_an_english_number_in_either_guide():
    quantities = guides.key_numbers(datasets.package(DATA))
    with pytest.raises(AssertionError):
        check_italian(locale.write_all(quantities, "en"))
    with pytest.raises(AssertionError):
        check_chinese(locale.write_all(quantities, "en"), quantities)


def glued_text(notebook: Path) -> dict[str, str]:
    """name -> glued text of an executed notebook (the scrapbook records)."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    out = {}
    for cell in nb["cells"]:
        for o in cell.get("outputs", []):
            record = o.get("metadata", {}).get("scrapbook")
            plain = o.get("data", {}).get(record["mime_prefix"] + "text/plain") if record else None
            if plain is not None:
                out[record["name"]] = ast.literal_eval(plain)
    return out


@pytest.mark.parametrize("page, lang", GUIDES.items())
def test_the_executed_guides_glue_numbers_in_their_language(book, page, lang):
    root = getattr(book, "root", ROOT)
    glued = glued_text(execution.executed_path(book.exec_dir, execution.page_id(root / f"{page}.md", root)))
    quantities = guides.key_numbers(datasets.package(book.data))
    assert set(glued) == set(quantities)
    if lang == "it":
        check_italian(glued)
    else:
        check_chinese(glued, quantities)


# --- the built pages ----------------------------------------------------------------------------

class _Langs(HTMLParser):
    """Each text run of the article with the language of its nearest element that declares one."""

    VOID = {"br", "img", "input", "hr", "meta", "link", "wbr", "source", "col", "area", "base", "embed", "track"}

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, str | None]] = []
        self.runs: list[tuple[str, str]] = []
        self.headings: list[tuple[str, str]] = []
        self.declared: list[tuple[str, str]] = []
        self.depth = None  # inside <article>

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.VOID:
            return
        self.stack.append((tag, attrs.get("lang")))
        if attrs.get("lang") and self.depth is not None:
            self.declared.append((tag, attrs["lang"]))
        if tag == "article" and self.depth is None:
            self.depth = len(self.stack)

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        while self.stack:
            open_tag, _ = self.stack.pop()
            if self.depth is not None and len(self.stack) < self.depth:
                self.depth = None
            if open_tag == tag:
                break

    def handle_data(self, data):
        if self.depth is None or not data.strip() or any(t in ("script", "style") for t, _ in self.stack):
            return
        lang = next((lang for _, lang in reversed(self.stack) if lang), "en")
        self.runs.append((lang.lower(), data))
        if any(t in ("h1", "h2", "h3") for t, _ in self.stack):
            self.headings.append((lang.lower(), data))


def article_languages(html: Path) -> _Langs:
    parser = _Langs()
    parser.feed(html.read_text(encoding="utf-8"))
    return parser


def check_page_languages(html: Path, lang: str | None) -> None:
    found = article_languages(html)
    assert found.runs, html
    # no Chinese text outside an element that says it is Chinese
    stray = [text for tag_lang, text in found.runs if locale.has_cjk(text) and not tag_lang.startswith("zh")]
    assert not stray, stray[:5]
    if lang:
        # the content (title first) sits inside the declared language; every heading is in it;
        # the English phrases say they are English
        assert found.declared[0][1].lower() == lang.lower(), found.declared[:3]
        assert found.headings and all(tag_lang == lang.lower() for tag_lang, _ in found.headings), found.headings
        assert any(tag_lang == "en" for tag_lang, _ in found.runs)
    else:
        # a bilingual page: Chinese originals and English translations, each marked
        assert {"zh-hans", "en"} <= {tl for tl, _ in found.runs}


@pytest.mark.parametrize("page, lang", PAGES.items())
def test_the_built_page_declares_the_language_of_its_content(book, page, lang):
    check_page_languages(book.site() / f"{page}.html", lang)
