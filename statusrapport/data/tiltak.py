"""Tiltak and oppdrag with status per edition (``data/tiltak.csv``). A status holds until a
later edition reports a new one, so staff only add rows for what changed."""

from statusrapport.errors import DataError, Problem
from statusrapport.model import CHAPTERS

COLUMNS = ["id", "edition", "chapter", "title", "owner", "deadline", "status", "comment", "source",
           "ref"]
STATUSES = ("ikke startet", "i rute", "forsinket", "levert", "avsluttet", "ikke rapportert")


def load(path):
    from statusrapport.data.observations import read_table

    problems = []
    frame, rows = read_table(path, COLUMNS, problems)
    if frame is None:
        raise DataError(problems)
    for n, rec in zip(rows, frame.to_dict("records")):
        if rec["status"] not in STATUSES:
            problems.append(Problem(path, f"ukjent status; bruk en av: {', '.join(STATUSES)}",
                                    row=n, column="status", value=rec["status"]))
        if rec["chapter"] not in CHAPTERS:
            problems.append(Problem(path, f"ukjent kapittel; bruk en av: {', '.join(CHAPTERS)}",
                                    row=n, column="chapter", value=rec["chapter"]))
        if not (len(rec["edition"]) == 4 and rec["edition"].isdigit()):
            problems.append(Problem(path, "forventet en utgave som årstall, f.eks. 2026", row=n,
                                    column="edition", value=rec["edition"]))
        if not rec["id"].strip():
            problems.append(Problem(path, "id mangler", row=n, column="id", value=rec["id"]))
    dup = frame.duplicated(["id", "edition"], keep=False)
    for i in frame.index[dup]:
        problems.append(Problem(path, "samme id og utgave står flere ganger", row=rows[i], column="id",
                                value=frame.at[i, "id"]))
    if problems:
        raise DataError(problems)
    return frame


def for_edition(frame, edition, plan_start, chapter=None):
    """Each tiltak's latest status at ``edition``, counting only editions of the same plan
    (from the plan's first year), so the previous plan's assignments do not carry over."""
    rows = frame[(frame["edition"] <= edition) & (frame["edition"] >= str(plan_start))]
    if chapter:
        rows = rows[rows["chapter"] == chapter]
    latest = rows.sort_values("edition").groupby("id").tail(1)
    return latest.sort_values(["chapter", "id"]).reset_index(drop=True)
