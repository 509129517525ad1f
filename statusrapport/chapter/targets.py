"""Target status from the latest value, the indicator's direction and the target.

- ``nådd``: the latest value meets the target;
- ``i rute``: not met yet, but the straight line through the last two observations meets it
  by the target year (a projection shown as a status, never as a value);
- ``ikke nådd``: neither;
- ``mangler data``: no observation.
"""

import operator

from statusrapport import periods

WORDS = {"<": "under", "<=": "høyst", ">": "over", ">=": "minst"}
OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
STATUSES = ("nådd", "i rute", "ikke nådd", "mangler data")


def status(target, points):
    """``points``: list of (period, value) sorted by period, missing values left out."""
    if not points:
        return "mangler data"
    meets = OPS[target["comparator"]]
    last_period, last = points[-1]
    if meets(last, target["value"]):
        return "nådd"
    if len(points) >= 2:
        prev_period, prev = points[-2]
        years = periods.end_year(last_period) - periods.end_year(prev_period)
        if years > 0:
            projected = last + (last - prev) / years * (target["year"] - periods.end_year(last_period))
            if meets(projected, target["value"]):
                return "i rute"
    return "ikke nådd"
