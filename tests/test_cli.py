"""Command-line parsing, help and exit codes (no build needed)."""

import pytest

from statusrapport import cli


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
    (["--bogus"], "unrecognized arguments"),
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
