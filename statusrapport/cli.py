"""Command line: ``python build.py [options]`` builds an edition; subcommands ``validate``,
``indicators``, ``import`` and ``verify`` work on the data and the published report. Exit codes
are :class:`statusrapport.model.Exit`. The project is the folder the command runs in."""

import argparse
import csv
import signal
import sys
import tempfile
import traceback
from pathlib import Path

from statusrapport import __version__
from statusrapport.errors import ParameterError, StatusrapportError, SystemProblem, listing
from statusrapport.model import CHAPTER_TIMEOUT, CHAPTERS, NATIONAL, Exit

ROOT = Path.cwd()
EPILOG = """\
underkommandoer:
  validate                 sjekk alle datafiler og skriv alle feil
  indicators               vis indikatorkatalogen (--chapter, --format table|json)
  import FIL --source ID   les en datalevering (JSON-stat2, CSV, XLSX) inn som en ny vintage
                           (--dry-run viser endringene uten å skrive, --bekreft godtar advarsler)
  verify                   bygg på nytt i en midlertidig mappe og sammenlign med output/

avslutningskoder: """ + ", ".join(f"{code} {text}" for code, text in Exit.MEANING.items()) + "\n"


def _formats(text):
    formats = tuple(f.strip() for f in text.split(",") if f.strip())
    bad = [f for f in formats if f not in ("html", "pdf")]
    if bad or not formats:
        raise argparse.ArgumentTypeError(f"ukjent format '{','.join(bad) or text}'; bruk html,pdf")
    return formats


def _timeout(text):
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0
    if not seconds > 0:
        raise argparse.ArgumentTypeError(f"--timeout skal være et positivt antall sekunder, fikk '{text}'")
    return seconds


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
        sys.exit(Exit.PARAMETER)


def build_parser():
    p = _Parser(prog="build.py", description="Bygger statusrapporten for Nasjonal helse- og "
                "samhandlingsplan: kapittel-notatbøker kjøres med papermill og settes sammen til "
                "HTML og PDF.", epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--params", type=Path, help="utgavefil (standard: den nyeste i params/)")
    p.add_argument("--chapter", action="append", default=[], metavar="NAVN",
                   help="bygg bare dette kapitlet (kan gjentas), f.eks. --chapter samhandling")
    p.add_argument("--format", type=_formats, default=("html", "pdf"), help="html,pdf (standard begge)")
    p.add_argument("--output", type=Path, help="utmappe (standard: output/)")
    p.add_argument("--region", default=NATIONAL,
                   help=f"'{NATIONAL}' (standard), et helsefellesskap (f.eks. bergen) eller 'all'")
    p.add_argument("--jobs", type=_jobs, help="antall kapitler som kjøres samtidig (standard: antall kjerner)")
    p.add_argument("--scheduler", metavar="ADRESSE",
                   help="adresse til en Dask-klynge, f.eks. tcp://10.0.0.5:8786; standard er lokale prosesser")
    p.add_argument("--timeout", type=_timeout, metavar="SEKUNDER",
                   help="største kjøretid per kapittel før det stoppes (standard: "
                        f"{CHAPTER_TIMEOUT} s)")
    p.add_argument("--force", action="store_true", help="kjør alle kapitler på nytt, se bort fra cache")
    p.add_argument("--allow-errors", action="store_true",
                   help="publiser et UTKAST selv om kapitler feiler")
    p.add_argument("--version", action="version", version=f"statusrapport {__version__}")
    return p


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    signal.signal(signal.SIGTERM, _interrupt)  # clean up staging folders like on Ctrl-C
    try:
        if argv and argv[0] in COMMANDS:
            return COMMANDS[argv[0]](argv[1:])
        return _build(build_parser().parse_args(argv))
    except StatusrapportError as err:
        print(f"FEIL: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("Avbrutt. Rapporten i output/ er uendret.", file=sys.stderr)
        return Exit.INTERRUPTED
    except Exception as err:  # noqa: BLE001 - the one place that turns any error into a message
        if SystemProblem.handles(err):
            print(f"FEIL: {SystemProblem(err)}. Rapporten i output/ er uendret.", file=sys.stderr)
            return Exit.SYSTEM
        log = _log_traceback()
        print(f"FEIL: uventet feil ({type(err).__name__}: {str(err)[:200]}). Rapporten i output/ er "
              f"uendret. Detaljene står i {log}; send filen til den som vedlikeholder "
              "rapportgeneratoren.", file=sys.stderr)
        return Exit.UNEXPECTED


def _log_traceback():
    """The current traceback in a file of its own (in the temporary folder: the project's disk
    may be the problem); returns its path."""
    try:
        fd, path = tempfile.mkstemp(prefix="statusrapport-feil-", suffix=".log")
        with open(fd, "w", encoding="utf-8") as fh:
            fh.write(traceback.format_exc())
        return path
    except OSError:
        return "(kunne ikke skrive loggfil)"


def _params_path(args):
    from statusrapport import edition

    if args.params is None:
        return edition.newest(ROOT / "params")
    if not args.params.exists() and (ROOT / "params" / f"{args.params}.yml").exists():
        return ROOT / "params" / f"{args.params}.yml"
    if not args.params.is_file():
        known = ", ".join(p.stem for p in sorted((ROOT / "params").glob("*.yml")))
        raise ParameterError(f"{args.params}: utgavefilen finnes ikke; utgavene i params/ er: {known}")
    return args.params


def _regions(which):
    """``[which]``, or for 'all' the national edition and every helsefellesskap."""
    if which != "all":
        return [which]
    with open(ROOT / "data" / "geography" / "units.csv", encoding="utf-8-sig", newline="") as fh:
        return [NATIONAL] + sorted(r["code"] for r in csv.DictReader(fh) if r["level"] == "helsefellesskap")


def _build(args):
    from statusrapport.build import hashing
    from statusrapport.render import publish

    from statusrapport.render import manifest

    params = _params_path(args)
    regions = _regions(args.region)
    output = args.output or ROOT / "output"
    if output.exists() and not output.is_dir():
        raise ParameterError(f"--output {output}: er en fil, ikke en mappe; oppgi en mappe")
    inputs = hashing.Inputs.read(ROOT, params)  # once per build; the pipeline reuses it
    if not args.force:  # the quick answer when nothing changed, before the heavy imports
        dirs = [publish.out_dir_for(output, params.stem, r, draft=publish.is_partial(
            output, params.stem, r, args.chapter, args.format)) for r in regions]
        if all(hashing.is_current(d, hashing.fingerprint(inputs, params.stem, r, args.format,
                                                         args.chapter, args.allow_errors), args.format)
               for d, r in zip(dirs, regions)):
            edited = {d: manifest.changed_files(d) for d in dirs}
            if not any(edited.values()):
                publish.remove_stale(output)
                print(f"Ingen endringer: utgave {params.stem} i {output} er bygget fra akkurat "
                      "disse filene.")
                return Exit.OK
    from statusrapport.build import pipeline

    opt = pipeline.Options(root=ROOT, params=params, formats=args.format, only=tuple(args.chapter),
                         output=args.output, jobs=args.jobs, scheduler=args.scheduler,
                         force=args.force, allow_errors=args.allow_errors,
                         timeout=args.timeout or CHAPTER_TIMEOUT)
    status = Exit.OK
    for result in pipeline.build(opt, regions, inputs):
        for run in result.failures:
            print(f"FEIL: {run.error}", file=sys.stderr)
        if result.failures and not args.allow_errors:
            print(f"Ingen rapport publisert i {result.out_dir}; {len(result.failures)} kapittel(er) "
                  f"feilet. Notatbøker og logger med feil: {result.failed_dir}", file=sys.stderr)
            status = Exit.CHAPTER
        elif result.published:
            draft = " (UTKAST med feil)" if result.failures else ""
            print(f"Ferdig på {result.seconds:.1f} s{draft}: {result.out_dir}")
            if result.draft:
                print("Delvis bygging (--chapter eller færre formater enn den publiserte utgaven): "
                      f"lagt som UTKAST i {result.out_dir}; den publiserte utgaven er uendret. "
                      "Bygg uten --chapter og med alle formater for å publisere.")
    return status


def _validate(argv):
    from statusrapport.data import validate

    _Parser(prog="build.py validate", description="Sjekk alle datafiler.").parse_args(argv)
    problems = validate.run(ROOT)
    if problems:
        print(f"{len(problems)} feil funnet:", file=sys.stderr)
        print("\n".join(listing(problems)), file=sys.stderr)
        return Exit.DATA
    print("Alle datafiler er gyldige.")
    return Exit.OK


def _indicators(argv):
    import json

    from statusrapport.data import inventory

    p = _Parser(prog="build.py indicators", description="Vis indikatorkatalogen med datadekning.")
    p.add_argument("--chapter", choices=CHAPTERS, help="bare dette kapitlet")
    p.add_argument("--format", choices=("table", "json"), default="table")
    args = p.parse_args(argv)
    rows = inventory.overview(ROOT, args.chapter)
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return Exit.OK
    for r in rows:
        print(f"{r['id']:<45} {r['chapter']:<14} {r['unit']:<22} {r['periods']:<20} "
              f"{','.join(r['levels']):<28} {r['target']:<18} {r['source']}")
    print(f"{len(rows)} indikatorer")
    return Exit.OK


def _import(argv):
    from statusrapport.ingest import command

    p = _Parser(prog="build.py import", description="Les en datalevering inn som observasjoner. "
                "Kilden må ha en post i data/sources/<ID>.yml med en 'import:'-beskrivelse.")
    p.add_argument("file", type=Path, help="leveransen (JSON-stat2, CSV eller XLSX)")
    p.add_argument("--source", required=True, metavar="ID", help="kildens id i data/sources/")
    p.add_argument("--vintage", metavar="ÅÅÅÅ-MM-DD",
                   help="datoen leveransen kom (standard: i dag); tallene er kjent fra denne datoen")
    p.add_argument("--dry-run", action="store_true",
                   help="vis hva som ville blitt nytt og revidert, uten å skrive noe")
    p.add_argument("--bekreft", "--confirm", dest="confirm", action="store_true",
                   help="les inn selv om verdier ser urimelige ut (etter at du har sjekket dem)")
    args = p.parse_args(argv)
    summary = command.run(ROOT, args.file, args.source, vintage=args.vintage,
                          dry_run=args.dry_run, confirm=args.confirm)
    print(summary)
    return Exit.OK


def _verify(argv):
    from statusrapport.build import pipeline, verify

    p = _Parser(prog="build.py verify", description="Bygg utgaven på nytt i en midlertidig mappe "
                "og sammenlign med den publiserte i output/.")
    p.add_argument("--params", type=Path)
    p.add_argument("--region", default=NATIONAL)
    p.add_argument("--output", type=Path)
    args = p.parse_args(argv)
    opt = pipeline.Options(root=ROOT, params=_params_path(args), region=args.region, output=args.output)
    notes = []
    diffs = verify.run(opt, progress=lambda text: None, notes=notes)
    if diffs:
        print("Forskjeller funnet:", file=sys.stderr)
        for d in diffs:
            print(f"  - {d}", file=sys.stderr)
        print("Er endringene meningen, bygg utgaven på nytt (python build.py --params "
              f"{opt.params.stem}) og publiser den; ellers angre endringene som er nevnt.",
              file=sys.stderr)
        return Exit.DIFFERS
    print("identical: den publiserte rapporten er identisk med en ny bygging fra repositoriet.")
    for n in notes:
        print(f"  merk: {n}")
    return Exit.OK


COMMANDS = {"validate": _validate, "indicators": _indicators, "import": _import, "verify": _verify}
