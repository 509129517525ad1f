"""``build.py verify``: is the published report reproducible from the repository?

First the inputs recorded in the published manifest are compared with the repository's files
(naming every file that changed); then the edition is rebuilt from scratch in a temporary
folder and compared with the published one: HTML byte for byte, PDF by text and images."""

import hashlib
import shutil
import subprocess
import tempfile
from pathlib import Path

from statusrapport.build import hashing, pipeline
from statusrapport.errors import ParameterError
from statusrapport.render import manifest, publish


def _pdf_fingerprint(path):
    if not (shutil.which("pdftotext") and shutil.which("pdfimages")):
        raise ParameterError("verify trenger pdftotext og pdfimages (Debian-pakken poppler-utils) "
                             "for å sammenligne PDF-en")
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdfimages", "-png", str(path), f"{tmp}/img"], check=True)
        images = [hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(Path(tmp).iterdir())]
    return text, images


def input_changes(published_manifest, root, params):
    old, new = published_manifest.get("inputs", {}), hashing.Inputs.read(root, params).files
    changed = sorted(k for k in old.keys() & new.keys() if old[k] != new[k])
    return changed, sorted(new.keys() - old.keys()), sorted(old.keys() - new.keys())


def run(opt, progress=print):
    """Returns a list of differences (empty: identical)."""
    published = publish.out_dir_for(Path(opt.output or Path(opt.root) / "output"),
                                   Path(opt.params).stem, opt.region)
    old = manifest.read(published / "manifest.json")
    if old is None:
        return [f"{published}: ingen publisert rapport å sammenligne med (mangler manifest.json)"]
    diffs = []
    changed, added, removed = input_changes(old, opt.root, opt.params)
    diffs += [f"inndata endret siden publisering: {p}" for p in changed]
    diffs += [f"ny inndatafil siden publisering: {p}" for p in added]
    diffs += [f"inndatafil fjernet siden publisering: {p}" for p in removed]
    with tempfile.TemporaryDirectory(prefix="verify-") as tmp:
        opt.output, opt.force, opt.formats = Path(tmp), True, tuple(old.get("formats", pipeline.FORMATS))
        opt.progress = progress
        result = pipeline.build(opt)[0]
        if result.failures:
            return diffs + [f"kapittel {r.chapter} feilet ved ny bygging" for r in result.failures]
        fresh = result.out_dir
        if "html" in opt.formats:
            if (fresh / "statusrapport.html").read_bytes() != (published / "statusrapport.html").read_bytes():
                diffs.append(f"{published / 'statusrapport.html'}: HTML er ikke identisk")
        if "pdf" in opt.formats:
            a, b = _pdf_fingerprint(fresh / "statusrapport.pdf"), _pdf_fingerprint(published / "statusrapport.pdf")
            if a[0] != b[0]:
                diffs.append(f"{published / 'statusrapport.pdf'}: teksten i PDF-en er ikke identisk")
            if a[1] != b[1]:
                diffs.append(f"{published / 'statusrapport.pdf'}: bildene i PDF-en er ikke identiske")
    return diffs
