"""Everything a chapter reads, in one object: the edition, catalogue, geography, observations
(filtered to the edition's data year, as known at its data cut-off), tiltak and narrative.
Files are read lazily, and each one is checked against its source record before use."""

import datetime
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from statusrapport import edition as edition_mod
from statusrapport import periods
from statusrapport.periods import label as period_label
from statusrapport.chapter import formatting, targets
from statusrapport.data import catalogue as catalogue_mod
from statusrapport.build import hashing
from statusrapport.data import geography, narrative, observations, sources, tiltak, vintages
from statusrapport.data.fileio import opened
from statusrapport.errors import DataError, ParameterError, Problem
from statusrapport.model import (COLUMNS, NATIONAL, NATIONAL_CODE, RATE_DENOMINATOR, SERIES,
                                 VINTAGE, split_status)


# Source tables parsed in this process, shared by every Dataset in it (the chapters a warm
# kernel runs one after another, the previous edition a chapter compares with). The key names
# the contents: each file's sha256 from its record, checked against the file before each use.
_TABLES = {}
_TABLES_KEPT = 64
# Series computed from those tables, shared the same way (the 20 editions of `--region all` ask
# for the same national series): keyed by the table objects themselves, so a key can never name
# tables parsed later; a series leaves with its table.
_SERIES = {}
_SERIES_KEPT = 8192


class _SourceTable:
    """A source's observations for one edition, and where each series lies in them."""

    def __init__(self, frame):
        self.frame = frame

    @cached_property
    def values(self):
        return self.frame["value"].to_numpy()

    @cached_property
    def periods(self):
        return self.frame["period"].to_numpy(dtype=object)

    @cached_property
    def positions(self):
        """{indicator: {level: {code: row positions}}}, so a query picks its rows instead of
        scanning the table."""
        index = {}
        groups = self.frame.groupby(SERIES, sort=False).indices
        for (ind, level, code), pos in groups.items():
            index.setdefault(ind, {}).setdefault(level, {})[code] = pos
        return index


class Dataset:
    def __init__(self, root, edition=None, region=NATIONAL, today=None):
        """``edition``: an Edition, a name, a params file or None for the newest."""
        self.root = Path(root)
        self.data_dir = self.root / "data"
        self.edition = edition_mod.resolve(self.root, edition)
        self.today = today or datetime.date.today()
        self.sources = sources.load_all(self.data_dir)
        self.catalogue = catalogue_mod.load(self.data_dir / "catalogue.yml", set(self.sources))
        self.geography = geography.load(self.data_dir)
        geo_files = ["geography/kommuner.csv", "geography/units.csv"]
        self._verify(geo_files)
        # What a parsed observation file depends on besides its own bytes (see _TABLES).
        self._context = (hashing.sha256(self.data_dir / "catalogue.yml"),
                         tuple(sources.owner(self.sources, r).files[r] for r in geo_files),
                         frozenset(self.sources), self.today)
        if region != NATIONAL and region not in self.geography.codes("helsefellesskap"):
            known = ", ".join(sorted(self.geography.codes("helsefellesskap")))
            raise ParameterError(f"ukjent region '{region}'; bruk '{NATIONAL}' eller en av: {known}")
        self.region = region
        self._tables, self._series, self._visible = {}, {}, {}

    # -- region -----------------------------------------------------------------------------
    @property
    def national(self):
        return self.region == NATIONAL

    @property
    def region_name(self):
        return "Hele landet" if self.national else self.geography.name("helsefellesskap", self.region)

    def focus(self, level):
        """The region's own codes at ``level`` (empty for the national edition)."""
        if self.national:
            return []
        if level == "helsefellesskap":
            return [self.region]
        if level == "rhf":
            return [self.geography.rhf_of("helsefellesskap", self.region)]
        if level in ("hf", "kommune"):
            col = "kommunenummer" if level == "kommune" else "hf"
            return self.geography.members(col, self.region)
        return []

    def previous(self):
        """The previous edition of the same plan (same region), or None."""
        prev = self.edition.previous_path
        return Dataset(self.root, prev, self.region, self.today) if prev else None

    # -- observations -----------------------------------------------------------------------
    def _verify(self, rels):
        problems = sources.verify(self.data_dir, self.sources, only=set(rels))
        unrecorded = [r for r in rels if sources.owner(self.sources, r) is None]
        problems += [Problem(self.data_dir / r, "filen har ingen kildepost i data/sources/")
                     for r in unrecorded]
        if problems:
            raise DataError(problems)

    def source(self, source_id):
        """A source record; using it makes the chapter depend on its file (for the cache)."""
        opened(self.data_dir / "sources" / f"{source_id}.yml")
        return self.sources[source_id]

    def vintage_files(self, source_id):
        """The source's observation files this edition sees (dated at or before its cut-off)."""
        if source_id not in self._visible:  # asked for by every query; a chapter is short
            self._visible[source_id] = vintages.visible(
                vintages.files(self.data_dir, source_id, self.sources[source_id].files),
                self.edition.data_cutoff)
        return self._visible[source_id]

    def knows(self, source_id):
        """Whether the source was known at the edition's cut-off: it has observations dated by
        then, or (a source without observation files) it was published by then."""
        src = self.sources[source_id]
        if vintages.files(self.data_dir, source_id, src.files):
            return bool(self.vintage_files(source_id))
        return src.published <= self.edition.data_cutoff

    def known_as_of(self):
        """The date of the newest data this edition sees (its latest vintage), as YYYY-MM-DD."""
        dates = [vintages.date_of(p) for s in self.sources for p in self.vintage_files(s)]
        return max(dates) if dates else self.edition.data_cutoff

    def sources_of(self, id):
        """The indicator's sources (catalogue order) that this edition knows."""
        return [s for s in self.indicator(id).source if self.knows(s)]

    def _table(self, source_id):
        if source_id not in self._tables:
            self.source(source_id)
            paths = self.vintage_files(source_id)
            rels = [p.relative_to(self.data_dir).as_posix() for p in paths]
            self._verify(rels)  # from here on, the records' sha256 name the files' contents
            files = self.sources[source_id].files
            key = (source_id, tuple((r, files[r]) for r in rels), self.edition.data_year,
                   self._context)
            if key not in _TABLES:
                _TABLES[key] = _SourceTable(self._read_source(paths))
                if len(_TABLES) > _TABLES_KEPT:
                    gone = _TABLES.pop(next(iter(_TABLES)))
                    for shared in [k for k in _SERIES if gone in k]:  # its series go with it
                        del _SERIES[shared]
            else:
                for path in paths:  # read all the same, as far as the build cache is concerned
                    opened(path)
            self._tables[source_id] = _TABLES[key]
        return self._tables[source_id]

    def _read_source(self, paths):
        frames = []
        for path in paths:
            frame, problems = observations.read(path, self.catalogue, self.geography,
                                                set(self.sources), self.today)
            if problems:
                raise DataError(problems)
            frames.append(frame)
        # The latest vintage at or before the cut-off, for every key.
        frame = vintages.latest(frames)
        if frame is None:
            frame = pd.DataFrame(columns=COLUMNS + [VINTAGE]).astype({"value": float})
        # Once per source: the edition's periods, area names, a stable order.
        frame = frame[frame["period"].map(periods.end_year) <= self.edition.data_year]
        frame = frame.assign(name=[self.geography.name(lv, c) for lv, c in
                                   zip(frame["geo_level"], frame["geo_code"])])
        return frame.sort_values(SERIES + ["period"])

    def preload(self):
        """Parse every source this edition sees (and its previous edition's), as a warm kernel
        does before the first chapter it runs."""
        for ds in filter(None, (self, self.previous())):
            for source_id in ds.sources:
                if ds.vintage_files(source_id):
                    ds._table(source_id)

    def _known(self, ids):
        unknown = [i for i in ids if i not in self.catalogue.indicators]
        if unknown:
            raise DataError(Problem("data/catalogue.yml", "ukjent indikator", value=", ".join(unknown)))

    def observations(self, ids, level=None, codes=None):
        """Observations of indicators ``ids`` up to the edition's data year, as known at its
        data cut-off (the latest vintage of each value), sorted by indicator, level, code and
        period."""
        ids = [ids] if isinstance(ids, str) else list(dict.fromkeys(ids))
        self._known(ids)
        wanted = {s for i in ids for s in self.catalogue.indicators[i].source}
        pieces = []
        for sid in sorted(s for s in wanted if self.vintage_files(s)):
            table, picked = self._table(sid), []
            for ind in ids:
                by_level = table.positions.get(ind, {})
                for lv in ([level] if level is not None else by_level):
                    by_code = by_level.get(lv, {})
                    picked += [by_code[c] for c in (codes if codes is not None else by_code)
                               if c in by_code]
            pos = np.sort(np.concatenate(picked)) if picked else np.array([], dtype=np.intp)
            pieces.append(table.frame.take(pos))
        if not pieces:
            return pd.DataFrame(columns=COLUMNS + ["name"])
        filled = [p for p in pieces if len(p)]
        if len(filled) <= 1:  # one source has rows: they are sorted already
            return (filled or pieces)[0].reset_index(drop=True)
        # each piece is sorted already; sources may interleave
        return pd.concat(pieces).sort_values(SERIES + ["period"], kind="stable").reset_index(drop=True)

    def series(self, id, level=NATIONAL, code=NATIONAL_CODE):
        """One value per period (rows of observations), missing values left out. Multi-year
        averages are left out when yearly values exist; where two sources give a value for the
        same period, the source listed first in the catalogue is used."""
        key = (id, level, code)
        if key not in self._series:  # targets, values and tables ask for the same series
            self._known([id])
            # Each table is asked for all the same, so the chapter depends on its files.
            tables = tuple(self._table(s) for s in self.indicator(id).source if self.vintage_files(s))
            shared = key + tables
            if shared not in _SERIES:
                _SERIES[shared] = self._compute_series(id, level, code, tables)
                if len(_SERIES) > _SERIES_KEPT:
                    del _SERIES[next(iter(_SERIES))]
            # A copy per chapter: one that changes its series cannot change the next chapter's.
            self._series[key] = _SERIES[shared].copy()
        return self._series[key]

    def _compute_series(self, id, level, code, tables):
        """``tables``: the parsed tables of the indicator's sources that this edition sees."""
        if len(tables) != 1:  # several sources (or none): the general query below
            return self._merged_series(id, level, code)
        # One source: its table is sorted by series and period and holds one value per period,
        # so the series is the table's rows for it, less missing values and (where yearly
        # values exist) multi-year averages.
        table = tables[0]
        pos = table.positions.get(id, {}).get(level, {}).get(code, np.array([], dtype=np.intp))
        pos = pos[~np.isnan(table.values[pos])]
        averages = np.array([periods.is_multi_year(p) for p in table.periods[pos]], dtype=bool)
        if (~averages).any():
            pos = pos[~averages]
        return table.frame.take(pos).reset_index(drop=True)

    def _merged_series(self, id, level, code):
        obs = self.observations(id, level, [code]).dropna(subset=["value"])
        averages = obs["period"].map(periods.is_multi_year).astype(bool)
        if (~averages).any():
            obs = obs[~averages]
        rank = {s: n for n, s in enumerate(self.indicator(id).source)}
        obs = obs.assign(rank=obs["source"].map(rank)).sort_values(["period", "rank"])
        return obs.drop_duplicates("period").drop(columns="rank").reset_index(drop=True)

    def points(self, id, level=NATIONAL, code=NATIONAL_CODE):
        """(period, value) pairs of :meth:`series`, sorted by period."""
        obs = self.series(id, level, code)
        return list(zip(obs["period"], obs["value"]))

    def qualified_points(self, id, level=NATIONAL, code=NATIONAL_CODE):
        """(period, value, qualifiers, source) of :meth:`series`, sorted by period."""
        obs = self.series(id, level, code)
        return [(p, v, split_status(st)[1], src)
                for p, v, st, src in zip(obs["period"], obs["value"], obs["status"], obs["source"])]

    def latest_text(self, id, level=NATIONAL, code=NATIONAL_CODE):
        """(period, value as the report writes it, with the source's qualifiers) of the latest
        value, or (None, "ikke tilgjengelig")."""
        pts = self.qualified_points(id, level, code)
        if not pts:
            return None, formatting.MISSING
        period, value, quals, _ = pts[-1]
        return period, self.value_text(id, value, quals)

    def latest(self, id, level=NATIONAL, code=NATIONAL_CODE):
        pts = self.points(id, level, code)
        return pts[-1] if pts else (None, None)

    def population(self, unit, level, code, period):
        """The denominator of a rate in ``unit`` for one area: the population of the age group
        the unit names, on 1 January of the rate's own year; None where it is not known (then
        the rate is not known either) or the period is not one year."""
        ind = RATE_DENOMINATOR.get(unit)
        if ind is None or periods.is_multi_year(period) or ind not in self.catalogue.indicators:
            return None
        year = str(periods.end_year(period))
        hit = self.series(ind, level, code)
        hit = hit[hit["period"] == year]
        return float(hit["value"].iloc[0]) if len(hit) else None

    # -- presentation helpers ----------------------------------------------------------------
    def indicator(self, id):
        return self.catalogue.indicators[id]

    def source_text(self, ids, obs=None):
        """'Kilde: ...' for the indicators ``ids`` (and the refs of the observations shown)."""
        ids = [ids] if isinstance(ids, str) else list(ids)
        parts = []
        shown = set(obs["source"]) if obs is not None else None
        for sid in dict.fromkeys(s for i in ids for s in self.sources_of(i)):
            if shown is not None and sid not in shown:
                continue
            src = self.source(sid)
            text = f"{src.publisher}: {src.title}"
            if obs is not None:
                refs = sorted(set(obs.loc[obs["source"] == sid, "ref"]) - {""})
                lines = [r[1:].replace("-", "–") for r in refs if r.startswith("L")]
                if lines and len(lines) <= 4:
                    text += f", linje {', '.join(lines)}"
            parts.append(f"{text} ({src.licence})")
        return "Kilde: " + ("; ".join(parts) or "ingen kilde publisert før datagrensen") + "."

    def value_text(self, id, value, qualifiers=()):
        """``qualifiers``: a tuple from ``model.split_status`` or a raw ``status`` cell."""
        ind = self.indicator(id)
        if isinstance(qualifiers, str):
            qualifiers = split_status(qualifiers)[1]
        return formatting.with_unit(value, ind.unit, ind.decimals, qualifiers)

    def target(self, id):
        """The indicator's target if the plan of this edition set it, else None (a target set
        by the previous plan is judged in that plan's editions, not in the new plan's)."""
        t = self.indicator(id).target
        if not t:
            return None
        first, last = (int(y) for y in str(t["plan"]).replace("–", "-").split("-"))
        return t if (first, last) == tuple(self.edition.plan_years) else None

    def judgement(self, id, level=NATIONAL, code=NATIONAL_CODE):
        """The target status with the value it rests on (``targets.Judgement``), or None."""
        t = self.target(id)
        if not t:
            return None
        return targets.judge(t, self.qualified_points(id, level, code), self.edition.plan_years,
                             self.edition.data_year)

    def target_status(self, id, level=NATIONAL, code=NATIONAL_CODE):
        j = self.judgement(id, level, code)
        return j.status if j else None

    def target_text(self, id):
        """"under 35 dager": the target with the precision the source gives it."""
        t = self.target(id)
        if not t:
            return None
        ind = self.indicator(id)
        v = t["value"]
        decimals = 0 if float(v).is_integer() else len(str(v).split(".")[1])
        return f"{targets.WORDS[t['comparator']]} {formatting.with_unit(v, ind.unit, decimals)}"

    def target_year_text(self, id):
        t = self.target(id)
        return str(t["year"]) if t and t.get("year") is not None else targets.NOT_GIVEN

    def basis_text(self, id, level=NATIONAL, code=NATIONAL_CODE):
        """What the status rests on: "52 % (31.07.2022; Helsedirektoratet)" or the rule."""
        j = self.judgement(id, level, code)
        if j is None:
            return None
        if j.basis is None:
            return j.rule
        period, value, quals, src = j.basis
        who = self.source(src).publisher if src in self.sources else src
        return f"{self.value_text(id, value, quals)} ({period_label(period)}; {who}); {j.rule}"

    def values(self, ids):
        """Placeholder values for narrative texts: ``{{ id.siste }}`` etc., nationally."""
        out = {}
        for i in ids:
            ind, pts = self.indicator(i), self.qualified_points(i)
            last = pts[-1] if pts else (None, None, (), None)
            prev = pts[-2] if len(pts) > 1 else (None, None, (), None)
            entry = {
                "tittel": ind.title,
                "siste": self.value_text(i, last[1], last[2]),
                "periode": period_label(last[0]) if last[0] else formatting.MISSING,
                "forrige": self.value_text(i, prev[1], prev[2]),
                "forrige_periode": period_label(prev[0]) if prev[0] else formatting.MISSING,
                "endring": (formatting.with_unit(last[1] - prev[1], ind.unit if ind.unit != "prosent"
                                                 else "prosentpoeng", ind.decimals)
                            if prev[1] is not None and _comparable(last[2], prev[2])
                            else formatting.MISSING),
            }
            between = [b["note"] for b in ind.breaks if prev[0] and last[0]
                       and prev[0] < b["period"] <= last[0]]
            if between:  # a break between the two values: no change is computed across it
                entry["endring"] = formatting.MISSING
            entry["brudd"] = " ".join(between)
            if self.target(i):
                entry["mål"] = self.target_text(i)
                entry["status"] = self.target_status(i)
                entry["grunnlag"] = self.basis_text(i)
                entry["målår"] = self.target_year_text(i)
            out[i] = entry
        return out

    def narrative(self, chapter):
        """The staff's assessment for this edition and chapter as Markdown, placeholders filled;
        None if no text is written yet."""
        path = self.data_dir / "narrative" / self.edition.name / f"{chapter}.md"
        if not path.exists():
            return None
        text = opened(path).read_text(encoding="utf-8-sig")
        return narrative.fill(text, _LazyValues(self), file=str(path))

    @cached_property
    def tiltak(self):
        return tiltak.load(self.data_dir / "tiltak.csv")

    def tiltak_for(self, chapter):
        return tiltak.for_edition(self.tiltak, self.edition.name, self.edition.plan_years[0], chapter)


def _comparable(a, b):
    """A difference means something only between plain measurements (or two approximations):
    not for bounds, forecasts or cumulative totals."""
    return not (set(a) | set(b)) - {"approximate"}


class _LazyValues(dict):
    """Placeholder values computed only for the indicators a text uses."""

    def __init__(self, ds):
        super().__init__()
        self.ds = ds
        self.names = list(ds.catalogue.indicators)

    def __missing__(self, key):
        if key not in self.ds.catalogue.indicators:
            raise KeyError(key)
        self[key] = self.ds.values([key])[key]
        return self[key]


def load(root, edition=None, region=NATIONAL):
    """What a chapter notebook reads: ``edition`` empty means the newest in params/."""
    return Dataset(root, edition, region)
