"""The render contract in process, on a small executed notebook made here (no kernel, no build):
the preprocessor numbers headings, figures and tables, the template escapes, the downloads and
the manifest read the same blocks."""

import base64
import io

import nbformat
import pytest
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
    html, info = stitch.render_html(book, stitch.exporter(ROOT / "report_templates"))
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
    _, info = stitch.render_html(book, stitch.exporter(ROOT / "report_templates"))
    downloads.write(info["figures"] + info["tables"], tmp_path)
    assert (tmp_path / "data" / "figur_3_1.csv").read_bytes() == "år,verdi\r\n2024,12.5\r\n".encode()
    sheets = load_workbook(tmp_path / "tabeller.xlsx").sheetnames
    assert sheets == ["Figur 3.1", "Tabell 3.1"]


def test_outputs_without_a_known_payload_are_ignored():
    assert blocks.payload({"metadata": {}}) is None
    assert blocks.payload({"metadata": {blocks.META: {"kind": "ukjent"}}}) is None
    out = blocks.payload({"metadata": blocks.to_meta(blocks.HtmlOutput("<p>x</p>"))})
    assert out == blocks.HtmlOutput("<p>x</p>")


def _captured_outputs(monkeypatch, show):
    """What display.* sends to Jupyter, as notebook outputs (no kernel needed)."""
    from statusrapport.chapter import display

    outputs = []
    monkeypatch.setattr(display, "display", lambda bundle, metadata=None, raw=False: outputs.append(
        nbformat.v4.new_output("display_data", data=bundle, metadata=metadata or {})))
    show(display)
    return outputs


def _seaborn_figure(display):
    import matplotlib.pyplot as plt
    import pandas as pd
    import seaborn as sns

    from statusrapport.chapter import figures

    figures.use_house_style()
    data = pd.DataFrame({"år": [2022, 2023, 2024] * 2, "ventetid": [50, 46, 41, 60, 58, 55],
                         "tjeneste": ["PHBU"] * 3 + ["TSB"] * 3})
    fig, ax = plt.subplots()
    sns.lineplot(data=data, x="år", y="ventetid", hue="tjeneste", marker="o", ax=ax)
    display.figure(fig, caption="Ventetid etter tjeneste", source="NPR (testverdier)",
                   alt="Ventetiden gikk ned i begge tjenestene fra 2022 til 2024.", data=data)


def test_analysts_seaborn_figure_is_numbered_in_html_pdf_and_xlsx(tmp_path, monkeypatch):
    import shutil
    import subprocess

    from statusrapport.render import pdf

    outputs = _captured_outputs(monkeypatch, _seaborn_figure)
    png, caption = outputs
    assert png.data["image/png"] and blocks.payload(png).kind == "figure"
    lab = caption.data["text/html"]  # what JupyterLab shows under the image
    assert "Figur N.n" in lab and "Ventetid etter tjeneste" in lab and "Kilde: NPR (testverdier)" in lab
    assert "Alternativ tekst: Ventetiden gikk ned" in lab
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Psykisk helse"), nbformat.v4.new_code_cell("x")]
    nb.cells[1].outputs = outputs
    path = tmp_path / "02_psykisk_helse.ipynb"
    nbformat.write(nb, path)
    book = stitch.combine([Run("psykisk_helse", 3, status="done", notebook=str(path))],
                          {"title": "T", "edition": "2026"})
    html, info = stitch.render_html(book, stitch.exporter(ROOT / "report_templates"))
    (fig,) = info["figures"]
    assert fig.label == "Figur 3.1" and fig.caption == "Ventetid etter tjeneste"
    assert "Figur 3.1" in html and "Kilde: NPR (testverdier)" in html and "Figur N.n" not in html
    assert 'alt="Ventetiden gikk ned i begge tjenestene fra 2022 til 2024."' in html
    downloads.write(info["figures"], tmp_path)
    sheet = load_workbook(tmp_path / "tabeller.xlsx")["Figur 3.1"]
    rows = list(sheet.values)
    assert rows[0][0] == "Figur 3.1: Ventetid etter tjeneste" and ("år", "ventetid", "tjeneste") in rows
    assert stitch.stray_outputs(path) == []
    if shutil.which("pdftotext"):
        pdf.write(html, tmp_path / "r.pdf", "T")
        text = subprocess.run(["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True,
                              text=True).stdout
        assert "Figur 3.1" in text and "Ventetid etter tjeneste" in text


@pytest.mark.parametrize("kwargs, message", [
    ({"caption": "C", "source": "S"}, "display.figure: mangler alt=…"),
    ({"caption": "", "source": "", "alt": "A"}, "display.figure: mangler caption, source=…"),
])
def test_own_figure_without_caption_source_or_alt_says_what_to_add(kwargs, message, monkeypatch):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([1, 2], [3, 4])
    with pytest.raises(ValueError) as caught:
        _captured_outputs(monkeypatch, lambda display: display.figure(fig, **kwargs))
    assert str(caught.value).startswith(message)
    plt.close(fig)


def test_plotted_lines_become_the_table_behind_the_figure(monkeypatch):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([2023, 2024], [3.5, 4.0], label="Helse Vest")
    (png, _) = _captured_outputs(monkeypatch, lambda display: display.figure(
        ax, caption="C", source="Kilde: S", alt="A"))
    assert blocks.payload(png).data == {"columns": ["series", "x", "value"],
                                        "rows": [["Helse Vest", 2023, 3.5], ["Helse Vest", 2024, 4.0]]}


def test_stray_outputs_are_named_with_cell_and_what_to_use(tmp_path):
    run = _chapter(tmp_path)
    nb = nbformat.read(run.notebook, as_version=4)
    nb.cells.insert(1, nbformat.v4.new_code_cell("edition = ''", metadata={"tags": ["injected-parameters"]}))
    nb.cells[2].outputs.append(nbformat.v4.new_output("display_data", data={"image/png": _png()}))
    nbformat.write(nb, run.notebook)
    assert stitch.stray_outputs(run.notebook) == [
        (2, "tekst fra print («løs utskrift»)"),
        (2, "et bilde (bruk display.figure(fig, caption=…, source=…, alt=…))")]
