"""Stitching executed chapter notebooks into one report: a preprocessor numbers chapters,
sections, figures and tables and builds the contents; our nbconvert template lays it out."""

import html
import re
from functools import lru_cache
from pathlib import Path

import nbformat
from nbconvert.exporters import TemplateExporter
from nbconvert.preprocessors import Preprocessor
from traitlets import Unicode

from statusrapport.data import narrative
from statusrapport.render import blocks
from statusrapport.render.blocks import CHAPTER_META, META

HEADING = re.compile(r"^(#{1,3})\s+(.*?)\s*#*\s*$")
LONG_WORD = re.compile(r"\w{13,}")


@lru_cache(maxsize=1)
def _hyphenator():
    import pyphen

    return pyphen.Pyphen(lang="nb_NO")


def hyphenated(text):
    """Escaped ``text`` with soft hyphens in long words (Norwegian rules, pyphen's nb_NO
    dictionary), so headings wrap inside compounds on phones instead of overflowing or breaking
    mid-syllable; browsers without their own hyphenation data honour them too."""
    parts, last = [], 0
    for m in LONG_WORD.finditer(text):
        parts.append(html.escape(text[last:m.start()]))
        parts.append(html.escape(_hyphenator().inserted(m.group(0), hyphen="\u00ad")))
        last = m.end()
    parts.append(html.escape(text[last:]))
    return "".join(parts)


def combine(runs, meta):
    """One notebook holding every chapter's cells, each tagged with its chapter."""
    book = nbformat.v4.new_notebook()
    book.metadata[META] = dict(meta)
    for run in runs:
        nb = nbformat.read(run.notebook, as_version=4)
        for cell in nb.cells:
            cell.id = f"{run.chapter}-{cell.id}"  # ids must stay unique across chapters
            cell.metadata[CHAPTER_META] = {"name": run.chapter, "number": run.number,
                                                "failed": run.status == "failed"}
            book.cells.append(cell)
    return book


class NumberingPreprocessor(Preprocessor):
    """Turns cells into a flat list of blocks (heading, html, figure, table) with numbers:
    chapter 'N', sections 'N.M', 'Figur N.k', 'Tabell N.k'; collects the contents list."""

    def preprocess(self, nb, resources):
        self.toc, self.figures, self.tables = [], [], []
        self.chapter, self.counters, self.chapters_seen = None, {}, 0
        for cell in nb.cells:
            cell.metadata["blocks"] = list(self._blocks(cell))
        info = nb.metadata[META]
        info["toc"], info["figures"], info["tables"] = self.toc, self.figures, self.tables
        info["chapters_seen"] = self.chapters_seen
        resources[META] = info  # nbconvert works on a copy; the caller reads numbering here
        return nb, resources

    def _heading(self, level, text, cell_chapter):
        if level == 1:
            self.chapter = cell_chapter["number"]
            self.counters = {"section": 0, "sub": 0, "figure": 0, "table": 0}
            number = str(self.chapter)
        elif level == 2:
            self.counters["section"] += 1
            self.counters["sub"] = 0
            number = f"{self.chapter}.{self.counters['section']}"
        else:
            self.counters["sub"] += 1
            number = f"{self.chapter}.{self.counters['section']}.{self.counters['sub']}"
        block = blocks.Heading(level, number, text, hyphenated(text), cell_chapter.get("name", ""),
                               first=level == 1 and not self.chapters_seen,
                               failed=level == 1 and cell_chapter["failed"])
        if level == 1:
            self.chapters_seen += 1
        if level <= 2:
            self.toc.append(block)
        return block

    def _markdown(self, source):
        """Headings become numbered blocks; the text between them one html block each."""
        paragraph = []
        for line in source.splitlines():
            m = HEADING.match(line)
            if m:
                if paragraph:
                    yield blocks.Html(narrative.to_html("\n".join(paragraph)))
                    paragraph = []
                yield len(m.group(1)), m.group(2)
            else:
                paragraph.append(line)
        if "".join(paragraph).strip():
            yield blocks.Html(narrative.to_html("\n".join(paragraph)))

    def _blocks(self, cell):
        chapter = cell.metadata.get(CHAPTER_META, {"number": 0, "failed": False})
        if cell.cell_type == "markdown":
            for item in self._markdown(cell.source):
                yield self._heading(*item, chapter) if isinstance(item, tuple) else item
            return
        if cell.cell_type != "code":
            return
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                yield blocks.Error(out.get("ename", ""), out.get("evalue", ""))
                continue
            item = blocks.payload(out)
            if item is None or item.kind in blocks.NOT_IN_REPORT:
                continue  # stray outputs are named in the build log (see stray_outputs)
            if item.kind == "heading":
                yield self._heading(item.level, item.text, chapter)
            elif item.kind == "html":
                yield blocks.Html(item.html)
            else:
                self.counters[item.kind] += 1
                block = blocks.Numbered(item, f"{self.chapter}.{self.counters[item.kind]}",
                                        order=len(self.figures) + len(self.tables),
                                        png=out["data"]["image/png"] if item.kind == "figure" else None)
                (self.figures if item.kind == "figure" else self.tables).append(block)
                yield block


def _describe(out):
    if out.get("output_type") == "stream":
        text = " ".join(out.get("text", "").split())
        return f"tekst fra {'print' if out.get('name') == 'stdout' else 'en advarsel'} («{text[:60]}»)"
    data = out.get("data", {})
    if "image/png" in data or "image/svg+xml" in data:
        return "et bilde (bruk display.figure(fig, caption=…, source=…, alt=…))"
    if "text/html" in data:
        return "en tabell eller HTML (bruk display.show eller display.table)"
    return f"en verdi («{' '.join(str(data.get('text/plain', '')).split())[:60]}»)"


def stray_outputs(notebook):
    """What in an executed chapter notebook cannot go into the report: [(cell, description)],
    cells numbered as the analyst sees them in JupyterLab (papermill's cell not counted)."""
    nb = nbformat.read(notebook, as_version=4)
    found, number = [], 0
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            continue
        number += 1
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            if out.get("output_type") != "error" and blocks.payload(out) is None:
                found.append((number, _describe(out)))
    return found


class ReportExporter(TemplateExporter):
    """HTML from our template in ``report_templates/``."""

    export_from_notebook = "Statusrapport"
    template_name = Unicode("statusrapport").tag(config=True)
    output_mimetype = "text/html"

    def _file_extension_default(self):
        return ".html"


def exporter(templates_dir, template_name="statusrapport"):
    """The HTML exporter for our templates. One build uses one for all its pages: an exporter
    compiles the templates on first use."""
    # optimistic_validation: the notebook is checked once, after the preprocessors, instead of
    # after each of them (a dozen schema checks of a notebook full of figures).
    return ReportExporter(extra_template_basedirs=[str(Path(templates_dir).resolve())],
                          template_name=template_name, preprocessors=[NumberingPreprocessor],
                          optimistic_validation=True)


def render_html(book, exporter):
    """Returns (html, info) where info holds the contents, figures and tables with numbers."""
    body, resources = exporter.from_notebook_node(book)
    return body, resources[META]
