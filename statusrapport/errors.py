"""Exception types. Each carries enough context (file, row, column, chapter, cell) for a
message that a non-programmer can act on."""

import difflib

from statusrapport.model import Exit


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
        got = "" if self.value is None else f" (fant: {self.value!r})"
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
        lines = [f"{len(self.problems)} feil i data:"] + [f"  - {p}" for p in self.problems]
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
