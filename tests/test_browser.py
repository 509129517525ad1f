"""The built report as a reader gets it: the HTML in a real browser (Debian's chromium driven
by Playwright), checked with axe-core against WCAG 2.1 A/AA, and the PDF checked for the
PDF/UA basics (tagged, title, language, bookmarks).

Uses the session-wide ``built`` fixture. Chromium is never downloaded (no ``playwright
install``); the module is skipped when /usr/bin/chromium is missing.
"""

import collections
import re
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from PIL import Image

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("/usr/bin/chromium mangler (Debian-pakken chromium); nettlesertestene hoppes over",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright er ikke installert")

AXE = Path(__file__).parent / "vendor" / "axe" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run", "--disable-sync"]
DESKTOP = {"width": 1280, "height": 900}
NARROW = {"width": 320, "height": 640}  # WCAG 1.4.10 reflow: 320 CSS px


# --------------------------------------------------------------------------- browser fixtures

@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield b
        b.close()


class Session:
    """One page with everything the browser reported while loading it."""

    def __init__(self, browser, html, viewport):
        self.context = browser.new_context(viewport=viewport, bypass_csp=True, locale="nb-NO")
        self.page = self.context.new_page()
        self.console, self.page_errors, self.requests, self.failed = [], [], [], []
        self.page.on("console", lambda m: self.console.append((m.type, m.text)))
        self.page.on("pageerror", lambda e: self.page_errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("requestfailed", lambda r: self.failed.append((r.url[:120], r.failure)))
        self.page.goto(html.as_uri(), wait_until="load")

    def axe(self):
        self.page.add_script_tag(path=str(AXE))
        return self.page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: "
            "['violations', 'incomplete']})", AXE_TAGS)

    def close(self):
        self.context.close()


@pytest.fixture(scope="module")
def html_path(built):
    _, out, _ = built
    return out / "statusrapport.html"


@pytest.fixture(scope="module")
def session(browser, html_path):
    s = Session(browser, html_path, DESKTOP)
    yield s
    s.close()


@pytest.fixture(scope="module")
def narrow(browser, html_path):
    s = Session(browser, html_path, NARROW)
    yield s
    s.close()


# --------------------------------------------------------------------------- loading

def test_no_console_errors(session):
    errors = [text for kind, text in session.console if kind in ("error", "warning")]
    assert errors == [], errors
    assert session.page_errors == []


def test_no_failed_requests_and_nothing_leaves_the_file(session):
    assert session.failed == []
    assert session.requests, "siden ble ikke lastet"
    remote = [u[:120] for u in session.requests if urlparse(u).scheme not in ("file", "data")]
    assert remote == [], f"forespørsler til andre verter: {remote}"


def test_every_image_decodes(session):
    images = session.page.evaluate(
        "() => Array.from(document.images, i => ({alt: i.alt, w: i.naturalWidth, "
        "h: i.naturalHeight, complete: i.complete}))")
    assert len(images) >= 20
    broken = [i["alt"][:60] for i in images if not (i["complete"] and i["w"] > 0 and i["h"] > 0)]
    assert broken == []
    assert all(i["alt"].strip() for i in images)


def test_data_links_point_at_published_csv(session, html_path):
    hrefs = session.page.eval_on_selector_all("a.data-link", "els => els.map(a => a.href)")
    assert hrefs
    missing = [h for h in hrefs if not Path(unquote(urlparse(h).path)).is_file()]
    assert missing == []
    assert all(Path(unquote(urlparse(h).path)).parent == html_path.parent / "data" for h in hrefs)


# --------------------------------------------------------------------------- contents

def _in_viewport(page, target_id):
    return page.evaluate(
        "id => { const r = document.getElementById(id).getBoundingClientRect();"
        " return r.top >= -1 && r.top < window.innerHeight && r.bottom > 0; }", target_id)


def test_every_contents_link_targets_a_heading(session):
    links = session.page.eval_on_selector_all(
        "nav.toc a", "els => els.map(a => ({href: a.getAttribute('href'), text: a.textContent}))")
    assert len(links) >= 20
    targets = session.page.evaluate(
        "ids => ids.map(id => { const el = document.getElementById(id);"
        " return el ? {tag: el.tagName, text: el.textContent} : null; })",
        [link["href"][1:] for link in links])
    bad = [(link["href"], t) for link, t in zip(links, targets)
           if t is None or t["tag"] not in ("H1", "H2", "H3")]
    assert bad == [], bad
    for link, t in zip(links, targets):
        assert " ".join(link["text"].split()) == " ".join(t["text"].split())
    assert all(link["href"].startswith("#") for link in links)


def test_clicking_contents_links_scrolls_to_the_heading(session):
    page = session.page
    hrefs = page.eval_on_selector_all("nav.toc a", "els => els.map(a => a.getAttribute('href'))")
    picks = list(dict.fromkeys([hrefs[0], hrefs[1], hrefs[len(hrefs) // 2], hrefs[-1]]))
    try:
        for href in picks:
            page.evaluate("() => window.scrollTo(0, 0)")
            page.click(f'nav.toc a[href="{href}"]')
            page.wait_for_function("h => location.hash === h", arg=href, timeout=5000)
            assert page.evaluate("() => location.hash") == href
            assert _in_viewport(page, href[1:]), f"{href} er ikke synlig etter klikk"
    finally:
        page.evaluate("() => { history.replaceState(null, '', location.pathname);"
                      " window.scrollTo(0, 0); }")


# --------------------------------------------------------------------------- screenshots

def test_screenshots(session, html_path, capsys):
    """Cover and contents (full page down to the end of the contents) and the first part of a
    chapter, saved next to the report and copied to /tmp for a human to look at."""
    page = session.page
    out = html_path.parent
    page.evaluate("() => window.scrollTo(0, 0)")
    toc_bottom = page.evaluate(
        "() => { const r = document.querySelector('nav.toc').getBoundingClientRect();"
        " return r.bottom + window.scrollY; }")
    width = page.viewport_size["width"]
    cover = out / "skjermbilde.png"
    page.screenshot(path=str(cover), full_page=True,
                    clip={"x": 0, "y": 0, "width": width, "height": toc_bottom + 24})
    chapter_top = page.evaluate(
        "() => document.getElementById('sec-2').getBoundingClientRect().top + window.scrollY")
    chapter = out / "skjermbilde-kapittel.png"
    page.screenshot(path=str(chapter), full_page=True,
                    clip={"x": 0, "y": max(chapter_top - 24, 0), "width": width, "height": 2400})
    for path in (cover, chapter):
        with Image.open(path) as img:
            grey = img.convert("L")
            inked = sum(grey.histogram()[:200]) / (grey.width * grey.height)
        # text, rules and charts cover a few per cent of a page; a blank or unstyled capture
        # (or one of the wrong region) does not
        assert grey.width >= width and 0.02 < inked < 0.6, (path.name, inked)
    with capsys.disabled():
        print(f"\nskjermbilder: {cover}, {chapter}")


# --------------------------------------------------------------------------- accessibility

def _summarise(label, result):
    counts = collections.Counter()
    lines = []
    for v in result["violations"]:
        counts[v["impact"] or "ukjent"] += len(v["nodes"])
        lines.append(f"  {v['impact']:<8} {v['id']} ({len(v['nodes'])}): {v['help']}")
        for node in v["nodes"][:3]:
            lines.append(f"           {node['target']} {node['html'][:100]}")
    review = collections.Counter(v["id"] for v in result["incomplete"] for _ in v["nodes"])
    summary = ", ".join(f"{k}: {counts.get(k, 0)}"
                        for k in ("critical", "serious", "moderate", "minor"))
    print(f"\naxe-core {result['testEngine']['version']} ({label}, {', '.join(AXE_TAGS)}): "
          f"brudd per alvorlighet – {summary}; til manuell vurdering: {dict(review) or 'ingen'}")
    print("\n".join(lines))
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.build  # the fixture is chosen at run time, so conftest cannot see the build
@pytest.mark.parametrize("which", ["desktop", "narrow"])
def test_axe_wcag21_aa(which, request, capsys):
    s = request.getfixturevalue("session" if which == "desktop" else "narrow")
    assert AXE.is_file(), f"{AXE} mangler (se tests/vendor/axe/README.md)"
    result = s.axe()
    with capsys.disabled():  # the summary shows in the test output even without -s
        serious = _summarise(f"{which} {s.page.viewport_size['width']} px", result)
    assert serious == [], "\n".join(
        f"{v['impact']} {v['id']}: {v['help']} – {[n['target'] for n in v['nodes'][:5]]}"
        for v in serious)
    # Things axe could not decide but that are serious if true (e.g. a table without data cells).
    unclear = [v["id"] for v in result["incomplete"]
               if v["impact"] in ("serious", "critical") and v["id"] != "color-contrast"]
    assert unclear == []


def test_page_reflows_at_320_px(narrow):
    """WCAG 1.4.10: no horizontal scrolling of the page at 320 CSS px; wide tables scroll
    inside their own (keyboard-focusable) box."""
    overflow = narrow.page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1


@pytest.mark.parametrize("media,width", [("screen", DESKTOP["width"]), ("print", 658)])
def test_tables_fit_the_column(browser, html_path, media, width):
    """No table wider than its column: on a desktop screen, and with the print stylesheet at
    the A4 text width (210 mm - 2 x 18 mm = 174 mm = 658 CSS px), where WeasyPrint would
    otherwise cut the right-hand columns off."""
    s = Session(browser, html_path, {"width": width, "height": 900})
    try:
        s.page.emulate_media(media=media)
        wide = s.page.evaluate(
            "() => Array.from(document.querySelectorAll('.table-wrap'))"
            ".filter(w => w.querySelector('table').scrollWidth > w.clientWidth + 1)"
            ".map(w => `${w.id}: ${w.querySelector('table').scrollWidth}/${w.clientWidth} px`)")
    finally:
        s.close()
    assert wide == []


def test_landmarks_language_and_headings(session):
    page = session.page
    assert page.evaluate("() => document.documentElement.lang") == "nb"
    assert page.evaluate("() => document.title").startswith("Statusrapport")
    assert page.locator("main").count() == 1
    assert page.locator("header.cover").count() == 1 and page.locator("nav.toc").count() == 1
    levels = page.evaluate(
        "() => Array.from(document.querySelectorAll('h1,h2,h3,h4,h5,h6'), h => +h.tagName[1])")
    assert levels[0] == 1
    jumps = [(a, b) for a, b in zip(levels, levels[1:]) if b > a + 1]
    assert jumps == [], f"overskriftsnivå hopper over et nivå: {jumps[:5]}"
    # a keyboard user can skip the contents
    first = page.evaluate("() => { const a = document.querySelector('body a'); return a && "
                          "{href: a.getAttribute('href'), text: a.textContent}; }")
    assert first and first["href"] == "#main"


# --------------------------------------------------------------------------- PDF

@pytest.fixture(scope="module")
def pdf(built):
    _, out, _ = built
    path = out / "statusrapport.pdf"
    assert path.is_file()
    return path


def _pdfinfo(path, *args):
    return subprocess.run(["pdfinfo", *args, str(path)], capture_output=True, text=True,
                          check=True).stdout


def _pdf_objects(path):
    """The PDF's bytes plus every Flate stream decompressed (WeasyPrint puts the catalog in a
    compressed object stream); enough to look up /Lang and /Outlines without pypdf."""
    import zlib
    raw = path.read_bytes()
    parts = [raw]
    for m in re.finditer(rb"stream\r?\n", raw):
        end = raw.find(b"endstream", m.end())
        try:
            parts.append(zlib.decompressobj().decompress(raw[m.end():end]))
        except zlib.error:
            pass
    return b"\n".join(parts)


def _outline(path):
    """Bookmark titles with their depth, read with poppler's pdftohtml (-xml lists <outline>)."""
    xml = subprocess.run(["pdftohtml", "-i", "-xml", "-stdout", "-q", "-f", "1", "-l", "1",
                          str(path)], capture_output=True, text=True, check=True).stdout
    items, depth = [], 0
    for tag in re.finditer(r"<outline>|</outline>|<item[^>]*>(.*?)</item>", xml, re.S):
        if tag.group(0) == "<outline>":
            depth += 1
        elif tag.group(0) == "</outline>":
            depth -= 1
        else:
            items.append((depth, " ".join(tag.group(1).split())))
    return items


def test_pdf_is_tagged_with_title_and_language(pdf):
    info = _pdfinfo(pdf)
    assert re.search(r"^Tagged:\s+yes", info, re.M), info
    title = re.search(r"^Title:\s+(.+)$", info, re.M)
    assert title and title.group(1).startswith("Statusrapport"), info
    meta = _pdfinfo(pdf, "-meta")
    assert "pdfuaid:part=\"1\"" in meta or "<pdfuaid:part>1</pdfuaid:part>" in meta
    assert "<dc:title>" in meta
    objects = _pdf_objects(pdf)
    catalog = re.search(rb"/Type\s*/Catalog.{0,400}", objects, re.S)
    assert catalog, "fant ikke katalogen"
    assert re.search(rb"/Lang\s*\(nb(-NO)?\)", catalog.group(0)), catalog.group(0)[:200]
    assert re.search(rb"/MarkInfo\s*<<\s*/Marked\s+true", objects)
    assert re.search(rb"/DisplayDocTitle\s+true", objects)
    assert b"/StructTreeRoot" in objects


def test_pdf_bookmarks_for_every_chapter_and_section(pdf, session):
    headings = session.page.evaluate(
        "() => Array.from(document.querySelectorAll('main h1, main h2, main h3'),"
        " h => ({level: +h.tagName[1], text: h.textContent.replace(/\\s+/g, ' ').trim()}))")
    assert len(headings) >= 20
    outline = _outline(pdf)
    if not outline:  # fallback without poppler's outline support: the catalog has /Outlines
        objects = _pdf_objects(pdf)
        assert re.search(rb"/Outlines\s+\d+\s+0\s+R", objects)
        assert len(re.findall(rb"/Title\s*\(", objects)) >= len(headings)
        return
    titles = [text for _, text in outline]
    missing = [h["text"] for h in headings if h["text"] not in titles]
    assert missing == [], f"bokmerker mangler for {missing[:5]}"
    # chapters (h1) sit one level above their sections (h2)
    depth = {text: d for d, text in outline}
    for h in headings:
        if h["level"] == 2:
            chapter = next(c for c in reversed(headings[:headings.index(h)]) if c["level"] == 1)
            assert depth[h["text"]] == depth[chapter["text"]] + 1, h["text"]
