"""Editions: the 2022 edition (previous plan) states seed 000's headline figures; region editions
show their own values from the same data."""

import json
import re

import nbformat
import pytest

from conftest import copy_project, run_build

NBSP = "\u00a0"

# (indicator, as the report states it, line in data/snapshots/seed000/ — Helsedirektoratet,
#  Rapport 2022: status og fremdrift)
SEED_000_HEADLINES = [
    ("helsefellesskap_etablert", "18", "L82"),
    ("sekretariatstilskudd_belop", "9 700 000 kroner", "L1915-1916"),
    ("utskrivningsklare_pasienter", "om lag 16 000", "L154-156"),  # "omtrent 16 000"
    ("barn_unge_omfattende_behov_andel", "7,7 %", "L2309-2312"),
    ("pasopp_sykehus_samarbeid_fastlege", "55 %", "L2692-2696"),
    ("pasopp_fastlege_koordinerer", "77 %", "L2684-2686"),
    ("hjerneslag_funksjonsvurdering_andel", "80,4 %", "L3403-3405"),
    ("ventetid_phbu", "49,6 dager", "L248-249"),
    ("phbu_pasienter_endring", "+16 %", "L224-228"),
    ("tsb_pasienter_endring", "\u22123 %", "L232-236"),
    ("phbu_nye_pasienter_jenter_13_15_endring", "+59 %", "L259-261"),
    ("smi_andel_voksne", "1,6 %", "L2459-2460"),
    ("ips_avsluttet_arbeid_utdanning_andel", "33,6 %", "L4803-4806"),
    ("ips_stillinger_tilskudd", "128,5", "L4797-4800"),
    ("fact_team_antall", "82", "L4975-4977"),
    ("rask_psykisk_helsehjelp_kommuner", "72", "L9650-9652"),
    ("legevakt_tilskudd_distrikt", "50 mill. kroner", "L5619-5620"),
    ("legevaktsentraler_video", "60", "L5543-5545"),
    ("fastlege_innbyggere_uten_lege", "153 179", "L1503-1504"),
    ("fastlege_innbyggere_uten_lege_andel", "2,8 %", "L1501-1502"),
    ("sykepleiere_per_1000", "19 per 1 000 innbyggere", "L11892-11893"),
    ("isf_samarbeid_stg_andel", "23 %", "L8483-8485"),
    ("rbf_antall_indikatorer", "7", "L8664-8668"),
]


@pytest.fixture(scope="module")
def edition_2022(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("e2022") / "project")
    result = run_build(project, "--params", "2022", "--format", "html")
    assert result.returncode == 0, result.stderr
    return project, (project / "output" / "2022" / "statusrapport.html").read_text(encoding="utf-8")


def _row(html, title):
    """The row of ``title`` in a chapter's indicator overview: (period, value, source) cells."""
    overviews = "".join(t.split("</table>")[0] for t in html.split("Alle indikatorer i kapitlet")[1:])
    m = re.search(r'<th scope="row" class="l">' + re.escape(title) + r"</th>(.*?)</tr>", overviews)
    assert m, title
    return [re.sub("<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", m.group(1))]


@pytest.mark.parametrize("indicator, stated, line", SEED_000_HEADLINES)
def test_2022_edition_states_seed_000_figure(edition_2022, indicator, stated, line):
    import html as html_mod

    from statusrapport.data.dataset import Dataset

    project, page = edition_2022
    ds = Dataset(project, "2022")
    title = html_mod.escape(ds.indicator(indicator).title)
    period, value, source = _row(page, title)
    assert value.replace(NBSP, " ") == stated
    assert source.startswith("Helsedirektoratet") and f"linje {line[1:].replace('-', '–')}" in source
    seed = next((project / "data" / "snapshots" / "seed000").glob("000_*.txt"))
    first, _, last = line[1:].partition("-")
    lines = seed.read_text(encoding="utf-8").splitlines()[int(first) - 1:int(last or first)]
    digits = re.sub(r"[^\d,]", "", stated.split(" kroner")[0].split(" per")[0].split(" dager")[0])
    assert digits.replace(",", "") in re.sub(r"[^\d]", "", " ".join(lines)), (indicator, lines)


def test_2022_edition_lists_previous_plan_assignments(edition_2022):
    _, page = edition_2022
    assert "Nasjonal helse- og sykehusplan 2020–2023" in page
    assert "Levert" in page or "levert" in page


def test_region_all_builds_national_and_19_editions_with_their_own_values(tmp_path):
    project = copy_project(tmp_path / "project")
    result = run_build(project, "--region", "all", "--chapter", "kompetanse", "--format", "html")
    assert result.returncode == 0, result.stderr
    out = project / "output" / "2026-utkast"  # one chapter: a draft beside the edition
    regions = sorted(p.parent.name for p in out.glob("*/statusrapport.html"))
    assert len(regions) == 19 and (out / "statusrapport.html").exists()
    bergen = (out / "bergen" / "statusrapport.html").read_text(encoding="utf-8")
    finnmark = (out / "finnmark" / "statusrapport.html").read_text(encoding="utf-8")
    assert "Helsefellesskap Bergen" in bergen.split("<main")[0]
    assert "Helsefellesskap Bergen" not in finnmark.split("<main")[0]
    own = re.compile(r"Uthevet: ([^.]+?) med ([\d\u00a0,]+)")
    assert own.findall(bergen) and own.findall(finnmark)
    assert own.findall(bergen) != own.findall(finnmark)


def test_params_file_elsewhere_is_the_one_hashed_shown_and_read_by_every_chapter(tmp_path):
    """``--params`` with a copy outside params/: the cover shows its title, the chapters read its
    data year, and a later edit of that file is noticed (not "Ingen endringer")."""
    project = copy_project(tmp_path / "project")
    elsewhere = tmp_path / "elsewhere" / "2026.yml"
    elsewhere.parent.mkdir()
    text = (project / "params" / "2026.yml").read_text(encoding="utf-8")
    elsewhere.write_text(text.replace("title: Statusrapport 2026", "title: Prøvetrykk 2026")
                         .replace("data_year: 2025", "data_year: 2024"), encoding="utf-8")
    args = ("--params", str(elsewhere), "--chapter", "kompetanse", "--format", "html")
    result = run_build(project, *args)
    assert result.returncode == 0, result.stderr
    out = project / "output" / "2026-utkast"  # one chapter: a draft beside the edition
    html = (out / "statusrapport.html").read_text(encoding="utf-8")
    assert "<title>Prøvetrykk 2026</title>" in html
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["headlines"]["arsverk_hf_totalt"]["label"].endswith("(2024)")  # not 2025
    injected = nbformat.read(out / "notebooks" / "04_kompetanse.ipynb", as_version=4).cells
    assert any(f"edition = \"{elsewhere}\"" in c.source for c in injected)

    assert "Ingen endringer" in run_build(project, *args).stdout
    elsewhere.write_text(elsewhere.read_text(encoding="utf-8").replace("Prøvetrykk", "Korrektur"),
                         encoding="utf-8")
    again = run_build(project, *args)
    assert again.returncode == 0 and "Ingen endringer" not in again.stdout, again.stdout
    assert "<title>Korrektur 2026</title>" in (out / "statusrapport.html").read_text(encoding="utf-8")


def test_2022_edition_cites_no_source_published_after_its_cutoff(edition_2022):
    """The 2022 edition reproduces a report signed 19 October 2022: Meld. St. 9 (2024), the
    registers retrieved in 2026 and the 2022 consultation draft (dated only by year) are unknown
    to it, and seed 000 is what it shows."""
    import html as html_mod

    from statusrapport.data.dataset import Dataset

    project, page = edition_2022
    ds = Dataset(project, "2022")
    late = {s.id: s.published for s in ds.sources.values() if s.published > ds.edition.data_cutoff}
    assert {"seed002", "seed003", "skde_helseatlas", "ssb_kostra_11996"} <= set(late)
    for sid in late:
        src = ds.sources[sid]
        assert html_mod.escape(f"{src.publisher}: {src.title}") not in page, (sid, late[sid])
    seed000 = ds.sources["seed000"]
    assert html_mod.escape(f"{seed000.publisher}: {seed000.title}") in page
