"""Command-line parsing, help and exit codes (no build needed)."""

import pytest

from statusrapport import cli
from conftest import ROOT as ROOT_DIR


def test_help_lists_options_and_exit_codes(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.build_parser().parse_args(["--help"])
    assert exc.value.code == 0
    text = capsys.readouterr().out
    for option in ("--params", "--chapter", "--format", "--output", "--region", "--jobs", "--scheduler", "--force",
                   "--allow-errors", "validate", "indicators", "import", "verify", "avslutningskoder"):
        assert option in text


def test_parses_repeated_chapters_and_formats():
    args = cli.build_parser().parse_args(["--chapter", "samhandling", "--chapter", "kompetanse",
                                          "--format", "pdf", "--jobs", "2"])
    assert args.chapter == ["samhandling", "kompetanse"]
    assert args.format == ("pdf",)
    assert args.jobs == 2


@pytest.mark.parametrize("argv, message", [
    (["--format", "docx"], "ukjent format 'docx'"),
    (["--jobs", "0"], "--jobs skal være et positivt heltall"),
    (["--bogus"], "ukjente argumenter: --bogus; se --help for lovlige valg"),
    (["--format"], "--format trenger en verdi, f.eks. --format VERDI"),
])
def test_bad_arguments_exit_2_with_message(argv, message, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.build_parser().parse_args(argv)
    assert exc.value.code == 2
    assert message in capsys.readouterr().err


def test_unknown_chapter_and_edition(monkeypatch, capsys, tmp_path):
    from conftest import copy_project

    project = copy_project(tmp_path / "p")
    monkeypatch.setattr(cli, "ROOT", project)
    assert cli.main(["--chapter", "tannhelse"]) == 2
    assert "ukjent kapittel: tannhelse" in capsys.readouterr().err
    assert cli.main(["--params", "1999"]) == 2
    assert "1999: utgavefilen finnes ikke" in capsys.readouterr().err


@pytest.mark.parametrize("command, argv, message", [
    ("import", ["levering.csv"], "mangler --source; skriv det etter kommandoen (se --help)"),
    ("indicators", ["--chapter", "tannhelse"],
     "--chapter: ugyldig valg 'tannhelse'; bruk en av: 'samhandling', 'psykisk_helse'"),
    ("indicators", ["--format", "xml"], "--format: ugyldig valg 'xml'; bruk en av: 'table', 'json'"),
    ("validate", ["ekstra"], "ukjente argumenter: ekstra; se --help"),
])
def test_subcommand_argument_errors_are_in_norwegian(command, argv, message, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.COMMANDS[command](argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert message in err and err.startswith("bruk: ./rapport " + command)
    assert not any(word in err for word in ("usage", "error", "required", "choose from"))


def test_help_is_in_norwegian(capsys):
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["--help"])
    text = capsys.readouterr().out
    assert text.startswith("bruk: ./rapport") and "valg:" in text
    assert "vis denne hjelpen og avslutt" in text and "show this help" not in text


def test_unknown_argparse_message_is_left_as_it_is():
    assert cli.norwegian("noe helt annet") == "noe helt annet"


def test_entry_point_script_sets_up_and_runs_build_py():
    from conftest import ROOT

    script = (ROOT / "rapport").read_text(encoding="utf-8")
    assert (ROOT / "rapport").stat().st_mode & 0o111, "./rapport skal være kjørbar"
    assert "make --no-print-directory .venv/.installed" in script
    assert 'exec .venv/bin/python build.py "$@"' in script


def _tiltak(project, monkeypatch, capsys, *argv):
    monkeypatch.setattr(cli, "ROOT", project)
    code = cli.main(["tiltak", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_tiltak_command_sets_status_with_comma_in_comment(tmp_path, monkeypatch, capsys):
    from conftest import copy_project
    from statusrapport.data import tiltak

    project = copy_project(tmp_path / "p")
    code, out, _ = _tiltak(project, monkeypatch, capsys, "nhsp2026_psyk_01", "--status", "Levert",
                           "--kommentar", "Levert, se årsrapporten", "--ref", "side 12",
                           "--utgave", "2026")
    assert code == 0 and "Status for nhsp2026_psyk_01 i utgave 2026 er nå «levert»" in out
    frame = tiltak.load(project / "data" / "tiltak.csv")
    row = frame[frame["id"] == "nhsp2026_psyk_01"].iloc[-1]
    assert (row["status"], row["comment"], row["ref"]) == ("levert", "Levert, se årsrapporten", "side 12")
    assert len(frame[frame["id"] == "nhsp2026_psyk_01"]) == 1  # the 2026 row changed, not added
    code, out, _ = _tiltak(project, monkeypatch, capsys, "nhsp2026_psyk_01")
    assert code == 0 and "2026: levert – Levert, se årsrapporten" in out


@pytest.mark.parametrize("argv, message", [
    (["nhsp2026_psyk_1", "--status", "levert"],
     "ukjent tiltak 'nhsp2026_psyk_1' (mente du 'nhsp2026_psyk_"),
    (["nhsp2026_psyk_01", "--status", "levret"],
     "ukjent status 'levret' (mente du 'levert'?); bruk en av: ikke startet, i rute"),
    (["nhsp2026_psyk_01", "--status", "levert", "--kilde", "seed02"],
     "ukjent kilde 'seed02' (mente du 'seed002'?); lag kildeposten data/sources/<id>.yml først"),
    (["--fra", "finnes_ikke.xlsx"], "finnes_ikke.xlsx: filen finnes ikke; angi stien"),
])
def test_tiltak_command_mistakes(argv, message, tmp_path, monkeypatch, capsys):
    from conftest import copy_project

    project = copy_project(tmp_path / "p")
    before = (project / "data" / "tiltak.csv").read_bytes()
    code, _, err = _tiltak(project, monkeypatch, capsys, *argv)
    assert code == 2 and message in err
    assert (project / "data" / "tiltak.csv").read_bytes() == before


def test_tiltak_from_excel_workbook_and_excel_csv(tmp_path, monkeypatch, capsys):
    import csv
    import io

    import openpyxl

    from conftest import copy_project
    from statusrapport.data import tiltak

    project = copy_project(tmp_path / "p")
    path = project / "data" / "tiltak.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.active.append(["nhsp2026_psyk_01", 2027, "psykisk_helse", "Tittel, med komma", "HOD", 2027,
                        "I RUTE", "Bærum, Asker", "seed002", "L1"])
    book.save(project / "data" / "tiltak.xlsx")
    monkeypatch.setattr(cli, "ROOT", project)
    assert cli.main(["validate", "--params", "2026"]) == 3  # the workbook is not read by itself
    assert "./rapport tiltak --fra data/tiltak.xlsx" in capsys.readouterr().err
    code, out, _ = _tiltak(project, monkeypatch, capsys, "--fra", str(project / "data" / "tiltak.xlsx"))
    assert code == 0 and f"Leste {len(rows)} linjer" in out
    assert not (project / "data" / "tiltak.xlsx").exists()
    frame = tiltak.load(path)
    assert frame.iloc[-1][["edition", "status", "comment"]].tolist() == ["2027", "i rute", "Bærum, Asker"]
    text = path.read_text(encoding="utf-8")  # back in the project's own form
    assert text.startswith("id,edition,") and '"Bærum, Asker"' in text
    out = io.StringIO()  # as Excel saves CSV in Norway: semicolons, cp1252
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(
        csv.reader(io.StringIO(text)))
    path.write_bytes(out.getvalue().encode("cp1252"))
    assert tiltak.load(path).equals(frame)


def test_indicators_table_has_header_titles_and_readable_periods(monkeypatch, capsys):
    from conftest import ROOT

    monkeypatch.setattr(cli, "ROOT", ROOT)
    assert cli.main(["indicators", "--chapter", "samhandling"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:4] == ["id", "tittel", "enhet", "perioder"]
    assert set(lines[1]) == {"-"}
    row = next(line for line in lines if line.startswith("kpr_psyk_pasienter_barn "))
    assert "2019–2023" in row and "2019-2023" not in row and "Barn og unge" in row
    assert lines[-1].startswith(f"{len(lines) - 3} indikatorer i kapitlet samhandling")


def test_tiltak_round_trip_through_excel_workbook(tmp_path, monkeypatch, capsys):
    from conftest import copy_project
    from statusrapport.data import tiltak

    project = copy_project(tmp_path / "p")
    before = tiltak.load(project / "data" / "tiltak.csv")
    code, out, _ = _tiltak(project, monkeypatch, capsys, "--til-excel")
    assert code == 0 and "./rapport tiltak --fra data/tiltak.xlsx" in out
    code, _, err = _tiltak(project, monkeypatch, capsys, "--til-excel")
    assert code == 2 and "data/tiltak.xlsx finnes allerede; les den inn med" in err
    code, _, _ = _tiltak(project, monkeypatch, capsys, "--fra", str(project / "data" / "tiltak.xlsx"))
    assert code == 0 and tiltak.load(project / "data" / "tiltak.csv").equals(before)
    assert (project / "data" / "tiltak.csv").read_bytes() == (ROOT_DIR / "data" / "tiltak.csv").read_bytes()
