"""Geography: kommuner 2024 with population, HF catchment, RHF and helsefellesskap, and the
list of units (land, RHF, HF, DPS, helsefellesskap)."""

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from statusrapport.errors import DataError, Problem
from statusrapport.model import LEVELS, NATIONAL, NATIONAL_CODE

KOMMUNE_COLUMNS = ["kommunenummer", "kommunenavn", "fylkesnummer", "fylkesnavn", "folketall_2024",
                   "hf", "rhf", "helsefellesskap"]
UNIT_COLUMNS = ["level", "code", "name", "rhf"]

# Where the kommune table (each kommune in the catchment of its main HF) does not give a
# helsefellesskap's member HF: Oslo kommune is one helsefellesskap with four hospital sectors by
# bydel (seed 000 Vedlegg 2: "Lokale SU i alle fire sykehussektorene"). Documented, with the
# other differences from Vedlegg 2, in data/sources/helsefellesskap_proxy.yml.
HF_MEMBERS = {"oslo": ("diakonhjemmet", "lovisenberg", "ous")}
# Helsefellesskap whose HF areas and kommuner only partly overlap: said next to their figures.
PARTIAL_OVERLAP = {
    "oslo": "Bydelene Alna, Grorud og Stovner hører til Akershus universitetssykehus' "
            "opptaksområde; tall per helseforetak for Oslo omfatter derfor ikke hele "
            "helsefellesskapet, og Ahus-tallene omfatter disse bydelene.",
    "ahus": "Akershus universitetssykehus' opptaksområde omfatter også bydelene Alna, Grorud og "
            "Stovner i Oslo, som hører til Helsefellesskap Oslo; tall per helseforetak for Ahus "
            "dekker derfor mer enn helsefellesskapets kommuner.",
}


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
        """Codes of ``level`` units in ``code``'s area: ``members('hf', 'oslo')`` for a
        helsefellesskap (all its member HF, see HF_MEMBERS)."""
        if level == "hf" and code in HF_MEMBERS:
            return sorted(HF_MEMBERS[code])
        return sorted(set(self.kommuner.loc[self.kommuner["helsefellesskap"] == code, level]))

    def overlap_note(self, code):
        """Why the HF figures of helsefellesskap ``code`` only approximate it, or None."""
        return PARTIAL_OVERLAP.get(code)


def load(data_dir):
    """Both geography files, checked row by row; all problems are reported together."""
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
