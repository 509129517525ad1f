"""Exception types. Each carries enough context (file, row, column, chapter, cell) for a
message that a non-programmer can act on."""

import errno
import reprlib
import difflib

from statusrapport.model import Exit

MAX_LISTED = 50  # problems shown in one message; the rest are counted
_EXCERPT = reprlib.Repr()
_EXCERPT.maxstring = _EXCERPT.maxother = 80
_EXCERPT.maxlist = _EXCERPT.maxdict = _EXCERPT.maxtuple = _EXCERPT.maxset = 6
_EXCERPT.maxlevel = 3


def excerpt(value):
    """A short quotation of ``value`` for a message: never more than about 80 characters, and
    cheap even for a huge or deeply nested value (reprlib stops early)."""
    return _EXCERPT.repr(value)


def listing(items, limit=MAX_LISTED):
    """Message lines for ``items``: the first ``limit``, then "… og 12 840 til"."""
    items = list(items)
    lines = [f"  - {item}" for item in items[:limit]]
    if len(items) > limit:
        lines.append(f"  … og {len(items) - limit:,} til".replace(",", " "))
    return lines


_ASCII = str.maketrans({"æ": "ae", "ø": "o", "å": "aa", "Æ": "Ae", "Ø": "O", "Å": "Aa"})


def did_you_mean(value, known):
    """" (mente du 'x'?)" for the closest of ``known`` to ``value``, or "" if none is close.
    Case and æøå written as ae/o/aa do not count as differences ('Siste', 'maal')."""
    plain = {str(k).translate(_ASCII).lower(): str(k) for k in known}
    close = difflib.get_close_matches(str(value).translate(_ASCII).lower(), list(plain), n=1,
                                      cutoff=0.6)
    return f" (mente du '{plain[close[0]]}'?)" if close else ""


class StatusrapportError(Exception):
    """Base class; the CLI prints ``str(err)`` and exits with ``err.exit_code``."""

    exit_code = Exit.UNEXPECTED


class ParameterError(StatusrapportError):
    """A bad edition file or command-line parameter."""

    exit_code = Exit.PARAMETER


class SystemProblem(StatusrapportError):
    """The machine refused: disk full, a read-only or forbidden folder, a file in the way."""

    exit_code = Exit.SYSTEM

    WHAT = {errno.ENOSPC: "disken er full; frigjør plass og prøv igjen",
            errno.EDQUOT: "diskkvoten er brukt opp; frigjør plass og prøv igjen",
            errno.EROFS: "filsystemet er skrivebeskyttet; bruk en annen utmappe med --output",
            errno.EACCES: "mangler skrivetilgang; sjekk rettighetene eller bruk --output",
            errno.EPERM: "operasjonen er ikke tillatt; sjekk rettighetene",
            errno.ENOTDIR: "en fil står der en mappe skal være; flytt eller slett filen",
            errno.EEXIST: "en fil står der en mappe skal være; flytt eller slett filen",
            errno.EISDIR: "en mappe står der en fil skal være"}

    @classmethod
    def handles(cls, err):
        return isinstance(err, OSError) and err.errno in cls.WHAT

    def __init__(self, err):
        where = err.filename if isinstance(err, OSError) and err.filename else ""
        what = self.WHAT.get(getattr(err, "errno", None), str(err))
        super().__init__(f"{where}: {what}" if where else what)


class Problem:
    """One validation finding: where it is and what was expected."""

    def __init__(self, file, message, row=None, column=None, value=None):
        self.file, self.message = str(file), message
        self.row, self.column, self.value = row, column, value

    def __str__(self):
        where = self.file
        if self.row is not None:
            where += f", rad {self.row}"
        if self.column is not None:
            where += f", kolonne '{self.column}'"
        got = "" if self.value is None else f" (fant: {excerpt(self.value)})"
        return f"{where}: {self.message}{got}"

    def __eq__(self, other):
        return isinstance(other, Problem) and str(self) == str(other)

    def __hash__(self):
        return hash(str(self))


class DataError(StatusrapportError):
    """One or more problems in data files; all problems of a run are reported together."""

    exit_code = Exit.DATA

    def __init__(self, problems):
        self.problems = list(problems) if isinstance(problems, (list, tuple)) else [problems]
        lines = [f"{len(self.problems)} feil i data:"] + listing(self.problems)
        super().__init__("\n".join(lines))

    def __reduce__(self):
        return DataError, (self.problems,)


class PlaceholderError(StatusrapportError):
    """Narrative placeholders that do not resolve: one message per placeholder in ``problems``."""

    exit_code = Exit.DATA

    def __init__(self, problems):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))

    def __reduce__(self):
        return PlaceholderError, (self.problems,)


class ChapterError(StatusrapportError):
    """A chapter notebook failed; names the chapter, cell and exception."""

    exit_code = Exit.CHAPTER

    def __init__(self, chapter, cell=None, ename="", evalue="", line=None, log=None):
        super().__init__(chapter, cell, ename, evalue, line, log)
        self.chapter, self.cell, self.ename, self.evalue = chapter, cell, ename, evalue
        self.line, self.log = line, log

    def __reduce__(self):  # crosses from worker processes intact
        return ChapterError, (self.chapter, self.cell, self.ename, self.evalue, self.line, self.log)

    def __str__(self):  # built when shown, so a log moved to failed/ is named where it is
        where = f"kapittel '{self.chapter}'" + (f", celle {self.cell}" if self.cell is not None else "")
        msg = f"{where}: {self.ename}: {self.evalue}"
        if self.line:
            msg += f"\n    i linjen: {self.line}"
        if self.log:
            msg += f"\n    full feilmelding: {self.log}"
        return msg
