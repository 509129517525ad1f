"""End-to-end build of the national edition: HTML structure, PDF content, manifest, determinism."""

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest

from conftest import run_build

CHAPTERS = ["Sammendrag", "Samhandling", "Psykisk helse og rus", "Akuttmedisin", "Kompetanse",
            "Finansiering"]


class Outline(HTMLParser):
    """Collects headings, figures, captions, images, tables and anything that looks like code."""

    def __init__(self):
        super().__init__()
        self.h1, self.captions, self.imgs, self.tables, self.toc_links, self.ids = [], [], [], [], [], set()
        self.code_like, self.lang, self.external = 0, None, []
        self._stack, self._text = [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "html":
            self.lang = a.get("lang")
        if tag in ("pre", "code") or "jp-InputArea" in a.get("class", "") or "input_prompt" in a.get("class", ""):
            self.code_like += 1
        if tag == "img":
            self.imgs.append(a)
            if not a.get("src", "").startswith("data:"):
                self.external.append(a.get("src"))
        if tag in ("link", "script"):
            self.external.append(a.get("href") or a.get("src") or tag)
        if tag == "a" and a.get("href", "").startswith("#") and self._stack and "toc" in str(self._stack):
            self.toc_links.append(a["href"][1:])
        if tag == "table":
            self.tables.append(a)
        self._stack.append((tag, a.get("class", "")))
        self._text = [] if tag in ("h1", "figcaption", "caption") else self._text

    def handle_endtag(self, tag):
        if tag in ("h1", "figcaption", "caption"):
            text = " ".join("".join(self._text).split())
            (self.h1 if tag == "h1" else self.captions).append(text)
        while self._stack and self._stack.pop()[0] != tag:
            pass

    def handle_data(self, data):
        self._text.append(data)


@pytest.fixture(scope="module")
def outline(built):
    _, out = built
    parser = Outline()
    parser.feed((out / "statusrapport.html").read_text(encoding="utf-8"))
    return parser


def test_html_has_chapters_in_order_and_no_code(outline):
    titles = [re.sub(r"^\d+\s+", "", h) for h in outline.h1[1:]]  # first h1 is the cover title
    assert titles[:6] == CHAPTERS
    assert outline.lang == "nb"
    assert outline.code_like == 0
    assert outline.external == []


def test_figures_numbered_per_chapter_with_caption_and_alt(outline):
    figs = [c for c in outline.captions if c.startswith("Figur")]
    numbers = [re.match(r"Figur (\d+)\.(\d+)", c).groups() for c in figs]
    by_chapter = {}
    for ch, n in numbers:
        by_chapter.setdefault(ch, []).append(int(n))
    for ch, ns in by_chapter.items():
        assert ns == list(range(1, len(ns) + 1)), f"kapittel {ch}: {ns}"
    for ch in ("2", "3", "4", "5", "6"):
        assert by_chapter.get(ch), f"ingen figur i kapittel {ch}"
    assert len(outline.imgs) == len(figs)
    assert all(len(img.get("alt", "")) > 40 for img in outline.imgs)
    assert all(img["src"].startswith("data:image/png;base64,") for img in outline.imgs)


def test_tables_numbered(outline):
    tabs = [c for c in outline.captions if c.startswith("Tabell")]
    assert tabs and all(re.match(r"Tabell \d+\.\d+ \S", c) for c in tabs)
    # the values listed beside a map belong to its figure, not a numbered table
    assert len([t for t in outline.tables if "map-values" not in t.get("class", "")]) == len(tabs)


def test_contents_links_resolve(outline):
    assert len(outline.toc_links) >= 20
    assert set(outline.toc_links) <= outline.ids


@pytest.mark.skipif(not shutil.which("pdfimages"), reason="poppler-utils mangler (.ci/run installerer det)")
def test_pdf_has_every_figure_and_contents_with_page_numbers(built, outline):
    _, out = built
    pdf = out / "statusrapport.pdf"
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True,
                             check=True).stdout.splitlines()[2:]
    assert len([line for line in listing if line.split()[2] == "image"]) == len(outline.imgs)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = " ".join(text.split())
    for caption in outline.captions:
        assert " ".join(caption.split()[:6]) in flat, caption
    assert re.search(r"Innhold.*2 Samhandling \.+ ?\d+", flat)
    assert re.search(r"Side \d+ av \d+", flat)


def test_manifest(built):
    project, out = built
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert m["edition"] == "2026" and m["parameters"] == {"edition": "2026", "region": "land"}
    assert [c["name"] for c in m["chapters"]][:6] == ["sammendrag", "samhandling", "psykisk_helse",
                                                      "akuttmedisin", "kompetanse", "finansiering"]
    assert all(c["status"] in ("done", "cached") and c["seconds"] >= 0 for c in m["chapters"])
    assert "data/catalogue.yml" in m["inputs"] and len(m["inputs"]["data/catalogue.yml"]) == 64
    assert m["packages"]["papermill"] and m["git_commit"]
    assert len(m["headlines"]) >= 30


def test_executed_notebooks_kept_for_audit(built):
    _, out = built
    names = sorted(p.name for p in (out / "notebooks").glob("*.ipynb"))
    assert names[:2] == ["00_sammendrag.ipynb", "01_samhandling.ipynb"] and len(names) == 7


def test_single_chapter_build_keeps_numbering(published_copy):
    project = published_copy
    result = run_build(project, "--chapter", "akuttmedisin", "--format", "html",
                       "--output", str(project / "one"))
    assert result.returncode == 0, result.stderr
    html = (project / "one" / "2026-utkast" / "statusrapport.html").read_text(encoding="utf-8")
    assert "Figur 4.1" in html and "Samhandling</h1>" not in html
    assert "UTKAST" in html and not (project / "one" / "2026").exists()  # a draft, beside


def test_numbers_behind_every_figure_and_table(built, outline):
    from openpyxl import load_workbook

    _, out = built
    labels = [c.split(" ", 2)[0] + " " + c.split(" ", 2)[1] for c in outline.captions]
    sheets = load_workbook(out / "tabeller.xlsx", read_only=True).sheetnames
    assert sheets == labels and len(sheets) >= 30
    for label in labels:
        assert (out / "data" / (label.replace(" ", "_").replace(".", "_").lower() + ".csv")).exists()


def test_changes_since_previous_edition_names_indicators(built):
    _, out = built
    html = (out / "statusrapport.html").read_text(encoding="utf-8")
    table = html.split("Indikatorer med ny verdi eller ny målstatus", 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'<th scope="row"[^>]*>(.*?)</th>', table)
    assert len(rows) >= 10
    assert "Utgave 2025" in table and "Utgave 2026" in table


def test_each_chapter_also_as_its_own_page(built):
    _, out = built
    pages = sorted(p.name for p in out.glob("kapittel-*.html"))
    assert pages[:2] == ["kapittel-1-sammendrag.html", "kapittel-2-samhandling.html"] and len(pages) == 7
    page = (out / "kapittel-3-psykisk_helse.html").read_text(encoding="utf-8")
    assert "Figur 3.1" in page and "Figur 2.1" not in page


def _figures(html):
    return re.findall(r'<figure id="(fig-[\d-]+)" class="figure figure-(\w+)(?: figure-tall)?">(.*?)</figure>', html,
                      re.S)


def test_maps_in_the_national_edition(built):
    """At least six choropleths, in every chapter with area data, each with number, caption,
    alt text, values beside it, a source line crediting the boundaries, and its data in
    tabeller.xlsx."""
    from openpyxl import load_workbook

    _, out = built
    html = (out / "statusrapport.html").read_text(encoding="utf-8")
    maps = [(a, body) for a, kind, body in _figures(html) if kind == "map"]
    assert len(maps) >= 6
    assert {a.split("-")[1] for a, _ in maps} >= {"2", "3", "4", "5"}  # chapters with area data
    sheets = load_workbook(out / "tabeller.xlsx", read_only=True)
    for anchor, body in maps:
        label = "Figur " + anchor[4:].replace("-", ".")
        assert f'<span class="label">{label}</span>' in body
        assert re.search(r'alt="Kart over Norge med \d+ [^"]{60,}"', body), anchor
        assert 'class="map-values"' in body
        assert "Kartgrunnlag: " in body and ("© Kartverket" in body or "SKDE Helseatlas" in body)
        assert "(CC BY 4.0)" in body or "kildehenvisning kreves" in body
        rows = list(sheets[label].iter_rows(values_only=True))
        assert rows[4][:3] == ("kode", "område", "verdi") and len(rows) >= 5 + 19, label


def test_locator_map_on_every_helsefellesskap_page(built):
    _, out = built
    html = (out / "statusrapport.html").read_text(encoding="utf-8")
    appendix = html.split('class="chapter chapter-vedlegg_helsefellesskap"', 1)[1]
    pages = re.split(r'<h2 id="sec-7-\d+">', appendix)[1:]
    assert len(pages) == 19
    for page in pages:
        name = re.sub(r"<[^>]+>|\u00ad", "", page.split("</h2>", 1)[0]).split(" ", 1)[1]
        figs = _figures(page)
        assert figs and figs[0][1] == "locator", name
        assert f"{name} i kartet" in figs[0][2]
        assert "Norgeskart med de 19 helsefellesskapene" in figs[0][2] and "© Kartverket" in figs[0][2]


def test_chapter_pages_have_previous_next_and_full_report_links(built):
    _, out = built
    first = (out / "kapittel-1-sammendrag.html").read_text(encoding="utf-8")
    middle = (out / "kapittel-3-psykisk_helse.html").read_text(encoding="utf-8")
    last = (out / "kapittel-7-vedlegg_helsefellesskap.html").read_text(encoding="utf-8")
    assert 'rel="prev"' not in first and 'href="kapittel-2-samhandling.html" rel="next"' in first
    assert 'href="kapittel-2-samhandling.html" rel="prev"' in middle
    assert 'href="kapittel-4-akuttmedisin.html" rel="next"' in middle
    assert 'rel="next"' not in last and all('href="statusrapport.html"' in p
                                            for p in (first, middle, last))
    full = (out / "statusrapport.html").read_text(encoding="utf-8")
    assert 'class="pager' not in full
