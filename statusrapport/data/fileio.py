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

MAX_YAML_BYTES = 5 * 1024 * 1024  # the catalogue is ~100 kB; a params file or record far less
MAX_ALIASES = 100  # uses of &anchor/*alias per file: enough for shared blocks, none for a bomb
MAX_TEXT_BYTES = 50 * 1024 * 1024  # an observation, tiltak or narrative file; the largest is ~2 MB


class _LimitedLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml: fast
    """Safe YAML with limits: at most MAX_ALIASES alias uses (an "alias bomb" expands
    exponentially), no key twice in a mapping (else the last would silently win), and dates
    that exist (``2026-13-01`` is refused with its line, not a ValueError)."""

    def construct_object(self, node, deep=False):
        if node in self.constructed_objects:  # a *alias to a node already built
            self._aliases = getattr(self, "_aliases", 0) + 1
            if self._aliases > MAX_ALIASES:
                raise yaml.constructor.ConstructorError(
                    None, None, f"mer enn {MAX_ALIASES} bruk av *alias i én fil; skriv verdiene ut",
                    node.start_mark)
        return super().construct_object(node, deep)

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen = {}
            for key_node, _ in node.value:
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = key_node.value
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"nøkkelen '{key[:60]}' står to ganger (også på linje "
                        f"{seen[key] + 1}); fjern den ene", key_node.start_mark)
                seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep)

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            raise yaml.constructor.ConstructorError(
                None, None, f"'{node.value[:40]}' er ingen gyldig dato; skriv ÅÅÅÅ-MM-DD, "
                "f.eks. 2026-03-01", node.start_mark) from None


_LimitedLoader.add_constructor("tag:yaml.org,2002:timestamp", _LimitedLoader.construct_yaml_timestamp)
# Latin-1 "æøå" never forms valid UTF-8 multi-byte sequences; a file that has some is UTF-8
# with a corrupted byte, and reading it as cp1252 would garble every æøå in it.
UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}")
# Control characters other than tab and line breaks: invisible in an editor, and refused by
# Excel and XML (the PDF, the workbook) only after every chapter has run.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


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
    if path.stat().st_size > MAX_YAML_BYTES:
        raise yaml.YAMLError(f"filen er større enn {MAX_YAML_BYTES // 2**20} MB; er det riktig fil?")
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LimitedLoader)  # noqa: S506 - safe
    except yaml.MarkedYAMLError as err:  # one line, in words: "linje 6: ..."
        mark = err.problem_mark or err.context_mark
        where = f"linje {mark.line + 1}: " if mark else ""
        raise yaml.YAMLError(f"{where}{err.problem or err.context}") from None


def read_bytes(path, problems, limit=MAX_TEXT_BYTES):
    """The bytes of a data file, or None with a problem added when it is larger than ``limit``
    (then it is not read at all)."""
    with open(path, "rb") as fh:
        if os.fstat(fh.fileno()).st_size > limit:
            problems.append(Problem(path, f"filen er større enn {limit // 2**20} MB (grensen for "
                                    "en datafil); del den opp eller sjekk at det er riktig fil"))
            return None
        return fh.read()


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
        return _without_control(path, data.decode("utf-8-sig"), problems)
    except UnicodeDecodeError as err:
        first_bad = err.start
    cp1252 = allow_cp1252 and not UTF8_SEQUENCE.search(data)
    if cp1252:
        try:
            text = data.decode("cp1252")
            if notes is not None:
                notes.append(f"{Path(path).name}: ikke UTF-8, lest som cp1252 (Latin-1)")
            return _without_control(path, text, problems)
        except UnicodeDecodeError as err:
            first_bad = err.start
    problems.append(Problem(path, f"ikke gyldig UTF-8{' eller cp1252' if cp1252 else ''} (byte "
                            f"{first_bad}); lagre filen som UTF-8", row=data[:first_bad].count(b"\n") + 1,
                            value=data[first_bad:first_bad + 1].hex()))
    return None


def _without_control(path, text, problems):
    """``text``, or None with a problem naming the line of its first control character."""
    m = CONTROL.search(text)
    if m is None:
        return text
    problems.append(Problem(path, f"inneholder et usynlig kontrolltegn (U+{ord(m.group()):04X}); "
                            "fjern det (skriv teksten inn på nytt)",
                            row=text.count("\n", 0, m.start()) + 1))
    return None
