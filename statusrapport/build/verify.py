"""``build.py verify``: is the published report reproducible from the repository?

The edition is rebuilt from scratch in a temporary folder and compared with the published one:
HTML byte for byte (the whole report and each chapter), PDF by text and images. When it differs,
the inputs recorded in the published manifest are compared with the repository's files to say
why (data, texts, or code). Deliveries dated after the edition's data cut-off are not read by it,
so they are listed as notes, never as differences: a published edition is frozen."""

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from pypdf import PdfReader

from statusrapport import edition as edition_mod
from statusrapport.build import hashing, pipeline
from statusrapport.data import vintages
from statusrapport.errors import ParameterError
from statusrapport.render import manifest, publish


_DRAW = re.compile(rb"/([^\s/\[\]()<>{}%]+)\s+Do\b")  # "/Im3 Do": draw the XObject Im3


def _xobjects(owner):
    """The XObjects a page or form names in its resources."""
    resources = owner.get("/Resources")
    return (resources.get_object().get("/XObject") if resources else None) or {}


def _images(content, xobjects, found):
    """sha256 of each image as drawn, in drawing order (forms followed): the stored bytes, so
    nothing is decoded; the same HTML always gives the same bytes."""
    for name in _DRAW.findall(content):
        obj = xobjects["/" + name.decode("latin-1")].get_object()
        if obj.get("/Subtype") == "/Image":
            mask = obj.get("/SMask")
            found.append(hashing.sha256_bytes(obj._data + (mask.get_object()._data if mask else b"")))
        elif obj.get("/Subtype") == "/Form":
            _images(obj.get_data(), _xobjects(obj), found)


def _pdf_fingerprint(path):
    """(text, images): what a reader sees of the PDF, without the bytes that differ per run."""
    if not shutil.which("pdftotext"):
        raise ParameterError("verify trenger pdftotext (Debian-pakken poppler-utils) for å "
                             "sammenligne PDF-en")
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    images = []
    for page in PdfReader(path).pages:
        content = page.get_contents()
        if content is not None:
            _images(content.get_data(), _xobjects(page), images)
    return text, images


CODE_PREFIXES = tuple(f"{c}/" if "." not in c else c for c in hashing.CODE)


def input_changes(published_manifest, root, params):
    """(changed, added, removed, later): input files that differ from the published manifest,
    and files the edition does not read because they are dated after its data cut-off."""
    cutoff = edition_mod.resolve(root, params).data_cutoff
    old, new = published_manifest.get("inputs", {}), hashing.Inputs.read(root, params).files
    later = sorted(k for k in (new.keys() | old.keys()) if not vintages.seen_by(k, cutoff)
                   and old.get(k) != new.get(k))
    seen = [k for k in new.keys() | old.keys() if k not in later]
    changed = sorted(k for k in seen if k in old and k in new and old[k] != new[k])
    added = sorted(k for k in seen if k in new and k not in old)
    removed = sorted(k for k in seen if k in old and k not in new)
    return changed, added, removed, later


def _why(path):
    return "kode" if path.startswith(CODE_PREFIXES) else "inndata"


def run(opt, progress=print, notes=None):
    """Returns a list of differences (empty: identical). ``notes``: a list that gets what
    changed in the repository without changing the edition."""
    notes = [] if notes is None else notes
    published = publish.out_dir_for(Path(opt.output or Path(opt.root) / "output"),
                                   Path(opt.params).stem, opt.region)
    old = manifest.read(published / "manifest.json")
    if old is None:
        return [f"{published}: ingen publisert rapport å sammenligne med (mangler manifest.json)"]
    changed, added, removed, later = input_changes(old, opt.root, opt.params)
    reasons = [f"{_why(p)} endret siden publisering: {p}" for p in changed]
    reasons += [f"ny {_why(p)}fil siden publisering: {p}" for p in added]
    reasons += [f"{_why(p)}fil fjernet siden publisering: {p}" for p in removed]
    diffs = []
    with tempfile.TemporaryDirectory(prefix="verify-") as tmp:
        opt.output, opt.force, opt.formats = Path(tmp), True, tuple(old.get("formats", pipeline.FORMATS))
        opt.progress = progress
        result = pipeline.build(opt)[0]
        if result.failures:
            return reasons + [f"kapittel {r.chapter} feilet ved ny bygging" for r in result.failures]
        fresh = result.out_dir
        if "html" in opt.formats:
            if (fresh / "statusrapport.html").read_bytes() != (published / "statusrapport.html").read_bytes():
                diffs.append(f"{published / 'statusrapport.html'}: HTML er ikke identisk")
            for page in sorted(fresh.glob("kapittel-*.html")):
                other = published / page.name
                if not other.is_file() or other.read_bytes() != page.read_bytes():
                    chapter = page.stem.split("-", 2)[-1]
                    diffs.append(f"kapittel {chapter} ({page.name}) er ikke identisk")
        if "pdf" in opt.formats:
            a, b = _pdf_fingerprint(fresh / "statusrapport.pdf"), _pdf_fingerprint(published / "statusrapport.pdf")
            if a[0] != b[0]:
                diffs.append(f"{published / 'statusrapport.pdf'}: teksten i PDF-en er ikke identisk")
            if a[1] != b[1]:
                diffs.append(f"{published / 'statusrapport.pdf'}: bildene i PDF-en er ikke identiske")
    cutoff = edition_mod.resolve(opt.root, opt.params).data_cutoff
    notes += [f"datert etter datagrensen {cutoff}, ikke med i utgaven: {p}" for p in later]
    if not diffs:
        notes += [f"{r} (endrer ikke rapporten)" for r in reasons]
        return []
    return reasons + diffs
