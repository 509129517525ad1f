"""Geography: kommuner 2024 with population, HF catchment, RHF and helsefellesskap, and the
list of units (land, RHF, HF, DPS, helsefellesskap). Rates aggregate weighted by population."""

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from statusrapport.errors import DataError, Problem

KOMMUNE_COLUMNS = ["kommunenummer", "kommunenavn", "fylkesnummer", "fylkesnavn", "folketall_2024",
                   "hf", "rhf", "helsefellesskap"]
UNIT_COLUMNS = ["level", "code", "name", "rhf"]


@dataclass(frozen=True)
class Geography:
    kommuner: pd.DataFrame
    units: pd.DataFrame

    @cached_property
    def _names(self):
        """(level, code) -> name: looked up for every observation shown, so a dict, not a filter."""
        names = {("kommune", k): n for k, n in zip(self.kommuner["kommunenummer"],
                                                   self.kommuner["kommunenavn"])}
        names.update({(lv, c): n for lv, c, n in zip(self.units["level"], self.units["code"],
                                                     self.units["name"])})
        return names

    def name(self, level, code):
        return self._names.get((level, code), code)

    def codes(self, level):
        if level == "kommune":
            return set(self.kommuner["kommunenummer"])
        return set(self.units.loc[self.units["level"] == level, "code"])

    def rhf_of(self, level, code):
        if level == "rhf":
            return code
        if level == "kommune":
            return self.kommuner.loc[self.kommuner["kommunenummer"] == code, "rhf"].iloc[0]
        hit = self.units.loc[(self.units["level"] == level) & (self.units["code"] == code), "rhf"]
        return hit.iloc[0] if len(hit) else None

    def members(self, level, code):
        """Codes of ``level`` units in ``code``'s area: ``members('hf', 'oslo')`` for a helsefellesskap."""
        return sorted(set(self.kommuner.loc[self.kommuner["helsefellesskap"] == code, level]))

    def aggregate(self, values, to, how="sum", weights=None):
        """Kommune values (Series indexed by kommunenummer) to ``to`` (helsefellesskap, hf, rhf,
        land). ``how='rate'``: population-weighted mean, the right way to combine rates; the
        weights are the population of the rate's own year (Series by kommunenummer), so they
        must be given: the 2024 population in kommuner.csv is not the denominator of other
        years' rates."""
        k = self.kommuner.set_index("kommunenummer")
        frame = pd.DataFrame({"value": values}).join(k[["hf", "rhf", "helsefellesskap"]],
                                                     how="inner")
        frame["land"] = "NO"
        if how == "sum":
            return frame.groupby(to)["value"].sum()
        if weights is None:
            raise ValueError("aggregate(how='rate') needs weights: the population of the rate's year")
        frame["w"] = weights.reindex(frame.index)
        if frame["w"].isna().any():
            raise ValueError("aggregate(how='rate'): population missing for some kommuner")
        weighted = (frame["value"] * frame["w"]).groupby(frame[to]).sum()
        return weighted / frame.groupby(to)["w"].sum()


def load(data_dir):
    """Both geography files, checked row by row; all problems are reported together."""
    from statusrapport.data.catalogue import LEVELS
    from statusrapport.data.observations import read_table

    d = Path(data_dir) / "geography"
    problems = []
    kommuner, k_rows = read_table(d / "kommuner.csv", KOMMUNE_COLUMNS, problems)
    units, u_rows = read_table(d / "units.csv", UNIT_COLUMNS, problems)
    if units is not None:
        path = d / "units.csv"
        for n, level, code in zip(u_rows, units["level"], units["code"]):
            if level not in LEVELS:
                problems.append(Problem(path, f"forventet ett av {', '.join(LEVELS)}", row=n,
                                        column="level", value=level))
            if not code:
                problems.append(Problem(path, "koden mangler", row=n, column="code", value=code))
        for n, code, dup in zip(u_rows, units["code"], units.duplicated(["level", "code"])):
            if dup:
                problems.append(Problem(path, "samme nivå og kode står flere ganger", row=n,
                                        column="code", value=code))
    if kommuner is not None:
        path = d / "kommuner.csv"
        seen = {}
        known = {col: set() if units is None else set(units.loc[units["level"] == col, "code"])
                 for col in ("hf", "rhf", "helsefellesskap")}
        for n, rec in zip(k_rows, kommuner.to_dict("records")):
            if not (len(rec["kommunenummer"]) == 4 and rec["kommunenummer"].isdigit()):
                problems.append(Problem(path, "forventet et firesifret kommunenummer", row=n,
                                        column="kommunenummer", value=rec["kommunenummer"]))
            elif rec["kommunenummer"] in seen:
                problems.append(Problem(path, f"samme kommunenummer som rad {seen[rec['kommunenummer']]}",
                                        row=n, column="kommunenummer", value=rec["kommunenummer"]))
            seen.setdefault(rec["kommunenummer"], n)
            if not rec["folketall_2024"].isdigit():
                problems.append(Problem(path, "forventet et heltall ≥ 0 (uten mellomrom)", row=n,
                                        column="folketall_2024", value=rec["folketall_2024"]))
            if units is not None:
                for col in ("hf", "rhf", "helsefellesskap"):
                    if rec[col] not in known[col]:
                        problems.append(Problem(path, f"ukjent kode; forventet en {col}-kode fra "
                                                "geography/units.csv", row=n, column=col,
                                                value=rec[col]))
    if problems:
        raise DataError(problems)
    kommuner["folketall_2024"] = pd.to_numeric(kommuner["folketall_2024"])
    return Geography(kommuner, units)
