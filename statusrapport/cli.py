"""Command line: ``./rapport [options]`` (the script runs ``build.py`` in the project's .venv)
builds an edition; subcommands ``validate``, ``indicators``, ``import``, ``tiltak`` and
``verify`` work on the data and the published report, ``preview`` is the analysts' edit loop. Exit codes are
:class:`statusrapport.model.Exit`. The project is the folder the command runs in."""

import argparse
import csv
import re
import signal
import sys
import tempfile
import traceback
from pathlib import Path

from statusrapport import __version__
from statusrapport.errors import ParameterError, StatusrapportError, SystemProblem, did_you_mean, listing
from statusrapport.model import CHAPTER_TIMEOUT, CHAPTERS, NATIONAL, Exit

ROOT = Path.cwd()
PROG = "./rapport"  # what staff type; the script runs build.py with the project's Python
EPILOG = """\
underkommandoer:
  validate [--params UTGAVE]  sjekk datafilene (alle utgaver, eller bare én) og skriv alle feil
  indicators                  vis indikatorkatalogen (--chapter, --format table|json)
  import FIL --source ID      les en datalevering (JSON-stat2, CSV, XLSX) inn som en ny vintage
                              (--dry-run viser endringene uten å skrive, --bekreft godtar advarsler)
  tiltak ID --status STATUS   sett status for et tiltak (--kommentar, --kilde, --ref, --utgave);
                              tiltak --til-excel / --fra FIL: rediger tiltakslisten i Excel
  verify                      bygg på nytt i en midlertidig mappe og sammenlign med output/
  preview [--port 8000]       forhåndsvisning i nettleseren som bygges på nytt når en fil
                              lagres (til .cache/preview/, aldri til output/)

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


# argparse's own messages (Python 3.11–3.13), in bokmål. Each pattern is matched against the
# whole message; the replacement says what to do next.
_MESSAGES = [
    (r"the following arguments are required: (.*)",
     r"mangler \1; skriv det etter kommandoen (se --help)"),
    (r"unrecognized arguments: (.*)", r"ukjente argumenter: \1; se --help for lovlige valg"),
    (r"argument (\S+): invalid choice: '?(.*?)'? \(choose from (.*)\)",
     r"\1: ugyldig valg '\2'; bruk en av: \3"),
    (r"argument (\S+): expected one argument", r"\1 trenger en verdi, f.eks. \1 VERDI"),
    (r"argument (\S+): expected at least one argument", r"\1 trenger minst én verdi"),
    (r"argument (\S+): expected at most one argument", r"\1 tar høyst én verdi"),
    (r"argument (\S+): invalid (\S+) value: (.*)", r"\1: ugyldig verdi \3; se --help"),
    (r"argument (\S+): not allowed with argument (\S+)", r"\1 kan ikke brukes sammen med \2"),
    (r"ambiguous option: (\S+) could match (.*)", r"\1 er tvetydig; mente du en av: \2?"),
    (r"argument (\S+): ignored explicit argument (.*)", r"\1 tar ingen verdi (fikk \2)"),
    (r"argument (\S+): (.*)", r"\1: \2"),  # our own type checks, already in bokmål
]


def norwegian(message):
    """argparse's English error message in bokmål (unknown messages are returned as they are)."""
    for pattern, replacement in _MESSAGES:
        if re.fullmatch(pattern, message, re.S):
            return re.sub(pattern, replacement, message, flags=re.S)
    return message


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "bruk: " if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse with bokmål help headings and error messages, and exit code 2 (PARAMETER)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "argumenter"
        self._optionals.title = "valg"
        self.add_argument("-h", "--help", action="help", help="vis denne hjelpen og avslutt")

    def error(self, message):
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: feil: {norwegian(message)}\n")
        sys.exit(Exit.PARAMETER)


def build_parser():
    p = _Parser(prog=PROG, description="Bygger statusrapporten for Nasjonal helse- og "
                "samhandlingsplan: kapittel-notatbøker kjøres med papermill og settes sammen til "
                "HTML og PDF.", epilog=EPILOG)
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
    p.add_argument("--version", action="version", version=f"statusrapport {__version__}",
                   help="vis versjonen og avslutt")
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

    p = _Parser(prog=f"{PROG} validate", description="Sjekk datafilene: alle utgaver, eller med "
                "--params bare den utgaven (det byggingen sjekker) og de felles filene.")
    p.add_argument("--params", type=Path, metavar="UTGAVE", help="bare denne utgaven, f.eks. 2027")
    args = p.parse_args(argv)
    warnings = []
    edition = _params_path(args) if args.params else None
    problems = validate.run(ROOT, edition=edition and _load_edition(edition), warnings=warnings)
    for text in warnings:
        print(f"ADVARSEL: {text}", file=sys.stderr)
    if problems:
        print(f"{len(problems)} feil funnet; rett dem og kjør kommandoen på nytt:", file=sys.stderr)
        print("\n".join(listing(problems)), file=sys.stderr)
        return Exit.DATA
    print("Alle datafiler er gyldige." + (f" (utgave {edition.stem} og de felles filene)"
                                          if edition else ""))
    return Exit.OK


def _load_edition(path):
    from statusrapport import edition

    return edition.load(path, ROOT / "params")


TABLE_COLUMNS = (("id", "id", 30), ("title", "tittel", 48), ("unit", "enhet", 24),
                 ("periods", "perioder med data", 22), ("levels", "nivåer", 22),
                 ("target", "mål", 16), ("source", "kilde", 0))


def _cell(value, width):
    text = ", ".join(value) if isinstance(value, list) else str(value)
    if width and len(text) > width:
        text = text[:width - 1] + "…"
    return text.ljust(width) if width else text


def _indicators(argv):
    import json

    from statusrapport.data import inventory

    p = _Parser(prog=f"{PROG} indicators", description="Vis indikatorkatalogen med datadekning.")
    p.add_argument("--chapter", choices=CHAPTERS, help="bare dette kapitlet")
    p.add_argument("--format", choices=("table", "json"), default="table")
    args = p.parse_args(argv)
    rows = inventory.overview(ROOT, args.chapter)
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return Exit.OK
    header = "  ".join(_cell(title, width) for _, title, width in TABLE_COLUMNS)
    print(header)
    print("-" * len(header))
    for r in rows:
        print("  ".join(_cell(r[key], width) for key, _, width in TABLE_COLUMNS).rstrip())
    where = f" i kapitlet {args.chapter}" if args.chapter else ""
    print(f"{len(rows)} indikatorer{where}. Plassholder i en vurderingstekst: {{{{ id.siste }}}}; "
          "hele titler og definisjoner: --format json")
    return Exit.OK


def _tiltak(argv):
    from statusrapport.data import tiltak

    p = _Parser(prog=f"{PROG} tiltak", description="Sett status for et tiltak eller oppdrag i "
                "data/tiltak.csv, eller les inn en tiltaksliste lagret fra Excel (--fra).")
    p.add_argument("id", nargs="?", help="tiltakets id (første kolonne i data/tiltak.csv)")
    p.add_argument("--status", help=f"ny status: {', '.join(tiltak.STATUSES)}")
    p.add_argument("--kommentar", help="kort begrunnelse som vises i rapporten")
    p.add_argument("--kilde", help="id-en til kildeposten (data/sources/) for dokumentet som "
                   "melder statusen; standard: kilden fra forrige linje")
    p.add_argument("--ref", help="hvor i kilden, f.eks. side 12 eller L310-312")
    p.add_argument("--utgave", help="utgaven statusen gjelder (standard: den nyeste i params/)")
    p.add_argument("--til-excel", action="store_true",
                   help="lag data/tiltak.xlsx av data/tiltak.csv for redigering i Excel")
    p.add_argument("--fra", type=Path, metavar="FIL",
                   help="tiltakslisten lagret fra Excel (.xlsx eller .csv); erstatter data/tiltak.csv")
    args = p.parse_args(argv)
    path = ROOT / "data" / "tiltak.csv"
    if args.til_excel:
        workbook = ROOT / "data" / "tiltak.xlsx"
        if workbook.exists():
            raise ParameterError("data/tiltak.xlsx finnes allerede; les den inn med ./rapport tiltak "
                                 "--fra data/tiltak.xlsx, eller slett den og prøv igjen")
        tiltak.write_xlsx(tiltak.load(path), workbook)
        print("Laget data/tiltak.xlsx. Rediger og lagre den i Excel, og les den inn med "
              "./rapport tiltak --fra data/tiltak.xlsx")
        return Exit.OK
    if args.fra:
        if args.id or args.status:
            p.error("bruk enten --fra FIL eller ID --status STATUS, ikke begge")
        if not args.fra.is_file():
            raise ParameterError(f"{args.fra}: filen finnes ikke; angi stien til filen du lagret fra Excel")
        frame = tiltak.load(args.fra)
        tiltak.write(frame, path)
        if args.fra.resolve() == (ROOT / "data" / "tiltak.xlsx").resolve():
            args.fra.unlink()
        print(f"Leste {len(frame)} linjer fra {args.fra} inn i data/tiltak.csv. Kjør ./rapport "
              "validate og bygg rapporten.")
        return Exit.OK
    if not args.id:
        p.error("mangler tiltakets id, f.eks. ./rapport tiltak nhsp2026_samh_01 --status levert")
    frame = tiltak.load(path)
    if not args.status:
        mine = frame[frame["id"] == args.id]
        if mine.empty:
            raise ParameterError(f"ukjent tiltak '{args.id}'"
                                 f"{did_you_mean(args.id, frame['id'].unique())}; id-ene står i "
                                 "første kolonne i data/tiltak.csv")
        for rec in mine.sort_values("edition").to_dict("records"):
            print(f"{rec['edition']}: {rec['status']}" + (f" – {rec['comment']}" if rec["comment"] else ""))
        print(f"Ny status: {PROG} tiltak {args.id} --status STATUS --kommentar \"…\"")
        return Exit.OK
    if args.kilde is not None:
        from statusrapport.data import sources

        known = sources.load_all(ROOT / "data")
        if args.kilde not in known:
            raise ParameterError(f"ukjent kilde '{args.kilde}'{did_you_mean(args.kilde, known)}; "
                                 "lag kildeposten data/sources/<id>.yml først (se brukerveiledningen)")
    edition = args.utgave or _params_path(argparse.Namespace(params=None)).stem
    try:
        frame = tiltak.set_status(frame, args.id, edition, args.status, args.kommentar,
                                  args.kilde, args.ref)
    except ValueError as err:
        raise ParameterError(str(err)) from None
    tiltak.write(frame, path)
    print(f"Status for {args.id} i utgave {edition} er nå «{args.status.strip().lower()}» "
          "(data/tiltak.csv).")
    return Exit.OK


def _import(argv):
    from statusrapport.ingest import command

    p = _Parser(prog=f"{PROG} import", description="Les en datalevering inn som observasjoner. "
                "Kilden må ha en post i data/sources/<ID>.yml med en 'import:'-beskrivelse.")
    p.add_argument("file", type=Path, metavar="FIL", help="leveransen (JSON-stat2, CSV eller XLSX)")
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

    p = _Parser(prog=f"{PROG} verify", description="Bygg utgaven på nytt i en midlertidig mappe "
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


def _preview(argv):
    from statusrapport.build import pipeline, preview

    p = _Parser(prog=f"{PROG} preview", description="Forhåndsvisning for analytikere: bygger "
                "utgaven som HTML, viser den på http://127.0.0.1:PORT/ og bygger på nytt når en "
                "notatbok, datafil, vurdering eller utgavefil lagres. Stopp med Ctrl-C.")
    p.add_argument("--params", type=Path, help="utgavefil (standard: den nyeste i params/)")
    p.add_argument("--region", default=NATIONAL, help=f"'{NATIONAL}' (standard) eller et helsefellesskap")
    p.add_argument("--format", type=_formats, default=("html",), help="html (standard) eller html,pdf")
    p.add_argument("--port", type=int, default=8000, help="port på 127.0.0.1 (standard 8000)")
    p.add_argument("--jobs", type=_jobs, help="antall kapitler som kjøres samtidig")
    args = p.parse_args(argv)
    if args.region == "all":
        raise ParameterError("preview viser én utgave om gangen; velg --region land eller ett "
                             "helsefellesskap")
    opt = pipeline.Options(root=ROOT, params=_params_path(args), region=args.region,
                           formats=args.format, jobs=args.jobs)
    try:
        preview.run(opt, args.port)
    except KeyboardInterrupt:
        print("Forhåndsvisningen er stoppet.")
    return Exit.OK


COMMANDS = {"validate": _validate, "indicators": _indicators, "import": _import, "tiltak": _tiltak,
            "verify": _verify, "preview": _preview}
