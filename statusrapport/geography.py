"""Geography: kommuner 2024 with population, HF catchment, RHF and helsefellesskap, and the
list of units (land, RHF, HF, DPS, helsefellesskap). Rates aggregate weighted by population."""

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .exceptions import DataError, Problem
from .readlog import opened

KOMMUNE_COLUMNS = ["kommunenummer", "kommunenavn", "fylkesnummer", "fylkesnavn", "folketall_2024",
                   "hf", "rhf", "helsefellesskap"]
UNIT_COLUMNS = ["level", "code", "name", "rhf"]


@dataclass(frozen=True)
class Geography:
    kommuner: pd.DataFrame
    units: pd.DataFrame

    def name(self, level, code):
        if level == "kommune":
            hit = self.kommuner.loc[self.kommuner["kommunenummer"] == code, "kommunenavn"]
        else:
            hit = self.units.loc[(self.units["level"] == level) & (self.units["code"] == code), "name"]
        return hit.iloc[0] if len(hit) else code

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

    def aggregate(self, values, to, how="sum"):
        """Kommune values (Series indexed by kommunenummer) to ``to`` (helsefellesskap, hf, rhf,
        land). ``how='rate'``: population-weighted mean, the right way to combine rates."""
        k = self.kommuner.set_index("kommunenummer")
        frame = pd.DataFrame({"value": values}).join(k[["folketall_2024", "hf", "rhf",
                                                        "helsefellesskap"]], how="inner")
        frame["land"] = "NO"
        if how == "sum":
            return frame.groupby(to)["value"].sum()
        weighted = (frame["value"] * frame["folketall_2024"]).groupby(frame[to]).sum()
        return weighted / frame.groupby(to)["folketall_2024"].sum()


def load(data_dir):
    d = Path(data_dir) / "geography"
    problems = []
    frames = {}
    for name, cols in (("kommuner.csv", KOMMUNE_COLUMNS), ("units.csv", UNIT_COLUMNS)):
        path = d / name
        try:
            frame = pd.read_csv(opened(path), dtype=str, keep_default_na=False, encoding="utf-8")
        except FileNotFoundError:
            problems.append(Problem(path, "filen mangler"))
            continue
        missing = [c for c in cols if c not in frame.columns]
        if missing:
            problems.append(Problem(path, f"mangler kolonne(r) {', '.join(missing)}; fant "
                                    f"{', '.join(frame.columns)}"))
            continue
        frames[name] = frame
    if problems:
        raise DataError(problems)
    kommuner = frames["kommuner.csv"]
    kommuner["folketall_2024"] = pd.to_numeric(kommuner["folketall_2024"])
    return Geography(kommuner, frames["units.csv"])
