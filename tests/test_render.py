"""The render contract in process, on a small executed notebook made here (no kernel, no build):
the preprocessor numbers headings, figures and tables, the template escapes, the downloads and
the manifest read the same blocks."""

import base64
import io

import nbformat
from openpyxl import load_workbook
from PIL import Image

from conftest import ROOT
from statusrapport.build.execute import Run
from statusrapport.render import blocks, downloads, manifest, stitch

HOSTILE = '<script>alert("x")</script>'


def _png():
    buf = io.BytesIO()
    Image.new("RGB", (4, 3), "white").save(buf, format="PNG")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _output(payload, data):
    return nbformat.v4.new_output("display_data", data=data, metadata=blocks.to_meta(payload))


def _chapter(tmp_path, number=3, name="akuttmedisin"):
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_markdown_cell("# Akuttmedisin\n\nInnledning.\n\n## Ambulanse"))
    code = nbformat.v4.new_code_cell("display.show(...)")
    code.outputs = [
        _output(blocks.FigureOutput("responstid", "Responstid " + HOSTILE, "Alt-tekst", "Kilde: X.",
                                    "minutter", {"columns": ["år", "verdi"], "rows": [[2024, 12.5]]}),
                {"image/png": _png(), "text/plain": "Figur"}),
        nbformat.v4.new_output("stream", name="stdout", text="løs utskrift"),
        _output(blocks.HeadingOutput(2, "Legevakt"), {"text/markdown": "## Legevakt"}),
        _output(blocks.TableOutput("t", "Tabell med " + HOSTILE, "Kilde: Y.", "", ["A", "B"],
                                   [[HOSTILE, "1"]], ["l", "r"], {"columns": ["A", "B"], "rows": [["a", 1]]}),
                {"text/html": "<table></table>"}),
        _output(blocks.RecordOutput("responstid", 12.5, "minutter", 1, "Responstid (2024)"),
                {"text/plain": "responstid = 12.5"}),
    ]
    nb.cells.append(code)
    path = tmp_path / f"{number - 1:02d}_{name}.ipynb"
    nbformat.write(nb, path)
    return Run(name, number, status="done", notebook=str(path))


def test_numbering_escaping_and_contract(tmp_path):
    book = stitch.combine([_chapter(tmp_path)], {"title": "T", "edition": "2026"})
    html, info = stitch.render_html(book, ROOT / "report_templates")
    assert [(h.number, h.text, h.id) for h in info["toc"]] == [
        ("3", "Akuttmedisin", "sec-3"), ("3.1", "Ambulanse", "sec-3-1"), ("3.2", "Legevakt", "sec-3-2")]
    (fig,), (tab,) = info["figures"], info["tables"]
    assert (fig.label, fig.anchor, fig.csv_name, fig.order) == ("Figur 3.1", "fig-3-1", "figur_3_1.csv", 0)
    assert (tab.label, tab.anchor, tab.csv_name, tab.order) == ("Tabell 3.1", "tab-3-1", "tabell_3_1.csv", 1)
    assert 'id="fig-3-1"' in html and 'href="data/figur_3_1.csv"' in html
    assert HOSTILE not in html and "&lt;script&gt;" in html
    assert "løs utskrift" not in html  # stray output: kept in the executed notebook only
    assert manifest.records(book) == {"responstid": {"value": 12.5, "unit": "minutter",
                                                     "decimals": 1, "label": "Responstid (2024)"}}


def test_downloads_read_the_same_blocks(tmp_path):
    book = stitch.combine([_chapter(tmp_path)], {"title": "T", "edition": "2026"})
    _, info = stitch.render_html(book, ROOT / "report_templates")
    downloads.write(info["figures"] + info["tables"], tmp_path)
    assert (tmp_path / "data" / "figur_3_1.csv").read_bytes() == "år,verdi\r\n2024,12.5\r\n".encode()
    sheets = load_workbook(tmp_path / "tabeller.xlsx").sheetnames
    assert sheets == ["Figur 3.1", "Tabell 3.1"]


def test_outputs_without_a_known_payload_are_ignored():
    assert blocks.payload({"metadata": {}}) is None
    assert blocks.payload({"metadata": {blocks.META: {"kind": "ukjent"}}}) is None
    out = blocks.payload({"metadata": blocks.to_meta(blocks.HtmlOutput("<p>x</p>"))})
    assert out == blocks.HtmlOutput("<p>x</p>")
