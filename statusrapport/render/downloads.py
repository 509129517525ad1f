"""The numbers behind every figure and table, as CSV files and one Excel workbook."""

import base64
import csv
import io

from openpyxl import Workbook


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
    writer.writerow(block.data["columns"])
    writer.writerows(block.data["rows"])
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
    book = Workbook()
    book.remove(book.active)
    for block in numbered:
        with open(data_dir / block.csv_name, "w", encoding="utf-8", newline="") as fh:
            fh.write(csv_text(block))
        sheet = book.create_sheet(block.label[:31])
        for row in _sheet_rows(block):
            sheet.append(row)
    book.save(out_dir / "tabeller.xlsx")
