"""Tiltak and oppdrag with status per edition (``data/tiltak.csv``). A status holds until a
later edition reports a new one, so staff only add rows for what changed."""

import pandas as pd

from .catalogue import CHAPTERS
from .exceptions import DataError, Problem
from .readlog import opened

COLUMNS = ["id", "edition", "chapter", "title", "owner", "deadline", "status", "comment", "source",
           "ref"]
STATUSES = ("ikke startet", "i rute", "forsinket", "levert", "avsluttet", "ikke rapportert")


def load(path):
    try:
        frame = pd.read_csv(opened(path), dtype=str, keep_default_na=False, encoding="utf-8")
    except FileNotFoundError:
        raise DataError(Problem(path, "filen mangler")) from None
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(Problem(path, f"mangler kolonne(r) {', '.join(missing)}", row=1))
    problems = []
    for n, rec in enumerate(frame.to_dict("records"), start=2):
        if rec["status"] not in STATUSES:
            problems.append(Problem(path, f"ukjent status; bruk en av: {', '.join(STATUSES)}",
                                    row=n, column="status", value=rec["status"]))
        if rec["chapter"] not in CHAPTERS:
            problems.append(Problem(path, f"ukjent kapittel; bruk en av: {', '.join(CHAPTERS)}",
                                    row=n, column="chapter", value=rec["chapter"]))
    dup = frame.duplicated(["id", "edition"], keep=False)
    for n in frame.index[dup]:
        problems.append(Problem(path, "samme id og utgave står flere ganger", row=n + 2, column="id",
                                value=frame.at[n, "id"]))
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
