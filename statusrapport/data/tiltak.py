"""Tiltak and oppdrag with status per edition (``data/tiltak.csv``). A status holds until a
later edition reports a new one, so staff only add rows for what changed.

Staff edit the file in Excel, so it is read as Excel saves it: UTF-8 (with or without BOM) or
cp1252, separated by commas or semicolons; statuses in any case. ``read_xlsx`` reads a copy
saved as an Excel workbook, and :func:`write` puts the table back in the project's own form
(UTF-8, comma separated, quoted where needed)."""

import csv
from pathlib import Path

import pandas as pd

from statusrapport.errors import DataError, Problem, did_you_mean as suggest
from statusrapport.model import CHAPTERS

COLUMNS = ["id", "edition", "chapter", "title", "owner", "deadline", "status", "comment", "source",
           "ref"]
STATUSES = ("ikke startet", "i rute", "forsinket", "levert", "avsluttet", "ikke rapportert")
COMMA_HINT = ("et {sep} i en tekst må stå inne i anførselstegn, f.eks. \"tekst{char} mer tekst\"; "
              "lagre fra Excel eller bruk ./rapport tiltak ID --status … --kommentar …, "
              "som gjør det for deg")


def load(path):
    """The table from ``path`` (CSV as above, or an ``.xlsx`` workbook); raises DataError with
    every problem."""
    from statusrapport.data.observations import read_table

    path = Path(path)
    problems = []
    if path.suffix.lower() == ".xlsx":
        frame, rows = read_xlsx(path, problems)
    else:
        frame, rows = read_table(path, COLUMNS, problems, excel=True, extra_fields_hint=COMMA_HINT)
    if frame is None:
        raise DataError(problems)
    frame = frame.fillna("").astype(str).apply(lambda col: col.str.strip())
    frame["status"] = frame["status"].str.lower()
    for n, rec in zip(rows, frame.to_dict("records")):
        if rec["status"] not in STATUSES:
            problems.append(Problem(path, f"ukjent status{suggest(rec['status'], STATUSES)}; bruk "
                                    f"en av: {', '.join(STATUSES)}", row=n, column="status",
                                    value=rec["status"]))
        if rec["chapter"] not in CHAPTERS:
            problems.append(Problem(path, f"ukjent kapittel{suggest(rec['chapter'], CHAPTERS)}; "
                                    f"bruk en av: {', '.join(CHAPTERS)}", row=n, column="chapter",
                                    value=rec["chapter"]))
        if not (len(rec["edition"]) == 4 and rec["edition"].isdigit()):
            problems.append(Problem(path, "forventet en utgave som årstall, f.eks. 2026", row=n,
                                    column="edition", value=rec["edition"]))
        if not rec["id"]:
            problems.append(Problem(path, "id mangler", row=n, column="id", value=rec["id"]))
    dup = frame.duplicated(["id", "edition"], keep=False)
    for i in frame.index[dup]:
        problems.append(Problem(path, "samme id og utgave står flere ganger; slett den ene linjen",
                                row=rows[i], column="id", value=frame.at[i, "id"]))
    if problems:
        raise DataError(problems)
    return frame


def read_xlsx(path, problems):
    """(DataFrame, row numbers) from the first sheet of a workbook with the columns above."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # not a workbook, damaged, password protected
        problems.append(Problem(path, f"kan ikke åpnes som Excel-arbeidsbok ({err}); lagre den på "
                                "nytt fra Excel som .xlsx"))
        return None, []
    sheet = book[book.sheetnames[0]]
    rows = [["" if c is None else (str(int(c)) if isinstance(c, float) and c.is_integer() else str(c))
             for c in row] for row in sheet.iter_rows(values_only=True)]
    book.close()
    if not rows:
        problems.append(Problem(path, f"arket er tomt; forventet overskriftsraden {','.join(COLUMNS)}"))
        return None, []
    header = [h.strip() for h in rows[0]]
    while header and not header[-1]:
        header.pop()
    if sorted(header) != sorted(COLUMNS):
        missing = [c for c in COLUMNS if c not in header]
        problems.append(Problem(path, f"feil kolonner i første rad (mangler: {', '.join(missing) or '–'});"
                                f" forventet: {','.join(COLUMNS)}", row=1))
        return None, []
    good, numbers = [], []
    for n, cells in enumerate(rows[1:], start=2):
        cells = (cells + [""] * len(header))[:len(header)]
        if not any(c.strip() for c in cells):
            continue
        good.append(dict(zip(header, cells)))
        numbers.append(n)
    return pd.DataFrame(good, columns=COLUMNS, dtype=str), numbers


def write(frame, path):
    """The table in the project's own form: UTF-8, comma separated, quoted where needed."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(COLUMNS)
        for rec in frame[COLUMNS].to_dict("records"):
            writer.writerow([rec[c] for c in COLUMNS])


def write_xlsx(frame, path):
    """The table as an Excel workbook for editing (read back with :func:`load`)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "tiltak"
    sheet.append(COLUMNS)
    for rec in frame[COLUMNS].to_dict("records"):
        sheet.append([int(rec[c]) if c in ("edition", "deadline") and rec[c].isdigit() else rec[c]
                      for c in COLUMNS])
    for column, width in zip("ABCDEFGHIJ", (20, 8, 14, 60, 28, 10, 14, 50, 12, 14)):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    book.save(path)


def set_status(frame, tiltak_id, edition, status, comment=None, source=None, ref=None):
    """The table with ``tiltak_id``'s status for ``edition`` set (a new row copied from the
    latest earlier one, or the edition's row changed). Raises ValueError with a message."""
    status = status.strip().lower()
    if status not in STATUSES:
        raise ValueError(f"ukjent status '{status}'{suggest(status, STATUSES)}; bruk en av: "
                         f"{', '.join(STATUSES)}")
    mine = frame[frame["id"] == tiltak_id]
    if mine.empty:
        raise ValueError(f"ukjent tiltak '{tiltak_id}'{suggest(tiltak_id, frame['id'].unique())}; "
                         "id-ene står i første kolonne i data/tiltak.csv")
    earlier = mine[mine["edition"] <= edition].sort_values("edition")
    base = (earlier if len(earlier) else mine.sort_values("edition")).iloc[-1].to_dict()
    row = dict(base, edition=edition, status=status)
    if comment is not None:
        row["comment"] = comment
    if source is not None:
        row["source"] = source
    if ref is not None:
        row["ref"] = ref
    frame = frame[~((frame["id"] == tiltak_id) & (frame["edition"] == edition))]
    return pd.concat([frame, pd.DataFrame([row])], ignore_index=True)[COLUMNS]


def for_edition(frame, edition, plan_start, chapter=None):
    """Each tiltak's latest status at ``edition``, counting only editions of the same plan
    (from the plan's first year), so the previous plan's assignments do not carry over."""
    rows = frame[(frame["edition"] <= edition) & (frame["edition"] >= str(plan_start))]
    if chapter:
        rows = rows[rows["chapter"] == chapter]
    latest = rows.sort_values("edition").groupby("id").tail(1)
    return latest.sort_values(["chapter", "id"]).reset_index(drop=True)
