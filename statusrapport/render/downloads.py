"""The numbers behind every figure and table, as CSV files and one Excel workbook."""

import csv

from openpyxl import Workbook


def _sheet_rows(block):
    yield [f"{block.label}: {block.caption}"]
    yield [block.source]
    if block.unit:
        yield [f"Enhet: {block.unit}"]
    yield []
    yield block.data["columns"]
    yield from block.data["rows"]


def write(numbered, out_dir):
    """One CSV per figure or table (:class:`~statusrapport.render.blocks.Numbered`) in
    ``out_dir/data/`` and ``tabeller.xlsx`` with one sheet each."""
    data_dir = out_dir / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    book.remove(book.active)
    for block in numbered:
        with open(data_dir / block.csv_name, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(block.data["columns"])
            writer.writerows(block.data["rows"])
        sheet = book.create_sheet(block.label[:31])
        for row in _sheet_rows(block):
            sheet.append(row)
    book.save(out_dir / "tabeller.xlsx")
