"""Target status by the plan's rules, with the value it rests on.

1. Only measurements count: a value the source gives as a forecast (``model.NOT_MEASURED``) is
   never a status.
2. Values from before the plan period are a baseline (``utgangspunkt``), not a status.
3. A target year the source does not give is ``ikke angitt``: the latest measurement in the
   plan period is compared with the target (``nådd`` / ``ikke nådd``), nothing is projected.
4. Before the target year: ``nådd`` if the latest measurement meets the target, otherwise
   ``ikke nådd ennå``.
5. Once the target year has passed (it lies within the edition's data): judged on the value of
   the target year itself; without one, ``mangler data for målåret``.
6. A target belongs to the plan that set it and is judged in that plan's editions (the
   previous plan's targets in the 2022 edition); ``Dataset.target`` decides.

No projection is ever a status (the former "i rute" by straight line is gone).
"""

import operator
from dataclasses import dataclass

from statusrapport import periods
from statusrapport.model import NOT_MEASURED

WORDS = {"<": "under", "<=": "høyst", ">": "over", ">=": "minst"}
OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
MET, NOT_YET, NOT_MET = "nådd", "ikke nådd ennå", "ikke nådd"
BASELINE, NO_DATA, NO_TARGET_YEAR_DATA = "utgangspunkt", "mangler data", "mangler data for målåret"
STATUSES = (MET, NOT_YET, NOT_MET, BASELINE, NO_TARGET_YEAR_DATA, NO_DATA)
NOT_GIVEN = "ikke angitt"  # a target year the source does not give


@dataclass(frozen=True)
class Judgement:
    status: str
    basis: tuple = None  # (period, value, qualifiers, source) the status rests on, or None
    rule: str = ""  # the rule that applied, in the report's words


def measured(points):
    """Points that are measurements: (period, value, qualifiers, source) without a forecast."""
    return [p for p in points if not set(_names(p[2] if len(p) > 2 else ())) & set(NOT_MEASURED)]


def _names(qualifiers):
    return [q.partition(":")[0] for q in qualifiers]


def judge(target, points, plan_years, data_year):
    """``points``: (period, value[, qualifiers, source]) sorted by period, missing left out;
    ``plan_years``: (first, last) of the plan that set the target; ``data_year``: the last
    year the edition has data for."""
    pts = [tuple(p) + ((), None)[len(p) - 2:] for p in points]
    pts = measured(pts)
    if not pts:
        return Judgement(NO_DATA, None, "ingen måling")
    meets = OPS[target["comparator"]]
    first = plan_years[0]
    in_plan = [p for p in pts if periods.end_year(p[0]) >= first]
    year = target.get("year")
    if year is not None and data_year is not None and year <= data_year:
        at_year = [p for p in in_plan if periods.end_year(p[0]) == year]
        if not at_year:
            return Judgement(NO_TARGET_YEAR_DATA, None, f"målåret {year} er passert; ingen måling "
                                                        f"for {year}")
        basis = at_year[-1]
        return Judgement(MET if meets(basis[1], target["value"]) else NOT_MET, basis,
                         f"målåret {year} er passert; målingen for {year}")
    if not in_plan:
        return Judgement(BASELINE, pts[-1], f"siste måling er fra før planperioden ({first}–)")
    basis = in_plan[-1]
    if meets(basis[1], target["value"]):
        return Judgement(MET, basis, "siste måling i planperioden")
    if year is None:
        return Judgement(NOT_MET, basis, "målår ikke angitt; siste måling i planperioden")
    return Judgement(NOT_YET, basis, f"siste måling i planperioden; målåret {year} er ikke nådd")


def status(target, points, plan_years=(0, 9999), data_year=None):
    """The status word alone (see :func:`judge`)."""
    return judge(target, points, plan_years, data_year).status
