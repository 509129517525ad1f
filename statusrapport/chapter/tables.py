"""Tables as the report shows them: formatted cells plus the raw data behind them."""

import html
from dataclasses import dataclass, field

from statusrapport.chapter import formatting


@dataclass
class Table:
    id: str
    caption: str
    source: str
    columns: list
    rows: list  # formatted strings
    align: list  # "l" or "r" per column
    data: dict = field(default_factory=dict)  # raw values: {"columns": [...], "rows": [[...]]}
    unit: str = ""

    def html(self):
        """Plain escaped HTML for JupyterLab; the report template renders its own."""
        head = "".join(f"<th>{html.escape(c)}</th>" for c in self.columns)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in row) + "</tr>"
                       for row in self.rows)
        return (f"<table><caption>{html.escape(self.caption)}</caption><thead><tr>{head}</tr>"
                f"</thead><tbody>{body}</tbody></table>")


def from_frame(frame, *, id, caption, source, formats=None, unit=""):
    """Build a table from a DataFrame; ``formats`` maps column -> function(value) -> str.
    Numeric columns without a format get Norwegian formatting with 1 decimal if needed."""
    formats = formats or {}
    align, rows = [], []
    for col in frame.columns:
        numeric = frame[col].dtype.kind in "if"
        align.append("r" if numeric or col in formats else "l")
    for _, rec in frame.iterrows():
        row = []
        for col in frame.columns:
            v = rec[col]
            if col in formats:
                row.append(formats[col](v))
            elif frame[col].dtype.kind in "if":
                row.append(formatting.number(v, 0 if float(v).is_integer() else 1) if v == v
                           else formatting.MISSING)
            else:
                row.append("" if v is None or v != v else str(v))
        rows.append(row)
    raw = frame.astype(object).where(frame.notna(), None)
    return Table(id, caption, source, [str(c) for c in frame.columns], rows, align,
                 {"columns": [str(c) for c in frame.columns], "rows": raw.values.tolist()}, unit)
