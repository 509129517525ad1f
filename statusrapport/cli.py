"""Command line: ``python build.py [options]`` builds an edition; subcommands ``validate``,
``indicators``, ``import`` and ``verify`` work on the data and the published report.

Exit codes: 0 success; 1 unexpected error; 2 bad parameter; 3 data problem; 4 a chapter failed;
130 interrupted."""

import argparse
import sys
from pathlib import Path

from . import __version__
from .exceptions import ParameterError, StatusrapportError

ROOT = Path.cwd()
EPILOG = """\
underkommandoer:
  validate                 sjekk alle datafiler og skriv alle feil
  indicators               vis indikatorkatalogen (--chapter, --format table|json)
  import FIL --source ID   les en datalevering (JSON-stat2, CSV, XLSX) inn som observasjoner
  verify                   bygg på nytt i en midlertidig mappe og sammenlign med output/

avslutningskoder: 0 ok, 1 uventet feil, 2 ugyldig parameter, 3 feil i data,
                  4 et kapittel feilet, 130 avbrutt
"""


def _formats(text):
    formats = tuple(f.strip() for f in text.split(",") if f.strip())
    bad = [f for f in formats if f not in ("html", "pdf")]
    if bad or not formats:
        raise argparse.ArgumentTypeError(f"ukjent format '{','.join(bad) or text}'; bruk html,pdf")
    return formats


def _jobs(text):
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"--jobs skal være et positivt heltall, fikk '{text}'")
    return n


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: feil: {message}\n")
        sys.exit(2)


def build_parser():
    p = _Parser(prog="build.py", description="Bygger statusrapporten for Nasjonal helse- og "
                "samhandlingsplan: kapittel-notatbøker kjøres med papermill og settes sammen til "
                "HTML og PDF.", epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--params", type=Path, help="utgavefil (standard: den nyeste i params/)")
    p.add_argument("--chapter", action="append", default=[], metavar="NAVN",
                   help="bygg bare dette kapitlet (kan gjentas), f.eks. --chapter samhandling")
    p.add_argument("--format", type=_formats, default=("html", "pdf"), help="html,pdf (standard begge)")
    p.add_argument("--output", type=Path, help="utmappe (standard: output/)")
    p.add_argument("--region", default="land",
                   help="'land' (standard), et helsefellesskap (f.eks. bergen) eller 'all'")
    p.add_argument("--jobs", type=_jobs, help="antall kapitler som kjøres samtidig (standard: antall kjerner)")
    p.add_argument("--force", action="store_true", help="kjør alle kapitler på nytt, se bort fra cache")
    p.add_argument("--allow-errors", action="store_true",
                   help="publiser et UTKAST selv om kapitler feiler")
    p.add_argument("--version", action="version", version=f"statusrapport {__version__}")
    return p


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] in COMMANDS:
            return COMMANDS[argv[0]](argv[1:])
        return _build(build_parser().parse_args(argv))
    except StatusrapportError as err:
        print(f"FEIL: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("Avbrutt. Rapporten i output/ er uendret.", file=sys.stderr)
        return 130


def _params_path(args):
    from . import edition

    if args.params is None:
        return edition.newest(ROOT / "params")
    if not args.params.exists() and (ROOT / "params" / f"{args.params}.yml").exists():
        return ROOT / "params" / f"{args.params}.yml"
    if not args.params.exists():
        raise ParameterError(f"{args.params}: utgavefilen finnes ikke (se mappen params/)")
    return args.params


def _build(args):
    from . import report
    from .dataset import Dataset

    params = _params_path(args)
    regions = [args.region]
    if args.region == "all":
        ed = params.stem
        regions = ["land"] + sorted(Dataset(ROOT, ed).geography.codes("helsefellesskap"))
    status = 0
    for region in regions:
        opt = report.Options(root=ROOT, params=params, region=region, formats=args.format,
                             only=tuple(args.chapter), output=args.output, jobs=args.jobs,
                             force=args.force, allow_errors=args.allow_errors)
        result = report.build(opt)
        for run in result.failures:
            print(f"FEIL: {run.error}", file=sys.stderr)
        if result.failures and not args.allow_errors:
            print(f"Ingen rapport publisert; {len(result.failures)} kapittel(er) feilet. "
                  f"Notatbøker med feil: {result.out_dir / 'failed'}", file=sys.stderr)
            status = 4
        elif result.published:
            print(f"Ferdig på {result.seconds:.1f} s: {result.out_dir}")
    return status


def _validate(argv):
    from . import validate

    _Parser(prog="build.py validate", description="Sjekk alle datafiler.").parse_args(argv)
    problems = validate.run(ROOT)
    if problems:
        print(f"{len(problems)} feil funnet:", file=sys.stderr)
        for p in problems:
            print(f"  - {p}", file=sys.stderr)
        return 3
    print("Alle datafiler er gyldige.")
    return 0


COMMANDS = {"validate": _validate}
