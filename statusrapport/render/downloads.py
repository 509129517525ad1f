"""The numbers behind every figure and table, as CSV files and one Excel workbook."""

import csv

from openpyxl import Workbook


def _sheet_rows(block):
    data = block["data"]
    yield [f"{block['label']}: {block['caption']}"]
    yield [block["source"]]
    if block.get("unit"):
        yield [f"Enhet: {block['unit']}"]
    yield []
    yield data["columns"]
    yield from data["rows"]


def file_name(block):
    return block["label"].replace(" ", "_").replace(".", "_").lower() + ".csv"


def write(blocks, out_dir):
    """One CSV per block in ``out_dir/data/`` and ``tabeller.xlsx`` with one sheet per block."""
    data_dir = out_dir / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    book.remove(book.active)
    for block in blocks:
        with open(data_dir / file_name(block), "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(block["data"]["columns"])
            writer.writerows(block["data"]["rows"])
        sheet = book.create_sheet(block["label"][:31])
        for row in _sheet_rows(block):
            sheet.append(row)
    book.save(out_dir / "tabeller.xlsx")
