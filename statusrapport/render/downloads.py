"""The numbers behind every figure and table, as CSV files and one Excel workbook.

Text that a spreadsheet would read as a formula (starting with ``= + - @``, tab or carriage
return; OWASP "CSV injection") is written with a leading apostrophe, in CSV and xlsx alike, so
a comment like ``=HYPERLINK(...)`` stays text. Numbers stay numbers."""

import base64
import csv
import io


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """``value`` as it may go into a spreadsheet cell: text that could start a formula gets a
    leading apostrophe; numbers and everything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _safe(rows):
    return ([safe_cell(v) for v in row] for row in rows)


def _sheet_rows(block):
    yield [f"{block.label}: {block.caption}"]
    yield [block.source]
    if block.unit:
        yield [f"Enhet: {block.unit}"]
    yield []
    yield block.data["columns"]
    yield from block.data["rows"]


def csv_text(block):
    """The CSV of a figure or table as text: the same bytes as the file beside the report."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf)
    writer.writerow(safe_cell(c) for c in block.data["columns"])
    writer.writerows(_safe(block.data["rows"]))
    return buf.getvalue()


def data_uri(block):
    """The CSV as a data: link, so the numbers travel with a single HTML file."""
    return "data:text/csv;charset=utf-8;base64," + base64.b64encode(
        csv_text(block).encode("utf-8")).decode("ascii")


def write(numbered, out_dir):
    """One CSV per figure or table (:class:`~statusrapport.render.blocks.Numbered`) in
    ``out_dir/data/`` and ``tabeller.xlsx`` with one sheet each."""
    data_dir = out_dir / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    from openpyxl import Workbook  # here: the quick "nothing changed" answer imports this module

    book = Workbook()
    book.remove(book.active)
    for block in numbered:
        with open(data_dir / block.csv_name, "w", encoding="utf-8", newline="") as fh:
            fh.write(csv_text(block))
        sheet = book.create_sheet(block.label[:31])
        for row in _safe(_sheet_rows(block)):
            sheet.append(row)
    book.save(out_dir / "tabeller.xlsx")
