"""Reading project files: noting which ones a chapter read (for the cache), YAML without object
construction, and one policy for text encodings.

Which files a chapter read: the build points ``STATUSRAPPORT_READ_LOG`` at a file that is emptied
before each chapter (see build/kernels.py); the cache then keys that chapter on exactly those
files' hashes."""

import os
import re
from pathlib import Path

import yaml

from statusrapport.errors import Problem

YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: every chapter reads YAML
# Latin-1 "æøå" never forms valid UTF-8 multi-byte sequences; a file that has some is UTF-8
# with a corrupted byte, and reading it as cp1252 would garble every æøå in it.
UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}")


def opened(path):
    """Note that ``path`` was read; returns it unchanged."""
    log = os.environ.get("STATUSRAPPORT_READ_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(str(Path(path).resolve()) + "\n")
    return path


def read_yaml(path, log=True):
    """Parsed content of ``path``; raises yaml.YAMLError, UnicodeDecodeError or OSError.
    ``log=False``: not a chapter dependency by itself."""
    path = opened(path) if log else path
    return yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)  # noqa: S506 - safe


def decode(path, data, problems, notes=None, allow_cp1252=False):
    """Bytes -> text, or None with a problem added. UTF-8 with or without BOM (Excel's "CSV
    UTF-8"); with ``allow_cp1252`` (deliveries, files staff save from Excel) also cp1252 when
    the file holds no UTF-8 at all, noted in ``notes``."""
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        problems.append(Problem(path, "filen er tom"))
        return None
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        problems.append(Problem(path, f"inneholder NUL-tegn (linje {line}); er filen lagret som "
                                "UTF-16? lagre filen som UTF-8"))
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        first_bad = err.start
    cp1252 = allow_cp1252 and not UTF8_SEQUENCE.search(data)
    if cp1252:
        try:
            text = data.decode("cp1252")
            if notes is not None:
                notes.append(f"{Path(path).name}: ikke UTF-8, lest som cp1252 (Latin-1)")
            return text
        except UnicodeDecodeError as err:
            first_bad = err.start
    problems.append(Problem(path, f"ikke gyldig UTF-8{' eller cp1252' if cp1252 else ''} (byte "
                            f"{first_bad}); lagre filen som UTF-8", row=data[:first_bad].count(b"\n") + 1,
                            value=data[first_bad:first_bad + 1].hex()))
    return None
