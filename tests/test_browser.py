"""The built report as a reader gets it: the HTML in a real browser (Debian's chromium driven
by Playwright), checked with axe-core against WCAG 2.1 A/AA, and the PDF checked for the
PDF/UA basics (tagged, title, language, bookmarks).

Uses the session-wide ``built`` fixture. Chromium is never downloaded (no ``playwright
install``); the module is skipped when /usr/bin/chromium is missing.
"""

import collections
import contextlib
import re
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from PIL import Image

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("/usr/bin/chromium mangler (Debian-pakken chromium); nettlesertestene hoppes over",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright er ikke installert")
# Every test here reads the built report (some through fixtures chosen at run time, which the
# conftest's marking cannot see): the slow tier.
pytestmark = pytest.mark.build

AXE = Path(__file__).parent / "vendor" / "axe" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run", "--disable-sync"]
DESKTOP = {"width": 1280, "height": 900}
NARROW = {"width": 320, "height": 640}  # WCAG 1.4.10 reflow: 320 CSS px
PHONE = {"width": 390, "height": 844}  # a common phone
SCREENSHOTS = Path(tempfile.gettempdir()) / "statusrapport-skjermbilder"


# --------------------------------------------------------------------------- browser fixtures

@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield b
        b.close()


class Session:
    """One page with everything the browser reported while loading it."""

    def __init__(self, browser, html, viewport, bypass_csp=True):
        self.context = browser.new_context(viewport=viewport, bypass_csp=bypass_csp, locale="nb-NO",
                                           accept_downloads=True)
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
    _, out = built
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


@pytest.fixture(scope="module")
def phone(browser, html_path):
    s = Session(browser, html_path, PHONE)
    yield s
    s.close()


@pytest.fixture(params=["desktop", "phone"])
def wide_and_phone(request):
    """The report at 1280 px and at 390 px."""
    return request.getfixturevalue("session" if request.param == "desktop" else "phone")


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


def test_data_links_embed_the_published_csv(session, html_path):
    """"Tallene bak figuren" is a data: link holding the CSV itself (so it works from the HTML
    file alone), and a second link points at the same file in data/ beside the report."""
    import base64

    links = session.page.eval_on_selector_all(
        "a.data-link", "els => els.map(a => ({href: a.getAttribute('href'), "
        "name: a.getAttribute('download'), file: a.parentElement.querySelector('a.data-file')"
        ".getAttribute('href')}))")
    assert len(links) >= 30
    for link in links:
        head, _, payload = link["href"].partition(",")
        assert head == "data:text/csv;charset=utf-8;base64", head
        assert link["file"] == f"data/{link['name']}"
        published = html_path.parent / "data" / link["name"]
        assert published.is_file(), published
        assert base64.b64decode(payload) == published.read_bytes()


def test_single_html_file_alone_opens_every_data_link(browser, html_path, tmp_path):
    """The HTML copied alone into an empty folder: every "Tallene bak ..." link still gives
    the numbers (Chromium downloads the embedded CSV), with the report's own CSP in force,
    opened from the keyboard."""
    import shutil

    alone = tmp_path / "alene"
    alone.mkdir()
    shutil.copy(html_path, alone / "statusrapport.html")
    assert [p.name for p in alone.iterdir()] == ["statusrapport.html"]
    s = Session(browser, alone / "statusrapport.html", DESKTOP, bypass_csp=False)
    try:
        links = s.page.locator("a.data-link")
        n = links.count()
        assert n >= 30
        for i in range(n):
            if i and i % 10 == 0:  # Chromium drops the 11th download a page starts within a second
                s.page.wait_for_timeout(700)
            link = links.nth(i)
            name = link.get_attribute("download")
            download = _download_by_keyboard(s.page, link)
            assert download.suggested_filename == name
            text = Path(download.path()).read_text(encoding="utf-8")
            header = (html_path.parent / "data" / name).read_text(encoding="utf-8").splitlines()[0]
            assert text.splitlines()[0] == header and len(text.splitlines()) >= 2, name
        assert s.failed == [], s.failed
    finally:
        s.close()


def _download_by_keyboard(page, link, attempts=2):
    """The download that Enter on ``link`` starts (a link that wraps onto two lines has no
    middle to click). A busy machine can stretch Chromium's one-second window for ten
    downloads, so a dropped download is asked for once more before the test fails."""
    for attempt in range(attempts):
        try:
            with page.expect_download(timeout=5_000) as info:
                link.focus()
                page.keyboard.press("Enter")
            return info.value
        except sync_api.TimeoutError:
            if attempt == attempts - 1:
                raise


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
            link = page.locator(f'nav.toc a[href="{href}"]')
            if not link.is_visible():  # the contents column shows the sections of one chapter
                chapter = page.evaluate(
                    "h => document.querySelector(`nav.toc a[href='${h}']`).closest('li.toc-l1')"
                    ".querySelector('a').getAttribute('href')", href)
                page.click(f'nav.toc a[href="{chapter}"]')
                link.wait_for(state="visible", timeout=5000)
            link.click()
            page.wait_for_function("h => location.hash === h", arg=href, timeout=5000)
            assert page.evaluate("() => location.hash") == href
            assert _in_viewport(page, href[1:]), f"{href} er ikke synlig etter klikk"
    finally:
        page.evaluate("() => { history.replaceState(null, '', location.pathname);"
                      " window.scrollTo(0, 0); }")


def _section_ids(page):
    return page.eval_on_selector_all("main h1[id], main h2[id]", "els => els.map(h => h.id)")


def test_contents_reachable_from_any_section(wide_and_phone):
    """From every chapter and section: on a wide screen the contents column stays in view and
    marks the section (CSS scroll markers); on a phone a "Til innholdet" link is always in view
    and leads back to the contents."""
    page = wide_and_phone.page
    width = page.viewport_size["width"]
    ids = _section_ids(page)
    assert len(ids) >= 40
    try:
        for sec in ids[::3] + [ids[-1]]:
            page.evaluate("id => { location.hash = id; }", sec)
            if width >= 1000:
                # The scroll markers follow the scroll: wait for it (a busy machine is slow).
                with contextlib.suppress(sync_api.TimeoutError):
                    page.wait_for_function(
                        "href => Array.from(document.querySelectorAll('nav.toc a'))"
                        ".some(a => a.matches(':target-current') && a.getAttribute('href') === href)",
                        arg=f"#{sec}", timeout=5000)
                box = page.evaluate(
                    "() => { const r = document.querySelector('nav.toc').getBoundingClientRect();"
                    " return {top: r.top, bottom: r.bottom, left: r.left, right: r.right}; }")
                assert box["top"] <= 1 and box["bottom"] > 200 and box["right"] <= width, (sec, box)
                current = page.evaluate(
                    "() => Array.from(document.querySelectorAll('nav.toc a'))"
                    ".filter(a => a.matches(':target-current')).map(a => a.getAttribute('href'))")
                assert current == [f"#{sec}"], (sec, current)
            else:
                page.wait_for_timeout(50)
                link = page.locator("a.to-toc")
                assert link.is_visible() and link.get_attribute("href") == "#innhold"
                box = link.bounding_box()
                assert 0 <= box["y"] and box["y"] + box["height"] <= page.viewport_size["height"]
        if width < 1000:
            page.locator("a.to-toc").click()
            page.wait_for_function("() => location.hash === '#innhold'")
            assert _in_viewport(page, "innhold")
    finally:
        page.evaluate("() => { history.replaceState(null, '', location.pathname);"
                      " window.scrollTo(0, 0); }")


def test_no_horizontal_overflow_of_the_page(wide_and_phone):
    page = wide_and_phone.page
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1
    # headings wrap at word or syllable boundaries (soft hyphens), never past the edge
    wide = page.evaluate(
        "() => Array.from(document.querySelectorAll('h1, h2, h3'))"
        ".filter(h => h.scrollWidth > h.clientWidth + 1).map(h => h.textContent.slice(0, 60))")
    assert wide == []


def test_first_column_of_every_table_stays_visible(wide_and_phone):
    """Every table, scrolled fully to the right inside its box: the first column (the row
    names) is still inside the box and on screen."""
    page = wide_and_phone.page
    width = page.viewport_size["width"]
    hidden = page.evaluate(
        """w => Array.from(document.querySelectorAll('.table-scroll')).map(box => {
             box.scrollLeft = box.scrollWidth;
             const b = box.getBoundingClientRect();
             const cells = Array.from(box.querySelectorAll('tr > :first-child'));
             const bad = cells.filter(c => { const r = c.getBoundingClientRect();
               return r.width < 20 || r.left < b.left - 1 || r.right > b.right + 1 ||
                      r.left < -1 || r.right > w + 1; });
             const res = {id: box.parentElement.id, bad: bad.length, cells: cells.length,
                          scrolls: box.scrollWidth > box.clientWidth + 1};
             box.scrollLeft = 0;
             return res; })""", width)
    assert len(hidden) >= 20
    assert [h for h in hidden if h["bad"] or not h["cells"]] == []
    if width < 500:  # on a phone some tables do scroll, and say so
        assert any(h["scrolls"] for h in hidden)
        assert page.locator(".scroll-hint").first.is_visible()


def test_charts_have_a_phone_rendering(phone):
    """On a 390 px screen the browser picks the narrow picture of each chart, drawn at phone
    width, so its labels are about twice the size of the wide picture scaled down."""
    info = phone.page.evaluate(
        "() => Array.from(document.querySelectorAll('figure.figure-chart img, figure.figure-map img'))"
        ".map(i => ({src: i.currentSrc.slice(0, 80), w: i.naturalWidth, shown: i.clientWidth,"
        " narrow: i.parentElement.querySelector('source') ? "
        "i.parentElement.querySelector('source').srcset.slice(0, 80) : null}))")
    assert len(info) >= 20
    for i in info:
        assert i["narrow"] and i["src"] == i["narrow"], i
        assert i["w"] <= 600 and i["shown"] <= 390


def test_chapter_pages_link_to_each_other_and_the_report(browser, html_path):
    pages = sorted(html_path.parent.glob("kapittel-*.html"), key=lambda p: int(p.name.split("-")[1]))
    assert len(pages) == 7
    for n, path in enumerate(pages):
        s = Session(browser, path, PHONE)
        try:
            hrefs = s.page.eval_on_selector_all(
                "nav.pager-top a", "els => els.map(a => [a.getAttribute('rel'), a.getAttribute('href')])")
        finally:
            s.close()
        want = ([["prev", pages[n - 1].name]] if n else []) + [[None, "statusrapport.html"]] + \
            ([["next", pages[n + 1].name]] if n + 1 < len(pages) else [])
        assert hrefs == want, (path.name, hrefs)
        for _, href in hrefs:
            assert (html_path.parent / href).is_file()


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


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_screenshots_of_sections_at_1280_and_390(browser, html_path, viewport, capsys):
    """The viewport as a reader sees it at a chapter, a map, a wide table and a helsefellesskap
    page, at 1280 px and 390 px; saved in /tmp for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    s = Session(browser, html_path, viewport)
    saved = []
    try:
        for name, target in (("kapittel", "sec-3"), ("kart", "fig-3-2"), ("tabell", "tab-2-1"),
                             ("helsefellesskap", "sec-7-3")):
            s.page.evaluate("id => { location.hash = id; }", target)
            s.page.wait_for_timeout(100)
            path = SCREENSHOTS / f"{name}-{viewport['width']}.png"
            s.page.screenshot(path=str(path))
            assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
            saved.append(path.name)
    finally:
        s.close()
    with capsys.disabled():
        print(f"\nskjermbilder i {SCREENSHOTS}: {', '.join(saved)}")


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
@pytest.mark.parametrize("which", ["desktop", "phone", "narrow"])
def test_axe_wcag21_aa(which, request, capsys):
    s = request.getfixturevalue(which if which != "desktop" else "session")
    assert AXE.is_file(), f"{AXE} mangler (se tests/vendor/axe/README.md)"
    result = s.axe()
    with capsys.disabled():  # the summary shows in the test output even without -s
        serious = _summarise(f"{which} {s.page.viewport_size['width']} px", result)
    assert result["violations"] == [], [v["id"] for v in result["violations"]]
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
    _, out = built
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


def _page_texts(path):
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    return text.split("\f")


def test_continued_tables_say_forts_with_repeated_header(pdf):
    """A table that runs onto the next page has "Tabell N.k (forts.)" at the top of that page
    and its column headings again; a page where no table continues has no "(forts.)"."""
    pages = _page_texts(pdf)
    marked = [(n, m.group(1)) for n, text in enumerate(pages)
              for m in re.finditer(r"(Tabell \d+\.\d+) \(forts\.\)", text)]
    assert len(marked) >= 3, "ingen tabell fortsetter på neste side?"
    for n, label in marked:
        # the table started on an earlier page: its caption stands there
        assert any(f"{label} " in p and "(forts.)" not in p.split(label)[1][:10]
                   for p in pages[max(0, n - 6):n]), (n + 1, label)
        # the header row is repeated: the first heading text of that table shows again
        assert re.search(r"\bIndikator|\bTiltak|\bNr\.|\bOmråde", pages[n]), (n + 1, label)
    # and the label sits in the top lines of the page, above the table
    for n, label in marked:
        head = "\n".join(pages[n].splitlines()[:4])
        assert label in head, (n + 1, head)
